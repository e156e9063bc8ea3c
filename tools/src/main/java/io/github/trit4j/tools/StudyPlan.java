package io.github.trit4j.tools;

import io.github.trit4j.bench.StudyPrecision;

import java.util.List;

/**
 * What a study run measures and how long each measurement takes.
 *
 * @param workloads         workload names ({@code S1}, ..., or {@code MxNxK})
 * @param precisions        precisions, in study order
 * @param shapes            ISA shapes, each run in its own forked JVMs; fp32 OpenBLAS runs only in the first
 * @param threads           thread counts
 * @param warmupIterations  JMH warm-up iterations per measurement
 * @param warmupMillis      length of each
 * @param measureIterations JMH measurement iterations
 * @param measureMillis     length of each
 */
public record StudyPlan(List<String> workloads, List<StudyPrecision> precisions, List<IsaShape> shapes,
                        List<Integer> threads, int warmupIterations, long warmupMillis,
                        int measureIterations, long measureMillis) {

    /** Default timing: a few minutes for the full default study on 2 cores. */
    public static final int[] DEFAULT_TIMING = {2, 300, 3, 300};
    /** {@code --quick}: seconds, for smoke tests; numbers are indicative only. */
    public static final int[] QUICK_TIMING = {1, 300, 1, 200};

    /** The precisions measured in a shape: fp32 OpenBLAS (native code, unaffected by JVM flags) only in the first. */
    public List<StudyPrecision> precisionsFor(IsaShape shape) {
        if (shape == shapes.get(0)) {
            return precisions;
        }
        return precisions.stream().filter(p -> p != StudyPrecision.FP32_OPENBLAS).toList();
    }

    /** Number of measurements of the whole plan. */
    public int size() {
        return shapes.stream().mapToInt(s -> precisionsFor(s).size()).sum() * workloads.size() * threads.size();
    }
}
