/**
 * Quantizers from floats to codes: {@link io.github.trit4j.quant.WeightQuantizer} (per output
 * channel, giving {@link io.github.trit4j.quant.QuantizedWeights}) and
 * {@link io.github.trit4j.quant.ActivationQuantizer} (FATNN's learned alphas or thresholds,
 * or uniform), which also packs straight into bit-planes. All immutable and thread-safe.
 */
package io.github.trit4j.quant;
