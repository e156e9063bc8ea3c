package io.github.trit4j;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dispatch line reaches a service's logs at the right level: WARNING when a JVM falls back to
 * the scalar kernels unasked (no vector module), INFO when it runs vector kernels or SCALAR was
 * forced. Each case is a fresh JVM (the line is logged once per JVM) with the JDK's default
 * logging, which prints INFO and above on stderr as {@code LEVEL: message}.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DispatchLogTest {

    @BeforeAll
    static void onceIsEnough() {
        // The JVMs started here are configured explicitly, so the surefire JVM they start from
        // does not matter: run them from one of the four only.
        Assumptions.assumeTrue("native".equals(System.getProperty("trit4j.test.jvm", "native")),
                "run in the native test JVM only");
    }

    @Test
    void withoutTheVectorModuleTheScalarFallbackIsAWarning() throws Exception {
        Probe p = probe();
        assertEquals("isa=SCALAR", p.stdout, p.toString());
        assertTrue(p.stderrLines().stream().anyMatch(l -> l.startsWith("WARNING: trit4j kernels: SCALAR")
                && l.contains("--add-modules jdk.incubator.vector")), p.toString());
    }

    /**
     * Issue 20, fault 7: the WARNING is printed by a program that ends right after its first
     * product; logged from a daemon thread, it was lost (3 runs of 3 of the README's snippet).
     */
    @Test
    void theScalarFallbackWarningSurvivesAProgramThatEndsAtOnce() throws Exception {
        for (int run = 0; run < 3; run++) {
            Probe p = probe(ShortProgramProbe.class);
            assertEquals("isa=SCALAR", p.stdout, p.toString());
            assertTrue(p.stderrLines().stream().anyMatch(l -> l.startsWith("WARNING: trit4j kernels: SCALAR")),
                    "run " + run + ": " + p);
        }
    }

    @Test
    void vectorKernelsAreLoggedAtInfo() throws Exception {
        Probe p = probe("--add-modules", "jdk.incubator.vector");
        assertFalse(p.stdout.equals("isa=SCALAR"), p.toString());
        assertTrue(p.stderrLines().stream().anyMatch(l -> l.startsWith("INFO: trit4j kernels: ")), p.toString());
        assertFalse(p.stderr.contains("WARNING: trit4j"), p.toString());
    }

    @Test
    void aForcedScalarShapeIsAChoiceNotAWarning() throws Exception {
        Probe p = probe("-Dtrit4j.isa=SCALAR");
        assertEquals("isa=SCALAR", p.stdout, p.toString());
        assertTrue(p.stderrLines().stream().anyMatch(l -> l.startsWith("INFO: trit4j kernels: SCALAR (forced")),
                p.toString());
        assertFalse(p.stderr.contains("WARNING: trit4j"), p.toString());
    }

    private record Probe(int exit, String stdout, String stderr) {
        List<String> stderrLines() {
            return stderr.lines().toList();
        }

        @Override
        public String toString() {
            return "exit " + exit + "\nstdout: " + stdout + "\nstderr:\n" + stderr;
        }
    }

    private static Probe probe(String... jvmOptions) throws IOException, InterruptedException, URISyntaxException {
        return probe(DispatchLogProbe.class, jvmOptions);
    }

    private static Probe probe(Class<?> main, String... jvmOptions)
            throws IOException, InterruptedException, URISyntaxException {
        String classPath = location(Gemm.class) + File.pathSeparator + location(main);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", classPath, main.getName()));
        Path out = Files.createTempFile("dispatch-log", ".out");
        Path err = Files.createTempFile("dispatch-log", ".err");
        try {
            Process process = new ProcessBuilder(command)
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError("the probe JVM did not finish in 2 minutes: " + command);
            }
            return new Probe(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8).strip(),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static String location(Class<?> c) throws URISyntaxException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}
