package io.github.trit4j;

import io.github.trit4j.conv.Conv2dSpec;
import io.github.trit4j.conv.Layout;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * One generated convolution: geometry, layout, value patterns and the seed that draws the
 * values. Drawn from 16 raw integers that shrink toward 0, i.e. toward batch 1, one channel,
 * a 1x1 kernel, stride 1, no padding, dilation 1, one group. Everything is in {@link #toString()}.
 */
record ConvCase(Precision weightPrecision, Precision activationPrecision, Conv2dSpec spec, int batch,
                int height, int width, Layout layout, ValuePattern weightPattern, ValuePattern inputPattern,
                Algorithm algorithm, long seed) {

    /** Input codes, NCHW. */
    byte[] inputNchw() {
        return inputPattern.values(activationPrecision, batch * spec.inChannels(), height * width, seed);
    }

    /** Weights, OIHW. */
    byte[] weights() {
        return weightPattern.values(weightPrecision, spec.outChannels(), spec.patchLength(), ~seed);
    }

    static Gen<ConvCase> cases(Precision pw, Precision px) {
        ValuePattern[] patterns = ValuePattern.values();
        return Generate.intArrays(Generate.constant(16), integers().between(0, 999)).zip(longs().all(), (a, seed) -> {
            int batch = 1 + a[0] % 3;
            int groupKind = a[1] % 4;
            int cg;
            int groups;
            int mg;
            if (groupKind == 3) { // depthwise, channel multiplier 1 or 2
                groups = 1 + a[2] % 8;
                cg = 1;
                mg = 1 + a[3] % 2;
            } else {
                groups = groupKind + 1;
                cg = a[2] < 850 ? 1 + a[2] % 9 : 55 + a[2] % 20; // sometimes across a 64-bit word
                mg = a[3] < 900 ? 1 + a[3] % 5 : 6 + a[3] % 15;
            }
            int kh = 1 + a[6] % 7;
            int kw = 1 + a[7] % 7;
            int sh = 1 + a[8] % 3;
            int sw = 1 + a[9] % 3;
            int ph = a[10] % 4;
            int pwd = a[11] % 4;
            int dh = 1 + a[12] % 2;
            int dw = 1 + a[13] % 2;
            // smallest input with a non-empty output, plus 0..7
            int h = Math.max(1, dh * (kh - 1) + 1 - 2 * ph + a[4] % 8);
            int w = Math.max(1, dw * (kw - 1) + 1 - 2 * pwd + a[5] % 8);
            Conv2dSpec spec = Conv2dSpec.of(cg * groups, mg * groups, kh, kw).stride(sh, sw).padding(ph, pwd)
                    .dilation(dh, dw).groups(groups);
            Layout layout = Layout.values()[a[14] % 2];
            ValuePattern wp = patterns[a[15] % patterns.length];
            ValuePattern xp = patterns[(a[15] / 7) % patterns.length];
            Algorithm alg = Algorithm.values()[(a[15] / 49) % 2];
            return new ConvCase(pw, px, spec, batch, h, w, layout, wp, xp, alg, seed);
        }).describedAs(ConvCase::toString);
    }

    @Override
    public String toString() {
        return weightPrecision + " x " + activationPrecision + " " + spec + " batch=" + batch + " H=" + height
                + " W=" + width + " " + layout + " weights=" + weightPattern + " input=" + inputPattern + " "
                + algorithm + " seed=" + seed;
    }
}
