package io.github.trit4j.tools;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Trit4jCommandTest {

    @Test
    void helpListsEverySubcommand() {
        CommandRun r = CommandRun.of("--help");
        assertEquals(0, r.exitCode(), r::toString);
        for (String sub : new String[] {"info", "verify", "help"}) {
            assertTrue(r.out().contains("  " + sub + " "), () -> sub + " missing from\n" + r);
        }
    }

    @Test
    void versionNamesTrit4jAndTheJvm() {
        CommandRun r = CommandRun.of("--version");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().startsWith("trit4j "), r::toString);
        assertTrue(r.out().contains(Runtime.version().toString()), r::toString);
    }

    @Test
    void subcommandHelpWorks() {
        CommandRun r = CommandRun.of("help", "verify");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("--seconds"), r::toString);
    }

    @Test
    void noSubcommandIsAUsageError() {
        CommandRun r = CommandRun.of();
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.err().contains("Missing required subcommand"), r::toString);
        assertTrue(r.err().contains("verify"), r::toString);
    }

    @Test
    void unknownSubcommandIsAUsageErrorWithASuggestion() {
        CommandRun r = CommandRun.of("verfy");
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.err().contains("did you mean verify?"), r::toString);
        assertTrue(r.err().contains("trit4j --help"), r::toString);
        assertEquals(1, r.err().lines().count(), r::toString);
    }

    /** A bad option value is one line: the command, the message and where the help is. */
    @Test
    void aBadOptionIsOneLine() {
        CommandRun r = CommandRun.of("verify", "--seconds", "soon");
        assertEquals(2, r.exitCode(), r::toString);
        assertEquals(1, r.err().lines().count(), r::toString);
        assertTrue(r.err().startsWith("trit4j verify: "), r::toString);
        assertTrue(r.err().contains("soon") && r.err().contains("'trit4j verify --help'"), r::toString);
    }
}
