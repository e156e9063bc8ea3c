package io.github.trit4j.bench;

import io.github.trit4j.nn.gemm.FloatGemm;
import io.github.trit4j.nn.internal.WindowProduct;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static io.github.trit4j.bench.IntStemProducts.C;
import static io.github.trit4j.bench.IntStemProducts.H;
import static io.github.trit4j.bench.IntStemProducts.K;
import static io.github.trit4j.bench.IntStemProducts.M;
import static io.github.trit4j.bench.IntStemProducts.OH;
import static io.github.trit4j.bench.IntStemProducts.OW;
import static io.github.trit4j.bench.IntStemProducts.PIXELS;
import static io.github.trit4j.bench.IntStemProducts.ROW_STRIDE;

/**
 * "Can an integer stem beat the fp32 7x7 stem?" (issue 18, item 3): ResNet-18's stem product
 * alone (M = 64 output channels, K = 147, N = 112 * 112 pixels, 118 M multiply-accumulates, one
 * 224 x 224 image), one thread, time per image, each candidate reading its patches in place from
 * the stride phases as the fp32 stem does:
 * <ul>
 *   <li>{@code fp32Windows}: the fp32 stem's own window product (nn's {@code WindowProduct} of the
 *       Vector API float GEMM, called per 2 output rows as the stem layer calls it), without the
 *       layer's phase copy and epilogue;</li>
 *   <li>the integer candidates of {@link IntStemProducts}: {@code widen8x8} (bytes widened to int
 *       lanes), {@code short7x7g8} and {@code short8x8g2} (short multiplies, 8 or 2 taps summed in
 *       16 bits before widening), {@code shortRows7x7g8} (the same on whole rows, no empty lane),
 *       {@code mulAddS2I} (C2's auto-vectorised {@code MulAddS2I} idiom, {@code vpdpwssd} with
 *       AVX-512 VNNI, stem-shaped);</li>
 *   <li>{@code shortRowsNoWidening}: not exact (16-bit sums wrap), the ceiling of short multiply-adds
 *       with no widening cost;</li>
 *   <li>{@code mulAddL1}: the idiom alone on L1-resident arrays, {@value #L1_REPEATS} times {@value #L1_OUTPUTS}
 *       int outputs of 2 products each (524,288 MACs per call, not the stem's): its ceiling.</li>
 * </ul>
 * Codes are 7-bit ({@code [-63, 63]}: every candidate is exact on them, and the float product is
 * exact too since every sum is below 2^24); the setup checks each candidate's output against the
 * convolution's definition, element for element, and fails the trial on any difference. Besides
 * the wall time per call, each benchmark reports its thread's CPU time ({@link CpuTime}), the
 * figure to compare on a machine loaded beyond its cores.
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar StemProductBenchmark -f 1 -wi 3 -i 6 -w 300ms -r 300ms
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules", "jdk.incubator.vector", "-Xms1g", "-Xmx1g"})
@Warmup(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
public class StemProductBenchmark {

    /**
     * The benchmark thread's CPU time per iteration ({@code cpuNanos}) and the calls it covers
     * ({@code calls}): on a shared machine whose load exceeds its cores, the wall time of a call
     * includes the time the thread waited for a core; its CPU time does not. Per call:
     * {@code cpuNanos / calls}.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class CpuTime {
        private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
        public long cpuNanos;
        public long calls;
        private long start;

        @Setup(Level.Iteration)
        public void reset() {
            cpuNanos = 0;
            calls = 0;
        }

        public void start() {
            start = THREADS.getCurrentThreadCpuTime();
        }

        public void stop() {
            cpuNanos += THREADS.getCurrentThreadCpuTime() - start;
            calls++;
        }
    }

    /** Outputs of {@code mulAddL1}: a and b (4 KB each) and c (4 KB) stay in L1. */
    static final int L1_OUTPUTS = 1024;
    /** Calls of the idiom per {@code mulAddL1} invocation (so that the CPU-time reading is negligible beside it). */
    static final int L1_REPEATS = 256;
    /** Output rows per fp32 window call, as the stem layer (FloatConv: about 256 pixels per call). */
    static final int FP32_ROWS = 2;

    private int[] taps;
    private float[] phasesF;
    private byte[] phasesB;
    private short[] phasesS;
    private WindowProduct fp32;
    private int[] sliversI;
    private short[] sliversS;
    private short[] slivers2;
    private short[] pairWeights;
    private short[] pairPatches;
    private float[] outF;
    private int[] out;
    private int[] tile;
    private short[] l1a;
    private short[] l1b;
    private int[] l1c;

    @Setup
    public void setup() {
        SplittableRandom r = new SplittableRandom(42);
        int[] w = new int[M * K];
        int[] x = new int[C * H * H];
        for (int i = 0; i < w.length; i++) {
            w[i] = r.nextInt(-63, 64);
        }
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextInt(-63, 64);
        }
        int[] want = IntStemProducts.naive(w, x);
        taps = IntStemProducts.taps();
        int[] ph = IntStemProducts.phases(x);
        phasesB = IntStemProducts.toBytes(ph);
        phasesS = IntStemProducts.toShorts(ph);
        phasesF = new float[ph.length];
        for (int i = 0; i < ph.length; i++) {
            phasesF[i] = ph[i];
        }
        float[] wf = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            wf[i] = w[i];
        }
        FloatGemm.Prepared prepared = FloatGemm.javaDefault().prepare(wf, M, K);
        if (!(prepared instanceof WindowProduct wp) || !wp.takesWindows(K)) {
            throw new IllegalStateException("the default float GEMM " + FloatGemm.javaDefault().name()
                    + " has no window product for K = " + K + " (no Vector API?)");
        }
        fp32 = wp;
        sliversI = IntStemProducts.slivers(w);
        sliversS = IntStemProducts.toShorts(sliversI);
        slivers2 = IntStemProducts.slivers2(w);
        pairWeights = IntStemProducts.pairWeights(w);
        pairPatches = IntStemProducts.pairPatchScratch();
        outF = new float[M * PIXELS];
        out = new int[M * PIXELS];
        tile = new int[IntStemProducts.MR * 2 * IntStemProducts.LS];
        l1a = new short[2 * L1_OUTPUTS];
        l1b = new short[2 * L1_OUTPUTS];
        l1c = new int[L1_OUTPUTS];
        for (int i = 0; i < l1a.length; i++) {
            l1a[i] = (short) r.nextInt(-63, 64);
            l1b[i] = (short) r.nextInt(-63, 64);
        }

        CpuTime none = new CpuTime();
        fp32Windows(none);
        for (int i = 0; i < want.length; i++) {
            if (outF[i] != want[i]) {
                throw new IllegalStateException("fp32Windows: output " + i + " is " + outF[i] + ", want " + want[i]);
            }
        }
        check("widen8x8", widen8x8(none), want);
        check("short7x7g8", short7x7g8(none), want);
        check("short8x8g2", short8x8g2(none), want);
        if (IntStemProducts.rowsFit()) {
            check("shortRows7x7g8", shortRows7x7g8(none), want);
        }
        check("mulAddS2I", mulAddS2I(none), want);
        System.out.println("\nstem product: all candidates equal the convolution's definition ("
                + IntStemProducts.MACS + " MACs per image, int vectors of " + IntStemProducts.LI + " lanes)");
    }

    private void check(String name, int[] got, int[] want) {
        int i = Arrays.mismatch(got, want);
        if (i >= 0) {
            throw new IllegalStateException(name + ": output " + i + " is " + got[i] + ", want " + want[i]);
        }
        Arrays.fill(out, 0);
    }

    @Benchmark
    public float[] fp32Windows(CpuTime cpu) {
        cpu.start();
        for (int oy = 0; oy < OH; oy += FP32_ROWS) {
            fp32.multiplyWindows(phasesF, taps, ROW_STRIDE, OW, oy, Math.min(OH, oy + FP32_ROWS), outF, 0, PIXELS);
        }
        cpu.stop();
        return outF;
    }

    @Benchmark
    public int[] widen8x8(CpuTime cpu) {
        cpu.start();
        IntStemProducts.widenWindows(sliversI, phasesB, taps, out, tile);
        cpu.stop();
        return out;
    }

    @Benchmark
    public int[] short7x7g8(CpuTime cpu) {
        cpu.start();
        IntStemProducts.shortWindows(sliversS, 8, phasesS, taps, out, tile);
        cpu.stop();
        return out;
    }

    @Benchmark
    public int[] short8x8g2(CpuTime cpu) {
        cpu.start();
        IntStemProducts.shortWindows(sliversS, 2, phasesS, taps, out, tile);
        cpu.stop();
        return out;
    }

    @Benchmark
    public int[] shortRows7x7g8(CpuTime cpu) {
        cpu.start();
        if (!IntStemProducts.rowsFit()) {
            throw new IllegalStateException("shortRows needs 512-bit vectors");
        }
        IntStemProducts.shortRows(slivers2, phasesS, taps, out, 8);
        cpu.stop();
        return out;
    }

    /**
     * Not exact, not a candidate: {@code shortRows7x7g8} with no widening at all (every tap summed
     * in 16-bit lanes, which wrap), the ceiling of short multiply-adds on this CPU.
     */
    @Benchmark
    public int[] shortRowsNoWidening(CpuTime cpu) {
        cpu.start();
        if (!IntStemProducts.rowsFit()) {
            throw new IllegalStateException("shortRows needs 512-bit vectors");
        }
        IntStemProducts.shortRows(slivers2, phasesS, taps, out, K);
        cpu.stop();
        return out;
    }

    @Benchmark
    public int[] mulAddS2I(CpuTime cpu) {
        cpu.start();
        IntStemProducts.mulAddS2I(pairWeights, phasesS, taps, out, pairPatches);
        cpu.stop();
        return out;
    }

    @Benchmark
    public int[] mulAddL1(CpuTime cpu) {
        cpu.start();
        for (int rep = 0; rep < L1_REPEATS; rep++) {
            IntStemProducts.mulAddL1(l1c, l1a, l1b, L1_OUTPUTS);
        }
        cpu.stop();
        return l1c;
    }
}
