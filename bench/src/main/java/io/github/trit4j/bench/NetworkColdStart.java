package io.github.trit4j.bench;

import io.github.trit4j.WarmUp;
import io.github.trit4j.nn.ConvMode;
import io.github.trit4j.nn.Network;
import io.github.trit4j.nn.NetworkOptions;
import io.github.trit4j.nn.ResNets;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A fresh JVM's first ResNet-18 predictions, with or without {@link Network#warmUp()}: what a service pays
 * from JVM start. Not JMH (JMH measures steady state); one plain run per JVM, started as the first thing the JVM
 * does. Prints one line of figures: the time from JVM start to the network built, the warm-up (its calls, time,
 * whether it settled), the first real prediction, the steady time (median of the calls of the last second of the
 * run), the first real prediction over steady, and JVM start to steady (the end of the first call from which the
 * median of the next {@value #AHEAD} calls is within 10% of steady). With {@code trace} also each call's time and the JIT's total compilation time so far.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar io.github.trit4j.bench.NetworkColdStart \
 *     warm 1 6
 * </pre>
 * Arguments: {@code warm} or {@code cold}, threads, seconds of predictions after the first, optionally {@code trace}.
 */
public final class NetworkColdStart {

    /** Calls whose median must be near steady for the run to count as steady from there. */
    static final int AHEAD = 10;

    private NetworkColdStart() {
    }

    /**
     * Runs it.
     *
     * @param args {@code warm|cold threads seconds [trace]}
     */
    public static void main(String[] args) {
        long jvmStart = ProcessHandle.current().info().startInstant().map(i -> i.toEpochMilli()).orElse(0L);
        long mainMillis = System.currentTimeMillis();
        long mainNanos = System.nanoTime();
        boolean warm = args[0].equals("warm");
        int threads = Integer.parseInt(args[1]);
        double seconds = Double.parseDouble(args[2]);
        boolean trace = args.length > 3 && args[3].equals("trace");
        Network net = ResNets.resnet18(ConvMode.FATNN, 42, NetworkOptions.defaults().withThreads(threads));
        long built = System.nanoTime();
        WarmUp w = warm ? net.warmUp() : null;
        long warmed = System.nanoTime();
        float[] x = new float[net.inputSize()];
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble();
        }
        float[] logits = new float[net.classes()];
        long[] ends = new long[1 << 16];
        long[] took = new long[ends.length];
        long[] jit = new long[trace ? ends.length : 0];
        java.lang.management.CompilationMXBean compiler = trace
                ? java.lang.management.ManagementFactory.getCompilationMXBean() : null;
        int calls = 0;
        long stop = warmed + (long) (seconds * 1e9);
        long now = warmed;
        do {
            long t0 = now;
            net.predict(x, 1, logits);
            now = System.nanoTime();
            ends[calls] = now;
            if (trace) {
                jit[calls] = compiler.getTotalCompilationTime();
            }
            took[calls++] = now - t0;
        } while ((now < stop || calls < 2 * AHEAD) && calls < ends.length);
        int from = calls - 1;
        while (from > 0 && ends[from - 1] > now - 1_000_000_000L) {
            from--;
        }
        long[] last = Arrays.copyOfRange(took, Math.min(from, calls - AHEAD), calls);
        Arrays.sort(last);
        double steady = last[last.length / 2] / 1e6;
        double toSteady = Double.NaN;
        for (int i = 0; i + AHEAD <= calls; i++) {
            long[] next = Arrays.copyOfRange(took, i, i + AHEAD);
            Arrays.sort(next);
            if (next[AHEAD / 2] / 1e6 <= 1.1 * steady) {
                toSteady = (mainMillis - jvmStart) + ((i == 0 ? warmed : ends[i - 1]) - mainNanos) / 1e6;
                break;
            }
        }
        if (trace) {
            for (int i = 0; i < calls; i++) {
                System.out.printf("call %d at %.1f ms: %.2f ms, JIT total %d ms%n", i, (ends[i] - mainNanos) / 1e6,
                        took[i] / 1e6, jit[i]);
            }
        }
        System.out.printf(java.util.Locale.ROOT, "%s threads %d: JVM start to main %d ms, built %.0f ms, warm-up %s, "
                        + "first prediction %.2f ms, steady %.2f ms, first/steady %.2f, JVM start to steady %.0f ms%n",
                warm ? "warm" : "cold", threads, mainMillis - jvmStart, (built - mainNanos) / 1e6,
                w == null ? "none" : (w.calls() + " calls " + w.elapsed().toMillis() + " ms settled " + w.settled()),
                took[0] / 1e6, steady, took[0] / 1e6 / steady, toSteady);
    }
}
