package io.github.trit4j.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.trit4j.nn.ConvMode;
import io.github.trit4j.nn.ModelFile;
import io.github.trit4j.nn.Network;
import io.github.trit4j.nn.NetworkOptions;
import io.github.trit4j.nn.ResNets;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code trit4j eval}, and the committed models (tools/models/*.safetensors) on the real
 * Fashion-MNIST test set when it is installed: accuracy through trit4j equals the exporter's
 * recorded PyTorch accuracy within 0.1 point; labels agree with {@code <model>.reference.json} on
 * at least 99.9% of its images (the issue's target; a float tie at a quantizer threshold may flip
 * one); logits within {@value #LOGIT_TOLERANCE} absolute of the reference's.
 */
class EvalCommandTest {

    /** PyTorch and trit4j sum floats in different orders; quantized layers are exact. */
    static final double LOGIT_TOLERANCE = 1e-3;
    /** Where the committed models live, relative to the tools module (surefire's working directory). */
    static final Path MODELS = Path.of("models");

    @TempDir
    Path dir;

    /** A small IDX test set of {@code n} random 28x28 images with random labels. */
    private Path dataset(int n) throws IOException {
        SplittableRandom r = new SplittableRandom(1);
        Path d = Files.createDirectories(dir.resolve("data"));
        ByteArrayOutputStream img = new ByteArrayOutputStream();
        DataOutputStream di = new DataOutputStream(img);
        di.writeInt(0x803);
        di.writeInt(n);
        di.writeInt(28);
        di.writeInt(28);
        for (int i = 0; i < n * 784; i++) {
            di.writeByte(r.nextInt(256));
        }
        ByteArrayOutputStream lab = new ByteArrayOutputStream();
        DataOutputStream dl = new DataOutputStream(lab);
        dl.writeInt(0x801);
        dl.writeInt(n);
        for (int i = 0; i < n; i++) {
            dl.writeByte(r.nextInt(10));
        }
        gzip(d.resolve(IdxDataset.TEST_IMAGES), img.toByteArray());
        gzip(d.resolve(IdxDataset.TEST_LABELS), lab.toByteArray());
        return d;
    }

    private static void gzip(Path f, byte[] bytes) throws IOException {
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(f))) {
            o.write(bytes);
        }
    }

    /**
     * A generated model with a recorded accuracy and a reference file made from its own outputs,
     * standing in for an exported one: the evaluation path must report agreement 100% and the
     * recorded accuracy.
     */
    @Test
    @Timeout(120)
    void evaluatesAGeneratedModelWithItsReference() throws IOException {
        Path data = dataset(70);
        IdxDataset set = IdxDataset.readTestSet(data);
        ModelFile generated = ResNets.smallModel(ConvMode.FATNN, 4, 8, 16);
        Network net = Network.of(generated, NetworkOptions.defaults());
        float[] logits = ModelEvaluation.logits(net, set, set.size(), 64);
        int[] predicted = Network.argmax(logits, 10);
        double accuracy = (double) ModelEvaluation.correct(predicted, set) / set.size();
        Map<String, String> meta = new LinkedHashMap<>(generated.metadata());
        meta.put(ModelFile.PYTORCH_ACCURACY_KEY, String.format(java.util.Locale.ROOT, "%.4f", accuracy));
        Path model = dir.resolve("gen.safetensors");
        ModelFile.of(generated.architectureJson(), meta, new ArrayList<>(generated.tensors().values())).write(model);
        ObjectMapper json = new ObjectMapper();
        ObjectNode ref = json.createObjectNode();
        ArrayNode idx = ref.putArray("indices");
        ArrayNode lab = ref.putArray("labels");
        ArrayNode log = ref.putArray("logits");
        for (int i = 0; i < set.size(); i += 3) {
            idx.add(i);
            lab.add(predicted[i]);
            ArrayNode row = log.addArray();
            for (int c = 0; c < 10; c++) {
                row.add(logits[i * 10 + c]);
            }
        }
        json.writeValue(ModelEvaluation.referenceFile(model).toFile(), ref);

        CommandRun run = CommandRun.of("eval", "--model", model.toString(), "--data", data.toString(),
                "--timing-seconds", "0.05");
        assertEquals(0, run.exitCode(), run.toString());
        String expectedAccuracy = String.format(java.util.Locale.ROOT, "%.4f", accuracy);
        assertTrue(run.out().contains("accuracy     " + expectedAccuracy), run.toString());
        assertTrue(run.out().contains("0.00 points"), run.toString());
        assertTrue(run.out().contains("labels agree on 24 / 24 images (100.00%)"), run.toString());
        // the reference's logits went through JSON as floats' shortest decimal strings, read back as doubles
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("max \\|logit difference\\| (\\S+)")
                .matcher(run.out());
        assertTrue(m.find() && Double.parseDouble(m.group(1)) < 1e-6, run.toString());
        assertTrue(run.out().contains("indicative"), run.toString());
        assertTrue(run.out().contains("images/s"), run.toString());
        checkAgainstRecord(model, data);
    }

    /**
     * Every user error of {@code eval} is one line on stderr naming the bad value, exit code 2, no stack trace: a
     * missing model, a directory, a file that is not safetensors, a missing or corrupt test set, bad option values.
     */
    @Test
    void userErrorsAreOneLineAndExitCodeTwo() throws IOException {
        Path data = dataset(2);
        Path model = dir.resolve("small.safetensors");
        ResNets.smallModel(ConvMode.FATNN, 1, 4).write(model);
        Path shortFile = dir.resolve("bad.safetensors");
        Files.write(shortFile, new byte[] {1, 2, 3});
        Path text = dir.resolve("notes.txt");
        Files.writeString(text, "these are not the tensors you are looking for\n");
        Path corrupt = Files.createDirectories(dir.resolve("corrupt"));
        Files.write(corrupt.resolve(IdxDataset.TEST_IMAGES), new byte[] {'n', 'o', 't', ' ', 'g', 'z', 'i', 'p'});
        Files.copy(data.resolve(IdxDataset.TEST_LABELS), corrupt.resolve(IdxDataset.TEST_LABELS));
        Path truncated = Files.createDirectories(dir.resolve("truncated"));
        byte[] images = Files.readAllBytes(data.resolve(IdxDataset.TEST_IMAGES));
        Files.write(truncated.resolve(IdxDataset.TEST_IMAGES), java.util.Arrays.copyOf(images, images.length / 2));
        Files.copy(data.resolve(IdxDataset.TEST_LABELS), truncated.resolve(IdxDataset.TEST_LABELS));
        String m = model.toString();
        String d = data.toString();
        record Case(List<String> args, String says) {
        }
        for (Case c : List.of(
                new Case(List.of("--model", "/missing/model.safetensors", "--data", d), "no such file"),
                new Case(List.of("--model", dir.toString(), "--data", d), "is a directory"),
                new Case(List.of("--model", shortFile.toString(), "--data", d), "not a trit4j model file (safetensors"),
                new Case(List.of("--model", text.toString(), "--data", d), "not a trit4j model file (safetensors"),
                new Case(List.of("--model", m, "--data", dir.resolve("nowhere").toString()), "no test set"),
                new Case(List.of("--model", m, "--data", model.toString()), "is a file"),
                new Case(List.of("--model", m, "--data", corrupt.toString()), "not a valid gzip file"),
                new Case(List.of("--model", m, "--data", truncated.toString()), "ends early"),
                new Case(List.of("--model", m, "--data", d, "--timing-seconds", "-1"), "--timing-seconds"),
                new Case(List.of("--model", m, "--data", d, "--timing-seconds", "NaN"), "--timing-seconds"),
                new Case(List.of("--model", m, "--data", d, "--timing-seconds", "Infinity"), "--timing-seconds"),
                new Case(List.of("--model", m, "--data", d, "--limit", "0"), "--limit"),
                new Case(List.of("--model", m, "--data", d, "--threads", "0"), "--threads"))) {
            List<String> args = new ArrayList<>(List.of("eval"));
            args.addAll(c.args());
            CommandRun run = CommandRun.of(args.toArray(String[]::new));
            assertEquals(2, run.exitCode(), () -> c + "\n" + run);
            assertEquals(1, run.err().lines().count(), () -> "one line: " + c + "\n" + run);
            assertTrue(run.err().startsWith("trit4j eval: "), () -> c + "\n" + run);
            assertTrue(run.err().contains(c.says()), () -> c + "\n" + run);
            assertTrue(run.out().isEmpty(), () -> c + "\n" + run);
        }
        // the loader's message names the file once, not twice
        CommandRun run = CommandRun.of("eval", "--model", shortFile.toString(), "--data", d);
        assertEquals(run.err().indexOf(shortFile.toString()), run.err().lastIndexOf(shortFile.toString()), run::toString);
    }

    @Test
    @Timeout(120)
    void openBlasBackendGivesTheSameLabels() throws IOException {
        Path data = dataset(20);
        Path model = dir.resolve("float.safetensors");
        ResNets.smallModel(ConvMode.FLOAT, 2, 8, 16).write(model);
        CommandRun java = CommandRun.of("eval", "--model", model.toString(), "--data", data.toString(),
                "--timing-seconds", "0");
        CommandRun blas = CommandRun.of("eval", "--model", model.toString(), "--data", data.toString(),
                "--timing-seconds", "0", "--fp32-backend", "openblas");
        assertEquals(0, blas.exitCode(), blas.toString());
        assertTrue(blas.out().contains("float GEMM OpenBLAS"), blas.toString());
        assertEquals(line(java.out(), "accuracy"), line(blas.out(), "accuracy"));
    }

    private static String line(String out, String key) {
        return out.lines().filter(l -> l.startsWith(key)).findFirst().orElse("");
    }

    /** The committed models on the real test set (skipped, as dynamic tests, when either is absent). */
    @TestFactory
    @Timeout(600)
    Stream<DynamicTest> committedModelsReachTheirRecordedAccuracy() throws IOException {
        List<Path> models = new ArrayList<>();
        if (Files.isDirectory(MODELS)) {
            try (Stream<Path> s = Files.list(MODELS)) {
                s.filter(p -> p.toString().endsWith(".safetensors")).sorted().forEach(models::add);
            }
        }
        if (models.isEmpty() || !IdxDataset.present(IdxDataset.FASHION_MNIST)) {
            return Stream.empty();
        }
        return models.stream().map(m -> DynamicTest.dynamicTest(m.getFileName().toString(),
                () -> checkAgainstRecord(m, IdxDataset.FASHION_MNIST)));
    }

    /** Accuracy within 0.1 point of the record; reference labels >= 99.9% equal; logits within tolerance. */
    static void checkAgainstRecord(Path model, Path data) throws IOException {
        ModelFile file = ModelFile.read(model);
        Network net = Network.of(file, NetworkOptions.defaults());
        IdxDataset set = IdxDataset.readTestSet(data);
        float[] logits = ModelEvaluation.logits(net, set, set.size(), 64);
        double accuracy = (double) ModelEvaluation.correct(Network.argmax(logits, net.classes()), set) / set.size();
        double recorded = file.pytorchAccuracy().orElseThrow(() -> new AssertionError(model
                + " records no " + ModelFile.PYTORCH_ACCURACY_KEY));
        assertEquals(recorded, accuracy, 0.001 + 1e-9, model + ": accuracy through trit4j vs recorded");
        Path ref = ModelEvaluation.referenceFile(model);
        if (Files.isRegularFile(ref)) {
            var root = ModelEvaluation.read(ref);
            ModelEvaluation.Agreement a = ModelEvaluation.compare(ref, root, logits, net.classes(), set.size());
            assertTrue(a.compared() > 0, ref + " compares no image");
            assertTrue(a.agree() >= a.compared() - a.compared() / 1000, ref + ": labels agree on " + a.agree() + " / "
                    + a.compared() + ", first disagreement at image " + a.firstDisagreement());
            if (a.hasLogits()) {
                assertTrue(a.maxLogitDifference() <= LOGIT_TOLERANCE, ref + ": max |logit difference| "
                        + a.maxLogitDifference());
            }
            ModelEvaluation.compareAllLabels(ref, root, logits, net.classes(), set.size()).ifPresent(all -> {
                assertEquals(set.size(), all.compared(), ref + ": all_labels must cover the test set");
                assertTrue(all.agree() >= all.compared() - all.compared() / 1000, ref + ": trit4j's labels equal "
                        + "PyTorch's on " + all.agree() + " / " + all.compared() + " test images (bar: 99.9%), first "
                        + "difference at image " + all.firstDisagreement());
            });
        }
    }

}
