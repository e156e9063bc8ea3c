package io.github.trit4j.internal.kernel;

import io.github.trit4j.Precision;

import java.util.Arrays;

/**
 * A packed matrix as the engine uses it: its {@link Planes} and what the products derive from
 * them, each computed on first use and kept, so that the corrections and conversions cost
 * nothing per call: the row constants (sum, count of negatives, count of non-zeros), the row
 * layout of a matrix made from column panels, column panels for another lane count, the views
 * that some kernels read instead of the matrix (the offset thermometer planes of ternary
 * activations, the conventional algorithm's 2-bit codes), and the epilogues that depend on
 * this matrix alone as weights. The public {@code PackedMatrix} is a handle over one of these.
 *
 * <p>Shared between threads as the handle is: every derived value is computed from immutable
 * planes and published through a volatile field or as an immutable record, so a race computes
 * equal values twice, harmlessly. The exception is an operand its owner reuses for new planes
 * ({@link #rewritten}); such an operand is confined to its owner. Internal API (the package is
 * not exported).
 */
public final class Operand {

    private final Planes planes;
    private final Precision precision;
    private final int rows;
    private final int cols;
    private final int wordsPerRow;
    /** The row constants known at construction (pack), or null. */
    private final RowConstants packedConstants;
    /** The panels the operand was made from, or null. */
    private final Panels givenPanels;

    /** Row layout; built on first use for an operand made from column panels. */
    private volatile long[] bits;
    /** Column panels of the last lane count asked for (or the given ones). */
    private volatile Panels panels;
    private volatile RowConstants constants;
    private volatile Operand offsetThermometer;
    private volatile Operand twoBitCodes;
    /** Epilogues with this operand as weights, by kernel ordinal; immutable records. */
    private final Epilogue[] epilogues = new Epilogue[Kernel.values().length];
    /** The last epilogue with this operand as activations, and what it was built for. */
    private volatile ActivationEpilogue activationEpilogue;

    // Of an operand its owner rewrites ({@link #rewritten}), confined to the owner's thread: what
    // the last call derived, whose arrays the next call refills in place instead of allocating.
    private RowConstants spareConstants;
    private Panels sparePanels;
    private Operand spareTwoBitCodes;
    private Operand spareOffsetThermometer;

    /** An epilogue with activations' row constants {@code colTerm}, for {@code kernel} and {@code weights}. */
    private record ActivationEpilogue(Kernel kernel, Operand weights, int[] colTerm, Epilogue epilogue) {
    }

    /** Column panels and the lane count they were laid out for, published together. */
    private record Panels(int lanes, long[] words) {
    }

    /** Per row: sum of the values, count of negatives, count of non-zeros. */
    private record RowConstants(int[] sums, int[] negatives, int[] nonZeros) {
    }

    private Operand(Planes planes, RowConstants constants) {
        this.planes = planes;
        this.precision = planes.precision();
        this.rows = planes.rows();
        this.cols = planes.cols();
        this.wordsPerRow = planes.wordsPerRow();
        this.packedConstants = constants;
        this.givenPanels = planes.panels() == null ? null : new Panels(planes.lanes(), planes.panels());
        this.bits = planes.bits();
        this.panels = givenPanels;
        this.constants = constants;
    }

    /**
     * An operand over well-formed planes in the row layout (taken, not copied), such as
     * {@link Planes#checkRows} accepts; row constants are counted on first use.
     */
    public static Operand ofRows(Precision precision, int rows, int cols, long[] bits) {
        return new Operand(new Planes(precision, rows, cols, bits, 0, null), null);
    }

    /** An operand over well-formed column panels (taken, not copied), such as {@link Planes#checkPanels} accepts. */
    public static Operand ofPanels(Precision precision, int rows, int cols, int lanes, long[] panels) {
        return new Operand(new Planes(precision, rows, cols, null, lanes, panels), null);
    }

