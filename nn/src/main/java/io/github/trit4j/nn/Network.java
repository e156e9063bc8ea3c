package io.github.trit4j.nn;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A CNN for inference on trit4j's layers: quantized convolutions through trit4j's packed
 * convolution, full-precision ones and the classifier through a {@link
 * io.github.trit4j.nn.gemm.FloatGemm}, BatchNorm folded into the convolutions at build time.
 * Inputs are NCHW float32, {@code batch x channels x height x width}; outputs are the logits,
 * {@code batch x classes}.
 *
 * <p>Made from a model file ({@link #load(Path)}, docs/MODEL_FORMAT.md) or by {@link ResNets}.
 *
 * <p>Immutable and thread-safe: any number of threads may call {@link #predict} at once. Each
 * calling thread gets its own activation buffers, made on its first call for a batch size and
 * reused by its later calls of the same batch size (a call with another batch size replaces
 * them), so the steady state of a thread serving one batch size allocates nothing but the
 * returned logits ({@link #predict(float[], int, float[])} not even those). Each product uses
 * up to the engine's threads ({@link NetworkOptions}).
 */
public final class Network {

    private final String name;
    private final Shape input;
    private final int classes;
    private final List<Layer> layers;
    private final Map<String, String> metadata;
    private final NetworkOptions options;
    private final ThreadLocal<Workspace> workspaces = ThreadLocal.withInitial(Workspace::new);

    /** One thread's buffers: an output per layer and each layer's scratch, for one batch size. */
    private static final class Workspace {
        int batch;
        float[][] outputs;
        Object[] scratch;
        boolean inUse;
    }

    private Network(String name, Shape input, int classes, List<Layer> layers, Map<String, String> metadata,
                    NetworkOptions options) {
        this.name = name;
        this.input = input;
        this.classes = classes;
        this.layers = layers;
        this.metadata = Map.copyOf(metadata);
        this.options = options;
    }

    /**
     * {@link #load(Path, NetworkOptions)} with {@link NetworkOptions#defaults()}.
     *
     * @param file the model file (docs/MODEL_FORMAT.md)
     * @return the network
     * @throws IOException if the file cannot be read
     */
    public static Network load(Path file) throws IOException {
        return load(file, NetworkOptions.defaults());
    }

    /**
     * Reads, checks and builds a model file.
     *
     * @param file    the model file (docs/MODEL_FORMAT.md)
     * @param options how it runs (threads, kernels, float GEMM)
     * @return the network
     * @throws IllegalArgumentException naming the field or tensor at fault for any malformed content
     *                                  (see {@link ModelFile#read} and {@link #of})
     * @throws IOException              if the file cannot be read
     */
    public static Network load(Path file, NetworkOptions options) throws IOException {
        return of(ModelFile.read(file), options);
    }

    /**
     * Builds a network from a model: checks the architecture against the tensors (fields,
     * channel chaining, missing, unused, mistyped or misshaped tensors, weight codes outside
     * {-1, 0, 1}, non-positive or non-finite scales, alphas and clips, negative variances) and
     * folds every BatchNorm into its convolution.
     *
     * @param model   a model file's content
     * @param options how it runs (threads, kernels, float GEMM)
     * @return the network
     * @throws IllegalArgumentException naming the layer field or tensor at fault; no network is made
     */
    public static Network of(ModelFile model, NetworkOptions options) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(options, "options");
        Assembler.Result r = Assembler.assemble(model.architecture(), model.tensors(), options);
        Map<String, String> meta = new java.util.LinkedHashMap<>(model.metadata());
        meta.remove(ModelFile.ARCHITECTURE_KEY);
        return new Network(r.name(), r.input(), r.classes(), r.layers(), meta, options);
    }

    /** {@return the architecture's name} */
    public String name() {
        return name;
    }

    /** {@return input channels} */
    public int inputChannels() {
        return input.c();
    }

    /** {@return input height} */
    public int inputHeight() {
        return input.h();
    }

    /** {@return input width} */
    public int inputWidth() {
        return input.w();
    }

    /** {@return floats per input image: channels * height * width} */
    public int inputSize() {
        return input.size();
    }

    /** {@return number of classes (logits per image)} */
    public int classes() {
        return classes;
    }

    /** {@return the model file's metadata (format, accuracy, training record), without the architecture} */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** {@return the options it runs with} */
    public NetworkOptions options() {
        return options;
    }

    /**
     * {@return the logits of {@code batch} images, in a new array of {@code batch * classes()}}
     *
     * @param input {@code batch} images, NCHW, {@link #inputSize()} floats each
     * @param batch images in {@code input}
     */
    public float[] predict(float[] input, int batch) {
        float[] logits = new float[checkedLogits(batch)];
        predict(input, batch, logits, null);
        return logits;
    }

    /**
     * {@link #predict(float[], int, float[], LayerTimes)} without timing.
     *
     * @param input  {@code batch} images, NCHW, {@link #inputSize()} floats each
     * @param batch  images in {@code input}
     * @param logits receives {@code batch * classes()} logits
     */
    public void predict(float[] input, int batch, float[] logits) {
        predict(input, batch, logits, null);
    }

    /**
     * Runs the network.
     *
     * @param input  {@code batch x inputSize()} floats, NCHW; not modified
     * @param batch  images, at least 1
     * @param logits receives {@code batch x classes()} logits; untouched if an exception is thrown
     * @param times  if not null, receives the time spent per layer kind (costs two
     *               {@link System#nanoTime()} calls per layer)
     * @throws IllegalArgumentException for a bad batch or array length (naming it), or a NaN input
     *                                  (naming its index)
     */
    public void predict(float[] input, int batch, float[] logits, LayerTimes times) {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(logits, "logits");
        int expectedLogits = checkedLogits(batch);
        if (input.length != (long) batch * this.input.size()) {
            throw new IllegalArgumentException("input.length is " + input.length + " but batch * channels * height * "
                    + "width = " + batch + " * " + this.input + " = " + ((long) batch * this.input.size()));
        }
        if (logits.length != expectedLogits) {
            throw new IllegalArgumentException("logits.length is " + logits.length + " but batch * classes = "
                    + expectedLogits);
        }
        for (int i = 0; i < input.length; i++) {
            if (Float.isNaN(input[i])) {
                throw new IllegalArgumentException("input[" + i + "] is NaN");
            }
        }
        Workspace ws = workspaces.get();
        if (ws.inUse) {
            ws = new Workspace(); // re-entrant call on this thread (a pool worker helping while it waits)
        }
        ws.inUse = true;
        try {
            if (ws.batch != batch) {
                size(ws, batch);
            }
            float[] x = input;
            for (int i = 0; i < layers.size(); i++) {
                Layer l = layers.get(i);
                float[] y = ws.outputs[i];
                if (times == null || l.timesItself()) {
                    l.forward(x, y, batch, ws.scratch[i], times);
                } else {
                    long t0 = System.nanoTime();
                    l.forward(x, y, batch, ws.scratch[i], times);
                    times.add(l.kind, System.nanoTime() - t0);
                }
                x = y;
            }
            System.arraycopy(x, 0, logits, 0, expectedLogits);
            if (times != null) {
                times.countImages(batch);
            }
        } finally {
            ws.inUse = false;
        }
    }

    private void size(Workspace ws, int batch) {
        ws.outputs = new float[layers.size()][];
        ws.scratch = new Object[layers.size()];
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            ws.outputs[i] = new float[Math.multiplyExact(batch, l.out.size())];
            ws.scratch[i] = l.scratch(batch);
        }
        ws.batch = batch;
    }

    private int checkedLogits(int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1, got " + batch);
        }
        long n = (long) batch * classes;
        if (n > Integer.MAX_VALUE - 16 || (long) batch * input.size() > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("batch " + batch + " is too large for Java arrays");
        }
        return (int) n;
    }

    /**
     * {@return the predicted class of each of {@code batch} images: the argmax of its logits (the first on ties)}
     *
     * @param input {@code batch} images, NCHW, {@link #inputSize()} floats each
     * @param batch images in {@code input}
     */
    public int[] classify(float[] input, int batch) {
        return argmax(predict(input, batch), classes);
    }

    /**
     * Row-wise argmax of {@code rows x classes} logits: the first index of the largest value
     * (NaN never wins unless a row is all NaN, then 0).
     *
     * @param logits  {@code rows x classes} logits, row-major
     * @param classes logits per row
     * @return the argmax of each row
     */
    public static int[] argmax(float[] logits, int classes) {
        Objects.requireNonNull(logits, "logits");
        if (classes < 1 || logits.length % classes != 0) {
            throw new IllegalArgumentException("logits.length " + logits.length + " is not a multiple of classes "
                    + classes);
        }
        int[] out = new int[logits.length / classes];
        for (int r = 0; r < out.length; r++) {
            int best = 0;
            float bv = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                float v = logits[r * classes + c];
                if (v > bv) {
                    bv = v;
                    best = c;
                }
            }
            out[r] = best;
        }
        return out;
    }

    /**
     * Row-wise softmax of {@code rows x classes} logits into a new array, computed stably
     * (maximum subtracted, in double, rounded to float once).
     *
     * @param logits  {@code rows x classes} logits, row-major
     * @param classes logits per row
     * @return the probabilities, row-major, each row summing to 1
     */
    public static float[] softmax(float[] logits, int classes) {
        Objects.requireNonNull(logits, "logits");
        if (classes < 1 || logits.length % classes != 0) {
            throw new IllegalArgumentException("logits.length " + logits.length + " is not a multiple of classes "
                    + classes);
        }
        float[] out = new float[logits.length];
        for (int r = 0; r < logits.length; r += classes) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, logits[r + c]);
            }
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                sum += Math.exp(logits[r + c] - max);
            }
            for (int c = 0; c < classes; c++) {
                out[r + c] = (float) (Math.exp(logits[r + c] - max) / sum);
            }
        }
        return out;
    }

    /** The layers, one per line, with BatchNorms shown folded. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Network ").append(name).append(": input ").append(input)
                .append(", ").append(classes).append(" classes, ").append(options.floatGemm().name())
                .append(" float GEMM, ").append(options.engine()).append('\n');
        for (Layer l : layers) {
            sb.append("  ").append(l.describe()).append('\n');
        }
        return sb.toString();
    }
}
