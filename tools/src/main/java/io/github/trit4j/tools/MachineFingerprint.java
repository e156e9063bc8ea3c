package io.github.trit4j.tools;

import io.github.trit4j.CpuFeatures;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * What identifies the machine and JVM a measurement comes from; written on every CSV row so
 * that results of several machines can be merged.
 *
 * @param machine  a label: the user's {@code --label}, or the CPU model and core count
 * @param cpuModel the CPU's model name
 * @param arch     {@code os.arch}
 * @param cpuFlags the flags trit4j cares about that are present, space-separated
 * @param cores    available processors
 * @param os       OS name and version
 * @param jdk      the runtime version and vendor
 * @param date     when the run started, ISO-8601 with offset
 */
public record MachineFingerprint(String machine, String cpuModel, String arch, String cpuFlags, int cores,
                                 String os, String jdk, String date) {

    /** This machine and JVM now. */
    public static MachineFingerprint current(String label) {
        CpuFeatures cpu = CpuFeatures.host();
        int cores = Runtime.getRuntime().availableProcessors();
        String flags = String.join(" ", (cpu.isX86() ? InfoCommand.X86_FLAGS : cpu.isAarch64()
                ? InfoCommand.AARCH64_FLAGS : java.util.List.<String>of()).stream().filter(cpu::has).toList());
        String machine = label != null && !label.isBlank() ? label.trim() : cpu.model() + " (" + cores + " cores)";
        return new MachineFingerprint(machine, cpu.model(), cpu.arch(), flags, cores,
                System.getProperty("os.name") + " " + System.getProperty("os.version"),
                Runtime.version() + " (" + System.getProperty("java.vendor") + ")",
                ZonedDateTime.now().withNano(0).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
    }
}
