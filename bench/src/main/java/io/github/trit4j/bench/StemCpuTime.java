package io.github.trit4j.bench;

import io.github.trit4j.nn.ModelFile;
import io.github.trit4j.nn.Network;
import io.github.trit4j.nn.NetworkOptions;
import io.github.trit4j.nn.Tensor;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * ResNet-18's stem layer alone (the one-layer network of {@link StemPoolBenchmark} {@code layer=stem}: 7x7 stride-2
 * float conv 3 -> 64 on 224 x 224, folded BatchNorm, ReLU) per call in wall time and in CPU time (the calling
 * thread's and trit4j's helper threads'), as {@link NetworkCpuTime} does for the whole network: on a machine shared
 * beyond its cores the CPU time is the figure to compare. Only public API, so the same class runs against an older
 * jar (put its directory first on the class path) for a before/after comparison.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar io.github.trit4j.bench.StemCpuTime 1 300 3
 * </pre>
 * Arguments: threads, calls, warm seconds.
 */
public final class StemCpuTime {

    private StemCpuTime() {
    }

    /**
     * Runs it.
     *
     * @param args {@code threads calls warmSeconds}
     */
    public static void main(String[] args) {
        int threads = Integer.parseInt(args[0]);
        int calls = Integer.parseInt(args[1]);
        double warmSeconds = Double.parseDouble(args[2]);
        SplittableRandom r = new SplittableRandom(42);
        String layers = "{\"type\": \"conv\", \"name\": \"conv1\", \"mode\": \"float\", \"in\": 3, \"out\": 64,"
                + " \"kernel\": 7, \"stride\": 2, \"padding\": 3, \"bias\": false},"
                + " {\"type\": \"batchnorm\", \"name\": \"bn1\", \"eps\": 1e-5}, {\"type\": \"relu\"},"
                + " {\"type\": \"flatten\"}";
        List<Tensor> tensors = List.of(Tensor.f32("conv1.weight", floats(r, 64 * 3 * 49, -0.1, 0.1), 64, 3, 7, 7),
                Tensor.f32("bn1.weight", floats(r, 64, 0.5, 1.5), 64),
                Tensor.f32("bn1.bias", floats(r, 64, -0.2, 0.2), 64),
                Tensor.f32("bn1.running_mean", floats(r, 64, -0.2, 0.2), 64),
                Tensor.f32("bn1.running_var", floats(r, 64, 0.5, 1.5), 64));
        String arch = "{\"name\": \"stem\", \"input\": {\"channels\": 3, \"height\": 224, \"width\": 224}, \"classes\": "
                + 64 * 112 * 112 + ", \"layers\": [" + layers + "]}";
        Network net = Network.of(ModelFile.of(arch, Map.of(), tensors), NetworkOptions.defaults().withThreads(threads));
        float[] x = floats(r, net.inputSize(), -1, 1);
        float[] y = new float[net.classes()];
        long until = System.nanoTime() + (long) (warmSeconds * 1e9);
        while (System.nanoTime() < until) {
            net.predict(x, 1, y);
        }
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        List<Long> ids = new ArrayList<>();
        ids.add(Thread.currentThread().threadId());
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("trit4j-helper-")) {
                ids.add(t.threadId());
            }
        }
        long[] wall = new long[calls];
        long[] cpu = new long[calls];
        for (int c = 0; c < calls; c++) {
            long c0 = cpu(mx, ids);
            long t0 = System.nanoTime();
            net.predict(x, 1, y);
            wall[c] = System.nanoTime() - t0;
            cpu[c] = cpu(mx, ids) - c0;
        }
        Arrays.sort(wall);
        Arrays.sort(cpu);
        System.out.printf(java.util.Locale.ROOT, "stem, threads %d (%d helper threads): wall min %.0f median %.0f us, "
                        + "CPU min %.0f median %.0f us, load %.1f%n", threads, ids.size() - 1, wall[0] / 1e3,
                wall[calls / 2] / 1e3, cpu[0] / 1e3, cpu[calls / 2] / 1e3,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private static long cpu(com.sun.management.ThreadMXBean mx, List<Long> ids) {
        long s = 0;
        for (long id : ids) {
            s += Math.max(0, mx.getThreadCpuTime(id));
        }
        return s;
    }

    private static float[] floats(SplittableRandom r, int n, double lo, double hi) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextDouble(lo, hi);
        }
        return v;
    }
}
