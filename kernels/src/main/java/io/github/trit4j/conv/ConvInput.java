package io.github.trit4j.conv;

import io.github.trit4j.TileConsumer;
import io.github.trit4j.quant.ActivationQuantizer;

/**
 * An input tensor of one {@link Conv2d}, quantized and packed as that convolution reads it (its pixel
 * planes), held by the caller between calls. Made by {@link Conv2d#newInput}; written by
 * {@link Conv2d#pack} from floats, or by the convolution before it, whose fused epilogue quantizes
 * its output tiles into it while they are in cache
 * ({@link Conv2d#forward(ConvInput, io.github.trit4j.FloatEpilogue, float[], float[], ActivationQuantizer,
 * ConvInput)} with a {@code next}): no separate pass over a float tensor, and the codes are those of
 * quantizing the float output, bit for bit. Read by that same {@code forward} as its input. It holds
 * the codes of the last call that wrote it.
 *
 * <p>Not thread-safe: one per thread (a network keeps one per workspace). Holds its buffers for good
 * (a few bits per value and, for one image, a mask per 64 values); a call with it allocates nothing.
 */
public final class ConvInput {

    /** The convolution that reads it. */
    final Conv2d conv;
    final PixelPlanes planes;
    /** For one image: the channel masks the fused epilogue writes ({@link PixelPlanes#packMasks}); else null. */
    private final long[] masks;
    /** The quantizer of the fused call in progress. */
    private ActivationQuantizer quantizer;
    /** The smallest index in the output of a NaN the fused call in progress met, or -1. */
    private int nanIndex = -1;
    /** The product's consumer of output tiles: this object's, made once. */
    private final TileConsumer sink = this::quantize;

    ConvInput(Conv2d conv, PixelPlanes planes) {
        this.conv = conv;
        this.planes = planes;
        this.masks = planes.batch == 1 ? new long[planes.masksSize()] : null;
    }

    /**
     * The convolution it is the input of.
     *
     * @return the convolution
     */
    public Conv2d conv() {
        return conv;
    }

    /**
     * Images.
     *
     * @return the batch size
     */
    public int batch() {
        return planes.batch;
    }

    /**
     * Input height.
     *
     * @return the height
     */
    public int height() {
        return planes.height;
    }

    /**
     * Input width.
     *
     * @return the width
     */
    public int width() {
        return planes.width;
    }

    /**
     * The consumer that quantizes a product's output tiles into the masks with {@code q}, or null when
     * there are none (more than one image: {@link #finish} packs the floats).
     */
    TileConsumer begin(ActivationQuantizer q) {
        if (masks == null) {
            return null;
        }
        quantizer = q;
        synchronized (this) {
            nanIndex = -1;
        }
        return sink;
    }

    /**
     * Rows {@code [i0, i1)} (channels) x columns {@code [j0, j1)} (pixels) of one image's output, whole
     * words of 64 pixels ({@link TileConsumer}): each row's masks written whole, no thread writing another's.
     */
    private void quantize(float[] values, int offset, int stride, int i0, int i1, int j0, int j1) {
        for (int i = i0; i < i1; i++) {
            int at = planes.maskIndex(i >>> 6, 0, j0 >>> 6, i & 63);
            int nanAt = planes.quantizeMasks(values, offset + i * stride + j0, j1 - j0, quantizer, masks, at);
            if (nanAt >= 0) {
                nan(nanAt - offset); // its index in the output
            }
        }
    }

    private synchronized void nan(int index) {
        nanIndex = nanIndex < 0 ? index : Math.min(nanIndex, index);
    }

    /**
     * After the product: the masks into the planes; or without masks the floats {@code out} packed whole;
     * a NaN met is refused, naming its index in the output.
     */
    void finish(float[] out, ActivationQuantizer q) {
        quantizer = null;
        if (masks == null) {
            planes.packFloats(out, q, Layout.NCHW); // refuses a NaN, naming its index
            return;
        }
        int nanAt;
        synchronized (this) {
            nanAt = nanIndex;
        }
        if (nanAt >= 0) {
            throw new IllegalArgumentException("input[" + nanAt + "] is NaN");
        }
        planes.packMasks(masks);
    }

    @Override
    public String toString() {
        return "ConvInput[" + planes.batch + " x " + planes.channels + " x " + planes.height + " x " + planes.width
                + ", " + conv + "]";
    }
}
