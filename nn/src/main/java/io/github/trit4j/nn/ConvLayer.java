package io.github.trit4j.nn;

/** A standalone convolution. */
final class ConvLayer extends Layer {
    final ConvUnit unit;

    ConvLayer(ConvUnit unit) {
        super(unit.kind(), unit.in, unit.out);
        this.unit = unit;
    }

    @Override
    Object scratch(int batch) {
        return unit.scratch(batch);
    }

    @Override
    void forward(float[] x, float[] y, int batch, Object scratch, LayerTimes times) {
        unit.forward(x, batch, y, scratch);
    }

    @Override
    String describe() {
        return unit.describe();
    }
}
