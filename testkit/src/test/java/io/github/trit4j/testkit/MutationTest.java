package io.github.trit4j.testkit;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The kit catches bugs: each deliberately broken implementation (one realistic defect each)
 * fails some property within the default settings and budget, and the failure message's shrunk
 * counterexample has the shape the defect needs (a K off a word boundary for the K-tail bug,
 * N of 1 for the N == 1 bug, ...). The correct implementations pass (PlanesGemmTest, DirectConvTest).
 * Writes the table of defect, catching property and examples needed to
 * {@code target/mutation-table.md} (copied into docs/TESTKIT.md).
 */
class MutationTest {

    private static final Pattern GEMM_SHAPE = Pattern.compile("shrunk counterexample: (\\w+) x (\\w+) M=(\\d+) N=(\\d+) K=(\\d+) ");
    private static final Pattern CONV_SHAPE = Pattern.compile("shrunk counterexample: \\w+ x \\w+ conv\\[in \\d+, out \\d+, "
            + "kernel \\d+x\\d+, stride (\\d+)x(\\d+), pad (\\d+)x(\\d+), dilation (\\d+)x(\\d+), groups (\\d+)\\]");

    /** What the shrunk GEMM counterexample of a defect must show. */
    private static Predicate<Matcher> gemm(PlanesGemm.Defect d) {
        return m -> {
            CodeSet w = CodeSet.valueOf(m.group(1));
            CodeSet x = CodeSet.valueOf(m.group(2));
            int n = Integer.parseInt(m.group(4));
            int k = Integer.parseInt(m.group(5));
            int maxProduct = Math.max(Math.abs(w.min()), w.max()) * Math.max(Math.abs(x.min()), x.max());
            return switch (d) {
                case K_TAIL_OFF_BY_ONE -> k % 64 != 0;
                case WRONG_SIGN_PLANE -> w == CodeSet.TERNARY;
                case ROW_CONSTANT_SKIPPED -> x == CodeSet.TERNARY || x == CodeSet.BINARY;
                case INT16_ACCUMULATOR -> (long) k * maxProduct > Short.MAX_VALUE;
                case WRONG_ONLY_FOR_N1 -> n == 1;
                case TILE_RACE -> n >= 2;
                case NONE -> false;
            };
        };
    }

    /** What the shrunk convolution counterexample of a defect must show. */
    private static Predicate<Matcher> conv(DirectConv.Defect d) {
        return m -> {
            int sh = Integer.parseInt(m.group(1));
            int sw = Integer.parseInt(m.group(2));
            int ph = Integer.parseInt(m.group(3));
            int pw = Integer.parseInt(m.group(4));
            int dw = Integer.parseInt(m.group(6));
            int groups = Integer.parseInt(m.group(7));
            return switch (d) {
                case PADDING_BIT_SET -> ph + pw > 0;
                case WRONG_STRIDE -> sh != sw;
                case WRONG_DILATION -> dw > 1;
                case GROUPS_READ_GROUP_ZERO -> groups > 1;
                case NONE -> false;
            };
        };
    }

    private record Caught(String defect, String property, CodePair pair, int examples, String shape, String message) {
    }

    @Test
    void everyBrokenImplementationIsCaughtAndNamedByItsShape() throws IOException {
        KitSettings settings = KitSettings.defaults();
        List<Caught> table = new ArrayList<>();
        for (PlanesGemm.Defect d : PlanesGemm.Defect.values()) {
            if (d != PlanesGemm.Defect.NONE) {
                table.add(firstCatch(d.name(), TernaryGemmProperties.properties(new PlanesGemm(d, false), settings),
                        GEMM_SHAPE, gemm(d)));
            }
        }
        for (DirectConv.Defect d : DirectConv.Defect.values()) {
            if (d != DirectConv.Defect.NONE) {
                table.add(firstCatch(d.name(), TernaryConvProperties.properties(new DirectConv(d), settings),
                        CONV_SHAPE, conv(d)));
            }
        }
        StringBuilder md = new StringBuilder("| defect | property that caught it | pair | examples needed | shrunk shape |\n"
                + "|---|---|---|---|---|\n");
        for (Caught c : table) {
            md.append("| ").append(c.defect()).append(" | ").append(c.property()).append(" | ").append(c.pair())
                    .append(" | ").append(c.examples()).append(" | ").append(c.shape()).append(" |\n");
        }
        Path out = Path.of("target", "mutation-table.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, md);
        StringBuilder messages = new StringBuilder();
        for (Caught c : table) {
            messages.append("== ").append(c.defect()).append('\n').append(c.message()).append("\n\n");
        }
        Files.writeString(out.resolveSibling("mutation-messages.txt"), messages);
        System.out.println(md);
    }

    /** Runs the properties in order until one fails; checks its message. */
    private static Caught firstCatch(String defect, List<KitProperty> properties, Pattern shape,
                                     Predicate<Matcher> shapeHolds) {
        for (KitProperty p : properties) {
            PropertyResult r = p.run();
            if (r.passed()) {
                continue;
            }
            String m = r.failure();
            assertTrue(m.contains("-Dtrit4j.testkit.seed="), m);
            assertTrue(m.contains("first differing index") || m.contains("threw"), m);
            Matcher matcher = shape.matcher(m);
            assertTrue(matcher.find(), () -> defect + ": no shrunk counterexample in\n" + m);
            assertTrue(shapeHolds.test(matcher), () -> defect + ": the counterexample does not show the defect's shape:\n" + m);
            String line = m.substring(m.indexOf("shrunk counterexample: ") + 23);
            return new Caught(defect, p.name(), p.pair(), r.failingExample(), line.substring(0, line.indexOf('\n')),
                    m);
        }
        fail(defect + " passed every property");
        return null;
    }
}
