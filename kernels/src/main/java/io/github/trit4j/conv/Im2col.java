package io.github.trit4j.conv;

import io.github.trit4j.internal.kernel.ExactBuffers;

/**
 * im2col on bit-planes: copies words (or bit ranges) of packed pixels into the patch matrix,
 * one row per output pixel, K = (kh, kw, c), in the layout the engine reads. Holds the tap
 * tables and row buffer it rewrites on every call, so one instance serves one thread's calls
 * of a {@link Conv2d} (kept in the layer's per-thread scratch); not thread-safe.
 */
final class Im2col {

    private final Conv2dSpec spec;
    /** Per tap: row and column offset from the window's corner, pixel offset, word offset. */
    private final int[] dy;
    private final int[] dx;
    private final int[] tapPixel;
    private final int[] tapWord;
    /** Per tap: whether it falls outside the image (binary padding correction). */
    private final boolean[] padded;
    /** Per lane of a panel: the first source word of its pixel. */
    private int[] laneSrc;
    /** Per lane of a panel: the input row and column of its window's corner (before the taps' offsets). */
    private int[] laneY;
    private int[] laneX;
    /** Per (tap, word, plane) of a panel: its source offset from a lane's first word. */
    private int[] runOffsets;
    /** One patch row, when channel groups do not fill whole words. */
    private long[] rowBuf;

    Im2col(Conv2dSpec spec) {
        this.spec = spec;
        int taps = spec.kernelH() * spec.kernelW();
        dy = new int[taps];
        dx = new int[taps];
        tapPixel = new int[taps];
        tapWord = new int[taps];
        padded = new boolean[taps];
    }

