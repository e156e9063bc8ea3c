package io.github.trit4j.testkit;

/**
 * What one property found on one pair of value sets.
 *
 * @param implementation   the implementation's name
 * @param property         the property's name
 * @param pair             the value sets
 * @param examplesChecked  examples run against the implementation (shrinking included)
 * @param examplesSkipped  examples not run because the time budget was spent
 * @param failingExample   the 1-based number of the first example that failed, 0 if none did
 * @param failure          the failure message (see {@link #assertPassed()}), null if none failed
 */
public record PropertyResult(String implementation, String property, CodePair pair, int examplesChecked,
                             int examplesSkipped, int failingExample, String failure) {

    /**
     * Whether every checked example held.
     *
     * @return true if no example failed
     */
    public boolean passed() {
        return failure == null;
    }

    /**
     * Throws the failure, if any.
     *
     * @throws AssertionError whose message holds the implementation, property and pair, the shrunk
     *                        counterexample (shapes, codes, expected vs actual, first differing
     *                        index) and the master seed to reproduce it with
     */
    public void assertPassed() {
        if (failure != null) {
            throw new AssertionError(failure);
        }
    }
}
