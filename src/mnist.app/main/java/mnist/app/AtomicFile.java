package mnist.app;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a file so that readers see either the old content or the whole new one, never a half-written
 * file: the bytes go to a temporary file beside it, are forced to disk, and the temporary file is renamed
 * into place. On failure the temporary file is removed and the old file is untouched.
 */
final class AtomicFile {
    private AtomicFile() {
    }

    static void writeString(Path target, String content) throws IOException {
        write(target, content.getBytes(StandardCharsets.UTF_8));
    }

    static void write(Path target, byte[] content) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Path temp = Files.createTempFile(dir, "." + absolute.getFileName() + ".", ".tmp");
        shareable(temp);
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
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

    /** Temporary files are created private (rw-------); the file they become is meant to be shared. */
    private static void shareable(Path temp) {
        try {
            Files.setPosixFilePermissions(temp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system, or not allowed: the file stays private, which is safe
        }
    }
}
