package io.github.trit4j.nn;

/** [N, C, H, W] to [N, C*H*W]: the same values. */
final class Flatten extends Layer<Void> {
    Flatten(Shape in) {
        super(LayerKind.FLATTEN, in, new Shape(in.size(), 1, 1));
    }

    @Override
    void forward(float[] x, float[] y, int batch, Void scratch, LayerTimes times) {
        System.arraycopy(x, 0, y, 0, batch * in.size());
    }

    @Override
    String describe() {
        return "flatten -> " + out;
    }
}