    /**
     * Packs row-major values that are known to belong to {@code precision}, with their row
     * constants counted on the way.
     */
    public static Operand pack(Precision precision, byte[] values, int rows, int cols) {
        int words = Planes.wordsPerRow(cols);
        int planeCount = precision.planes();
        long[] bits = new long[Planes.allocationSize(rows, planeCount, words)];
        int[] sums = new int[rows];
        int[] neg = new int[rows];
        int[] nz = new int[rows];
        for (int r = 0; r < rows; r++) {
            int src = r * cols;
            int base = r * planeCount * words;
            int sum = 0;
            int negCount = 0;
            int nzCount = 0;
            for (int c = 0; c < cols; c++) {
                int v = values[src + c];
                sum += v;
                if (v < 0) {
                    negCount++;
                }
                if (v != 0) {
                    nzCount++;
                }
                long bit = 1L << c;
                int word = base + (c >>> 6);
                int p0;
                int p1;
                switch (precision) {
                    case BINARY -> { p0 = v < 0 ? 1 : 0; p1 = 0; }
                    case TERNARY -> { p0 = v != 0 ? 1 : 0; p1 = v < 0 ? 1 : 0; }
                    case TERNARY_UNSIGNED -> { p0 = v >= 1 ? 1 : 0; p1 = v >= 2 ? 1 : 0; }
                    case TWO_BIT -> { p0 = v & 1; p1 = v >> 1; }
                    default -> throw new AssertionError(precision);
                }
                if (p0 != 0) {
                    bits[word] |= bit;
                }
                if (p1 != 0) {
                    bits[word + words] |= bit;
                }
            }
            sums[r] = sum;
            neg[r] = negCount;
            nz[r] = nzCount;
        }
        return new Operand(new Planes(precision, rows, cols, bits, 0, null), new RowConstants(sums, neg, nz));
    }

    /**
     * For the owner of an operand whose planes it has just rewritten in place (same arrays,
     * same sizes): forgets every value derived from the old planes, so that the operand, and
     * the handle over it, can serve the next call without allocating a new view. Allocates
     * nothing, and the next call derives nothing anew either: the row constants, column panels
     * and views (the conventional algorithm's 2-bit codes, the offset thermometer planes) that
     * the last call derived are kept and refilled in place when asked for again. Only for an
     * operand confined to its owner's thread whose handle never escapes trit4j's own code (a
     * product does not keep its operands after it returns).
     */
    public void rewritten() {
        if (packedConstants == null && constants != null) {
            spareConstants = constants;
        }
        if (panels != null && panels != givenPanels) {
            sparePanels = panels;
        }
        if (twoBitCodes != null) {
            spareTwoBitCodes = twoBitCodes;
        }
        if (offsetThermometer != null) {
            spareOffsetThermometer = offsetThermometer;
        }
        bits = planes.bits();
        panels = givenPanels;
        constants = packedConstants;
        offsetThermometer = null;
        twoBitCodes = null;
        Arrays.fill(epilogues, null);
    }

    /** The planes as made. */
    public Planes planes() {
        return planes;
    }

    /** The value set. */
    public Precision precision() {
        return precision;
    }

    /** Number of rows. */
    public int rows() {
        return rows;
    }

    /** K, unpadded. */
    public int cols() {
        return cols;
    }

    /** Longs per plane per row of the row layout. */
    public int wordsPerRow() {
        return wordsPerRow;
    }

    /** The row layout; for an operand made from column panels, built from them on first use. */
    public long[] bits() {
        long[] b = bits;
        if (b == null) {
            Panels p = givenPanels;
            b = ColumnPanels.unpack(p.words(), rows, precision.planes(), wordsPerRow, ColumnPanels.kWords(cols),
                    p.lanes());
            bits = b;
        }
        return b;
    }

    /**
     * These rows as column panels of {@code lanes} columns ({@link ColumnPanels}), for the
     * lane-per-column kernels; kept for the last lane count asked for.
     */
    public long[] columnPanels(int lanes) {
        Panels p = panels;
        if (p == null || p.lanes() != lanes) {
            Panels spare = sparePanels;
            if (spare != null && spare.lanes() == lanes) { // an owner's rewritten operand: refill
                ColumnPanels.pack(bits(), rows, precision.planes(), wordsPerRow, ColumnPanels.kWords(cols), lanes,
                        spare.words());
                p = spare;
            } else {
                p = new Panels(lanes, ColumnPanels.pack(bits(), rows, precision.planes(), wordsPerRow,
                        ColumnPanels.kWords(cols), lanes));
            }
            panels = p;
        }
        return p.words();
    }

    /** Sum of each row's values. */
    public int[] rowSums() {
        return constants().sums();
    }

    /** Count of negative values per row. */
    public int[] negatives() {
        return constants().negatives();
    }

    /** Count of non-zero values per row. */
    public int[] nonZeros() {
        return constants().nonZeros();
    }

    /** One of the row constants, as an epilogue names it; null for NONE. */
    public int[] term(Kernel.Term term) {
        return switch (term) {
            case NONE -> null;
            case NEGATIVES -> negatives();
            case NON_ZEROS -> nonZeros();
            case ROW_SUMS -> rowSums();
        };
    }

