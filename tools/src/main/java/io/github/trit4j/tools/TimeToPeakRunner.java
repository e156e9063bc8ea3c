package io.github.trit4j.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.trit4j.bench.StudyPrecision;
import io.github.trit4j.bench.StudyWorkload;
import io.github.trit4j.bench.TimeToPeak;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Runs {@link TimeToPeak} in fresh JVMs (this JVM's java and class path, the study's fork flags): per workload, a few
 * JVMs with the default JVM, as many that call the library's warm-up first ({@code --warm-up}: what docs/GUIDE.md tells
 * a service to do; the warm-up timed on its own) and, when an AOT cache from {@link AotTrainCommand} is there, as many
 * with {@code -XX:AOTCache}; the median time to peak of each. The modes alternate JVM by JVM, so that a change in the
 * machine's load falls on all of them.
 */
final class TimeToPeakRunner {

    /** The precision whose time to peak the study reports: trit4j's FATNN product, 1 thread. */
    static final StudyPrecision PRECISION = StudyPrecision.TERNARY_FATNN;

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One workload's medians.
     *
     * @param workload     the workload
     * @param defaultJvm   the fresh JVMs' results with the default JVM
     * @param aot          the same with the AOT cache (empty without one)
     * @param warm         the same with the library's warm-up before the first call
     */
    record Figures(String workload, List<TimeToPeak.Result> defaultJvm, List<TimeToPeak.Result> aot,
                   List<TimeToPeak.Result> warm) {

        /** Whether every JVM ended its run on a steady state (null without results). */
        Boolean allSettled() {
            List<TimeToPeak.Result> all = new ArrayList<>(defaultJvm);
            all.addAll(aot);
            all.addAll(warm);
            return all.isEmpty() ? null : all.stream().allMatch(TimeToPeak.Result::settled);
        }

        /** Median warm-up duration in ms of the warm JVMs (NaN without any). */
        double warmUpMillis() {
            double[] v = warm.stream().mapToDouble(TimeToPeak.Result::warmUpMillis).filter(d -> !Double.isNaN(d))
                    .sorted().toArray();
            if (v.length == 0) {
                return Double.NaN;
            }
            return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        }

        /**
         * Median time to peak in ms of some results: a JVM that never peaked in its run counts as infinitely slow (so
         * the median may be infinite: "never"); NaN without results.
         */
        static double median(List<TimeToPeak.Result> results) {
            if (results.isEmpty()) {
                return Double.NaN;
            }
            double[] v = results.stream().mapToDouble(r -> Double.isNaN(r.timeToPeakMillis())
                    ? Double.POSITIVE_INFINITY : r.timeToPeakMillis()).sorted().toArray();
            double m = v[v.length / 2];
            return v.length % 2 == 1 ? m : (v[v.length / 2 - 1] + m) / 2;
        }
    }

    private TimeToPeakRunner() {
    }

    /** The cache {@link AotTrainCommand} writes by default: beside the tools jar, {@code trit4j-tools.aot}. */
    static Optional<Path> defaultAotCache() {
        String cp = System.getProperty("java.class.path");
        if (cp == null || cp.contains(java.io.File.pathSeparator) || !cp.endsWith(".jar")) {
            return Optional.empty();
        }
        Path jar = Path.of(cp).toAbsolutePath();
        return Optional.of(jar.resolveSibling(jar.getFileName().toString().replaceFirst("\\.jar$", ".aot")));
    }

