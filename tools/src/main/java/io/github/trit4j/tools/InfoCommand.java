package io.github.trit4j.tools;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.github.trit4j.CpuFeatures;
import io.github.trit4j.Gemm;
import io.github.trit4j.Isa;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code trit4j info}: the JVM, the CPU, and the kernel shape trit4j dispatches to on them,
 * with the reason. Exit code 1 if the shape cannot be chosen (a bad {@code -Dtrit4j.isa}).
 */
@Command(name = "info",
        mixinStandardHelpOptions = true,
        versionProvider = Trit4jVersion.class,
        description = "Show the JVM, the CPU features trit4j cares about, and the kernel shape it dispatches to.")
public final class InfoCommand implements Callable<Integer> {

    /** The x86 flags that decide between the AVX512 and AVX2 shapes, as /proc/cpuinfo spells them. */
    static final List<String> X86_FLAGS = List.of(
            "avx2", "avx512f", "avx512bw", "avx512vl", "avx512_vpopcntdq", "avx512_bitalg");
    /** The aarch64 flags that matter: NEON ({@code asimd}) and SVE. */
    static final List<String> AARCH64_FLAGS = List.of("asimd", "sve");
    /** HotSpot flags that change what the JIT does with vectors (docs/DESIGN.md, Dispatch). */
    private static final List<String> VM_FLAGS = List.of("UseAVX", "MaxVectorSize", "UseSuperWord");

    @Spec
    private CommandSpec spec;

    /** Created by picocli. */
    public InfoCommand() {
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        CpuFeatures cpu = CpuFeatures.host();
        boolean vectorModule = Gemm.vectorModulePresent();
        row(out, "trit4j", Trit4jVersion.version());
        row(out, "java", Runtime.version() + " (" + System.getProperty("java.vendor") + ", "
                + System.getProperty("java.vm.name") + ")");
        row(out, "java.home", System.getProperty("java.home"));
        row(out, "vector module", vectorModule
                ? "jdk.incubator.vector resolved"
                : "jdk.incubator.vector NOT resolved: SCALAR kernels only (start the JVM with "
                        + "--add-modules jdk.incubator.vector)");
        row(out, "os.arch", cpu.arch() + " (" + System.getProperty("os.name") + ")");
        row(out, "cpu model", cpu.model());
        row(out, "cpu flags", flags(cpu));
        row(out, "processors", Integer.toString(Runtime.getRuntime().availableProcessors()));
        row(out, "vm flags", vmFlags());
        row(out, "vector bits", vectorModule
                ? Gemm.preferredVectorBits() + " (VectorShape.preferredShape())"
                : "n/a (no vector module)");
        row(out, "shapes", Shapes.creatable().stream().map(Isa::name).collect(Collectors.joining(" "))
                + " (creatable in this JVM)");
        try {
            row(out, "shape in use", Gemm.isa().name());
            row(out, "because", Gemm.dispatchReason());
        } catch (IllegalArgumentException | IllegalStateException e) {
            row(out, "shape in use", "none: " + e.getMessage());
            out.flush();
            return 1;
        }
        out.flush();
        return 0;
    }

    /** The relevant flags of the host's architecture, split into present and absent. */
    static String flags(CpuFeatures cpu) {
        if (!cpu.flagsKnown()) {
            return "unknown (/proc/cpuinfo not readable)";
        }
        List<String> relevant = cpu.isX86() ? X86_FLAGS : cpu.isAarch64() ? AARCH64_FLAGS : List.of();
        if (relevant.isEmpty()) {
            return "none relevant on " + cpu.arch();
        }
        List<String> present = new ArrayList<>();
        List<String> absent = new ArrayList<>();
        for (String f : relevant) {
            (cpu.has(f) ? present : absent).add(f);
        }
        return "present: " + (present.isEmpty() ? "none" : String.join(" ", present))
                + "; absent: " + (absent.isEmpty() ? "none" : String.join(" ", absent));
    }

    /** UseAVX, MaxVectorSize, UseSuperWord as this VM has them (flags it lacks are skipped). */
    private static String vmFlags() {
        try {
            HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            if (hotspot == null) {
                return "n/a (not HotSpot)";
            }
            List<String> values = new ArrayList<>();
            for (String flag : VM_FLAGS) {
                try {
                    values.add(flag + "=" + hotspot.getVMOption(flag).getValue());
                } catch (IllegalArgumentException absentOnThisArch) {
                    // e.g. UseAVX on aarch64
                }
            }
            return values.isEmpty() ? "n/a" : String.join(" ", values);
        } catch (RuntimeException | LinkageError e) {
            return "n/a (" + e + ")";
        }
    }

    private static void row(PrintWriter out, String key, String value) {
        out.printf("%-14s %s%n", key + ":", value);
    }
}
