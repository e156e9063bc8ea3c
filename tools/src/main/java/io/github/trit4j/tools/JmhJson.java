package io.github.trit4j.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads JMH's JSON result format ({@code -rf json}, {@code ResultFormatType.JSON}): one entry per trial that produced a
 * result (failed trials are absent), with its parameters, JMH's score and error and the raw per-iteration scores.
 */
final class JmhJson {

    /**
     * A trial.
     *
     * @param benchmark  the benchmark method's full name
     * @param params     the {@code @Param} values
     * @param score      JMH's score over all measurement iterations
     * @param scoreError JMH's 99.9% error of it (NaN if JMH gave none)
     * @param unit       the score's unit, e.g. {@code us/op}
     * @param iterations the first fork's per-iteration scores, in run order
     */
    record Trial(String benchmark, Map<String, String> params, double score, double scoreError, String unit,
                 double[] iterations) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private JmhJson() {
    }

    /** The trials of a result file (none if it is missing or empty: JMH writes it only when something ran). */
    static List<Trial> read(Path file) throws IOException {
        List<Trial> out = new ArrayList<>();
        if (!Files.exists(file) || Files.size(file) == 0) {
            return out;
        }
        for (JsonNode t : JSON.readTree(file.toFile())) {
            Map<String, String> params = new LinkedHashMap<>();
            t.path("params").properties().forEach(e -> params.put(e.getKey(), e.getValue().asText()));
            JsonNode primary = t.path("primaryMetric");
            JsonNode raw = primary.path("rawData").path(0);
            double[] iterations = new double[raw.size()];
            for (int i = 0; i < iterations.length; i++) {
                iterations[i] = raw.get(i).asDouble();
            }
            JsonNode error = primary.path("scoreError");
            out.add(new Trial(t.path("benchmark").asText(), params, primary.path("score").asDouble(),
                    error.isNumber() ? error.asDouble() : Double.NaN, primary.path("scoreUnit").asText(), iterations));
        }
        return out;
    }
}
