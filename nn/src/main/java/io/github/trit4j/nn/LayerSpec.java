package io.github.trit4j.nn;

/**
 * A layer as the architecture JSON states it: the first stage of building a network
 * ({@link Assembler}: parse to these records, {@link Fusion} folds BatchNorms and ReLUs into
 * convolutions, then the plan reads the tensors and makes the {@link Layer}s). Each record has
 * its fields checked one by one (types, ranges, float32 finiteness); what depends on the layers
 * around it (channels, shapes) and the tensors is checked by the plan. {@code where} names the
 * layer in messages. Immutable.
 */
sealed interface LayerSpec {

    /** {@code architecture.layers[i] (type name)}, for messages. */
    String where();

    /** {@code (x - mean[c]) / std[c]}; the lengths are checked against the channels by the plan. */
    record Normalize(String where, float[] mean, float[] std) implements LayerSpec {
    }

    /**
     * A convolution; {@code batchnorm} (null if none), {@code relu} and {@code normalize} (a normalize
     * before a float conv, folded into it; null if none) are set by {@link Fusion}.
     */
    record Conv(String where, String name, ConvMode mode, int in, int out, int kernel, int stride, int padding,
                boolean bias, String batchnorm, float eps, boolean relu, Normalize normalize) implements LayerSpec {

        Conv withBatchNorm(BatchNorm bn) {
            return new Conv(where, name, mode, in, out, kernel, stride, padding, bias, bn.name(), bn.eps(), relu,
                    normalize);
        }

        Conv withRelu() {
            return new Conv(where, name, mode, in, out, kernel, stride, padding, bias, batchnorm, eps, true, normalize);
        }

        Conv withNormalize(Normalize n) {
            return new Conv(where, name, mode, in, out, kernel, stride, padding, bias, batchnorm, eps, relu, n);
        }
    }

    /** A BatchNorm, which {@link Fusion} folds into the conv before it. */
    record BatchNorm(String where, String name, float eps) implements LayerSpec {
    }

    /** {@code max(x, 0)}. */
    record Relu(String where) implements LayerSpec {
    }

    /** Max or average pooling. */
    record Pool(String where, boolean max, int kernel, int stride, int padding) implements LayerSpec {
    }

    /** Mean over H x W. */
    record GlobalAvgPool(String where) implements LayerSpec {
    }

    /** [N, C, H, W] to [N, C*H*W]. */
    record Flatten(String where) implements LayerSpec {
    }

    /** {@code y = x W^T + b}. */
    record Linear(String where, String name, int in, int out, boolean bias) implements LayerSpec {
    }

    /** A ResNet basic block, its BatchNorms folded by the plan. */
    record BasicBlock(String where, String name, int in, int out, int stride, ConvMode mode, float eps)
            implements LayerSpec {
    }
}
