package io.github.trit4j.nn;

import io.github.trit4j.conv.ConvInput;

/**
 * ResNet basic block: {@code relu(bn2(conv2(relu(bn1(conv1(x))))) + sc)} with {@code sc = x} or
 * {@code dbn(down(x))}; the BatchNorms are folded into the units, the first ReLU fused.
 *
 * <p>When both convs are quantized, conv1's epilogue writes conv2's input codes instead of floats
 * (no float tensor between them: conv2 quantizes nothing, and nothing else reads conv1's output),
 * and a block whose first conv is quantized can take its input as codes from the block before it
 * ({@link #link}): the block's input floats are then read only by the shortcut.
 */
final class BasicBlock extends Layer<BasicBlock.Scratch> {
    final String name;
    final ConvUnit<?> conv1;
    final ConvUnit<?> conv2;
    final ConvUnit<?> down;
    /** conv1 and conv2 when both are quantized (conv1 writes conv2's codes), else null. */
    private final QuantConv q1;
    private final QuantConv q2;

    /** {@code codes}: whether conv1 may write conv2's codes (and the block before this one's conv1's); false only in tests. */
    BasicBlock(String name, ConvUnit<?> conv1, ConvUnit<?> conv2, ConvUnit<?> down, boolean codes) {
        super(conv1.kind(), conv1.in, conv2.out);
        this.name = name;
        this.conv1 = conv1;
        this.conv2 = conv2;
        this.down = down;
        codes &= conv1 instanceof QuantConv && conv2 instanceof QuantConv;
        this.q1 = codes ? (QuantConv) conv1 : null;
        this.q2 = codes ? (QuantConv) conv2 : null;
    }

    /**
     * One workspace's buffers: the hidden activation, the shortcut, the units' scratch; with codes, conv1's
     * and conv2's inputs as codes, and the next block's ({@link #link}).
     */
    static final class Scratch {
        /** conv1's output as floats, or null when conv1 writes conv2's codes instead. */
        final float[] h;
        final float[] sc;
        final ConvUnit.Bound<?> s1;
        final ConvUnit.Bound<?> s2;
        final ConvUnit.Bound<?> sd;
        /** conv1's input codes, written by the block before when {@link #codesIn}. */
        final ConvInput in1;
        /** conv2's input codes, written by conv1's epilogue. */
        final ConvInput in2;
        /** Whether the block before writes {@link #in1} (set once, by {@link #link}). */
        boolean codesIn;
        /** The next block's first conv and its input codes, which conv2's epilogue writes; or null. */
        QuantConv next;
        ConvInput nextIn;

        Scratch(float[] h, float[] sc, ConvUnit.Bound<?> s1, ConvUnit.Bound<?> s2, ConvUnit.Bound<?> sd,
                ConvInput in1, ConvInput in2) {
            this.h = h;
            this.sc = sc;
            this.s1 = s1;
            this.s2 = s2;
            this.sd = sd;
            this.in1 = in1;
            this.in2 = in2;
        }
    }

    @Override
    Scratch scratch(int batch) {
        int n = batch * out.size();
        ConvUnit.Bound<?> s1 = conv1.bind(batch);
        ConvUnit.Bound<?> s2 = conv2.bind(batch);
        return new Scratch(q1 != null ? null : new float[n], down == null ? null : new float[n], s1, s2,
                down == null ? null : down.bind(batch), q1 == null ? null : (ConvInput) s1.scratch(),
                q2 == null ? null : (ConvInput) s2.scratch());
    }

    /**
     * Makes {@code s}'s conv2 write the input codes of the block after it, {@code next} with its scratch
     * {@code ns}, when both blocks quantize: that block then reads them instead of quantizing its floats.
     * For a workspace whose layers always run in order (a network's); returns whether it linked.
     */
    boolean link(Scratch s, BasicBlock next, Scratch ns) {
        if (q2 == null || next.q1 == null) {
            return false;
        }
        s.next = next.q1;
        s.nextIn = ns.in1;
        ns.codesIn = true;
        return true;
    }

    @Override
    boolean timesItself() {
        return true;
    }

    @Override
    void forward(float[] x, float[] y, int batch, Scratch s, LayerTimes times) {
        long t0 = times == null ? 0 : System.nanoTime();
        float[] sc = x;
        if (q1 != null) {
            // conv1 writes only conv2's codes (no float tensor: nothing else reads it); conv2 adds the shortcut
            // and writes y (and the next block's codes)
            q1.run(x, s.codesIn ? s.in1 : null, batch, null, null, q2, s.in2);
            if (down != null) {
                s.sd.forward(x, batch, s.sc);
                sc = s.sc;
            }
            q2.run(null, s.in2, batch, y, sc, s.next, s.nextIn);
            if (times != null) {
                times.add(conv1.kind(), System.nanoTime() - t0);
            }
            return;
        }
        s.s1.forward(x, batch, s.h);
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
                + conv2.describe() + (down != null ? "\n    " + down.describe() : "")
                + (q1 != null ? "\n    conv1's epilogue writes conv2's input codes" : "");
    }
}
