package io.github.trit4j.nn;

import io.github.trit4j.WarmUp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Issue 20 section 4 and issue 18 item 6: loading from anywhere, labels, top-k, IDX, images, warm-up. */
class ServingTest {

    @TempDir
    Path dir;

    private static final String LABELS = "[\"cat\", \"dog\", \"bird\"]";

    private static ModelFile tiny(Map<String, String> meta) {
        return ModelFile.of(ModelFileTest.ARCH, meta, ModelFileTest.tensors());
    }

    private static float[] image() {
        float[] x = new float[36];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i * 7 % 11) / 11f;
        }
        return x;
    }

    @Test
    void loadsFromAPathBytesAStreamAndAClassPathResource() throws IOException {
        Path file = dir.resolve("models").resolve("tiny.safetensors");
        Files.createDirectories(file.getParent());
        tiny(Map.of(ModelFile.LABELS_KEY, LABELS)).write(file);
        byte[] bytes = Files.readAllBytes(file);
        float[] expected = Network.load(file).predict(image(), 1);
        NetworkOptions o = NetworkOptions.defaults();
        assertArrayEquals(expected, Network.load(bytes, o).predict(image(), 1));
        assertArrayEquals(expected, Network.load(new ByteArrayInputStream(bytes)).predict(image(), 1));
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
            Network net = Network.loadResource("models/tiny.safetensors", loader, o);
            assertArrayEquals(expected, net.predict(image(), 1));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Network.loadResource("models/missing.safetensors", loader, o));
            assertTrue(e.getMessage().contains("models/missing.safetensors"), e.getMessage());
        }
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> Network.load(new byte[] {1, 2, 3}, o));
        assertTrue(bad.getMessage().contains("too short"), bad.getMessage());
    }

    @Test
    void topKGivesLabelsAndProbabilitiesMostProbableFirst() {
        Network net = Network.of(tiny(Map.of(ModelFile.LABELS_KEY, LABELS)), NetworkOptions.defaults());
        assertEquals(List.of("cat", "dog", "bird"), net.labels());
        float[] p = Network.softmax(net.predict(image(), 1), 3);
        List<Classification> top = net.topK(image(), 3);
        assertEquals(3, top.size());
        int best = Network.argmax(p, 3)[0];
        assertEquals(best, top.get(0).index());
        assertEquals(net.labels().get(best), top.get(0).label());
        for (int i = 0; i < 3; i++) {
            Classification c = top.get(i);
            assertEquals(p[c.index()], c.probability());
            assertEquals(net.labels().get(c.index()), c.label());
            if (i > 0) {
                assertTrue(top.get(i - 1).probability() >= c.probability());
            }
        }
        assertEquals(1, net.topK(image(), 1).size());
        assertThrows(IllegalArgumentException.class, () -> net.topK(image(), 4));
        assertThrows(IllegalArgumentException.class, () -> net.topK(image(), 0));
        // without labels in the file, the indices
        assertEquals(List.of("0", "1", "2"), Network.of(tiny(Map.of()), NetworkOptions.defaults()).labels());
        // labels that do not match the classes are refused
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Network.of(
                tiny(Map.of(ModelFile.LABELS_KEY, "[\"a\", \"b\"]")), NetworkOptions.defaults()));
        assertTrue(e.getMessage().contains(ModelFile.LABELS_KEY), e.getMessage());
    }

    @Test
    void theCommittedModelsCarryFashionMnistsClassNames() throws IOException {
        String models = System.getProperty("trit4j.models");
        assumeTrue(models != null, "trit4j.models is not set");
        for (String name : new String[] {"fp32", "fatnn", "conventional"}) {
            Network net = Network.load(Path.of(models, "fashion-resnet8-" + name + ".safetensors"));
            assertEquals(List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
                    "Bag", "Ankle boot"), net.labels(), name);
        }
    }

    /** An IDX image file's header: magic 0x803, then count, rows, columns (big-endian ints). */
    private static void imagesHeader(DataOutputStream d, int count, int rows, int cols) throws IOException {
        d.writeInt(0x803);
        d.writeInt(count);
        d.writeInt(rows);
        d.writeInt(cols);
    }

    @Test
    void idxFilesAreRead() throws IOException {
        ByteArrayOutputStream images = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(images);
        imagesHeader(d, 2, 2, 3);
        d.write(new byte[] {0, 51, (byte) 255, 1, 2, 3, 4, 5, 6, 7, 8, (byte) 128});
        Path gz = dir.resolve("images-idx3-ubyte.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(images.toByteArray());
        }
        Idx.Images read = Idx.readImages(gz);
        assertEquals(2, read.count());
        assertEquals(2, read.height());
        assertEquals(3, read.width());
        assertArrayEquals(new float[] {0f, 51 / 255f, 1f, 1 / 255f, 2 / 255f, 3 / 255f}, read.input(0));
        assertEquals(128 / 255f, read.inputs(0, 2)[11]);
        assertThrows(IllegalArgumentException.class, () -> read.input(2));

        ByteArrayOutputStream labels = new ByteArrayOutputStream();
        d = new DataOutputStream(labels);
        d.writeInt(0x801);
        d.writeInt(3);
        d.write(new byte[] {9, 0, (byte) 200});
        Path plain = dir.resolve("labels-idx1-ubyte");
        Files.write(plain, labels.toByteArray());
        assertArrayEquals(new int[] {9, 0, 200}, Idx.readLabels(plain));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Idx.readImages(plain));
        assertTrue(e.getMessage().startsWith(plain + ": magic 0x801"), e.getMessage());
        Path cut = dir.resolve("cut");
        Files.write(cut, java.util.Arrays.copyOf(images.toByteArray(), 20));
        e = assertThrows(IllegalArgumentException.class, () -> Idx.readImages(cut));
        assertTrue(e.getMessage().contains("ends"), e.getMessage());
    }

    /**
     * A cut or corrupt IDX file whose header claims ~2 GB is refused after reading what is there,
     * without first allocating what the header claims (an OutOfMemoryError on a small heap); a null
     * stream is named.
     */
    @Test
    void idxHeadersClaimingGigabytesDoNotAllocateThem() throws IOException {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(header);
        imagesHeader(d, 50_000, 200, 200); // 2e9 pixels claimed
        d.write(new byte[1000]);
        ByteArrayOutputStream labelHeader = new ByteArrayOutputStream();
        d = new DataOutputStream(labelHeader);
        d.writeInt(0x801);
        d.writeInt(2_000_000_000);
        d.write(new byte[1000]);
        long before = threads.getCurrentThreadAllocatedBytes();
        IllegalArgumentException images = assertThrows(IllegalArgumentException.class,
                () -> Idx.readImages(new ByteArrayInputStream(header.toByteArray())));
        IllegalArgumentException labels = assertThrows(IllegalArgumentException.class,
                () -> Idx.readLabels(new ByteArrayInputStream(labelHeader.toByteArray())));
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 64 << 20, allocated + " bytes allocated to refuse two short files");
        assertTrue(images.getMessage().contains("1000 of 2000000000"), images.getMessage());
        assertTrue(labels.getMessage().contains("1000 of 2000000000"), labels.getMessage());
        NullPointerException npe = assertThrows(NullPointerException.class,
                () -> Idx.readImages((java.io.InputStream) null));
        assertEquals("stream", npe.getMessage());
        npe = assertThrows(NullPointerException.class, () -> Idx.readLabels((java.io.InputStream) null));
        assertEquals("stream", npe.getMessage());
    }

    /**
     * A .gz file whose compressed data is corrupt or cut is malformed content: an
     * IllegalArgumentException naming the file (as for a cut plain file), not a bare
     * ZipException/EOFException.
     */
    @Test
    void corruptOrCutGzipIsNamedAsMalformed() throws IOException {
        ByteArrayOutputStream images = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(images);
        imagesHeader(d, 100, 28, 28);
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        for (int i = 0; i < 100 * 784; i++) {
            d.writeByte(r.nextInt(256));
        }
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(gz)) {
            out.write(images.toByteArray());
        }
        byte[] good = gz.toByteArray();
        byte[] corrupt = good.clone();
        for (int i = 40; i < 200; i++) {
            corrupt[i] = (byte) 0xFF;
        }
        byte[] cut = java.util.Arrays.copyOf(good, good.length / 2);
        for (byte[] bad : new byte[][] {corrupt, cut}) {
            Path f = dir.resolve("bad-images-idx3-ubyte.gz");
            Files.write(f, bad);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Idx.readImages(f));
            assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
        }
    }

    /** A size below 1 is named as such (it read "pixels.length is 0 but 1 * height * width = 1 * 0 * 0 = 0"). */
    @Test
    void imageSizesBelowOneAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ImageInput.fromGray(new byte[0], 0, 0));
        assertTrue(e.getMessage().contains("height must be at least 1, got 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ImageInput.fromRgb(new byte[3], 1, -1));
        assertTrue(e.getMessage().contains("width must be at least 1, got -1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ImageInput.fromArgb(new int[3], 2, 2));
        assertTrue(e.getMessage().contains("argb.length is 3"), e.getMessage());
    }

    @Test
    void imagesBecomeNchwFloatsOverTwoHundredFiftyFive() {
        assertArrayEquals(new float[] {0f, 1f, 128 / 255f}, ImageInput.fromGray(new byte[] {0, -1, (byte) 128}, 1, 3));
        byte[] rgb = {10, 20, 30, 40, 50, 60};
        assertArrayEquals(new float[] {10 / 255f, 40 / 255f, 20 / 255f, 50 / 255f, 30 / 255f, 60 / 255f},
                ImageInput.fromRgb(rgb, 1, 2));
        int[] argb = {0xFF0A141E, 0x00283C32};
        assertArrayEquals(new float[] {10 / 255f, 40 / 255f, 20 / 255f, 60 / 255f, 30 / 255f, 50 / 255f},
                ImageInput.fromArgb(argb, 2, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ImageInput.fromRgb(new byte[5], 1, 2));
        assertTrue(e.getMessage().contains("rgb.length is 5"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ImageInput.fromGray(new byte[0], 0, 0));
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void warmUpIsBoundedInterruptibleAndChangesNothing() {
        Network net = ResNets.small(ConvMode.FATNN, 3, NetworkOptions.defaults().withThreads(1), 8, 16);
        float[] x = new float[net.inputSize()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i % 17) / 17f;
        }
        float[] before = net.predict(x, 1);
        long t0 = System.nanoTime();
        WarmUp w = net.warmUp(Duration.ofMillis(300));
        long took = System.nanoTime() - t0;
        assertTrue(w.calls() >= 1 && took < TimeUnit.SECONDS.toNanos(20), w + " in " + took + " ns");
        assertArrayEquals(before, net.predict(x, 1), "after the warm-up");
        Thread.currentThread().interrupt();
        try {
            WarmUp i = net.warmUp(Duration.ofSeconds(30));
            assertEquals(0, i.calls(), "an interrupted thread runs no warm-up call");
            assertFalse(i.settled());
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt status is kept");
        } finally {
            Thread.interrupted();
        }
        assertThrows(IllegalArgumentException.class, () -> net.warmUp(Duration.ZERO));
        assertThrows(NullPointerException.class, () -> net.warmUp(null));
    }
}
