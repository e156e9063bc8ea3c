package io.github.trit4j.nn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The loader's validation: every malformed case of docs/MODEL_FORMAT.md, on files written here. */
class ModelFileTest {

    @TempDir
    Path dir;

    /** The valid tiny model's architecture (its tensors: {@link #tensors()}). */
    static final String ARCH = """
            {"name": "tiny", "input": {"channels": 1, "height": 6, "width": 6}, "classes": 3,
             "layers": [
              {"type": "normalize", "mean": [0.5], "std": [0.25]},
              {"type": "conv", "name": "stem", "mode": "float", "in": 1, "out": 4, "kernel": 3, "stride": 1, "padding": 1, "bias": false},
              {"type": "batchnorm", "name": "stem.bn", "eps": 1e-5},
              {"type": "relu"},
              {"type": "basic_block", "name": "b", "in": 4, "out": 4, "stride": 1, "mode": "fatnn"},
              {"type": "global_avg_pool"},
              {"type": "linear", "name": "fc", "in": 4, "out": 3, "bias": true}
             ]}""";

    /** The valid tiny model's tensors. */
    static List<Tensor> tensors() {
        SplittableRandom r = new SplittableRandom(1);
        List<Tensor> t = new ArrayList<>();
        t.add(Tensor.f32("stem.weight", Naive.randomFloats(r, 36, 0.5), 4, 1, 3, 3));
        for (String bn : new String[] {"stem.bn", "b.bn1", "b.bn2"}) {
            t.add(Tensor.f32(bn + ".weight", new float[] {1, 1.1f, 0.9f, 1}, 4));
            t.add(Tensor.f32(bn + ".bias", new float[] {0, 0.1f, -0.1f, 0.2f}, 4));
            t.add(Tensor.f32(bn + ".running_mean", new float[] {0, 0.1f, 0.2f, 0}, 4));
            t.add(Tensor.f32(bn + ".running_var", new float[] {1, 0.5f, 2, 1}, 4));
        }
        for (String c : new String[] {"b.conv1", "b.conv2"}) {
            t.add(Tensor.i8(c + ".weight_codes", Naive.randomCodes(r, 144), 4, 4, 3, 3));
            t.add(Tensor.f32(c + ".weight_scale", new float[] {0.1f, 0.2f, 0.1f, 0.3f}, 4));
            t.add(Tensor.f32(c + ".act_alpha", new float[] {2f, 1.5f}, 2));
            t.add(Tensor.f32(c + ".act_scale", new float[] {0.5f}, 1));
        }
        t.add(Tensor.f32("fc.weight", Naive.randomFloats(r, 12, 0.5), 3, 4));
        t.add(Tensor.f32("fc.bias", new float[] {0.1f, 0, -0.1f}, 3));
        return t;
    }

    private Path write(String arch, List<Tensor> tensors) throws IOException {
        Path f = Files.createTempFile(dir, "model", ".safetensors");
        ModelFile.of(arch, Map.of("trit4j.pytorch_accuracy", "0.5"), tensors).write(f);
        return f;
    }

    private Path validFile() throws IOException {
        return write(ARCH, tensors());
    }

    /** A copy of the tensors with {@code name} replaced (or removed if {@code replacement} gives null). */
    private static List<Tensor> with(String name, UnaryOperator<Tensor> replacement) {
        List<Tensor> out = new ArrayList<>();
        boolean found = false;
        for (Tensor t : tensors()) {
            if (t.name().equals(name)) {
                found = true;
                Tensor r = replacement.apply(t);
                if (r != null) {
                    out.add(r);
                }
            } else {
                out.add(t);
            }
        }
        assertTrue(found, name);
        return out;
    }

