package io.github.trit4j.tools;

import io.github.trit4j.bench.ConvShape;
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
 * {@code trit4j conv}: one-off JMH timing of a user's convolution (batch 1, NCHW, square kernel) at
 * chosen precisions: trit4j's {@code Conv2d} on integer codes, fp32 as im2col + OpenBLAS sgemm or
 * im2col + the Vector API GEMM, int8 as im2col + the Vector API int8 GEMM; with the speedup over fp32
 * OpenBLAS when it is among them. Exit codes as {@link BenchCommand}.
 */
@Command(name = "conv",
        mixinStandardHelpOptions = true,
        versionProvider = Trit4jVersion.class,
        description = {"Time one convolution (batch 1, C x H x W input, O output channels, square kernel) at the "
                + "given precisions, with JMH.",
                "trit4j precisions run Conv2d on integer codes (im2col onto bit-planes + packed GEMM); fp32 and int8 "
                        + "run im2col + their GEMM. GMAC/s = O * outH * outW * C * kernel^2 / time."})
public final class ConvCommand implements Callable<Integer> {

    @Option(names = "--c", required = true, paramLabel = "C", description = "Input channels.")
    int c;

    @Option(names = "--h", required = true, paramLabel = "H", description = "Input height.")
    int h;

    @Option(names = "--w", paramLabel = "W", description = "Input width (default: H).")
    Integer w;

    @Option(names = "--o", required = true, paramLabel = "O", description = "Output channels.")
    int o;

    @Option(names = "--kernel", paramLabel = "K", defaultValue = "3", description = "Kernel size, K x K (default: ${DEFAULT-VALUE}).")
    int kernel;

    @Option(names = "--stride", paramLabel = "S", defaultValue = "1", description = "Stride (default: ${DEFAULT-VALUE}).")
    int stride;

    @Option(names = "--pad", paramLabel = "P", description = "Zero padding (default: kernel/2, the 'same' size at stride 1).")
    Integer pad;

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
    public ConvCommand() {
    }

    @Override
    public Integer call() throws Exception {
        ConvShape shape;
        try {
            shape = new ConvShape(c, h, w != null ? w : h, o, kernel, stride, pad != null ? pad : kernel / 2);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        StudyWorkload workload = StudyWorkload.conv(shape);
        List<StudyPrecision> precisions = StudyOptions.precisions(spec, "--pair", pair);
        int[] timing = quick ? StudyPlan.QUICK_TIMING : StudyPlan.DEFAULT_TIMING;
        StudyPlan plan = StudyPlan.of(List.of(workload.name()), precisions, StudyOptions.shapes(spec, isa),
                StudyOptions.threads(spec, threads), timing).withOpenBlasCore(openBlasCore);
        return OneOffRun.run(spec, "conv", "trit4j conv " + shape.describe(), plan, out);
    }
}
