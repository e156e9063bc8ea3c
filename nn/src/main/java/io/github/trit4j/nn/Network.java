package io.github.trit4j.nn;

import io.github.trit4j.WarmUp;
import io.github.trit4j.WorkspacePool;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
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
 * <p>Immutable and thread-safe: any number of threads may call {@link #predict} at once, platform
 * or virtual. A call takes a workspace (one image's activation buffers) and gives it back when it
 * returns: a platform thread keeps its own, reused by its next call; virtual threads share a small
 * pool, so an executor that starts a virtual thread per request
 * ({@code Executors.newVirtualThreadPerTaskExecutor()}) reuses pooled workspaces instead of making
 * new ones per thread. A batch runs image by image (each image's activations stay in the caches of
 * the core running it), and its logits are each image's batch-1 logits, bit for bit. Each image
 * uses up to the engine's threads ({@link NetworkOptions}), split within each layer; a batch of
 * more than one image on more than one thread is split by images instead, each of the engine's
 * threads running whole images in a workspace of its own (kept by that thread, so an engine
 * helper keeps one image's activations per network it has run). The steady state allocates
 * nothing but the returned logits ({@link #predict(float[], int, float[])} not even those; a
 * batch larger than any before on the calling thread grows a kept buffer of logits once). A
 * virtual thread that calls {@code predict} runs the network's work on its carrier and the
 * engine's helper threads, and does not yield while it computes.
 *
 * <p>A service loads the network once at start-up ({@link #load(Path)}, {@link #load(InputStream)},
 * {@link #loadResource(String)}), calls {@link #warmUp()} before taking traffic (the first
 * prediction of a fresh JVM otherwise runs interpreted and takes about a hundred times the steady
 * time), then shares the one instance between its request threads:
 *
 * <pre>{@code
 * Network net = Network.loadResource("models/fashion-resnet8-fatnn.safetensors");
 * net.warmUp();
 * List<Classification> top = net.topK(ImageInput.fromGray(pixels, 28, 28), 3);
 * }</pre>
 */
public final class Network {

    private final String name;
    private final Shape input;
    private final int classes;
    private final List<Layer<?>> layers;
    private final Map<String, String> metadata;
    private final NetworkOptions options;
    private final List<String> labels;
    private final WorkspacePool<Workspace> workspaces = new WorkspacePool<>(Workspace::new);
    private final WorkspacePool<Images> imageTasks = new WorkspacePool<>(() -> new Images(this));

    /**
     * One thread's buffers for one image: the image's input when it comes from a batch, an output
     * per layer and each layer bound to its scratch. Made whole on first use ({@link #size}): a
     * sizing that fails leaves it unsized.
     */
    private static final class Workspace {
        float[] image;
        float[][] outputs;
        Layer.Bound<?>[] layers;
    }

    /**
     * The images of one batch call: with more than one thread, as the engine's threads see them,
     * one range per image, each thread running its images through the whole network in its own
     * workspace. One calling thread's, kept, so a call of a batch size it has seen allocates
     * nothing; the input is forgotten after the call.
     */
    private static final class Images implements io.github.trit4j.RangeTask {
        final Network net;
        float[] input;
        /** The call's logits until every image is done (the caller's stay untouched if one fails); grown, kept. */
        float[] staged = new float[0];

        Images(Network net) {
            this.net = net;
        }

        @Override
        public void run(int n0, int n1) {
            Workspace ws = net.workspaces.acquire();
            try {
                for (int n = n0; n < n1; n++) {
                    net.image(ws, input, n, staged, null);
                }
            } finally {
                net.workspaces.release(ws);
            }
        }
    }

    private Network(String name, Shape input, int classes, List<Layer<?>> layers, Map<String, String> metadata,
                    NetworkOptions options) {
        this.name = name;
        this.input = input;
        this.classes = classes;
        this.layers = layers;
        this.metadata = Map.copyOf(metadata);
        this.options = options;
        this.labels = labels(metadata.get(ModelFile.LABELS_KEY), classes);
    }

    /** The class names of {@link ModelFile#LABELS_KEY}, checked, or the indices as text when absent. */
    private static List<String> labels(String json, int classes) {
        if (json == null) {
            return java.util.stream.IntStream.range(0, classes).mapToObj(Integer::toString).toList();
        }
        com.fasterxml.jackson.databind.JsonNode node;
        try {
            node = ModelFile.JSON.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("__metadata__." + ModelFile.LABELS_KEY + " is not JSON: "
                    + e.getOriginalMessage(), e);
        }
        if (node == null || !node.isArray() || node.size() != classes) {
            throw new IllegalArgumentException("__metadata__." + ModelFile.LABELS_KEY + " must be a JSON array of "
                    + classes + " strings (one per class), got " + json);
        }
        List<String> out = new java.util.ArrayList<>(classes);
        for (int i = 0; i < classes; i++) {
            if (!node.get(i).isTextual()) {
                throw new IllegalArgumentException("__metadata__." + ModelFile.LABELS_KEY + "[" + i + "] = "
                        + node.get(i) + " is not a string");
            }
            out.add(node.get(i).textValue());
        }
        return List.copyOf(out);
    }

    /**
     * {@link #load(Path, NetworkOptions)} with {@link NetworkOptions#defaults()}.
     *
     * @param file the model file
     * @return the network
     * @throws IOException if it cannot be read
     */
    public static Network load(Path file) throws IOException {
        return load(file, NetworkOptions.defaults());
    }

    /**
     * {@link #load(InputStream, NetworkOptions)} with {@link NetworkOptions#defaults()}.
     *
     * @param in the model file's bytes, read to the end
     * @return the network
     * @throws IOException if it cannot be read
     */
    public static Network load(InputStream in) throws IOException {
        return load(in, NetworkOptions.defaults());
    }

    /**
     * Reads a model file from a stream to its end (not closed here), checks and builds it, as
     * {@link #load(Path, NetworkOptions)}.
     *
     * @param in the model file's bytes, read to the end
     * @param options how it runs (engine, float GEMM)
     * @return the network
     * @throws IllegalArgumentException naming the field or tensor at fault
     * @throws IOException              if the stream fails
     */
    public static Network load(InputStream in, NetworkOptions options) throws IOException {
        return of(ModelFile.read(in), options);
    }

    /**
     * A model file's bytes, checked and built, as {@link #load(Path, NetworkOptions)}.
     *
     * @param bytes the whole file; not retained
     * @param options how it runs (engine, float GEMM)
     * @return the network
     * @throws IllegalArgumentException naming the field or tensor at fault
     */
    public static Network load(byte[] bytes, NetworkOptions options) {
        return of(ModelFile.read(bytes), options);
    }

    /**
     * {@link #loadResource(String, ClassLoader, NetworkOptions)} with the thread's context class loader and the defaults.
     *
     * @param name the resource name, e.g. {@code "models/x.safetensors"}
     * @return the network
     * @throws IOException if it cannot be read
     */
    public static Network loadResource(String name) throws IOException {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return loadResource(name, loader != null ? loader : Network.class.getClassLoader(),
                NetworkOptions.defaults());
    }

    /**
     * A model file packaged as a class-path resource (e.g. in the service's jar), as
     * {@link ClassLoader#getResourceAsStream} finds it.
     *
     * @param name   the resource name, e.g. {@code "models/fashion-resnet8-fatnn.safetensors"}
     * @param loader the class loader to ask
     * @param options how it runs (engine, float GEMM)
     * @return the network
     * @throws IllegalArgumentException naming the resource, if it is not found or is malformed
     * @throws IOException              if it cannot be read
     */
    public static Network loadResource(String name, ClassLoader loader, NetworkOptions options) throws IOException {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(loader, "loader");
        try (InputStream in = loader.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("resource " + name + " not found by " + loader);
            }
            return load(in, options);
        } catch (IllegalArgumentException e) {
            throw e.getMessage().startsWith("resource ") ? e
                    : new IllegalArgumentException("resource " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads, checks and builds a model file.
     *
     * @param file the model file
     * @param options how it runs (engine, float GEMM)
     * @return the network
     * @throws IllegalArgumentException naming the field or tensor at fault for any malformed content
     *                                  (see {@link ModelFile#read} and {@link #of})
     * @throws IOException              if the file cannot be read, or if the calling thread is
     *                                  interrupted ({@link ModelFile#read(Path)})
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
     * @param model the model
     * @param options how it runs (engine, float GEMM)
     * @return the network
     * @throws IllegalArgumentException naming the layer field or tensor at fault; no network is made
     */
    public static Network of(ModelFile model, NetworkOptions options) {
        return of(model, options, true);
    }

    /** {@link #of(ModelFile, NetworkOptions)}; {@code codes} false: the unfused data flow (every quantized conv quantizes its float input), for tests. */
    static Network of(ModelFile model, NetworkOptions options, boolean codes) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(options, "options");
        Assembler.Result r = Assembler.assemble(model.architecture(), model.tensors(), options, codes);
        Map<String, String> meta = new java.util.LinkedHashMap<>(model.metadata());
        meta.remove(ModelFile.ARCHITECTURE_KEY);
        return new Network(r.name(), r.input(), r.classes(), r.layers(), meta, options);
    }

    /**
     * The architecture's name.
     *
     * @return the architecture's name
     */
    public String name() {
        return name;
    }

    /**
     * Input channels.
     *
     * @return input channels
     */
    public int inputChannels() {
        return input.c();
    }

    /**
     * Input height.
     *
     * @return input height
     */
    public int inputHeight() {
        return input.h();
    }

    /**
     * Input width.
     *
     * @return input width
     */
    public int inputWidth() {
        return input.w();
    }

    /**
     * Floats per input image: channels * height * width.
     *
     * @return floats per input image: channels * height * width
     */
    public int inputSize() {
        return input.size();
    }

    /**
     * Number of classes (logits per image).
     *
     * @return number of classes (logits per image)
     */
    public int classes() {
        return classes;
    }

    /**
     * The model file's metadata (format, accuracy, training record), without the architecture.
     *
     * @return the metadata, unmodifiable
     */
    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * The class names, {@link #classes()} of them in class order: the model file's
     * {@link ModelFile#LABELS_KEY}, or {@code "0"}, {@code "1"}, ... when it has none. Unmodifiable.
     *
     * @return the class names, unmodifiable
     */
    public List<String> labels() {
        return labels;
    }

    /**
     * The {@code k} most probable classes of one image, most probable first (ties: lower index first).
     *
     * @param image {@link #inputSize()} floats, as {@link #predict(float[], int)} takes them
     * @param k     how many, {@code [1, classes()]}
     * @return the top classes, most probable first
     * @throws IllegalArgumentException for a bad {@code k} or input (as {@link #predict})
     */
    public List<Classification> topK(float[] image, int k) {
        return topK(image, 1, k).get(0);
    }

    /**
     * The {@code k} most probable classes of each of {@code batch} images.
     *
     * @param input {@code batch x inputSize()} floats, NCHW; not modified
     * @param batch images, at least 1
     * @param k how many classes per image, {@code [1, classes()]}
     * @return per image, its top classes, most probable first
     * @throws IllegalArgumentException for a bad {@code k} or input (as {@link #predict})
     */
    public List<List<Classification>> topK(float[] input, int batch, int k) {
        if (k < 1 || k > classes) {
            throw new IllegalArgumentException("k must be in [1, " + classes + "], got " + k);
        }
        float[] p = softmax(predict(input, batch), classes);
        List<List<Classification>> out = new java.util.ArrayList<>(batch);
        for (int n = 0; n < batch; n++) {
            int base = n * classes;
            Integer[] order = new Integer[classes];
            for (int c = 0; c < classes; c++) {
                order[c] = c;
            }
            java.util.Arrays.sort(order, (a, b) -> {
                int byP = Float.compare(p[base + b], p[base + a]);
                return byP != 0 ? byP : Integer.compare(a, b);
            });
            List<Classification> top = new java.util.ArrayList<>(k);
            for (int i = 0; i < k; i++) {
                int c = order[i];
                top.add(new Classification(c, labels.get(c), p[base + c]));
            }
            out.add(List.copyOf(top));
        }
        return List.copyOf(out);
    }

    /**
     * {@link #warmUp(Duration)} within {@link #DEFAULT_WARM_UP_BUDGET}.
     *
     * @return what the warm-up did
     */
    public WarmUp warmUp() {
        return warmUp(DEFAULT_WARM_UP_BUDGET);
    }

    /**
     * Default budget of {@link #warmUp()}: a ResNet-18 settles in 2.4-3.0 s on an idle 2-vCPU AMD EPYC Zen 4 and in
     * 10.6-20.9 s on a 2-vCPU AMD EPYC Zen 3 shared with other jobs (load average 7-10), where a 10 s budget ran out
     * unsettled in 10 of 12 JVMs (docs/RESULTS.md, "Cold start recipes"). It stops as soon as it settles.
     */
    public static final Duration DEFAULT_WARM_UP_BUDGET = Duration.ofSeconds(30);

    /**
     * Gets the network's code compiled before its first real prediction: runs {@link #predict} on
     * an input of its own (batch 1, values in [0, 1)) on the calling thread, over and over, until
     * the JIT's optimised code has taken over, or {@code budget} is spent. Taken over means: the
     * JIT quiet, its total compilation time (the JVM's {@code CompilationMXBean}) grown by at most
     * {@value #WARM_UP_JIT_PERCENT}% of the wall time over the last {@value #WARM_UP_QUIET_MILLIS} ms
     * at least (C2 compiles the network's kernels while C1's code runs them several times slower:
     * calls that agree while it does are not the network's speed), and the calls no longer getting
     * faster, the median of the {@value #WARM_UP_WINDOW} calls before the last
     * {@value #WARM_UP_WINDOW} at most {@value #WARM_UP_AGREE_PERCENT}% slower than theirs. A JVM
     * that does not report compilation time settles on the last {@value #WARM_UP_WINDOW} calls
     * within {@value #WARM_UP_AGREE_PERCENT}% of each other and at least {@value #WARM_UP_SPEEDUP}x
     * faster than the first, or agreeing after {@value #WARM_UP_MAX_CALLS} calls. Other threads
     * compiling at the same time (a service's own start-up) keep the JIT busy and make the warm-up
     * run longer, up to its budget.
     *
     * <p>What a service should do at start-up: load the network, call {@code warmUp()} once
     * (on any thread: compiled code is shared by all threads), and only then report ready and
     * take traffic. Without it the first predictions of a fresh JVM run in the interpreter
     * (seconds for a ResNet-18), and the network reaches its speed seconds after start.
     *
     * <p>It changes no result (a prediction is the same function of its input before, during and
     * after; it writes only its own arrays and the calling thread's workspace), is bounded by the
     * budget plus the call in progress, and stops at an interrupt, with the thread's interrupt
     * status kept. Thread-safe, as {@link #predict}.
     *
     * @param budget the longest it may run; positive
     * @return what it did: calls, time, and whether it settled before the budget or an interrupt
     * @throws IllegalArgumentException if {@code budget} is not positive
     * @throws NullPointerException     if {@code budget} is null
     */
    public WarmUp warmUp(Duration budget) {
        Objects.requireNonNull(budget, "budget");
        if (budget.isNegative() || budget.isZero()) {
            throw new IllegalArgumentException("budget must be positive, got " + budget);
        }
        long budgetNanos = budget.compareTo(Duration.ofDays(365)) > 0 ? Long.MAX_VALUE / 2 : budget.toNanos();
        float[] x = new float[input.size()];
        java.util.SplittableRandom r = new java.util.SplittableRandom(20);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble();
        }
        float[] logits = new float[classes];
        java.lang.management.CompilationMXBean jit = compiler();
        long start = System.nanoTime();
        long calls = 0;
        long first = 0;
        long[] recent = new long[2 * WARM_UP_WINDOW];
        long[] sorted = new long[WARM_UP_WINDOW];
        // JIT checkpoints: the time and the JIT's total at the start of the quiet span being checked, and at
        // the newest checkpoint, at least WARM_UP_QUIET_MILLIS / 2 apart
        long spanStart = start;
        long spanJit = jit == null ? 0 : jit.getTotalCompilationTime();
        long midStart = start;
        long midJit = spanJit;
        boolean settled = false;
        while (!settled && System.nanoTime() - start < budgetNanos && !Thread.currentThread().isInterrupted()) {
            long t0 = System.nanoTime();
            predict(x, 1, logits, null);
            long now = System.nanoTime();
            long t = now - t0;
            if (calls == 0) {
                first = t;
            }
            recent[(int) (calls % recent.length)] = t;
            calls++;
            boolean quiet = false;
            if (jit != null) {
                long total = jit.getTotalCompilationTime();
                long span = now - spanStart;
                // the JIT's time over the span, in ms, against the span's wall time, in ns
                quiet = span >= WARM_UP_QUIET_MILLIS * 1_000_000L
                        && (total - spanJit) * 1_000_000L * 100 <= span * WARM_UP_JIT_PERCENT;
                if (now - midStart >= WARM_UP_QUIET_MILLIS * 500_000L) {
                    spanStart = midStart;
                    spanJit = midJit;
                    midStart = now;
                    midJit = total;
                }
            }
            if (jit != null && calls >= 2 * WARM_UP_WINDOW) {
                // the JIT quiet, and the last calls no faster than the ones before them (median against median:
                // on a loaded machine single calls of the same code differ by more than that)
                long last = median(recent, calls - WARM_UP_WINDOW, sorted);
                long before = median(recent, calls - 2 * WARM_UP_WINDOW, sorted);
                settled = quiet && before * 100 <= last * (100 + WARM_UP_AGREE_PERCENT);
            } else if (jit == null && calls > WARM_UP_WINDOW) {
                long lo = Long.MAX_VALUE;
                long hi = 0;
                for (long i = calls - WARM_UP_WINDOW; i < calls; i++) {
                    long v = recent[(int) (i % recent.length)];
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
                // agreeing calls much faster than the first, or, for a network too small for its first call to
                // be slow, agreeing calls after C2's invocation thresholds
                settled = hi * 100 <= lo * (100 + WARM_UP_AGREE_PERCENT)
                        && (first >= WARM_UP_SPEEDUP * hi || calls >= WARM_UP_MAX_CALLS);
            }
            if (WARM_UP_TRACE) {
                System.err.printf("network warm-up call %d at %.1f ms: %.2f ms, JIT %d ms, quiet %b%n", calls,
                        (now - start) / 1e6, t / 1e6, jit == null ? -1 : jit.getTotalCompilationTime(), quiet);
            }
        }
        return new WarmUp(calls, Duration.ofNanos(System.nanoTime() - start), settled);
    }

    /** The median of the {@link #WARM_UP_WINDOW} calls from call {@code from} on in the ring {@code recent}. */
    private static long median(long[] recent, long from, long[] sorted) {
        for (int i = 0; i < WARM_UP_WINDOW; i++) {
            sorted[i] = recent[(int) ((from + i) % recent.length)];
        }
        java.util.Arrays.sort(sorted);
        return sorted[WARM_UP_WINDOW / 2];
    }

    /** Whether {@link #warmUp} prints each call (system property {@code trit4j.warmUpTrace}, as the kernels' warm-up). */
    private static final boolean WARM_UP_TRACE = Boolean.getBoolean("trit4j.warmUpTrace");

    /** The JVM's JIT compilation-time monitor, or null when it has none or does not time compilation. */
    private static java.lang.management.CompilationMXBean compiler() {
        try {
            java.lang.management.CompilationMXBean c = java.lang.management.ManagementFactory.getCompilationMXBean();
            return c != null && c.isCompilationTimeMonitoringSupported() ? c : null;
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    /** Calls whose median (with the JIT's figures) or range (without) {@link #warmUp} compares. */
    static final int WARM_UP_WINDOW = 8;
    /** How much slower, in percent, the calls before the last ones may be (with the JIT's figures), or how far
     *  apart, in percent of the fastest, the last ones may be (without). */
    static final int WARM_UP_AGREE_PERCENT = 15;
    /** The shortest span over which the JIT must be quiet for {@link #warmUp} to settle. */
    static final int WARM_UP_QUIET_MILLIS = 200;
    /** Quiet: the JIT's total compilation time grew by at most this percentage of the span's wall time. */
    static final int WARM_UP_JIT_PERCENT = 10;
    /** Calls after which agreeing times settle a warm-up whatever the first call took (no JIT figures). */
    static final int WARM_UP_MAX_CALLS = 2000;
    /** How much faster than the first (interpreted) call they must be (no JIT figures): C2's code, not C1's. */
    static final int WARM_UP_SPEEDUP = 20;

    /**
     * The options it runs with.
     *
     * @return the options
     */
    public NetworkOptions options() {
        return options;
    }

    /**
     * The logits of {@code batch} images, in a new array of {@code batch * classes()}.
     *
     * @param input {@code batch x inputSize()} floats, NCHW; not modified
     * @param batch images, at least 1
     * @return a new array
     */
    public float[] predict(float[] input, int batch) {
        float[] logits = new float[checkedLogits(batch)];
        predict(input, batch, logits, null);
        return logits;
    }

    /**
     * {@link #predict(float[], int, float[], LayerTimes)} without timing.
     *
     * @param input {@code batch x inputSize()} floats, NCHW; not modified
     * @param batch images, at least 1
     * @param logits logits, {@code rows x classes}
     */
    public void predict(float[] input, int batch, float[] logits) {
        predict(input, batch, logits, null);
    }

    /**
     * Runs the network.
     *
     * <p>Inputs must be finite: a NaN or an infinity is refused before anything runs (an infinite
     * input has no defined logits: the float layers turn it into NaN, {@code inf - inf} or
     * {@code inf * 0}, and the quantizers refuse NaN). A finite input so large that an activation
     * overflows float32 inside the network (beyond about {@code 3.4e38}, after the model's own
     * normalisation and weights) is refused too, naming the layer or logit where it showed: the
     * logits are always finite.
     *
     * @param input  {@code batch x inputSize()} floats, NCHW; not modified
     * @param batch  images, at least 1
     * @param logits receives {@code batch x classes()} logits; untouched if an exception is thrown
     * @param times  if not null, receives the time spent per layer kind (costs two
     *               {@link System#nanoTime()} calls per layer)
     * @throws IllegalArgumentException for a bad batch (below 1, or making an activation too large
     *                                  for a Java array, naming the layer) or array length (naming
     *                                  it), a NaN or infinite input (naming its index and value), or
     *                                  a finite input that overflows float32 inside the network
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
            if (!Float.isFinite(input[i])) {
                throw new IllegalArgumentException("input[" + i + "] is " + input[i] + "; inputs must be finite");
            }
        }
        if (batch == 1) {
            Workspace ws = workspaces.acquire();
            try {
                image(ws, input, 0, logits, times); // its logits are written last: untouched if it throws
            } finally {
                workspaces.release(ws);
            }
        } else {
            Images task = imageTasks.acquire();
            try {
                if (task.staged.length < expectedLogits) {
                    task.staged = new float[expectedLogits];
                }
                task.input = input;
                if (times == null && options.threads() > 1) {
                    // each thread takes whole images: no synchronisation per layer
                    options.engine().runRanges(batch, batch, task);
                } else {
                    Workspace ws = workspaces.acquire();
                    try {
                        for (int n = 0; n < batch; n++) {
                            image(ws, input, n, task.staged, times);
                        }
                    } finally {
                        workspaces.release(ws);
                    }
                }
                System.arraycopy(task.staged, 0, logits, 0, expectedLogits);
            } finally {
                task.input = null;
                imageTasks.release(task);
            }
        }
        if (times != null) {
            times.countImages(batch);
        }
    }

    /**
     * The refusal of a finite input whose activations left float32 inside the network (an
     * infinity, then NaN from {@code inf - inf} or {@code inf * 0}): it names where and the
     * input's largest magnitude.
     */
    private static IllegalArgumentException overflow(float[] input, String where, Exception cause) {
        float max = 0;
        for (float v : input) {
            max = Math.max(max, Math.abs(v));
        }
        return new IllegalArgumentException("float32 overflowed inside the network " + where + ": the input is "
                + "finite but its values, up to " + max + " in magnitude, are too large for this network", cause);
    }

    private static boolean allFinite(float[] x) {
        for (float v : x) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    private static String describe(Layer<?> l) {
        return l.describe().lines().findFirst().orElse("");
    }

    /**
     * Image {@code n} of {@code input} through every layer in {@code ws}, its logits to
     * {@code logits} at {@code n * classes}. A batch runs image by image: each image's
     * activations stay in the caches of the thread running it (a layer-by-layer walk over a whole
     * batch would push them out), and a batch's logits are each image's batch-1 logits, bit for bit.
     */
    private void image(Workspace ws, float[] input, int n, float[] logits, LayerTimes times) {
        if (ws.layers == null) {
            size(ws);
        }
        float[] x = input;
        if (input.length != this.input.size()) {
            System.arraycopy(input, n * this.input.size(), ws.image, 0, this.input.size());
            x = ws.image;
        }
        for (int i = 0; i < ws.layers.length; i++) {
            Layer.Bound<?> l = ws.layers[i];
            float[] y = ws.outputs[i];
            try {
                if (times == null || l.layer().timesItself()) {
                    l.forward(x, y, 1, times);
                } else {
                    long t0 = System.nanoTime();
                    l.forward(x, y, 1, times);
                    times.add(l.layer().kind, System.nanoTime() - t0);
                }
            } catch (IllegalArgumentException e) {
                // the input is checked before any layer runs: a layer's NaN refusal is of a NaN made inside the network
                if (i > 0 && !allFinite(x)) {
                    throw overflow(input, "before layer " + i + " (" + describe(layers.get(i)) + ") in image " + n, e);
                }
                // a layer that quantizes its output for the next one refuses a NaN there: its output is complete
                if (!allFinite(y)) {
                    throw overflow(input, "in the output of layer " + i + " (" + describe(layers.get(i)) + ") in image "
                            + n, e);
                }
                throw e;
            }
            x = y;
        }
        for (int j = 0; j < classes; j++) {
            if (!Float.isFinite(x[j])) {
                throw overflow(input, "in logit " + j + " of image " + n + " (" + x[j] + "), the output of layer "
                        + (layers.size() - 1) + " (" + describe(layers.getLast()) + ")", null);
            }
        }
        System.arraycopy(x, 0, logits, n * classes, classes);
    }

    /**
     * Makes {@code ws}'s buffers for one image, all of them before any is stored: an allocation
     * that fails ({@link OutOfMemoryError}) leaves the workspace unsized.
     */
    private void size(Workspace ws) {
        float[][] outputs = new float[layers.size()][];
        Layer.Bound<?>[] bound = new Layer.Bound<?>[layers.size()];
        for (int i = 0; i < layers.size(); i++) {
            Layer<?> l = layers.get(i);
            outputs[i] = new float[l.out.size()];
            bound[i] = l.bind(1);
        }
        // a block whose next block quantizes its input writes that input's codes from its epilogue: the
        // layers of a workspace always run in order, so the next block finds them written
        for (int i = 0; i + 1 < layers.size(); i++) {
            if (layers.get(i) instanceof BasicBlock b && layers.get(i + 1) instanceof BasicBlock next) {
                b.link((BasicBlock.Scratch) bound[i].scratch(), next, (BasicBlock.Scratch) bound[i + 1].scratch());
            }
        }
        ws.image = new float[input.size()];
        ws.outputs = outputs;
        ws.layers = bound;
    }

    /**
     * {@code batch * classes}, after checking that every activation of {@code batch} images fits
     * a Java array.
     */
    private int checkedLogits(int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1, got " + batch);
        }
        if ((long) batch * input.size() > MAX_ARRAY) {
            throw new IllegalArgumentException("batch " + batch + " is too large: its input, " + batch + " x " + input
                    + ", exceeds a Java array");
        }
        for (int i = 0; i < layers.size(); i++) {
            Layer<?> l = layers.get(i);
            if ((long) batch * l.out.size() > MAX_ARRAY) {
                throw new IllegalArgumentException("batch " + batch + " is too large: the output of layer " + i + " ("
                        + describe(l) + "), " + batch + " x " + l.out
                        + ", exceeds a Java array");
            }
        }
        return batch * classes;
    }

    /** The largest array the runtime makes (a little below {@link Integer#MAX_VALUE}, as the JDK's collections). */
    static final int MAX_ARRAY = Integer.MAX_VALUE - 16;

    /**
     * The predicted class of each of {@code batch} images: the argmax of its logits (the first on ties).
     *
     * @param input {@code batch x inputSize()} floats, NCHW; not modified
     * @param batch images, at least 1
     * @return a new array
     */
    public int[] classify(float[] input, int batch) {
        return argmax(predict(input, batch), classes);
    }

    /**
     * Row-wise argmax of {@code rows x classes} logits: the first index of the largest value
     * (NaN never wins unless a row is all NaN, then 0).
     *
     * @param logits logits, {@code rows x classes}
     * @param classes classes per row
     * @return a new array
     * @throws IllegalArgumentException if {@code logits.length} is not a multiple of {@code classes}
     */
    public static int[] argmax(float[] logits, int classes) {
        Objects.requireNonNull(logits, "logits");
        if (classes < 1 || logits.length % classes != 0) {
            throw new IllegalArgumentException("logits.length " + logits.length + " is not a multiple of classes "
                    + classes);
        }
        int[] out = new int[logits.length / classes];
        for (int r = 0; r < out.length; r++) {
            int best = -1;
            float bv = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                float v = logits[r * classes + c];
                if (best < 0 ? v == v : v > bv) { // the first non-NaN, then a larger one
                    bv = v;
                    best = c;
                }
            }
            out[r] = Math.max(best, 0);
        }
        return out;
    }

    /**
     * Row-wise softmax of {@code rows x classes} logits into a new array, computed stably
     * (maximum subtracted, in double, rounded to float once). A logit of {@code -inf} (a masked
     * class) has probability 0; NaN, {@code +inf} and a row of {@code -inf} only have no softmax and
     * are refused.
     *
     * @param logits logits, {@code rows x classes}
     * @param classes classes per row
     * @return a new array
     * @throws IllegalArgumentException if {@code logits.length} is not a multiple of {@code classes},
     *                                  or for a NaN or {@code +inf} logit or a row of {@code -inf}
     *                                  only (naming the index)
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
                float v = logits[r + c];
                if (v != v || v == Float.POSITIVE_INFINITY) {
                    throw new IllegalArgumentException("logits[" + (r + c) + "] is " + v + "; softmax needs finite "
                            + "logits (or -Infinity for a masked class)");
                }
                max = Math.max(max, v);
            }
            if (max == Double.NEGATIVE_INFINITY) {
                throw new IllegalArgumentException("logits[" + r + ".." + (r + classes - 1) + "] are all -Infinity: "
                        + "that row has no softmax");
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

    /**
     * The layers, one per line, with BatchNorms shown folded.
     *
     * @return the layers, one per line, with BatchNorms shown folded
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Network ").append(name).append(": input ").append(input)
                .append(", ").append(classes).append(" classes, ").append(options.floatGemm().name())
                .append(" float GEMM, ").append(options.engine()).append('\n');
        for (Layer<?> l : layers) {
            sb.append("  ").append(l.describe()).append('\n');
        }
        return sb.toString();
    }
}
