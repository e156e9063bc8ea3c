package io.github.trit4j;

/**
 * Main class of the JVMs {@link DispatchLogTest} starts: the first use of the kernels, whose
 * dispatch line the JDK's default logging prints on stderr. Prints the shape on stdout.
 */
public final class DispatchLogProbe {

    private DispatchLogProbe() {
    }

    public static void main(String[] args) throws InterruptedException {
        System.out.println("isa=" + Gemm.isa());
        // The line is logged from a background daemon thread (Gemm.log, off-thread for INFO); wait for it, bounded,
        // so that the JVM does not exit before it is printed.
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("trit4j-log")) {
                t.join(30_000);
            }
        }
    }
}
