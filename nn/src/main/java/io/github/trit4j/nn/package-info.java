/**
 * CNN inference on trit4j layers.
 *
 * <ul>
 *   <li>{@link io.github.trit4j.nn.Network}: an immutable, thread-safe network; {@code predict}
 *       (logits), {@code classify} (argmax), {@code softmax}.</li>
 *   <li>{@link io.github.trit4j.nn.ModelFile}: the model file (docs/MODEL_FORMAT.md), read with
 *       full validation, or written.</li>
 *   <li>{@link io.github.trit4j.nn.ResNets}: ResNet-18 at ImageNet shapes and a small ResNet for
 *       28 x 28 images, with seeded random weights, in any {@link io.github.trit4j.nn.ConvMode}.</li>
 *   <li>{@link io.github.trit4j.nn.LayerTimes}: time per {@link io.github.trit4j.nn.LayerKind},
 *       to see where a network spends its time.</li>
 * </ul>
 */
package io.github.trit4j.nn;
