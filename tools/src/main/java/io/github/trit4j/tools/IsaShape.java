package io.github.trit4j.tools;

import io.github.trit4j.CpuFeatures;

import java.util.List;

/**
 * A kernel shape the study runs in its own forked JVM, with the JVM flags that make the JIT
 * behave as on that kind of CPU (docs/DESIGN.md, Dispatch).
 */
public enum IsaShape {
    /** The JVM's own choice ({@code isa=AUTO}), no extra flags. */
    NATIVE("AUTO", List.of()),
    /** 256-bit vectors, as on an AVX2 machine: {@code -XX:UseAVX=2}, trit4j's AVX2 kernels. x86 only. */
    AVX2("AVX2", List.of("-XX:UseAVX=2")),
    /** 128-bit vectors, as on a NEON machine: {@code -XX:MaxVectorSize=16}, trit4j's NEON kernels. */
    NEON("NEON", List.of("-XX:MaxVectorSize=16")),
    /** trit4j's SCALAR kernels ({@code Long.bitCount}), forced; the JVM's own flags. Only when asked for. */
    SCALAR("SCALAR", List.of());

    /** Value of the benchmark's {@code isa} parameter. */
    public final String isaParam;
    /** JVM flags of the fork. */
    public final List<String> jvmFlags;

    IsaShape(String isaParam, List<String> jvmFlags) {
        this.isaParam = isaParam;
        this.jvmFlags = jvmFlags;
    }

    /** Lower-case name, as the CSV and the command line spell it. */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Whether this host can run the shape: AVX2 needs an x86 CPU with AVX2; the others run anywhere. */
    public boolean runsOn(CpuFeatures cpu) {
        return this != AVX2 || (cpu.isX86() && (!cpu.flagsKnown() || cpu.has("avx2")));
    }
}
