package io.github.trit4j.tools;

import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

/** What {@code trit4j gemm} and {@code trit4j conv} share: run a plan, print its tables or write a report. */
final class OneOffRun {

    private OneOffRun() {
    }

    /** Runs the plan; prints each group's table, or writes the report under {@code out}. Returns the exit code. */
    static int run(CommandSpec spec, String command, String heading, StudyPlan plan, Path out) throws Exception {
        PrintWriter console = spec.commandLine().getOut();
        MachineFingerprint fingerprint = MachineFingerprint.current(null);
        if (plan.indicative()) {
            console.println("--quick: too few iterations to show a steady state; the figures are INDICATIVE ONLY.");
            console.flush();
        }
        List<Measurement> measurements;
        try {
            measurements = StudyRunner.run(plan, fingerprint, console);
        } catch (org.openjdk.jmh.runner.RunnerException e) {
            spec.commandLine().getErr().println("trit4j " + command + ": " + jmhMessage(e));
            return 1;
        }
        if (measurements.isEmpty()) {
            spec.commandLine().getErr().println("trit4j " + command + ": no measurement succeeded");
            return 1;
        }
        if (out != null) {
            StudyReport.write(measurements, out, heading, plan.indicative(), console);
        } else {
            StudyResults results = new StudyResults(measurements);
            console.println();
            for (StudyResults.Group g : results.groups()) {
                console.println(StudyTables.detail(results, g).markdown());
            }
            StudyTables.openBlasNote(results).ifPresent(console::println);
            StudyTables.unsettledNote(results).ifPresent(console::println);
            console.flush();
        }
        return measurements.size() < plan.size() ? 1 : 0;
    }

    /** JMH's message, with advice when its machine-wide lock (/tmp/jmh.lock) is held by another benchmark run. */
    static String jmhMessage(org.openjdk.jmh.runner.RunnerException e) {
        return e.getMessage() + (e.getMessage() != null && e.getMessage().contains("JMH lock")
                ? " (another benchmark is running on this machine: wait for it, or add "
                + "TRIT4J_JAVA_OPTS=-Djmh.ignoreLock=true and accept disturbed numbers)" : "");
    }
}
