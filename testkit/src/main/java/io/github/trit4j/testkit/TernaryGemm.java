package io.github.trit4j.testkit;

/**
 * What an integer GEMM under test provides: the products of two code matrices.
 *
 * <p>Operands are codes, one {@code byte} per value (the value itself, see {@link CodeSet}),
 * row-major: weights {@code m x k}, activations {@code n x k} (row {@code j} holds the {@code K}
 * values output column {@code j} is reduced over). The result is
 * {@code out[i*n + j] = sum over kk of weights[i*k + kk] * activations[j*k + kk]}, exactly, as
 * {@code int}. An implementation packs, recodes, tiles or threads as it likes; it must leave the
 * operand arrays unchanged and return a new array each call.
 *
 * <p>The kit may call {@link #multiply} from several threads at once (one property does);
 * an implementation that is not thread-safe should say so in {@link #threadSafe()}.
 */
public interface TernaryGemm {

    /**
     * The exact integer products.
     *
     * @param weightCodes     the weights' value set
     * @param weights         {@code m x k} codes, row-major
     * @param activationCodes the activations' value set
     * @param activations     {@code n x k} codes, row-major
     * @param m               rows of {@code weights}, at least 1
     * @param n               rows of {@code activations}, at least 1
     * @param k               the shared length, at least 1
     * @return {@code m x n} products, row-major
     */
    int[] multiply(CodeSet weightCodes, byte[] weights, CodeSet activationCodes, byte[] activations,
                   int m, int n, int k);

    /**
     * Whether the implementation handles this pair of value sets; the kit checks only supported pairs.
     *
     * @param pair weights' and activations' value sets
     * @return true by default (every pair)
     */
    default boolean supports(CodePair pair) {
        return true;
    }

    /**
     * Whether {@link #multiply} may be called from several threads at once; if so, the kit checks it.
     *
     * @return true by default
     */
    default boolean threadSafe() {
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
