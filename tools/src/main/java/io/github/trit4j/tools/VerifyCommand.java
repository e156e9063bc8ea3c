package io.github.trit4j.tools;

import io.github.trit4j.Algorithm;
import io.github.trit4j.Isa;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * {@code trit4j verify}: a time-bounded random cross-check of every supported pair on
 * every shape this JVM can create, with both algorithms, against the SCALAR engine and a
 * naive integer GEMM. Exit code 0 if every check passes, 1 on any mismatch (the smallest
 * failing case is printed), 2 on bad arguments.
 */
@Command(name = "verify",
        mixinStandardHelpOptions = true,
        versionProvider = Trit4jVersion.class,
        description = {
                "Cross-check the kernels against the SCALAR engine and a naive integer GEMM on random "
                        + "operands, for a fixed time.",
                "Every supported pair (TERNARY x TERNARY_UNSIGNED, TERNARY x TWO_BIT, TERNARY x TERNARY, "
                        + "TWO_BIT x TWO_BIT, BINARY x BINARY) on every shape this JVM can create, with "
                        + "FATNN and CONVENTIONAL. Cases (M, N in 1..40, K in 1..1100, often at a word or "
                        + "vector boundary) run round-robin over shape x pair, so every combination gets cases "
                        + "even where a shape is emulated in software. Prints pass/fail counts per shape x pair "
                        + "and the smallest failing case."})
public final class VerifyCommand implements Callable<Integer> {

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "10",
            description = "Time budget in seconds, > 0 (default: ${DEFAULT-VALUE}). "
                    + "One case per shape x pair always runs, however short the budget.")
    double seconds;

    @Option(names = "--seed", paramLabel = "N",
            description = "Seed of the run (default: random). It is printed; the same seed repeats the same cases.")
    Long seed;

    @Option(names = "--isa", paramLabel = "SHAPE",
            description = "Check only this kernel shape: native (the one this JVM picks), avx512, avx2, neon, scalar, "
                    + "or all (the default: every shape this JVM can create). Any case; the same vocabulary as bench.")
    String isa;

    @Option(names = "--cases", paramLabel = "N",
            description = "Also stop once every shape x pair has run N cases (default: no limit).")
    Integer cases;

    @Spec
    private CommandSpec spec;

    /** The products under test; tests replace it with a faulty one. */
    GemmUnderTest gemm = GemmUnderTest.ENGINES;

    /** Created by picocli. */
    public VerifyCommand() {
    }

    @Override
    public Integer call() {
        validate();
        List<Isa> shapes = StudyOptions.kernelShapes(spec, isa);
        long runSeed = seed != null ? seed : ThreadLocalRandom.current().nextLong();
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "trit4j verify: shapes %s, %d pairs, algorithms %s, budget %.1f s%s, seed %d%n",
                shapes.stream().map(Isa::name).collect(Collectors.joining(" ")),
                PrecisionPair.SUPPORTED.size(),
                Arrays.stream(Algorithm.values()).map(Algorithm::name).collect(Collectors.joining(" ")),
                seconds, cases == null ? "" : " or " + cases + " cases per shape x pair", runSeed);
        out.flush();

        long start = System.nanoTime();
        VerifyTally tally = new VerifyRun(shapes, runSeed, gemm)
                .run((long) (seconds * 1e9), cases == null ? Integer.MAX_VALUE : cases);
        double elapsed = (System.nanoTime() - start) / 1e9;

        tally.printTable(out);
        if (tally.failures() == 0) {
            out.printf(Locale.ROOT, "PASS: %d checks in %.1f s, no mismatch%n", tally.checks(), elapsed);
            out.flush();
            return 0;
        }
        out.printf(Locale.ROOT, "FAIL: %d of %d checks failed in %.1f s%n", tally.failures(), tally.checks(), elapsed);
        Mismatch m = tally.smallest();
        out.println("smallest failing case:");
        out.println(m.describe(runSeed));
        out.println("rerun: trit4j verify --seed " + runSeed + " --isa " + m.isa().name().toLowerCase(Locale.ROOT));
        out.flush();
        return 1;
    }

    private void validate() {
        if (!(seconds > 0) || Double.isInfinite(seconds)) {
            throw new ParameterException(spec.commandLine(), "--seconds must be a finite number > 0, got " + seconds);
        }
        if (cases != null && cases <= 0) {
            throw new ParameterException(spec.commandLine(), "--cases must be > 0, got " + cases);
        }
        StudyOptions.kernelShapes(spec, isa); // checks the value before any work
    }
}
