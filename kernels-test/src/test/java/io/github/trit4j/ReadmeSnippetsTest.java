package io.github.trit4j;

import io.github.trit4j.testkit.TernaryGemmProperties;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every {@code java} block of README.md and docs/GUIDE.md is compiled against the kernels and run as written, as
 * doctest does (a testkit user's test class against the testkit and JUnit, and its tests run); the conventions
 * (markers for fragments) are in {@link ReadmeSnippets}. Runs in the
 * native JVM and in the one without the vector module (the snippets must work there too).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ReadmeSnippetsTest {

    private static final Pattern IMPORT = Pattern.compile("\\s*import\\s+(static\\s+)?[\\w.]+(\\.\\*)?\\s*;\\s*");
    private static final Pattern TYPE = Pattern.compile(
            "(?m)^(?:public\\s+)?(?:final\\s+)?(?:class|record|interface|enum)\\s+(\\w+)");
    private static final Pattern PRINTS = Pattern.compile("//\\s*prints:\\s*(.*?)\\s*$");

    @TestFactory
    Stream<DynamicTest> readmeSnippets() throws IOException {
        String jvm = System.getProperty("trit4j.test.jvm", "native");
        Assumptions.assumeTrue(jvm.equals("native") || jvm.equals("scalar-only"),
                "compiled in the native and the scalar-only JVM only");
        return Stream.of("README.md", "docs/GUIDE.md").flatMap(ReadmeSnippetsTest::snippetsOf);
    }

    /** The checks of one Markdown document's java blocks (the README and the guide it sends readers to). */
    private static Stream<DynamicTest> snippetsOf(String document) {
        List<ReadmeSnippets.Snippet> snippets;
        try {
            snippets = ReadmeSnippets.parse(Files.readString(repositoryRoot().resolve(document)));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertTrue(snippets.size() >= 1, document + " has no java snippets: is the parser broken?");
        return snippets.stream().map(s -> DynamicTest.dynamicTest(
                document + " line " + s.line() + " (" + s.mode().name().toLowerCase(Locale.ROOT) + ")",
                () -> check(s)));
    }

    private static void check(ReadmeSnippets.Snippet snippet) throws Exception {
        switch (snippet.mode()) {
            case SKIP -> Assumptions.abort("skipped by its marker: " + snippet.argument());
            case SAME_AS -> {
                Path file = repositoryRoot().resolve(snippet.argument());
                assertTrue(Files.isRegularFile(file), "line " + snippet.line() + ": same-as " + file + " does not exist");
                assertEquals(tokens(Files.readString(file)), tokens(snippet.code()),
                        "line " + snippet.line() + " differs from " + snippet.argument());
            }
            case RUN, COMPILE_ONLY, JUNIT -> compileAndMaybeRun(snippet);
        }
    }

    /** The snippet as one Java source file whose lines map back to README lines. */
    private record Program(String className, String source, List<Integer> readmeLines, int firstBodyLine) {
        /** README line of source line {@code line} (1-based), or -1 for the wrapper's own lines. */
        int readmeLine(long line) {
            int i = (int) line - firstBodyLine;
            return i >= 0 && i < readmeLines.size() ? readmeLines.get(i) : -1;
        }
    }

    static Program program(ReadmeSnippets.Snippet snippet) {
        List<String> imports = new ArrayList<>();
        List<String> body = new ArrayList<>();
        List<Integer> readmeLines = new ArrayList<>();
        for (ReadmeSnippets.Block block : snippet.blocks()) {
            List<String> lines = block.code().lines().toList();
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                // Imports go up to the file's first line; a blank keeps the line numbers.
                if (IMPORT.matcher(line).matches()) {
                    imports.add(line.strip());
                    line = "";
                }
                body.add(line);
                readmeLines.add(block.line() + i);
            }
        }
        String code = String.join("\n", body);
        Matcher type = TYPE.matcher(code);
        String header = String.join(" ", imports);
        if (type.find()) {
            return new Program(type.group(1), header + "\n" + code + "\n", readmeLines, 2);
        }
        String name = "ReadmeSnippetAtLine" + snippet.line();
        return new Program(name, header + " public final class " + name
                + " { public static void main(String[] args) throws Throwable {\n" + code + "\n}}\n", readmeLines, 2);
    }

    private static void compileAndMaybeRun(ReadmeSnippets.Snippet snippet) throws Exception {
        Program program = program(snippet);
        Path dir = Files.createTempDirectory("readme-snippet");
        try {
            Path source = dir.resolve(program.className() + ".java");
            Files.writeString(source, program.source());
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
            boolean ok;
            try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
                List<String> options = List.of("-classpath", classPath(snippet.mode()), "-d", dir.toString(),
                        "-proc:none", "-Xlint:all", "-Xlint:-options");
                ok = javac.getTask(null, files, diagnostics, options, null, files.getJavaFileObjects(source)).call();
            }
            StringBuilder report = new StringBuilder();
            for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                report.append("line ").append(program.readmeLine(d.getLineNumber())).append(": ")
                        .append(d.getKind()).append(": ").append(d.getMessage(Locale.ROOT)).append('\n');
            }
            if (!ok) {
                fail("README.md snippet at line " + snippet.line() + " does not compile:\n" + report
                        + "as compiled:\n" + program.source());
            }
            assertTrue(report.isEmpty(), "README.md snippet at line " + snippet.line() + " compiles with warnings:\n" + report);
            if (snippet.mode() == ReadmeSnippets.Mode.RUN) {
                run(snippet, program, dir);
            } else if (snippet.mode() == ReadmeSnippets.Mode.JUNIT) {
                runTestFactories(snippet, program, dir);
            }
        } finally {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void run(ReadmeSnippets.Snippet snippet, Program program, Path dir) throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream original = System.out;
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()},
                ReadmeSnippetsTest.class.getClassLoader())) {
            Method main = loader.loadClass(program.className()).getMethod("main", String[].class);
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            try {
                main.invoke(null, (Object) new String[0]);
            } catch (InvocationTargetException e) {
                throw new AssertionError("README.md snippet at line " + snippet.line() + " throws "
                        + e.getCause() + " (" + where(e.getCause(), program) + ")", e.getCause());
            } finally {
                System.setOut(original);
            }
        }
        String output = printed.toString(StandardCharsets.UTF_8);
        original.print(output);
        List<String> expected = new ArrayList<>();
        for (String line : snippet.code().lines().toList()) {
            Matcher m = PRINTS.matcher(line);
            if (m.find()) {
                expected.add(m.group(1));
            }
        }
        List<String> lines = output.lines().map(String::strip).toList();
        int at = 0;
        for (String e : expected) {
            while (at < lines.size() && !lines.get(at).equals(e)) {
                at++;
            }
            assertTrue(at < lines.size(), "README.md snippet at line " + snippet.line() + " should print \"" + e
                    + "\" (in this order), printed:\n" + output);
            at++;
        }
    }

    /**
     * The class path a snippet compiles against: the kernels, or for a testkit user's test class the
     * testkit, JUnit's API (with the annotations it carries) and QuickTheories, and not the kernels.
     */
    private static String classPath(ReadmeSnippets.Mode mode) throws URISyntaxException {
        if (mode != ReadmeSnippets.Mode.JUNIT) {
            return location(Gemm.class);
        }
        List<String> jars = new ArrayList<>();
        for (Class<?> c : new Class<?>[] {TernaryGemmProperties.class, org.junit.jupiter.api.Test.class,
                org.junit.platform.commons.annotation.Testable.class, org.apiguardian.api.API.class,
                org.opentest4j.AssertionFailedError.class, org.quicktheories.core.Gen.class}) {
            jars.add(location(c));
        }
        return String.join(java.io.File.pathSeparator, jars);
    }

    /**
     * A testkit user's test class from the README, run as JUnit would: every {@code @TestFactory}
     * method it has or inherits is called and each dynamic test it returns executed. (It compiled
     * without the kernels on its class path; at run time it is loaded under this test's loader.)
     */
    private static void runTestFactories(ReadmeSnippets.Snippet snippet, Program program, Path dir) throws Exception {
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()},
                ReadmeSnippetsTest.class.getClassLoader())) {
            Class<?> test = loader.loadClass(program.className());
            java.lang.reflect.Constructor<?> constructor = test.getDeclaredConstructor();
            constructor.setAccessible(true);
            Object instance = constructor.newInstance();
            int executed = 0;
            for (Class<?> c = test; c != null; c = c.getSuperclass()) {
                for (Method m : c.getDeclaredMethods()) {
                    if (!m.isAnnotationPresent(TestFactory.class)) {
                        continue;
                    }
                    m.setAccessible(true);
                    Object tests = m.invoke(instance);
                    List<DynamicTest> list = tests instanceof Stream<?> stream
                            ? stream.map(DynamicTest.class::cast).toList()
                            : ((java.util.Collection<?>) tests).stream().map(DynamicTest.class::cast).toList();
                    for (DynamicTest t : list) {
                        try {
                            t.getExecutable().execute();
                        } catch (Throwable e) {
                            throw new AssertionError("README.md snippet at line " + snippet.line() + ": "
                                    + t.getDisplayName() + " fails: " + e.getMessage(), e);
                        }
                        executed++;
                    }
                }
            }
            assertTrue(executed > 0, "README.md snippet at line " + snippet.line() + " has no @TestFactory tests");
        }
    }

    /** The README line of the snippet's frame in {@code t}'s stack trace. */
    private static String where(Throwable t, Program program) {
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().equals(program.className())) {
                return "line " + program.readmeLine(e.getLineNumber());
            }
        }
        return "not in the snippet's own code";
    }

    /** Java tokens, roughly: comments dropped, runs of white space made one space. */
    static String tokens(String java) {
        return java.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\n]*", " ").replaceAll("\\s+", " ").strip();
    }

    static Path repositoryRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("README.md")) && Files.isDirectory(p.resolve("kernels-test"))) {
                return p;
            }
        }
        throw new IllegalStateException("no README.md above " + Path.of("").toAbsolutePath());
    }

    private static String location(Class<?> c) throws URISyntaxException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    // The conventions themselves, on a small Markdown text.

    @Test
    void markersGroupAndClassifyBlocks() {
        String md = """
                Text.
                ```java
                int a = 1;
                ```
                <!-- readme-test: continue -->
                ```java
                System.out.println(a); // prints: 1
                ```
                ```sh
                ./build verify
                ```
                <!-- readme-test: compile-only -->

                ```java
                java.nio.file.Files.readAllBytes(java.nio.file.Path.of("model.safetensors"));
                ```
                <!-- readme-test: skip shows a module declaration -->
                ```java
                module x {}
                ```
                <!-- readme-test: same-as kernels/src/main/java/module-info.java -->
                ```java
                module y {}
                ```
                """;
        List<ReadmeSnippets.Snippet> s = ReadmeSnippets.parse(md);
        assertEquals(4, s.size());
        assertEquals(2, s.get(0).blocks().size());
        assertEquals(3, s.get(0).line());
        assertEquals("int a = 1;\nSystem.out.println(a); // prints: 1\n", s.get(0).code());
        assertEquals(ReadmeSnippets.Mode.RUN, s.get(0).mode());
        assertEquals(ReadmeSnippets.Mode.COMPILE_ONLY, s.get(1).mode());
        assertEquals(ReadmeSnippets.Mode.SKIP, s.get(2).mode());
        assertEquals("shows a module declaration", s.get(2).argument());
        assertEquals(ReadmeSnippets.Mode.SAME_AS, s.get(3).mode());
        assertEquals("kernels/src/main/java/module-info.java", s.get(3).argument());
    }

    /** A junit block compiles against the testkit without the kernels, and its dynamic tests run. */
    @Test
    void junitBlocksCompileAgainstTheTestkitAloneAndRun() throws Exception {
        String good = """
                <!-- readme-test: junit -->
                ```java
                import io.github.trit4j.testkit.KitSettings;
                import io.github.trit4j.testkit.NaiveGemm;
                import io.github.trit4j.testkit.TernaryGemm;
                import io.github.trit4j.testkit.TernaryGemmProperties;

                class LoopGemmTest extends TernaryGemmProperties {
                    @Override
                    protected TernaryGemm implementation() {
                        return (wc, w, xc, x, m, n, k) -> NaiveGemm.multiply(w, x, m, n, k);
                    }

                    @Override
                    protected KitSettings settings() {
                        return KitSettings.defaults().withExamples(5, 5).withSizes(8, 130, 300);
                    }
                }
                ```
                """;
        ReadmeSnippets.Snippet s = ReadmeSnippets.parse(good).getFirst();
        assertEquals(ReadmeSnippets.Mode.JUNIT, s.mode());
        check(s);
        String kernels = good.replace("NaiveGemm.multiply(w, x, m, n, k)",
                "io.github.trit4j.Gemm.multiply(null, null)");
        AssertionError e = assertThrows(AssertionError.class, () -> check(ReadmeSnippets.parse(kernels).getFirst()));
        assertTrue(e.getMessage().contains("does not compile"), e.getMessage());
        String wrong = good.replace("NaiveGemm.multiply(w, x, m, n, k)", "new int[m * n]");
        e = assertThrows(AssertionError.class, () -> check(ReadmeSnippets.parse(wrong).getFirst()));
        assertTrue(e.getMessage().contains("fails: trit4j-testkit: "), e.getMessage());
    }

    @Test
    void badMarkersAreRejected() {
        for (String marker : new String[] {"skip", "same-as", "contine", "continue"}) {
            String md = "<!-- readme-test: " + marker + " -->\n```java\nint a;\n```\n";
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReadmeSnippets.parse(md), marker);
            assertTrue(e.getMessage().startsWith("line 3:"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> ReadmeSnippets.parse("```java\nint a;\n"));
    }

    @Test
    void wrappedSnippetLinesMapBackToTheReadme() {
        ReadmeSnippets.Snippet s = ReadmeSnippets.parse("# T\n\n```java\nimport java.util.List;\n\nint a = 1;\n```\n").getFirst();
        Program p = program(s);
        assertTrue(p.source().startsWith("import java.util.List; public final class ReadmeSnippetAtLine4 {"), p.source());
        assertEquals(6, p.readmeLine(4), p.source());
        assertEquals("int a = 1;", p.source().lines().toList().get(3));
    }
}
