package io.github.trit4j.bench;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A workload of the speedup study: a named GEMM shape (the ResNet-18 3x3 layers after im2col,
 * squares, a batch-1 linear layer), a named convolution (the same ResNet-18 layers run as
 * convolutions, C1..C4, and the stride-2 and 1x1 layers D2..D4, P1), a user's {@code MxNxK} GEMM
 * or a user's convolution {@code conv<C>x<H>x<W>o<O>k<kernel>s<stride>p<pad>} ({@link ConvShape#id()}),
 * or a whole network ({@code resnet18}: ResNet-18 at 224 x 224, batch 1, and {@code resnet18-b8}, the same
 * at batch 8, through the network runtime, {@link StudyProducts#network}; {@link #expand} turns
 * {@code resnet18} into both).
 *
 * @param name the study's name ({@code S1}, {@code C1}), {@code MxNxK} or a convolution's id
 * @param kind what is run
 * @param m    output channels (rows of the weights); 1 for a network
 * @param n    output columns (rows of the activations; output pixels of a convolution); for a network, its
 *             batch size (images per run)
 * @param k    reduction length, unpadded; for a network, its multiply-accumulates per image (so that
 *             {@link #macs()}, those of one run, and GMAC/s mean the same as for a product)
 * @param conv the convolution's geometry for {@link Kind#CONV}, null for {@link Kind#GEMM}
 */
public record StudyWorkload(String name, Kind kind, int m, int n, int k, ConvShape conv) {

    /** What a workload runs. */
    public enum Kind {
        /** A raw GEMM on prepared (packed) operands. */
        GEMM,
        /**
         * A convolution, batch 1, NCHW: trit4j's {@code Conv2d} on integer codes (im2col onto bit-planes +
         * packed GEMM), the baselines as im2col + their GEMM ({@link ConvBaselines}).
         */
        CONV,
        /**
         * A whole network, time per batch ({@link #batch()} images): the block convolutions in the precision's
         * mode (FATNN, conventional ternary, ternary x 2-bit, or float), the stem and classifier
         * in float; the fp32 precisions run every layer in float through their GEMM.
         */
        NETWORK
    }

    /** Checks that a convolution's (M, N, K) are its geometry's. */
    public StudyWorkload {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        if ((kind == Kind.CONV) != (conv != null)) {
            throw new IllegalArgumentException("a CONV workload needs its geometry, a GEMM workload none");
        }
        if (conv != null && (m != conv.m() || n != conv.n() || k != conv.k())) {
            throw new IllegalArgumentException("(M,N,K) of " + name + " must be the convolution's ("
                    + conv.m() + "," + conv.n() + "," + conv.k() + ")");
        }
    }

    /** A GEMM workload. */
    public StudyWorkload(String name, Kind kind, int m, int n, int k) {
        this(name, kind, m, n, k, null);
    }

    /** The study's named workloads, in table order: GEMMs, then convolutions. */
    public static final List<StudyWorkload> NAMED = List.of(
            gemm("S1", 64, 3136, 576),
            gemm("S2", 128, 784, 1152),
            gemm("S3", 256, 196, 2304),
            gemm("S4", 512, 49, 4608),
            gemm("Q1", 1024, 1024, 1024),
            gemm("Q2", 2048, 2048, 2048),
            gemm("L1", 4096, 1, 4096),
            conv("C1", new ConvShape(64, 56, 56, 64, 3, 1, 1)),
            conv("C2", new ConvShape(128, 28, 28, 128, 3, 1, 1)),
            conv("C3", new ConvShape(256, 14, 14, 256, 3, 1, 1)),
            conv("C4", new ConvShape(512, 7, 7, 512, 3, 1, 1)),
            conv("D2", new ConvShape(64, 56, 56, 128, 3, 2, 1)),
            conv("D3", new ConvShape(128, 28, 28, 256, 3, 2, 1)),
            conv("D4", new ConvShape(256, 14, 14, 512, 3, 2, 1)),
            conv("P1", new ConvShape(256, 56, 56, 64, 1, 1, 0)),
            new StudyWorkload("resnet18", Kind.NETWORK, 1, 1, (int) resnet18Macs()),
            new StudyWorkload("resnet18-b8", Kind.NETWORK, 1, 8, (int) resnet18Macs()));

    /** The network workloads {@code resnet18} stands for on the command line: batch 1 and batch 8. */
    private static final List<String> RESNET18_BATCHES = List.of("resnet18", "resnet18-b8");

    /**
     * Multiply-accumulates of one ResNet-18 image at 224 x 224: every convolution's
     * {@code O * OH * OW * C * k * k} (the stem, four stages of two basic blocks, the three 1x1
     * stride-2 downsamples) and the 512 x 1000 classifier; pooling and the epilogues not counted.
     */
    static long resnet18Macs() {
        long macs = 64L * 112 * 112 * 3 * 7 * 7; // stem
        int in = 64;
        int hw = 56;
        int[] widths = {64, 128, 256, 512};
        for (int stage = 0; stage < 4; stage++) {
            int out = widths[stage];
            int stride = stage == 0 ? 1 : 2;
            hw /= stride;
            long pixels = (long) hw * hw;
            macs += out * pixels * in * 9;       // block 1, conv1
            macs += 3 * out * pixels * out * 9;  // block 1 conv2, block 2 conv1 and conv2
            if (stride != 1 || in != out) {
                macs += out * pixels * in;       // 1x1 downsample
            }
            in = out;
        }
        return macs + 512L * 1000;
    }

    private static final Pattern CUSTOM = Pattern.compile("(\\d+)[xX](\\d+)[xX](\\d+)");

    private static StudyWorkload gemm(String name, int m, int n, int k) {
        return new StudyWorkload(name, Kind.GEMM, m, n, k);
    }

    /** A convolution workload of the given geometry. */
    public static StudyWorkload conv(String name, ConvShape shape) {
        return new StudyWorkload(name, Kind.CONV, shape.m(), shape.n(), shape.k(), shape);
    }

    /** A user's convolution, named by its {@link ConvShape#id()}. */
    public static StudyWorkload conv(ConvShape shape) {
        return conv(shape.id(), shape);
    }

    /**
     * A named workload ({@code S1}, {@code C1}, case-insensitive), {@code MxNxK} or
     * {@code conv<C>x<H>x<W>o<O>k<kernel>s<stride>p<pad>}.
     */
    public static StudyWorkload parse(String text) {
        String t = text.trim();
        if (t.equalsIgnoreCase("resnet18-b1")) {
            t = "resnet18";
        }
        for (StudyWorkload w : NAMED) {
            if (w.name.equalsIgnoreCase(t)) {
                return w;
            }
        }
        ConvShape shape = ConvShape.parseId(t);
        if (shape != null) {
            return conv(shape);
        }
        Matcher matcher = CUSTOM.matcher(t);
        if (matcher.matches()) {
            try {
                int m = Integer.parseInt(matcher.group(1));
                int n = Integer.parseInt(matcher.group(2));
                int k = Integer.parseInt(matcher.group(3));
                if (m >= 1 && n >= 1 && k >= 1 && (long) m * k <= Integer.MAX_VALUE / 4
                        && (long) n * k <= Integer.MAX_VALUE / 4 && (long) m * n <= Integer.MAX_VALUE / 4) {
                    return gemm(m + "x" + n + "x" + k, m, n, k);
                }
            } catch (NumberFormatException tooLarge) {
                // falls through to the message
            }
            throw new IllegalArgumentException("workload " + text + ": M, N, K must be >= 1 and each matrix under 2^29 elements");
        }
        throw new IllegalArgumentException("unknown workload '" + text + "': one of "
                + NAMED.stream().map(StudyWorkload::name).toList()
                + ", MxNxK (e.g. 64x3136x576) or conv<C>x<H>x<W>o<O>k<kernel>s<stride>p<pad> (e.g. conv64x56x56o64k3s1p1)");
    }

    /**
     * The workloads a command-line name stands for: {@code resnet18} is the network at batch 1 and at batch 8
     * ({@code resnet18}, {@code resnet18-b8}; {@code resnet18-b1} and {@code resnet18-b8} name one); any other name
     * its {@link #parse} workload.
     */
    public static List<StudyWorkload> expand(String text) {
        if (text.trim().equalsIgnoreCase("resnet18")) {
            return RESNET18_BATCHES.stream().map(StudyWorkload::parse).toList();
        }
        return List.of(parse(text));
    }

    /** Images per run of a network workload (its {@code n}); 1 for a product or convolution. */
    public int batch() {
        return kind == Kind.NETWORK ? n : 1;
    }

    /** Useful multiply-accumulates of one product, {@code M*N*K}, K unpadded. */
    public long macs() {
        return (long) m * n * k;
    }

    /**
     * {@code "S1 (64,3136,576)"}, {@code "C1 conv 64x56x56 3x3 s1 p1 -> 64 (64,3136,576)"},
     * {@code "resnet18 network 3x224x224 batch 1 (1.81 GMAC)"} (the GMAC of one run: of the whole batch).
     */
    public String label() {
        if (kind == Kind.NETWORK) {
            return String.format(Locale.ROOT, "%s network 3x224x224 batch %d (%.2f GMAC)", name, n, macs() / 1e9);
        }
        String dims = String.format(Locale.ROOT, "(%d,%d,%d)", m, n, k);
        if (conv != null) {
            return (name.equals(conv.id()) ? "" : name + " ") + "conv " + conv.describe() + " " + dims;
        }
        return name.equals(m + "x" + n + "x" + k) ? dims : name + " " + dims;
    }
}
