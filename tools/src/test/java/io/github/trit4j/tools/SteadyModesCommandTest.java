package io.github.trit4j.tools;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The spread steady-modes prints for the workload, the reference loops and their ratios. */
class SteadyModesCommandTest {

    @Test
    void spreadIsHowFarTheSmallestLiesBelowTheLargestInPercent() {
        assertEquals(20, SteadyModesCommand.spread(new double[]{100, 80, 90}), 1e-9);
        assertEquals(0, SteadyModesCommand.spread(new double[]{5, 5}), 1e-9);
    }

    @Test
    void aModeSharedWithTheReferenceLoopDisappearsFromTheRatio() {
        // two JVMs: the second 25% slower on the workload and on the reference loop alike
        double[] workload = {600, 450};
        double[] reference = {24, 18};
        assertEquals(25, SteadyModesCommand.spread(workload), 1e-9);
        assertEquals(0, SteadyModesCommand.spread(new double[]{workload[0] / reference[0], workload[1] / reference[1]}),
                1e-9);
    }

    @Test
    void aLoopLongerThanTheDefaultCapIsCappedAtItsOwnLength() {
        // TimeToPeak refuses --max-seconds below --seconds: steady-modes --seconds 25 used to ask for exactly that
        assertEquals(java.util.List.of("--seconds", "25.00", "--max-seconds", "25.00"),
                TimeToPeakRunner.lengthArgs(25, TimeToPeakRunner.MAX_SECONDS));
        assertEquals(java.util.List.of("--seconds", "12.00", "--max-seconds", "20.00"),
                TimeToPeakRunner.lengthArgs(12, TimeToPeakRunner.MAX_SECONDS));
    }
}
