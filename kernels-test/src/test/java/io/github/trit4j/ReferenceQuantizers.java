package io.github.trit4j;

/**
 * docs/DESIGN.md's Quantizers section written out literally in plain float Java (clip, then Math.rint: round
 * half to even, as torch.round), for comparison with the library's quantizers. Tests only.
 */
final class ReferenceQuantizers {

    private ReferenceQuantizers() {
    }

    static float clip(float v, float lo, float hi) {
        return Math.min(Math.max(v, lo), hi);
    }

    static int r(float v) {
        return (int) Math.rint(v);
    }

    /** y = R(clip(a0*x,0,1)) + R(clip(a1*(x - 1/a0),0,1)) [+ R(clip(a2*(x - 1/a0 - 1/a1),0,1))]. */
    static int fatnnActivation(float x, float... a) {
        float offset = 0f;
        int y = 0;
        for (int i = 0; i < a.length; i++) {
            y += r(clip(a[i] * (x - offset), 0f, 1f));
            offset = offset + 1f / a[i];
        }
        return y;
    }

    static int thresholds(float x, float... t) {
        int y = 0;
        for (float ti : t) {
            y += x > ti ? 1 : 0;
        }
        return y;
    }

    static int uniform(float x, int levels, float clip) {
        return r(clip(x * (levels / clip), 0f, levels));
    }

    /** y = R(clip(a0*w,-1,0)) + R(clip(a1*w,0,1)). */
    static int fatnnWeight(float w, float a0, float a1) {
        return r(clip(a0 * w, -1f, 0f)) + r(clip(a1 * w, 0f, 1f));
    }
}
