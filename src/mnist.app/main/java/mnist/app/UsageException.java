package mnist.app;

/** A mistake in how the command was called: reported in one line with a pointer to --help, exit code 2. */
final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String command;

    UsageException(String command, String message) {
        super(message);
        this.command = command;
    }

    /** The command whose --help explains the right usage, e.g. {@code mnist train}. */
    String command() {
        return command;
    }
}
