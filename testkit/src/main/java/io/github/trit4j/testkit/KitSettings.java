package io.github.trit4j.testkit;

import java.time.Duration;
import java.util.SplittableRandom;

/**
 * How hard the properties look: examples, sizes, time budget and the master seed.
 *
 * <p>Defaults come from system properties, so a run can be reproduced or deepened without a
 * code change: {@code trit4j.testkit.seed} (the master seed; random per JVM when unset, and
 * printed in every failure), {@code trit4j.testkit.examples} (random GEMM examples per property
 * and pair, default 200) and {@code trit4j.testkit.budgetSeconds} (per property and pair,
 * default 60). A property stops at its example count or when its budget is spent, whichever comes
 * first, but always checks at least one example; examples past the budget are skipped, not
 * passed silently: {@link PropertyResult} counts them.
 *
 * <p>Immutable and thread-safe; the {@code with} methods return new instances.
 *
 * @param seed         the master seed every randomized property derives its own from
 * @param examples     random GEMM examples per property and pair (long-K and convolution properties use a tenth, at least 10)
 * @param convExamples random convolutions per pair
 * @param maxDim       the largest M and N of random GEMM cases
 * @param maxK         the largest K of random GEMM cases (the long-K property goes to {@code longK})
 * @param longK        the largest K of the long-K property
 * @param budget       the time one property may take on one pair
 * @param shrinkCycles QuickTheories' shrink cycles per failure
 */
public record KitSettings(long seed, int examples, int convExamples, int maxDim, int maxK, int longK,
                          Duration budget, int shrinkCycles) {

    /** The system property that sets the master seed. */
    public static final String SEED_PROPERTY = "trit4j.testkit.seed";
    /** The system property that sets {@link #examples()}. */
    public static final String EXAMPLES_PROPERTY = "trit4j.testkit.examples";
    /** The system property that sets {@link #budget()} in seconds. */
    public static final String BUDGET_PROPERTY = "trit4j.testkit.budgetSeconds";

    /** This JVM's master seed: the system property's, or one drawn at class load. */
    private static final long JVM_SEED = seedFromProperty();

    /**
     * Checks the values.
     *
     * @param seed         master seed
     * @param examples     GEMM examples
     * @param convExamples convolution examples
     * @param maxDim       largest M, N
     * @param maxK         largest K
     * @param longK        largest long K
     * @param budget       time per property and pair
     * @param shrinkCycles shrink cycles
     * @throws IllegalArgumentException naming the first value out of range
     */
    public KitSettings {
        if (examples < 1 || convExamples < 1) {
            throw new IllegalArgumentException("examples must be at least 1, got " + examples + " and " + convExamples);
        }
        if (maxDim < 1 || maxK < 1 || longK < 1) {
            throw new IllegalArgumentException("sizes must be at least 1, got maxDim " + maxDim + ", maxK " + maxK
                    + ", longK " + longK);
        }
        if (budget == null || budget.isNegative()) {
            throw new IllegalArgumentException("budget must be at least 0, got " + budget);
        }
        if (shrinkCycles < 0) {
            throw new IllegalArgumentException("shrinkCycles must be at least 0, got " + shrinkCycles);
        }
    }

    private static long seedFromProperty() {
        String s = System.getProperty(SEED_PROPERTY);
        if (s == null || s.isBlank()) {
            return new SplittableRandom().nextLong();
        }
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(SEED_PROPERTY + " must be a long, got " + s, e);
        }
    }

    /**
     * The defaults, read from the system properties (see the class comment): 200 GEMM examples,
     * 40 convolutions, M and N up to 70, K up to 2100, long K up to 20000, 60 s per property and pair.
     *
     * @return the settings
     * @throws IllegalArgumentException if a system property is not a number
     */
    public static KitSettings defaults() {
        return new KitSettings(JVM_SEED, Integer.getInteger(EXAMPLES_PROPERTY, 200), 40, 70, 2100, 20000,
                Duration.ofSeconds(Long.getLong(BUDGET_PROPERTY, 60L)), 200);
    }

    /**
     * These settings with another master seed.
     *
     * @param s the seed
     * @return the new settings
     */
    public KitSettings withSeed(long s) {
        return new KitSettings(s, examples, convExamples, maxDim, maxK, longK, budget, shrinkCycles);
    }

    /**
     * These settings with other example counts.
     *
     * @param gemm random GEMM examples per property and pair
     * @param conv random convolutions per pair
     * @return the new settings
     */
    public KitSettings withExamples(int gemm, int conv) {
        return new KitSettings(seed, gemm, conv, maxDim, maxK, longK, budget, shrinkCycles);
    }

    /**
     * These settings with other sizes.
     *
     * @param dim   largest M and N
     * @param k     largest K of the random GEMM property
     * @param longK largest K of the long-K property
     * @return the new settings
     */
    public KitSettings withSizes(int dim, int k, int longK) {
        return new KitSettings(seed, examples, convExamples, dim, k, longK, budget, shrinkCycles);
    }

    /**
     * These settings with another time budget.
     *
     * @param b time per property and pair
     * @return the new settings
     */
    public KitSettings withBudget(Duration b) {
        return new KitSettings(seed, examples, convExamples, maxDim, maxK, longK, b, shrinkCycles);
    }

    /**
     * The seed of one property on one pair: the master seed mixed with both names, so each
     * property draws its own cases and one master seed reproduces them all.
     *
     * @param property the property's name
     * @param pair     the pair
     * @return the derived seed
     */
    public long seedFor(String property, CodePair pair) {
        long h = seed;
        for (char c : (property + "/" + pair).toCharArray()) {
            h = (h ^ c) * 0x100000001B3L;
        }
        return new SplittableRandom(h).nextLong();
    }
}
