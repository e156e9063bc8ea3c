package io.github.trit4j.bench;

import io.github.trit4j.WarmUp;
import io.github.trit4j.nn.ConvMode;
import io.github.trit4j.nn.ModelFile;
import io.github.trit4j.nn.Network;
import io.github.trit4j.nn.NetworkOptions;
import io.github.trit4j.nn.ResNets;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fresh JVM's first ResNet-18 predictions, with or without {@link Network#warmUp()}: what a service pays
 * from JVM start. Not JMH (JMH measures steady state); one plain run per JVM, started as the first thing the JVM
 * does. Prints one line of figures: the time from JVM start to the network built, the warm-up (its calls, time,
 * whether it settled), the first real prediction, the steady time (median of the calls of the last second of the
 * run), the first real prediction over steady, and JVM start to steady (the end of the first call from which the
 * median of the next {@value #AHEAD} calls is within 10% of steady), and the process's CPU time up to that point (all
 * its threads, the JIT's included: what reaching steady costs, which a loaded machine stretches in wall time but not
 * in CPU time). With {@code trace} also each call's time and the JIT's total compilation time so far.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar io.github.trit4j.bench.NetworkColdStart \
 *     warm 1 6
 * </pre>
 * Arguments: {@code warm}, {@code warm<seconds>} ({@code warmUp} with that budget), {@code cold}, {@code parallel}
 * ({@code warmUp()} on two threads at once) or {@code small<side>} ({@code warmUp()} on a copy of the network for
 * side x side images, the same weights: does a smaller warm-up compile the same code?), threads, seconds of
 * predictions after the first, optionally {@code trace}.
 *
 * <p>{@code compare} runs start-up recipes in fresh JVMs, alternated JVM by JVM (so that a change in the machine's
 * load falls on all of them), and prints each JVM's line and a table per recipe:
 * <pre>
 * java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar io.github.trit4j.bench.NetworkColdStart \
 *     compare 3 1 6 cold,warm,aot-warm
 * </pre>
 * Arguments: {@code compare}, JVMs per recipe, threads, seconds, the recipes (comma-separated). A recipe is
 * a mode (as above), with the prefix {@code aot-} for a JVM started with {@code -XX:AOTCache} (JDK 25's
 * ahead-of-time cache; with the vector module, an incubator module, it holds the classes loaded and parsed, not
 * their linking nor method profiles), and optionally extra JVM flags
 * after {@code @} signs ({@code warm@-XX:CICompilerCount=3}). The cache is recorded once, before the timed JVMs, by
 * a training JVM with {@code -XX:AOTCacheOutput} that builds the network, calls {@code warmUp()} and predicts for
 * 2 s: the recipe docs/NETWORKS.md gives a service ("Start-up for services").
 */
public final class NetworkColdStart {

    /** Calls whose median must be near steady for the run to count as steady from there. */
    static final int AHEAD = 10;

    private NetworkColdStart() {
    }

    /**
     * Runs it.
     *
     * @param args {@code mode threads seconds [trace]}, or {@code compare jvms threads seconds recipes}
     */
    public static void main(String[] args) throws IOException, InterruptedException {
        if (args[0].equals("compare")) {
            compare(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Double.parseDouble(args[3]),
                    List.of(args[4].split(",")));
            return;
        }
        long jvmStart = ProcessHandle.current().info().startInstant().map(i -> i.toEpochMilli()).orElse(0L);
        long mainMillis = System.currentTimeMillis();
        long mainNanos = System.nanoTime();
        // small<side>: warmUp() on a copy of the network for side x side images (same weights), not on the network
        int side = args[0].startsWith("small") ? Integer.parseInt(args[0].substring(5)) : 0;
        // warm<seconds>: warmUp(budget); parallel: warmUp() on two threads at once (the JIT's compiled code is
        // shared), the figures of the longer
        Duration budget = args[0].matches("warm\\d+") ? Duration.ofSeconds(Long.parseLong(args[0].substring(4)))
                : Network.DEFAULT_WARM_UP_BUDGET;
        boolean warm = args[0].startsWith("warm") || args[0].equals("parallel") || side > 0;
        int threads = Integer.parseInt(args[1]);
        double seconds = Double.parseDouble(args[2]);
        boolean trace = args.length > 3 && args[3].equals("trace");
        ModelFile model = ResNets.resnet18Model(ConvMode.FATNN, 42);
        NetworkOptions options = NetworkOptions.defaults().withThreads(threads);
        Network net = Network.of(model, options);
        long built = System.nanoTime();
        WarmUp w = !warm ? null : args[0].equals("parallel") ? warmUpOnTwoThreads(net) : side == 0 ? net.warmUp(budget)
                : smaller(model, side, options).warmUp();
        long warmed = System.nanoTime();
        com.sun.management.OperatingSystemMXBean cpuClock =
                java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                        instanceof com.sun.management.OperatingSystemMXBean o ? o : null;
        long cpuWarmed = cpuClock == null ? -1 : cpuClock.getProcessCpuTime();
        float[] x = new float[net.inputSize()];
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble();
        }
        float[] logits = new float[net.classes()];
        long[] ends = new long[1 << 16];
        long[] took = new long[ends.length];
        long[] jit = new long[trace ? ends.length : 0];
        long[] cpu = new long[ends.length];
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
            cpu[calls] = cpuClock == null ? -1 : cpuClock.getProcessCpuTime();
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
        double cpuToSteady = Double.NaN;
        for (int i = 0; i + AHEAD <= calls; i++) {
            long[] next = Arrays.copyOfRange(took, i, i + AHEAD);
            Arrays.sort(next);
            if (next[AHEAD / 2] / 1e6 <= 1.1 * steady) {
                toSteady = (mainMillis - jvmStart) + ((i == 0 ? warmed : ends[i - 1]) - mainNanos) / 1e6;
                long c = i == 0 ? cpuWarmed : cpu[i - 1];
                cpuToSteady = c < 0 ? Double.NaN : c / 1e6;
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
                        + "first prediction %.2f ms, steady %.2f ms, first/steady %.2f, JVM start to steady %.0f ms, "
                        + "CPU to steady %.0f ms%n",
                args[0], threads, mainMillis - jvmStart, (built - mainNanos) / 1e6,
                w == null ? "none" : (w.calls() + " calls " + w.elapsed().toMillis() + " ms settled " + w.settled()),
                took[0] / 1e6, steady, took[0] / 1e6 / steady, toSteady, cpuToSteady);
    }

    /** {@code model} for {@code side x side} images instead of 224 x 224: the same layers and weights. */
    private static Network smaller(ModelFile model, int side, NetworkOptions options) {
        String arch = model.architectureJson().replaceFirst("\"height\": *224", "\"height\": " + side)
                .replaceFirst("\"width\": *224", "\"width\": " + side);
        if (arch.equals(model.architectureJson())) {
            throw new IllegalStateException("no 224 x 224 input in " + arch);
        }
        return Network.of(ModelFile.of(arch, model.metadata(), List.copyOf(model.tensors().values())), options);
    }

    /** {@link Network#warmUp()} on this thread and another at once: the one that took longer. */
    private static WarmUp warmUpOnTwoThreads(Network net) throws InterruptedException {
        WarmUp[] other = new WarmUp[1];
        Thread t = Thread.ofPlatform().start(() -> other[0] = net.warmUp());
        WarmUp mine = net.warmUp();
        t.join();
        return other[0].elapsed().compareTo(mine.elapsed()) > 0 ? other[0] : mine;
    }

    /** The figures {@link #compare} tabulates, from a JVM's line. */
    private static final Pattern FIGURES = Pattern.compile("JVM start to main (\\d+) ms, built (\\d+) ms, "
            + "warm-up (.*), "
            + "first prediction ([\\d.]+) ms, steady ([\\d.]+) ms, first/steady ([\\d.]+), JVM start to steady "
            + "(\\S+) ms, CPU to steady (\\S+) ms");

    /** Runs {@code recipes} in {@code jvms} fresh JVMs each, alternated; see the class comment. */
    static void compare(int jvms, int threads, double seconds, List<String> recipes)
            throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("trit4j-coldstart");
        Path cache = dir.resolve("resnet18.aot");
        try {
            if (recipes.stream().anyMatch(r -> r.startsWith("aot-"))) {
                System.out.println("recording " + cache + " (training JVM: warm " + threads + " 2)");
                List<String> out = child(List.of("-XX:AOTCacheOutput=" + cache), "warm", threads, 2);
                if (!Files.isRegularFile(cache)) {
                    throw new IllegalStateException("no AOT cache written; the training JVM said: " + out);
                }
            }
            Map<String, List<String>> lines = new LinkedHashMap<>();
            for (int round = 1; round <= jvms; round++) {
                for (String recipe : recipes) {
                    String[] parts = recipe.split("@");
                    boolean aot = parts[0].startsWith("aot-");
                    String mode = aot ? parts[0].substring(4) : parts[0];
                    List<String> flags = new ArrayList<>(Arrays.asList(parts).subList(1, parts.length));
                    if (aot) {
                        flags.add(0, "-XX:AOTCache=" + cache);
                    }
                    List<String> out = child(flags, mode, threads, seconds);
                    String line = out.stream().filter(l -> FIGURES.matcher(l).find()).findFirst()
                            .orElse("failed: " + out);
                    System.out.printf("%s round %d [%s] load %s: %s%n", java.time.LocalTime.now().withNano(0), round,
                            recipe, loadAverage(), line);
                    lines.computeIfAbsent(recipe, k -> new ArrayList<>()).add(line);
                }
            }
            System.out.println("| recipe | JVM | to main (ms) | built (ms) | warm-up | first (ms) | steady (ms) "
                    + "| first/steady | JVM start to steady (ms) | CPU to steady (ms) |");
            System.out.println("|---|---:|---:|---:|---|---:|---:|---:|---:|---:|");
            lines.forEach((recipe, ls) -> {
                for (int i = 0; i < ls.size(); i++) {
                    Matcher m = FIGURES.matcher(ls.get(i));
                    System.out.println(m.find()
                            ? String.format("| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s |", recipe, i + 1,
                            m.group(1), m.group(2), m.group(3), m.group(4), m.group(5), m.group(6), m.group(7),
                            m.group(8))
                            : "| " + recipe + " | " + (i + 1) + " | failed | | | | | | |");
                }
            });
        } finally {
            Files.deleteIfExists(cache);
            Files.deleteIfExists(dir);
        }
    }

    /** A fresh JVM of this one's java and class path running {@code mode threads seconds}: its output lines. */
    private static List<String> child(List<String> flags, String mode, int threads, double seconds)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(List.of("--add-modules", "jdk.incubator.vector"));
        cmd.addAll(flags);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), NetworkColdStart.class.getName(), mode,
                Integer.toString(threads), Double.toString(seconds)));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        List<String> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String l; (l = r.readLine()) != null; ) {
                out.add(l);
            }
        }
        p.waitFor();
        return out;
    }

    /** The 1-minute load average, or "?" where /proc/loadavg is not there. */
    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }
}
