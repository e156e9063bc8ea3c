package io.github.trit4j.testkit;

/**
 * What an integer 2-D convolution under test provides: the exact sums of a code input
 * convolved with code weights, zero padding, as {@link NaiveConv} computes them.
 *
 * <p>Codes are one {@code byte} per value (the value itself, see {@link CodeSet}). Weights are
 * OIHW, {@code [outChannels][inChannels/groups][kernelH][kernelW]}; the input and the returned
 * output are in {@code layout} order ({@link ConvLayout#NCHW} or {@link ConvLayout#NHWC}).
 * Padded taps contribute 0 whatever the value sets (a binary input has no code for 0; padding
 * is still 0). An implementation must leave the arrays unchanged and return a new array.
 */
public interface TernaryConv {

    /**
     * The exact convolution.
     *
     * @param spec        the geometry
     * @param weightCodes the weights' value set
     * @param weights     {@code outChannels x patchLength} codes, OIHW
     * @param inputCodes  the input's value set
     * @param input       {@code batch x inChannels x height x width} codes, in {@code layout} order
     * @param batch       images, at least 1
     * @param height      input height
     * @param width       input width
     * @param layout      the input's and the output's memory order
     * @return {@code batch x outChannels x outputHeight x outputWidth} sums, in {@code layout} order
     */
    int[] convolve(ConvSpec spec, CodeSet weightCodes, byte[] weights, CodeSet inputCodes, byte[] input,
                   int batch, int height, int width, ConvLayout layout);

    /**
     * Whether the implementation handles this pair of value sets; the kit checks only supported pairs.
     *
     * @param pair weights' and input's value sets
     * @return true by default (every pair)
     */
    default boolean supports(CodePair pair) {
        return true;
    }

    /**
     * The implementation's name, for test names and failure messages.
     *
     * @return the simple class name by default
     */
    default String name() {
        return getClass().getSimpleName();
    }
}
