package io.github.trit4j.bench;

import io.github.trit4j.nn.ConvMode;
import io.github.trit4j.nn.LayerTimes;
import io.github.trit4j.nn.Network;
import io.github.trit4j.nn.NetworkOptions;
import io.github.trit4j.nn.ResNets;
import io.github.trit4j.nn.gemm.FloatGemm;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * ResNet-18 at 224 x 224, random weights ({@link ResNets#resnet18}), time per batch of {@code batch}
 * images (1 and 8; images per second = {@code batch} x 1000 / ms):
 * <ul>
 *   <li>{@code network=fatnn}: the 7x7 stem and the classifier in float (Vector API GEMM), every
 *   block convolution FATNN ternary through trit4j;</li>
 *   <li>{@code network=conventional}: the same with the conventional ternary network (uniform
 *   activations, 4-popcount algorithm);</li>
 *   <li>{@code network=float-openblas}: every layer float, im2col + OpenBLAS {@code cblas_sgemm}
 *   (bytedeco): the network as a Java user would run it, the baseline;</li>
 *   <li>{@code network=float-java}: every layer float through the Vector API fp32 GEMM.</li>
 * </ul>
 * {@code threads} is the engine's thread count, also given to the float GEMM; {@code batch} the images
 * per {@code predict} call (the input is {@code batch} fixed random images, uniform in [0, 1)).
 *
 * <p>{@code predict} is the figure; {@code predictProfiled} runs the same with the runtime's
 * per-layer-kind timing hook ({@link LayerTimes}, two {@code System.nanoTime()} per layer) and
 * prints microseconds per image per layer kind at the end of the trial, to show where the time
 * goes. Steady-state allocation: add {@code -prof gc} ({@code gc.alloc.rate.norm} per image).
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar NetworkBenchmark -f 1 -wi 5 -i 5 -w 2 -r 2
 * java -jar bench/target/benchmarks.jar 'NetworkBenchmark.predict$' -p network=fatnn -p batch=8
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1,
        jvmArgsPrepend = {"--add-modules", "jdk.incubator.vector", "-Xms2g", "-Xmx2g"},
        jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 5, time = 2, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 2, timeUnit = TimeUnit.SECONDS)
public class NetworkBenchmark {

    @Param({"fatnn", "float-openblas", "float-java"})
    public String network;

    @Param({"1", "2"})
    public int threads;

    @Param({"1", "8"})
    public int batch;

    private Network net;
    private float[] input;
    private float[] logits;
    private LayerTimes times;

    /** The options of a network name: its block mode's float GEMM. */
    static NetworkOptions options(String network, int threads) {
        NetworkOptions o = NetworkOptions.defaults().withThreads(threads);
        return switch (network) {
            case "float-openblas" -> o.withFloatGemm(new OpenBlasFloatGemm());
            case "fatnn", "conventional", "ternary_2bit", "float-java" -> o.withFloatGemm(FloatGemm.javaDefault());
            default -> throw new IllegalArgumentException("network must be fatnn, conventional, ternary_2bit, "
                    + "float-openblas or float-java, got " + network);
        };
    }

    /** The block convolutions' mode of a network name. */
    static ConvMode mode(String network) {
        return network.startsWith("float") ? ConvMode.FLOAT : ConvMode.fromFileName(network);
    }

    @Setup
    public void setup() {
        NetworkOptions o = options(network, threads);
        net = ResNets.resnet18(mode(network), 42, o);
        System.out.println("\n" + network + ": float GEMM " + o.floatGemm().name() + ", " + o.engine());
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        }
        input = new float[batch * net.inputSize()];
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) r.nextDouble();
        }
        logits = new float[batch * net.classes()];
        times = new LayerTimes();
    }

    /** The breakdown covers the last iteration only (warm-up iterations would skew it). */
    @Setup(Level.Iteration)
    public void resetTimes() {
        times.reset();
    }

    @TearDown
    public void printBreakdown() {
        if (times.images() > 0) {
            System.out.println("\n" + network + ", " + threads + " thread(s), batch " + batch + ": time per layer kind over "
                    + times.images() + " images of the last iteration (runtime timing hook, indicative)\n" + times);
        }
    }

    @Benchmark
    public float[] predict() {
        net.predict(input, batch, logits);
        return logits;
    }

    @Benchmark
    public float[] predictProfiled() {
        net.predict(input, batch, logits, times);
        return logits;
    }
}
