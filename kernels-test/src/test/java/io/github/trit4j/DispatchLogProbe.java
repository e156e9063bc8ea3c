package io.github.trit4j;

/**
 * Main class of the JVMs {@link DispatchLogTest} starts: the first use of the kernels, whose
 * dispatch line the JDK's default logging prints on stderr. Prints the shape on stdout.
 */
public final class DispatchLogProbe {

    private DispatchLogProbe() {
    }

    public static void main(String[] args) {
        System.out.println("isa=" + Gemm.isa());
    }
}
