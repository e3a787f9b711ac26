package mnist.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import mnist.model.internal.AtomicFiles;

/**
 * The command line's outputs (metrics, reports, benchmark results), written with {@link AtomicFiles}
 * like model files, and checked before long work starts.
 */
final class AtomicFile {
    private AtomicFile() {
    }

    static void writeString(Path target, String content) throws IOException {
        write(target, content.getBytes(StandardCharsets.UTF_8));
    }

    static void write(Path target, byte[] content) throws IOException {
        AtomicFiles.write(target, content);
    }

    /**
     * Checks, before long work starts, that {@code target} can be written later: its directory exists and
     * is writable, and it is not itself a directory. Returns a one-line problem, or null if none.
     */
    static String problemWriting(Path target) {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        if (Files.isDirectory(absolute)) {
            return target + ": is a directory";
        }
        if (dir == null || !Files.isDirectory(dir)) {
            return target + ": directory " + dir + " does not exist";
        }
        if (!Files.isWritable(dir)) {
            return target + ": directory " + dir + " is not writable";
        }
        return null;
    }
}
