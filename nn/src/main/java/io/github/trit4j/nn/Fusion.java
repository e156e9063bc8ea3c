package io.github.trit4j.nn;

import java.util.ArrayList;
import java.util.List;

/**
 * The fusion pass between parsing and planning ({@link Assembler}): a BatchNorm right after a
 * convolution is folded into it (its scale and shift join the conv's float epilogue), and a ReLU
 * right after that conv (or its BatchNorm) becomes the epilogue's {@code max(z, 0)}, and a normalize
 * right before a float conv is done by the conv as it copies its input (no pass of its own). A
 * BatchNorm anywhere else is refused (the runtime has no standalone BatchNorm); a ReLU or a
 * normalize anywhere else stays a layer. Stateless.
 */
final class Fusion {

    private Fusion() {
    }

    /**
     * The specs with BatchNorms and ReLUs folded into the convs before them, and normalizes into the float
     * convs after them.
     *
     * @throws IllegalArgumentException for a BatchNorm that does not follow a conv, naming it
     */
    static List<LayerSpec> fuse(List<LayerSpec> specs) {
        List<LayerSpec> out = new ArrayList<>(specs.size());
        for (int i = 0; i < specs.size(); i++) {
            LayerSpec s = specs.get(i);
            if (s instanceof LayerSpec.BatchNorm bn) {
                throw new IllegalArgumentException(bn.where() + ": a batchnorm must follow a conv (it is folded into it)");
            }
            if (s instanceof LayerSpec.Normalize n && i + 1 < specs.size()
                    && specs.get(i + 1) instanceof LayerSpec.Conv next && !next.mode().quantized()) {
                s = next.withNormalize(n);
                i++;
            }
            if (s instanceof LayerSpec.Conv conv) {
                if (i + 1 < specs.size() && specs.get(i + 1) instanceof LayerSpec.BatchNorm bn) {
                    conv = conv.withBatchNorm(bn);
                    i++;
                }
                if (i + 1 < specs.size() && specs.get(i + 1) instanceof LayerSpec.Relu) {
                    conv = conv.withRelu();
                    i++;
                }
                s = conv;
            }
            out.add(s);
        }
        return List.copyOf(out);
    }
}
