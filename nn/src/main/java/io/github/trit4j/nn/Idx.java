package io.github.trit4j.nn;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.zip.GZIPInputStream;

/**
 * Reader of IDX files of unsigned bytes, the format of MNIST and Fashion-MNIST: images
 * ({@code magic 0x00000803}, count, rows, columns, then the pixels) and labels
 * ({@code magic 0x00000801}, count, then the labels). A file whose name ends in {@code .gz} is
 * read through gzip. Stateless and thread-safe.
 *
 * <pre>{@code
 * Idx.Images images = Idx.readImages(Path.of("t10k-images-idx3-ubyte.gz"));
 * float[] first = images.input(0); // pixel / 255, as Network.predict takes it
 * }</pre>
 */
public final class Idx {

    /** Magic number of unsigned-byte images (3 dimensions). */
    public static final int IMAGES_MAGIC = 0x803;
    /** Magic number of unsigned-byte labels (1 dimension). */
    public static final int LABELS_MAGIC = 0x801;

    private Idx() {
    }

    /**
     * Grayscale images as stored: {@code count} images of {@code height x width} bytes, row-major,
     * one after the other.
     *
     * @param count  images
     * @param height rows per image
     * @param width  columns per image
     * @param pixels {@code count * height * width} unsigned bytes (shared, not copied: do not modify)
     */
    public record Images(int count, int height, int width, byte[] pixels) {

        /**
         * Checks the sizes.
         *
         * @throws IllegalArgumentException if a size is out of range or {@code pixels} has another length
         */
        public Images {
            Objects.requireNonNull(pixels, "pixels");
            if (count < 0 || height < 1 || width < 1 || pixels.length != (long) count * height * width) {
                throw new IllegalArgumentException("images " + count + " x " + height + " x " + width + " do not match "
                        + pixels.length + " pixels");
            }
        }

        /**
         * Image {@code index} as a network input: {@code pixel / 255}, 1 x height x width.
         *
         * @param index the image, {@code [0, count)}
         * @return a new array
         * @throws IllegalArgumentException if {@code index} is outside {@code [0, count)}
         */
        public float[] input(int index) {
            return inputs(index, 1);
        }

        /**
         * Images {@code [from, from + n)} as one batch of network inputs ({@code pixel / 255}, NCHW with one channel).
         *
         * @param from the first image
         * @param n images, at least 1
         * @return a new array
         * @throws IllegalArgumentException if the range is outside {@code [0, count)} or {@code n < 1}
         */
        public float[] inputs(int from, int n) {
            if (n < 1 || from < 0 || from > count - n) {
                throw new IllegalArgumentException("images [" + from + ", " + ((long) from + n) + ") are not within [0, "
                        + count + ")");
            }
            int size = height * width;
            return ImageInput.fromGray(java.util.Arrays.copyOfRange(pixels, from * size, (from + n) * size), n * height,
                    width);
        }
    }

    /**
     * Reads an IDX images file.
     *
     * @param file the model file
     * @return the images
     * @throws IllegalArgumentException naming the file, if it is not IDX unsigned-byte images, is cut
     *                                  short or goes on after its data, or is corrupt gzip
     * @throws IOException              if it cannot be read
     */
    public static Images readImages(Path file) throws IOException {
        try (InputStream in = open(file)) {
            Images images = readImages(in);
            requireEnd(in);
            return images;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        } catch (java.util.zip.ZipException e) {
            throw new IllegalArgumentException(file + ": corrupt gzip data: " + e.getMessage(), e);
        }
    }

    /**
     * Reads IDX images from a stream (not gzip: wrap it in a {@link GZIPInputStream} first if it is); not closed.
     *
     * @param stream the bytes (not gzip), not closed
     * @return the images
     * @throws IllegalArgumentException if it is not IDX unsigned-byte images or is cut short
     * @throws IOException              if the stream fails
     */
    public static Images readImages(InputStream stream) throws IOException {
        Objects.requireNonNull(stream, "stream");
        DataInputStream in = new DataInputStream(stream);
        try {
            int magic = in.readInt();
            if (magic != IMAGES_MAGIC) {
                throw new IllegalArgumentException("magic 0x" + Integer.toHexString(magic)
                        + " is not IDX unsigned-byte images (0x803)");
            }
            int n = in.readInt();
            int h = in.readInt();
            int w = in.readInt();
            if (n < 0 || h < 1 || w < 1 || (long) n * h * w > Network.MAX_ARRAY) {
                throw new IllegalArgumentException("bad dimensions " + n + " x " + h + " x " + w);
            }
            return new Images(n, h, w, readBytes(in, n * h * w));
        } catch (EOFException e) {
            throw new IllegalArgumentException("the file ends before its header says", e);
        }
    }

    /**
     * Reads an IDX labels file: one label (0-255) per image.
     *
     * @param file the model file
     * @return a new array
     * @throws IllegalArgumentException naming the file, if it is not IDX unsigned-byte labels, is cut
     *                                  short or goes on after its data, or is corrupt gzip
     * @throws IOException              if it cannot be read
     */
    public static int[] readLabels(Path file) throws IOException {
        try (InputStream in = open(file)) {
            int[] labels = readLabels(in);
            requireEnd(in);
            return labels;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        } catch (java.util.zip.ZipException e) {
            throw new IllegalArgumentException(file + ": corrupt gzip data: " + e.getMessage(), e);
        }
    }

    /**
     * Reads IDX labels from a stream (not gzip); not closed.
     *
     * @param stream the bytes (not gzip), not closed
     * @return a new array
     * @throws IllegalArgumentException if it is not IDX unsigned-byte labels or is cut short
     * @throws IOException              if the stream fails
     */
    public static int[] readLabels(InputStream stream) throws IOException {
        Objects.requireNonNull(stream, "stream");
        DataInputStream in = new DataInputStream(stream);
        try {
            int magic = in.readInt();
            if (magic != LABELS_MAGIC) {
                throw new IllegalArgumentException("magic 0x" + Integer.toHexString(magic)
                        + " is not IDX unsigned-byte labels (0x801)");
            }
            int n = in.readInt();
            if (n < 0 || n > Network.MAX_ARRAY) {
                throw new IllegalArgumentException("bad label count " + n);
            }
            byte[] raw = readBytes(in, n);
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = raw[i] & 0xFF;
            }
            return labels;
        } catch (EOFException e) {
            throw new IllegalArgumentException("the file ends before its header says", e);
        }
    }

    /**
     * The {@code n} bytes the header announced, read before they are kept: a cut or corrupt file
     * costs what it holds, not what its header claims.
     */
    private static byte[] readBytes(InputStream in, int n) throws IOException {
        byte[] raw = in.readNBytes(n);
        if (raw.length < n) {
            throw new IllegalArgumentException("the file ends after " + raw.length + " of " + n
                    + " bytes its header announces");
        }
        return raw;
    }

    /**
     * A whole file ends where its header says: this reads the gzip trailer too, so its CRC and
     * length are checked (a corrupt .gz otherwise gave wrong pixels silently).
     */
    private static void requireEnd(InputStream in) throws IOException {
        if (in.read() != -1) {
            throw new IllegalArgumentException("the file goes on after the data its header announces");
        }
    }

    private static InputStream open(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        InputStream in = Files.newInputStream(file);
        try {
            if (file.getFileName().toString().endsWith(".gz")) {
                in = new GZIPInputStream(in, 1 << 16);
            }
        } catch (IOException e) {
            in.close();
            throw new IllegalArgumentException("not a gzip file (its name ends in .gz): " + e.getMessage(), e);
        }
        return new BufferedInputStream(in, 1 << 16);
    }
}
