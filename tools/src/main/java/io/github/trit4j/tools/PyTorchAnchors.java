package io.github.trit4j.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.trit4j.bench.SteadyState;
import io.github.trit4j.bench.StudyWorkload;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The PyTorch anchors of the network study: PyTorch's own ResNet-18 in int8 (FX graph mode post-training
 * quantization) and fp32 (frozen TorchScript), timed by {@code tools/torch/resnet_anchor.py} (carried in the jar)
 * in a child process of a Python that has torch ({@value #DEFAULT_PYTHON}, or the system property
 * {@value #PYTHON_PROPERTY}), at the study's network batch sizes and thread counts and with its iteration length.
 * The script records every iteration; the figure is taken from them with the study's own rule
 * ({@link SteadyState}), in microseconds per batch like the JMH rows. Without torch (or without that Python) the
 * anchors are "not measured" and the study goes on.
 *
 * <p>Stateless; safe to call from several threads (each call its own child process and temporary files).
 */
public final class PyTorchAnchors {

    /** System property naming the Python to run (default {@value #DEFAULT_PYTHON}). */
    public static final String PYTHON_PROPERTY = "trit4j.python";
    /** Debian's Python, which sees Debian's {@code python3-torch}. */
    public static final String DEFAULT_PYTHON = "/usr/bin/python3";
    /** The script's exit code when torch cannot be imported. */
    static final int TORCH_MISSING = 3;
    /** The script, a copy of {@code tools/torch/resnet_anchor.py} in the jar, beside this class. */
    static final String SCRIPT_RESOURCE = "torch/resnet_anchor.py";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The two anchors, as the {@code precision} of their rows in {@code results.csv}. */
    public enum Anchor {
        /** FX graph mode post-training static quantization, the best quantized engine, traced and frozen. */
        INT8("int8", "PyTorch int8"),
        /** TorchScript, frozen, {@code torch.jit.optimize_for_inference}. */
        FP32("fp32", "PyTorch fp32");

        /** The script's {@code --modes} name. */
        final String mode;
        /** Human name for tables and charts. */
        public final String label;

        Anchor(String mode, String label) {
            this.mode = mode;
            this.label = label;
        }

        /** The row's {@code precision} ({@code PYTORCH_INT8}, {@code PYTORCH_FP32}). */
        public String precision() {
            return "PYTORCH_" + name();
        }

        static Anchor ofMode(String mode) {
            for (Anchor a : values()) {
                if (a.mode.equals(mode)) {
                    return a;
                }
            }
            throw new IllegalArgumentException("unknown PyTorch mode " + mode);
        }
    }

    /**
     * What a run gave: the measurements, or why there are none.
     *
     * @param measurements one per anchor, network workload and thread count that ran
     * @param notMeasured  empty if the script ran, else the reason (no torch, no Python, a failure)
     */
    public record Outcome(List<Measurement> measurements, Optional<String> notMeasured) {
        /** Checks the components. */
        public Outcome {
            measurements = List.copyOf(measurements);
            Objects.requireNonNull(notMeasured, "notMeasured");
        }
    }

    private PyTorchAnchors() {
    }

    /** The Python of {@value #PYTHON_PROPERTY}, else {@value #DEFAULT_PYTHON}. */
    public static Path python() {
        return Path.of(System.getProperty(PYTHON_PROPERTY, DEFAULT_PYTHON));
    }

    /**
     * Times the anchors for the network workloads among {@code workloads} (none: nothing runs) at {@code threads},
     * relaying the script's progress lines to {@code progress}. The script is killed if it runs longer than twice
     * its planned iterations plus ten minutes (as the study's child JVMs), and the anchors are then
     * "not measured".
     *
     * @param python   the Python to run the script with
     * @param timing   the study's {warm-up iterations, ms, measurement iterations, ms}: the script runs the
     *                 measurement iterations, of that length each, and the rule finds their warm-up
     * @param isaShape the ISA shape the rows are filed under (PyTorch's code does not change with the JVM's flags;
     *                 the study's first shape, as fp32 OpenBLAS)
     */
    public static Outcome run(Path python, List<String> workloads, List<Integer> threads, int[] timing,
                              MachineFingerprint fingerprint, IsaShape isaShape, PrintWriter progress)
            throws IOException {
        return run(python, workloads, threads, timing, fingerprint, isaShape, progress, null);
    }

    /**
     * As the public {@code run}, the script killed after {@code limit} (null: {@link ChildProcess#limit} of its
     * planned iterations, two modes at each batch size and thread count).
     */
    static Outcome run(Path python, List<String> workloads, List<Integer> threads, int[] timing,
                       MachineFingerprint fingerprint, IsaShape isaShape, PrintWriter progress, Duration limit)
            throws IOException {
        List<StudyWorkload> networks = workloads.stream().map(StudyWorkload::parse)
                .filter(w -> w.kind() == StudyWorkload.Kind.NETWORK).toList();
        if (networks.isEmpty() || threads.isEmpty()) {
            return new Outcome(List.of(), Optional.of("no network workload"));
        }
        Path dir = Files.createTempDirectory("trit4j-pytorch-");
        try {
            Path script = dir.resolve("resnet_anchor.py");
            try (InputStream in = PyTorchAnchors.class.getResourceAsStream(SCRIPT_RESOURCE)) {
                if (in == null) {
                    throw new IOException(SCRIPT_RESOURCE + " is missing from the class path (a build without "
                            + "tools/torch/resnet_anchor.py)");
                }
                Files.copy(in, script);
            }
            Path json = dir.resolve("anchors.json");
            List<String> batches = networks.stream().map(w -> Integer.toString(w.batch())).distinct().toList();
            List<String> cmd = List.of(python.toString(), script.toString(),
                    "--modes", "int8,fp32",
                    "--batches", String.join(",", batches),
                    "--threads", threads.stream().map(String::valueOf).collect(Collectors.joining(",")),
                    "--iterations", Integer.toString(timing[2]),
                    "--iteration-ms", Integer.toString(timing[3]),
                    "--json", json.toString());
            Duration bound = limit != null ? limit : ChildProcess.limit(Duration.ofMillis(
                    (long) Anchor.values().length * batches.size() * threads.size() * timing[2] * timing[3]));
            ChildProcess.Ended ended;
            try {
                ended = ChildProcess.run(new ProcessBuilder(cmd), bound, line -> {
                    progress.println(line);
                    progress.flush();
                });
            } catch (InterruptedIOException e) {
                throw e;
            } catch (IOException e) {
                return new Outcome(List.of(), Optional.of("cannot run " + python + " (" + e.getMessage() + ")"));
            }
            if (!ended.timedOut() && ended.exitCode() == TORCH_MISSING) {
                return new Outcome(List.of(), Optional.of(python + " cannot import torch (apt-get install "
                        + "python3-torch, or -D" + PYTHON_PROPERTY + "=a Python that has it)"));
            }
            if (!ended.ok() || !Files.exists(json)) {
                return new Outcome(List.of(), Optional.of("the PyTorch script failed (" + ended.status() + ")"
                        + (ended.stderr().isEmpty() ? "" : ": " + lastLines(ended.stderr(), 5))));
            }
            return new Outcome(measurements(JSON.readTree(json.toFile()), networks, fingerprint, isaShape),
                    Optional.empty());
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    /** The script's JSON as study rows: one per result, its figure from its iterations by {@link SteadyState}. */
    static List<Measurement> measurements(JsonNode doc, List<StudyWorkload> networks, MachineFingerprint fingerprint,
                                          IsaShape isaShape) {
        List<Measurement> out = new ArrayList<>();
        for (JsonNode r : doc.path("results")) {
            int batch = r.path("batch").asInt();
            Optional<StudyWorkload> w = networks.stream().filter(n -> n.batch() == batch).findFirst();
            JsonNode its = r.path("iterations_ms");
            if (w.isEmpty() || !its.isArray() || its.isEmpty()) {
                continue;
            }
            double[] micros = new double[its.size()];
            for (int i = 0; i < micros.length; i++) {
                micros[i] = its.get(i).asDouble() * 1000;
            }
            SteadyState steady = SteadyState.of(micros);
            StudyWorkload wl = w.get();
            out.add(new Measurement(fingerprint, isaShape.id(), "", r.path("kernel").asText("PyTorch"), wl.name(),
                    wl.kind().name(), wl.m(), wl.n(), wl.k(), Anchor.ofMode(r.path("mode").asText()).precision(),
                    r.path("threads").asInt(), steady.micros(), steady.microsError(), steady.warmupIterations(),
                    steady.measuredIterations(), steady.settled(), Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                    null));
        }
        return out;
    }

    private static String lastLines(String text, int n) {
        List<String> lines = text.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    }
}
