package io.github.trit4j.bench;

import io.github.trit4j.nn.ConvMode;
import io.github.trit4j.nn.Network;
import io.github.trit4j.nn.NetworkOptions;
import io.github.trit4j.nn.ResNets;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * ResNet-18 FATNN per batch in wall time and in CPU time (the calling thread's and trit4j's helper threads'), for a
 * machine shared with other jobs: wall time then depends on what the others take, CPU time much less (caches and
 * memory bandwidth are still shared). Not a substitute for JMH on a quiet machine; a way to compare code under load.
 * After {@link Network#warmUp()} and {@code warm} seconds of calls, times {@code calls} calls one by one and prints
 * the minimum and median wall time per call and the median CPU time per call (all threads), per image too.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar io.github.trit4j.bench.NetworkCpuTime 8 2 60 3
 * </pre>
 * Arguments: batch, threads, calls, warm seconds.
 */
public final class NetworkCpuTime {

    private NetworkCpuTime() {
    }

    /**
     * Runs it.
     *
     * @param args {@code batch threads calls warmSeconds}
     */
    public static void main(String[] args) {
        int batch = Integer.parseInt(args[0]);
        int threads = Integer.parseInt(args[1]);
        int calls = Integer.parseInt(args[2]);
        double warmSeconds = Double.parseDouble(args[3]);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Network net = ResNets.resnet18(ConvMode.FATNN, 42, NetworkOptions.defaults().withThreads(threads));
        float[] x = new float[batch * net.inputSize()];
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble();
        }
        float[] logits = new float[batch * net.classes()];
        net.warmUp();
        long until = System.nanoTime() + (long) (warmSeconds * 1e9);
        while (System.nanoTime() < until) {
            net.predict(x, batch, logits);
        }
        List<Long> ids = new ArrayList<>();
        ids.add(Thread.currentThread().threadId());
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("trit4j-helper-")) {
                ids.add(t.threadId());
            }
        }
        long[] tids = ids.stream().mapToLong(Long::longValue).toArray();
        long[] wall = new long[calls];
        long[] cpu = new long[calls];
        for (int c = 0; c < calls; c++) {
            long c0 = cpu(mx, tids);
            long t0 = System.nanoTime();
            net.predict(x, batch, logits);
            wall[c] = System.nanoTime() - t0;
            cpu[c] = cpu(mx, tids) - c0;
        }
        Arrays.sort(wall);
        Arrays.sort(cpu);
        double minWall = wall[0] / 1e6;
        double medWall = wall[calls / 2] / 1e6;
        double medCpu = cpu[calls / 2] / 1e6;
        System.out.printf(java.util.Locale.ROOT, "batch %d threads %d (%d helper threads): wall min %.2f median %.2f ms "
                        + "(%.2f / %.2f ms per image), CPU median %.2f ms (%.2f ms per image), load %.1f%n",
                batch, threads, tids.length - 1, minWall, medWall, minWall / batch, medWall / batch, medCpu,
                medCpu / batch, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private static long cpu(com.sun.management.ThreadMXBean mx, long[] ids) {
        long s = 0;
        for (long id : ids) {
            s += Math.max(0, mx.getThreadCpuTime(id));
        }
        return s;
    }
}
