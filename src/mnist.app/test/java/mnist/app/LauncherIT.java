package mnist.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jlinked image, run as a user would on a machine with no JDK: no JAVA_HOME, and a PATH that holds
 * only the shell tools the launcher script needs. Runs after {@code package} (mvn verify).
 */
class LauncherIT {
    private static Path launcher;
    @TempDir
    static Path sandbox;

    @BeforeAll
    static void findImage() throws IOException {
        launcher = Path.of(System.getProperty("mnist.image", "../../target/mnist")).resolve("bin/mnist").toAbsolutePath();
        assertTrue(Files.isExecutable(launcher), "no launcher at " + launcher + " (run mvn package first)");
        Path bin = Files.createDirectories(sandbox.resolve("bin"));
        for (String tool : new String[] {"sh", "dirname"}) {
            for (String dir : new String[] {"/bin", "/usr/bin"}) {
                Path found = Path.of(dir, tool);
                if (Files.isExecutable(found) && !Files.exists(bin.resolve(tool))) {
                    Files.createSymbolicLink(bin.resolve(tool), found);
                }
            }
        }
    }

    private record Result(int code, String out, String err) {
    }

    private static Result mnist(String... args) throws IOException, InterruptedException {
        return mnistIn(sandbox, Map.of(), args);
    }

