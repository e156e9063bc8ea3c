package io.github.trit4j.conv;

/** Memory order of a 4-D activation tensor. */
public enum Layout {
    /** {@code [batch][channels][height][width]}: index {@code ((n*C + c)*H + y)*W + x}. */
    NCHW,
    /** {@code [batch][height][width][channels]}: index {@code ((n*H + y)*W + x)*C + c}. */
    NHWC
}
