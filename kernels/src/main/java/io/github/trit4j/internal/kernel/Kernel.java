package io.github.trit4j.internal.kernel;

/**
 * The products the engine runs, each one raw popcount combination ({@link Sum}, what a
 * micro-kernel computes) and its epilogue (what turns the raw sum into the dot product), so
 * that neither is chosen by a number elsewhere. Internal API (the package is not exported).
 */
public enum Kernel {

    /** Ternary weights x unsigned ternary activations (thermometer planes): raw - 2 negatives(w). */
    FATNN(Sum.THERMOMETER, 1, Term.NEGATIVES, -2, Term.NONE, 0, 0),
    /** Ternary weights x 2-bit activations (lo, hi): lo + 2 hi - 3 negatives(w). */
    TERNARY_TWO_BIT(Sum.TERNARY_TWO_BIT, 1, Term.NEGATIVES, -3, Term.NONE, 0, 0),
    /**
     * Ternary x ternary as FATNN on the activations' offset thermometer planes (x + 1), minus
     * the row sums of w: raw - 2 negatives - sum = raw - nonZeros(w).
     */
    TERNARY_TERNARY(Sum.THERMOMETER, 1, Term.NON_ZEROS, -1, Term.NONE, 0, 0),
    /** 2-bit x 2-bit: the raw sum is the product. */
    TWO_BIT(Sum.TWO_BIT, 1, Term.NONE, 0, Term.NONE, 0, 0),
    /**
     * The conventional algorithm on ternary weights (2-bit codes w + 1) and activations whose
     * codes are their values (unsigned ternary, 2-bit): raw - rowSums(x).
     */
    CONVENTIONAL_UNSIGNED(Sum.TWO_BIT, 1, Term.NONE, 0, Term.ROW_SUMS, -1, 0),
    /**
     * The conventional algorithm on ternary x ternary (codes w + 1, x + 1):
     * raw - rowSums(w) - rowSums(x) - K.
     */
    CONVENTIONAL_TERNARY(Sum.TWO_BIT, 1, Term.ROW_SUMS, -1, Term.ROW_SUMS, -1, -1),
    /** Binary (+-1 as bits): K - 2 pop(w ^ x). */
    BINARY(Sum.BINARY, -2, Term.NONE, 0, Term.NONE, 0, 1);

    /**
     * The raw popcount combinations a micro-kernel computes, over weight planes (rows i) and
     * activation planes (columns j), each word of K.
     */
    public enum Sum {
        /** Ternary weights (m, s) on two activation planes: {@code pop(m & (x0 ^ s)) + pop(m & (x1 ^ s))}. */
        THERMOMETER(2, 0),
        /** Ternary weights (m, s) on 2-bit activations (lo, hi): {@code pop(m & (lo ^ s)) + 2 pop(m & (hi ^ s))}. */
        TERNARY_TWO_BIT(2, 1),
        /** 2-bit codes on both sides: {@code pop(wl & xl) + 2 (pop(wl & xh) + pop(wh & xl)) + 4 pop(wh & xh)}. */
        TWO_BIT(2, 1),
        /** One plane on each side: {@code pop(w ^ x)}. */
        BINARY(1, 0);

        private final int planes;
        private final int highShift;

        Sum(int planes, int highShift) {
            this.planes = planes;
            this.highShift = highShift;
        }

        /** Planes per row on each side. */
        public int planes() {
            return planes;
        }

        /**
         * An along-K micro-kernel splits the sum in two parts (see {@link BitKernels#ternaryAlongK});
         * the sum is {@code low + (high << highShift())}.
         */
        public int highShift() {
            return highShift;
        }
    }

    /** A per-row constant of one operand that an epilogue adds. */
    public enum Term {
        /** No term. */
        NONE,
        /** Count of -1 values of a ternary row. */
        NEGATIVES,
        /** Count of non-zero values of a row. */
        NON_ZEROS,
        /** Sum of a row's values (the values of the operand given, not of its 2-bit codes). */
        ROW_SUMS
    }

    private final Sum sum;
    private final int alpha;
    private final Term weightTerm;
    private final int weightScale;
    private final Term activationTerm;
    private final int activationScale;
    private final int kScale;

    Kernel(Sum sum, int alpha, Term weightTerm, int weightScale, Term activationTerm, int activationScale,
           int kScale) {
        // the fused AVX-512 panel epilogues take alpha and a per-row constant only; binary's alpha is its own
        if (activationTerm != Term.NONE && sum != Sum.TWO_BIT || alpha != 1 && sum != Sum.BINARY) {
            throw new AssertionError(name() + ": ternary and binary kernels fuse an epilogue of row constants only");
        }
        this.sum = sum;
        this.alpha = alpha;
        this.weightTerm = weightTerm;
        this.weightScale = weightScale;
        this.activationTerm = activationTerm;
        this.activationScale = activationScale;
        this.kScale = kScale;
    }

    /** The raw combination this kernel computes. */
    public Sum sum() {
        return sum;
    }

    /** The weights' row constant its epilogue adds. */
    public Term weightTerm() {
        return weightTerm;
    }

    /** The activations' row constant its epilogue adds (per output column). */
    public Term activationTerm() {
        return activationTerm;
    }

    /**
     * The epilogue for K = {@code k}: {@code alpha * raw + weightScale * weightTerm[i]
     * + activationScale * activationTerm[j] + kScale * K}, the scales as declared with each
     * constant above.
     *
     * @param weightTerm     the weights' {@link #weightTerm()} per row, or null if NONE
     * @param activationTerm the activations' {@link #activationTerm()} per row, or null if NONE
     */
    public Epilogue epilogue(int k, int[] weightTerm, int[] activationTerm) {
        return new Epilogue(alpha, this.weightTerm == Term.NONE ? null : weightTerm, weightScale,
                this.activationTerm == Term.NONE ? null : activationTerm, activationScale, kScale * k);
    }

    /** Whether the epilogue depends on the weights alone, so one per weight matrix serves every call. */
    public boolean weightsOnly() {
        return activationTerm == Term.NONE;
    }
}
