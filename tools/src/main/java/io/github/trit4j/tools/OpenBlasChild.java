package io.github.trit4j.tools;

import io.github.trit4j.bench.StudyPrecision;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The child JVM of {@link StudyRunner#runInCleanEnv}: runs one {@link StudyPlan.Batch} with JMH (its forks
 * inherit this JVM's environment, from which the parent removed the OpenBLAS-forcing variables), prints
 * progress lines on stdout and writes the measurements to a CSV file. Exit code 0, or 1 on an error
 * (printed on stderr). Not a user command.
 */
public final class OpenBlasChild {

    /** Prefix of the stderr line that carries a JMH RunnerException's message (exit code 3). */
    static final String RUNNER_FAILED = "trit4j: JMH failed: ";

    private OpenBlasChild() {
    }

    /** The command-line arguments that describe a batch to {@link #main}. */
    static List<String> args(StudyPlan.Batch batch, int[] timing, int doneBefore, int total, Path csv) {
        return List.of(batch.shape().name(), String.join(",", batch.workloads()),
                String.join(",", batch.precisions().stream().map(Enum::name).toList()),
                String.join(",", batch.threads().stream().map(String::valueOf).toList()),
                String.join(",", Arrays.stream(timing).mapToObj(String::valueOf).toList()),
                Integer.toString(doneBefore), Integer.toString(total), csv.toString());
    }

    /**
     * Runs a batch: {@code SHAPE WORKLOADS PRECISIONS THREADS TIMING DONE TOTAL CSV}, lists comma-separated.
     *
     * @param args as {@link #args} makes them
     */
    public static void main(String[] args) {
        try {
            if (args.length != 8) {
                throw new IllegalArgumentException("expected 8 arguments, got " + args.length);
            }
            StudyPlan.Batch batch = new StudyPlan.Batch(IsaShape.valueOf(args[0]), List.of(args[1].split(",")),
                    Arrays.stream(args[2].split(",")).map(StudyPrecision::valueOf).toList(),
                    Arrays.stream(args[3].split(",")).map(Integer::valueOf).toList(), false);
            int[] timing = Arrays.stream(args[4].split(",")).mapToInt(Integer::parseInt).toArray();
            PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
            List<Measurement> measurements = StudyRunner.runBatch(batch, timing, MachineFingerprint.current(null), out,
                    Integer.parseInt(args[5]), Integer.parseInt(args[6]));
            ResultsCsv.write(Path.of(args[7]), measurements);
            out.flush();
            System.exit(0);
        } catch (org.openjdk.jmh.runner.RunnerException e) {
            // e.g. JMH's machine-wide lock is held: the parent reports it as its own JMH would
            System.err.println(RUNNER_FAILED + e.getMessage());
            System.exit(3);
        } catch (Throwable e) {
            e.printStackTrace();
            System.exit(1);
        }
    }
}
