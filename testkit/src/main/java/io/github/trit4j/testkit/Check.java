package io.github.trit4j.testkit;

import org.quicktheories.core.Gen;

import java.util.function.Function;
import java.util.function.ToLongFunction;

import static org.quicktheories.QuickTheory.qt;

/**
 * One run of one property: counts examples, keeps to the budget, keeps the smallest failing case
 * and writes the failure message. Not thread-safe (one run, one thread; QuickTheories calls it
 * from the thread that runs the property).
 *
 * @param <C> the case type
 */
final class Check<C> {

    private final String implementation;
    private final String property;
    private final CodePair pair;
    private final KitSettings settings;
    private final Function<C, String> evaluate;
    private final ToLongFunction<C> size;
    private final long deadline;
    private int checked;
    private int skipped;
    private int firstFailure;
    private C smallest;
    private String smallestDetail;
    private long smallestSize = Long.MAX_VALUE;

    /**
     * @param evaluate runs the implementation on a case: null if it holds, else what went wrong
     * @param size     orders failing cases: the smallest is reported
     */
    Check(String implementation, String property, CodePair pair, KitSettings settings, Function<C, String> evaluate,
          ToLongFunction<C> size) {
        this.implementation = implementation;
        this.property = property;
        this.pair = pair;
        this.settings = settings;
        this.evaluate = evaluate;
        this.size = size;
        this.deadline = System.nanoTime() + settings.budget().toNanos();
    }

    private boolean holds(C c) {
        if (checked > 0 && System.nanoTime() - deadline > 0) {
            skipped++;
            return true;
        }
        checked++;
        String detail;
        try {
            detail = evaluate.apply(c);
        } catch (RuntimeException | AssertionError | StackOverflowError | OutOfMemoryError e) {
            detail = "  the implementation threw " + e;
        }
        if (detail == null) {
            return true;
        }
        if (firstFailure == 0) {
            firstFailure = checked;
        }
        long s = size.applyAsLong(c);
        if (s <= smallestSize) {
            smallestSize = s;
            smallest = c;
            smallestDetail = detail;
        }
        return false;
    }

    /** Random cases from {@code gen}, shrunk by QuickTheories on failure. */
    PropertyResult random(Gen<C> gen, int examples) {
        String qtMessage = null;
        try {
            qt().withFixedSeed(settings.seedFor(property, pair))
                    .withExamples(examples)
                    .withShrinkCycles(settings.shrinkCycles())
                    .forAll(gen)
                    .check(this::holds);
        } catch (AssertionError e) {
            qtMessage = e.getMessage();
        }
        if (smallest == null && qtMessage != null) { // QuickTheories failed for a reason of its own
            return result("  QuickTheories: " + qtMessage);
        }
        return result(null);
    }

    /** Fixed cases, in order (smallest first): stops at the first failure, which is the report. */
    PropertyResult each(Iterable<C> cases) {
        for (C c : cases) {
            if (!holds(c)) {
                break;
            }
        }
        return result(null);
    }

    private PropertyResult result(String extra) {
        if (smallest == null && extra == null) {
            return new PropertyResult(implementation, property, pair, checked, skipped, 0, null);
        }
        StringBuilder m = new StringBuilder();
        m.append("trit4j-testkit: ").append(implementation).append(" fails ").append(property).append(" on ")
                .append(pair).append('\n');
        if (smallest != null) {
            m.append("shrunk counterexample: ").append(smallest).append('\n').append(smallestDetail).append('\n');
        }
        if (extra != null) {
            m.append(extra).append('\n');
        }
        m.append("first failure at example ").append(firstFailure).append(" of ").append(checked)
                .append(" checked; reproduce with -D").append(KitSettings.SEED_PROPERTY).append('=')
                .append(settings.seed());
        return new PropertyResult(implementation, property, pair, checked, skipped, firstFailure, m.toString());
    }
}
