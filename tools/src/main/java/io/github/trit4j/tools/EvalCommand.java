package io.github.trit4j.tools;

import io.github.trit4j.bench.OpenBlasFloatGemm;
import io.github.trit4j.nn.ModelFile;
import io.github.trit4j.nn.Network;
import io.github.trit4j.nn.NetworkOptions;
import io.github.trit4j.nn.gemm.FloatGemm;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code trit4j eval}: a model file on an IDX test set (Fashion-MNIST by default): accuracy
 * through trit4j, the PyTorch accuracy the exporter recorded, agreement with the exporter's
 * reference outputs, and indicative latency and throughput. A missing or unreadable model or test
 * set, a file that is not a model (safetensors) or not IDX, a corrupt {@code .gz} and a bad option
 * value are user errors: one line, exit code 2 ({@link UserError}). Exit code 1 if the model loads
 * but cannot be checked against its reference outputs.
 */
@Command(name = "eval",
        mixinStandardHelpOptions = true,
        versionProvider = Trit4jVersion.class,
        description = {"Evaluate a trit4j model file (docs/MODEL_FORMAT.md) on the Fashion-MNIST test set: "
                + "accuracy, agreement with PyTorch's reference outputs, latency and throughput.",
                "The timings are indicative (a plain timing loop); published figures come from JMH "
                        + "(NetworkBenchmark)."})
public final class EvalCommand implements Callable<Integer> {

    /** The float GEMM behind the model's float layers. */
    enum Fp32Backend {
        /** The Vector API kernel (scalar without the vector module). */
        JAVA,
        /** OpenBLAS sgemm through bytedeco. */
        OPENBLAS
    }

