package io.github.trit4j.quant;

import io.github.trit4j.Precision;

import java.util.Arrays;
import java.util.Objects;

/**
 * Weight codes with their per-output-channel scales: channel {@code o}'s codes are
 * {@code codes()[o * perChannel() + i]}, and code {@code v} stands for the float
 * {@code scales()[o] * v}.
 *
 * <p>Immutable and thread-safe: accessors return copies. A value: {@link #equals} compares
 * precision, sizes, codes and scales.
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

    /**
     * The codes' precision.
     *
     * @return {@link Precision#TERNARY} or {@link Precision#BINARY}
     */
    public Precision precision() {
        return precision;
    }

    /**
     * Number of output channels.
     *
     * @return the channel count, at least 1
     */
    public int channels() {
        return channels;
    }

    /**
     * Codes per output channel.
     *
     * @return the codes of one channel, at least 1
     */
    public int perChannel() {
        return perChannel;
    }

    /**
     * The codes, channel-major.
     *
     * @return a copy, {@code channels() * perChannel()} codes
     */
    public byte[] codes() {
        return codes.clone();
    }

    /**
     * One scale per output channel.
     *
     * @return a copy, {@code channels()} scales
     */
    public float[] scales() {
        return scales.clone();
    }

    /**
     * Scale of one channel.
     *
     * @param o the channel, {@code 0 <= o < channels()}
     * @return the float value of code 1 in channel {@code o}
     * @throws IndexOutOfBoundsException if {@code o} is outside the channels
     */
    public float scale(int o) {
        return scales[Objects.checkIndex(o, channels)];
    }

    /**
     * Equal when precision, sizes, codes and scales are (scales compared as by
     * {@link Float#compare}).
     *
     * @param o the other object
     * @return whether {@code o} holds the same quantized weights
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof QuantizedWeights q && precision == q.precision && channels == q.channels
                && perChannel == q.perChannel && Arrays.equals(codes, q.codes) && Arrays.equals(scales, q.scales);
    }

    /**
     * A hash consistent with {@link #equals}.
     *
     * @return the hash of precision, sizes, codes and scales
     */
    @Override
    public int hashCode() {
        return Objects.hash(precision, channels, perChannel, Arrays.hashCode(codes), Arrays.hashCode(scales));
    }

    /**
     * Precision and sizes (not the codes or scales, which may be long), for messages and logs.
     *
     * @return a one-line description
     */
    @Override
    public String toString() {
        return "QuantizedWeights[" + precision + ", " + channels + " channels x " + perChannel + "]";
    }
}
