package io.github.trit4j.bench;

import io.github.trit4j.Algorithm;
import io.github.trit4j.GemmEngine;
import io.github.trit4j.Isa;
import io.github.trit4j.PackedMatrix;
import io.github.trit4j.conv.Conv2d;
import io.github.trit4j.conv.Conv2dSpec;
import io.github.trit4j.conv.ConvInput;
import io.github.trit4j.conv.Layout;
import io.github.trit4j.quant.ActivationQuantizer;
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

/**
 * Each quantized convolution of ResNet-18 (224 x 224, batch 1, FATNN pair) as the network runs it,
 * next to the same product through {@link GemmEngine} alone, to show what the convolution adds to
 * its GEMM. Throughput is {@code M*N*K / time} with M = out channels, N = output pixels,
 * K = in channels x kernel^2 (unpadded): divide by the time JMH reports.
 * <ul>
 *   <li>{@code gemmAlone}: {@link GemmEngine#multiply} on operands packed in setup (the kernel's speed);</li>
 *   <li>{@code convInt}: {@link Conv2d#forward(float[], ActivationQuantizer, int, int, int, Layout, int[])}:
 *   quantize + pixel packing + im2col onto panels + GEMM, int32 out;</li>
 *   <li>{@code convCodes}: the same on the input's codes, quantized in setup: {@code convInt}
 *   without the quantizer;</li>
 *   <li>{@code unfused}: what the network did before the fused epilogue: {@code convInt}, then a
 *   float pass {@code (float) acc * c[o] + shift[o]} (then {@code + residual} and {@code max(., 0)}
 *   in a further pass when {@code residual}, else {@code max(., 0)} in the same pass);</li>
 *   <li>{@code fusedFloat}: {@link Conv2d#forward(float[], ActivationQuantizer, int, int, int,
 *   io.github.trit4j.FloatEpilogue, float[], float[])}: the same result with the float
 *   epilogue applied on output tiles in the product (what {@code fused} measured before the convs
 *   passed codes);</li>
 *   <li>{@code fused}: the conv as the network runs it since the convs pass codes: for the 3x3 convs,
 *   {@link Conv2d#forward(ConvInput, io.github.trit4j.FloatEpilogue, float[], float[], ActivationQuantizer,
 *   ConvInput)} from its input codes (packed in setup: in the network the conv before writes them), its
 *   epilogue writing the next conv's input codes (a 3x3 stride-1 conv of its output's shape, as in the
 *   network) and, with {@code residual} (a block's conv2), the floats too (the next block's shortcut reads
 *   them); without, no floats (a block's conv1: nothing but conv2 reads its output). Each conv is charged
 *   with producing its successor's codes: the network's per-conv cost shifted by one conv. For the 1x1 downsamples, which read the block's float input and
 *   feed only the residual, {@code fusedFloat}.</li>
 * </ul>
 * {@code conv}: {@code L1} 64x56x56 3x3 s1 -> 64; {@code L2} 128x28x28 s1; {@code L3} 256x14x14 s1;
 * {@code L4} 512x7x7 s1; {@code L2s}, {@code L3s}, {@code L4s} the stride-2 3x3 convs entering
 * stages 2-4 (input 64x56x56, 128x28x28, 256x14x14); {@code D2}, {@code D3}, {@code D4} their 1x1
 * stride-2 downsamples. {@code residual} is the block's second conv (BatchNorm, residual add,
 * ReLU); otherwise the first (BatchNorm, ReLU).
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar ResNetConvBenchmark -f 1 -wi 3 -i 3 -w 1 -r 1
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules", "jdk.incubator.vector", "-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 3, time = 1, timeUnit = TimeUnit.SECONDS)
public class ResNetConvBenchmark {

    @Param({"L1", "L2s", "L2", "L3s", "L3", "L4s", "L4", "D2", "D3", "D4"})
    public String conv;

    @Param({"AVX512"})
    public String isa;

    @Param({"false", "true"})
    public boolean residual;

    private int height;
    private Conv2d layer;
    private ActivationQuantizer quantizer;
    private float[] input;
    private byte[] codes;
    private float[] scale;
    private float[] shift;
    private float[] skip;
    private int[] acc;
    private float[] out;
    private PackedMatrix gemmW;
    private PackedMatrix gemmX;
    private int[] gemmOut;
    private GemmEngine engine;
    private io.github.trit4j.FloatEpilogue epilogue;
    /** This conv's input as codes, and the next conv's (null for a downsample). */
    private ConvInput codesIn;
    private ConvInput nextIn;
    private ActivationQuantizer nextQuantizer;

    /** The geometry of a conv name (batch 1). */
    static ConvShape shape(String conv) {
        return switch (conv) {
            case "L1" -> new ConvShape(64, 56, 56, 64, 3, 1, 1);
            case "L2" -> new ConvShape(128, 28, 28, 128, 3, 1, 1);
            case "L3" -> new ConvShape(256, 14, 14, 256, 3, 1, 1);
            case "L4" -> new ConvShape(512, 7, 7, 512, 3, 1, 1);
            case "L2s" -> new ConvShape(64, 56, 56, 128, 3, 2, 1);
            case "L3s" -> new ConvShape(128, 28, 28, 256, 3, 2, 1);
            case "L4s" -> new ConvShape(256, 14, 14, 512, 3, 2, 1);
            case "D2" -> new ConvShape(64, 56, 56, 128, 1, 2, 0);
            case "D3" -> new ConvShape(128, 28, 28, 256, 1, 2, 0);
            case "D4" -> new ConvShape(256, 14, 14, 512, 1, 2, 0);
            default -> throw new IllegalArgumentException("conv must be L1..L4, L2s..L4s or D2..D4, got " + conv);
        };
    }

    @Setup
    public void setup() {
        ConvShape s = shape(conv);
        ConvFixture f = new ConvFixture(s);
        height = s.height();
        engine = GemmEngine.of(Isa.valueOf(isa)).withThreads(1);
        layer = f.conv(engine);
        quantizer = ActivationQuantizer.fatnn(0.5f, 1f, 1f);
        input = f.input;
        codes = quantizer.codes(input);
        int m = s.m();
        SplittableRandom rnd = new SplittableRandom(GemmBenchmark.SEED + 1);
        scale = new float[m];
        shift = new float[m];
        for (int o = 0; o < m; o++) {
            scale[o] = (float) (0.01 + 0.02 * rnd.nextDouble());
            shift[o] = (float) rnd.nextGaussian();
        }
        acc = new int[layer.outputLength(1, height, height)];
        out = new float[acc.length];
        skip = new float[acc.length];
        for (int i = 0; i < skip.length; i++) {
            skip[i] = (float) rnd.nextGaussian();
        }
        epilogue = io.github.trit4j.FloatEpilogue.of(scale, shift, true);
        if (s.kernel() == 3) {
            codesIn = layer.newInput(1, height, height);
            layer.pack(input, quantizer, codesIn);
            int oh = layer.spec().outputHeight(height);
            Conv2d next = new Conv2d(Conv2dSpec.of(m, m, 3, 3).padding(1), io.github.trit4j.Precision.TERNARY,
                    new byte[m * m * 9], io.github.trit4j.Precision.TERNARY_UNSIGNED, engine, Algorithm.FATNN);
            nextIn = next.newInput(1, oh, oh);
            nextQuantizer = ActivationQuantizer.fatnn(0.5f, 1.25f, 1f);
        }
        gemmW = f.gemmWeights;
        gemmX = f.gemmActivations;
        gemmOut = f.gemmOut();
        System.out.printf("%n%s: (M, N, K) = (%d, %d, %d), %.3f GMAC%n", conv, m, s.n(), s.k(),
                (double) m * s.n() * s.k() / 1e9);
    }

    @Benchmark
    public int[] gemmAlone() {
        engine.multiply(gemmW, gemmX, Algorithm.FATNN, gemmOut);
        return gemmOut;
    }

    @Benchmark
    public int[] convInt() {
        layer.forward(input, quantizer, 1, height, height, Layout.NCHW, acc);
        return acc;
    }

    @Benchmark
    public int[] convCodes() {
        layer.forward(codes, 1, height, height, Layout.NCHW, acc);
        return acc;
    }

    @Benchmark
    public float[] unfused() {
        layer.forward(input, quantizer, 1, height, height, Layout.NCHW, acc);
        int m = scale.length;
        int pixels = acc.length / m;
        for (int o = 0; o < m; o++) {
            float co = scale[o];
            float so = shift[o];
            int base = o * pixels;
            if (residual) {
                for (int i = base; i < base + pixels; i++) {
                    out[i] = (float) acc[i] * co + so;
                }
            } else {
                for (int i = base; i < base + pixels; i++) {
                    out[i] = Math.max((float) acc[i] * co + so, 0f);
                }
            }
        }
        if (residual) {
            for (int i = 0; i < out.length; i++) {
                out[i] = Math.max(out[i] + skip[i], 0f);
            }
        }
        return out;
    }

    @Benchmark
    public float[] fusedFloat() {
        layer.forward(input, quantizer, 1, height, height, epilogue, residual ? skip : null, out);
        return out;
    }

    @Benchmark
    public float[] fused() {
        if (codesIn == null) {
            return fusedFloat();
        }
        // a block's conv1 (residual=false) writes no floats, only conv2's codes; conv2 writes both
        layer.forward(codesIn, epilogue, residual ? skip : null, residual ? out : null, nextQuantizer, nextIn);
        return out;
    }
}
