package io.github.trit4j.tools;

import io.github.trit4j.bench.ConvShape;
import io.github.trit4j.bench.StudyWorkload;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

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

    // Long names only: a one-letter --h beside the standard -h (help) made "conv -h 56" print the help.
    @Option(names = "--channels", required = true, paramLabel = "C", description = "Input channels.")
    int c;

    @Option(names = "--height", required = true, paramLabel = "H", description = "Input height.")
    int h;

    @Option(names = "--width", paramLabel = "W", description = "Input width (default: H).")
    Integer w;

    @Option(names = "--out-channels", required = true, paramLabel = "O", description = "Output channels.")
    int o;

    @Option(names = "--kernel", paramLabel = "K", defaultValue = "3", description = "Kernel size, K x K (default: ${DEFAULT-VALUE}).")
    int kernel;

    @Option(names = "--stride", paramLabel = "S", defaultValue = "1", description = "Stride (default: ${DEFAULT-VALUE}).")
    int stride;

    @Option(names = "--pad", paramLabel = "P", description = "Zero padding (default: kernel/2, the 'same' size at stride 1).")
    Integer pad;

    @Mixin
    OneOffOptions options;

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
        return options.run(spec, "conv", "trit4j conv " + shape.describe(), workload.name());
    }
}
