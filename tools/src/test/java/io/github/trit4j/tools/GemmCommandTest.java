package io.github.trit4j.tools;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GemmCommandTest {

    @Test
    void timesOneShapeAndPrintsItsTable() {
        CommandRun r = CommandRun.of("gemm", "--m", "32", "--n", "40", "--k", "300", "--precisions", "TERNARY_FATNN",
                "--threads", "1", "--quick");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("[1/1] native 32x40x300 TERNARY_FATNN 1t:"), r::toString);
        assertTrue(r.out().contains("| (32,40,300) | ("), r::toString);
    }
}
