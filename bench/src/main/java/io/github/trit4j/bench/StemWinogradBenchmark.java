package io.github.trit4j.bench;

import io.github.trit4j.nn.gemm.FloatGemm;
import io.github.trit4j.nn.internal.WindowProduct;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static io.github.trit4j.bench.IntStemProducts.C;
import static io.github.trit4j.bench.IntStemProducts.H;
import static io.github.trit4j.bench.IntStemProducts.K;
import static io.github.trit4j.bench.IntStemProducts.M;
import static io.github.trit4j.bench.IntStemProducts.OH;
import static io.github.trit4j.bench.IntStemProducts.OW;
import static io.github.trit4j.bench.IntStemProducts.PAD;
import static io.github.trit4j.bench.IntStemProducts.PAD_ROWS;
import static io.github.trit4j.bench.IntStemProducts.PHASES;
import static io.github.trit4j.bench.IntStemProducts.PHASE_COLS;
import static io.github.trit4j.bench.IntStemProducts.PIXELS;
import static io.github.trit4j.bench.IntStemProducts.ROW_STRIDE;
import static io.github.trit4j.bench.IntStemProducts.SLACK;
import static io.github.trit4j.bench.IntStemProducts.STRIDE;

/**
 * "A Winograd stem?" (issue 18, item 3): ResNet-18's fp32 stem layer (7x7 stride 2 pad 3,
 * 3 -> 64, 224 x 224, folded BatchNorm and ReLU), one image, one thread, the whole layer: the
 * input's copy into stride phases, the product, the epilogue.
 * <ul>
 *   <li>{@code fp32Layer}: today's stem as nn's FloatConv runs it (the Vector API GEMM's window
 *       product per 2 output rows, then FloatConv's epilogue on those rows);</li>
 *   <li>{@code winogradLayer}: {@link WinogradStem} with tile {@code m} (1-D F(m, 4) along the rows
 *       of the polyphase split, direct along the columns).</li>
 * </ul>
 * The setup prints the largest difference of the two layers' outputs; {@link StemErrors} measures
 * their errors. Besides the wall time, each benchmark reports its thread's CPU time
 * ({@link StemProductBenchmark.CpuTime}: {@code cpuNanos / calls} per call).
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar StemWinogradBenchmark -f 1 -wi 5 -i 5 -w 1 -r 1
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules", "jdk.incubator.vector", "-Xms1g", "-Xmx1g"})
@Warmup(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
public class StemWinogradBenchmark {

    /** Winograd tile size (output rows per tile). */
    @Param({"4"})
    public int m;

    /** Output rows per fp32 window call, as FloatConv (about 256 pixels per call). */
    static final int FP32_ROWS = 2;

    private float[] image;
    private float[] phases;
    private float[] y;
    private float[] bias;
    private float[] g;
    private float[] shift;
    private WindowProduct fp32;
    private int[] taps;
    private WinogradStem winograd;

    @Setup
    public void setup() {
        SplittableRandom r = new SplittableRandom(42);
        float[] w = StemErrors.uniform(r, M * K, -0.3, 0.3);
        image = StemErrors.uniform(r, C * H * H, -2, 2);
        bias = StemErrors.uniform(r, M, -1, 1);
        g = StemErrors.uniform(r, M, 0.5, 2);
        shift = StemErrors.uniform(r, M, -1, 1);
        phases = new float[PHASES + SLACK];
        y = new float[M * PIXELS];
        taps = IntStemProducts.taps();
        fp32 = windowProduct(w);
        winograd = new WinogradStem(pointsFor(m), w, bias, g, shift);
        StemProductBenchmark.CpuTime none = new StemProductBenchmark.CpuTime();
        fp32Layer(none);
        float[] want = y.clone();
        winogradLayer(none);
        double worst = 0;
        for (int i = 0; i < y.length; i++) {
            worst = Math.max(worst, Math.abs(y[i] - want[i]));
        }
        System.out.println("\nwinograd m = " + m + " (" + winograd.points.points() + "), "
                + winograd.multipliesPerOutput() + " multiplies per output against " + K
                + "; max |winograd - fp32| after the epilogue: " + worst);
    }

    static WinogradStem.Points pointsFor(int m) {
        for (WinogradStem.Points p : WinogradStem.POINTS) {
            if (p.m() == m) {
                return p;
            }
        }
        throw new IllegalArgumentException("no point set for m = " + m);
    }

    static WindowProduct windowProduct(float[] w) {
        FloatGemm.Prepared prepared = FloatGemm.javaDefault().prepare(w, M, K);
        if (!(prepared instanceof WindowProduct wp) || !wp.takesWindows(K)) {
            throw new IllegalStateException("no window product for K = " + K);
        }
        return wp;
    }

    /** FloatConv's stride-phase copy (stride 2, pad 3, no normalize): only the image's cells are written. */
    static void toPhases(float[] x, float[] ph) {
        for (int ch = 0; ch < C; ch++) {
            for (int r = 0; r < STRIDE; r++) {
                int ix0 = Math.floorMod(r - PAD, STRIDE);
                int q0 = (ix0 + PAD) / STRIDE;
                int plane = (ch * STRIDE + r) * PAD_ROWS;
                for (int iy = 0; iy < H; iy++) {
                    int src = (ch * H + iy) * H + ix0;
                    int dst = (plane + iy + PAD) * PHASE_COLS + q0;
                    for (int ix = ix0; ix < H; ix += STRIDE, src += STRIDE, dst++) {
                        ph[dst] = x[src];
                    }
                }
            }
        }
    }

    @Benchmark
    public float[] fp32Layer(StemProductBenchmark.CpuTime cpu) {
        cpu.start();
        toPhases(image, phases);
        for (int oy = 0; oy < OH; oy += FP32_ROWS) {
            int oy1 = Math.min(OH, oy + FP32_ROWS);
            fp32.multiplyWindows(phases, taps, ROW_STRIDE, OW, oy, oy1, y, 0, PIXELS);
            epilogue(oy * OW, oy1 * OW);
        }
        cpu.stop();
        return y;
    }

    @Benchmark
    public float[] winogradLayer(StemProductBenchmark.CpuTime cpu) {
        cpu.start();
        toPhases(image, phases);
        winograd.forward(phases, y);
        cpu.stop();
        return y;
    }

    /** FloatConv's epilogue (bias, folded BatchNorm, ReLU) on columns [j0, j1) of every channel. */
    private void epilogue(int j0, int j1) {
        for (int o = 0; o < M; o++) {
            float b = bias[o];
            float go = g[o];
            float so = shift[o];
            for (int i = o * PIXELS + j0, to = o * PIXELS + j1; i < to; i++) {
                y[i] = Math.max((y[i] + b) * go + so, 0f);
            }
        }
    }
}
