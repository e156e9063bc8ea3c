package io.github.trit4j.testkit;

/** Memory order of a convolution's input and output tensors. */
public enum ConvLayout {
    /** {@code [batch][channels][height][width]}. */
    NCHW,
    /** {@code [batch][height][width][channels]}. */
    NHWC
}
