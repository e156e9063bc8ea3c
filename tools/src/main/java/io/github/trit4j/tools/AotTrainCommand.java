package io.github.trit4j.tools;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code trit4j aot-train}: a training run that records JDK 25's ahead-of-time cache for the study's workloads,
 * {@code -XX:AOTCacheOutput}. With the vector module (an incubator module) the cache holds the classes, loaded and
 * parsed, but neither JEP 483's linking nor JEP 515's method profiles (see {@link #INCUBATOR_MODULE_GRAPH_NOTICE}).
 * {@code trit4j bench} then also times the first calls of fresh JVMs started with {@code -XX:AOTCache} (the time-to-peak table). The same
 * recipe works for any application that uses trit4j: run it once with {@code -XX:AOTCacheOutput=app.aot} on a
 * representative load, then start it with {@code -XX:AOTCache=app.aot} (same JDK, class path and module flags).
 */
@Command(name = "aot-train",
        mixinStandardHelpOptions = true,
        versionProvider = Trit4jVersion.class,
        description = {"Record a JDK 25 AOT cache (-XX:AOTCacheOutput) from a training run of the study's GEMM and "
                + "convolution workloads; bench then reports time to peak with and without it."})
public final class AotTrainCommand implements Callable<Integer> {

    /** The training workloads: those the time-to-peak table reports. */
    static final List<String> TRAINING = List.of("S1", "S2", "S3", "S4", "Q1", "C1", "C2", "C3", "C4");

    /** The JVM's warning for each class it leaves out of the cache. */
    private static final java.util.regex.Pattern SKIPPED_CLASS = java.util.regex.Pattern.compile(
            "^\\[[^\\]]*\\]\\[warning\\]\\[aot\\] Skipping ");

    /**
     * The two lines JDK 25 prints, as errors, in every successful AOT cache of a JVM with an incubator module resolved
     * ({@code --add-modules jdk.incubator.vector}, which trit4j needs):
     * <pre>
     * [0.191s][error][aot] An error has occurred while processing the AOT configuration file. Run with -Xlog:aot for details.
     * [0.191s][error][aot] archivedBootLayer not available, disabling full module graph
     * </pre>
     * The training JVM does not archive the boot layer when an incubator module is in it (with {@code -Xlog:aot}:
     * "Not dumping heap, reset CDSConfig::_is_using_optimized_module_handling"; {@code --add-modules jdk.jfr} does
     * not do this, a hello-world class with {@code --add-modules jdk.incubator.vector} does), so the assembly JVM
     * ({@code -XX:AOTMode=create}) finds no archived module graph and says so at error level, then writes the cache
     * anyway, without the full module graph. Nor, with it, anything beyond the classes: {@code -Xlog:aot} in the
     * assembly JVM counts "aot-linked = 0" for every class loader and "MethodTrainingData = 0" (the training JVM had
     * recorded profiles; without the incubator module the same hello-world class gets every class aot-linked and its
     * profiles kept), and a JVM using the cache logs "Using AOT-linked classes: false (static archive: no aot-linked
     * classes)". So JDK 25 caches class loading and parsing for trit4j (what class-data sharing did), not linking,
     * method profiles or module resolution (docs/RESULTS.md, "Cold start recipes"). Nothing the user can act on, and
     * the cache works: {@link #record} leaves exactly these two messages out; every other line of the JVMs, errors
     * included, is shown.
     */
    static final java.util.regex.Pattern INCUBATOR_MODULE_GRAPH_NOTICE = java.util.regex.Pattern.compile(
            "^\\[[^\\]]*\\]\\[error\\]\\[aot\\] (An error has occurred while processing the AOT configuration file\\. "
                    + "Run with -Xlog:aot for details\\.|archivedBootLayer not available, disabling full module graph)$");

    /**
     * The line every JVM with the vector module prints at start-up (the training JVM and the JVM that assembles the
     * cache): left out here as the {@code trit4j} launcher leaves it out of its own JVM's output.
     */
    static final String INCUBATOR_WARNING = "WARNING: Using incubator modules: jdk.incubator.vector";

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "2",
            description = "Seconds of calls per workload in the training run (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--out", paramLabel = "FILE",
            description = "The cache file (default: trit4j-tools.aot beside the tools jar, where bench looks for it).")
    Path out;

    @Spec
    private CommandSpec spec;

    /** Created by picocli. */
    public AotTrainCommand() {
    }

    @Override
    public Integer call() throws Exception {
        if (!(seconds > 0) || seconds > 600) {
            throw new ParameterException(spec.commandLine(), "--seconds must be in (0, 600], got " + seconds);
        }
        Path cache = out != null ? out : TimeToPeakRunner.defaultAotCache().orElseThrow(() -> new ParameterException(
                spec.commandLine(), "--out is needed: not running from the tools jar"));
        PrintWriter console = spec.commandLine().getOut();
        if (!record(cache, seconds, console)) {
            spec.commandLine().getErr().println("trit4j aot-train: the training JVM failed");
            return 1;
        }
        console.println("Wrote " + cache + ". trit4j bench now reports time to peak with it too; an application uses "
                + "its own: java -XX:AOTCacheOutput=app.aot ... once, then java -XX:AOTCache=app.aot ...");
        return 0;
    }

    /**
     * Runs the training JVM (every {@link #TRAINING} workload for {@code seconds}), which writes the cache when it
     * exits; its messages (not its figures) go to {@code console}. True if it succeeded.
     */
    static boolean record(Path cache, double seconds, PrintWriter console) throws IOException, InterruptedException {
        List<String> cmd = TimeToPeakRunner.command(IsaShape.NATIVE, List.of("-XX:AOTCacheOutput=" + cache),
                Stream.concat(Stream.of("--workloads", String.join(",", TRAINING), "--precision",
                                TimeToPeakRunner.PRECISION.name()),
                        // a training run needs calls, not a steady state: each workload ends on time
                        TimeToPeakRunner.lengthArgs(seconds, seconds).stream()).toList());
        console.println("trit4j aot-train: " + TRAINING.size() + " workloads x " + seconds + " s, then the JVM writes "
                + cache);
        console.flush();
        int[] skipped = {0};
        // its stderr merged into stdout: the JVM's messages come in order
        ChildProcess.Ended ended = ChildProcess.run(new ProcessBuilder(new ArrayList<>(cmd)).redirectErrorStream(true),
                ChildProcess.limit(Duration.ofMillis(Math.round(TRAINING.size() * seconds * 1000))), line -> {
                    if (SKIPPED_CLASS.matcher(line).find()) {
                        skipped[0]++; // one line per class the cache cannot hold (picocli's old class files, ...)
                    } else if (!INCUBATOR_MODULE_GRAPH_NOTICE.matcher(line).matches() && !line.equals(INCUBATOR_WARNING)
                            && !line.startsWith("{")) {
                        // not the JDK's notices of the incubator module trit4j needs, nor the training run's own
                        // figures (not fresh-JVM figures): only the JVM's messages are shown
                        console.println(line);
                        console.flush();
                    }
                });
        if (skipped[0] > 0) {
            console.println("(" + skipped[0] + " classes left out of the cache, e.g. old class files: run the training JVM "
                    + "with -Xlog:aot for the list)");
        }
        if (ended.timedOut()) {
            console.println("trit4j aot-train: the training JVM " + ended.status());
        }
        return ended.ok();
    }
}
