package io.github.trit4j.nn;

import java.util.Objects;

/**
 * One of an image's top classes ({@link Network#topK}). Immutable.
 *
 * @param index       the class index, {@code [0, classes)}
 * @param label       its name from the model file ({@link Network#labels()}), or the index as text
 * @param probability its softmax probability, {@code [0, 1]}
 */
public record Classification(int index, String label, float probability) {

    /**
     * Checks the ranges.
     *
     * @throws NullPointerException     if {@code label} is null
     * @throws IllegalArgumentException if {@code index} is negative or {@code probability} is not
     *                                  in {@code [0, 1]} (NaN included)
     */
    public Classification {
        Objects.requireNonNull(label, "label");
        if (index < 0) {
            throw new IllegalArgumentException("index must be at least 0, got " + index);
        }
        if (!(probability >= 0f && probability <= 1f)) {
            throw new IllegalArgumentException("probability must be in [0, 1], got " + probability);
        }
    }
}
