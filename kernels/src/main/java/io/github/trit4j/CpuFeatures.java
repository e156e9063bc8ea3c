package io.github.trit4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * What this process can learn about the CPU without native code: the architecture from
 * {@code os.arch}, and on Linux the model name and feature flags from
 * {@code /proc/cpuinfo}. Read once; immutable; thread-safe.
 */
public final class CpuFeatures {

    private static final CpuFeatures HOST = read(Path.of("/proc/cpuinfo"));

    private final String arch;
    private final String model;
    private final Set<String> flags;
    private final boolean flagsKnown;

    private CpuFeatures(String arch, String model, Set<String> flags, boolean flagsKnown) {
        this.arch = arch;
        this.model = model;
        this.flags = Collections.unmodifiableSet(flags);
        this.flagsKnown = flagsKnown;
    }

    /**
     * The CPU this JVM runs on, read once.
     *
     * @return the host's features
     */
    public static CpuFeatures host() {
        return HOST;
    }

    static CpuFeatures read(Path cpuinfo) {
        String arch = System.getProperty("os.arch", "unknown").toLowerCase(Locale.ROOT);
        String model = "unknown";
        Set<String> flags = new TreeSet<>();
        boolean known = false;
        try {
            for (String line : Files.readAllLines(cpuinfo)) {
                int colon = line.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String key = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = line.substring(colon + 1).trim();
                if ((key.equals("model name") || key.equals("cpu model")) && model.equals("unknown")) {
                    model = value;
                } else if ((key.equals("flags") || key.equals("features")) && !known) {
                    for (String f : value.split("\\s+")) {
                        if (!f.isEmpty()) {
                            flags.add(f.toLowerCase(Locale.ROOT));
                        }
                    }
                    known = true;
                }
            }
        } catch (IOException | SecurityException | UnsupportedOperationException e) {
            known = false;
        }
        return new CpuFeatures(arch, model, flags, known);
    }

    /**
     * The architecture.
     *
     * @return {@code os.arch}, lower case ({@code amd64}, {@code x86_64}, {@code aarch64}, ...)
     */
    public String arch() {
        return arch;
    }

    /**
     * Whether the architecture is 64-bit x86.
     *
     * @return true for {@code amd64} or {@code x86_64}
     */
    public boolean isX86() {
        return arch.equals("amd64") || arch.equals("x86_64");
    }

    /**
     * Whether the architecture is 64-bit ARM.
     *
     * @return true for {@code aarch64} or {@code arm64}
     */
    public boolean isAarch64() {
        return arch.equals("aarch64") || arch.equals("arm64");
    }

    /**
     * The CPU model name.
     *
     * @return the name from {@code /proc/cpuinfo}, or {@code "unknown"}
     */
    public String model() {
        return model;
    }

    /**
     * Whether feature flags could be read at all (Linux only).
     *
     * @return false where {@link #flags()} is empty for want of {@code /proc/cpuinfo}
     */
    public boolean flagsKnown() {
        return flagsKnown;
    }

    /**
     * All feature flags, lower case as the kernel spells them ({@code avx512_vpopcntdq}, {@code asimd}).
     *
     * @return an unmodifiable set
     */
    public Set<String> flags() {
        return flags;
    }

    /**
     * Whether the kernel lists a feature flag.
     *
     * @param flag the flag, in any case
     * @return whether {@link #flags()} holds it
     */
    public boolean has(String flag) {
        return flags.contains(flag.toLowerCase(Locale.ROOT));
    }
}
