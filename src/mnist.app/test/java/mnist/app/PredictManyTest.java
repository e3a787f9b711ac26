package mnist.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import mnist.model.internal.ModelFile;
import mnist.model.internal.Network;
import mnist.model.internal.Output;
import mnist.model.internal.SavedModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** mnist predict on several images, one of them bad: the others are still classified; exit code 2. */
class PredictManyTest {

    @Test
    void aBadImageDoesNotStopTheOthers(@TempDir Path dir) throws Exception {
        Network network = new Network(new int[] {784, 1}, Output.SIGMOID);
        network.parameters()[784] = 3f; // every image: "1" with probability sigmoid(3)
        Path model = dir.resolve("m.bin");
        ModelFile.save(SavedModel.binary(network, 1, Map.of()), model);
        Path good = dir.resolve("bar.pgm");
        Files.writeString(good, "P2 3 3 9\n9 0 9\n9 0 9\n9 0 9\n");
        Path bad = dir.resolve("bad.png");
        Files.writeString(bad, "not a png");
        Path good2 = dir.resolve("bar2.pgm");
        Files.writeString(good2, "P2 3 3 9\n9 0 9\n9 0 9\n9 0 9\n");

        for (boolean json : new boolean[] {false, true}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            String[] args = json
                    ? new String[] {"predict", "--model", model.toString(), "--json", good.toString(), bad.toString(), good2.toString()}
                    : new String[] {"predict", "--model", model.toString(), good.toString(), bad.toString(), good2.toString()};
            int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            String text = out.toString(StandardCharsets.UTF_8);
            assertEquals(2, code, err.toString(StandardCharsets.UTF_8));
            assertTrue(err.toString(StandardCharsets.UTF_8).contains(bad.toString()), err.toString(StandardCharsets.UTF_8));
            if (json) {
                assertTrue(text.contains("\"input\": \"" + good2 + "\""), text);
                assertTrue(text.contains("\"error\": "), text);
            } else {
                assertTrue(text.contains(good + ": 1 (probability 0.9526)"), text);
                assertTrue(text.contains(bad + ": cannot classify: "), text);
                assertTrue(text.contains(good2 + ": 1 (probability 0.9526)"), text);
            }
        }
    }
}
