package mnist.example;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the example as a user would (its compilation already proved it needs only the exported API). */
class DigitAppTest {

    private static String runMain(String... args) throws Exception {
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            DigitApp.main(args);
        } finally {
            System.setOut(saved);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        saved.print(text);
        return text;
    }

    @Test
    void trainsSavesLoadsAndClassifies() throws Exception {
        String out = runMain();
        assertTrue(out.contains("epoch 5 loss"), out);
        long right = out.lines().filter(l -> l.matches("test digit \\d: label (\\d), predicted \\1 .*")).count();
        assertTrue(right >= 4, "at least 4 of 5 test digits right:\n" + out);
    }

    @Test
    void classifiesAnImageFile(@TempDir Path dir) throws Exception {
        BarModel bar = BarModel.in(dir);
        String out = runMain(bar.model().toString(), bar.image().toString());
        assertTrue(out.startsWith(bar.image() + ": 1 (0.953)"), out);
    }
}
