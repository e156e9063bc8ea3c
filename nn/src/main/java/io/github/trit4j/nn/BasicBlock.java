package io.github.trit4j.nn;

/**
 * ResNet basic block: {@code relu(bn2(conv2(relu(bn1(conv1(x))))) + sc)} with {@code sc = x} or
 * {@code dbn(down(x))}; the BatchNorms are folded into the units, the first ReLU fused.
 */
final class BasicBlock extends Layer<BasicBlock.Scratch> {
    final String name;
    final ConvUnit<?> conv1;
    final ConvUnit<?> conv2;
    final ConvUnit<?> down;

    BasicBlock(String name, ConvUnit<?> conv1, ConvUnit<?> conv2, ConvUnit<?> down) {
        super(conv1.kind(), conv1.in, conv2.out);
        this.name = name;
        this.conv1 = conv1;
        this.conv2 = conv2;
        this.down = down;
    }

    record Scratch(float[] h, float[] sc, ConvUnit.Bound<?> s1, ConvUnit.Bound<?> s2, ConvUnit.Bound<?> sd) {
    }

    @Override
    Scratch scratch(int batch) {
        int n = batch * out.size();
        return new Scratch(new float[n], down == null ? null : new float[n], conv1.bind(batch),
                conv2.bind(batch), down == null ? null : down.bind(batch));
    }

    @Override
    boolean timesItself() {
        return true;
    }

    @Override
    void forward(float[] x, float[] y, int batch, Scratch s, LayerTimes times) {
        long t0 = times == null ? 0 : System.nanoTime();
        s.s1.forward(x, batch, s.h);
        float[] sc = x;
        if (down != null) {
            s.sd.forward(x, batch, s.sc);
            sc = s.sc;
        }
        if (conv2.fusesResidual()) {
            // the residual add and the ReLU run in conv2's epilogue: no pass of their own to time
            s.s2.forwardResidual(s.h, batch, y, sc);
            if (times != null) {
                times.add(conv1.kind(), System.nanoTime() - t0);
            }
            return;
        }
        s.s2.forward(s.h, batch, y);
        long t1 = times == null ? 0 : System.nanoTime();
        int n = batch * out.size();
        for (int i = 0; i < n; i++) {
            y[i] = Math.max(y[i] + sc[i], 0f);
        }
        if (times != null) {
            times.add(conv1.kind(), t1 - t0);
            times.add(LayerKind.RESIDUAL_ADD, System.nanoTime() - t1);
        }
    }

    @Override
    String describe() {
        return name + ": basic_block " + in + " -> " + out + "\n    " + conv1.describe() + "\n    "
                + conv2.describe() + (down != null ? "\n    " + down.describe() : "");
    }
}
