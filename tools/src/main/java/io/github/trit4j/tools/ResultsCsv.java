package io.github.trit4j.tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads and writes {@code results.csv} (RFC 4180: comma-separated, fields quoted when needed, a header row). */
public final class ResultsCsv {

    private ResultsCsv() {
    }

    /** Writes a header and one row per measurement. */
    public static void write(Path file, List<Measurement> measurements) throws IOException {
        StringBuilder sb = new StringBuilder();
        line(sb, Measurement.COLUMNS);
        for (Measurement m : measurements) {
            line(sb, m.values());
        }
        Files.writeString(file, sb, StandardCharsets.UTF_8);
    }

    /**
     * Reads a file written by {@link #write}.
     *
     * @throws IllegalArgumentException if the header is not the study's or a row is malformed (the message names the file and line)
     */
    public static List<Measurement> read(Path file) throws IOException {
        List<List<String>> rows = parse(Files.readString(file, StandardCharsets.UTF_8));
        if (rows.isEmpty() || !rows.get(0).equals(Measurement.COLUMNS)) {
            throw new IllegalArgumentException(file + ": not a trit4j results.csv (expected the header "
                    + String.join(",", Measurement.COLUMNS) + ")");
        }
        List<Measurement> out = new ArrayList<>();
        for (int i = 1; i < rows.size(); i++) {
            try {
                out.add(Measurement.of(rows.get(i)));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(file + ": row " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    private static void line(StringBuilder sb, List<String> values) {
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            String v = values.get(i);
            if (v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")) {
                sb.append('"').append(v.replace("\"", "\"\"")).append('"');
            } else {
                sb.append(v);
            }
        }
        sb.append('\n');
    }

    /** RFC 4180 records; blank lines are skipped. */
    static List<List<String>> parse(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
                any = true;
            } else if (c == ',') {
                row.add(field.toString());
                field.setLength(0);
                any = true;
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                if (any || field.length() > 0) {
                    row.add(field.toString());
                    rows.add(row);
                }
                row = new ArrayList<>();
                field.setLength(0);
                any = false;
            } else {
                field.append(c);
                any = true;
            }
        }
        if (any || field.length() > 0) {
            row.add(field.toString());
            rows.add(row);
        }
        return rows;
    }
}
