package io.github.trit4j.nn;

/** Straightforward references, in double unless the contract's float32 order is the point. */
final class Naive {

    private Naive() {
    }

    /** Direct zero-padded convolution, NCHW, OIHW weights, in double. */
    static double[] conv(float[] x, int batch, int c, int h, int w, float[] wt, int o, int k, int s, int p) {
        int oh = (h + 2 * p - k) / s + 1;
        int ow = (w + 2 * p - k) / s + 1;
        double[] y = new double[batch * o * oh * ow];
        for (int n = 0; n < batch; n++) {
            for (int oc = 0; oc < o; oc++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        double acc = 0;
                        for (int ic = 0; ic < c; ic++) {
                            for (int i = 0; i < k; i++) {
                                for (int j = 0; j < k; j++) {
                                    int iy = oy * s - p + i;
                                    int ix = ox * s - p + j;
                                    if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                        acc += (double) x[((n * c + ic) * h + iy) * w + ix]
                                                * wt[((oc * c + ic) * k + i) * k + j];
                                    }
                                }
                            }
                        }
                        y[((n * o + oc) * oh + oy) * ow + ox] = acc;
                    }
                }
            }
        }
        return y;
    }

    /** Direct integer convolution of codes. */
    static int[] conv(byte[] x, int batch, int c, int h, int w, byte[] wt, int o, int k, int s, int p) {
        float[] xf = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            xf[i] = x[i];
        }
        float[] wf = new float[wt.length];
        for (int i = 0; i < wt.length; i++) {
            wf[i] = wt[i];
        }
        double[] d = conv(xf, batch, c, h, w, wf, o, k, s, p);
        int[] out = new int[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = (int) d[i]; // exact: small integers in double
        }
        return out;
    }

    /** Unfused BatchNorm in double: (x - mean) / sqrt(var + eps) * gamma + beta, per channel. */
    static double[] batchnorm(double[] x, int batch, int c, int plane, float[] gamma, float[] beta, float[] mean,
                              float[] var, double eps) {
        double[] y = new double[x.length];
        for (int n = 0; n < batch; n++) {
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < plane; i++) {
                    int at = (n * c + ch) * plane + i;
                    y[at] = (x[at] - mean[ch]) / Math.sqrt(var[ch] + eps) * gamma[ch] + beta[ch];
                }
            }
        }
        return y;
    }

    static double[] relu(double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = Math.max(0, x[i]);
        }
        return y;
    }

    /** PyTorch pooling (ceil_mode False): max over valid taps; avg = sum over valid taps / k^2. */
    static double[] pool(float[] x, int planes, int h, int w, boolean max, int k, int s, int p) {
        int oh = (h + 2 * p - k) / s + 1;
        int ow = (w + 2 * p - k) / s + 1;
        double[] y = new double[planes * oh * ow];
        for (int pl = 0; pl < planes; pl++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    double acc = max ? Double.NEGATIVE_INFINITY : 0;
                    for (int i = 0; i < k; i++) {
                        for (int j = 0; j < k; j++) {
                            int iy = oy * s - p + i;
                            int ix = ox * s - p + j;
                            if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                double v = x[(pl * h + iy) * w + ix];
                                acc = max ? Math.max(acc, v) : acc + v;
                            }
                        }
                    }
                    y[(pl * oh + oy) * ow + ox] = max ? acc : acc / (k * k);
                }
            }
        }
        return y;
    }

    static float[] randomFloats(java.util.SplittableRandom r, int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextGaussian() * scale);
        }
        return v;
    }

    static byte[] randomCodes(java.util.SplittableRandom r, int n) {
        byte[] v = new byte[n];
        for (int i = 0; i < n; i++) {
            v[i] = (byte) (r.nextInt(3) - 1);
        }
        return v;
    }

    /** Asserts |actual - expected| <= tol * (1 + |expected|) elementwise. */
    static void assertClose(double[] expected, float[] actual, double tol, String what) {
        org.junit.jupiter.api.Assertions.assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            if (!(Math.abs(actual[i] - expected[i]) <= tol * (1 + Math.abs(expected[i])))) {
                org.junit.jupiter.api.Assertions.fail(what + ": element " + i + " is " + actual[i] + ", expected "
                        + expected[i] + " within " + tol + " relative");
            }
        }
    }
}
