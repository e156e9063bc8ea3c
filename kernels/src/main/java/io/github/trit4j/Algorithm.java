package io.github.trit4j;

/**
 * How a product with ternary weights is computed. Both give identical integers; they
 * differ in cost, which is what FATNN is about.
 */
public enum Algorithm {
    /**
     * FATNN (Chen, Zhuang, Shen, ICCV 2021): 2 popcounts per 64-bit word, using the
     * sign/mask planes of the weights against the activation's own planes, with
     * pack-time row constants for the correction.
     */
    FATNN,
    /**
     * The conventional ternary network: ternary values carried as 2-bit codes
     * ({@code v + 1} in {0,1,2}) through the 2-bit x 2-bit product, 4 popcounts per word,
     * corrected by row and column sums. The 2-bit views of the operands are derived once
     * per {@link PackedMatrix} and cached, so a benchmark times the kernel alone.
     * For pairs without ternary weights ({@code TWO_BIT x TWO_BIT}, {@code BINARY x BINARY})
     * there is only one algorithm and both constants select it.
     */
    CONVENTIONAL
}
