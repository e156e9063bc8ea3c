package io.github.trit4j.tools;

import io.github.trit4j.bench.StudyPrecision;
import io.github.trit4j.bench.StudyWorkload;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;
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

    @Option(names = "--pair", split = ",", paramLabel = "P", defaultValue = "FP32_OPENBLAS,TERNARY_CONVENTIONAL,TERNARY_FATNN",
            description = "Precisions (as in bench --precisions) or all (default: ${DEFAULT-VALUE}).")
    List<String> pair;

    @Option(names = "--threads", split = ",", paramLabel = "N", defaultValue = "1",
            description = "Thread counts, numbers or 'all' (default: ${DEFAULT-VALUE}).")
    List<String> threads;

    @Option(names = "--isa", split = ",", paramLabel = "SHAPE", defaultValue = "native",
            description = "ISA shapes: native, avx2, neon, all (default: ${DEFAULT-VALUE}).")
    List<String> isa;

    @Option(names = "--quick", description = "1 x 300 ms warm-up and 1 x 200 ms measurement instead of 2 x 300 ms and 3 x 300 ms.")
    boolean quick;

    @Option(names = "--openblas-core", paramLabel = "WHICH", defaultValue = "native",
            description = "OpenBLAS core of FP32_OPENBLAS: native (the CPU's own: OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE "
                    + "removed, in a child JVM, if set), env (as the environment forces), both (default: ${DEFAULT-VALUE}).")
    OpenBlasCore openBlasCore;

    @Option(names = "--out", paramLabel = "DIR", description = "Also write results.csv, report.html and charts here.")
    Path out;

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
        List<StudyPrecision> precisions = StudyOptions.precisions(spec, "--pair", pair);
        int[] timing = quick ? StudyPlan.QUICK_TIMING : StudyPlan.DEFAULT_TIMING;
        List<Integer> t = StudyOptions.threads(spec, threads);
        StudyPlan plan = StudyPlan.of(List.of(workload), precisions, StudyOptions.shapes(spec, isa), t, timing)
                .withOpenBlasCore(openBlasCore);
        return OneOffRun.run(spec, "gemm", "trit4j gemm " + workload, plan, out);
    }
}
