package io.github.trit4j.tools;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * An image-classification test set in IDX format (MNIST, Fashion-MNIST): {@code images} as the
 * network input, NCHW with one channel, {@code pixel / 255f}; {@code labels} one per image.
 * Immutable after reading (the arrays are shared: do not modify).
 */
record IdxDataset(float[] images, int[] labels, int height, int width) {

    /** Default location of Debian's {@code dataset-fashion-mnist}. */
    static final Path FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");
    static final String TEST_IMAGES = "t10k-images-idx3-ubyte.gz";
    static final String TEST_LABELS = "t10k-labels-idx1-ubyte.gz";

    int size() {
        return labels.length;
    }

    /** Whether {@code dir} holds the test set's two files. */
    static boolean present(Path dir) {
        return Files.isRegularFile(dir.resolve(TEST_IMAGES)) && Files.isRegularFile(dir.resolve(TEST_LABELS));
    }

    /**
     * Reads the test images and labels from {@code dir}.
     *
     * @throws IllegalArgumentException if a file is not IDX of the expected kind, the counts differ, a file ends
     *                                  early or a {@code .gz} file is corrupt (the message names the file)
     * @throws IOException              if a file cannot be read
     */
    static IdxDataset readTestSet(Path dir) throws IOException {
        Path imageFile = dir.resolve(TEST_IMAGES);
        Path labelFile = dir.resolve(TEST_LABELS);
        float[] images;
        int n;
        int h;
        int w;
        try (DataInputStream in = open(imageFile)) {
            int magic = readInt(in, imageFile);
            if (magic != 0x803) {
                throw new IllegalArgumentException(imageFile + ": magic " + Integer.toHexString(magic)
                        + " is not IDX unsigned-byte images (0x803)");
            }
            n = readInt(in, imageFile);
            h = readInt(in, imageFile);
            w = readInt(in, imageFile);
            if (n < 0 || h < 1 || w < 1 || (long) n * h * w > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException(imageFile + ": bad dimensions " + n + " x " + h + " x " + w);
            }
            byte[] raw = new byte[n * h * w];
            readFully(in, raw, imageFile);
            images = new float[raw.length];
            for (int i = 0; i < raw.length; i++) {
                images[i] = (raw[i] & 0xFF) / 255f;
            }
        }
        int[] labels;
        try (DataInputStream in = open(labelFile)) {
            int magic = readInt(in, labelFile);
            if (magic != 0x801) {
                throw new IllegalArgumentException(labelFile + ": magic " + Integer.toHexString(magic)
                        + " is not IDX unsigned-byte labels (0x801)");
            }
            int count = readInt(in, labelFile);
            if (count != n) {
                throw new IllegalArgumentException(labelFile + ": " + count + " labels for " + n + " images");
            }
            byte[] raw = new byte[n];
            readFully(in, raw, labelFile);
            labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = raw[i] & 0xFF;
            }
        }
        return new IdxDataset(images, labels, h, w);
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        if (file.getFileName().toString().endsWith(".gz")) {
            try {
                in = new GZIPInputStream(in, 1 << 16);
            } catch (IOException e) {
                in.close();
                throw corrupt(file, e);
            }
        }
        return new DataInputStream(new java.io.BufferedInputStream(in, 1 << 16));
    }

    /** Reads all of {@code into}; a corrupt or truncated file is an IllegalArgumentException naming it. */
    private static void readFully(DataInputStream in, byte[] into, Path file) throws IOException {
        try {
            in.readFully(into);
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
            throw corrupt(file, e);
        }
    }

    /** Reads the header's four-byte numbers; a corrupt or truncated file is an IllegalArgumentException naming it. */
    private static int readInt(DataInputStream in, Path file) throws IOException {
        try {
            return in.readInt();
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
            throw corrupt(file, e);
        }
    }

    private static IllegalArgumentException corrupt(Path file, IOException e) {
        return new IllegalArgumentException(file + (e instanceof java.io.EOFException
                ? ": ends early (truncated?)" : ": not a valid gzip file (" + e.getMessage() + ")"), e);
    }
}
