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

    /** An HTML {@code <table>} with a caption. */
    public String html() {
        StringBuilder sb = new StringBuilder("<table>\n<caption>").append(escape(title)).append("</caption>\n<thead><tr>");
        for (String h : header) {
            sb.append("<th>").append(escape(h)).append("</th>");
        }
        sb.append("</tr></thead>\n<tbody>\n");
        for (List<String> row : rows) {
            sb.append("<tr>");
            for (int i = 0; i < row.size(); i++) {
                sb.append(numeric.get(i) ? "<td class=\"num\">" : "<td>").append(escape(row.get(i))).append("</td>");
            }
            sb.append("</tr>\n");
        }
        return sb.append("</tbody>\n</table>\n").toString();
    }

    /** HTML text escaping. */
    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