    private void assertRejected(Path f, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Network.load(f));
        for (String s : fragments) {
            assertTrue(e.getMessage().contains(s), "message \"" + e.getMessage() + "\" should name " + s);
        }
    }

    /** A raw file: header length, header text, data bytes. */
    private Path raw(long headerLength, String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(headerLength).put(h).put(data);
        Path f = Files.createTempFile(dir, "raw", ".safetensors");
        Files.write(f, b.array());
        return f;
    }

    private static String meta() {
        return "\"__metadata__\": {\"trit4j.format\": \"1\", \"trit4j.architecture\": "
                + ModelFile.JSON.valueToTree(ARCH) + "}";
    }

    @Test
    void validFileLoadsAndRoundTrips() throws IOException {
        Path f = validFile();
        ModelFile m = ModelFile.read(f);
        assertEquals(tensors().size(), m.tensors().size());
        for (Tensor t : tensors()) {
            Tensor back = m.tensors().get(t.name());
            assertArrayEquals(t.shape(), back.shape(), t.name());
            if (t.dtype() == Tensor.DType.F32) {
                assertArrayEquals(t.floats(), back.floats(), 0f, t.name());
            } else {
                assertArrayEquals(t.bytes(), back.bytes(), t.name());
            }
        }
        assertEquals(0.5, m.pytorchAccuracy().orElseThrow());
        Network net = Network.load(f);
        assertEquals(3, net.classes());
        assertEquals("tiny", net.name());
        float[] logits = net.predict(new float[72], 2);
        assertEquals(6, logits.length);
        for (float v : logits) {
            assertTrue(Float.isFinite(v));
        }
        assertTrue(net.toString().contains("b.conv1"), net.toString());
    }

    /**
     * A directory is an IOException that says so (it was "No such device", from mmap), and the
     * public factories name their null arguments.
     */
    @Test
    void aDirectoryIsNamedAndNullArgumentsAreNamed() {
        IOException e = assertThrows(IOException.class, () -> ModelFile.read(dir));
        assertTrue(e.getMessage().contains(dir.toString()) && e.getMessage().contains("directory"), e.getMessage());
        e = assertThrows(IOException.class, () -> Network.load(dir));
        assertTrue(e.getMessage().contains("directory"), e.getMessage());
        assertEquals("architectureJson", assertThrows(NullPointerException.class,
                () -> ModelFile.of(null, Map.of(), List.of())).getMessage());
        assertEquals("metadata", assertThrows(NullPointerException.class,
                () -> ModelFile.of("{}", null, List.of())).getMessage());
        assertEquals("tensors", assertThrows(NullPointerException.class,
                () -> ModelFile.of("{}", Map.of(), null)).getMessage());
        assertEquals("tensors[1]", assertThrows(NullPointerException.class,
                () -> ModelFile.of("{}", Map.of(), Arrays.asList(tensors().get(0), null))).getMessage());
        ModelFile m = ModelFile.of("{}", Map.of(), List.of());
        assertEquals("file", assertThrows(NullPointerException.class, () -> m.write(null)).getMessage());
    }

    @Test
    void missingTensor() throws IOException {
        assertRejected(write(ARCH, with("b.conv2.act_scale", t -> null)), "b.conv2.act_scale", "missing");
    }

    @Test
    void unusedTensor() throws IOException {
        List<Tensor> t = tensors();
        t.add(Tensor.f32("b.conv3.weight_scale", new float[4], 4));
        assertRejected(write(ARCH, t), "b.conv3.weight_scale", "not used");
    }

    @Test
    void wrongShape() throws IOException {
        assertRejected(write(ARCH, with("fc.weight", t -> Tensor.f32("fc.weight", new float[12], 4, 3))),
                "fc.weight", "shape [4, 3]", "[3, 4]");
    }

    @Test
    void wrongDtype() throws IOException {
        assertRejected(write(ARCH, with("b.conv1.weight_codes", t -> Tensor.f32(t.name(), new float[144], 4, 4, 3, 3))),
                "b.conv1.weight_codes", "F32", "I8");
    }

    @Test
    void unknownDtype() throws IOException {
        String h = "{\"w\": {\"dtype\": \"F16\", \"shape\": [2], \"data_offsets\": [0, 4]}, " + meta() + "}";
        Path f = raw(h.getBytes(StandardCharsets.UTF_8).length, h, new byte[4]);
        assertRejected(f, "tensor w", "F16");
    }

    @Test
    void nonTernaryCodeNamesTensorAndIndex() throws IOException {
        assertRejected(write(ARCH, with("b.conv2.weight_codes", t -> {
            byte[] c = t.bytes();
            c[37] = 2;
            return Tensor.i8(t.name(), c, t.shape());
        })), "b.conv2.weight_codes[37]", "= 2");
    }

    @Test
    void nonPositiveScalesAlphasClipsAndNegativeVariance() throws IOException {
        assertRejected(write(ARCH, with("b.conv1.weight_scale",
                t -> Tensor.f32(t.name(), new float[] {0.1f, 0f, 0.1f, 0.1f}, 4))), "b.conv1.weight_scale[1]");
        assertRejected(write(ARCH, with("b.conv1.act_alpha",
                t -> Tensor.f32(t.name(), new float[] {1f, -1f}, 2))), "b.conv1.act_alpha[1]");
        assertRejected(write(ARCH, with("b.conv2.act_scale",
                t -> Tensor.f32(t.name(), new float[] {Float.NaN}, 1))), "b.conv2.act_scale[0]");
        assertRejected(write(ARCH, with("b.bn2.running_var",
                t -> Tensor.f32(t.name(), new float[] {1, -0.5f, 1, 1}, 4))), "b.bn2.running_var[1]", "negative");
        String conventional = ARCH.replace("\"fatnn\"", "\"conventional\"");
        List<Tensor> t = new ArrayList<>();
        for (Tensor x : tensors()) {
            if (x.name().endsWith("act_alpha")) {
                t.add(Tensor.f32(x.name().replace("act_alpha", "act_clip"),
                        new float[] {x.name().contains("conv1") ? 0f : 2f}, 1));
            } else if (!x.name().endsWith("act_scale")) {
                t.add(x);
            }
        }
        assertRejected(write(conventional, t), "b.conv1.act_clip[0]");
    }

    @Test
    void channelMismatch() throws IOException {
        assertRejected(write(ARCH.replace("\"in\": 4, \"out\": 4, \"stride\": 1", "\"in\": 5, \"out\": 4, \"stride\": 1"),
                tensors()), "layers[4]", "in = 5", "4 channels");
        assertRejected(write(ARCH.replace("\"in\": 4, \"out\": 3", "\"in\": 8, \"out\": 3"), tensors()), "layers[6]",
                "in = 8");
        assertRejected(write(ARCH.replace("\"classes\": 3", "\"classes\": 10"), tensors()), "classes = 10");
    }

    @Test
    void missingOrMistypedField() throws IOException {
        assertRejected(write(ARCH.replace("\"kernel\": 3, ", ""), tensors()), "layers[1]", "kernel", "missing");
        assertRejected(write(ARCH.replace("\"stride\": 1, \"padding\": 1", "\"stride\": 1.5, \"padding\": 1"),
                tensors()), "layers[1]", "stride");
        assertRejected(write(ARCH.replace("\"mode\": \"fatnn\"", "\"mode\": \"fatnm\""), tensors()), "fatnm");
        assertRejected(write(ARCH.replace("global_avg_pool", "global_max_pool"), tensors()), "global_max_pool");
    }

    @Test
    void truncatedFile() throws IOException {
        byte[] whole = Files.readAllBytes(validFile());
        Path f = dir.resolve("truncated.safetensors");
        Files.write(f, Arrays.copyOf(whole, whole.length - 3));
        assertRejected(f, "outside the data");
        Files.write(f, Arrays.copyOf(whole, 5));
        assertRejected(f, "too short");
    }

    @Test
    void headerLengthBeyondFile() throws IOException {
        assertRejected(raw(1000, "{}", new byte[0]), "header length 1000", "beyond");
        assertRejected(raw(-1, "{}", new byte[0]), "header length 18446744073709551615", "beyond");
    }

    @Test
    void corruptJson() throws IOException {
        String h = "{\"w\": {\"dtype\": \"F32\", ";
        assertRejected(raw(h.length(), h, new byte[0]), "not JSON");
        assertRejected(raw(2, "[]", new byte[0]), "not a JSON object");
        String dup = "{\"__metadata__\": {}, \"__metadata__\": {}}";
        assertRejected(raw(dup.length(), dup, new byte[0]), "not JSON");
        String badArch = "{\"__metadata__\": {\"trit4j.format\": \"1\", \"trit4j.architecture\": \"{oops\"}}";
        assertRejected(raw(badArch.length(), badArch, new byte[0]), "trit4j.architecture", "not JSON");
        String noFormat = "{\"__metadata__\": {\"trit4j.architecture\": \"{}\"}}";
        assertRejected(raw(noFormat.length(), noFormat, new byte[0]), "trit4j.format", "missing");
    }

    @Test
    void overlappingAndOutOfRangeOffsets() throws IOException {
        String overlap = "{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]}, "
                + "\"b\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [4, 12]}, " + meta() + "}";
        assertRejected(raw(overlap.getBytes(StandardCharsets.UTF_8).length, overlap, new byte[12]), "tensor b",
                "overlap", "tensor a");
        String outside = "{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [8, 16]}, " + meta() + "}";
        assertRejected(raw(outside.getBytes(StandardCharsets.UTF_8).length, outside, new byte[12]), "tensor a",
                "outside the data");
        String size = "{\"a\": {\"dtype\": \"F32\", \"shape\": [3], \"data_offsets\": [0, 8]}, " + meta() + "}";
        assertRejected(raw(size.getBytes(StandardCharsets.UTF_8).length, size, new byte[8]), "tensor a", "needs 12");
        String negative = "{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [-4, 4]}, " + meta() + "}";
        assertRejected(raw(negative.getBytes(StandardCharsets.UTF_8).length, negative, new byte[8]), "tensor a");
    }

    @Test
    void ioErrorsAreIoExceptions() {
        assertThrows(IOException.class, () -> Network.load(dir.resolve("absent.safetensors")));
    }
}
