package io.github.trit4j.testkit;

/**
 * One generated product: value sets, shape, value patterns and the seed that draws the values.
 * Everything about the case is in {@link #toString()}, so a shrunk failure can be replayed by
 * constructing the same record.
 *
 * <p>The product is {@code out[i*n + j] = sum over kk of w[i*k + kk] * x[j*k + kk]}: weights are
 * {@code m x k}, activations {@code n x k} (one row per output column), both row-major.
 *
 * @param weightCodes       the weights' value set
 * @param activationCodes   the activations' value set
 * @param m                 rows of the weights and of the output, at least 1
 * @param n                 rows of the activations, columns of the output, at least 1
 * @param k                 the shared (reduction) length, at least 1
 * @param weightPattern     how the weights are drawn
 * @param activationPattern how the activations are drawn
 * @param seed              the seed both are drawn from
 */
public record GemmCase(CodeSet weightCodes, CodeSet activationCodes, int m, int n, int k,
                       ValuePattern weightPattern, ValuePattern activationPattern, long seed) {

    /**
     * Checks the shape.
     *
     * @param weightCodes       the weights' value set
     * @param activationCodes   the activations' value set
     * @param m                 rows of the weights and of the output
     * @param n                 rows of the activations, columns of the output
     * @param k                 the shared length
     * @param weightPattern     how the weights are drawn
     * @param activationPattern how the activations are drawn
     * @param seed              the seed
     * @throws IllegalArgumentException naming the value if a dimension is below 1 or an argument is null
     */
    public GemmCase {
        if (m < 1 || n < 1 || k < 1) {
            throw new IllegalArgumentException("M, N and K must be at least 1, got M=" + m + " N=" + n + " K=" + k);
        }
        if (weightCodes == null || activationCodes == null || weightPattern == null || activationPattern == null) {
            throw new IllegalArgumentException("code sets and patterns must not be null");
        }
    }

    /**
     * The pair of value sets.
     *
     * @return (weights, activations)
     */
    public CodePair pair() {
        return new CodePair(weightCodes, activationCodes);
    }

    /**
     * The weights, a fresh array on each call.
     *
     * @return {@code m x k} codes, row-major
     */
    public byte[] weights() {
        return weightPattern.values(weightCodes, m, k, seed);
    }

    /**
     * The activations, a fresh array on each call.
     *
     * @return {@code n x k} codes, row-major
     */
    public byte[] activations() {
        return activationPattern.values(activationCodes, n, k, ~seed);
    }

    /**
     * The oracle's products for this case.
     *
     * @return {@code m x n} products, row-major
     */
    public int[] expected() {
        return NaiveGemm.multiply(weights(), activations(), m, n, k);
    }

    /**
     * Everything needed to replay the case.
     *
     * @return for example {@code TERNARY x TERNARY_UNSIGNED M=1 N=3 K=65 W=RANDOM X=ZERO seed=7}
     */
    @Override
    public String toString() {
        return weightCodes + " x " + activationCodes + " M=" + m + " N=" + n + " K=" + k
                + " W=" + weightPattern + " X=" + activationPattern + " seed=" + seed;
    }
}
