package io.github.trit4j.tools;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheFactory;

import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * The report's HTML, from Mustache templates ({@code templates/report.mustache}, {@code templates/table.mustache} on
 * the class path beside this class); Mustache escapes every {@code {{value}}} for HTML. Thread-safe (compiled
 * templates are cached by the factory).
 */
final class HtmlTemplates {

    private static final MustacheFactory FACTORY = new DefaultMustacheFactory("io/github/trit4j/tools/templates");

    private HtmlTemplates() {
    }

    /** Renders {@code name}.mustache with {@code scope} (a record, map or object whose getters the template reads). */
    static String render(String name, Object scope) {
        Mustache m = FACTORY.compile(name + ".mustache");
        StringWriter out = new StringWriter();
        m.execute(out, scope);
        String html = out.toString();
        if (html.isEmpty()) {
            throw new UncheckedIOException(new java.io.IOException("template " + name + " rendered nothing"));
        }
        return html;
    }
}
