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

    /** {@code native|avx2|neon|all}, comma-separated, into shapes this host can run. */
    static List<IsaShape> shapes(CommandSpec spec, List<String> values) {
        LinkedHashSet<IsaShape> shapes = new LinkedHashSet<>();
        for (String v : values) {
            String s = v.trim().toUpperCase(Locale.ROOT);
            if (s.equals("ALL")) {
                for (IsaShape shape : IsaShape.values()) {
                    if (shape.runsOn(CpuFeatures.host())) {
                        shapes.add(shape);
                    }
                }
                continue;
            }
            IsaShape shape;
            try {
                shape = IsaShape.valueOf(s);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--isa " + v + ": expected native, avx2, neon or all");
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

    /** Precision names, or {@code all}. */
    static List<StudyPrecision> precisions(CommandSpec spec, String option, List<String> values) {
        LinkedHashSet<StudyPrecision> chosen = new LinkedHashSet<>();
        for (String v : values) {
            String s = v.trim().toUpperCase(Locale.ROOT).replace('-', '_');
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
