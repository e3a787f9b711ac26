package mnist.model.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes a file so that readers see either the old content or the whole new one, never a half-written
 * file: the bytes go to a temporary file in the same directory, are forced to disk, and the temporary
 * file is renamed over the target (an atomic move), after which the directory is forced too. On any
 * failure the temporary file is removed and the previous file is untouched. Model files, checkpoints,
 * metrics and reports are all written this way.
 *
 * <p>A process killed mid-write (kill -9, power loss) cannot remove its temporary file. Its name says
 * whose it was, {@code .NAME.PID.RANDOM.tmp} (hidden, and never a name mnist reads as a model), and the
 * next write of the same file removes those of processes no longer alive.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /**
     * Replaces {@code file} with {@code bytes}, atomically.
     *
     * @throws java.nio.file.AtomicMoveNotSupportedException if the file system cannot rename atomically
     * @throws IOException if the directory is missing or unwritable, or the disk is full
     */
    public static void write(Path file, byte[] bytes) throws IOException {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        removeStale(dir, target.getFileName().toString());
        Path temp = Files.createTempFile(dir, "." + target.getFileName() + "." + ProcessHandle.current().pid() + ".", ".tmp");
        try {
            shareable(temp);
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            temp = null;
            forceDirectory(dir);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // the failure being reported matters more than the leftover temporary file
                }
            }
        }
    }

    /**
     * Removes the temporary files of {@code name} in {@code dir} left by processes that are gone (not
     * those of a live process, which may be writing now). Best effort: a file that cannot be listed or
     * removed is left.
     */
    static int removeStale(Path dir, String name) {
        String prefix = "." + name + ".";
        int removed = 0;
        try (var entries = Files.newDirectoryStream(dir, entry -> {
            String f = entry.getFileName().toString();
            return f.startsWith(prefix) && f.endsWith(".tmp");
        })) {
            for (Path entry : entries) {
                String rest = entry.getFileName().toString().substring(prefix.length());
                int dot = rest.indexOf('.');
                long pid;
                try {
                    pid = Long.parseLong(dot < 0 ? "" : rest.substring(0, dot));
                } catch (NumberFormatException e) {
                    continue;   // not one of ours
                }
                if (pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true)) {
                    if (Files.deleteIfExists(entry)) {
                        removed++;
                    }
                }
            }
        } catch (IOException | SecurityException e) {
            // left for the next write
        }
        return removed;
    }

    /** Temporary files are created private (rw-------); the file they become is meant to be shared. */
    private static void shareable(Path temp) {
        try {
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system, or not allowed: the file stays private, which is safe
        }
    }

    /** Makes the rename itself durable where the OS allows opening a directory (Linux, macOS). */
    private static void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // Windows cannot open a directory; its rename is still atomic
        }
    }
}