    /** mnist with {@code home} as HOME and {@code env} added to the environment. */
    private static Result mnistIn(Path home, Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(launcher.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(sandbox.toFile());
        pb.environment().clear();
        pb.environment().put("PATH", sandbox.resolve("bin").toString());
        pb.environment().put("HOME", home.toString());
        pb.environment().putAll(env);
        Path out = sandbox.resolve("out.txt");
        Path err = sandbox.resolve("err.txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "mnist " + String.join(" ", args) + " did not finish");
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void versionRunsWithoutAJdk() throws Exception {
        Result r = mnist("--version");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("mnist "), r.out());
    }

    /**
     * The image ships no CDS archive: the first run makes one in the user's cache, in the background and
     * after its own output, and the next run maps it (-Xshare:on makes the JVM fail if it cannot); with
     * MNIST_CDS=off none is made.
     */
    @Test
    void theFirstRunMakesTheClassDataArchiveAndTheNextUsesIt() throws Exception {
        Path home = Files.createDirectories(sandbox.resolve("cds-home"));
        Path cache = home.resolve(".cache/mnist");
        Result off = mnistIn(home, Map.of("MNIST_CDS", "off"), "--version");
        assertEquals(0, off.code(), off.err());
        Thread.sleep(2000);
        assertTrue(!Files.exists(cache), "MNIST_CDS=off made " + cache);

        Result first = mnistIn(home, Map.of(), "--version");
        assertEquals(0, first.code(), first.err());
        assertTrue(first.out().startsWith("mnist "), first.out());
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (archives(cache).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        List<Path> made = archives(cache);
        assertEquals(1, made.size(), "one archive in " + cache + ": " + made);
        assertTrue(made.get(0).getFileName().toString().matches("cds-[0-9a-f]{64}\\.jsa"), made.toString());
        assertTrue(Files.size(made.get(0)) > 1_000_000, "an archive of " + Files.size(made.get(0)) + " bytes");

        Result mapped = mnistIn(home, Map.of("JLINK_VM_OPTIONS", "-Xshare:on"), "show", "--index", "0");
        assertEquals(0, mapped.code(), mapped.out() + mapped.err());
        assertTrue(mapped.out().contains("test image 0: label 7"), mapped.out());
        Result logged = mnistIn(home, Map.of("JLINK_VM_OPTIONS", "-Xlog:class+load"), "--version");
        assertTrue(logged.out().contains("mnist.app.Main source: shared objects file"), "Main from the archive");
        try (var files = Files.list(cache)) {
            assertEquals(made, files.toList(), "nothing else left in the cache (no .part)");
        }

        // a damaged archive: the JVM starts without it, says nothing, and the run makes it again
        Files.write(made.get(0), new byte[4096]);
        Result damaged = mnistIn(home, Map.of(), "--version");
        assertEquals(0, damaged.code(), damaged.err());
        assertEquals("mnist ", damaged.out().substring(0, 6), damaged.out());
        assertEquals(1, damaged.out().lines().count(), "no CDS messages: " + damaged.out());
        deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while ((!Files.exists(made.get(0)) || Files.size(made.get(0)) < 1_000_000) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        Result remade = mnistIn(home, Map.of("JLINK_VM_OPTIONS", "-Xshare:on"), "--version");
        assertEquals(0, remade.code(), "the archive made again maps: " + remade.out() + remade.err());
    }

    private static List<Path> archives(Path cache) throws IOException {
        if (!Files.isDirectory(cache)) {
            return List.of();
        }
        try (var files = Files.list(cache)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jsa")).toList();
        }
    }

    @Test
    void findsTheBundledDataFromAnyDirectory() throws Exception {
        Result r = mnist("show", "--index", "0");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("test image 0: label 7"), r.out());
    }

    @Test
    void trainsTheLogisticNeuron() throws Exception {
        Result r = mnist("train", "--model", "logistic", "--epochs", "11");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Epoch 10 loss: 0.0730"), r.out());
        assertTrue(r.out().contains("Test accuracy: "), r.out());
    }

    /**
     * kill -9 in the middle of a run (after its first checkpoint, at different moments: during training,
     * during a checkpoint save), then --resume: the resumed run ends with the same model as a run that
     * was never interrupted, and every file left behind loads.
     */
    @Test
    void aKilledRunResumesToTheSameModel() throws Exception {
        String[] run = {"train", "--hidden", "64", "--epochs", "5", "--validation", "1000", "--batch", "64", "--progress", "never"};
        Path whole = sandbox.resolve("whole.bin");
        List<String> uninterrupted = new ArrayList<>(List.of(run));
        uninterrupted.addAll(List.of("--save", whole.toString(), "--report", sandbox.resolve("whole-report").toString(),
                "--metrics-out", sandbox.resolve("whole.json").toString()));
        assertEquals(0, mnist(uninterrupted.toArray(String[]::new)).code());
        String wholeMetrics = Files.readString(sandbox.resolve("whole.json"));
        float[] expected = mnist.model.internal.ModelFile.load(whole).network().parameters();

        for (int delayMillis : new int[] {0, 300}) {
            Path checkpoint = sandbox.resolve("run" + delayMillis + ".ck");
            List<String> command = new ArrayList<>(List.of(launcher.toString()));
            command.addAll(List.of(run));
            command.addAll(List.of("--checkpoint", checkpoint.toString(), "--report", sandbox.resolve("report" + delayMillis).toString()));
            ProcessBuilder pb = new ProcessBuilder(command).directory(sandbox.toFile())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
            pb.environment().put("PATH", sandbox.resolve("bin").toString());
            Process p = pb.start();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (!Files.exists(checkpoint) && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            Thread.sleep(delayMillis);
            p.destroyForcibly(); // SIGKILL: no shutdown hook, no chance to tidy up
            p.waitFor(30, TimeUnit.SECONDS);
            assertTrue(Files.exists(checkpoint), "a checkpoint was written before the kill");
            mnist.model.internal.Checkpoint.load(checkpoint); // intact whatever the moment of the kill

            Path resumed = sandbox.resolve("resumed" + delayMillis + ".bin");
            Path metrics = sandbox.resolve("resumed" + delayMillis + ".json");
            Result r = mnist("train", "--resume", checkpoint.toString(), "--save", resumed.toString(), "--progress", "never",
                    "--metrics-out", metrics.toString(), "--report", sandbox.resolve("report" + delayMillis).toString());
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("Resuming from the checkpoint") || r.out().contains("epochs done"), r.out());
            assertArrayEquals(expected, mnist.model.internal.ModelFile.load(resumed).network().parameters(),
                    "killed " + delayMillis + " ms after the first checkpoint, then resumed");
            // the resumed run's metrics and report curves cover every epoch, the ones before the kill too
            String got = Files.readString(metrics);
            for (String key : new String[] {"losses", "validation_accuracy", "validation_loss", "train_sample_accuracy"}) {
                assertEquals(array(wholeMetrics, key), array(got, key), key + " after a resume (killed " + delayMillis + " ms in)");
            }
            assertTrue(Files.exists(sandbox.resolve("report" + delayMillis).resolve("report.html")), "the report");
        }
    }

    /** The JSON array of {@code key} in metrics, as text. */
    private static String array(String json, String key) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"" + key + "\"\\s*:\\s*(\\[[^\\]]*\\])").matcher(json);
        assertTrue(m.find(), key + " in " + json);
        return m.group(1);
    }

    @Test
    void badFlagExitsWithTwo() throws Exception {
        Result r = mnist("train", "--epochs", "-1");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("mnist: --epochs must be between 1"), r.err());
        assertTrue(!r.err().contains("Exception"), r.err());
    }
}
