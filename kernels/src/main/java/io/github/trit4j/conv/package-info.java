/**
 * 2-D convolution on packed codes: {@link io.github.trit4j.conv.Conv2dSpec} describes the
 * convolution, {@link io.github.trit4j.conv.Conv2d} packs the weights once and runs im2col and
 * the product per call, on NCHW or NHWC input ({@link io.github.trit4j.conv.Layout}).
 */
package io.github.trit4j.conv;
