package mnist.example;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import mnist.model.ModelFile;
import mnist.model.Network;
import mnist.model.Output;
import mnist.model.SavedModel;
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
        Network network = new Network(new int[] {784, 1}, Output.SIGMOID);
        network.parameters()[784] = 3f;
        Path model = dir.resolve("m.model");
        ModelFile.save(SavedModel.binary(network, 1, Map.of()), model);
        Path image = dir.resolve("bar.pgm");
        Files.writeString(image, "P2 3 3 9\n9 0 9\n9 0 9\n9 0 9\n");
        String out = runMain(model.toString(), image.toString());
        assertTrue(out.startsWith(image + ": 1 (0.953)"), out);
    }
}
