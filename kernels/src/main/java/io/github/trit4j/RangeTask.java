package io.github.trit4j;

/**
 * Work on a range of units, split between an engine's threads by
 * {@link GemmEngine#runRanges(int, int, RangeTask)}. Keep one instance per piece of work (a
 * field, with the per-call operands in fields of its own) rather than a capturing lambda per
 * call: the call then allocates nothing.
 *
 * <p>Thread safety: {@link #run} is called from several threads at once, on disjoint ranges;
 * it must write nothing that another range reads or writes.
 */
@FunctionalInterface
public interface RangeTask {

    /**
     * Does units {@code [from, to)}.
     *
     * @param from first unit, inclusive
     * @param to   last unit, exclusive; greater than {@code from}
     */
    void run(int from, int to);
}
