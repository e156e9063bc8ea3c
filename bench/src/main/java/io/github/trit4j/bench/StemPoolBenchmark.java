package io.github.trit4j.bench;

import io.github.trit4j.nn.LayerTimes;
import io.github.trit4j.nn.ModelFile;
import io.github.trit4j.nn.Network;
import io.github.trit4j.nn.NetworkOptions;
import io.github.trit4j.nn.Tensor;
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

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * ResNet-18's first two layers alone, at 224 x 224, batch 1, as one-layer networks (a
 * {@code flatten} after them), time per image:
 * <ul>
 *   <li>{@code layer=stem}: the 7x7 stride-2 float convolution 3 -> 64 (K = 147) with its folded
 *   BatchNorm and ReLU, 3 x 224 x 224 -> 64 x 112 x 112, 118 M multiply-accumulates;</li>
 *   <li>{@code layer=pool}: the 3x3 stride-2 max pool with padding 1, 64 x 112 x 112 -> 64 x 56 x 56.</li>
 * </ul>
 * {@code predict} includes the network's check of the input (no NaN) and its copy of the output
 * into the caller's array (3.2 MB for the stem, 0.8 MB for the pool); {@code predictProfiled}
 * runs the same with the runtime's per-layer-kind timing hook ({@link LayerTimes}) and prints
 * the layer's own time per image (last iteration) at the end of the trial. {@code threads} is
 * the engine's thread count.
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar StemPoolBenchmark -f 1 -wi 5 -i 5 -w 1 -r 1
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules", "jdk.incubator.vector", "-Xms1g", "-Xmx1g"})
@Warmup(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
public class StemPoolBenchmark {

    @Param({"stem", "pool"})
    public String layer;

    @Param({"1"})
    public int threads;

    private Network net;
    private float[] input;
    private float[] output;
    private LayerTimes times;

    @Setup
    public void setup() {
        NetworkOptions o = NetworkOptions.defaults().withThreads(threads).withFloatGemm(FloatGemm.javaDefault());
        SplittableRandom r = new SplittableRandom(42);
        int c;
        int hw;
        String layers;
        List<Tensor> tensors;
        if (layer.equals("stem")) {
            c = 3;
            hw = 224;
            layers = "{\"type\": \"conv\", \"name\": \"conv1\", \"mode\": \"float\", \"in\": 3, \"out\": 64,"
                    + " \"kernel\": 7, \"stride\": 2, \"padding\": 3, \"bias\": false},"
                    + " {\"type\": \"batchnorm\", \"name\": \"bn1\", \"eps\": 1e-5}, {\"type\": \"relu\"},"
                    + " {\"type\": \"flatten\"}";
            tensors = List.of(Tensor.f32("conv1.weight", floats(r, 64 * 3 * 49, -0.1, 0.1), 64, 3, 7, 7),
                    Tensor.f32("bn1.weight", floats(r, 64, 0.5, 1.5), 64),
                    Tensor.f32("bn1.bias", floats(r, 64, -0.2, 0.2), 64),
                    Tensor.f32("bn1.running_mean", floats(r, 64, -0.2, 0.2), 64),
                    Tensor.f32("bn1.running_var", floats(r, 64, 0.5, 1.5), 64));
        } else if (layer.equals("pool")) {
            c = 64;
            hw = 112;
            layers = "{\"type\": \"max_pool\", \"kernel\": 3, \"stride\": 2, \"padding\": 1}, {\"type\": \"flatten\"}";
            tensors = List.of();
        } else {
            throw new IllegalArgumentException("layer must be stem or pool, got " + layer);
        }
        int outHw = hw / 2;
        int classes = (layer.equals("stem") ? 64 : c) * outHw * outHw;
        String arch = "{\"name\": \"" + layer + "\", \"input\": {\"channels\": " + c + ", \"height\": " + hw
                + ", \"width\": " + hw + "}, \"classes\": " + classes + ", \"layers\": [" + layers + "]}";
        net = Network.of(ModelFile.of(arch, Map.of(), tensors), o);
        input = floats(r, net.inputSize(), -1, 1);
        output = new float[net.classes()];
        times = new LayerTimes();
        System.out.println("\n" + layer + ": float GEMM " + o.floatGemm().name() + ", " + o.engine());
    }

    private static float[] floats(SplittableRandom r, int n, double lo, double hi) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (lo + (hi - lo) * r.nextDouble());
        }
        return v;
    }

    @Benchmark
    public float[] predict() {
        net.predict(input, 1, output);
        return output;
    }

    /** The breakdown covers the last iteration only (warm-up iterations would skew it). */
    @Setup(Level.Iteration)
    public void resetTimes() {
        times.reset();
    }

    @TearDown
    public void printBreakdown() {
        if (times.images() > 0) {
            System.out.println("\n" + layer + ", " + threads + " thread(s): time per layer kind over " + times.images()
                    + " images of the last iteration (runtime timing hook, indicative)\n" + times);
        }
    }

    @Benchmark
    public float[] predictProfiled() {
        net.predict(input, 1, output, times);
        return output;
    }
}
