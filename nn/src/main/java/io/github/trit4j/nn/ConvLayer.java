package io.github.trit4j.nn;

/**
 * A standalone convolution.
 *
 * @param <S> the unit's scratch type
 */
final class ConvLayer<S> extends Layer<S> {
    final ConvUnit<S> unit;

    ConvLayer(ConvUnit<S> unit) {
        super(unit.kind(), unit.in, unit.out);
        this.unit = unit;
    }

    @Override
    S scratch(int batch) {
        return unit.scratch(batch);
    }

    @Override
    void forward(float[] x, float[] y, int batch, S scratch, LayerTimes times) {
        unit.forward(x, batch, y, scratch);
    }

    @Override
    String describe() {
        return unit.describe();
    }
}
