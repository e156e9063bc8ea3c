package io.github.trit4j.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.trit4j.nn.Network;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A network on a test set: its accuracy, and its agreement with a reference file of labels
 * (and optionally logits) that the exporter wrote beside the model.
 *
 * <p>The reference file is {@code <model>.reference.json} (docs/MODEL_FORMAT.md, "Reference
 * outputs"): {@code {"indices": [i, ...], "labels": [l, ...], "logits": [[...], ...]}}; indices
 * into the test set, optional (absent: 0, 1, ...); labels PyTorch's predicted classes;
 * logits optional, one row of {@code classes} per index.
 */
final class ModelEvaluation {

    private ModelEvaluation() {
    }

    /** Predictions over the whole set in batches of {@code batch}: logits, {@code n x classes}. */
    static float[] logits(Network net, IdxDataset data, int limit, int batch) {
        int n = Math.min(limit, data.size());
        int size = net.inputSize();
        if (size != data.height() * data.width()) {
            throw new IllegalArgumentException("the model takes " + net.inputChannels() + " x " + net.inputHeight()
                    + " x " + net.inputWidth() + " images but the data set has 1 x " + data.height() + " x "
                    + data.width());
        }
        float[] out = new float[n * net.classes()];
        for (int i = 0; i < n; i += batch) {
            int b = Math.min(batch, n - i);
            float[] x = java.util.Arrays.copyOfRange(data.images(), i * size, (i + b) * size);
            float[] l = net.predict(x, b);
            System.arraycopy(l, 0, out, i * net.classes(), l.length);
        }
        return out;
    }

    /** Correct predictions among the first {@code predicted.length}. */
    static int correct(int[] predicted, IdxDataset data) {
        int c = 0;
        for (int i = 0; i < predicted.length; i++) {
            if (predicted[i] == data.labels()[i]) {
                c++;
            }
        }
        return c;
    }

    /** Comparison with a reference file. {@code compared} counts indices below the evaluated count. */
    record Agreement(int compared, int agree, double maxLogitDifference, boolean hasLogits, int firstDisagreement) {
    }

    /** The reference file beside {@code model}: {@code model.reference.json} with the extension replaced. */
    static Path referenceFile(Path model) {
        String name = model.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        return model.resolveSibling(stem + ".reference.json");
    }

    /** The parsed reference file, to be compared by both {@code compare} and {@code compareAllLabels}. */
    static JsonNode read(Path reference) throws IOException {
        return new ObjectMapper().readTree(Files.readString(reference));
    }

    /**
     * Compares logits of the first {@code evaluated} images with the reference file ({@code root}, read by
     * {@link #read}; {@code reference} names it in messages).
     *
     * @throws IllegalArgumentException if the file's fields are malformed (naming the field)
     */
    static Agreement compare(Path reference, JsonNode root, float[] logits, int classes, int evaluated) {
        JsonNode labels = root.get("labels");
        if (labels == null || !labels.isArray()) {
            throw new IllegalArgumentException(reference + ": \"labels\" missing or not an array");
        }
        JsonNode indices = root.get("indices");
        if (indices != null && (!indices.isArray() || indices.size() != labels.size())) {
            throw new IllegalArgumentException(reference + ": \"indices\" must be an array as long as \"labels\"");
        }
        return compare(reference, labels, indices, root.get("logits"), logits, classes, evaluated);
    }

    /**
     * Compares the predicted labels of the first {@code evaluated} images with the reference file's optional
     * {@code "all_labels"} (PyTorch's label for every test image, in order), or empty if the file has none.
     *
     * @throws IllegalArgumentException if the field is malformed
     */
    static java.util.Optional<Agreement> compareAllLabels(Path reference, JsonNode root, float[] logits, int classes,
                                                          int evaluated) {
        JsonNode all = root.get("all_labels");
        if (all == null) {
            return java.util.Optional.empty();
        }
        if (!all.isArray()) {
            throw new IllegalArgumentException(reference + ": \"all_labels\" must be an array");
        }
        return java.util.Optional.of(compare(reference, all, null, null, logits, classes, evaluated));
    }

    private static Agreement compare(Path reference, JsonNode labels, JsonNode indices, JsonNode refLogits,
                                     float[] logits, int classes, int evaluated) {
        boolean hasLogits = refLogits != null && !refLogits.isNull();
        if (hasLogits && (!refLogits.isArray() || refLogits.size() != labels.size())) {
            throw new IllegalArgumentException(reference + ": \"logits\" must be an array as long as \"labels\"");
        }
        int[] predicted = Network.argmax(logits, classes);
        int compared = 0;
        int agree = 0;
        int first = -1;
        double maxDiff = 0;
        for (int r = 0; r < labels.size(); r++) {
            int idx = indices == null ? r : indices.get(r).asInt(-1);
            if (idx < 0 || idx >= evaluated) {
                continue;
            }
            compared++;
            if (labels.get(r).asInt(-1) == predicted[idx]) {
                agree++;
            } else if (first < 0) {
                first = idx;
            }
            if (hasLogits) {
                JsonNode row = refLogits.get(r);
                if (row == null || !row.isArray() || row.size() != classes) {
                    throw new IllegalArgumentException(reference + ": logits[" + r + "] must have " + classes
                            + " numbers");
                }
                for (int c = 0; c < classes; c++) {
                    maxDiff = Math.max(maxDiff, Math.abs(row.get(c).doubleValue() - logits[idx * classes + c]));
                }
            }
        }
        return new Agreement(compared, agree, maxDiff, hasLogits, first);
    }
}
