package io.github.trit4j;

/**
 * The value sets trit4j packs, and how each is laid out in bit-planes along K
 * (bit {@code k % 64} of word {@code k / 64} of each plane).
 *
 * <table>
 *   <caption>Encodings</caption>
 *   <tr><th>precision</th><th>values</th><th>plane 0</th><th>plane 1</th></tr>
 *   <tr><td>{@link #BINARY}</td><td>{-1,+1}</td><td>[v &lt; 0]</td><td>-</td></tr>
 *   <tr><td>{@link #TERNARY}</td><td>{-1,0,1}</td><td>m = [v != 0]</td><td>s = [v &lt; 0]</td></tr>
 *   <tr><td>{@link #TERNARY_UNSIGNED}</td><td>{0,1,2}</td><td>a = [v &gt;= 1]</td><td>b = [v &gt;= 2]</td></tr>
 *   <tr><td>{@link #TWO_BIT}</td><td>{0,1,2,3}</td><td>lo = v &amp; 1</td><td>hi = v &gt;&gt; 1</td></tr>
 * </table>
 */
public enum Precision {
    /** {-1, +1}: one plane, bit = [v &lt; 0]. Zero is not a binary value. */
    BINARY(1, -1, 1),
    /** {-1, 0, 1}: planes m = [v != 0] and s = [v &lt; 0]. */
    TERNARY(2, -1, 1),
    /** {0, 1, 2}, FATNN's unsigned activations: thermometer planes a = [v &gt;= 1], b = [v &gt;= 2]. */
    TERNARY_UNSIGNED(2, 0, 2),
    /** {0, 1, 2, 3}, unsigned 2-bit codes: planes lo = v &amp; 1 and hi = v &gt;&gt; 1. */
    TWO_BIT(2, 0, 3);

    private final int planes;
    private final int min;
    private final int max;

    Precision(int planes, int min, int max) {
        this.planes = planes;
        this.min = min;
        this.max = max;
    }

    /**
     * Number of bit-planes a packed row of this precision holds.
     *
     * @return 1 or 2
     */
    public int planes() {
        return planes;
    }

    /**
     * Smallest value of the set.
     *
     * @return -1 or 0
     */
    public int min() {
        return min;
    }

    /**
     * Largest value of the set.
     *
     * @return 1, 2 or 3
     */
    public int max() {
        return max;
    }

    /**
     * Whether a value belongs to this value set.
     *
     * @param v the value
     * @return whether {@code v} is a code of this precision
     */
    public boolean contains(int v) {
        return v >= min && v <= max && !(this == BINARY && v == 0);
    }

    /**
     * The set written out, for messages.
     *
     * @return for example {@code {-1, 0, 1}}
     */
    public String valueSet() {
        return switch (this) {
            case BINARY -> "{-1, +1}";
            case TERNARY -> "{-1, 0, 1}";
            case TERNARY_UNSIGNED -> "{0, 1, 2}";
            case TWO_BIT -> "{0, 1, 2, 3}";
        };
    }
}
