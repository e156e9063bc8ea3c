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

    /** Whether {@link #forwardResidual} adds the residual inside the conv's own epilogue (not in a pass after it). */
    boolean fusesResidual() {
        return false;
    }

    /**
     * A basic block's second conv with the block's end: {@code y = max(epilogue(conv(x)) + residual, 0)},
     * float32 in that order (docs/MODEL_FORMAT.md); a unit without a ReLU of its own. This one adds in a pass
     * after {@link #forward}; a unit that {@link #fusesResidual} does it in the conv's epilogue, with the same
     * result.
     */
    void forwardResidual(float[] x, int batch, float[] y, S scratch, float[] residual) {
        forward(x, batch, y, scratch);
        int n = batch * out.size();
        for (int i = 0; i < n; i++) {
            y[i] = Math.max(y[i] + residual[i], 0f);
        }
    }

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

        void forwardResidual(float[] x, int batch, float[] y, float[] residual) {
            unit.forwardResidual(x, batch, y, scratch, residual);
        }
    }
}
