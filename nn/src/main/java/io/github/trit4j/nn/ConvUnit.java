package io.github.trit4j.nn;

import io.github.trit4j.conv.Conv2dSpec;

/**
 * A convolution with its float epilogue (folded BatchNorm, optional fused ReLU), the part
 * shared by {@link ConvLayer} and {@link BasicBlock}.
 *
 * @param <S> the scratch type
 */
abstract class ConvUnit<S> {
    final String name;
    final Conv2dSpec spec;
    final Shape in;
    final Shape out;
    final boolean relu;

    ConvUnit(String name, Conv2dSpec spec, Shape in, boolean relu) {
        this.name = name;
        this.spec = spec;
        this.in = in;
        this.out = new Shape(spec.outChannels(), spec.outputHeight(in.h()), spec.outputWidth(in.w()));
        this.relu = relu;
    }

    abstract LayerKind kind();

    abstract S scratch(int batch);

    /** {@code y = epilogue(conv(x))} for {@code batch} images. */
    abstract void forward(float[] x, int batch, float[] y, S scratch);

    String describe() {
        return name + ": " + kind() + " " + spec + (relu ? " + relu" : "") + " -> " + out;
    }

    /** This unit with its scratch for {@code batch} images. */
    Bound<S> bind(int batch) {
        return new Bound<>(this, scratch(batch));
    }

    /** A unit and a scratch of its own type. */
    record Bound<S>(ConvUnit<S> unit, S scratch) {
        void forward(float[] x, int batch, float[] y) {
            unit.forward(x, batch, y, scratch);
        }
    }
}
