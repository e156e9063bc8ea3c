package io.github.trit4j;

import java.time.Duration;
import java.util.Objects;

/**
 * What a warm-up did: {@link GemmEngine#warmUp} and {@link io.github.trit4j.conv.Conv2d#warmUp}
 * run a product on small operands of their own, over and over, so that the JIT compiles its
 * kernels (C2, with the Vector API's intrinsics) before a service takes its first request. The
 * first call of a kernel in a fresh JVM otherwise runs in the interpreter, where every vector
 * operation is a Java object, until the JIT has taken over: hundreds of milliseconds to seconds.
 * A warm-up does not make that cost go away; it moves it to a moment the caller chooses, and
 * this record says what it cost.
 *
 * @param calls   products (or layer calls) run on the warm-up's own operands
 * @param elapsed the warm-up's wall time, from its start to its return
 * @param settled true if the calls' speed showed that the JIT's optimised code had taken over
 *                (see {@link GemmEngine#warmUp}); false if the time budget ran out first or the
 *                thread was interrupted (the kernels may then still be interpreted or
 *                compiling, and a later warm-up or the first real calls finish the job)
 */
public record WarmUp(long calls, Duration elapsed, boolean settled) {

    /**
     * Checks the fields.
     *
     * @throws IllegalArgumentException if {@code calls} or {@code elapsed} is negative
     * @throws NullPointerException     if {@code elapsed} is null
     */
    public WarmUp {
        Objects.requireNonNull(elapsed, "elapsed");
        if (calls < 0 || elapsed.isNegative()) {
            throw new IllegalArgumentException("calls and elapsed must not be negative, got " + calls + ", " + elapsed);
        }
    }

    /**
     * The two warm-ups one after the other (a layer's own and its engine's): calls and times added,
     * settled if both settled.
     *
     * @param next the later warm-up
     * @return the sum
     */
    public WarmUp plus(WarmUp next) {
        return new WarmUp(calls + next.calls, elapsed.plus(next.elapsed), settled && next.settled);
    }
}