    private RowConstants constants() {
        RowConstants c = constants;
        if (c == null) {
            c = countRowConstants();
            constants = c;
        }
        return c;
    }

    private RowConstants countRowConstants() {
        long[] b = bits();
        int planeCount = precision.planes();
        int words = wordsPerRow;
        RowConstants spare = spareConstants; // an owner's rewritten operand: refill the last call's arrays
        int[] sums = spare != null ? spare.sums() : new int[rows];
        int[] neg = spare != null ? spare.negatives() : new int[rows];
        int[] nz = spare != null ? spare.nonZeros() : new int[rows];
        for (int r = 0; r < rows; r++) {
            int base = r * planeCount * words;
            long p0Count = 0;
            long p1Count = 0;
            long nonZero = 0;
            for (int w = 0; w < words; w++) {
                long p0 = b[base + w];
                long p1 = planeCount > 1 ? b[base + words + w] : 0;
                p0Count += Long.bitCount(p0);
                p1Count += Long.bitCount(p1);
                nonZero += precision == Precision.TWO_BIT ? Long.bitCount(p0 | p1) : Long.bitCount(p0);
            }
            switch (precision) {
                case BINARY -> { sums[r] = (int) (cols - 2 * p0Count); neg[r] = (int) p0Count; nonZero = cols; }
                case TERNARY -> { sums[r] = (int) (p0Count - 2 * p1Count); neg[r] = (int) p1Count; }
                case TERNARY_UNSIGNED -> sums[r] = (int) (p0Count + p1Count);
                case TWO_BIT -> sums[r] = (int) (p0Count + 2 * p1Count);
                default -> throw new AssertionError(precision);
            }
            nz[r] = (int) nonZero;
        }
        return spare != null ? spare : new RowConstants(sums, neg, nz);
    }

    /** The operand {@code kernel} reads as weights: the 2-bit codes for the conventional algorithm, else this. */
    public Operand asWeights(Kernel kernel) {
        return kernel.sum() == Kernel.Sum.TWO_BIT ? twoBitCodes() : this;
    }

    /**
     * The operand {@code kernel} reads as activations: the 2-bit codes for the conventional
     * algorithm, the offset thermometer planes for ternary x ternary, else this.
     */
    public Operand asActivations(Kernel kernel) {
        return switch (kernel) {
            case CONVENTIONAL_UNSIGNED, CONVENTIONAL_TERNARY -> twoBitCodes();
            case TERNARY_TERNARY -> offsetThermometer();
            default -> this;
        };
    }

    /**
     * The epilogue of {@code kernel} for weights {@code w} and activations {@code x} (the
     * operands as given, before any view). One that depends on the weights alone is built
     * once per weight operand, so that a steady-state product allocates none.
     */
    public static Epilogue epilogue(Kernel kernel, Operand w, Operand x) {
        if (!kernel.weightsOnly()) {
            // kept on the activations while the kernel, the weights and the activations' row
            // constants (the same array, refilled in place, for an owner's rewritten operand) stay
            int[] colTerm = x.term(kernel.activationTerm());
            ActivationEpilogue a = x.activationEpilogue;
            if (a == null || a.kernel() != kernel || a.weights() != w || a.colTerm() != colTerm) {
                a = new ActivationEpilogue(kernel, w, colTerm, kernel.epilogue(w.cols, w.term(kernel.weightTerm()),
                        colTerm));
                x.activationEpilogue = a;
            }
            return a.epilogue();
        }
        Epilogue e = w.epilogues[kernel.ordinal()];
        if (e == null) { // a race builds equal records twice; a record's final fields are safely published
            e = kernel.epilogue(w.cols, w.term(kernel.weightTerm()), null);
            w.epilogues[kernel.ordinal()] = e;
        }
        return e;
    }

