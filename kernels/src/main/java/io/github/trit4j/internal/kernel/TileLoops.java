package io.github.trit4j.internal.kernel;

/**
 * Entry to the along-K tile loops of a shape. The loops themselves are written once, in the
 * template {@code X-AlongKLoops.java}, from which the build generates one copy per shape
 * ({@code Avx512KernelsAlongK} and its siblings), so that each copy calls its shape's
 * micro-kernels ({@link BitKernels#ternaryAlongK} and its siblings, one fixed signature of
 * arrays and ints) statically; see the template for why. Internal API.
 */
public final class TileLoops {

    private TileLoops() {
    }

    /**
     * Fills the block {@code [i0, i1) x [j0, j1)} of {@code out} ({@code n} columns) with
     * {@code kernel}'s product of weight rows and activation rows along K, computed by
     * {@code kernels}' micro-kernels: see {@link BitKernels#alongK}.
     */
    public static void alongK(BitKernels kernels, Kernel kernel, long[] w, long[] x, int words,
                              int i0, int i1, int j0, int j1, Epilogue e, int[] out, int n) {
        kernels.alongK(kernel, w, x, words, i0, i1, j0, j1, e, out, n);
    }
}
