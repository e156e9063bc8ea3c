package io.github.trit4j.tools;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/**
 * The options {@code trit4j gemm} and {@code trit4j conv} share (a picocli mixin), and the
 * one-off run they describe.
 */
final class OneOffOptions {

    @Option(names = "--precisions", split = ",", paramLabel = "P",
            defaultValue = "FP32_OPENBLAS,TERNARY_CONVENTIONAL,TERNARY_FATNN",
            description = "Precisions (as in bench --precisions) or all (default: ${DEFAULT-VALUE}).")
    List<String> precisions;

    @Option(names = "--threads", split = ",", paramLabel = "N", defaultValue = "1",
            description = "Thread counts, numbers or 'all' (default: ${DEFAULT-VALUE}).")
    List<String> threads;

    @Option(names = "--isa", split = ",", paramLabel = "SHAPE", defaultValue = "native",
            description = "Kernel shapes: native, avx512, avx2, neon, scalar, all (as for bench; default: ${DEFAULT-VALUE}).")
    List<String> isa;

    @Option(names = "--quick", description = "Up to 4 x 200 ms iterations instead of up to 12 x 300 ms (figures indicative only).")
    boolean quick;

    @Option(names = "--openblas-core", paramLabel = "WHICH", defaultValue = "native",
            description = "OpenBLAS core of FP32_OPENBLAS: native (the CPU's own: OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE "
                    + "removed, in a child JVM, if set), env (as the environment forces), both (default: ${DEFAULT-VALUE}).")
    OpenBlasCore openBlasCore;

    @Option(names = "--out", paramLabel = "DIR", description = "Also write results.csv, report.html and charts here.")
    Path out;

    /** Times {@code workload} as these options say; the exit code of {@link OneOffRun#run}. */
    int run(CommandSpec spec, String command, String title, String workload) throws Exception {
        int[] timing = quick ? StudyPlan.QUICK_TIMING : StudyPlan.DEFAULT_TIMING;
        StudyPlan plan = StudyPlan.of(List.of(workload), StudyOptions.precisions(spec, "--precisions", precisions),
                StudyOptions.shapes(spec, isa), StudyOptions.threads(spec, threads), timing).withOpenBlasCore(openBlasCore);
        return OneOffRun.run(spec, command, title, plan, out);
    }
}
