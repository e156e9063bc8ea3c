package io.github.trit4j.nn;

/** One image's activation shape, C x H x W (H = W = 1 after flattening). */
record Shape(int c, int h, int w) {

    Shape {
        if (c < 1 || h < 1 || w < 1) {
            throw new IllegalArgumentException("activation shape " + c + " x " + h + " x " + w + " is empty");
        }
    }

    /** The largest activation of one image, in floats (so that a batch of a few dozen still fits an array). */
    static final int MAX_SIZE = Integer.MAX_VALUE / 64;

    int size() {
        long n = (long) c * h * w;
        if (n > MAX_SIZE) {
            throw new IllegalArgumentException("activation " + this + " is too large");
        }
        return (int) n;
    }

    boolean flat() {
        return h == 1 && w == 1;
    }

    @Override
    public String toString() {
        return c + "x" + h + "x" + w;
    }
}
