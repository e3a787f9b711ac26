package mnist.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a user meets it, run in-process: output, errors and exit codes. */
class MainTest {

    private static Cli run(String... args) {
        return Cli.run(args);
    }

    private static void assertUsageError(Cli r, String expected) {
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("mnist: "), r.err());
        assertTrue(r.err().contains(expected), "expected '" + expected + "' in: " + r.err());
        assertEquals(2, r.err().lines().count(), "one line of error and one pointer to --help: " + r.err());
        assertTrue(r.err().lines().skip(1).findFirst().orElseThrow().contains("--help"));
    }

    @Test
    void helpAndVersion() {
        Cli help = run("--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("train") && help.out().contains("show"));
        Cli trainHelp = run("train", "--help");
        assertEquals(0, trainHelp.code());
        assertTrue(trainHelp.out().contains("--model NAME"));
        assertTrue(run("show", "--help").out().contains("--index N"));
        Cli version = run("--version");
        assertEquals(0, version.code());
        assertTrue(version.out().matches("mnist \\d+\\.\\d+\\.\\d+.*\\R"), version.out());
    }

    @Test
    void noArgumentsPrintsHelpAndFails() {
        Cli r = run();
        assertEquals(2, r.code());
        assertTrue(r.err().contains("Usage: mnist <command>"));
    }

    @Test
    void badUsageIsOneLineAndExitCodeTwo() {
        assertUsageError(run("fly"), "unknown command 'fly'");
        assertUsageError(run("train", "--modle", "softmax"), "unknown option --modle (did you mean --model?)");
        assertUsageError(run("train", "--model", "rnn"), "unknown model 'rnn' (expected mlp, cnn, cnn-fast, logistic");
        assertUsageError(run("train", "--layers", "conv5x8,dense10,pool2"),
                "--layers conv5x8,dense10,pool2: layer 'pool2' (input 10 units): pooling comes before the dense layers");
        assertUsageError(run("train", "--model", "cnn", "--layers", "conv9x8:valid,pool2,pool2,conv9x8:valid"),
                "layer 'conv9x8:valid' (input 8x5x5): a 9x9 kernel does not fit 5x5");
        assertUsageError(run("train", "--model", "cnn", "--hidden", "64"), "--hidden applies to --model mlp; use --layers for cnn");
        assertUsageError(run("train", "--hidden", "64", "--layers", "dense64"), "give --hidden or --layers, not both");
        assertUsageError(run("train", "--model", "softmax", "--layers", "dense4"), "--layers does not apply to --model softmax");
        assertUsageError(run("train", "--epochs", "ten"), "--epochs must be a whole number");
        assertUsageError(run("train", "--epochs", "0"), "--epochs must be between 1");
        assertUsageError(run("train", "--lr", "-1"), "--lr must be a positive number");
        assertUsageError(run("train", "--lr", "NaN"), "--lr must be a positive number");
        assertUsageError(run("train", "--digit", "10", "--model", "logistic"), "--digit must be between 0 and 9");
        assertUsageError(run("train", "--model", "softmax", "--digit", "3"), "--digit applies to the binary models");
        assertUsageError(run("train", "--digit", "3"), "--digit does not apply to --model mlp");
        assertUsageError(run("train", "--model", "hidden", "--batch", "64"), "--batch does not apply to --model hidden");
        assertUsageError(run("train", "--batch", "0"), "--batch must be between 1");
        assertUsageError(run("train", "--hidden", "256,x"), "expected layer widths like 256,128");
        assertUsageError(run("train", "--hidden", "256,0"), "layer widths must be between 1 and 65536");
        assertUsageError(run("train", "--optimizer", "rmsprop"), "unknown optimizer 'rmsprop'");
        assertUsageError(run("train", "--momentum", "0.5"), "--momentum applies to --optimizer momentum only");
        assertUsageError(run("train", "--optimizer", "momentum", "--momentum", "1"), "--momentum must be at least 0 and below 1");
        assertUsageError(run("train", "--weight-decay", "-1"), "--weight-decay must be 0 or more");
        assertUsageError(run("train", "--schedule", "linear"), "unknown schedule 'linear'");
        assertUsageError(run("train", "--activation", "tanh"), "unknown activation 'tanh'");
        assertUsageError(run("train", "--validation", "60000"), "--validation must be between 0 and 59000");
        assertUsageError(run("train", "--model", "logistic", "--hidden", "8"), "--hidden does not apply to logistic");
        assertUsageError(run("train", "--backend", "gpu"), "unknown backend 'gpu'");
        assertUsageError(run("train", "--rng", "mt"), "unknown generator 'mt'");
        assertUsageError(run("train", "--seed", "-3"), "--seed must be between 0");
        assertUsageError(run("train", "--threads", "0"), "--threads must be between 1");
        assertUsageError(run("train", "--epochs"), "--epochs needs a value");
        assertUsageError(run("train", "--epochs", "3", "--epochs", "4"), "--epochs is given twice");
        assertUsageError(run("train", "extra"), "unexpected argument 'extra'");
        assertUsageError(run("train", "--metrics-out", "/no/such/dir/m.json"), "does not exist");
        assertUsageError(run("show"), "--index is required");
        assertUsageError(run("show", "--index", "10000"), "--index must be below 10000");
        assertUsageError(run("show", "--index", "1", "--split", "validation"), "expected train or test");
    }

    @Test
    void missingDataDirectoryIsABadInput(@TempDir Path dir) {
        Cli r = run("show", "--index", "0", "--data", dir.resolve("nowhere").toString());
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("nowhere"), r.err());
    }

    @Test
    void corruptDataFileIsABadInput(@TempDir Path dir) throws IOException {
        for (String name : new String[] {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}) {
            Files.write(dir.resolve(name), new byte[] {0, 0, 8, 3, 0, 0, 0, 1});
        }
        Cli r = run("train", "--model", "logistic", "--data", dir.toString(), "--epochs", "1");
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("-idx"), "names the file: " + r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }

    @Test
    void showDrawsADigitWithItsLabel() {
        Cli r = run("show", "--split", "train", "--index", "0");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("train image 0: label 5"), r.out());
        assertTrue(r.out().lines().filter(l -> l.startsWith("|")).count() == 28, r.out());
    }

    @Test
    void trainsTheDefaultMlpWithValidation(@TempDir Path dir) throws IOException {
        Path metrics = dir.resolve("mlp.json");
        Cli r = run("train", "--epochs", "2", "--hidden", "16", "--validation", "1000", "--metrics-out", metrics.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Training mlp (784-16-10, relu, he init) on 59000 images, validating on 1000"), r.out());
        assertTrue(r.out().contains("Epoch 2/2  loss "), r.out());
        assertTrue(r.out().contains("Best epoch: "), r.out());
        assertFalse(r.out().contains("\r"), "no carriage returns when the output is not a terminal");
        Matcher accuracy = Pattern.compile("Test accuracy: (0\\.\\d+)").matcher(r.out());
        assertTrue(accuracy.find(), r.out());
        assertTrue(Double.parseDouble(accuracy.group(1)) > 0.85, r.out());
        String json = Files.readString(metrics);
        assertTrue(json.contains("\"model\": \"mlp\""), json);
        Matcher validation = Pattern.compile("\"validation_accuracy\": \\[([^\\]]*)]").matcher(json);
        assertTrue(validation.find(), json);
        assertEquals(2, validation.group(1).split(",").length);
    }

    @Test
    void progressAlwaysDrawsALiveLineThatPermanentLinesClear() {
        Cli r = run("train", "--epochs", "1", "--hidden", "8", "--validation", "500", "--progress", "always");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\repoch 1/1  batch "), r.out());
        assertTrue(r.out().contains("images/s"), r.out());
        assertTrue(r.out().contains("\r\033[KEpoch 1/1  loss "), "the live line is cleared before the epoch line");
        assertUsageError(run("train", "--progress", "sometimes"), "expected auto, always or never");
    }

    @Test
    void anAbsurdLearningRateStopsCleanlyAndKeepsTheLastGoodModel(@TempDir Path dir) throws IOException {
        // Full batch: epoch 0's loss is finite, its update overflows, epoch 1's loss is NaN.
        Path saved = dir.resolve("m.bin");
        Cli r = run("train", "--model", "logistic", "--lr", "1e38", "--epochs", "3", "--save", saved.toString());
        assertEquals(1, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("training stopped (try a lower learning rate, --lr)"), r.err());
        assertTrue(r.err().contains("the last good model was saved to " + saved), r.err());
        for (float p : mnist.model.internal.ModelFile.load(saved).network().parameters()) {
            assertTrue(Float.isFinite(p), "the saved model is finite");
        }
        // Minibatches: the very first batches diverge, no epoch finishes, nothing is saved.
        Path none = dir.resolve("none.bin");
        r = run("train", "--hidden", "16", "--optimizer", "sgd", "--lr", "1e30", "--validation", "500", "--save", none.toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("no epoch finished, so no model was saved"), r.err());
        assertFalse(Files.exists(none));
    }

    @Test
    void trainPrintsLossesReportAndWritesMetrics(@TempDir Path dir) throws IOException {
        Path metrics = dir.resolve("metrics.json");
        Cli r = run("train", "--model", "logistic", "--epochs", "12", "--metrics-out", metrics.toString());
        assertEquals(0, r.code(), r.err());
        String out = r.out();
        assertTrue(out.contains("Epoch 0 loss: 0.74711"), out);
        assertTrue(out.contains("Epoch 10 loss: 0.0730"), out);
        assertTrue(out.contains("Final loss: "), out);
        assertTrue(out.contains("precision    recall  f1-score   support"), out);
        assertTrue(out.contains("weighted avg"), out);
        assertTrue(out.contains("Test image 0: label not 0 (digit 7), predicted"), out);
        Matcher accuracy = Pattern.compile("Test accuracy: (0\\.\\d+)").matcher(out);
        assertTrue(accuracy.find(), out);

        String json = Files.readString(metrics);
        assertTrue(json.contains("\"model\": \"logistic\""), json);
        assertTrue(json.contains("\"backend\": \"simd\""), json);
        assertTrue(json.contains("\"epochs\": 12"), json);
        assertTrue(json.contains("\"test_accuracy\": " + accuracy.group(1)), json);
        assertTrue(json.contains("\"confusion_matrix\": ["), json);
        Matcher losses = Pattern.compile("\"losses\": \\[([^\\]]*)]").matcher(json);
        assertTrue(losses.find(), json);
        assertEquals(12, losses.group(1).split(",").length);
        Matcher seconds = Pattern.compile("\"seconds_per_epoch\": \\[([^\\]]*)]").matcher(json);
        assertTrue(seconds.find(), json);
        assertEquals(12, seconds.group(1).split(",").length);
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }
}
