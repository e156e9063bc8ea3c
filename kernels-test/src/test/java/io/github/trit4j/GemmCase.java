package io.github.trit4j;

/**
 * One generated product: shapes, value patterns and the seed that draws the values.
 * Everything about the case is in {@link #toString()}, so a shrunk failure can be
 * replayed by hand.
 */
record GemmCase(Precision weightPrecision, Precision activationPrecision, int m, int n, int k,
                ValuePattern weightPattern, ValuePattern activationPattern, long seed) {

    byte[] weights() {
        return weightPattern.values(weightPrecision, m, k, seed);
    }

    byte[] activations() {
        return activationPattern.values(activationPrecision, n, k, ~seed);
    }

    @Override
    public String toString() {
        return weightPrecision + " x " + activationPrecision + " M=" + m + " N=" + n + " K=" + k
                + " W=" + weightPattern + " X=" + activationPattern + " seed=" + seed;
    }
}
