package io.github.trit4j.testkit;

/**
 * The value sets the kit generates codes from. A code is the value itself, one {@code byte}
 * per value: a ternary {@code -1} is the byte {@code -1}. How an implementation packs them
 * (bit-planes, offsets, nibbles) is its own business; the kit only hands over and compares values.
 *
 * <table>
 *   <caption>Value sets</caption>
 *   <tr><th>set</th><th>values</th><th>"zero" (for padding and sparse patterns)</th></tr>
 *   <tr><td>{@link #BINARY}</td><td>{-1, +1}</td><td>+1 (binary has no 0; convolution padding is still 0)</td></tr>
 *   <tr><td>{@link #TERNARY}</td><td>{-1, 0, 1}</td><td>0</td></tr>
 *   <tr><td>{@link #TERNARY_UNSIGNED}</td><td>{0, 1, 2}</td><td>0</td></tr>
 *   <tr><td>{@link #TWO_BIT}</td><td>{0, 1, 2, 3}</td><td>0</td></tr>
 * </table>
 *
 * <p>Immutable and thread-safe.
 */
public enum CodeSet {
    /** {-1, +1}. */
    BINARY(-1, 1),
    /** {-1, 0, 1}: signed ternary, typically weights. */
    TERNARY(-1, 1),
    /** {0, 1, 2}: unsigned ternary, typically activations after a ReLU-like quantizer. */
    TERNARY_UNSIGNED(0, 2),
    /** {0, 1, 2, 3}: unsigned 2-bit codes. */
    TWO_BIT(0, 3);

    private final int min;
    private final int max;

    CodeSet(int min, int max) {
        this.min = min;
        this.max = max;
    }

    /**
     * The smallest value of the set.
     *
     * @return -1 or 0
     */
    public int min() {
        return min;
    }

    /**
     * The largest value of the set.
     *
     * @return 1, 2 or 3
     */
    public int max() {
        return max;
    }

    /**
     * The value the generators treat as "nothing here": 0, or +1 for {@link #BINARY}.
     *
     * @return 0 or 1
     */
    public int zero() {
        return this == BINARY ? 1 : 0;
    }

    /**
     * Whether a value belongs to the set.
     *
     * @param v the value
     * @return whether {@code v} is a code of this set
     */
    public boolean contains(int v) {
        return v >= min && v <= max && !(this == BINARY && v == 0);
    }
}
