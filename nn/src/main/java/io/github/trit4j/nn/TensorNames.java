package io.github.trit4j.nn;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The tensor-name schema of model files, read from the one place that states it, the resource
 * {@code tensor-names.json} beside this class (which the PyTorch exporter's test checks too): a
 * tensor is {@code <layer name>.<suffix>}, the suffix given per layer kind and role. The loader
 * ({@link Assembler}) and the random-model builder ({@link ResNets}) ask here. Immutable.
 */
final class TensorNames {

    private static final JsonNode SCHEMA = load();

    private TensorNames() {
    }

    private static JsonNode load() {
        try (InputStream in = TensorNames.class.getResourceAsStream("tensor-names.json")) {
            if (in == null) {
                throw new IllegalStateException("the resource tensor-names.json is missing from trit4j-nn");
            }
            return ModelFile.JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String suffix(String kind, String role) {
        JsonNode s = SCHEMA.path(kind).path(role);
        if (!s.isTextual()) {
            throw new IllegalStateException("tensor-names.json has no " + kind + "." + role);
        }
        return s.textValue();
    }

    /** A conv's tensor of {@code role} (weight, bias, weight_codes, weight_scale, act_scale, act_alpha, act_clip). */
    static String conv(String conv, String role) {
        return conv + "." + suffix("conv", role);
    }

    /** The roles of a conv's tensors in {@code mode}, bias aside. */
    static List<String> convRoles(ConvMode mode) {
        List<String> out = new ArrayList<>();
        for (JsonNode r : SCHEMA.path("conv_mode_roles").path(mode.fileName())) {
            out.add(r.textValue());
        }
        if (out.isEmpty()) {
            throw new IllegalStateException("tensor-names.json has no roles for conv mode " + mode.fileName());
        }
        return out;
    }

    /** A batchnorm's tensor of {@code role} (weight, bias, running_mean, running_var). */
    static String batchnorm(String bn, String role) {
        return bn + "." + suffix("batchnorm", role);
    }

    /** A linear layer's tensor of {@code role} (weight, bias). */
    static String linear(String linear, String role) {
        return linear + "." + suffix("linear", role);
    }

    /** The name of a basic block's {@code part} (conv1, bn1, conv2, bn2, downsample, downsample_bn). */
    static String block(String block, String part) {
        return block + "." + suffix("basic_block", part.toLowerCase(Locale.ROOT));
    }
}
