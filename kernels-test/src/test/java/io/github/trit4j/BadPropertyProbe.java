package io.github.trit4j;

import io.github.trit4j.conv.Conv2dSpec;
import io.github.trit4j.layers.PackedWeights;
import io.github.trit4j.layers.TernaryBlas;
import io.github.trit4j.layers.TernaryConv2d;
import io.github.trit4j.layers.TernaryLinear;
import io.github.trit4j.quant.ActivationQuantizer;
import io.github.trit4j.quant.WeightQuantizer;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Run in a fresh JVM by {@link BadPropertyTest} with one bad trit4j property set: calls every
 * entry point twice, clears the property, calls them again, and prints one line per call:
 * {@code name attempt OK} or {@code name attempt ExceptionClass: message}.
 */
public final class BadPropertyProbe {

    private BadPropertyProbe() {
    }

    public static void main(String[] args) {
        String property = args[0];
        Map<String, Runnable> calls = new LinkedHashMap<>();
        calls.put("Gemm.engine", Gemm::engine);
        calls.put("ActivationQuantizer.pack", () -> ActivationQuantizer.fatnn(1f, 1f, 1f)
                .pack(new float[] {0.5f, 2f, 3f, 0f}, 0, 2, 2, 2));
        calls.put("TernaryLinear", () -> new TernaryLinear(new float[] {1f, -1f, 0.2f, 0.4f}, 2, 2,
                WeightQuantizer.fatnn(1f, 1f, false, 1f), ActivationQuantizer.fatnn(1f, 1f, 1f), null, false)
                .forward(new float[] {1f, 2f}, 1));
        calls.put("TernaryConv2d", () -> new TernaryConv2d(Conv2dSpec.of(1, 1, 1, 1), new float[] {1f},
                WeightQuantizer.fatnn(1f, 1f, false, 1f), ActivationQuantizer.fatnn(1f, 1f, 1f), null, false)
                .forward(new float[] {1f, 2f, 3f, 4f}, 1, 2, 2, io.github.trit4j.conv.Layout.NCHW));
        calls.put("TernaryBlas", () -> {
            PackedWeights b = PackedWeights.pack(new float[] {1f, -1f, 0.5f, 0.2f}, 0, 2, 2, 2,
                    WeightQuantizer.fatnn(1f, 1f, false, 1f), ActivationQuantizer.fatnn(1f, 1f, 1f));
            TernaryBlas.sgemm(1, 2, 2, 1f, new float[] {1f, 2f}, 2, b, 0f, new float[2], 2);
        });
        for (int attempt = 1; attempt <= 3; attempt++) {
            if (attempt == 3) {
                System.clearProperty(property);
            }
            for (Map.Entry<String, Runnable> call : calls.entrySet()) {
                String result;
                try {
                    call.getValue().run();
                    result = "OK";
                } catch (Throwable t) {
                    result = t.getClass().getName() + ": " + t.getMessage();
                }
                System.out.println(call.getKey() + " " + attempt + " " + result.replace('\n', ' '));
            }
        }
    }
}
