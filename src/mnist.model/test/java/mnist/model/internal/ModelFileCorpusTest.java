package mnist.model.internal;

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
import mnist.model.ModelFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replays the committed fuzz corpus of the model-file reader ({@code test/resources/fuzz-corpus/model/}):
 * the input that once broke it (a stream claiming 2 GB) and a representative set of damaged files, each
 * with a valid checksum where the damage is in a field. {@code index.tsv} gives the problem each message
 * must state; every file is read as a stream and as a file.
 */
class ModelFileCorpusTest {
    @TempDir
    Path dir;

    private static void assertRefused(String name, String problem, Executable read) {
        ModelFileException e = assertThrows(ModelFileException.class, read, name);
        assertTrue(e.getMessage().startsWith(name + ": "), e.getMessage());
        assertTrue(e.problem().contains(problem), () -> "expected '" + problem + "' in: " + e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }

    @Test
    void modelCorpus() throws IOException {
        String base = "/fuzz-corpus/model/";
        int count = 0;
        try (InputStream index = getClass().getResourceAsStream(base + "index.tsv")) {
            assertNotNull(index, "no " + base + "index.tsv");
            BufferedReader lines = new BufferedReader(new InputStreamReader(index, StandardCharsets.UTF_8));
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.split("\t", 2);
                byte[] bytes;
                try (InputStream in = getClass().getResourceAsStream(base + parts[0])) {
                    assertNotNull(in, "no " + base + parts[0]);
                    bytes = in.readAllBytes();
                }
                Path file = Files.write(dir.resolve(parts[0]), bytes);
                assertRefused(parts[0], parts[1], () -> ModelFile.load(new ByteArrayInputStream(bytes), parts[0]));
                assertRefused(file.toString(), parts[1], () -> ModelFile.load(file));
                count++;
            }
        }
        System.out.println("model corpus: " + count + " files refused with the expected messages");
        assertTrue(count >= 20);
    }
}
