package mnist.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import mnist.data.idx.IdxReader;
import mnist.data.image.DigitImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replays the committed fuzz corpus ({@code test/resources/fuzz-corpus/<parser>/}): inputs that once broke
 * a parser (an allocation on a header's word, garbage after a gzip stream read as if whole) and a
 * representative set of tricky ones. {@code index.tsv} names each file and the problem its message must
 * state; every file is read as a stream and as a file, and must be refused with that message, one line.
 */
class FuzzCorpusTest {
    @TempDir
    Path dir;

    /** One corpus entry: file name, its bytes, the expected problem. */
    record Entry(String file, byte[] bytes, String problem) {
    }

    static List<Entry> corpus(Class<?> anchor, String parser) throws IOException {
        String base = "/fuzz-corpus/" + parser + "/";
        List<Entry> entries = new ArrayList<>();
        try (InputStream index = anchor.getResourceAsStream(base + "index.tsv")) {
            assertNotNull(index, "no " + base + "index.tsv");
            BufferedReader lines = new BufferedReader(new InputStreamReader(index, StandardCharsets.UTF_8));
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.split("\t", 2);
                try (InputStream in = anchor.getResourceAsStream(base + parts[0])) {
                    assertNotNull(in, "no " + base + parts[0]);
                    entries.add(new Entry(parts[0], in.readAllBytes(), parts[1]));
                }
            }
        }
        return entries;
    }

    private static void assertRefused(String name, String problem, Executable read) {
        DatasetException e = assertThrows(DatasetException.class, read, name);
        assertTrue(e.getMessage().startsWith(name + ": "), e.getMessage());
        assertTrue(e.problem().contains(problem), () -> "expected '" + problem + "' in: " + e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }

    private int replay(String parser, boolean images) throws IOException {
        List<Entry> entries = corpus(getClass(), parser);
        for (Entry entry : entries) {
            Path file = Files.write(dir.resolve(entry.file()), entry.bytes());
            if (images) {
                assertRefused(entry.file(), entry.problem(), () -> DigitImages.decode(entry.bytes(), entry.file()));
                assertRefused(file.toString(), entry.problem(), () -> DigitImages.read(file));
            } else {
                assertRefused(entry.file(), entry.problem(),
                        () -> IdxReader.read(new ByteArrayInputStream(entry.bytes()), entry.file()));
                assertRefused(file.toString(), entry.problem(), () -> IdxReader.read(file));
            }
        }
        System.out.println(parser + " corpus: " + entries.size() + " files refused with the expected messages");
        return entries.size();
    }

    @Test
    void idxCorpus() throws IOException {
        assertTrue(replay("idx", false) >= 20);
    }

    @Test
    void pngCorpus() throws IOException {
        assertTrue(replay("png", true) >= 17);
    }

    @Test
    void pgmCorpus() throws IOException {
        assertTrue(replay("pgm", true) >= 11);
    }
}
