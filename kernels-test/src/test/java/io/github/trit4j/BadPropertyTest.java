package io.github.trit4j;

import io.github.trit4j.internal.kernel.KernelProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A bad trit4j system property fails every entry point with the same clear
 * IllegalArgumentException on every call (no ExceptionInInitializerError, then
 * NoClassDefFoundError), and everything works once the property is fixed. Each case runs in
 * a fresh JVM, where no class of the library has been initialised yet.
 */
class BadPropertyTest {

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void badPropertiesFailEveryEntryPointTheSameWayUntilFixed() throws Exception {
        String[][] cases = {
                {KernelProvider.ISA_PROPERTY, "bogus", "-Dtrit4j.isa=bogus"},
                {GemmEngine.THREADS_PROPERTY, "zero", "-Dtrit4j.threads=zero"},
                {"trit4j.spinMicros", "-5", "-Dtrit4j.spinMicros=-5"},
        };
        for (String[] c : cases) {
            List<String> lines = probe(c[0], c[1]);
            assertEquals(15, lines.size(), () -> String.join("\n", lines));
            for (String line : lines) {
                String[] f = line.split(" ", 3);
                if (f[1].equals("3")) {
                    assertEquals("OK", f[2], () -> "after clearing " + c[0] + ": " + line);
                } else {
                    assertTrue(f[2].startsWith(IllegalArgumentException.class.getName() + ": ")
                            && f[2].contains(c[2]), () -> "with " + c[2] + ": " + line);
                }
            }
        }
    }

    private static List<String> probe(String property, String value) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (KernelProvider.vectorModulePresent()) {
            command.add("--add-modules");
            command.add("jdk.incubator.vector");
        }
        command.add("-D" + property + "=" + value);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(BadPropertyProbe.class.getName());
        command.add(property);
        Path log = java.nio.file.Files.createTempFile("trit4j-probe", ".txt");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        p.getOutputStream().close();
        boolean done = p.waitFor(120, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
        }
        assertTrue(done, "probe JVM did not finish in 120 s");
        String out = java.nio.file.Files.readString(log, StandardCharsets.UTF_8);
        java.nio.file.Files.deleteIfExists(log);
        assertEquals(0, p.exitValue(), out);
        List<String> lines = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.matches("^[A-Za-z0-9.]+ [123] .*")) {
                lines.add(line.strip());
            }
        }
        return lines;
    }
}