    /**
     * Packs group {@code g}'s patches into {@code bits} in layout {@code to}: one row per output
     * pixel (n, oy, ox), K = (kh, kw, c). Every word of every row is written (padded taps, the
     * pad past K and the lanes past the last row as zeros), so {@code bits} may hold anything
     * before. When a group's channels fill whole words, each tap is a copy of whole words;
     * otherwise each tap is ORed in as shifted word pairs into a cleared row buffer, which is
     * then stored. Tap offsets are computed once; interior pixels (all taps inside the image)
     * skip the bounds checks. On column panels with whole-word groups, a whole panel is written
     * run by run: its lanes are pixels of one or two output rows, a fixed number of words apart in
     * the word-major pixel planes, so each (tap, word, plane) of the panel is one or two strided
     * runs of the source ({@code CodeMasks#copyRuns}, vector
     * loads where the vector module is present); a panel at the image's edge is copied whole when
     * every run lies inside the planes, and the lanes of its padded taps zeroed after.
     */
    void pack(PixelPlanes pp, int g, int oh, int ow, PlaneLayout to, long[] bits) {
        int cg = spec.inChannelsPerGroup();
        int kH = spec.kernelH();
        int kW = spec.kernelW();
        int taps = kH * kW;
        int planes = pp.planes;
        int words = to.words();
        int ps = to.planeStride();
        int ws = to.wordStride();
        int h = pp.height;
        int w = pp.width;
        int sH = spec.strideH();
        int sW = spec.strideW();
        for (int i = 0; i < kH; i++) {
            for (int j = 0; j < kW; j++) {
                int t = i * kW + j;
                dy[t] = i * spec.dilationH() - spec.padH();
                dx[t] = j * spec.dilationW() - spec.padW();
                tapPixel[t] = dy[t] * w + dx[t];
            }
        }
        int minDy = -spec.padH();
        int maxDy = (kH - 1) * spec.dilationH() - spec.padH();
        int minDx = -spec.padW();
        int maxDx = (kW - 1) * spec.dilationW() - spec.padW();
        boolean aligned = (cg & 63) == 0;
        int gw = cg >>> 6;               // words per tap when aligned
        int srcBit = g * cg;
        // source word k of plane q of pixel p: p * sp + q * sq + k * sk (word-major when aligned)
        int sp = pp.origin(1) - pp.origin(0);
        int sq = pp.planeStride;
        int sk = pp.wordStride;
        int srcWord = g * gw * sk;        // first word of the group's channels when aligned
        for (int t = 0; t < taps; t++) {
            tapWord[t] = tapPixel[t] * sp;
        }
        long[] rowBuf = aligned ? null : (this.rowBuf = ExactBuffers.exact(this.rowBuf, planes * words));
        long[] src = pp.bits;
        int lanes = to.lanes();
        // whole panels of interior rows: the lanes of one (word, plane) are adjacent in the
        // panel, so each is written by a short run of stores instead of strided ones per row
        boolean panelRuns = lanes > 0 && lanes <= 64 && aligned;
        int[] laneSrc = this.laneSrc = ExactBuffers.exact(this.laneSrc, Math.max(1, lanes));
        int[] laneY = this.laneY = ExactBuffers.exact(this.laneY, Math.max(1, lanes));
        int[] laneX = this.laneX = ExactBuffers.exact(this.laneX, Math.max(1, lanes));
        // source offset (from a lane's pixel) of each (tap, word, plane) of a panel, in the panel's order
        int runs = panelRuns ? taps * gw * planes : 0;
        int[] runOffsets = this.runOffsets = ExactBuffers.exact(this.runOffsets, Math.max(1, runs));
        for (int t = 0, r = 0; t < taps && panelRuns; t++) {
            for (int j = 0; j < gw; j++) {
                for (int q = 0; q < planes; q++) {
                    runOffsets[r++] = tapWord[t] + q * sq + j * sk;
                }
            }
        }
        int rows = to.rows();
        int n = 0;
        int oy = 0;
        int ox = 0;
        int row = 0;
        while (row < rows) {
            if (panelRuns && row % lanes == 0 && row + lanes <= rows) {
                long edge = 0; // the lanes with a tap outside the image
                for (int lane = 0; lane < lanes; lane++) {
                    int iy0 = oy * sH;
                    int ix0 = ox * sW;
                    if (!(iy0 + minDy >= 0 && iy0 + maxDy < h && ix0 + minDx >= 0 && ix0 + maxDx < w)) {
                        edge |= 1L << lane;
                    }
                    laneY[lane] = iy0;
                    laneX[lane] = ix0;
                    laneSrc[lane] = ((n * h + iy0) * w + ix0) * sp + srcWord;
                    if (++ox == ow) {
                        ox = 0;
                        if (++oy == oh) {
                            oy = 0;
                            n++;
                        }
                    }
                }
                // the panel's words, (tap, word, plane) after one another, lanes side by side: one
                // contiguous run from lane 0. Lanes of one output row are pixels a fixed distance apart
                // (word-major source: 1 word for stride 1, 2 for stride 2), so each (tap, word, plane)
                // of the panel is a strided run of the source, or two when the panel crosses into the
                // next output row: copied by CodeMasks#copyRuns
                int d = to.origin(row); // lane 0 of the panel
                int src0 = laneSrc[0];
                int step = sW * sp;
                int split = 1;
                while (split < lanes && laneSrc[split] == src0 + split * step) {
                    split++;
                }
                int src1 = split < lanes ? laneSrc[split] - split * step : src0; // lane l of the second part: src1 + l * step
                boolean adjacent = true;
                for (int lane = split + 1; lane < lanes && adjacent; lane++) {
                    adjacent = laneSrc[lane] == src1 + lane * step;
                }
                boolean whole = adjacent && (edge == 0 && split == lanes
                        || inside(src0, step, lanes, runOffsets, 0, runs, src.length)
                        && inside(src1, step, lanes, runOffsets, 0, runs, src.length));
                if (whole) {
                    // every run inside the array: copied whole, then the lanes of padded taps (which read
                    // other pixels' words) zeroed
                    pp.masks.copyRuns(src, src0, src1, split, step, runOffsets, 0, runs, bits, d, lanes);
                }
                if (!whole || edge != 0) { // per tap: lanes not a fixed distance apart, or taps of the padding
                    int perTap = gw * planes;
                    long all = lanes == 64 ? -1L : (1L << lanes) - 1;
                    for (int t = 0; t < taps; t++) {
                        long valid = all; // the lanes whose tap t is inside the image
                        for (long e = edge; e != 0; e &= e - 1) {
                            int lane = Long.numberOfTrailingZeros(e);
                            int iy = laneY[lane] + dy[t];
                            int ix = laneX[lane] + dx[t];
                            if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                                valid &= ~(1L << lane);
                            }
                        }
                        int r0 = t * perTap;
                        if (whole) {
                            for (long z = all & ~valid; z != 0; z &= z - 1) {
                                int lane = Long.numberOfTrailingZeros(z);
                                for (int r = r0; r < r0 + perTap; r++) {
                                    bits[d + r * lanes + lane] = 0L;
                                }
                            }
                            continue;
                        }
                        if (valid == all && adjacent && split == lanes) { // reads only the words it copies
                            pp.masks.copyRuns(src, src0, src0, lanes, step, runOffsets, r0, r0 + perTap, bits, d,
                                    lanes);
                            continue;
                        }
                        for (int r = r0; r < r0 + perTap; r++) {
                            int off = runOffsets[r];
                            int dr = d + r * lanes;
                            for (int lane = 0; lane < lanes; lane++) {
                                bits[dr + lane] = (valid >>> lane & 1) != 0 ? src[laneSrc[lane] + off] : 0L;
                            }
                        }
                    }
                }
                row += lanes;
                continue;
            }
            int iy0 = oy * sH;
            int ix0 = ox * sW;
            boolean inside = iy0 + minDy >= 0 && iy0 + maxDy < h && ix0 + minDx >= 0 && ix0 + maxDx < w;
            int center = (n * h + iy0) * w + ix0;
            int rowBase = to.origin(row);
            if (aligned) {
                for (int q = 0; q < planes; q++) {
                    int d = rowBase + q * ps;
                    int qOff = q * sq + srcWord;
                    if (inside && gw == 1) {
                        int c = center * sp + qOff;
                        for (int t = 0; t < taps; t++) {
                            bits[d + t * ws] = src[c + tapWord[t]];
                        }
                    } else {
                        for (int t = 0; t < taps; t++) {
                            int iy = iy0 + dy[t];
                            int ix = ix0 + dx[t];
                            int dt = d + t * gw * ws;
                            boolean in = inside || (iy >= 0 && iy < h && ix >= 0 && ix < w);
                            int s = (center + tapPixel[t]) * sp + qOff;
                            for (int j = 0; j < gw; j++) {
                                bits[dt + j * ws] = in ? src[s + j * sk] : 0L;
                            }
                        }
                    }
                    for (int z = taps * gw; z < words; z++) {
                        bits[d + z * ws] = 0L;
                    }
                }
            } else {
                java.util.Arrays.fill(rowBuf, 0L);
                for (int t = 0; t < taps; t++) {
                    int iy = iy0 + dy[t];
                    int ix = ix0 + dx[t];
                    if (!inside && (iy < 0 || iy >= h || ix < 0 || ix >= w)) {
                        continue;
                    }
                    int s = (center + tapPixel[t]) * sp; // ROWS: a pixel's words are adjacent
                    for (int q = 0; q < planes; q++) {
                        PixelPlanes.orBits(src, s + q * sq, srcBit, rowBuf, q * words, t * cg, cg);
                    }
                }
                for (int q = 0; q < planes; q++) {
                    for (int k = 0; k < words; k++) {
                        bits[rowBase + q * ps + k * ws] = rowBuf[q * words + k];
                    }
                }
            }
            row++;
            if (++ox == ow) {
                ox = 0;
                if (++oy == oh) {
                    oy = 0;
                    n++;
                }
            }
        }
        to.zeroRowsFrom(bits, row); // lanes past the last row of the last panel
    }

    /** Whether every word of runs {@code [from, to)} ({@code src0 + offsets[r] + l * step}, {@code l < lanes}) is inside {@code [0, length)}. */
    private static boolean inside(int src0, int step, int lanes, int[] offsets, int from, int to, int length) {
        for (int r = from; r < to; r++) {
            long first = (long) src0 + offsets[r];
            if (first < 0 || first + (long) (lanes - 1) * step >= length) {
                return false;
            }
        }
        return true;
    }

    /**
     * BINARY has no 0, so {@link #pack} wrote padded taps as +1: subtracts the weights' sum over
     * them ({@code tapSums[o * taps + t]}, summed over input channels) from group {@code g}'s
     * product, which makes it the zero-padded convolution.
     */
    void correctBinaryPadding(int[] tapSums, int[] gemmOut, int g, int batch, int h, int w, int oh,
                              int ow) {
        int kH = spec.kernelH();
        int kW = spec.kernelW();
        int taps = kH * kW;
        int mg = spec.outChannelsPerGroup();
        int rows = batch * oh * ow;
        for (int oy = 0; oy < oh; oy++) {
            for (int ox = 0; ox < ow; ox++) {
                boolean any = false;
                for (int i = 0; i < kH; i++) {
                    int iy = oy * spec.strideH() - spec.padH() + i * spec.dilationH();
                    for (int j = 0; j < kW; j++) {
                        int ix = ox * spec.strideW() - spec.padW() + j * spec.dilationW();
                        boolean outside = iy < 0 || iy >= h || ix < 0 || ix >= w;
                        padded[i * kW + j] = outside;
                        any |= outside;
                    }
                }
                if (!any) {
                    continue;
                }
                for (int ol = 0; ol < mg; ol++) {
                    int o = g * mg + ol;
                    int corr = 0;
                    for (int t = 0; t < taps; t++) {
                        if (padded[t]) {
                            corr += tapSums[o * taps + t];
                        }
                    }
                    for (int n = 0; n < batch; n++) {
                        gemmOut[ol * rows + (n * oh + oy) * ow + ox] -= corr;
                    }
                }
            }
        }
    }
}
