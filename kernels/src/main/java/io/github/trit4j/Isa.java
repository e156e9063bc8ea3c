package io.github.trit4j;

/**
 * The kernel shapes trit4j has, one per instruction-set family. Every shape computes
 * the same integers; they differ only in speed on a given CPU.
 */
public enum Isa {
    /** 512-bit vectors with 64-bit lane popcount (x86 AVX-512 with VPOPCNTDQ). */
    AVX512(512),
    /** 256-bit vectors with byte-lane popcount (x86 AVX2, where popcount is a vpshufb table lookup). */
    AVX2(256),
    /** 128-bit vectors with byte-lane popcount, the shape of ARM NEON's {@code cnt}. */
    NEON(128),
    /** Plain {@code long} arithmetic with {@link Long#bitCount}; needs no vector module. */
    SCALAR(64);

    private final int vectorBits;

    Isa(int vectorBits) {
        this.vectorBits = vectorBits;
    }

    /**
     * Width of the vectors this shape's kernels use.
     *
     * @return bits per vector, 64 for scalar
     */
    public int vectorBits() {
        return vectorBits;
    }

    /**
     * Whether this shape's kernels need the {@code jdk.incubator.vector} module.
     *
     * @return true for every shape but {@link #SCALAR}
     */
    public boolean needsVectorModule() {
        return this != SCALAR;
    }
}
