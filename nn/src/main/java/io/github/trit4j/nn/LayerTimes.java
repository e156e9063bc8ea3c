package io.github.trit4j.nn;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Accumulated wall-clock nanoseconds per {@link LayerKind}, filled by
 * {@link Network#predict(float[], int, float[], LayerTimes)} ({@link System#nanoTime()} around
 * each layer, and around each convolution inside a residual block). Meant for finding the next
 * bottleneck, not for publishing figures (JMH does that).
 *
 * <p>Not thread-safe: give each thread its own.
 */
public final class LayerTimes {

    /** Empty: no time spent, no image counted. */
    public LayerTimes() {
    }

    private final long[] nanos = new long[LayerKind.values().length];
    private long images;

    /**
     * Adds {@code nanos} to {@code kind}.
     *
     * @param kind  the layer kind
     * @param nanos nanoseconds spent on it, at least 0
     * @throws IllegalArgumentException if {@code nanos} is negative
     */
    public void add(LayerKind kind, long nanos) {
        Objects.requireNonNull(kind, "kind");
        if (nanos < 0) {
            throw new IllegalArgumentException("nanos must be at least 0, got " + nanos);
        }
        this.nanos[kind.ordinal()] += nanos;
    }

    /** Counts {@code batch} more images (the predict call does it). */
    void countImages(int batch) {
        images += batch;
    }

    /**
     * {@return nanoseconds spent on {@code kind} so far}
     *
     * @param kind the layer kind
     */
    public long nanos(LayerKind kind) {
        Objects.requireNonNull(kind, "kind");
        return nanos[kind.ordinal()];
    }

    /** {@return images predicted so far} */
    public long images() {
        return images;
    }

    /** {@return sum over all kinds} */
    public long totalNanos() {
        long t = 0;
        for (long n : nanos) {
            t += n;
        }
        return t;
    }

    /** {@return kinds with time spent, in declaration order} */
    public Map<LayerKind, Long> asMap() {
        Map<LayerKind, Long> m = new EnumMap<>(LayerKind.class);
        for (LayerKind k : LayerKind.values()) {
            if (nanos[k.ordinal()] > 0) {
                m.put(k, nanos[k.ordinal()]);
            }
        }
        return m;
    }

    /** Sets everything to zero. */
    public void reset() {
        java.util.Arrays.fill(nanos, 0L);
        images = 0;
    }

    /** One line per kind: microseconds per image and share of the total. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        long total = Math.max(1, totalNanos());
        long per = Math.max(1, images);
        for (Map.Entry<LayerKind, Long> e : asMap().entrySet()) {
            sb.append(String.format(java.util.Locale.ROOT, "%-15s %10.1f us/image %5.1f%%%n", e.getKey(),
                    e.getValue() / 1e3 / per, 100.0 * e.getValue() / total));
        }
        return sb.toString();
    }
}