    @Spec
    private CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "The model file (.safetensors).")
    Path model;

    @Option(names = "--data", paramLabel = "DIR", description = "Directory of t10k-images-idx3-ubyte.gz and "
            + "t10k-labels-idx1-ubyte.gz (default: ${DEFAULT-VALUE}).")
    Path data = IdxDataset.FASHION_MNIST;

    @Option(names = "--fp32-backend", paramLabel = "java|openblas", description = "Float GEMM of the float layers "
            + "(default: ${DEFAULT-VALUE}).")
    Fp32Backend backend = Fp32Backend.JAVA;

    @Option(names = "--threads", paramLabel = "N", description = "Threads per product (default: all processors).")
    Integer threads;

    @Option(names = "--limit", paramLabel = "N", description = "Evaluate only the first N test images.")
    int limit = Integer.MAX_VALUE;

    @Option(names = "--timing-seconds", paramLabel = "S", description = "Seconds per timing loop, after as long a "
            + "warm-up, from 0 (skips timing) to 3600 (default: ${DEFAULT-VALUE}).")
    double timingSeconds = 2;

    /** Created by picocli. */
    public EvalCommand() {
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (limit < 1) {
            throw new ParameterException(spec.commandLine(), "--limit must be at least 1, got " + limit);
        }
        if (!Double.isFinite(timingSeconds) || timingSeconds < 0 || timingSeconds > MAX_TIMING_SECONDS) {
            throw new ParameterException(spec.commandLine(), "--timing-seconds must be a number of seconds from 0 to "
                    + (int) MAX_TIMING_SECONDS + " (0 skips timing), got " + timingSeconds);
        }
        if (threads != null && threads < 1) {
            throw new ParameterException(spec.commandLine(), "--threads must be at least 1, got " + threads);
        }
        checkModelPath(model);
        if (Files.isRegularFile(data)) {
            throw new UserError("--data " + data + " is a file; expected the directory that holds "
                    + IdxDataset.TEST_IMAGES + " and " + IdxDataset.TEST_LABELS);
        }
        if (!IdxDataset.present(data)) {
            throw new UserError("no test set in " + data + " (" + IdxDataset.TEST_IMAGES + ", " + IdxDataset.TEST_LABELS
                    + "); on Debian: apt-get install dataset-fashion-mnist, or --data DIR");
        }
        NetworkOptions options = NetworkOptions.defaults();
        if (threads != null) {
            options = options.withThreads(threads);
        }
        FloatGemm gemm = backend == Fp32Backend.OPENBLAS ? new OpenBlasFloatGemm() : FloatGemm.javaDefault();
        options = options.withFloatGemm(gemm);
        ModelFile file;
        try {
            file = ModelFile.read(model);
        } catch (IllegalArgumentException e) {
            throw new UserError(model + " is not a trit4j model file (safetensors, docs/MODEL_FORMAT.md): "
                    + withoutPath(e.getMessage(), model));
        }
        Network net;
        try {
            net = Network.of(file, options);
        } catch (IllegalArgumentException e) {
            throw new UserError(model + ": not a model trit4j can run: " + withoutPath(e.getMessage(), model));
        }
        IdxDataset set;
        try {
            set = IdxDataset.readTestSet(data);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        int n = Math.min(limit, set.size());
        row(out, "model", model + " (" + net.name() + ")");
        row(out, "runtime", "float GEMM " + gemm.name() + "; quantized kernels " + options.engine() + "; "
                + options.threads() + " thread(s) per product");
        float[] logits = ModelEvaluation.logits(net, set, n, 64);
        int[] predicted = Network.argmax(logits, net.classes());
        int correct = ModelEvaluation.correct(predicted, set);
        double acc = (double) correct / n;
        row(out, "accuracy", String.format(Locale.ROOT, "%.4f (%d / %d test images, through trit4j)", acc, correct, n));
        var recorded = file.pytorchAccuracy();
        if (recorded.isPresent()) {
            row(out, "pytorch", String.format(Locale.ROOT, "%.4f (recorded by the exporter%s); difference %+.2f points",
                    recorded.getAsDouble(), n < set.size() ? ", on all " + set.size() + " images" : "",
                    100 * (acc - recorded.getAsDouble())));
        } else {
            row(out, "pytorch", "no accuracy recorded in the file");
        }
        Path ref = ModelEvaluation.referenceFile(model);
        if (Files.isRegularFile(ref)) {
            ModelEvaluation.Agreement a;
            java.util.Optional<ModelEvaluation.Agreement> all;
            try {
                var root = ModelEvaluation.read(ref);
                a = ModelEvaluation.compare(ref, root, logits, net.classes(), n);
                all = ModelEvaluation.compareAllLabels(ref, root, logits, net.classes(), n);
            } catch (IllegalArgumentException e) {
                err.println(e.getMessage());
                return 1;
            }
            all.ifPresent(b -> row(out, "agreement", String.format(Locale.ROOT,
                    "trit4j's label = PyTorch's on %d / %d test images (%.2f%%)%s", b.agree(), b.compared(),
                    b.compared() == 0 ? 0.0 : 100.0 * b.agree() / b.compared(),
                    b.firstDisagreement() >= 0 ? "; first difference at image " + b.firstDisagreement() : "")));
            row(out, "reference", String.format(Locale.ROOT, "labels agree on %d / %d images (%.2f%%)%s%s", a.agree(),
                    a.compared(), a.compared() == 0 ? 0.0 : 100.0 * a.agree() / a.compared(),
                    a.hasLogits() ? String.format(Locale.ROOT, "; max |logit difference| %.3g", a.maxLogitDifference())
                            : "",
                    a.firstDisagreement() >= 0 ? "; first disagreement at image " + a.firstDisagreement() : ""));
        } else {
            row(out, "reference", "none (" + ref.getFileName() + " not found beside the model)");
        }
        if (timingSeconds > 0) {
            out.println("timing (indicative: a plain timing loop on this machine as it is; published figures come "
                    + "from JMH, NetworkBenchmark):");
            int size = net.inputSize();
            float[] one = java.util.Arrays.copyOf(set.images(), size);
            double latency = secondsPerCall(net, one, 1);
            row(out, "  batch 1", String.format(Locale.ROOT, "%.3f ms per image", latency * 1e3));
            int b = Math.min(64, set.size());
            float[] many = java.util.Arrays.copyOf(set.images(), b * size);
            double perBatch = secondsPerCall(net, many, b);
            row(out, "  batch " + b, String.format(Locale.ROOT, "%.0f images/s", b / perBatch));
        }
        out.flush();
        return 0;
    }

    /** The longest --timing-seconds: an hour per loop is a mistake, not a measurement. */
    static final double MAX_TIMING_SECONDS = 3600;

    /**
     * The model path is a readable regular file, else a {@link UserError} saying what it is instead (missing, a
     * directory, unreadable).
     */
    static void checkModelPath(Path model) {
        if (!Files.exists(model)) {
            throw new UserError("--model " + model + ": no such file");
        }
        if (Files.isDirectory(model)) {
            throw new UserError("--model " + model + " is a directory; expected a model file (.safetensors)");
        }
        if (!Files.isRegularFile(model) || !Files.isReadable(model)) {
            throw new UserError("--model " + model + " is not a readable file");
        }
    }

    /** A loader message without the path it starts with (the caller names the file once). */
    static String withoutPath(String message, Path file) {
        String prefix = file + ": ";
        return message != null && message.startsWith(prefix) ? message.substring(prefix.length()) : message;
    }

    /** Warm-up for {@link #timingSeconds}, then the mean time of calls over as long again. */
    private double secondsPerCall(Network net, float[] input, int batch) {
        float[] logits = new float[batch * net.classes()];
        long budget = (long) (timingSeconds * 1e9);
        long start = System.nanoTime();
        while (System.nanoTime() - start < budget) {
            net.predict(input, batch, logits);
        }
        long calls = 0;
        start = System.nanoTime();
        long now;
        do {
            net.predict(input, batch, logits);
            calls++;
            now = System.nanoTime();
        } while (now - start < budget);
        return (now - start) / 1e9 / calls;
    }

    private static void row(PrintWriter out, String key, String value) {
        out.printf(Locale.ROOT, "%-12s %s%n", key, value);
    }
}
