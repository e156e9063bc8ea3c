package io.github.trit4j.tools;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tools' one child-process runner: output relayed, stderr kept, and a child past its limit killed. */
class ChildProcessTest {

    private static ProcessBuilder sh(String script) {
        return new ProcessBuilder("/bin/sh", "-c", script);
    }

    @Test
    void relaysStdoutLinesAndKeepsStderrAndTheExitCode() throws IOException {
        List<String> lines = new ArrayList<>();
        ChildProcess.Ended ended = ChildProcess.run(sh("echo one; echo two; echo oops >&2; exit 4"),
                Duration.ofMinutes(1), lines::add);
        assertEquals(List.of("one", "two"), lines);
        assertEquals(4, ended.exitCode());
        assertFalse(ended.timedOut());
        assertFalse(ended.ok());
        assertEquals("oops", ended.stderr());
        assertEquals("exit 4", ended.status());
        assertTrue(ChildProcess.run(sh("true"), Duration.ofMinutes(1), l -> { }).ok());
    }

    /** The AOT training JVM's way: its stderr merged into the lines, in order. */
    @Test
    void aBuilderThatMergesStderrGetsItInTheLines() throws IOException {
        List<String> lines = new ArrayList<>();
        ChildProcess.Ended ended = ChildProcess.run(sh("echo out; echo err >&2; echo out2").redirectErrorStream(true),
                Duration.ofMinutes(1), lines::add);
        assertEquals(List.of("out", "err", "out2"), lines);
        assertEquals("", ended.stderr());
        assertTrue(ended.ok());
    }

    /** A child (and the grandchild that holds its output open) still running at its limit is killed. */
    @Test
    void aChildPastItsLimitIsKilledWithItsDescendants() throws IOException {
        List<String> lines = new ArrayList<>();
        long start = System.nanoTime();
        ChildProcess.Ended ended = ChildProcess.run(sh("echo started; sleep 120 & sleep 120"), Duration.ofSeconds(1),
                lines::add);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(ended.timedOut());
        assertFalse(ended.ok());
        assertEquals(List.of("started"), lines);
        assertTrue(ended.status().startsWith("timed out after 1 s"), ended.status());
        assertTrue(seconds < 60, "took " + seconds + " s");
    }

    @Test
    void aCommandThatCannotStartIsAnIOException() {
        assertThrows(IOException.class, () -> ChildProcess.run(new ProcessBuilder("/no/such/program"),
                Duration.ofMinutes(1), l -> { }));
    }

    @Test
    void theLimitIsTwiceThePlanPlusTheMargin() {
        assertEquals(Duration.ofMinutes(10).plusSeconds(60), ChildProcess.limit(Duration.ofSeconds(30)));
        // the OpenBLAS child's plan: every trial's warm-up and measurement iterations
        assertEquals(Duration.ofMillis(3 * (2 * 100 + 12 * 300)), StudyRunner.planned(3, new int[] {2, 100, 12, 300}));
    }
}
