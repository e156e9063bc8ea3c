package io.github.trit4j;

import io.github.trit4j.conv.Conv2d;
import io.github.trit4j.conv.Conv2dSpec;
import io.github.trit4j.conv.Layout;
import io.github.trit4j.testkit.NaiveConv;
import io.github.trit4j.testkit.NaiveGemm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The warm-ups ({@link GemmEngine#warmUp}, {@link Conv2d#warmUp}): bounded by their budget, stopped by an
 * interrupt, and without effect on any result, before, during (on another thread) or after them. Nothing here
 * asserts a speed: whether a warm-up settles depends on the machine, and is reported, not tested.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class WarmUpTest {

    private static final Duration SHORT = Duration.ofMillis(60);

    @Test
    void productsEqualTheOracleBeforeDuringAndAfterAWarmUpOfEveryPairOnEveryShape() throws Exception {
        for (Isa isa : TestShapes.shapes()) {
            GemmEngine engine = GemmEngine.of(isa).withThreads(2);
            for (Precision[] pair : GemmPropertiesTest.PAIRS) {
                for (Algorithm algorithm : Algorithm.values()) {
                    SplittableRandom r = new SplittableRandom(isa.ordinal() * 31L + pair[0].ordinal() * 7L
                            + pair[1].ordinal() + algorithm.ordinal() * 1000L);
                    int m = 13;
                    int n = 70;
                    int k = 200;
                    byte[] w = codes(pair[0], m * k, r);
                    byte[] x = codes(pair[1], n * k, r);
                    int[] expected = NaiveGemm.multiply(w, x, m, n, k);
                    PackedMatrix pw = PackedMatrix.pack(pair[0], w, m, k);
                    PackedMatrix px = PackedMatrix.pack(pair[1], x, n, k);
                    String what = isa + " " + pair[0] + " x " + pair[1] + " " + algorithm;
                    assertArrayEquals(expected, engine.multiply(pw, px, algorithm), what + " before the warm-up");
                    // a product on another thread while this one warms up
                    CompletableFuture<int[]> during = CompletableFuture.supplyAsync(() -> {
                        int[] out = null;
                        for (int i = 0; i < 20; i++) {
                            out = engine.multiply(pw, px, algorithm);
                        }
                        return out;
                    });
                    long t0 = System.nanoTime();
                    WarmUp warm = engine.warmUp(pair[0], pair[1], algorithm, SHORT);
                    long took = System.nanoTime() - t0;
                    assertTrue(warm.calls() >= 1, what + ": " + warm);
                    assertTrue(warm.elapsed().toNanos() <= took, what + ": reports more time than it took: " + warm);
                    assertArrayEquals(expected, during.get(2, TimeUnit.MINUTES), what + " during the warm-up");
                    assertArrayEquals(expected, engine.multiply(pw, px, algorithm), what + " after the warm-up");
                }
            }
        }
    }

    @Test
    void aConvolutionEqualsTheDirectOneBeforeAndAfterItsWarmUp() {
        for (Isa isa : TestShapes.shapes()) {
            GemmEngine engine = GemmEngine.of(isa).withThreads(1);
            for (Precision[] pair : GemmPropertiesTest.PAIRS) {
                // a dilated kernel wider than the warm-up's usual image, and a strided one
                for (Conv2dSpec spec : new Conv2dSpec[] {Conv2dSpec.of(9, 5, 3, 3).padding(1, 1).dilation(7, 7),
                        Conv2dSpec.of(6, 20, 3, 3).stride(2, 2).padding(1, 1)}) {
                    SplittableRandom r = new SplittableRandom(spec.hashCode() + 17L * pair[0].ordinal() + pair[1].ordinal());
                    byte[] weights = codes(pair[0], spec.weightLength(), r);
                    Conv2d conv = new Conv2d(spec, pair[0], weights, pair[1], engine, Algorithm.FATNN);
                    int h = 15;
                    int w = 16;
                    byte[] in = codes(pair[1], spec.inChannels() * h * w, r);
                    int[] expected = NaiveConv.convolve(KitAdapters.spec(spec), in, weights, 1, h, w);
                    String what = isa + " " + pair[0] + " x " + pair[1] + " " + spec;
                    assertArrayEquals(expected, conv.forward(in, 1, h, w, Layout.NCHW), what + " before the warm-up");
                    WarmUp warm = conv.warmUp(SHORT);
                    assertTrue(warm.calls() >= 1, what + ": " + warm);
                    assertArrayEquals(expected, conv.forward(in, 1, h, w, Layout.NCHW), what + " after the warm-up");
                }
            }
        }
    }

    @Test
    void anInterruptedThreadReturnsAtOnceWithItsStatusKept() throws Exception {
        GemmEngine engine = Gemm.engine().withThreads(1);
        Conv2d conv = new Conv2d(Conv2dSpec.of(8, 8, 3, 3).padding(1, 1), Precision.TERNARY,
                new byte[Conv2dSpec.of(8, 8, 3, 3).weightLength()], Precision.TERNARY_UNSIGNED);
        Thread.currentThread().interrupt();
        try {
            WarmUp warm = engine.warmUp(Precision.TERNARY, Precision.TERNARY_UNSIGNED, Algorithm.FATNN,
                    Duration.ofDays(1));
            assertEquals(0, warm.calls());
            assertFalse(warm.settled());
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt status is kept");
            WarmUp convWarm = conv.warmUp(Duration.ofDays(1));
            assertEquals(0, convWarm.calls());
            assertFalse(convWarm.settled());
        } finally {
            assertTrue(Thread.interrupted());
        }
        // interrupted while it runs: it ends after the round in progress, long before its budget
        CompletableFuture<WarmUp> running = new CompletableFuture<>();
        Thread t = new Thread(() -> running.complete(engine.warmUp(Precision.TERNARY, Precision.TERNARY_UNSIGNED,
                Algorithm.FATNN, Duration.ofDays(1))));
        t.start();
        Thread.sleep(50);
        t.interrupt();
        WarmUp warm = running.get(2, TimeUnit.MINUTES);
        t.join();
        assertTrue(warm.elapsed().compareTo(Duration.ofMinutes(2)) < 0, warm.toString());
    }

    @Test
    void badArgumentsAreRejected() {
        GemmEngine engine = Gemm.engine();
        assertThrows(IllegalArgumentException.class, () -> engine.warmUp(Precision.TERNARY, Precision.TERNARY_UNSIGNED,
                Algorithm.FATNN, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> engine.warmUp(Precision.TERNARY, Precision.TERNARY_UNSIGNED,
                Algorithm.FATNN, Duration.ofMillis(-1)));
        IllegalArgumentException pair = assertThrows(IllegalArgumentException.class,
                () -> engine.warmUp(Precision.BINARY, Precision.TERNARY, Algorithm.FATNN, SHORT));
        assertTrue(pair.getMessage().contains("BINARY x TERNARY"), pair.getMessage());
        assertThrows(NullPointerException.class, () -> engine.warmUp(Precision.TERNARY, Precision.TERNARY_UNSIGNED,
                Algorithm.FATNN, null));
        Conv2d conv = new Conv2d(Conv2dSpec.of(4, 4, 1, 1), Precision.TERNARY, new byte[16], Precision.TERNARY_UNSIGNED);
        assertThrows(IllegalArgumentException.class, () -> conv.warmUp(Duration.ZERO));
        assertThrows(NullPointerException.class, () -> conv.warmUp(null));
        assertThrows(IllegalArgumentException.class, () -> new WarmUp(-1, Duration.ZERO, false));
        assertThrows(IllegalArgumentException.class, () -> new WarmUp(0, Duration.ofMillis(-1), false));
        WarmUp sum = new WarmUp(2, Duration.ofMillis(3), true).plus(new WarmUp(5, Duration.ofMillis(7), false));
        assertEquals(new WarmUp(7, Duration.ofMillis(10), false), sum);
    }

    /** Codes drawn uniformly from the precision's set (BINARY: -1 or +1). */
    private static byte[] codes(Precision p, int length, SplittableRandom r) {
        byte[] v = new byte[length];
        for (int i = 0; i < length; i++) {
            v[i] = (byte) (p == Precision.BINARY ? (r.nextBoolean() ? 1 : -1) : r.nextInt(p.min(), p.max() + 1));
        }
        return v;
    }
}
