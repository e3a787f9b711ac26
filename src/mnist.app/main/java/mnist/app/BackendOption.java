package mnist.app;

import java.io.PrintStream;
import mnist.math.Backend;

/**
 * The {@code --backend simd|scalar} option shared by the commands. Without it, {@link Backend#preferred}:
 * SIMD where the Vector API pays on this machine, else scalar, and then a note says why.
 */
final class BackendOption {
    private BackendOption() {
    }

    static Backend parse(Options options, PrintStream notes) throws UsageException {
        if (options.has("backend")) {
            return options.choice("backend", Backend.SIMD, Backend::parse);
        }
        Backend.Choice choice = Backend.preferred();
        if (choice.backend() != Backend.SIMD) {
            notes.println("Note: the scalar backend, because " + choice.reason() + " (--backend simd to insist).");
        }
        return choice.backend();
    }
}
