package io.github.trit4j.nn;

/** {@code max(x, 0)}. */
final class Relu extends Layer<Void> {
    Relu(Shape in) {
        super(LayerKind.RELU, in, in);
    }

    @Override
    void forward(float[] x, float[] y, int batch, Void scratch, LayerTimes times) {
        int n = batch * in.size();
        for (int i = 0; i < n; i++) {
            y[i] = Math.max(x[i], 0f);
        }
    }

    @Override
    String describe() {
        return "relu";
    }
}
