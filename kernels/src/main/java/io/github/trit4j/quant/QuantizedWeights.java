package io.github.trit4j.quant;

import io.github.trit4j.Precision;

/**
 * Weight codes with their per-output-channel scales: channel {@code o}'s codes are
 * {@code codes()[o * perChannel() + i]}, and code {@code v} stands for the float
 * {@code scales()[o] * v}.
 *
 * <p>Immutable and thread-safe: accessors return copies.
 */
public final class QuantizedWeights {

    private final Precision precision;
    private final int channels;
    private final int perChannel;
    private final byte[] codes;
    private final float[] scales;

    QuantizedWeights(Precision precision, int channels, int perChannel, byte[] codes, float[] scales) {
        this.precision = precision;
        this.channels = channels;
        this.perChannel = perChannel;
        this.codes = codes;
        this.scales = scales;
    }

    /** {@link Precision#TERNARY} or {@link Precision#BINARY}. */
    public Precision precision() {
        return precision;
    }

    /** Number of output channels. */
    public int channels() {
        return channels;
    }

    /** Codes per output channel. */
    public int perChannel() {
        return perChannel;
    }

    /** The codes, channel-major; a copy. */
    public byte[] codes() {
        return codes.clone();
    }

    /** One scale per output channel; a copy. */
    public float[] scales() {
        return scales.clone();
    }

    /** Scale of channel {@code o}. */
    public float scale(int o) {
        return scales[java.util.Objects.checkIndex(o, channels)];
    }
}
