package io.github.trit4j.nn;

/**
 * One step of a network: reads {@code batch} images of shape {@link #in} from {@code x} and
 * writes {@code batch x} {@link #out} to {@code y} (never the same array). Immutable and
 * thread-safe; per-call state lives in the scratch object of type {@code S} that
 * {@link #scratch} makes, one per workspace and batch size ({@link Network}'s workspaces).
 *
 * @param <S> the scratch type ({@link Void} for none)
 */
abstract class Layer<S> {

    final LayerKind kind;
    final Shape in;
    final Shape out;

    Layer(LayerKind kind, Shape in, Shape out) {
        this.kind = kind;
        this.in = in;
        this.out = out;
    }

    /** This layer's buffers for {@code batch} images, or null. */
    S scratch(int batch) {
        return null;
    }

    /**
     * Computes the layer. {@code times}, if not null, receives this layer's time: by the caller
     * when {@link #timesItself()} is false, by the layer otherwise.
     */
    abstract void forward(float[] x, float[] y, int batch, S scratch, LayerTimes times);

    /** Whether {@link #forward} records its own time in {@code times} (blocks split theirs by kind). */
    boolean timesItself() {
        return false;
    }

    /** One line for {@link Network#toString()}. */
    abstract String describe();

    /** This layer with its scratch for {@code batch} images. */
    Bound<S> bind(int batch) {
        return new Bound<>(this, scratch(batch));
    }

    /** A layer and a scratch of its own type: what a workspace holds per layer. */
    record Bound<S>(Layer<S> layer, S scratch) {
        void forward(float[] x, float[] y, int batch, LayerTimes times) {
            layer.forward(x, y, batch, scratch, times);
        }
    }
}
