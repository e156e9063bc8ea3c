package io.github.trit4j.bench;

import io.github.trit4j.Algorithm;
import io.github.trit4j.GemmEngine;
import io.github.trit4j.Isa;
import io.github.trit4j.PackedMatrix;
import io.github.trit4j.conv.Conv2d;
import io.github.trit4j.conv.Layout;
import io.github.trit4j.layers.TernaryConv2d;
import io.github.trit4j.quant.ActivationQuantizer;
import io.github.trit4j.quant.WeightQuantizer;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * ResNet-18 convolution layers, batch 1, FATNN pair (ternary weights x {0,1,2} activations):
 * <ul>
 *   <li>{@code gemmOnly}: the packed GEMM of the same (M, N, K), operands packed in setup;</li>
 *   <li>{@code convCodes}: {@link Conv2d} on integer codes end to end (pixel packing + im2col onto
 *   bit-planes + GEMM + output layout);</li>
 *   <li>{@code convFloat}: {@link TernaryConv2d}, float in, float out (quantize + im2col + pack +
 *   GEMM + rescale);</li>
 *   <li>{@code openBlasConv}: the float baseline, im2col + OpenBLAS {@code cblas_sgemm} on the same
 *   float input ({@link ConvBaselines#openBlas}), on {@code threads} threads; its core is printed at
 *   setup (set {@code OPENBLAS_CORETYPE} in the environment to force one).</li>
 * </ul>
 * Throughput = M*N*K / time with M = out channels, N = output pixels, K = 9 * in channels (K unpadded).
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar ConvBenchmark -p layer=C1,C4 -f 1 -wi 3 -i 3 -w 1 -r 1
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1,
        jvmArgsPrepend = {"--add-modules", "jdk.incubator.vector", "-Xms1g", "-Xmx1g"},
        jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 3, time = 1, timeUnit = TimeUnit.SECONDS)
public class ConvBenchmark {

    /**
     * The study's convolutions ({@link StudyWorkload#NAMED}): C1..C4: 3x3 stride 1 pad 1 at 64ch 56x56, 128ch
     * 28x28, 256ch 14x14, 512ch 7x7. D2..D4: the stride-2 3x3 downsampling layers (64->128 at 56x56, 128->256 at
     * 28x28, 256->512 at 14x14). P1: a 1x1 convolution, 256 -> 64 at 56x56.
     */
    @Param({"C1", "C2", "C3", "C4", "D2", "D3", "D4", "P1"})
    public String layer;

    @Param({"AVX512"})
    public String isa;

    @Param({"1"})
    public int threads;

    /** OpenBLAS library of {@code openBlasConv}: {@code bytedeco} or {@code system} ({@link OpenBlas.Source}). */
    @Param({"bytedeco"})
    public String blas;

    private int height;
    private int width;
    private Conv2d conv;
    private TernaryConv2d floatConv;
    private byte[] codes;
    private float[] floats;
    private PackedMatrix gemmW;
    private PackedMatrix gemmX;
    private int[] gemmOut;
    private int[] convOut;
    private float[] floatOut;
    private GemmEngine engine;
    private StudyProduct openBlas;

    @Setup
    public void setup() {
        ConvShape shape = StudyWorkload.parse(layer).conv(); // the study's C1..C4, D2..D4, P1
        ConvFixture f = new ConvFixture(shape);
        height = shape.height();
        width = shape.width();
        engine = GemmEngine.of(Isa.valueOf(isa)).withThreads(threads);
        conv = f.conv(engine);
        floatConv = new TernaryConv2d(shape.spec(), f.weightFloats, WeightQuantizer.fatnn(1.5f, 1.5f, true, 0.1f),
                ActivationQuantizer.fatnn(0.5f, 1f, 1f), null, true, engine);
        floats = f.input;
        codes = floatConv.activationQuantizer().codes(floats);
        gemmW = f.gemmWeights;
        gemmX = f.gemmActivations;
        gemmOut = f.gemmOut();
        convOut = new int[conv.outputLength(1, height, width)];
        floatOut = new float[convOut.length];
        OpenBlas lib = OpenBlas.load(OpenBlas.Source.parse(blas));
        openBlas = ConvBaselines.openBlas(lib, shape, floats, f.weightFloats, threads);
        System.out.println("OpenBLAS: " + lib.describe() + ", " + lib.path());
    }

    @TearDown
    public void tearDown() {
        openBlas.close();
    }

    @Benchmark
    public StudyProduct openBlasConv() {
        openBlas.run();
        return openBlas;
    }

    @Benchmark
    public int[] gemmOnly() {
        engine.multiply(gemmW, gemmX, Algorithm.FATNN, gemmOut);
        return gemmOut;
    }

    @Benchmark
    public int[] convCodes() {
        conv.forward(codes, 1, height, width, Layout.NCHW, convOut);
        return convOut;
    }

    @Benchmark
    public float[] convFloat() {
        floatConv.forward(floats, 1, height, width, Layout.NCHW, floatOut);
        return floatOut;
    }
}
