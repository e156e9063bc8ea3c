package io.github.trit4j.tools;

import io.github.trit4j.bench.StudyWorkload;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * {@code trit4j gemm}: one-off JMH timing of a user's GEMM shape at chosen precisions, with
 * the speedup over fp32 OpenBLAS when it is among them. Exit codes as {@link BenchCommand}.
 */
@Command(name = "gemm",
        mixinStandardHelpOptions = true,
        versionProvider = Trit4jVersion.class,
        description = "Time one GEMM shape (M x K weights times N x K activations) at the given precisions, with JMH.")
public final class GemmCommand implements Callable<Integer> {

    @Option(names = "--m", required = true, paramLabel = "M", description = "Output channels (rows of the weights).")
    int m;

    @Option(names = "--n", required = true, paramLabel = "N", description = "Output columns (rows of the activations).")
    int n;

    @Option(names = "--k", required = true, paramLabel = "K", description = "Reduction length.")
    int k;

    @Mixin
    OneOffOptions options;

    @Spec
    private CommandSpec spec;

    /** Created by picocli. */
    public GemmCommand() {
    }

    @Override
    public Integer call() throws Exception {
        if (m < 1 || n < 1 || k < 1) {
            throw new ParameterException(spec.commandLine(), "--m, --n, --k must be >= 1, got " + m + ", " + n + ", " + k);
        }
        String workload = m + "x" + n + "x" + k;
        try {
            StudyWorkload.parse(workload);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        return options.run(spec, "gemm", "trit4j gemm " + workload, workload);
    }
}