    /** The AOT cache to use: the default one if it exists and is newer than the jar it was trained on. */
    static Optional<Path> usableAotCache() {
        Optional<Path> cache = defaultAotCache();
        if (cache.isEmpty() || !Files.isRegularFile(cache.get())) {
            return Optional.empty();
        }
        try {
            Path jar = Path.of(System.getProperty("java.class.path")).toAbsolutePath();
            return Files.getLastModifiedTime(cache.get()).compareTo(Files.getLastModifiedTime(jar)) >= 0
                    ? cache : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The command of one fresh JVM: the study's fork flags, the shape's, any extra, then TimeToPeak. */
    static List<String> command(IsaShape shape, List<String> extraFlags, List<String> timeToPeakArgs) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(StudyRunner.FORK_FLAGS);
        cmd.addAll(shape.jvmFlags);
        cmd.addAll(extraFlags);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(TimeToPeak.class.getName());
        cmd.addAll(timeToPeakArgs);
        return cmd;
    }

    /** The modes of a workload's JVMs: the default JVM, the library's warm-up first, the AOT cache. */
    enum Mode {
        DEFAULT(""), WARM(" (warm-up first)"), AOT(" (AOT cache)");

        final String label;

        Mode(String label) {
            this.label = label;
        }
    }

    /** Runs the JVMs; a progress line per JVM. A JVM that fails is reported and left out. */
    static List<Figures> run(List<String> workloads, IsaShape shape, int jvms, double seconds, double maxSeconds,
                             Optional<Path> aotCache, PrintWriter progress) throws IOException, InterruptedException {
        List<Figures> out = new ArrayList<>();
        int total = workloads.stream().mapToInt(w -> modes(w, aotCache).size()).sum() * jvms;
        int done = 0;
        for (String w : workloads) {
            List<Mode> modes = modes(w, aotCache);
            Map<Mode, List<TimeToPeak.Result>> byMode = new LinkedHashMap<>();
            modes.forEach(m -> byMode.put(m, new ArrayList<>()));
            for (int i = 0; i < jvms; i++) {
                for (Mode mode : modes) {
                    List<String> extra = mode == Mode.AOT ? List.of("-XX:AOTCache=" + aotCache.get()) : List.of();
                    List<String> args = new ArrayList<>(List.of("--workloads", w, "--precision", PRECISION.name(),
                            "--threads", "1", "--isa", shape.isaParam));
                    args.addAll(lengthArgs(seconds, maxSeconds));
                    if (mode == Mode.WARM) {
                        args.add("--warm-up");
                    }
                    Optional<TimeToPeak.Result> r = once(command(shape, extra, args), progress);
                    done++;
                    r.ifPresent(byMode.get(mode)::add);
                    if (r.isPresent()) {
                        TimeToPeak.Result t = r.get();
                        progress.printf(Locale.ROOT, "[ttp %d/%d] %s %s%s: %sfirst call %.1f ms, 90%% of %.1f GMAC/s "
                                        + "at %s%s%n", done, total, shape.id(), w, mode.label,
                                Double.isNaN(t.warmUpMillis()) ? "" : String.format(Locale.ROOT, "warm-up %.0f ms%s, ",
                                        t.warmUpMillis(), t.warmUpSettled() ? "" : " (budget spent, not settled)"),
                                t.firstCallMillis(), t.steadyGmacs(), Double.isNaN(t.timeToPeakMillis()) ? "never"
                                        : String.format(Locale.ROOT, "%.0f ms", t.timeToPeakMillis()),
                                t.settled() ? "" : String.format(Locale.ROOT, "; DID NOT SETTLE in %.0f s",
                                        Math.max(seconds, maxSeconds)));
                        progress.flush();
                    }
                }
            }
            out.add(new Figures(w, byMode.get(Mode.DEFAULT), byMode.getOrDefault(Mode.AOT, List.of()),
                    byMode.getOrDefault(Mode.WARM, List.of())));
        }
        return out;
    }

    /**
     * A workload's modes: the warm-up where the library has one for it (GEMM and convolution; a network has none yet),
     * the AOT cache where there is one.
     */
    static List<Mode> modes(String workload, Optional<Path> aotCache) {
        List<Mode> modes = new ArrayList<>(List.of(Mode.DEFAULT));
        if (StudyWorkload.parse(workload).kind() != StudyWorkload.Kind.NETWORK) {
            modes.add(Mode.WARM);
        }
        if (aotCache.isPresent()) {
            modes.add(Mode.AOT);
        }
        return modes;
    }

    /** The cap of a JVM's run when it does not settle ({@link TimeToPeak}'s {@code --max-seconds}); quick runs: 5 s. */
    static final double MAX_SECONDS = 20;

    /**
     * {@link TimeToPeak}'s length options: a run of at least {@code seconds} that ends on a steady state, capped at
     * {@code maxSeconds} or, when that is shorter, at {@code seconds} (the child requires the cap to be no shorter).
     */
    static List<String> lengthArgs(double seconds, double maxSeconds) {
        return List.of("--seconds", String.format(Locale.ROOT, "%.2f", seconds),
                "--max-seconds", String.format(Locale.ROOT, "%.2f", Math.max(seconds, maxSeconds)));
    }

    /** One fresh JVM; its JSON line, or empty (and its stderr shown) if it failed. */
    static Optional<TimeToPeak.Result> once(List<String> cmd, PrintWriter progress) throws IOException, InterruptedException {
        List<String> json = new ArrayList<>(1);
        // a run capped at tens of seconds: the margin alone bounds it
        ChildProcess.Ended ended = ChildProcess.run(new ProcessBuilder(cmd), ChildProcess.MARGIN, line -> {
            if (json.isEmpty() && line.startsWith("{")) {
                json.add(line);
            }
        });
        if (!ended.ok() || json.isEmpty()) {
            progress.println("time-to-peak JVM failed (" + ended.status() + "): " + String.join(" ", cmd));
            progress.println(ended.stderr());
            return Optional.empty();
        }
        return Optional.of(JSON.readValue(json.getFirst(), TimeToPeak.Result.class));
    }

    /** The measurements with each workload's median times to peak on its FATNN, 1-thread row of {@code shape}. */
    static List<Measurement> attach(List<Measurement> measurements, List<Figures> figures, IsaShape shape) {
        Map<String, Figures> byWorkload = new LinkedHashMap<>();
        figures.forEach(f -> byWorkload.put(f.workload(), f));
        List<Measurement> out = new ArrayList<>();
        for (Measurement m : measurements) {
            Figures f = byWorkload.get(m.workload());
            if (f != null && m.precision().equals(PRECISION.name()) && m.threads() == 1 && m.isaShape().equals(shape.id())) {
                out.add(m.withTimeToPeak(Figures.median(f.defaultJvm()), Figures.median(f.aot()),
                        Figures.median(f.warm()), f.warmUpMillis(), f.allSettled()));
            } else {
                out.add(m);
            }
        }
        return out;
    }

    /** {@code "1234"} (ms), "never" (not within the run) or "-" (not measured). */
    static String millis(double ms) {
        return Double.isNaN(ms) ? "-" : Double.isInfinite(ms) ? "never" : String.format(Locale.ROOT, "%.0f", ms);
    }
}
