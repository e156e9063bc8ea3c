package io.github.trit4j;

import io.github.trit4j.internal.kernel.BitKernels;
import io.github.trit4j.internal.kernel.ColumnPanels;
import io.github.trit4j.internal.kernel.Epilogue;
import io.github.trit4j.internal.kernel.Kernel;
import io.github.trit4j.internal.kernel.KernelProvider;
import io.github.trit4j.internal.kernel.Operand;
import io.github.trit4j.internal.kernel.WarmUpLoop;

import java.time.Duration;
import java.util.EnumMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Packed GEMM on one kernel shape: {@code out[i*N + j] = sum_k W[i][k] * X[j][k]} for
 * weights W (M x K) and activations X (N x K). {@link Gemm} is the same on the shape
 * chosen for this JVM; this class lets a caller (a test, a benchmark) pin a shape.
 *
 * <p>Supported pairs (weights x activations): {@code TERNARY x TERNARY_UNSIGNED} (FATNN),
 * {@code TERNARY x TWO_BIT}, {@code TERNARY x TERNARY}, {@code TWO_BIT x TWO_BIT},
 * {@code BINARY x BINARY}.
 *
 * <p>Multi-threaded products run on the calling thread and, by default, on trit4j's helper
 * threads: at most {@code availableProcessors - 1} daemon threads ({@code trit4j-helper-N}),
 * started on first use and kept for the life of the JVM; after a product a helper spins for
 * {@code -Dtrit4j.spinMicros} microseconds (default 200) waiting for the next one, then parks,
 * because waking a parked thread costs as much as a small product's share. A helper works for
 * one product at a time, and a product takes only the helpers that are free when it starts:
 * however many products run at once, at most {@code availableProcessors - 1} threads help
 * them, and a product that finds every helper busy runs on its caller alone. No other pool is
 * drawn in; {@link #withExecutor} runs the helpers on a pool of the caller's choosing instead.
 *
 * <p>K is limited so that the largest possible result fits an {@code int}:
 * {@code K * max|w| * max|x| <= Integer.MAX_VALUE}, that is K up to 2^31 - 1 for
 * {@code TERNARY x TERNARY} and {@code BINARY x BINARY}, 2^30 - 1 for FATNN,
 * 715,827,882 for {@code TERNARY x TWO_BIT} and 238,609,294 for {@code TWO_BIT x TWO_BIT}.
 * Raw popcount sums and their corrections may pass {@code int} on the way (FATNN on ternary
 * activations sums up to 2K before subtracting K); every kernel only adds, subtracts and
 * multiplies {@code int}s, which wrap exactly, so the final result is exact whenever it fits.
 *
 * <p>Failures: bad input is an {@link IllegalArgumentException} thrown before anything is
 * written. An executor that rejects or fails to take a helper task only leaves more work to the
 * caller. Should a chunk itself fail (an {@link Error} inside a kernel, on any thread), the call
 * throws that error once every chunk already started has ended, the output array then being
 * partly written; should a helper abandon a chunk without finishing it (an error outside the
 * chunk's own accounting), the call throws an {@link IllegalStateException} within about a
 * tenth of a second of the product's other work ending. In every case no task of the product
 * writes to the output after the call has returned or thrown.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class GemmEngine {

    /** The supported pairs, for messages. */
    static final String SUPPORTED_PAIRS = "TERNARY x TERNARY_UNSIGNED, TERNARY x TWO_BIT, TERNARY x TERNARY, "
            + "TWO_BIT x TWO_BIT, BINARY x BINARY";

    /** System property with the default thread count of every engine; default: available processors. */
    public static final String THREADS_PROPERTY = "trit4j.threads";

    /** Below this many multiply-accumulates a product runs on the calling thread alone. */
    static final long PARALLEL_THRESHOLD_MACS = 1L << 22;

    private static final Map<Isa, GemmEngine> ENGINES = new EnumMap<>(Isa.class);

    private final BitKernels kernels;
    private final int threads;
    private final Executor executor;
    private final long parallelThreshold;
    private final int panelBlockBytes;
    /** Tests: told of every chunk of a parallel product; null otherwise. */
    private final ChunkObserver observer;

    private GemmEngine(BitKernels kernels, int threads, Executor executor, long parallelThreshold,
                       int panelBlockBytes, ChunkObserver observer) {
        this.kernels = kernels;
        this.threads = threads;
        this.executor = executor;
        this.parallelThreshold = parallelThreshold;
        this.panelBlockBytes = panelBlockBytes;
        this.observer = observer;
    }

    /** Tests: sees each chunk of a parallel product start and end, on the thread that runs it. */
    interface ChunkObserver {
        void started(int chunk);

        void ended(int chunk);
    }

    /**
     * The engine for a shape. Any shape works on any host that has the vector module;
     * one wider than the hardware is correct but slow.
     *
     * @param isa the kernel shape
     * @return the engine of that shape, one per shape and JVM
     * @throws NullPointerException  if {@code isa} is null
     * @throws IllegalStateException    if {@code isa} needs {@code jdk.incubator.vector} and the
     *                                  JVM was started without it
     * @throws IllegalArgumentException if {@code -Dtrit4j.threads} or {@code -Dtrit4j.spinMicros}
     *                                  is set to something that is not a count
     */
    public static GemmEngine of(Isa isa) {
        Objects.requireNonNull(isa, "isa");
        synchronized (ENGINES) {
            GemmEngine engine = ENGINES.get(isa);
            if (engine == null) {
                ProductWorkers.spinNanos(); // a bad -Dtrit4j.spinMicros fails here, not in a product
                engine = new GemmEngine(KernelProvider.create(isa), defaultThreads(), null, PARALLEL_THRESHOLD_MACS,
                        PANEL_BLOCK_BYTES, null);
                ENGINES.put(isa, engine);
            }
            return engine;
        }
    }

    /**
     * The same kernels on {@code threads} threads: the output is split into disjoint chunks
     * (a few per thread; none for small products), which the calling thread and up to
     * {@code threads - 1} helpers take in turn. Results are identical for any thread count.
     *
     * <p>On trit4j's own helpers (no {@link #withExecutor}), the helpers a product gets are
     * those free when it starts, at most {@code availableProcessors - 1} across every product
     * running in the JVM: {@code threads} above the processor count adds nothing, and many
     * callers each asking for several threads on few cores get their caller plus whatever
     * helper is free (often none), never more threads than cores working for them. With
     * {@link #withExecutor}, {@code threads - 1} tasks go to the executor per product, and the
     * executor's own size bounds them.
     *
     * @param threads the most threads a product may use, the caller included
     * @return a new engine
     * @throws IllegalArgumentException if {@code threads < 1}
     */
    public GemmEngine withThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        return new GemmEngine(kernels, threads, executor, parallelThreshold, panelBlockBytes, observer);
    }

    /**
     * The same kernels, running the helpers of a multi-threaded product on {@code executor}
     * instead of trit4j's own helper threads (see the class comment). The calling thread always
     * works too and returns once every chunk is done; an executor that is slow to run, rejects,
     * or throws anything from {@code execute} (logged once per JVM at WARNING) leaves more chunks
     * to the caller, never a stalled or failed product. A task that the executor runs after
     * the product has returned finds nothing to do.
     *
     * @param executor runs the helper tasks of a product
     * @return a new engine
     * @throws NullPointerException if {@code executor} is null
     */
    public GemmEngine withExecutor(Executor executor) {
        return new GemmEngine(kernels, threads, Objects.requireNonNull(executor, "executor"), parallelThreshold,
                panelBlockBytes, observer);
    }

    /** Tests: the same engine splitting products from {@code macs} multiply-accumulates up. */
    GemmEngine withParallelThreshold(long macs) {
        return new GemmEngine(kernels, threads, executor, macs, panelBlockBytes, observer);
    }

    /** Tests: the same engine with macro-kernel blocks of at most {@code bytes} of panels (at least 2 panels). */
    GemmEngine withPanelBlockBytes(int bytes) {
        return new GemmEngine(kernels, threads, executor, parallelThreshold, bytes, observer);
    }

    /** Tests: the same engine telling {@code observer} of every chunk of its parallel products. */
    GemmEngine withChunkObserver(ChunkObserver observer) {
        return new GemmEngine(kernels, threads, executor, parallelThreshold, panelBlockBytes, observer);
    }

    /**
     * Number of threads a product may use.
     *
     * @return the thread count, at least 1
     */
    public int threads() {
        return threads;
    }

    private static int defaultThreads() {
        return (int) countProperty(THREADS_PROPERTY, Runtime.getRuntime().availableProcessors(), 1,
                Integer.MAX_VALUE, "a thread count >= 1");
    }

    /**
     * A whole-number system property in {@code [min, max]}, or {@code fallback} when unset or
     * blank; the one parser of trit4j's numeric settings.
     *
     * @throws IllegalArgumentException naming the property and its value if it is not
     *                                  {@code what}
     */
    static long countProperty(String name, long fallback, long min, long max, String what) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            long v = Long.parseLong(value.trim());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException("-D" + name + "=" + value + " is not " + what);
    }

    /**
     * The shape this engine's kernels are written for.
     *
     * @return the shape
     */
    public Isa isa() {
        return kernels.isa();
    }

    /**
     * {@link #multiply(PackedMatrix, PackedMatrix, Algorithm, int[])} with FATNN, into a new array.
     *
     * @param weights     M x K, one row per output channel
     * @param activations N x K, one row per output column
     * @return the M*N results, row-major
     */
    public int[] multiply(PackedMatrix weights, PackedMatrix activations) {
        return multiply(weights, activations, Algorithm.FATNN);
    }

    /**
     * {@link #multiply(PackedMatrix, PackedMatrix, Algorithm, int[])} into a new array of M*N.
     *
     * @param weights     M x K, one row per output channel
     * @param activations N x K, one row per output column
     * @param algorithm   FATNN or CONVENTIONAL (same result)
     * @return the M*N results, row-major
     */
    public int[] multiply(PackedMatrix weights, PackedMatrix activations, Algorithm algorithm) {
        checkOperands(weights, activations, algorithm);
        int[] out = new int[outputLength(weights, activations)];
        compute(weights, activations, algorithm, out);
        return out;
    }

    /**
     * {@link #multiply(PackedMatrix, PackedMatrix, Algorithm, int[])} with FATNN.
     *
     * @param weights     M x K, one row per output channel
     * @param activations N x K, one row per output column
     * @param out         receives the M*N results, row-major
     */
    public void multiply(PackedMatrix weights, PackedMatrix activations, int[] out) {
        multiply(weights, activations, Algorithm.FATNN, out);
    }

    /**
     * Computes {@code out[i*N + j] = sum_k W[i][k] * X[j][k]}, exactly.
     *
     * @param weights     M x K, one row per output channel
     * @param activations N x K, one row per output column
     * @param algorithm   FATNN or the conventional 2-bit-code algorithm (same result)
     * @param out         receives M*N results, row-major; untouched if an IllegalArgumentException
     *                    is thrown (an Error during the product may leave it partly written, see
     *                    the class comment)
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if the pair is unsupported, K differs, or
     *                                  {@code out.length != M*N}
     */
    public void multiply(PackedMatrix weights, PackedMatrix activations, Algorithm algorithm, int[] out) {
        checkOperands(weights, activations, algorithm);
        Objects.requireNonNull(out, "out");
        int expected = outputLength(weights, activations);
        if (out.length != expected) {
            throw new IllegalArgumentException("out.length is " + out.length + " but M * N = "
                    + weights.rows() + " * " + activations.rows() + " = " + expected);
        }
        compute(weights, activations, algorithm, out);
    }

    private void compute(PackedMatrix w, PackedMatrix x, Algorithm algorithm, int[] out) {
        compute(w, x, algorithm, out, null, null, null, null);
    }

    /**
     * Computes the product into {@code out}, or, when {@code f} is not null, through {@code f} into
     * {@code floatOut} (with {@code residual}, which may be null), {@code out} then being null.
     */
    private void compute(PackedMatrix w, PackedMatrix x, Algorithm algorithm, int[] out, FloatEpilogue f,
                         float[] residual, float[] floatOut, TileConsumer sink) {
        Kernel kernel = kernel(w.precision(), x.precision(), algorithm);
        Operand wo = w.operand();
        Operand xo = x.operand();
        // each kernel reads its own view of the operands (the conventional algorithm's 2-bit codes,
        // ternary activations as offset thermometer planes); the epilogue is of the operands as given
        run(kernel, wo.asWeights(kernel), xo.asActivations(kernel), Operand.epilogue(kernel, wo, xo), out, f,
                residual, floatOut, sink);
    }

    /**
     * The product through a float epilogue, fused: {@code out[i*N + j] = epilogue(i, W[i] . X[j],
     * residual[i*N + j])}, that is {@code (float) acc * scale[i] + bias[i]}, then
     * {@code + residual[i*N + j]} when {@code residual} is not null, then {@code max(., 0)} when
     * {@link FloatEpilogue#relu()}, in float32 in that order ({@link FloatEpilogue#apply(int, int,
     * float)} gives each output). The integer results are those of {@link #multiply(PackedMatrix,
     * PackedMatrix, Algorithm, int[])}, exactly; the epilogue runs on each block of a few rows while
     * it is in cache, so no int array of the whole output is written or read (each thread keeps one
     * buffer of a few output rows, reused by its next products). Results are identical for any
     * thread count and to the unfused product followed by the epilogue.
     *
     * @param weights     M x K, one row per output channel
     * @param activations N x K, one row per output column
     * @param algorithm   FATNN or the conventional 2-bit-code algorithm (same result)
     * @param epilogue    M rows of scale and bias, and the ReLU flag
     * @param residual    M*N values added before the ReLU, row-major, or null for none; may be
     *                    {@code out} itself
     * @param out         receives the M*N results, row-major; untouched if an
     *                    IllegalArgumentException is thrown
     * @throws NullPointerException     if an argument other than {@code residual} is null
     * @throws IllegalArgumentException if the pair is unsupported, K differs, {@code epilogue.rows() != M},
     *                                  or {@code out.length} or {@code residual.length} is not M*N
     */
    public void multiply(PackedMatrix weights, PackedMatrix activations, Algorithm algorithm, FloatEpilogue epilogue,
                         float[] residual, float[] out) {
        multiply(weights, activations, algorithm, epilogue, residual, out, null);
    }

    /**
     * {@link #multiply(PackedMatrix, PackedMatrix, Algorithm, FloatEpilogue, float[], float[])}, and
     * each block of finished outputs handed to {@code consumer} right after the epilogue wrote it,
     * while it is in cache ({@link TileConsumer}: how a convolution quantizes its output for the next
     * one without a pass of its own). The results in {@code out} are the same.
     *
     * @param weights     M x K, one row per output channel
     * @param activations N x K, one row per output column
     * @param algorithm   FATNN or the conventional 2-bit-code algorithm (same result)
     * @param epilogue    M rows of scale and bias, and the ReLU flag
     * @param residual    M*N values added before the ReLU, row-major, or null for none; may be
     *                    {@code out} itself
     * @param out         receives the M*N results, row-major; untouched if an
     *                    IllegalArgumentException is thrown; null for none when {@code consumer} is not
     *                    null (the consumer then sees each block in a buffer of this thread's)
     * @param consumer    called with every finished block (see {@link TileConsumer} for the blocks
     *                    and threads), or null for none
     * @throws NullPointerException     if an argument other than {@code residual}, {@code out} or
     *                                  {@code consumer} is null, or both of these are
     * @throws IllegalArgumentException as the overload without {@code consumer}
     */
    public void multiply(PackedMatrix weights, PackedMatrix activations, Algorithm algorithm, FloatEpilogue epilogue,
                         float[] residual, float[] out, TileConsumer consumer) {
        checkOperands(weights, activations, algorithm);
        Objects.requireNonNull(epilogue, "epilogue");
        if (consumer == null) {
            Objects.requireNonNull(out, "out");
        }
        int expected = outputLength(weights, activations);
        if (epilogue.rows() != weights.rows()) {
            throw new IllegalArgumentException("epilogue has " + epilogue.rows() + " rows but the weights (M) "
                    + weights.rows());
        }
        if (out != null && out.length != expected) {
            throw new IllegalArgumentException("out.length is " + out.length + " but M * N = "
                    + weights.rows() + " * " + activations.rows() + " = " + expected);
        }
        if (residual != null && residual.length != expected) {
            throw new IllegalArgumentException("residual.length is " + residual.length + " but M * N = "
                    + weights.rows() + " * " + activations.rows() + " = " + expected);
        }
        compute(weights, activations, algorithm, null, epilogue, residual, out, consumer);
    }

    /** The kernel of a supported pair. */
    private static Kernel kernel(Precision pw, Precision px, Algorithm algorithm) {
        return switch (pw) {
            case TERNARY -> algorithm == Algorithm.CONVENTIONAL
                    ? (px == Precision.TERNARY ? Kernel.CONVENTIONAL_TERNARY : Kernel.CONVENTIONAL_UNSIGNED)
                    : switch (px) {
                        case TERNARY_UNSIGNED -> Kernel.FATNN;
                        case TWO_BIT -> Kernel.TERNARY_TWO_BIT;
                        case TERNARY -> Kernel.TERNARY_TERNARY;
                        default -> throw new AssertionError(px);
                    };
            case TWO_BIT -> Kernel.TWO_BIT;
            case BINARY -> Kernel.BINARY;
            default -> throw new AssertionError(pw);
        };
    }

    /**
     * Runs one raw product. Where the shape has lane-per-column kernels and N fills at
     * least one panel, activations go through column panels (K padded to 64 bits only);
     * otherwise (small N, such as a batch-1 linear layer, and binary on shapes without binary
     * panel kernels) the kernels vectorise along K. The output is cut into disjoint blocks along M or along N, whichever has
     * more tiles, one block per thread.
     */
    private void run(Kernel kernel, Operand w, Operand x, Epilogue e, int[] out, FloatEpilogue f, float[] residual,
                     float[] floatOut, TileConsumer sink) {
        int m = w.rows();
        int n = x.rows();
        int words = w.wordsPerRow();
        int lanes = panelLanes(kernel.sum(), n);
        boolean panelled = lanes > 0;
        long[] xBits = panelled ? x.columnPanels(lanes) : x.bits();
        int kWords = ColumnPanels.kWords(w.cols());
        int columnUnits = panelled ? (n + lanes - 1) / lanes : n; // panels, or columns
        int panelBlock = panelled ? panelsPerBlock(kWords, x.precision().planes(), lanes, panelBlockBytes) : 0;
        if (sink != null && panelled) {
            // a consumer's blocks start at multiples of 64 columns (TileConsumer): whole words of 64 columns
            int unit = 64 % lanes == 0 ? Math.max(2, 64 / lanes) : columnUnits;
            panelBlock = (panelBlock + unit - 1) / unit * unit;
        }
        long[] wBits = w.bits();
        long macs = (long) m * n * w.cols();
        int parts = macs < parallelThreshold ? 1 : threads;
        if (parts == 1) { // no task objects: a steady-state product allocates nothing but its result
            block(kernel, wBits, xBits, words, kWords, panelBlock, e, out, f, residual, floatOut, sink, n, 0, m, 0,
                    columnUnits);
            return;
        }
        // split the longer side into chunks of whole 2-tiles, a few per thread, taken by
        // whichever thread is free (the caller from the front, helpers from the back): the
        // caller starts at once and does not wait for a worker that wakes late, and an executor
        // that never runs our task cannot stall the product
        boolean byRows = (m + 1) / 2 >= (columnUnits + 1) / 2;
        // a consumer's threads must not share a 64-column word of a row (TileConsumer): split by columns
        // only at multiples of 64 columns
        int perTile = 2;
        if (sink != null && !byRows) {
            if (panelled && 64 % lanes != 0) { // then one block spans every column (above)
                byRows = true;
            } else {
                perTile = Math.max(2, panelled ? 64 / lanes : 64);
            }
        }
        int units = byRows ? m : columnUnits;
        int tiles = (units + perTile - 1) / perTile;
        int chunks = Math.min(tiles, parts * CHUNKS_PER_THREAD);
        int wanted = Math.min(parts, chunks) - 1;
        // the chunk state and the chunk's operands are kept between products (the calling
        // platform thread's own, or pooled for virtual threads): no task object per product
        Chunks work = Chunks.acquire();
        try {
            ProductWork p = work.product;
            if (p == null) {
                p = new ProductWork();
                work.product = p;
            }
            p.set(this, kernel, wBits, xBits, words, kWords, panelBlock, e, out, n, m, units, columnUnits, byRows);
            p.f = f;
            p.residual = residual;
            p.floatOut = floatOut;
            p.sink = sink;
            p.perTile = perTile;
            work.start(tiles, chunks, wanted, p);
            runChunks(work, wanted);
        } finally {
            work.release();
        }
    }

    /**
     * One chunk of a product: chunk {@code c} is 2-tiles {@code [from, to)} of the longer side.
     * The operands are set per product by its caller and cleared after it (so that the calling
     * thread's kept state pins no array).
     */
    static final class ProductWork implements Chunks.Work {
        private GemmEngine engine;
        private Kernel kernel;
        private long[] wBits;
        private long[] xBits;
        private int words;
        private int kWords;
        private int panelBlock;
        private Epilogue e;
        private int[] out;
        private int n;
        private int m;
        private int units;
        private int columnUnits;
        private boolean byRows;
        private FloatEpilogue f;
        private float[] residual;
        private float[] floatOut;
        private TileConsumer sink;
        /** Units (rows or column units) per tile of the chunks: 2, or a multiple of 64 columns for a consumer. */
        private int perTile = 2;

        void set(GemmEngine engine, Kernel kernel, long[] wBits, long[] xBits, int words, int kWords, int panelBlock,
                 Epilogue e, int[] out, int n, int m, int units, int columnUnits, boolean byRows) {
            this.engine = engine;
            this.kernel = kernel;
            this.wBits = wBits;
            this.xBits = xBits;
            this.words = words;
            this.kWords = kWords;
            this.panelBlock = panelBlock;
            this.e = e;
            this.out = out;
            this.n = n;
            this.m = m;
            this.units = units;
            this.columnUnits = columnUnits;
            this.byRows = byRows;
        }

        void clear() {
            set(null, null, null, null, 0, 0, 0, null, null, 0, 0, 0, 0, false);
            f = null;
            residual = null;
            floatOut = null;
            sink = null;
            perTile = 2;
        }

        @Override
        public void run(int chunk, int fromTile, int toTile) {
            ChunkObserver seen = engine.observer;
            if (seen != null) {
                seen.started(chunk);
            }
            int from = (int) Math.min(units, (long) perTile * fromTile);
            int to = (int) Math.min(units, (long) perTile * toTile);
            if (byRows) {
                engine.block(kernel, wBits, xBits, words, kWords, panelBlock, e, out, f, residual, floatOut, sink, n,
                        from, to, 0, columnUnits);
            } else {
                engine.block(kernel, wBits, xBits, words, kWords, panelBlock, e, out, f, residual, floatOut, sink, n,
                        0, m, from, to);
            }
            if (seen != null) {
                seen.ended(chunk);
            }
        }
    }

    /**
     * Runs {@code task} over units {@code [0, units)} cut into {@code ranges} contiguous ranges,
     * on the calling thread and up to {@code min(threads(), ranges) - 1} of this engine's helpers
     * (trit4j's helper threads, or the executor of {@link #withExecutor}): the machinery of the
     * engine's own multi-threaded products, for other modules' parallel loops (a float GEMM, an
     * im2col, a pooling layer), so that a program's parallel work shares one set of threads.
     *
     * <p>Range {@code r} is units {@code [units * r / ranges, units * (r + 1) / ranges)}, never
     * empty; {@code task.run} is called once per range, ranges on distinct threads possibly at
     * the same time. The calling thread takes ranges from the front, helpers from the back; with
     * one thread ({@code threads() == 1} or {@code ranges == 1}) the calling thread runs them all
     * in order and no helper is involved.
     *
     * <p>Failures, as for a product: the first exception or error a range throws (on any
     * thread) is rethrown once every range already started has ended, the ranges not yet
     * started are not run; a range that a helper abandoned without accounting for it (an error
     * outside the range, such as a stack overflow at the edge of a helper's stack) makes the call
     * throw an {@link IllegalStateException} within about a tenth of a second of the other
     * ranges ending. In every case no range runs after the call has returned or thrown. The call
     * waits only for ranges other threads are running, never for queued work (what no helper has
     * taken, the caller runs); an interrupt does not cut that wait short but stays set.
     *
     * <p>In steady state the call allocates nothing: the chunk state is reused between calls
     * (the calling platform thread's own, or one of a few pooled for virtual threads, so a
     * virtual thread per call does not make its own), so keep {@code task} as a field rather than
     * a capturing lambda per call. Thread-safe: any number of threads may call this at once, and a task may itself call
     * it (nested calls find the helpers busy and mostly run on their caller).
     *
     * @param units  the units to split, at least 1
     * @param ranges the number of ranges, in {@code [1, units]}
     * @param task   runs one range
     * @throws NullPointerException     if {@code task} is null
     * @throws IllegalArgumentException naming the value, if {@code units < 1} or {@code ranges}
     *                                  is outside {@code [1, units]}
     */
    public void runRanges(int units, int ranges, RangeTask task) {
        Objects.requireNonNull(task, "task");
        if (units < 1) {
            throw new IllegalArgumentException("units must be at least 1, got " + units);
        }
        if (ranges < 1 || ranges > units) {
            throw new IllegalArgumentException("ranges must be in [1, units = " + units + "], got " + ranges);
        }
        int parts = Math.min(threads, ranges);
        if (parts == 1) {
            for (int r = 0; r < ranges; r++) {
                task.run((int) ((long) units * r / ranges), (int) ((long) units * (r + 1) / ranges));
            }
            return;
        }
        Chunks work = Chunks.acquire();
        try {
            work.startRanges(units, ranges, parts - 1, task);
            runChunks(work, parts - 1);
        } finally {
            work.release();
        }
    }

    /**
     * Runs a started call: offers it to {@code wanted} helpers, takes chunks on the calling
     * thread, then cancels what is left, waits for the chunks taken and rethrows a failure.
     */
    private void runChunks(Chunks work, int wanted) {
        ProductWorkers workers = null;
        try {
            work.handingOut(wanted);
            int given;
            if (executor == null) {
                // trit4j's own helpers only, and only those free now: however many products run
                // at once, no more than availableProcessors - 1 helper threads work for them
                workers = ProductWorkers.shared();
                given = workers.offer(work, wanted);
            } else {
                given = handOut(executor, work, wanted);
            }
            work.handingOut(given - wanted);
            work.takeAll();
        } finally {
            if (workers != null) {
                // a helper that has not started its task by now would find no chunk: take the task
                // back, so that it does not keep this call's state out of use after the call
                work.handingOut(-workers.retract(work));
            }
            // whatever happened above, the call does not return before every chunk a helper
            // took has ended, and no chunk starts after it returns
            work.cancel();
            work.awaitTaken();
        }
        work.rethrow();
    }

    /**
     * Gives {@code helper} to {@code executor} up to {@code count} times. An executor that
     * rejects or fails to take a task (a {@code ThreadPoolExecutor} that cannot start a thread
     * throws OutOfMemoryError) only leaves its share to the caller: the product never depends
     * on a helper, so such a failure is not the product's, and it is logged once per JVM.
     *
     * @return how many tasks the executor may run: those it took, and one it threw on (but did
     *         not reject), which it may have taken first
     */
    private static int handOut(Executor executor, Runnable helper, int count) {
        for (int t = 0; t < count; t++) {
            try {
                executor.execute(helper);
            } catch (RejectedExecutionException rejected) {
                return t;
            } catch (RuntimeException | Error failed) {
                if (EXECUTOR_FAILURE_LOGGED.compareAndSet(false, true)) {
                    System.getLogger("io.github.trit4j").log(System.Logger.Level.WARNING, "executor " + executor
                            + " threw from execute(); the calling thread runs the helpers' share (logged once)",
                            failed);
                }
                // an executor may throw after taking the task (a queue that accepted it, then a
                // failure to start a thread): it may still run, so it stays counted as handed out
                return t + 1;
            }
        }
        return count;
    }

    private static final java.util.concurrent.atomic.AtomicBoolean EXECUTOR_FAILURE_LOGGED =
            new java.util.concurrent.atomic.AtomicBoolean();

    /** Lanes of the column panels a sum reads for N = {@code n}, or 0 if it reads rows along K. */
    private int panelLanes(Kernel.Sum sum, int n) {
        int lanes = kernels.panelLanes();
        boolean panelled = lanes > 0 && n >= lanes && kernels.hasPanels(sum);
        return panelled ? lanes : 0;
    }

    /**
     * The column-panel width in which this engine reads the activations of such a product,
     * or 0 when it reads them as rows (small N, shapes without lane-per-column kernels, and
     * products that first derive another view of the activations: ternary activations, and
     * the conventional algorithm on ternary weights unless the activations are 2-bit). A
     * packer that writes activations itself, such as im2col, can write this layout through
     * {@link PackedMatrix#fromColumnPanels} and save the engine a re-layout per call; any
     * layout gives the same result.
     *
     * @param weights     the weights' precision
     * @param activations the activations' precision
     * @param algorithm   the algorithm of the product
     * @param rows        rows of the activation matrix (N), at least 1
     * @return the panel width, or 0 for rows
     * @throws IllegalArgumentException if the pair is unsupported or {@code rows < 1}
     * @throws NullPointerException     if an argument is null
     */
    public int activationPanelLanes(Precision weights, Precision activations, Algorithm algorithm, int rows) {
        requireSupported(weights, activations);
        Objects.requireNonNull(algorithm, "algorithm");
        if (rows < 1) {
            throw new IllegalArgumentException("rows must be at least 1, got " + rows);
        }
        boolean derived = activations == Precision.TERNARY
                || (algorithm == Algorithm.CONVENTIONAL && weights == Precision.TERNARY
                    && activations != Precision.TWO_BIT);
        if (derived) {
            return 0;
        }
        return panelLanes(kernel(weights, activations, algorithm).sum(), rows);
    }

    /** Chunks per thread of a parallel product: enough to even out a late or slow thread. */
    static final int CHUNKS_PER_THREAD = 4;

    /** Bytes of column panels a macro-kernel block may hold: a quarter of a typical 1 MiB L2. */
    static final int PANEL_BLOCK_BYTES = 256 * 1024;

    /** Panels per macro-kernel block (even, at least 2) for panels of {@code planes} planes and {@code lanes} columns. */
    static int panelsPerBlock(int kWords, int planes, int lanes, int blockBytes) {
        long bytesPerPanel = (long) kWords * planes * lanes * Long.BYTES;
        return (int) Math.max(2, (blockBytes / bytesPerPanel) & ~1L);
    }

    /**
     * One block of outputs: rows [i0, i1) x column units [c0, c1), panels if
     * {@code panelBlock > 0} (then in macro-kernel blocks of that many panels, which stay in
     * L2 while every weight row of the block passes them), activation rows otherwise. With a float
     * epilogue {@code f}, into {@code floatOut} instead of {@code out} (see {@link #fusedBlock}).
     */
    private void block(Kernel kernel, long[] w, long[] x, int words, int kWords, int panelBlock,
                       Epilogue e, int[] out, FloatEpilogue f, float[] residual, float[] floatOut, TileConsumer sink,
                       int n, int i0, int i1, int c0, int c1) {
        if (f != null) {
            fusedBlock(kernel, w, x, words, kWords, panelBlock, e, f, residual, floatOut, sink, n, i0, i1, c0, c1);
            return;
        }
        if (panelBlock > 0) {
            for (int b0 = c0; b0 < c1; b0 += panelBlock) {
                int b1 = Math.min(c1, b0 + panelBlock);
                kernels.panels(kernel, w, words, x, kWords, i0, i1, b0, b1, e, out, n, 0);
            }
            return;
        }
        kernels.alongK(kernel, w, x, words, i0, i1, c0, c1, e, out, n, 0);
    }

    /** Ints of the output tile a fused block finishes at a time: 32 KiB, the size of a typical L1. */
    static final int FUSED_TILE_INTS = 8 * 1024;

    /**
     * Buffers of a fused block's integer results, grown on demand and then reused: a platform thread's own, a virtual
     * thread's from a small shared pool ({@link WorkspacePool}), so throwaway threads do not each allocate one.
     */
    private static final WorkspacePool<FusedTile> FUSED_TILE = new WorkspacePool<>(FusedTile::new);

    /** One thread's buffers of a fused block: a group's integer results, and its floats when the product writes none. */
    private static final class FusedTile {
        int[] ints = new int[0];
        float[] floats = new float[0];
    }

    /**
     * {@link #block} through a float epilogue, the one loop of every shape and kernel: the same
     * macro-kernel blocks, each cut into groups of a few rows (a multiple of 4, the micro-tiles'
     * height, sized so that the group's integer results fill about {@value #FUSED_TILE_INTS} ints);
     * the micro-kernels write a group's results into this thread's buffer of a few rows, and
     * {@link FloatEpilogue#applyRows} turns them into floats right after, while they are in cache.
     * The micro-kernels and their order over the block are those of the int product, so the
     * integer results are the same.
     */
    private void fusedBlock(Kernel kernel, long[] w, long[] x, int words, int kWords, int panelBlock,
                            Epilogue e, FloatEpilogue f, float[] residual, float[] floatOut, TileConsumer sink,
                            int n, int i0, int i1, int c0, int c1) {
        int lanes = panelBlock > 0 ? kernels.panelLanes() : 1;
        int span = panelBlock > 0 ? Math.min(c1 - c0, panelBlock) * lanes : c1 - c0; // columns per block
        int group = Math.clamp((FUSED_TILE_INTS / Math.max(1, span)) & ~3, 4, 256);
        group = Math.min(group, ((i1 - i0) + 3) & ~3);
        FusedTile holder = FUSED_TILE.acquire();
        try {
            if (holder.ints.length < group * n) {
                holder.ints = new int[group * n];
            }
            if (floatOut == null && holder.floats.length < group * n) {
                holder.floats = new float[group * n];
            }
            fusedGroups(kernel, w, x, words, kWords, panelBlock, e, f, residual, floatOut, sink, n, i0, i1, c0, c1,
                    lanes, group, holder.ints, holder.floats);
        } finally {
            FUSED_TILE.release(holder);
        }
    }

    /**
     * {@link #fusedBlock}'s loops over its groups of rows, with {@code tile} the buffer of one group, and
     * {@code floatTile} that of its floats when {@code floatOut} is null (a product for its consumer only).
     */
    private void fusedGroups(Kernel kernel, long[] w, long[] x, int words, int kWords, int panelBlock,
                             Epilogue e, FloatEpilogue f, float[] residual, float[] floatOut, TileConsumer sink,
                             int n, int i0, int i1, int c0, int c1, int lanes, int group, int[] tile,
                             float[] floatTile) {
        float[] dst = floatOut != null ? floatOut : floatTile;
        boolean own = floatOut == null; // the group's floats in floatTile: row g0 at 0
        if (panelBlock > 0) {
            for (int b0 = c0; b0 < c1; b0 += panelBlock) {
                int b1 = Math.min(c1, b0 + panelBlock);
                int j0 = b0 * lanes;
                int j1 = Math.min(n, b1 * lanes);
                for (int g0 = i0; g0 < i1; g0 += group) {
                    int g1 = Math.min(i1, g0 + group);
                    kernels.panels(kernel, w, words, x, kWords, g0, g1, b0, b1, e, tile, n, g0);
                    int row0 = own ? g0 : 0;
                    f.applyRows(tile, g0, g0, g1, j0, j1, n, residual, dst, row0);
                    if (sink != null) {
                        sink.accept(dst, -row0 * n, n, g0, g1, j0, j1);
                    }
                }
            }
            return;
        }
        for (int g0 = i0; g0 < i1; g0 += group) {
            int g1 = Math.min(i1, g0 + group);
            kernels.alongK(kernel, w, x, words, g0, g1, c0, c1, e, tile, n, g0);
            int row0 = own ? g0 : 0;
            f.applyRows(tile, g0, g0, g1, c0, c1, n, residual, dst, row0);
            if (sink != null) {
                sink.accept(dst, -row0 * n, n, g0, g1, c0, c1);
            }
        }
    }

    static void checkOperands(PackedMatrix w, PackedMatrix x, Algorithm algorithm) {
        Objects.requireNonNull(w, "weights");
        Objects.requireNonNull(x, "activations");
        Objects.requireNonNull(algorithm, "algorithm");
        requireSupported(w.precision(), x.precision());
        if (w.cols() != x.cols()) {
            throw new IllegalArgumentException("K mismatch: weights have " + w.cols()
                    + " columns, activations " + x.cols());
        }
        long maxAbs = (long) w.cols() * maxAbs(w.precision()) * maxAbs(x.precision());
        if (maxAbs > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("K = " + w.cols() + " is too long for " + w.precision() + " x "
                    + x.precision() + ": a dot product could reach " + maxAbs + ", beyond int");
        }
    }

    private static int outputLength(PackedMatrix w, PackedMatrix x) {
        long len = (long) w.rows() * x.rows();
        if (len > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("M * N = " + w.rows() + " * " + x.rows() + " = " + len
                    + " does not fit a Java array");
        }
        return (int) len;
    }

    private static int maxAbs(Precision p) {
        return Math.max(Math.abs(p.min()), Math.abs(p.max()));
    }

    /**
     * Whether trit4j multiplies this pair (weights x activations); see the class comment.
     *
     * @param weights     the weights' precision
     * @param activations the activations' precision
     * @return whether {@link #multiply} accepts the pair
     * @throws NullPointerException if an argument is null
     */
    public static boolean supports(Precision weights, Precision activations) {
        Objects.requireNonNull(weights, "weights");
        Objects.requireNonNull(activations, "activations");
        return switch (weights) {
            case TERNARY -> activations == Precision.TERNARY_UNSIGNED || activations == Precision.TWO_BIT
                    || activations == Precision.TERNARY;
            case TWO_BIT -> activations == Precision.TWO_BIT;
            case BINARY -> activations == Precision.BINARY;
            case TERNARY_UNSIGNED -> false;
        };
    }

    /**
     * Rejects a pair trit4j does not multiply, naming it and the supported ones; the one check
     * every entry point (GEMM, convolution, layers) uses.
     *
     * @param weights     the weights' precision
     * @param activations the activations' precision
     * @throws IllegalArgumentException if {@link #supports} is false
     * @throws NullPointerException     if an argument is null
     */
    public static void requireSupported(Precision weights, Precision activations) {
        if (!supports(weights, activations)) {
            throw new IllegalArgumentException("unsupported pair " + weights + " x " + activations
                    + " (weights x activations); supported: " + SUPPORTED_PAIRS);
        }
    }

    /** Default budget of {@link #warmUp(Precision, Precision, Algorithm)}. */
    public static final Duration DEFAULT_WARM_UP_BUDGET = Duration.ofSeconds(3);

    /**
     * {@link #warmUp(Precision, Precision, Algorithm, Duration)} of FATNN
     * ({@code TERNARY x TERNARY_UNSIGNED}) within {@link #DEFAULT_WARM_UP_BUDGET}.
     *
     * @return what the warm-up did
     */
    public WarmUp warmUp() {
        return warmUp(Precision.TERNARY, Precision.TERNARY_UNSIGNED, Algorithm.FATNN, DEFAULT_WARM_UP_BUDGET);
    }

    /**
     * {@link #warmUp(Precision, Precision, Algorithm, Duration)} within {@link #DEFAULT_WARM_UP_BUDGET}.
     *
     * @param weights     the weights' precision
     * @param activations the activations' precision
     * @param algorithm   the algorithm
     * @return what the warm-up did
     * @throws IllegalArgumentException if the pair is unsupported
     */
    public WarmUp warmUp(Precision weights, Precision activations, Algorithm algorithm) {
        return warmUp(weights, activations, algorithm, DEFAULT_WARM_UP_BUDGET);
    }

    /**
     * Gets this engine's kernels for one pair compiled before the first real product: runs
     * products of that pair on small operands of its own (on the calling thread: the wide path,
     * N of a few column panels, then the batch-1 path, N = 1) until the JIT's optimised code has
     * taken over, or {@code budget} is spent. A service calls it at
     * start-up, before it takes traffic; in a fresh JVM the first real product then runs
     * compiled code instead of the interpreter's (see docs/RESULTS.md, "Time to peak"). "Settled"
     * means: the wide path and then the batch-1 path each ran until their time per call showed
     * C2's code (the stopping rule of the internal warm-up loop: the median of a few rounds of a
     * few milliseconds a hundredth of the slowest round's, or a tenth of it with the last rounds
     * agreeing, or never much slower than now when compiled before). It takes about as
     * long as the cold first product of a ResNet-sized layer would have (the JIT needs the same
     * number of kernel calls either way), so it moves that cost rather than removing it; the
     * returned {@link WarmUp} says how long it took, so that the time from JVM start to full
     * speed stays visible.
     *
     * <p>It changes no result, now or later: it writes only its own arrays, and the JIT's code
     * computes what the interpreter does. It runs on the calling thread alone, whatever
     * {@link #threads()} is (C2 compiles a method once for every thread). The budget bounds it
     * (plus the product in progress, a few milliseconds once compiled); an interrupt ends it
     * after the round in progress, with the interrupt status kept and {@link WarmUp#settled()}
     * false. Calling it again, or after real products, is harmless and short. Thread-safe, as
     * the engine.
     *
     * @param weights     the weights' precision
     * @param activations the activations' precision
     * @param algorithm   the algorithm
     * @param budget      the longest it may run; positive
     * @return what the warm-up did
     * @throws IllegalArgumentException if the pair is unsupported or {@code budget} is not positive
     * @throws NullPointerException     if an argument is null
     */
    public WarmUp warmUp(Precision weights, Precision activations, Algorithm algorithm, Duration budget) {
        requireSupported(weights, activations);
        Objects.requireNonNull(algorithm, "algorithm");
        WarmUpLoop.checkBudget(budget);
        SplittableRandom random = WarmUpLoop.random();
        PackedMatrix w = PackedMatrix.pack(weights, WarmUpLoop.values(random, weights, WARM_UP_M * WARM_UP_K),
                WARM_UP_M, WARM_UP_K);
        PackedMatrix wide = PackedMatrix.pack(activations,
                WarmUpLoop.values(random, activations, WARM_UP_N * WARM_UP_K), WARM_UP_N, WARM_UP_K);
        PackedMatrix one = PackedMatrix.pack(activations, WarmUpLoop.values(random, activations, WARM_UP_K), 1,
                WARM_UP_K);
        GemmEngine single = threads == 1 ? this : withThreads(1);
        int[] outWide = new int[WARM_UP_M * WARM_UP_N];
        int[] outOne = new int[WARM_UP_M];
        // one path after the other, each until its own kernels have settled: the batch-1 path's share of a joint
        // call's time is too small to show whether its kernel is compiled
        long t0 = System.nanoTime();
        WarmUp first = WarmUpLoop.run(() -> single.multiply(w, wide, algorithm, outWide), WARM_UP_MIN_CALLS, budget);
        Duration left = budget.minusNanos(System.nanoTime() - t0);
        if (!first.settled() || left.isNegative() || left.isZero()) {
            return first;
        }
        return first.plus(WarmUpLoop.run(() -> single.multiply(w, one, algorithm, outOne), WARM_UP_MIN_CALLS, left));
    }

    /**
     * The warm-up's operands: M x K weights against N x K and 1 x K activations; N covers a few panels and an edge.
     * Many row tiles and a short K, so that the driver's loops (not only the micro-kernel's) pass C2's thresholds
     * within the minimum of calls.
     */
    static final int WARM_UP_M = 32;
    static final int WARM_UP_N = 53;
    static final int WARM_UP_K = 256;
    /**
     * Products per path at least: each calls its micro-kernel 16 times (4 words of K) from 8 row tiles, so C2's
     * thresholds (5000 calls, or 600 calls and 15000 calls plus loop iterations) are passed for the micro-kernel
     * within a few hundred products and for the driver within a thousand.
     */
    static final int WARM_UP_MIN_CALLS = 1000;

    @Override
    public String toString() {
        return "GemmEngine[" + isa() + ", " + threads + " threads]";
    }
}
