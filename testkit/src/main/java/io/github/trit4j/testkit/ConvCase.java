package io.github.trit4j.testkit;

/**
 * One generated convolution: value sets, geometry, batch and input size, layout, value patterns
 * and the seed that draws the values. Everything is in {@link #toString()}, so a shrunk failure
 * can be replayed by constructing the same record.
 *
 * @param weightCodes     the weights' value set
 * @param inputCodes      the input's value set
 * @param spec            the geometry
 * @param batch           images, at least 1
 * @param height          input height
 * @param width           input width
 * @param layout          the input's and the output's memory order
 * @param weightPattern   how the weights are drawn
 * @param inputPattern    how the input is drawn
 * @param seed            the seed both are drawn from
 */
public record ConvCase(CodeSet weightCodes, CodeSet inputCodes, ConvSpec spec, int batch, int height, int width,
                       ConvLayout layout, ValuePattern weightPattern, ValuePattern inputPattern, long seed) {

    /**
     * Checks that the input gives at least one output pixel.
     *
     * @param weightCodes   the weights' value set
     * @param inputCodes    the input's value set
     * @param spec          the geometry
     * @param batch         images
     * @param height        input height
     * @param width         input width
     * @param layout        the memory order
     * @param weightPattern how the weights are drawn
     * @param inputPattern  how the input is drawn
     * @param seed          the seed
     * @throws IllegalArgumentException if the batch is below 1, the input too small or an argument null
     */
    public ConvCase {
        if (weightCodes == null || inputCodes == null || spec == null || layout == null || weightPattern == null
                || inputPattern == null) {
            throw new IllegalArgumentException("no argument may be null");
        }
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1, got " + batch);
        }
        spec.outputHeight(height);
        spec.outputWidth(width);
    }

    /**
     * The pair of value sets.
     *
     * @return (weights, input)
     */
    public CodePair pair() {
        return new CodePair(weightCodes, inputCodes);
    }

    /**
     * The input in NCHW order, a fresh array on each call.
     *
     * @return {@code batch x inChannels x height x width} codes
     */
    public byte[] inputNchw() {
        return inputPattern.values(inputCodes, batch * spec.inChannels(), height * width, seed);
    }

    /**
     * The input in this case's layout, a fresh array on each call.
     *
     * @return the codes {@link #inputNchw()} holds, in {@link #layout()} order
     */
    public byte[] input() {
        byte[] nchw = inputNchw();
        return layout == ConvLayout.NCHW ? nchw : NaiveConv.toNhwc(nchw, batch, spec.inChannels(), height, width);
    }

    /**
     * The weights, OIHW, a fresh array on each call.
     *
     * @return {@code outChannels x patchLength} codes
     */
    public byte[] weights() {
        return weightPattern.values(weightCodes, spec.outChannels(), spec.patchLength(), ~seed);
    }

    /**
     * Output height.
     *
     * @return {@code spec.outputHeight(height)}
     */
    public int outputHeight() {
        return spec.outputHeight(height);
    }

    /**
     * Output width.
     *
     * @return {@code spec.outputWidth(width)}
     */
    public int outputWidth() {
        return spec.outputWidth(width);
    }

    /**
     * The oracle's output, in this case's layout.
     *
     * @return {@code batch x outChannels x outputHeight x outputWidth} sums, in {@link #layout()} order
     */
    public int[] expected() {
        int[] nchw = NaiveConv.convolve(spec, inputNchw(), weights(), batch, height, width);
        return layout == ConvLayout.NCHW ? nchw
                : NaiveConv.toNhwc(nchw, batch, spec.outChannels(), outputHeight(), outputWidth());
    }

    /**
     * Everything needed to replay the case.
     *
     * @return value sets, geometry, sizes, layout, patterns and seed
     */
    @Override
    public String toString() {
        return weightCodes + " x " + inputCodes + " " + spec + " batch=" + batch + " H=" + height + " W=" + width
                + " " + layout + " weights=" + weightPattern + " input=" + inputPattern + " seed=" + seed;
    }
}
