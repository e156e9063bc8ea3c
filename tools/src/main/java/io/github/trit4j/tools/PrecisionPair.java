package io.github.trit4j.tools;

import io.github.trit4j.Precision;

import java.util.List;

/**
 * A (weights x activations) precision pair.
 *
 * @param weights     precision of the weights (M x K)
 * @param activations precision of the activations (N x K)
 */
public record PrecisionPair(Precision weights, Precision activations) {

    /** The pairs {@code GemmEngine} supports, in the order its documentation lists them. */
    public static final List<PrecisionPair> SUPPORTED = List.of(
            new PrecisionPair(Precision.TERNARY, Precision.TERNARY_UNSIGNED),
            new PrecisionPair(Precision.TERNARY, Precision.TWO_BIT),
            new PrecisionPair(Precision.TERNARY, Precision.TERNARY),
            new PrecisionPair(Precision.TWO_BIT, Precision.TWO_BIT),
            new PrecisionPair(Precision.BINARY, Precision.BINARY));

    @Override
    public String toString() {
        return weights + " x " + activations;
    }
}
