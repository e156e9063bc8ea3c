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
 * Builds a network's layers from the architecture JSON and the tensors in three stages, as
 * tinygrad and ggml build theirs: {@link #parse} turns the JSON into typed {@link LayerSpec}
 * records (each field checked), {@link Fusion#fuse} folds BatchNorms and ReLUs into the convs
 * before them, and the plan chains the shapes, reads the tensors (named by {@link TensorNames})
 * and makes the {@link Layer}s. Everything docs/MODEL_FORMAT.md's "Validation" lists is checked
 * before anything is returned: every problem is an {@link IllegalArgumentException} naming the
 * layer field or tensor.
 */
final class Assembler {

    private final Map<String, Tensor> tensors;
    private final Set<String> used = new HashSet<>();
    private final NetworkOptions options;

    /** Whether quantized convs pass codes to the next conv ({@link BasicBlock}). */
    private final boolean codes;

    private Assembler(Map<String, Tensor> tensors, NetworkOptions options, boolean codes) {
        this.codes = codes;
        this.tensors = tensors;
        this.options = options;
    }

    record Result(String name, Shape input, int classes, List<Layer<?>> layers) {
    }

    static Result assemble(JsonNode arch, Map<String, Tensor> tensors, NetworkOptions options) {
        return assemble(arch, tensors, options, true);
    }

    /** {@link #assemble(JsonNode, Map, NetworkOptions)}; {@code codes} false: no conv writes the next one's codes (the unfused data flow, for tests). */
    static Result assemble(JsonNode arch, Map<String, Tensor> tensors, NetworkOptions options, boolean codes) {
        return new Assembler(tensors, options, codes).run(arch);
    }

    /** Parse, fuse, plan: the three stages, each complete before the next. */
    private Result run(JsonNode arch) {
        String name = text(arch, "name", "architecture");
        JsonNode input = field(arch, "input", "architecture");
        Shape shape = new Shape(positive(input, "channels", "architecture.input"),
                positive(input, "height", "architecture.input"), positive(input, "width", "architecture.input"));
        checkActivation("architecture.input", shape);
        int classes = positive(arch, "classes", "architecture");
        List<LayerSpec> specs = Fusion.fuse(parse(field(arch, "layers", "architecture")));
        List<Layer<?>> layers = plan(specs, shape);
        Shape last = layers.getLast().out;
        if (!last.flat() || last.c() != classes) {
            throw new IllegalArgumentException("architecture: the last layer gives " + last + " per image but classes = "
                    + classes + " (the network must end in [N, classes])");
        }
        Set<String> unused = new TreeSet<>(tensors.keySet());
        unused.removeAll(used);
        if (!unused.isEmpty()) {
            throw new IllegalArgumentException("tensors not used by the architecture: " + unused);
        }
        return new Result(name, shape, classes, layers);
    }

    /** Stage 1: the layer list to typed records, each field checked on its own. */
    static List<LayerSpec> parse(JsonNode list) {
        if (!list.isArray() || list.isEmpty()) {
            throw new IllegalArgumentException("architecture.layers must be a non-empty array");
        }
        List<LayerSpec> specs = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            JsonNode l = list.get(i);
            String where = "architecture.layers[" + i + "]";
            if (!l.isObject()) {
                throw new IllegalArgumentException(where + " is not an object");
            }
            String type = text(l, "type", where);
            where += " (" + type + (l.has("name") && l.get("name").isTextual() ? " " + l.get("name").textValue() : "")
                    + ")";
            specs.add(switch (type) {
                case "normalize" -> new LayerSpec.Normalize(where, floats(l, "mean", where), floats(l, "std", where));
                case "conv" -> {
                    LayerSpec.Conv c = new LayerSpec.Conv(where, text(l, "name", where),
                            ConvMode.fromFileName(text(l, "mode", where)), positive(l, "in", where),
                            positive(l, "out", where), positive(l, "kernel", where), positive(l, "stride", where),
                            nonNegative(l, "padding", where), bool(l, "bias", where), null, 0f, false, null);
                    if (c.mode().quantized() && c.bias()) {
                        throw new IllegalArgumentException(where + ": a quantized conv has no bias (bias must be false)");
                    }
                    yield c;
                }
                case "batchnorm" -> new LayerSpec.BatchNorm(where, text(l, "name", where), eps(l, where));
                case "relu" -> new LayerSpec.Relu(where);
                case "max_pool", "avg_pool" -> {
                    int k = positive(l, "kernel", where);
                    int p = nonNegative(l, "padding", where);
                    if (2L * p > k) {
                        throw new IllegalArgumentException(where + ": padding " + p + " exceeds half the kernel " + k);
                    }
                    yield new LayerSpec.Pool(where, type.equals("max_pool"), k, positive(l, "stride", where), p);
                }
                case "global_avg_pool" -> new LayerSpec.GlobalAvgPool(where);
                case "flatten" -> new LayerSpec.Flatten(where);
                case "linear" -> new LayerSpec.Linear(where, text(l, "name", where), positive(l, "in", where),
                        positive(l, "out", where), bool(l, "bias", where));
                case "basic_block" -> new LayerSpec.BasicBlock(where, text(l, "name", where), positive(l, "in", where),
                        positive(l, "out", where), positive(l, "stride", where),
                        ConvMode.fromFileName(text(l, "mode", where)), l.has("eps") ? eps(l, where) : 1e-5f);
                default -> throw new IllegalArgumentException(where + ": unknown layer type \"" + type + "\"");
            });
        }
        return specs;
    }

    /** Stage 3: the fused specs to layers, shapes chained from {@code input}, tensors read and checked. */
    private List<Layer<?>> plan(List<LayerSpec> specs, Shape input) {
        List<Layer<?>> layers = new ArrayList<>(specs.size());
        Shape shape = input;
        for (LayerSpec spec : specs) {
            String where = spec.where();
            Layer<?> layer = switch (spec) {
                case LayerSpec.Normalize n -> {
                    checkNormalize(n, shape);
                    yield new Normalize(shape, n.mean(), n.std());
                }
                case LayerSpec.Conv c -> {
                    if (c.normalize() != null) {
                        checkNormalize(c.normalize(), shape);
                    }
                    channels(where, "in", c.in(), shape);
                    ConvUnit<?> unit = conv(where, c.name(), c.mode(), c.in(), c.out(), c.kernel(), c.stride(),
                            c.padding(), c.bias(), shape, c.batchnorm(), c.eps(), c.relu());
                    if (c.normalize() == null) {
                        yield new ConvLayer<>(unit);
                    }
                    // a normalize folded in by Fusion: the float conv normalizes its input as it copies it
                    yield new ConvLayer<>(((FloatConv) unit).normalizingInput(c.normalize().mean(),
                            c.normalize().std()));
                }
                case LayerSpec.BatchNorm bn -> throw new AssertionError("not fused: " + bn.where());
                case LayerSpec.Relu r -> new Relu(shape);
                case LayerSpec.Pool p -> {
                    checkWindow(where, "kernel " + p.kernel(), p.kernel(), p.padding(), shape);
                    yield new Pool(shape, p.max(), p.kernel(), p.stride(), p.padding(), options.engine());
                }
                case LayerSpec.GlobalAvgPool g -> new GlobalAvgPool(shape);
                case LayerSpec.Flatten f -> new Flatten(shape);
                case LayerSpec.Linear l -> {
                    if (!shape.flat()) {
                        throw new IllegalArgumentException(where + ": input is " + shape
                                + "; a linear layer needs a flatten or global_avg_pool before it");
                    }
                    if (l.in() != shape.c()) {
                        throw new IllegalArgumentException(where + ": in = " + l.in() + " but the layer before gives "
                                + shape.c() + " features");
                    }
                    float[] w = f32(TensorNames.linear(l.name(), "weight"), l.out(), l.in());
                    float[] b = l.bias() ? f32(TensorNames.linear(l.name(), "bias"), l.out()) : null;
                    yield new Linear(l.name(), shape, l.out(), w, b, options.floatGemm(), options.engine());
                }
                case LayerSpec.BasicBlock b -> block(b, shape);
            };
            checkActivation(where, layer.out);
            layers.add(layer);
            shape = layer.out;
        }
        return List.copyOf(layers);
    }

    /** Checks a normalize's mean and std against its input. */
    private static void checkNormalize(LayerSpec.Normalize n, Shape shape) {
        String where = n.where();
        perChannel(where, "mean", n.mean(), shape);
        perChannel(where, "std", n.std(), shape);
        for (int c = 0; c < n.std().length; c++) {
            if (!(n.std()[c] > 0)) {
                throw new IllegalArgumentException(where + ": std[" + c + "] = " + n.std()[c]
                        + " must be finite and > 0");
            }
        }
    }

    /** A basic block: conv1 + bn1 + relu, conv2 + bn2, and a 1x1 downsample + bn when the shape changes. */
    private BasicBlock block(LayerSpec.BasicBlock b, Shape shape) {
        String where = b.where();
        String bname = b.name();
        channels(where, "in", b.in(), shape);
        ConvUnit<?> c1 = conv(where, TensorNames.block(bname, "conv1"), b.mode(), b.in(), b.out(), 3, b.stride(), 1,
                false, shape, TensorNames.block(bname, "bn1"), b.eps(), true);
        ConvUnit<?> c2 = conv(where, TensorNames.block(bname, "conv2"), b.mode(), b.out(), b.out(), 3, 1, 1, false,
                c1.out, TensorNames.block(bname, "bn2"), b.eps(), false);
        ConvUnit<?> d = null;
        if (b.stride() != 1 || b.in() != b.out()) {
            d = conv(where, TensorNames.block(bname, "downsample"), b.mode(), b.in(), b.out(), 1, b.stride(), 0, false,
                    shape, TensorNames.block(bname, "downsample_bn"), b.eps(), false);
        }
        return new BasicBlock(bname, c1, c2, d, codes);
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
        for (int o = 0; o < out; o++) {
            if (!Float.isFinite(shift[o])) {
                throw new IllegalArgumentException("conv " + name + ": output shift of channel " + o + " is "
                        + shift[o]);
            }
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

    private static float[] floats(JsonNode node, String name, String where) {
        JsonNode v = field(node, name, where);
        if (!v.isArray() || v.isEmpty()) {
            throw new IllegalArgumentException(where + ": field \"" + name + "\" must be an array of numbers (one per "
                    + "channel), got " + v);
        }
        float[] out = new float[v.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode e = v.get(i);
            out[i] = e.isNumber() ? (float) e.doubleValue() : Float.NaN;
            if (!Float.isFinite(out[i])) {
                throw new IllegalArgumentException(where + ": " + name + "[" + i + "] = " + e
                        + " is not a number finite in float32");
            }
        }
        return out;
    }

    private static void perChannel(String where, String name, float[] values, Shape shape) {
        if (values.length != shape.c()) {
            throw new IllegalArgumentException(where + ": field \"" + name + "\" must be an array of " + shape.c()
                    + " numbers (one per channel), got " + values.length);
        }
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
