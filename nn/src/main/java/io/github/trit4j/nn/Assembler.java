package io.github.trit4j.nn;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.trit4j.conv.Conv2d;
import io.github.trit4j.conv.Conv2dSpec;
import io.github.trit4j.quant.ActivationQuantizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds a network's layers from the architecture JSON and the tensors, checking everything
 * docs/MODEL_FORMAT.md's "Validation" lists before anything is returned: every problem is an
 * {@link IllegalArgumentException} naming the layer field or tensor.
 */
final class Assembler {

    private final Map<String, Tensor> tensors;
    private final Set<String> used = new HashSet<>();
    private final NetworkOptions options;

    private Assembler(Map<String, Tensor> tensors, NetworkOptions options) {
        this.tensors = tensors;
        this.options = options;
    }

    record Result(String name, Shape input, int classes, List<Layer<?>> layers) {
    }

    static Result assemble(JsonNode arch, Map<String, Tensor> tensors, NetworkOptions options) {
        return new Assembler(tensors, options).run(arch);
    }

    private Result run(JsonNode arch) {
        String name = text(arch, "name", "architecture");
        JsonNode input = field(arch, "input", "architecture");
        Shape shape = new Shape(positive(input, "channels", "architecture.input"),
                positive(input, "height", "architecture.input"), positive(input, "width", "architecture.input"));
        checkActivation("architecture.input", shape);
        Shape first = shape;
        int classes = positive(arch, "classes", "architecture");
        JsonNode list = field(arch, "layers", "architecture");
        if (!list.isArray() || list.isEmpty()) {
            throw new IllegalArgumentException("architecture.layers must be a non-empty array");
        }
        List<Layer<?>> layers = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode l = list.get(i);
            String where = "architecture.layers[" + i + "]";
            if (!l.isObject()) {
                throw new IllegalArgumentException(where + " is not an object");
            }
            String type = text(l, "type", where);
            where += " (" + type + (l.has("name") && l.get("name").isTextual() ? " " + l.get("name").textValue() : "")
                    + ")";
            Layer<?> layer;
            switch (type) {
                case "normalize" -> {
                    float[] mean = floats(l, "mean", where, shape.c());
                    float[] std = floats(l, "std", where, shape.c());
                    for (int c = 0; c < std.length; c++) {
                        if (!(std[c] > 0) || !Float.isFinite(std[c])) {
                            throw new IllegalArgumentException(where + ": std[" + c + "] = " + std[c]
                                    + " must be finite and > 0");
                        }
                    }
                    layer = new Normalize(shape, mean, std);
                }
                case "conv" -> {
                    String cname = text(l, "name", where);
                    ConvMode mode = ConvMode.fromFileName(text(l, "mode", where));
                    int in = positive(l, "in", where);
                    int out = positive(l, "out", where);
                    int k = positive(l, "kernel", where);
                    int s = positive(l, "stride", where);
                    int p = nonNegative(l, "padding", where);
                    boolean bias = bool(l, "bias", where);
                    channels(where, "in", in, shape);
                    if (mode.quantized() && bias) {
                        throw new IllegalArgumentException(where + ": a quantized conv has no bias (bias must be false)");
                    }
                    // a batchnorm right after, then a relu, fold into this conv
                    String bn = null;
                    float bnEps = 0;
                    if (i + 1 < list.size() && "batchnorm".equals(list.get(i + 1).path("type").asText())) {
                        JsonNode b = list.get(i + 1);
                        String bw = "architecture.layers[" + (i + 1) + "] (batchnorm)";
                        bn = text(b, "name", bw);
                        bnEps = eps(b, bw);
                        i++;
                    }
                    boolean relu = false;
                    if (i + 1 < list.size() && "relu".equals(list.get(i + 1).path("type").asText())) {
                        relu = true;
                        i++;
                    }
                    ConvUnit<?> unit = conv(where, cname, mode, in, out, k, s, p, bias, shape, bn, bnEps, relu);
                    layer = new ConvLayer<>(unit);
                }
                case "batchnorm" -> throw new IllegalArgumentException(where
                        + ": a batchnorm must follow a conv (it is folded into it)");
                case "relu" -> layer = new Relu(shape);
                case "max_pool", "avg_pool" -> {
                    int k = positive(l, "kernel", where);
                    int s = positive(l, "stride", where);
                    int p = nonNegative(l, "padding", where);
                    if (2 * p > k) {
                        throw new IllegalArgumentException(where + ": padding " + p + " exceeds half the kernel " + k);
                    }
                    checkWindow(where, "kernel " + k, k, p, shape);
                    layer = new Pool(shape, type.equals("max_pool"), k, s, p, options.engine());
                }
                case "global_avg_pool" -> layer = new GlobalAvgPool(shape);
                case "flatten" -> layer = new Flatten(shape);
                case "linear" -> {
                    String lname = text(l, "name", where);
                    int in = positive(l, "in", where);
                    int out = positive(l, "out", where);
                    boolean bias = bool(l, "bias", where);
                    if (!shape.flat()) {
                        throw new IllegalArgumentException(where + ": input is " + shape
                                + "; a linear layer needs a flatten or global_avg_pool before it");
                    }
                    if (in != shape.c()) {
                        throw new IllegalArgumentException(where + ": in = " + in + " but the layer before gives "
                                + shape.c() + " features");
                    }
                    float[] w = f32(TensorNames.linear(lname, "weight"), out, in);
                    float[] b = bias ? f32(TensorNames.linear(lname, "bias"), out) : null;
                    layer = new Linear(lname, shape, out, w, b, options.floatGemm(), options.engine());
                }
                case "basic_block" -> {
                    String bname = text(l, "name", where);
                    int in = positive(l, "in", where);
                    int out = positive(l, "out", where);
                    int s = positive(l, "stride", where);
                    ConvMode mode = ConvMode.fromFileName(text(l, "mode", where));
                    channels(where, "in", in, shape);
                    float eps = 1e-5f;
                    if (l.has("eps")) {
                        eps = eps(l, where);
                    }
                    ConvUnit<?> c1 = conv(where, TensorNames.block(bname, "conv1"), mode, in, out, 3, s, 1, false,
                            shape, TensorNames.block(bname, "bn1"), eps, true);
                    ConvUnit<?> c2 = conv(where, TensorNames.block(bname, "conv2"), mode, out, out, 3, 1, 1, false,
                            c1.out, TensorNames.block(bname, "bn2"), eps, false);
                    ConvUnit<?> d = null;
                    if (s != 1 || in != out) {
                        d = conv(where, TensorNames.block(bname, "downsample"), mode, in, out, 1, s, 0, false, shape,
                                TensorNames.block(bname, "downsample_bn"), eps, false);
                    }
                    layer = new BasicBlock(bname, c1, c2, d);
                }
                default -> throw new IllegalArgumentException(where + ": unknown layer type \"" + type + "\"");
            }
            checkActivation(where, layer.out);
            layers.add(layer);
            shape = layer.out;
        }
        if (!shape.flat() || shape.c() != classes) {
            throw new IllegalArgumentException("architecture: the last layer gives " + shape + " per image but classes = "
                    + classes + " (the network must end in [N, classes])");
        }
        Set<String> unused = new TreeSet<>(tensors.keySet());
        unused.removeAll(used);
        if (!unused.isEmpty()) {
            throw new IllegalArgumentException("tensors not used by the architecture: " + unused);
        }
        return new Result(name, first, classes, List.copyOf(layers));
    }

    /** A conv unit with its folded BatchNorm ({@code bn} null if none) and fused ReLU. */
    private ConvUnit<?> conv(String where, String name, ConvMode mode, int in, int out, int k, int s, int p,
                                 boolean bias, Shape shape, String bn, float eps, boolean relu) {
        checkWindow(where, "conv " + name + " kernel " + k, k, p, shape);
        Conv2dSpec spec = Conv2dSpec.of(in, out, k, k).stride(s).padding(p);
        float[] g = null;
        float[] shift = null;
        if (bn != null) {
            float[] gamma = f32(TensorNames.batchnorm(bn, "weight"), out);
            float[] beta = f32(TensorNames.batchnorm(bn, "bias"), out);
            float[] mean = f32(TensorNames.batchnorm(bn, "running_mean"), out);
            float[] var = f32(TensorNames.batchnorm(bn, "running_var"), out);
            g = new float[out];
            shift = new float[out];
            for (int o = 0; o < out; o++) {
                if (var[o] < 0) {
                    throw new IllegalArgumentException("tensor " + TensorNames.batchnorm(bn, "running_var") + "[" + o + "] = " + var[o]
                            + " is negative");
                }
                float d = var[o] + eps;
                if (!(d > 0) || !Float.isFinite(d)) {
                    throw new IllegalArgumentException("tensor " + TensorNames.batchnorm(bn, "running_var") + "[" + o + "] + eps = " + d
                            + " must be finite and > 0 in float32");
                }
                g[o] = gamma[o] / (float) Math.sqrt(d);
                shift[o] = beta[o] - g[o] * mean[o];
                if (!Float.isFinite(g[o]) || !Float.isFinite(shift[o])) {
                    throw new IllegalArgumentException("batchnorm " + bn + ": channel " + o + " folds to scale "
                            + g[o] + " and shift " + shift[o] + ", not finite in float32");
                }
            }
        }
        if (!mode.quantized()) {
            float[] w = f32(TensorNames.conv(name, "weight"), out, in, k, k);
            float[] b = bias ? f32(TensorNames.conv(name, "bias"), out) : null;
            return new FloatConv(name, spec, shape, w, b, g, shift, relu, options.floatGemm(),
                    options.engine());
        }
        String codesName = TensorNames.conv(name, "weight_codes");
        byte[] codes = i8(codesName, out, in, k, k);
        for (int i = 0; i < codes.length; i++) {
            if (codes[i] < -1 || codes[i] > 1) {
                throw new IllegalArgumentException("tensor " + codesName + "[" + i + "] = " + codes[i]
                        + " is not a ternary code (-1, 0, 1)");
            }
        }
        float[] ws = positiveF32(TensorNames.conv(name, "weight_scale"), out);
        ActivationQuantizer q = switch (mode) {
            case FATNN -> ActivationQuantizer.fatnn(positiveF32(TensorNames.conv(name, "act_scale"), 1)[0],
                    positiveF32(TensorNames.conv(name, "act_alpha"), 2));
            case TERNARY_2BIT -> ActivationQuantizer.fatnn(positiveF32(TensorNames.conv(name, "act_scale"), 1)[0],
                    positiveF32(TensorNames.conv(name, "act_alpha"), 3));
            case CONVENTIONAL -> ActivationQuantizer.uniform(mode.activationPrecision(),
                    positiveF32(TensorNames.conv(name, "act_clip"), 1)[0]);
            case FLOAT -> throw new AssertionError();
        };
        float actScale = q.scale();
        float[] c = new float[out];
        for (int o = 0; o < out; o++) {
            c[o] = g != null ? (g[o] * ws[o]) * actScale : ws[o] * actScale;
            if (!Float.isFinite(c[o])) {
                throw new IllegalArgumentException("conv " + name + ": output scale of channel " + o + " is " + c[o]);
            }
        }
        if (shift == null) {
            shift = new float[out];
        }
        Conv2d conv = new Conv2d(spec, mode.weightPrecision(), codes, mode.activationPrecision(), options.engine(),
                mode.algorithm());
        return new QuantConv(name, conv, shape, q, c, shift, relu);
    }

    // --- tensors -----------------------------------------------------------------------------

    private Tensor tensor(String name, Tensor.DType dtype, int... shape) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("tensor " + name + " is missing (" + dtype + " " + Arrays.toString(shape)
                    + " expected)");
        }
        if (t.dtype() != dtype) {
            throw new IllegalArgumentException("tensor " + name + " has dtype " + t.dtype() + " but " + dtype
                    + " is expected");
        }
        if (!t.hasShape(shape)) {
            throw new IllegalArgumentException("tensor " + name + " has shape " + Arrays.toString(t.shape()) + " but "
                    + Arrays.toString(shape) + " is expected");
        }
        if (!used.add(name)) {
            throw new IllegalArgumentException("tensor " + name + " is used by two layers (layer names repeat)");
        }
        return t;
    }

    private float[] f32(String name, int... shape) {
        float[] v = tensor(name, Tensor.DType.F32, shape).floatsView();
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                throw new IllegalArgumentException("tensor " + name + "[" + i + "] = " + v[i] + " is not finite");
            }
        }
        return v;
    }

    private float[] positiveF32(String name, int n) {
        float[] v = f32(name, n);
        for (int i = 0; i < v.length; i++) {
            if (!(v[i] > 0)) {
                throw new IllegalArgumentException("tensor " + name + "[" + i + "] = " + v[i] + " must be > 0");
            }
        }
        return v;
    }

    private byte[] i8(String name, int... shape) {
        return tensor(name, Tensor.DType.I8, shape).bytesView();
    }

    // --- JSON fields ---------------------------------------------------------------------------

    private static JsonNode field(JsonNode node, String name, String where) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException(where + ": field \"" + name + "\" is missing");
        }
        return v;
    }

    private static String text(JsonNode node, String name, String where) {
        JsonNode v = field(node, name, where);
        if (!v.isTextual()) {
            throw new IllegalArgumentException(where + ": field \"" + name + "\" must be a string, got " + v);
        }
        return v.textValue();
    }

    private static int integer(JsonNode node, String name, String where) {
        JsonNode v = field(node, name, where);
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new IllegalArgumentException(where + ": field \"" + name + "\" must be an int, got " + v);
        }
        return v.intValue();
    }

    private static int positive(JsonNode node, String name, String where) {
        int v = integer(node, name, where);
        if (v < 1) {
            throw new IllegalArgumentException(where + ": field \"" + name + "\" must be >= 1, got " + v);
        }
        return v;
    }

    private static int nonNegative(JsonNode node, String name, String where) {
        int v = integer(node, name, where);
        if (v < 0) {
            throw new IllegalArgumentException(where + ": field \"" + name + "\" must be >= 0, got " + v);
        }
        return v;
    }

    private static boolean bool(JsonNode node, String name, String where) {
        JsonNode v = field(node, name, where);
        if (!v.isBoolean()) {
            throw new IllegalArgumentException(where + ": field \"" + name + "\" must be true or false, got " + v);
        }
        return v.booleanValue();
    }

    private static float eps(JsonNode node, String where) {
        JsonNode v = field(node, "eps", where);
        float eps = v.isNumber() ? (float) v.doubleValue() : Float.NaN;
        if (!(eps >= 0) || !Float.isFinite(eps)) {
            throw new IllegalArgumentException(where + ": field \"eps\" must be a number >= 0 and finite in float32, got "
                    + v);
        }
        return eps;
    }

    private static float[] floats(JsonNode node, String name, String where, int expected) {
        JsonNode v = field(node, name, where);
        if (!v.isArray() || v.size() != expected) {
            throw new IllegalArgumentException(where + ": field \"" + name + "\" must be an array of " + expected
                    + " numbers (one per channel), got " + v);
        }
        float[] out = new float[expected];
        for (int i = 0; i < expected; i++) {
            JsonNode e = v.get(i);
            out[i] = e.isNumber() ? (float) e.doubleValue() : Float.NaN;
            if (!Float.isFinite(out[i])) {
                throw new IllegalArgumentException(where + ": " + name + "[" + i + "] = " + e
                        + " is not a number finite in float32");
            }
        }
        return out;
    }

    /**
     * A window of {@code k} with padding {@code p} on each side fits the padded input (in long:
     * a padding near 2^30 or an input side near 2^31 must not wrap).
     */
    private static void checkWindow(String where, String what, int k, int p, Shape shape) {
        long ph = (long) shape.h() + 2L * p;
        long pw = (long) shape.w() + 2L * p;
        if (ph > Integer.MAX_VALUE || pw > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(where + ": padding " + p + " makes the padded input " + shape.c() + "x"
                    + ph + "x" + pw + ", too large (int sides)");
        }
        if (ph < k || pw < k) {
            throw new IllegalArgumentException(where + ": " + what + " exceeds the padded input " + shape.c() + "x"
                    + ph + "x" + pw + " (" + shape + " padded by " + p + ")");
        }
    }

    /** An activation of one image fits the runtime's arrays ({@link Shape#size}), or names the layer. */
    private static void checkActivation(String where, Shape shape) {
        if ((long) shape.c() * shape.h() * shape.w() > Shape.MAX_SIZE) {
            throw new IllegalArgumentException(where + ": its output " + shape + " (" + (long) shape.c() * shape.h()
                    * shape.w() + " floats per image) is too large; at most " + Shape.MAX_SIZE);
        }
    }

    private static void channels(String where, String field, int declared, Shape shape) {
        if (declared != shape.c()) {
            throw new IllegalArgumentException(where + ": " + field + " = " + declared + " but the layer before gives "
                    + shape.c() + " channels (" + shape + ")");
        }
    }
}
