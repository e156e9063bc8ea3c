package io.github.trit4j.nn;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * ResNets with seeded random weights, as model files (architecture JSON + tensors, exactly what
 * a trained model's file holds) or built networks. The first convolution and the classifier
 * are always float (FATNN keeps both in full precision); the block convolutions take the chosen
 * {@link ConvMode}. Random weights are for timing and tests, not for accuracy: float weights are
 * He-normal, weight codes uniform on {-1, 0, 1} with a He-sized scale, BatchNorms near identity,
 * activation quantizers with thresholds near 0.5 and 1.5 (FATNN alphas 1, 1; uniform clip 2).
 *
 * <p>Stateless and thread-safe.
 */
public final class ResNets {

    private ResNets() {
    }

    /**
     * ResNet-18 at ImageNet shapes: 3 x 224 x 224 input, ImageNet normalisation, 7x7 stride-2 float
     * stem (64) + BatchNorm + ReLU, 3x3 stride-2 max pool, four stages of two basic blocks
     * (64, 128, 256, 512; the first block of stages 2-4 strides 2 with a 1x1 downsample), global
     * average pool, float linear 512 -> 1000.
     *
     * @param blockMode the mode of every block convolution (downsamples included)
     * @param seed      the weights' seed
     * @return the model, random weights
     */
    public static ModelFile resnet18Model(ConvMode blockMode, long seed) {
        Objects.requireNonNull(blockMode, "blockMode");
        Builder b = new Builder("resnet18-" + blockMode.fileName(), 3, 224, 224, 1000, seed);
        b.normalize(new double[] {0.485, 0.456, 0.406}, new double[] {0.229, 0.224, 0.225});
        b.conv("conv1", ConvMode.FLOAT, 3, 64, 7, 2, 3, false);
        b.batchnorm("bn1");
        b.relu();
        b.pool("max_pool", 3, 2, 1);
        int in = 64;
        int[] widths = {64, 128, 256, 512};
        for (int stage = 0; stage < 4; stage++) {
            int out = widths[stage];
            b.block("layer" + (stage + 1) + ".0", blockMode, in, out, stage == 0 ? 1 : 2);
            b.block("layer" + (stage + 1) + ".1", blockMode, out, out, 1);
            in = out;
        }
        b.globalAvgPool();
        b.linear("fc", 512, 1000);
        return b.model();
    }

    /**
     * {@return {@link #resnet18Model} built with {@code options}}
     *
     * @param blockMode the mode of every block convolution (downsamples included)
     * @param seed      the weights' seed
     * @param options   how it runs
     */
    public static Network resnet18(ConvMode blockMode, long seed, NetworkOptions options) {
        return Network.of(resnet18Model(blockMode, seed), options);
    }

    /**
     * A small ResNet for 1 x 28 x 28 images and 10 classes: Fashion-MNIST normalisation, a 3x3 float
     * stem to {@code widths[0]} channels + BatchNorm + ReLU, one basic block per width (the first
     * with stride 1, the others stride 2), global average pool, float linear to 10.
     *
     * @param blockMode the mode of every block convolution (downsamples included)
     * @param seed      the weights' seed
     * @param widths    channels of each stage, at least one, each >= 1
     * @return the model, random weights
     * @throws IllegalArgumentException if there is no width or one is below 1 (naming it), or a
     *                                  width makes a tensor too large
     */
    public static ModelFile smallModel(ConvMode blockMode, long seed, int... widths) {
        Objects.requireNonNull(blockMode, "blockMode");
        Objects.requireNonNull(widths, "widths");
        if (widths.length == 0) {
            throw new IllegalArgumentException("widths must name at least one stage");
        }
        for (int i = 0; i < widths.length; i++) {
            if (widths[i] < 1) {
                throw new IllegalArgumentException("widths[" + i + "] must be at least 1, got " + widths[i]);
            }
        }
        Builder b = new Builder("small-resnet-" + blockMode.fileName(), 1, 28, 28, 10, seed);
        b.normalize(new double[] {0.2860}, new double[] {0.3530});
        b.conv("stem", ConvMode.FLOAT, 1, widths[0], 3, 1, 1, false);
        b.batchnorm("stem.bn");
        b.relu();
        int in = widths[0];
        for (int i = 0; i < widths.length; i++) {
            b.block("layer" + (i + 1) + ".0", blockMode, in, widths[i], i == 0 ? 1 : 2);
            in = widths[i];
        }
        b.globalAvgPool();
        b.linear("fc", in, 10);
        return b.model();
    }

    /**
     * {@return {@link #smallModel} built with {@code options}}
     *
     * @param blockMode the mode of every block convolution (downsamples included)
     * @param seed      the weights' seed
     * @param options   how it runs
     * @param widths    channels of each stage, at least one, each >= 1
     */
    public static Network small(ConvMode blockMode, long seed, NetworkOptions options, int... widths) {
        return Network.of(smallModel(blockMode, seed, widths), options);
    }

    /** Accumulates an architecture and random tensors. */
    private static final class Builder {
        private final ObjectNode arch = ModelFile.JSON.createObjectNode();
        private final ArrayNode layers;
        private final List<Tensor> tensors = new ArrayList<>();
        private final SplittableRandom random;
        private int lastOut;

        Builder(String name, int c, int h, int w, int classes, long seed) {
            arch.put("name", name);
            ObjectNode input = arch.putObject("input");
            input.put("channels", c).put("height", h).put("width", w);
            arch.put("classes", classes);
            layers = arch.putArray("layers");
            random = new SplittableRandom(seed);
        }

        void normalize(double[] mean, double[] std) {
            ObjectNode l = layers.addObject().put("type", "normalize");
            ArrayNode m = l.putArray("mean");
            ArrayNode s = l.putArray("std");
            for (int i = 0; i < mean.length; i++) {
                m.add(mean[i]);
                s.add(std[i]);
            }
        }

        void conv(String name, ConvMode mode, int in, int out, int k, int s, int p, boolean bias) {
            layers.addObject().put("type", "conv").put("name", name).put("mode", mode.fileName()).put("in", in)
                    .put("out", out).put("kernel", k).put("stride", s).put("padding", p).put("bias", bias);
            convTensors(name, mode, in, out, k);
            if (bias) {
                tensors.add(Tensor.f32(TensorNames.conv(name, "bias"), gaussian(out, 0.01), out));
            }
            lastOut = out;
        }

        void convTensors(String name, ConvMode mode, int in, int out, int k) {
            int fanIn = in * k * k;
            if (!mode.quantized()) {
                tensors.add(Tensor.f32(TensorNames.conv(name, "weight"), gaussian(out * fanIn, Math.sqrt(2.0 / fanIn)), out, in, k, k));
                return;
            }
            byte[] codes = new byte[out * fanIn];
            for (int i = 0; i < codes.length; i++) {
                codes[i] = (byte) (random.nextInt(3) - 1);
            }
            tensors.add(Tensor.i8(TensorNames.conv(name, "weight_codes"), codes, out, in, k, k));
            float[] scale = new float[out];
            for (int o = 0; o < out; o++) {
                scale[o] = (float) (Math.sqrt(3.0 / fanIn) * (0.75 + 0.5 * random.nextDouble()));
            }
            tensors.add(Tensor.f32(TensorNames.conv(name, "weight_scale"), scale, out));
            switch (mode) {
                case FATNN -> {
                    tensors.add(Tensor.f32(TensorNames.conv(name, "act_alpha"), new float[] {1f, 1f}, 2));
                    tensors.add(Tensor.f32(TensorNames.conv(name, "act_scale"), new float[] {1f}, 1));
                }
                case TERNARY_2BIT -> {
                    tensors.add(Tensor.f32(TensorNames.conv(name, "act_alpha"), new float[] {1f, 1f, 1f}, 3));
                    tensors.add(Tensor.f32(TensorNames.conv(name, "act_scale"), new float[] {1f}, 1));
                }
                case CONVENTIONAL -> tensors.add(Tensor.f32(TensorNames.conv(name, "act_clip"), new float[] {2f}, 1));
                case FLOAT -> throw new AssertionError();
            }
        }

        void batchnorm(String name) {
            layers.addObject().put("type", "batchnorm").put("name", name).put("eps", 1e-5);
            bnTensors(name, lastOut);
        }

        void bnTensors(String name, int c) {
            float[] gamma = new float[c];
            float[] var = new float[c];
            for (int i = 0; i < c; i++) {
                gamma[i] = (float) (0.5 + random.nextDouble());
                var[i] = (float) (0.5 + random.nextDouble());
            }
            tensors.add(Tensor.f32(TensorNames.batchnorm(name, "weight"), gamma, c));
            tensors.add(Tensor.f32(TensorNames.batchnorm(name, "bias"), gaussian(c, 0.1), c));
            tensors.add(Tensor.f32(TensorNames.batchnorm(name, "running_mean"), gaussian(c, 0.1), c));
            tensors.add(Tensor.f32(TensorNames.batchnorm(name, "running_var"), var, c));
        }

        void relu() {
            layers.addObject().put("type", "relu");
        }

        void pool(String type, int k, int s, int p) {
            layers.addObject().put("type", type).put("kernel", k).put("stride", s).put("padding", p);
        }

        void block(String name, ConvMode mode, int in, int out, int stride) {
            layers.addObject().put("type", "basic_block").put("name", name).put("in", in).put("out", out)
                    .put("stride", stride).put("mode", mode.fileName());
            convTensors(TensorNames.block(name, "conv1"), mode, in, out, 3);
            bnTensors(TensorNames.block(name, "bn1"), out);
            convTensors(TensorNames.block(name, "conv2"), mode, out, out, 3);
            bnTensors(TensorNames.block(name, "bn2"), out);
            if (stride != 1 || in != out) {
                convTensors(TensorNames.block(name, "downsample"), mode, in, out, 1);
                bnTensors(TensorNames.block(name, "downsample_bn"), out);
            }
            lastOut = out;
        }

        void globalAvgPool() {
            layers.addObject().put("type", "global_avg_pool");
        }

        void linear(String name, int in, int out) {
            layers.addObject().put("type", "linear").put("name", name).put("in", in).put("out", out).put("bias", true);
            tensors.add(Tensor.f32(TensorNames.linear(name, "weight"), gaussian(out * in, Math.sqrt(1.0 / in)), out, in));
            tensors.add(Tensor.f32(TensorNames.linear(name, "bias"), gaussian(out, 0.01), out));
        }

        private float[] gaussian(int n, double std) {
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = (float) (random.nextGaussian() * std);
            }
            return v;
        }

        ModelFile model() {
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put(ModelFile.TRAINING_KEY, "{\"weights\": \"random\"}");
            try {
                return ModelFile.of(ModelFile.JSON.writeValueAsString(arch), meta, tensors);
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
