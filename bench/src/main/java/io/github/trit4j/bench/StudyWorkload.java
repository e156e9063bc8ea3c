package io.github.trit4j.bench;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A workload of the speedup study: a named GEMM shape (the ResNet-18 3x3 layers after im2col,
 * squares, a batch-1 linear layer) or a user's {@code MxNxK}.
 *
 * <p>Only {@link Kind#GEMM} exists today. Convolution workloads (the same ResNet-18 layers
 * through the layer API, issue 4) are a follow-up: they get {@link Kind#CONV}, their layer
 * geometry, and a branch in {@link StudyProducts#create}; the CSV and reports already carry
 * the kind.
 *
 * @param name the study's name ({@code S1}) or {@code MxNxK} for a user's shape
 * @param kind what is multiplied
 * @param m    output channels (rows of the weights)
 * @param n    output columns (rows of the activations)
 * @param k    reduction length, unpadded
 */
public record StudyWorkload(String name, Kind kind, int m, int n, int k) {

    /** What a workload multiplies. */
    public enum Kind {
        /** A raw GEMM on packed operands. */
        GEMM,
        /** A convolution through the layer API: not implemented yet (issue 4). */
        CONV
    }

    /** The study's named workloads, in table order. */
    public static final java.util.List<StudyWorkload> NAMED = java.util.List.of(
            gemm("S1", 64, 3136, 576),
            gemm("S2", 128, 784, 1152),
            gemm("S3", 256, 196, 2304),
            gemm("S4", 512, 49, 4608),
            gemm("Q1", 1024, 1024, 1024),
            gemm("Q2", 2048, 2048, 2048),
            gemm("L1", 4096, 1, 4096));

    private static final Pattern CUSTOM = Pattern.compile("(\\d+)[xX](\\d+)[xX](\\d+)");

    private static StudyWorkload gemm(String name, int m, int n, int k) {
        return new StudyWorkload(name, Kind.GEMM, m, n, k);
    }

    /** A named workload ({@code S1}, case-insensitive) or {@code MxNxK}. */
    public static StudyWorkload parse(String text) {
        String t = text.trim();
        for (StudyWorkload w : NAMED) {
            if (w.name.equalsIgnoreCase(t)) {
                return w;
            }
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
                + NAMED.stream().map(StudyWorkload::name).toList() + " or MxNxK (e.g. 64x3136x576)");
    }

    /** Useful multiply-accumulates of one product, {@code M*N*K}, K unpadded. */
    public long macs() {
        return (long) m * n * k;
    }

    /** {@code "S1 (64,3136,576)"}. */
    public String label() {
        String dims = String.format(Locale.ROOT, "(%d,%d,%d)", m, n, k);
        return name.equals(m + "x" + n + "x" + k) ? dims : name + " " + dims;
    }
}
