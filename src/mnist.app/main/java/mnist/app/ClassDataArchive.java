package mnist.app;

import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The runtime image's CDS archive (class data sharing: the classes a start loads, parsed and laid out
 * once, then mapped by every later start), made on the image's first run rather than shipped in it.
 *
 * <p>The archive takes 10 MB, a fifth of the image; what it saves is about 50 ms of every start. So the
 * image carries only the list of classes to archive ({@code lib/mnist.classlist}, 110 KB, written by the
 * build from a run of {@code mnist show}), and the launcher looks for the archive in the user's cache
 * ({@code $XDG_CACHE_HOME/mnist}, else {@code ~/.cache/mnist}), under a name that holds a hash of the
 * image's JVM and modules, so an archive is only ever used by an image identical to the one it was made
 * from. Found, the launcher maps it; missing, the launcher asks this class (property {@value
 * #MAKE_PROPERTY}) to make it once the command has finished: a background JVM runs the JVM's own
 * {@code -Xshare:dump} with the launcher's collector and heap settings, into a temporary file that is
 * renamed into place when whole, so a start never sees half an archive. Any failure (no cache
 * directory, a read-only one, a full disk) costs only the faster start, and is silent: the command's own
 * output is already complete. {@code MNIST_CDS=off} turns the whole thing off. An archive the JVM was
 * given but did not map (a damaged file: then {@code java.vm.info} does not say "sharing") is deleted
 * and made again.
 */
public final class ClassDataArchive {
    /** Set by the launcher to the archive's path when it does not exist yet. */
    static final String MAKE_PROPERTY = "mnist.cds.make";
    /** Set by the launcher to the archive's path when it gives it to the JVM. */
    static final String USED_PROPERTY = "mnist.cds.used";
    /** Set by the launcher to its collector and heap options, for the dump (space separated). */
    static final String OPTIONS_PROPERTY = "mnist.cds.options";
    /** Archives of other images (earlier builds) kept beside the new one; older ones are deleted. */
    static final int KEEP = 3;
    /** A temporary file older than this was left by a maker that died; a younger one is a maker at work. */
    private static final long STALE_MILLIS = TimeUnit.MINUTES.toMillis(10);
    private static final String SUFFIX = ".jsa";
    private static final String PART = ".part";

    private ClassDataArchive() {
    }

    /**
     * After a command: if the launcher asked for the archive, starts the background JVM that makes it
     * and returns at once (it outlives this one, its output discarded). Never throws.
     */
    static void makeInBackgroundIfAsked() {
        String archive = System.getProperty(MAKE_PROPERTY);
        String used = System.getProperty(USED_PROPERTY);
        if (used != null && !used.isBlank() && !sharing()) {
            // the JVM was given the archive and did not map it: a damaged file (cut short, overwritten)
            try {
                Files.deleteIfExists(Path.of(used));
            } catch (IOException | RuntimeException e) {
                return;
            }
            archive = used;
        }
        if (archive == null || archive.isBlank()) {
            return;
        }
        // Through sh, which starts the maker in the background and exits: this JVM waits only for sh. A
        // child of this JVM's own would hold a thread in waitpid, and a JVM that exits with a thread in
        // native code waits 300 ms for it (measured: mnist --version 90 ms, 420 ms with such a child).
        List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", "\"$@\" </dev/null >/dev/null 2>&1 &", "sh",
                javaLauncher().toString(), "-Xshare:off", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx32m",
                "-m", "mnist.app/" + ClassDataArchive.class.getName(), archive));
        command.addAll(options(System.getProperty(OPTIONS_PROPERTY, "")));
        try {
            Process sh = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!sh.waitFor(5, TimeUnit.SECONDS)) {
                sh.destroyForcibly();
            }
        } catch (IOException | RuntimeException e) {
            // no archive: the next start is as slow as this one, and will ask again
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The background JVM: {@code ClassDataArchive ARCHIVE [DUMP OPTIONS...]}; exit code 0 if it made the archive. */
    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: ClassDataArchive ARCHIVE [JVM OPTIONS...]");
            System.exit(Main.BAD_INPUT);
        }
        Path classList = Path.of(System.getProperty("java.home"), "lib", "mnist.classlist");
        List<String> options = List.of(args).subList(1, args.length);
        try {
            System.exit(make(Path.of(args[0]), javaLauncher(), classList, options) ? Main.OK : Main.FAILED);
        } catch (IOException | RuntimeException e) {
            System.err.println("mnist: no CDS archive made: " + e);
            System.exit(Main.FAILED);
        } catch (InterruptedException e) {
            System.exit(Main.FAILED);
        }
    }

    /**
     * Makes {@code archive} with {@code java -Xshare:dump} from {@code classList}, unless another maker is
     * at work on it; keeps the {@link #KEEP} newest archives of its directory. Returns whether it made it.
     */
    static boolean make(Path archive, Path java, Path classList, List<String> options)
            throws IOException, InterruptedException {
        if (!Files.isRegularFile(classList)) {
            throw new IOException(classList + ": no class list (not a runtime image of mnist?)");
        }
        Path dir = archive.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path part = dir.resolve(archive.getFileName() + PART);
        if (!claim(part)) {
            return false;
        }
        try {
            List<String> command = new ArrayList<>();
            command.add(java.toString());
            command.addAll(options);
            command.addAll(List.of("-Xshare:dump", "-XX:SharedClassListFile=" + classList,
                    "-XX:SharedArchiveFile=" + part, "-m", "mnist.app/" + Main.class.getName()));
            Process dump = new ProcessBuilder(command)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!dump.waitFor(5, TimeUnit.MINUTES)) {
                dump.destroyForcibly();
                return false;
            }
            if (dump.exitValue() != 0 || Files.size(part) == 0) {
                return false;
            }
            Files.move(part, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            prune(dir, archive);
            return true;
        } finally {
            Files.deleteIfExists(part);
        }
    }

    /** Creates the temporary file, which doubles as a lock; false if a live maker holds it. */
    private static boolean claim(Path part) throws IOException {
        try {
            Files.createFile(part);
            return true;
        } catch (FileAlreadyExistsException e) {
            long age = System.currentTimeMillis() - Files.getLastModifiedTime(part).toMillis();
            if (age < STALE_MILLIS) {
                return false;
            }
            Files.deleteIfExists(part);
            try {
                Files.createFile(part);
                return true;
            } catch (FileAlreadyExistsException raced) {
                return false;
            }
        }
    }

    /** Deletes all but the {@link #KEEP} most recently made archives of {@code dir}, never {@code made}. */
    static void prune(Path dir, Path made) throws IOException {
        List<Path> archives = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "cds-*" + SUFFIX)) {
            for (Path file : files) {
                if (Files.isRegularFile(file) && !file.equals(made)) {
                    archives.add(file);
                }
            }
        }
        archives.sort(Comparator.comparing(ClassDataArchive::modified).reversed());
        for (Path old : archives.subList(Math.min(archives.size(), KEEP - 1), archives.size())) {
            Files.deleteIfExists(old);
        }
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return FileTime.fromMillis(0); // gone already: first to delete
        }
    }

    /** Whether this JVM maps a CDS archive: its {@code java.vm.info} says "sharing" then (e.g. "mixed mode, sharing"). */
    static boolean sharing() {
        return System.getProperty("java.vm.info", "").contains("sharing");
    }

    private static List<String> options(String spaceSeparated) {
        List<String> options = new ArrayList<>();
        for (String option : spaceSeparated.trim().split(" +")) {
            if (!option.isEmpty()) {
                options.add(option);
            }
        }
        return options;
    }

    private static Path javaLauncher() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }
}
