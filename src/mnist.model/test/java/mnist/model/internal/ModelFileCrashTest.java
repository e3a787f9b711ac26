package mnist.model.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills (SIGKILL) a process that saves a 6.5 MB model in a loop, at moments spread over its writes, and
 * checks each time that the file on disk is a whole model of one generation, loadable and at least as
 * new as the last one the process reported saved.
 */
class ModelFileCrashTest {

    @Test
    void killingTheSaverLeavesTheLastModelIntact(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("m.bin");
        String java = ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> path = new ArrayList<>();
        for (String property : new String[] {"jdk.module.path", "java.class.path"}) {
            String value = System.getProperty(property);
            if (value != null && !value.isBlank()) {
                path.add(value);
            }
        }
        int kills = 4;
        for (int k = 0; k < kills; k++) {
            Process child = new ProcessBuilder(java, "-Xmx256m", "-cp", String.join(File.pathSeparator, path),
                    SaveLoop.class.getName(), file.toString())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            int lastSaved = 0;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                // let it save a few times, then kill it a little later each round, mid-write or not
                for (int seen = 0; seen < 2 + k; seen++) {
                    String line = out.readLine();
                    assertTrue(line != null && line.startsWith("saved "), "child said: " + line);
                    lastSaved = Integer.parseInt(line.substring(6));
                }
                Thread.sleep(3L * k);
                child.toHandle().destroyForcibly();
                assertTrue(child.waitFor(10, TimeUnit.SECONDS));
            }
            SavedModel model = ModelFile.load(file);
            float generation = model.network().parameters()[0];
            for (float p : model.network().parameters()) {
                assertEquals(generation, p, "one generation throughout");
            }
            assertEquals(Integer.toString((int) generation), model.metadata().get("generation"));
            assertTrue(generation >= lastSaved, "generation " + generation + " older than reported " + lastSaved);
            System.out.println("kill " + k + ": the file holds generation " + (int) generation
                    + " (last reported " + lastSaved + "), intact; exit " + child.exitValue());
        }
        long leftovers;
        try (var files = Files.list(dir)) {
            leftovers = files.filter(f -> !f.equals(file)).count();
        }
        // a temporary file of a live process (ours) is not touched: it may be being written now
        Path live = dir.resolve(".m.bin." + ProcessHandle.current().pid() + ".123.tmp");
        Files.write(live, new byte[] {1});
        ModelFile.save(ModelFile.load(file), file);     // the next save of the same file cleans up
        try (var files = Files.list(dir)) {
            List<Path> left = files.filter(f -> !f.equals(file)).toList();
            System.out.println("temporary files left by the killed savers: " + leftovers + "; after the next save: "
                    + left.size() + " (ours, live)");
            assertEquals(List.of(live), left);
        }
    }
}
