package io.github.trit4j.internal.kernel;

/**
 * Buffers of an exact length, reused while the length stays: arrays that a packed matrix wraps
 * must have the exact length, so a workspace's buffer ({@link io.github.trit4j.WorkspacePool}) is
 * replaced when a call's size changes. Internal API (the package is not exported).
 */
public final class ExactBuffers {

    private ExactBuffers() {
    }

    /**
     * {@code current} if it has exactly {@code size} elements, else a new array.
     *
     * @param current the buffer so far, or null
     * @param size    the length wanted
     * @return an array of {@code size} longs (contents undefined when reused)
     */
    public static long[] exact(long[] current, int size) {
        return current != null && current.length == size ? current : new long[size];
    }

    /**
     * As {@link #exact(long[], int)}, for ints.
     *
     * @param current the buffer so far, or null
     * @param size    the length wanted
     * @return an array of {@code size} ints (contents undefined when reused)
     */
    public static int[] exact(int[] current, int size) {
        return current != null && current.length == size ? current : new int[size];
    }
}
