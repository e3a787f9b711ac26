package mnist.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The maker of the launcher's CDS archive, with a stand-in for {@code java -Xshare:dump} (a script that
 * records its arguments and writes the file it is given, or fails): what ends up in the cache directory.
 * LauncherIT runs the real thing on the runtime image.
 */
class ClassDataArchiveTest {
    @TempDir
    Path dir;

    /** A stand-in for java: writes its arguments to args.txt and "archive" to -XX:SharedArchiveFile, exits with code. */
    private Path fakeJava(int code, boolean write) throws IOException {
        Path script = dir.resolve("java-" + code + "-" + write);
        Files.writeString(script, """
                #!/bin/sh
                printf '%%s\\n' "$@" > "$(dirname "$0")/args.txt"
                for a in "$@"; do
                  case $a in -XX:SharedArchiveFile=*) %s ;; esac
                done
                exit %d
                """.formatted(write ? "printf archive > \"${a#-XX:SharedArchiveFile=}\"" : ":", code));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    private Path classList() throws IOException {
        return Files.writeString(dir.resolve("mnist.classlist"), "java/lang/Object id: 0\n");
    }

    @Test
    void aDumpThatSucceedsIsRenamedIntoPlaceWithTheLaunchersOptions() throws Exception {
        Path archive = dir.resolve("cache/mnist/cds-abc.jsa");
        assertTrue(ClassDataArchive.make(archive, fakeJava(0, true), classList(), List.of("-XX:+UseSerialGC", "-Xmx2g")));
        assertEquals("archive", Files.readString(archive));
        assertEquals(List.of(archive), list(archive.getParent()), "no temporary file left");
        List<String> args = Files.readAllLines(dir.resolve("args.txt"));
        assertEquals(List.of("-XX:+UseSerialGC", "-Xmx2g", "-Xshare:dump", "-XX:SharedClassListFile=" + classList(),
                "-XX:SharedArchiveFile=" + archive + ".part", "-m", "mnist.app/mnist.app.Main"), args);
    }

    @Test
    void aDumpThatFailsOrWritesNothingLeavesNothing() throws Exception {
        Path archive = dir.resolve("cds-abc.jsa");
        Path classList = classList();
        assertFalse(ClassDataArchive.make(archive, fakeJava(1, true), classList, List.of()));
        assertFalse(ClassDataArchive.make(archive, fakeJava(0, false), classList, List.of()));
        assertFalse(Files.exists(archive));
        assertFalse(Files.exists(dir.resolve("cds-abc.jsa.part")));
    }

    @Test
    void aMakerAtWorkIsLeftAloneAndADeadOnesFileIsTakenOver() throws Exception {
        Path archive = dir.resolve("cds-abc.jsa");
        Path part = dir.resolve("cds-abc.jsa.part");
        Files.writeString(part, "");
        assertFalse(ClassDataArchive.make(archive, fakeJava(0, true), classList(), List.of()), "a live maker's file");
        assertTrue(Files.exists(part), "not touched");
        Files.setLastModifiedTime(part, FileTime.fromMillis(System.currentTimeMillis() - TimeUnit.HOURS.toMillis(1)));
        assertTrue(ClassDataArchive.make(archive, fakeJava(0, true), classList(), List.of()), "a dead maker's file");
        assertEquals("archive", Files.readString(archive));
    }

    @Test
    void withoutAClassListNothingIsAttempted() throws Exception {
        Path archive = dir.resolve("cds-abc.jsa");
        IOException e = assertThrows(IOException.class,
                () -> ClassDataArchive.make(archive, fakeJava(0, true), dir.resolve("missing"), List.of()));
        assertTrue(e.getMessage().contains("no class list"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("args.txt")), "java was not run");
    }

    @Test
    void pruningKeepsTheNewestArchivesAndTheOneJustMade() throws Exception {
        long now = System.currentTimeMillis();
        for (int i = 0; i < 5; i++) {
            Path old = Files.writeString(dir.resolve("cds-" + i + ".jsa"), "x");
            Files.setLastModifiedTime(old, FileTime.fromMillis(now - TimeUnit.DAYS.toMillis(i + 1))); // cds-0 newest
        }
        Path made = Files.writeString(dir.resolve("cds-made.jsa"), "x");
        Files.setLastModifiedTime(made, FileTime.fromMillis(now - TimeUnit.DAYS.toMillis(30))); // oldest, still kept
        Path other = Files.writeString(dir.resolve("notes.txt"), "not an archive");
        ClassDataArchive.prune(dir, made);
        assertEquals(List.of(dir.resolve("cds-0.jsa"), dir.resolve("cds-1.jsa"), made, other), list(dir));
        assertEquals(3, ClassDataArchive.KEEP);
    }

    private static List<Path> list(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.filter(f -> !f.getFileName().toString().startsWith("java-")
                    && !f.getFileName().toString().equals("args.txt") && !f.getFileName().toString().equals("mnist.classlist"))
                    .sorted().toList();
        }
    }
}
