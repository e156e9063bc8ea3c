package io.github.trit4j.tools;

/**
 * A mistake in what the user gave a command that only shows once the command runs: a missing file, a
 * directory where a file was expected, a file of the wrong kind, a corrupt archive. {@link Trit4jCommand}
 * reports it as one line on stderr, {@code trit4j <command>: <message>}, and exits with 2 (bad usage),
 * never with a stack trace. The message names the bad value and says what was expected.
 */
final class UserError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what is wrong, naming the bad value (one line)
     */
    UserError(String message) {
        super(message, null, false, false);
    }
}
