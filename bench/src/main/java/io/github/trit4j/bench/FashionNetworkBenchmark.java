package io.github.trit4j.bench;

import io.github.trit4j.nn.Network;
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

import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * A model file (e.g. a trained Fashion-MNIST model under tools/models) through trit4j: latency at
 * batch 1 ({@code batch1}, time per call = per image) and throughput at batch 64
 * ({@code batch64}, time per call of 64 images). The model path is required:
 * {@code -p model=tools/models/X.safetensors}; {@code fp32} picks the float layers' GEMM
 * ({@code java} or {@code openblas}). Inputs are random pixels in [0, 1) (timing does not depend
 * on the values).
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar FashionNetworkBenchmark -p model=tools/models/X.safetensors -f 1 -wi 5 -i 5 -w 1 -r 1
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1,
        jvmArgsPrepend = {"--add-modules", "jdk.incubator.vector", "-Xms1g", "-Xmx1g"},
        jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
public class FashionNetworkBenchmark {

    /** The model file; required. */
    @Param({""})
    public String model;

    @Param({"java"})
    public String fp32;

    @Param({"1"})
    public int threads;

    private Network net;
    private float[] one;
    private float[] many;
    private float[] logitsOne;
    private float[] logitsMany;

    @Setup
    public void setup() throws IOException {
        if (model.isEmpty()) {
            throw new IllegalStateException("give the model file: -p model=PATH.safetensors");
        }
        String network = switch (fp32) {
            case "java" -> "float-java";
            case "openblas" -> "float-openblas";
            default -> throw new IllegalArgumentException("fp32 must be java or openblas, got " + fp32);
        };
        net = Network.load(Path.of(model), NetworkBenchmark.options(network, threads));
        SplittableRandom r = new SplittableRandom(1);
        many = new float[64 * net.inputSize()];
        for (int i = 0; i < many.length; i++) {
            many[i] = (float) r.nextDouble();
        }
        one = java.util.Arrays.copyOf(many, net.inputSize());
        logitsOne = new float[net.classes()];
        logitsMany = new float[64 * net.classes()];
    }

    @Benchmark
    public float[] batch1() {
        net.predict(one, 1, logitsOne);
        return logitsOne;
    }

    @Benchmark
    public float[] batch64() {
        net.predict(many, 64, logitsMany);
        return logitsMany;
    }
}
