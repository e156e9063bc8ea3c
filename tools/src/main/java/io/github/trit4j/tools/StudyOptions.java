package io.github.trit4j.tools;

import io.github.trit4j.CpuFeatures;
import io.github.trit4j.bench.StudyPrecision;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/** Parsing and checking of the options {@code bench}, {@code gemm} and {@code conv} share (ISA shapes, thread counts). */
final class StudyOptions {

    private StudyOptions() {
    }

    /**
     * The one {@code --isa} vocabulary of the command line (any case): {@code native} (the kernel shape this JVM picks),
     * a kernel shape ({@code avx512}, {@code avx2}, {@code neon}, {@code scalar}: {@link io.github.trit4j.Isa}'s names)
     * or {@code all}.
     */
    static final String ISA_VALUES = "native, avx512, avx2, neon, scalar or all";

    /** The kernel shape this JVM picks ({@code native}). */
    static io.github.trit4j.Isa nativeIsa() {
        return io.github.trit4j.Gemm.engine().isa();
    }

    /**
     * {@code --isa} values of {@code bench}, {@code gemm} and {@code conv}, comma-separated, into the study shapes this
     * host can run, each measured in its own JVMs: {@code native}; {@code avx2} ({@code -XX:UseAVX=2}) and {@code neon}
     * ({@code -XX:MaxVectorSize=16}), which make the JIT behave as on such a CPU; {@code avx512}, the native shape
     * where the JVM picks AVX512; {@code scalar}; {@code all} = native, avx2 (x86) and neon.
     */
    static List<IsaShape> shapes(CommandSpec spec, List<String> values) {
        LinkedHashSet<IsaShape> shapes = new LinkedHashSet<>();
        for (String v : values) {
            String s = v.trim().toUpperCase(Locale.ROOT);
            if (s.equals("ALL")) {
                for (IsaShape shape : IsaShape.values()) {
                    if (shape != IsaShape.SCALAR && shape.runsOn(CpuFeatures.host())) {
                        shapes.add(shape);
                    }
                }
                continue;
            }
            IsaShape shape;
            if (s.equals("AVX512")) {
                io.github.trit4j.Isa picked = nativeIsa();
                if (picked != io.github.trit4j.Isa.AVX512) {
                    throw new ParameterException(spec.commandLine(), "--isa " + v + ": this JVM picks " + picked
                            + ", not AVX512 (it needs AVX-512 VPOPCNTDQ and 512-bit vectors)");
                }
                shape = IsaShape.NATIVE;
            } else {
                try {
                    shape = IsaShape.valueOf(s);
                } catch (IllegalArgumentException e) {
                    throw new ParameterException(spec.commandLine(), "--isa " + v + ": expected " + ISA_VALUES);
                }
            }
            if (!shape.runsOn(CpuFeatures.host())) {
                throw new ParameterException(spec.commandLine(), "--isa " + v + " needs an x86 CPU with AVX2; this is "
                        + CpuFeatures.host().arch());
            }
            shapes.add(shape);
        }
        if (shapes.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--isa: no shape given");
        }
        List<IsaShape> ordered = new ArrayList<>(shapes);
        ordered.sort(null); // native first: it measures fp32 OpenBLAS for all
        return ordered;
    }

    /**
     * The {@code --isa} value of {@code verify} (same vocabulary) into the kernel shapes to check in this JVM:
     * {@code null} or {@code all} = every shape this JVM can create, {@code native} = the one it picks.
     */
    static List<io.github.trit4j.Isa> kernelShapes(CommandSpec spec, String value) {
        if (value == null || value.trim().equalsIgnoreCase("all")) {
            return Shapes.creatable();
        }
        String s = value.trim().toUpperCase(Locale.ROOT);
        if (s.equals("NATIVE")) {
            return List.of(nativeIsa());
        }
        io.github.trit4j.Isa isa;
        try {
            isa = io.github.trit4j.Isa.valueOf(s);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--isa " + value + ": expected " + ISA_VALUES);
        }
        if (!Shapes.creatable(isa)) {
            throw new ParameterException(spec.commandLine(), "--isa " + value + " needs the jdk.incubator.vector module, "
                    + "which this JVM has not resolved (start it with --add-modules jdk.incubator.vector); "
                    + "available here: " + Shapes.creatable());
        }
        return List.of(isa);
    }

    /** Thread counts: numbers >= 1 or {@code all} (available processors). */
    static List<Integer> threads(CommandSpec spec, List<String> values) {
        LinkedHashSet<Integer> threads = new LinkedHashSet<>();
        int all = Runtime.getRuntime().availableProcessors();
        for (String v : values) {
            String s = v.trim();
            if (s.equalsIgnoreCase("all")) {
                threads.add(all);
                continue;
            }
            try {
                int t = Integer.parseInt(s);
                if (t >= 1 && t <= 4096) {
                    threads.add(t);
                    continue;
                }
            } catch (NumberFormatException e) {
                // message below
            }
            throw new ParameterException(spec.commandLine(), "--threads " + v + ": expected a number >= 1 or 'all'");
        }
        return threads.stream().sorted().toList();
    }

    /**
     * The {@code --precisions} name of {@code bench}'s PyTorch anchors ({@link PyTorchAnchors}); skipped here, as
     * they are not a JMH precision.
     */
    static final String PYTORCH = "PYTORCH";

    /** Precision names, or {@code all} ({@value #PYTORCH} is skipped). */
    static List<StudyPrecision> precisions(CommandSpec spec, String option, List<String> values) {
        LinkedHashSet<StudyPrecision> chosen = new LinkedHashSet<>();
        for (String v : values) {
            String s = v.trim().toUpperCase(Locale.ROOT).replace('-', '_');
            if (s.equals(PYTORCH)) {
                continue; // the PyTorch anchors: not a JMH precision (BenchCommand.withPyTorch)
            }
            if (s.equals("ALL")) {
                chosen.addAll(List.of(StudyPrecision.values()));
                chosen.remove(StudyPrecision.FP32_OPENBLAS_ENV);
                continue;
            }
            if (s.equals(StudyPrecision.FP32_OPENBLAS_ENV.name())) {
                throw new ParameterException(spec.commandLine(), option + " " + v + ": the env-forced OpenBLAS core "
                        + "is measured with --openblas-core both (or env)");
            }
            try {
                chosen.add(StudyPrecision.valueOf(s));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), option + " " + v + ": expected one of "
                        + java.util.Arrays.stream(StudyPrecision.values())
                        .filter(p -> p != StudyPrecision.FP32_OPENBLAS_ENV).toList() + " or all");
            }
        }
        return java.util.Arrays.stream(StudyPrecision.values()).filter(chosen::contains).toList();
    }
}
