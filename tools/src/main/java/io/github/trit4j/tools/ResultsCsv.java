package io.github.trit4j.tools;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads and writes {@code results.csv} (RFC 4180 with a header row, through Apache Commons CSV). */
public final class ResultsCsv {

    private static final CSVFormat WRITE = CSVFormat.RFC4180.builder().setRecordSeparator('\n')
            .setHeader(Measurement.COLUMNS.toArray(String[]::new)).get();
    private static final CSVFormat READ = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true)
            .setIgnoreEmptyLines(true).get();

    private ResultsCsv() {
    }

    /** Writes a header and one row per measurement. */
    public static void write(Path file, List<Measurement> measurements) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8); CSVPrinter csv = new CSVPrinter(w, WRITE)) {
            for (Measurement m : measurements) {
                csv.printRecord(m.values());
            }
        }
    }

    /**
     * Reads a file written by {@link #write} (or by an older trit4j, without the {@link Measurement#OPTIONAL_COLUMNS}).
     *
     * @throws IllegalArgumentException if the header lacks a column of the study or a row is malformed (the message
     *                                  names the file and line)
     */
    public static List<Measurement> read(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8); CSVParser csv = CSVParser.parse(r, READ)) {
            Set<String> header = new HashSet<>(csv.getHeaderNames());
            List<String> missing = Measurement.COLUMNS.stream()
                    .filter(c -> !header.contains(c) && !Measurement.OPTIONAL_COLUMNS.contains(c)).toList();
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException(file + ": not a trit4j results.csv (expected the header "
                        + String.join(",", Measurement.COLUMNS) + "; missing " + missing + ")");
            }
            List<Measurement> out = new ArrayList<>();
            for (CSVRecord row : csv) {
                try {
                    if (!row.isConsistent()) {
                        throw new IllegalArgumentException("expected " + header.size() + " columns, got " + row.size());
                    }
                    Map<String, String> values = new LinkedHashMap<>(row.toMap());
                    out.add(Measurement.of(values));
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException(file + ": row " + (row.getRecordNumber() + 1) + ": "
                            + e.getMessage(), e);
                }
            }
            return out;
        } catch (java.io.UncheckedIOException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }
}