    /**
     * For a TERNARY operand: the same rows as TERNARY_UNSIGNED codes of {@code v + 1}, so that
     * the FATNN product can serve ternary activations (docs/DESIGN.md, <i>Inner products</i>).
     * Planes: a = [v &gt;= 0] = ~s (within K), b = [v &gt;= 1] = m &amp; ~s.
     */
    public Operand offsetThermometer() {
        if (precision != Precision.TERNARY) {
            throw new IllegalStateException("expected " + Precision.TERNARY + ", is " + precision);
        }
        Operand view = offsetThermometer;
        if (view == null) {
            long[] b = bits();
            int[] sums0 = rowSums();
            Operand spare = spareOffsetThermometer; // an owner's rewritten operand: refill the last view
            long[] out = spare != null ? spare.planes.bits() : new long[b.length];
            for (int r = 0; r < rows; r++) {
                int base = r * 2 * wordsPerRow;
                for (int w = 0; w < wordsPerRow; w++) {
                    long m = b[base + w];
                    long s = b[base + wordsPerRow + w];
                    out[base + w] = ~s & Planes.validBits(w, cols);
                    out[base + wordsPerRow + w] = m & ~s;
                }
            }
            int[] sums = spare != null ? spare.packedConstants.sums() : new int[rows];
            for (int r = 0; r < rows; r++) {
                sums[r] = sums0[r] + cols;
            }
            int[] nz = spare != null ? spare.packedConstants.nonZeros() : new int[rows];
            nonZerosOfOffset(nz);
            if (spare != null) {
                spare.rewritten();
                view = spare;
            } else {
                view = new Operand(new Planes(Precision.TERNARY_UNSIGNED, rows, cols, out, 0, null),
                        new RowConstants(sums, new int[rows], nz));
            }
            offsetThermometer = view;
        }
        return view;
    }

    /**
     * The conventional algorithm's view: TERNARY as TWO_BIT codes of {@code v + 1},
     * TERNARY_UNSIGNED as TWO_BIT codes of {@code v}, TWO_BIT as itself.
     */
    public Operand twoBitCodes() {
        if (precision == Precision.TWO_BIT) {
            return this;
        }
        if (precision == Precision.BINARY) {
            throw new IllegalStateException("BINARY has no 2-bit code view");
        }
        Operand view = twoBitCodes;
        if (view == null) {
            long[] b = bits();
            int[] sums0 = rowSums();
            Operand spare = spareTwoBitCodes; // an owner's rewritten operand: refill the last view
            long[] out = spare != null ? spare.planes.bits() : new long[b.length];
            for (int r = 0; r < rows; r++) {
                int base = r * 2 * wordsPerRow;
                for (int w = 0; w < wordsPerRow; w++) {
                    long p0 = b[base + w];
                    long p1 = b[base + wordsPerRow + w];
                    long lo;
                    long hi;
                    if (precision == Precision.TERNARY) { // v + 1: 0 where s, 1 where !m, 2 where m & !s
                        lo = ~p0 & Planes.validBits(w, cols);
                        hi = p0 & ~p1;
                    } else { // thermometer a, b: v = a + b
                        lo = p0 ^ p1;
                        hi = p1;
                    }
                    out[base + w] = lo;
                    out[base + wordsPerRow + w] = hi;
                }
            }
            int[] sums = spare != null ? spare.packedConstants.sums() : new int[rows];
            for (int r = 0; r < rows; r++) {
                sums[r] = sums0[r] + (precision == Precision.TERNARY ? cols : 0);
            }
            // the view's own array, not this operand's: the view's constants are refilled with it
            int[] nz = spare != null ? spare.packedConstants.nonZeros() : new int[rows];
            if (precision == Precision.TERNARY) {
                nonZerosOfOffset(nz);
            } else {
                System.arraycopy(nonZeros(), 0, nz, 0, rows);
            }
            if (spare != null) {
                spare.rewritten();
                view = spare;
            } else {
                view = new Operand(new Planes(Precision.TWO_BIT, rows, cols, out, 0, null),
                        new RowConstants(sums, new int[rows], nz));
            }
            twoBitCodes = view;
        }
        return view;
    }

    /** Non-zeros of v + 1 for ternary v (every value but -1), into {@code nz}. */
    private void nonZerosOfOffset(int[] nz) {
        int[] neg = negatives();
        for (int r = 0; r < rows; r++) {
            nz[r] = cols - neg[r];
        }
    }

    /** Unpacks to row-major values; the size must fit a Java array. */
    public byte[] unpack() {
        long[] b = bits();
        byte[] out = new byte[rows * cols];
        int planeCount = precision.planes();
        for (int r = 0; r < rows; r++) {
            int base = r * planeCount * wordsPerRow;
            for (int c = 0; c < cols; c++) {
                int word = base + (c >>> 6);
                int p0 = (int) (b[word] >>> c) & 1;
                int p1 = planeCount > 1 ? (int) (b[word + wordsPerRow] >>> c) & 1 : 0;
                out[r * cols + c] = (byte) switch (precision) {
                    case BINARY -> p0 == 1 ? -1 : 1;
                    case TERNARY -> p0 == 0 ? 0 : (p1 == 1 ? -1 : 1);
                    case TERNARY_UNSIGNED -> p0 + p1;
                    case TWO_BIT -> p0 | (p1 << 1);
                };
            }
        }
        return out;
    }
}
