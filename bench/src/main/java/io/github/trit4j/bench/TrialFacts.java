package io.github.trit4j.bench;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * What a trial of {@link StudyBenchmark} ran, as its fork saw it: the trial's JMH parameters and the kernel that ran
 * (which depends on the fork's JVM flags, so only the fork can tell). One JSON object per line of the file named by
 * {@value StudyBenchmark#FACTS_PROPERTY}; forks append, the driver reads them back after the run.
 *
 * @param workload  the {@code workload} parameter
 * @param precision the {@code precision} parameter
 * @param isa       the {@code isa} parameter
 * @param threads   the {@code threads} parameter
 * @param blas      the {@code blas} parameter
 * @param kernel    what ran, e.g. {@code trit4j AVX512} or {@code OpenBLAS 0.3.21 Cooperlake (system)}
 */
public record TrialFacts(String workload, String precision, String isa, int threads, String blas, String kernel) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Appends one line. Forks run one after another, so appends never interleave. */
    public static void append(Path file, TrialFacts facts) {
        try {
            Files.writeString(file, JSON.writeValueAsString(facts) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every line of a facts file (none if it is missing). */
    public static List<TrialFacts> read(Path file) throws IOException {
        List<TrialFacts> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                out.add(JSON.readValue(line, TrialFacts.class));
            }
        }
        return out;
    }
}
