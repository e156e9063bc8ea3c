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

    /** Checks for a null label. */
    public Classification {
        Objects.requireNonNull(label, "label");
    }
}
