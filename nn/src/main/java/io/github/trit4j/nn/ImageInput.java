package io.github.trit4j.nn;

import java.util.Objects;

/**
 * Network inputs from 8-bit images, as the committed models and the PyTorch companion take them:
 * {@code pixel / 255} in float32, channels first (NCHW, one image: {@code C x H x W}). Any
 * normalisation the model needs beyond that is in the model itself (its {@code normalize}
 * layer). Stateless and thread-safe; every method returns a new array and leaves the caller's
 * untouched.
 *
 * <pre>{@code
 * // a java.awt.image.BufferedImage, 3-channel model
 * int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
 * float[] x = ImageInput.fromArgb(argb, h, w);
 * }</pre>
 */
public final class ImageInput {

    private ImageInput() {
    }

    /**
     * A grayscale image, one byte per pixel, row-major: {@code 1 x height x width} floats.
     *
     * @param pixels one byte per pixel, row-major
     * @param height rows
     * @param width columns
     * @return a new array
     * @throws IllegalArgumentException if {@code pixels.length != height * width} or a size is below 1
     */
    public static float[] fromGray(byte[] pixels, int height, int width) {
        Objects.requireNonNull(pixels, "pixels");
        check(pixels.length, height, width, 1, 1, "pixels");
        float[] out = new float[pixels.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (pixels[i] & 0xFF) / 255f;
        }
        return out;
    }

    /**
     * An RGB image, three bytes per pixel (R, G, B) row-major: {@code 3 x height x width} floats
     * (the R plane, then G, then B).
     *
     * @param rgb R, G, B bytes per pixel, row-major
     * @param height rows
     * @param width columns
     * @return a new array
     * @throws IllegalArgumentException if {@code rgb.length != 3 * height * width} or a size is below 1
     */
    public static float[] fromRgb(byte[] rgb, int height, int width) {
        Objects.requireNonNull(rgb, "rgb");
        check(rgb.length, height, width, 3, 3, "rgb");
        int plane = height * width;
        float[] out = new float[3 * plane];
        for (int p = 0; p < plane; p++) {
            out[p] = (rgb[3 * p] & 0xFF) / 255f;
            out[plane + p] = (rgb[3 * p + 1] & 0xFF) / 255f;
            out[2 * plane + p] = (rgb[3 * p + 2] & 0xFF) / 255f;
        }
        return out;
    }

    /**
     * Packed {@code 0xAARRGGBB} pixels, row-major (what {@code BufferedImage.getRGB} returns),
     * alpha ignored: {@code 3 x height x width} floats, R, G, B planes.
     *
     * @param argb {@code 0xAARRGGBB} per pixel, row-major
     * @param height rows
     * @param width columns
     * @return a new array
     * @throws IllegalArgumentException if {@code argb.length != height * width} or a size is below 1
     */
    public static float[] fromArgb(int[] argb, int height, int width) {
        Objects.requireNonNull(argb, "argb");
        check(argb.length, height, width, 1, 3, "argb");
        int plane = argb.length;
        float[] out = new float[3 * plane];
        for (int p = 0; p < plane; p++) {
            int v = argb[p];
            out[p] = ((v >>> 16) & 0xFF) / 255f;
            out[plane + p] = ((v >>> 8) & 0xFF) / 255f;
            out[2 * plane + p] = (v & 0xFF) / 255f;
        }
        return out;
    }

    /** {@code length} must be {@code perPixel * height * width}, and the output of {@code channels} planes fit an array. */
    private static void check(int length, int height, int width, int perPixel, int channels, String name) {
        if (height < 1) {
            throw new IllegalArgumentException("height must be at least 1, got " + height);
        }
        if (width < 1) {
            throw new IllegalArgumentException("width must be at least 1, got " + width);
        }
        if ((long) height * width * perPixel != length) {
            throw new IllegalArgumentException(name + ".length is " + length + " but " + perPixel + " * height * width = "
                    + perPixel + " * " + height + " * " + width + " = " + (long) perPixel * height * width);
        }
        long floats = (long) height * width * channels;
        if (floats > Network.MAX_ARRAY) {
            throw new IllegalArgumentException("a " + height + " x " + width + " image makes " + floats
                    + " floats, beyond a Java array");
        }
    }
}
