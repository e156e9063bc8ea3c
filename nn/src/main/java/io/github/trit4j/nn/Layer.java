package io.github.trit4j.nn;

/**
 * One step of a network: reads {@code batch} images of shape {@link #in} from {@code x} and
 * writes {@code batch x} {@link #out} to {@code y} (never the same array). Immutable and
 * thread-safe; per-call state lives in the scratch object {@link #scratch} makes, one per
 * thread and batch size.
 */
abstract class Layer {

    final LayerKind kind;
    final Shape in;
    final Shape out;

    Layer(LayerKind kind, Shape in, Shape out) {
        this.kind = kind;
        this.in = in;
        this.out = out;
    }

    /** This layer's per-thread buffers for {@code batch} images, or null. */
    Object scratch(int batch) {
        return null;
    }

    /**
     * Computes the layer. {@code times}, if not null, receives this layer's time: by the caller
     * when {@link #timesItself()} is false, by the layer otherwise.
     */
    abstract void forward(float[] x, float[] y, int batch, Object scratch, LayerTimes times);

    /** Whether {@link #forward} records its own time in {@code times} (blocks split theirs by kind). */
    boolean timesItself() {
        return false;
    }

    /** One line for {@link Network#toString()}. */
    abstract String describe();
}
