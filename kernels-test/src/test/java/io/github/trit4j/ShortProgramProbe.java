package io.github.trit4j;

/**
 * Main class of a JVM {@link DispatchLogTest} starts: a short program, which uses the kernels
 * once and ends at once (no wait for any logging thread), as the README's first snippet does.
 */
public final class ShortProgramProbe {

    private ShortProgramProbe() {
    }

    public static void main(String[] args) {
        System.out.println("isa=" + Gemm.isa());
    }
}
