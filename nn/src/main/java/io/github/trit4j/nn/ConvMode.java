package io.github.trit4j.nn;

import io.github.trit4j.Algorithm;
import io.github.trit4j.Precision;

import java.util.Locale;

/**
 * How a convolution computes: in float, or on quantized codes through trit4j's packed
 * convolution (docs/MODEL_FORMAT.md, "Conv modes"). Immutable.
 */
public enum ConvMode {
    /** Full precision: im2col and a float GEMM. */
    FLOAT(null, null, null),
    /** FATNN pair: ternary weights x activations {0,1,2} from FATNN's two-alpha quantizer. */
    FATNN(Precision.TERNARY, Precision.TERNARY_UNSIGNED, Algorithm.FATNN),
    /** Ternary weights x activations {0,1,2,3} from FATNN's three-alpha quantizer. */
    TERNARY_2BIT(Precision.TERNARY, Precision.TWO_BIT, Algorithm.FATNN),
    /** The baseline: TWN weights, uniform activations {0,1,2}, the 4-popcount algorithm. */
    CONVENTIONAL(Precision.TERNARY, Precision.TERNARY_UNSIGNED, Algorithm.CONVENTIONAL);

    private final Precision weights;
    private final Precision activations;
    private final Algorithm algorithm;

    ConvMode(Precision weights, Precision activations, Algorithm algorithm) {
        this.weights = weights;
        this.activations = activations;
        this.algorithm = algorithm;
    }

    /** {@return whether the convolution runs on codes} */
    public boolean quantized() {
        return this != FLOAT;
    }

    /** {@return weight precision, or null for {@link #FLOAT}} */
    public Precision weightPrecision() {
        return weights;
    }

    /** {@return activation precision, or null for {@link #FLOAT}} */
    public Precision activationPrecision() {
        return activations;
    }

    /** {@return the product's algorithm, or null for {@link #FLOAT}} */
    public Algorithm algorithm() {
        return algorithm;
    }

    /** {@return the name in the model file: {@code float}, {@code fatnn}, {@code ternary_2bit}, {@code conventional}} */
    public String fileName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The mode a model file names.
     *
     * @param name the mode's name in the model file ({@link #fileName()})
     * @return that mode
     * @throws IllegalArgumentException naming {@code name} if it is none of {@link #fileName()}'s
     */
    public static ConvMode fromFileName(String name) {
        for (ConvMode m : values()) {
            if (m.fileName().equals(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown conv mode \"" + name
                + "\": expected float, fatnn, ternary_2bit or conventional");
    }
}
