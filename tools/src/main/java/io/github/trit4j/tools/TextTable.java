package io.github.trit4j.tools;

import java.util.List;

/**
 * A titled table of strings, rendered as Markdown (the console) or HTML (the report).
 *
 * @param title   a heading line
 * @param header  column names
 * @param numeric which columns are right-aligned numbers
 * @param rows    cells, each row as long as the header
 */
public record TextTable(String title, List<String> header, List<Boolean> numeric, List<List<String>> rows) {

    /** GitHub-flavoured Markdown, preceded by the title in bold. */
    public String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("**").append(title).append("**\n\n");
        sb.append("| ").append(String.join(" | ", header)).append(" |\n|");
        for (int i = 0; i < header.size(); i++) {
            sb.append(numeric.get(i) ? "---:|" : "---|");
        }
        sb.append('\n');
        for (List<String> row : rows) {
            sb.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        return sb.toString();
    }

    /** An HTML {@code <table>} with a caption ({@code templates/table.mustache}). */
    public String html() {
        return HtmlTemplates.render("table", scope());
    }

    /** What {@code templates/table.mustache} reads. */
    java.util.Map<String, Object> scope() {
        return java.util.Map.of("title", title, "header", header, "rows", htmlRows());
    }

    /** The rows as the template reads them: each cell's text and whether it is a number. */
    List<Row> htmlRows() {
        return rows.stream().map(r -> new Row(java.util.stream.IntStream.range(0, r.size())
                .mapToObj(i -> new Cell(r.get(i), numeric.get(i))).toList())).toList();
    }

    /** A row of cells, for the template. */
    public record Row(List<Cell> cells) {
    }

    /** A cell, for the template. */
    public record Cell(String text, boolean numeric) {
    }
}
