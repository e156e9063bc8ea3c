package io.github.trit4j.tools;

import io.github.trit4j.CpuFeatures;
import io.github.trit4j.Gemm;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InfoCommandTest {

    @Test
    void printsTheJvmTheCpuAndTheShapeInUse() {
        CommandRun r = CommandRun.of("info");
        assertEquals(0, r.exitCode(), r::toString);
        String out = r.out();
        assertTrue(out.contains(System.getProperty("java.home")), r::toString);
        // surefire starts the test JVM with --add-modules jdk.incubator.vector (tools/pom.xml)
        assertTrue(out.contains("jdk.incubator.vector resolved"), r::toString);
        assertTrue(out.contains("os.arch:       " + CpuFeatures.host().arch()), r::toString);
        assertTrue(out.contains("shape in use:  " + Gemm.isa()), r::toString);
        assertTrue(out.contains("because:       " + Gemm.dispatchReason()), r::toString);
        assertTrue(out.contains("processors:    " + Runtime.getRuntime().availableProcessors()), r::toString);
    }

    @Test
    void listsEachRelevantFlagOfTheHostOnce() {
        CpuFeatures cpu = CpuFeatures.host();
        String flags = InfoCommand.flags(cpu);
        if (cpu.flagsKnown() && cpu.isX86()) {
            for (String f : InfoCommand.X86_FLAGS) {
                assertTrue(flags.matches(".*\\b" + f + "\\b.*"), () -> f + " missing from " + flags);
            }
            assertTrue(flags.contains(cpu.has("avx2") ? "present: avx2" : "absent: avx2"), flags);
        } else if (cpu.flagsKnown() && cpu.isAarch64()) {
            assertTrue(flags.contains("asimd") && flags.contains("sve"), flags);
        }
    }
}
