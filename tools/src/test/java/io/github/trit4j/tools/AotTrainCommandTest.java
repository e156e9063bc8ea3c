package io.github.trit4j.tools;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The AOT training run's output: JDK 25's two error-level lines about the archived module graph, printed in every
 * successful run with an incubator module (see {@link AotTrainCommand#INCUBATOR_MODULE_GRAPH_NOTICE}), are left out;
 * any other error line is not.
 */
class AotTrainCommandTest {

    @Test
    void onlyTheIncubatorModuleGraphNoticeIsLeftOut() {
        for (String line : new String[] {
                "[0.191s][error][aot] An error has occurred while processing the AOT configuration file. Run with "
                        + "-Xlog:aot for details.",
                "[12.047s][error][aot] archivedBootLayer not available, disabling full module graph"}) {
            assertTrue(AotTrainCommand.INCUBATOR_MODULE_GRAPH_NOTICE.matcher(line).matches(), line);
        }
        for (String line : new String[] {
                "[0.191s][error][aot] Cannot dump AOT cache: out of space",
                "[0.191s][error][aot] archivedBootLayer not available, disabling full module graph and more",
                "[0.191s][warning][aot] archivedBootLayer not available, disabling full module graph",
                "Error: An error has occurred while processing the AOT configuration file. Run with -Xlog:aot for details."}) {
            assertFalse(AotTrainCommand.INCUBATOR_MODULE_GRAPH_NOTICE.matcher(line).matches(), line);
        }
    }
}
