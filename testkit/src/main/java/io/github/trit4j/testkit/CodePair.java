package io.github.trit4j.testkit;

import java.util.ArrayList;
import java.util.List;

/**
 * The value sets of a product's two operands: weights (the left, {@code M x K} matrix) and
 * activations (the right, given as {@code N} rows of {@code K}).
 *
 * @param weights     the weights' value set
 * @param activations the activations' value set
 */
public record CodePair(CodeSet weights, CodeSet activations) {

    /**
     * Checks that neither set is null.
     *
     * @param weights     the weights' value set
     * @param activations the activations' value set
     * @throws IllegalArgumentException if either is null
     */
    public CodePair {
        if (weights == null || activations == null) {
            throw new IllegalArgumentException("code sets must not be null, got " + weights + " x " + activations);
        }
    }

    /**
     * All sixteen pairs, weights' set major.
     *
     * @return every (weights, activations) combination
     */
    public static List<CodePair> all() {
        List<CodePair> pairs = new ArrayList<>();
        for (CodeSet w : CodeSet.values()) {
            for (CodeSet x : CodeSet.values()) {
                pairs.add(new CodePair(w, x));
            }
        }
        return List.copyOf(pairs);
    }

    /**
     * For messages and test names.
     *
     * @return for example {@code TERNARY x TERNARY_UNSIGNED}
     */
    @Override
    public String toString() {
        return weights + " x " + activations;
    }
}
