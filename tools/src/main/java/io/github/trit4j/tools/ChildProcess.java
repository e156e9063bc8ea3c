package io.github.trit4j.tools;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The one way the tools run a child process (the OpenBLAS child JVM, a time-to-peak JVM, the AOT training JVM, the
 * PyTorch anchors' Python): its standard output goes line by line to a consumer as it comes, its standard error to
 * a temporary file read back when it ends (or into the standard output, if the builder merges them), its standard input is closed, and its run is bounded: a child still
 * running after its time limit is killed, with every process it started, and reported as timed out. A call
 * interrupted while it waits kills the child too.
 *
 * <p>Stateless; each call has its own child and files.
 */
final class ChildProcess {

    /** The time every child gets beyond its planned work (a JVM's start, PyTorch's quantization and tracing). */
    static final Duration MARGIN = Duration.ofMinutes(10);

    private ChildProcess() {
    }

    /**
     * How a child ended.
     *
     * @param exitCode its exit code (that of the kill when it timed out)
     * @param timedOut whether it was killed at its time limit
     * @param stderr   its standard error, stripped
     * @param limit    its time limit
     */
    record Ended(int exitCode, boolean timedOut, String stderr, Duration limit) {
        /** Whether it exited by itself with code 0. */
        boolean ok() {
            return !timedOut && exitCode == 0;
        }

        /** {@code "exit N"}, or {@code "timed out after S s"}. */
        String status() {
            return timedOut ? "timed out after " + limit.toSeconds() + " s" : "exit " + exitCode;
        }
    }

    /**
     * The time limit of a child whose planned work takes {@code planned}: twice that, plus {@link #MARGIN}.
     *
     * @param planned the time its measurements are planned to take
     * @return the limit
     */
    static Duration limit(Duration planned) {
        return planned.multipliedBy(2).plus(MARGIN);
    }

    /**
     * Runs {@code builder}'s command (its standard error redirected to a temporary file, unless the builder
     * {@linkplain ProcessBuilder#redirectErrorStream() merges} it into the standard output) until it ends or
     * {@code limit} passes.
     *
     * @param builder the command, directory and environment
     * @param limit   how long it may run
     * @param stdout  gets each line of its standard output, on the calling thread
     * @return how it ended
     * @throws IOException if it cannot be started (the caller says why), or the call is interrupted
     *                     ({@link InterruptedIOException}, with the thread's interrupt status set)
     */
    static Ended run(ProcessBuilder builder, Duration limit, Consumer<String> stdout) throws IOException {
        Path err = Files.createTempFile("trit4j-child-", ".log");
        try {
            Process child = builder.redirectError(err.toFile()).start();
            child.getOutputStream().close();
            AtomicBoolean timedOut = new AtomicBoolean();
            Thread watchdog = Thread.ofVirtual().name("trit4j-child-watchdog").start(() -> {
                try {
                    if (!child.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                        timedOut.set(true);
                        kill(child);
                    }
                } catch (InterruptedException e) {
                    // the child ended and the call is over
                }
            });
            try {
                try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                        stdout.accept(line);
                    }
                }
                int status = child.waitFor();
                return new Ended(status, timedOut.get(), Files.readString(err, StandardCharsets.UTF_8).strip(), limit);
            } catch (InterruptedException e) {
                kill(child);
                Thread.currentThread().interrupt();
                InterruptedIOException io = new InterruptedIOException("interrupted while " + builder.command().getFirst()
                        + " ran");
                io.initCause(e);
                throw io;
            } finally {
                watchdog.interrupt();
            }
        } finally {
            Files.deleteIfExists(err);
        }
    }

    /** Kills {@code child} and every process it started (a grandchild would keep its output open). */
    private static void kill(Process child) {
        child.descendants().forEach(ProcessHandle::destroyForcibly);
        child.destroyForcibly();
    }
}
