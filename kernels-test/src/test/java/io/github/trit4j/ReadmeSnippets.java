package io.github.trit4j;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code java} code blocks of a Markdown file, grouped into the units {@link ReadmeSnippetsTest}
 * compiles and runs. The conventions, for whoever writes the README:
 *
 * <ul>
 *   <li>Every fenced block opened with {@code ```java} is a snippet; by default it is a complete
 *   program: its {@code import} lines, then statements (or a class with a {@code main} method),
 *   compiled as written against the kernels and run, and it must finish without an exception.
 *   No placeholders ({@code ...}): give real, small inputs.</li>
 *   <li>A comment {@code // prints: TEXT} on a line checks that the snippet prints the line TEXT
 *   (the printed lines must contain the expected ones, in order).</li>
 *   <li>A marker, an HTML comment on the last non-blank line before the fence, changes that:
 *   <ul>
 *     <li>{@code <!-- readme-test: continue -->} the block continues the previous snippet
 *     (same scope): a walkthrough split by prose is compiled and run as one program;</li>
 *     <li>{@code <!-- readme-test: compile-only -->} compiled, not run (it needs something the
 *     reader has and the test has not, such as a model file);</li>
 *     <li>{@code <!-- readme-test: same-as PATH -->} the block must equal the file PATH of the
 *     repository, token for token (comments and spacing aside), e.g. a module-info that a
 *     consumer build compiles;</li>
 *     <li>{@code <!-- readme-test: junit -->} a JUnit 5 test class of a trit4j-testkit user: compiled
 *     against the testkit and JUnit alone (not the kernels), then its {@code @TestFactory} methods
 *     run and every dynamic test they return executed;</li>
 *     <li>{@code <!-- readme-test: skip REASON -->} not checked at all; the reason is required.</li>
 *   </ul></li>
 * </ul>
 */
final class ReadmeSnippets {

    /** How a snippet is checked. */
    enum Mode { RUN, COMPILE_ONLY, JUNIT, SAME_AS, SKIP }

    /** One block: its first code line (1-based, in the Markdown file), its code and its marker. */
    record Block(int line, String code, Mode mode, String argument, boolean continues) {
    }

    /** A program: one block, or a block and the blocks that continue it. */
    record Snippet(List<Block> blocks) {
        int line() {
            return blocks.getFirst().line();
        }

        Mode mode() {
            return blocks.getFirst().mode();
        }

        String argument() {
            return blocks.getFirst().argument();
        }

        String code() {
            StringBuilder code = new StringBuilder();
            for (Block b : blocks) {
                code.append(b.code());
            }
            return code.toString();
        }
    }

    private static final Pattern MARKER = Pattern.compile("<!--\\s*readme-test:\\s*([a-z-]+)\\s*(.*?)\\s*-->");

    private ReadmeSnippets() {
    }

    /**
     * The snippets of {@code markdown}.
     *
     * @throws IllegalArgumentException for an unknown marker, a skip without a reason, a same-as without
     *                                  a path, a continue with nothing before it or after a skipped block,
     *                                  or an unclosed block
     */
    static List<Snippet> parse(String markdown) {
        List<String> lines = markdown.lines().toList();
        List<Snippet> snippets = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String fence = lines.get(i).strip();
            if (!fence.startsWith("```")) {
                continue;
            }
            int close = i + 1;
            while (close < lines.size() && !lines.get(close).strip().equals("```")) {
                close++;
            }
            if (close == lines.size()) {
                throw new IllegalArgumentException("line " + (i + 1) + ": code block never closed");
            }
            if (fence.equals("```java")) {
                StringBuilder code = new StringBuilder();
                for (int j = i + 1; j < close; j++) {
                    code.append(lines.get(j)).append('\n');
                }
                Block block = block(i + 2, code.toString(), markerBefore(lines, i));
                if (block.continues()) {
                    if (snippets.isEmpty() || snippets.getLast().mode() == Mode.SKIP
                            || snippets.getLast().mode() == Mode.SAME_AS) {
                        throw new IllegalArgumentException("line " + block.line()
                                + ": readme-test: continue needs a compiled java block before it");
                    }
                    snippets.getLast().blocks().add(block);
                } else {
                    List<Block> blocks = new ArrayList<>();
                    blocks.add(block);
                    snippets.add(new Snippet(blocks));
                }
            }
            i = close;
        }
        return snippets;
    }

    /** The marker on the last non-blank line before the fence at {@code fence}, or null. */
    private static Matcher markerBefore(List<String> lines, int fence) {
        for (int j = fence - 1; j >= 0; j--) {
            String line = lines.get(j).strip();
            if (line.isEmpty()) {
                continue;
            }
            Matcher m = MARKER.matcher(line);
            return m.matches() ? m : null;
        }
        return null;
    }

    private static Block block(int line, String code, Matcher marker) {
        if (marker == null) {
            return new Block(line, code, Mode.RUN, "", false);
        }
        String argument = marker.group(2);
        return switch (marker.group(1)) {
            case "continue" -> new Block(line, code, Mode.RUN, "", true);
            case "compile-only" -> new Block(line, code, Mode.COMPILE_ONLY, "", false);
            case "junit" -> new Block(line, code, Mode.JUNIT, "", false);
            case "same-as" -> {
                if (argument.isEmpty()) {
                    throw new IllegalArgumentException("line " + line + ": readme-test: same-as needs a path");
                }
                yield new Block(line, code, Mode.SAME_AS, argument, false);
            }
            case "skip" -> {
                if (argument.isEmpty()) {
                    throw new IllegalArgumentException("line " + line + ": readme-test: skip needs a reason");
                }
                yield new Block(line, code, Mode.SKIP, argument, false);
            }
            default -> throw new IllegalArgumentException("line " + line + ": unknown marker readme-test: "
                    + marker.group(1) + " (continue, compile-only, junit, same-as PATH, skip REASON)");
        };
    }
}
