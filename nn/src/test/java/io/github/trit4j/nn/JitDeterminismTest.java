package io.github.trit4j.nn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fault 4 of issue 20: the float layers give the same bits in every JIT tier. A JVM of its own
 * run with {@code -Xint} (every vector operation in the Vector API's Java code, never C2's
 * intrinsics) computes a small ResNet's logits; this JVM then predicts the same input over and
 * over for a few seconds, through C1 and C2, and every result must equal those bits. Before the
 * fix, the classifier's lane sums ({@code reduceLanes}, whose order is unspecified) changed the
 * logits in their last bits once C2 compiled them.
 */
class JitDeterminismTest {

    /**
     * Float stem and classifier, FATNN blocks: every float layer kind but pooling; and a 7x7 stride-2 float conv
     * (3 -> 8 on 20 x 20, BatchNorm, ReLU), which a vector engine runs in its Winograd form ({@link WinogradRows}):
     * its 10-pixel output rows go through both the vector loops and the scalar tails of the transforms.
     */
    static List<Network> networks() {
        SplittableRandom r = new SplittableRandom(3);
        float[][] bn = new float[4][];
        List<Tensor> t = new ArrayList<>(LayersTest.bn("c.bn", r, 8, bn));
        t.add(Tensor.f32("c.weight", Naive.randomFloats(r, 8 * 3 * 49, 0.3), 8, 3, 7, 7));
        String layers = "{\"type\": \"conv\", \"name\": \"c\", \"mode\": \"float\", \"in\": 3, \"out\": 8, "
                + "\"kernel\": 7, \"stride\": 2, \"padding\": 3, \"bias\": false}, {\"type\": \"batchnorm\", "
                + "\"name\": \"c.bn\", \"eps\": 1e-5}, {\"type\": \"relu\"}, {\"type\": \"flatten\"}";
        NetworkOptions one = NetworkOptions.defaults().withThreads(1);
        return List.of(ResNets.small(ConvMode.FATNN, 11, one, 8, 16, 32),
                LayersTest.network("stem7x7", 3, 20, 20, 8 * 10 * 10, layers, t, one));
    }

    static float[] input(int n) {
        SplittableRandom r = new SplittableRandom(5);
        float[] x = new float[n];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble();
        }
        return x;
    }

    /** The child: one prediction, printed as the floats' bits in hex, one per line. */
    public static void main(String[] args) {
        for (Network net : networks()) {
            for (float v : net.predict(input(net.inputSize()), 1)) {
                System.out.println(Integer.toHexString(Float.floatToRawIntBits(v)));
            }
        }
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void interpretedAndCompiledLogitsAreTheSameBits() throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xint");
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            cmd.add("--add-modules");
            cmd.add("jdk.incubator.vector");
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(JitDeterminismTest.class.getName());
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertTrue(p.waitFor(200, TimeUnit.SECONDS), "the -Xint child ended");
        assertEquals(0, p.exitValue(), "the -Xint child's exit status; output: " + out);
        List<String> interpreted = out.lines().toList();

        List<Network> nets = networks();
        List<float[]> xs = nets.stream().map(n -> input(n.inputSize())).toList();
        List<float[]> outs = nets.stream().map(n -> new float[n.classes()]).toList();
        // past C2's thresholds: the unfixed code differed from about the 3000th call on
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int calls = 0;
        do {
            List<String> got = new ArrayList<>();
            for (int i = 0; i < nets.size(); i++) {
                nets.get(i).predict(xs.get(i), 1, outs.get(i));
                for (float v : outs.get(i)) {
                    got.add(Integer.toHexString(Float.floatToRawIntBits(v)));
                }
            }
            calls++;
            assertEquals(interpreted, got, "call " + calls + " of this JVM vs the -Xint JVM's only call");
        } while (calls < 5000 && System.nanoTime() < end);
        System.out.println("JIT determinism: " + calls + " calls equal the -Xint call bit for bit");
    }
}
