package mnist.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import mnist.data.LabeledImages;
import mnist.data.Mnist;
import mnist.math.Backend;
import mnist.math.internal.Kernels;
import mnist.math.random.RandomSource;
import mnist.model.Activation;
import mnist.model.ClassificationReport;
import mnist.model.ConfusionMatrix;
import mnist.model.internal.Backprop;
import mnist.model.internal.ModelFile;
import mnist.model.internal.Network;
import mnist.model.internal.Output;
import mnist.model.internal.Predictor;
import mnist.model.internal.SavedModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mnist evaluate} and {@code mnist predict} on a model trained and saved here, in-process. */
class SavedModelCommandsTest {
    @TempDir
    static Path dir;
    static Path modelFile;
    static double trainedAccuracy;
    static LabeledImages test;

    private static Cli run(String... args) {
        return Cli.run(args);
    }

    /** 784-64-10 ReLU/softmax, minibatch SGD (batches of 50) over 10000 images for 3 epochs: about 93%. */
    @BeforeAll
    static void trainAndSave() throws IOException {
        Mnist data = Mnist.loadBundled();
        test = data.test();
        LabeledImages train = data.train().head(10000);
        Network network = new Network(new int[] {784, 64, 10}, Activation.RELU, Output.SOFTMAX);
        RandomSource random = RandomSource.create("java", 1);
        for (int l = 0; l < network.layerCount(); l++) {
            var layer = network.layer(l);
            random.fillGaussian(network.parameters(), layer.weightOffset(), layer.in() * layer.out(), Math.sqrt(2.0 / layer.in()));
        }
        float[] x = train.images();
        float[] y = train.oneHot(10);
        int batch = 50;
        try (Kernels kernels = Kernels.create(Backend.SIMD, 1)) {
            Backprop backprop = new Backprop(network, kernels, batch);
            float[] grads = new float[network.parameters().length];
            for (int epoch = 0; epoch < 3; epoch++) {
                for (int start = 0; start + batch <= train.size(); start += batch) {
                    backprop.forward(x, start * 784, batch);
                    float[] yBatch = java.util.Arrays.copyOfRange(y, start * 10, (start + batch) * 10);
                    backprop.backward(x, start * 784, yBatch, batch, grads);
                    kernels.sgdStep(network.parameters(), 0, grads, 0, 0.1f, grads.length);
                }
            }
        }
        int[] predicted;
        try (Kernels kernels = Kernels.create(Backend.SIMD, 2)) {
            predicted = Predictor.predict(network, kernels, test.images(), test.size());
        }
        trainedAccuracy = new ClassificationReport(ConfusionMatrix.of(test.labels(), predicted,
                java.util.List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"))).accuracy();
        modelFile = dir.resolve("m.bin");
        ModelFile.save(SavedModel.digits(network, Map.of("test_accuracy", Double.toString(trainedAccuracy))), modelFile);
        System.out.println("trained in the test: accuracy " + trainedAccuracy);
    }

    @Test
    void evaluateReportsTheAccuracyOfTraining() {
        for (String backend : new String[] {"simd", "scalar"}) {
            Cli r = run("evaluate", "--model", modelFile.toString(), "--backend", backend, "--threads", "2");
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("precision    recall  f1-score   support"), r.out());
            assertTrue(r.out().contains("784-64-10, relu hidden, softmax output"), r.out());
            Matcher m = Pattern.compile("Test accuracy: (0\\.\\d+)").matcher(r.out());
            assertTrue(m.find(), r.out());
            assertEquals(trainedAccuracy, Double.parseDouble(m.group(1)), backend.equals("simd") ? 0 : 2e-4, backend);
        }
    }

    @Test
    void evaluateBinaryModelUsesNotDAndD() throws IOException {
        Network network = new Network(new int[] {784, 1}, Output.SIGMOID);
        network.parameters()[784] = -5f; // always "not 4"
        Path file = dir.resolve("b.bin");
        ModelFile.save(SavedModel.binary(network, 4, Map.of()), file);
        Cli r = run("evaluate", "--model", file.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("not 4"), r.out());
        assertTrue(r.out().contains("Test accuracy: " + (1 - 982 / 10000.0)), r.out());
    }

    @Test
    void predictTestDigitsByIndex() {
        Cli r = run("predict", "--model", modelFile.toString(), "--index", "0", "--show");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("test image 0: 7 (probability"), r.out());
        assertTrue(r.out().contains(", actual 7"), r.out());
        assertTrue(r.out().contains(" 0: 0.") && r.out().contains(" 9: 0."), r.out());
        assertEquals(28, r.out().lines().filter(l -> l.startsWith("|")).count(), r.out());
    }

    /** Test digit i redrawn at {@code scale}x on a larger canvas, ink and paper colours given: RGB PNG bytes. */
    static byte[] png(float[] digit, int scale, int extra, int left, int top, int[] ink, int[] paper) {
        int w = 28 * scale + extra, h = 28 * scale + extra / 2;
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        for (int yy = 0; yy < h; yy++) {
            raw.write(0);
            for (int xx = 0; xx < w; xx++) {
                int dx = (xx - left) / scale, dy = (yy - top) / scale;
                float v = xx >= left && yy >= top && dx < 28 && dy < 28 ? digit[dy * 28 + dx] : 0f;
                for (int c = 0; c < 3; c++) {
                    raw.write(Math.round(paper[c] * (1 - v) + ink[c] * v));
                }
            }
        }
        Deflater deflater = new Deflater();
        deflater.setInput(raw.toByteArray());
        deflater.finish();
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        while (!deflater.finished()) {
            z.write(buf, 0, deflater.deflate(buf));
        }
        deflater.end();
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        chunk(file, "IHDR", ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 2).array());
        chunk(file, "IDAT", z.toByteArray());
        chunk(file, "IEND", new byte[0]);
        return file.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.ISO_8859_1);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(t);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    @Test
    void predictNamesTheDigitOfRedrawnTestImages() throws IOException {
        int[][] inks = {{20, 20, 160}, {255, 255, 255}, {0, 0, 0}, {200, 30, 30}};
        int[][] papers = {{250, 235, 120}, {10, 10, 10}, {255, 255, 255}, {240, 240, 255}};
        int tried = 0, agreed = 0;
        StringBuilder failures = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            float[] digit = test.image(i);
            // only digits the model gets right at 28x28: the question is whether redrawing changes the answer
            Cli direct = run("predict", "--model", modelFile.toString(), "--index", Integer.toString(i), "--json");
            if (!direct.out().contains("\"predicted\": \"" + test.label(i) + "\"")) {
                continue;
            }
            int style = i % 4;
            Path file = dir.resolve("digit" + i + ".png");
            Files.write(file, png(digit, 2 + i % 3, 60 + 5 * i, 5 + 2 * i, 30 - i, inks[style], papers[style]));
            Cli r = run("predict", "--model", modelFile.toString(), file.toString());
            assertEquals(0, r.code(), r.err());
            tried++;
            if (r.out().contains(file + ": " + test.label(i) + " (probability")) {
                agreed++;
            } else {
                failures.append(i).append(' ');
            }
        }
        System.out.println("redrawn test digits (2-4x, inverted, coloured, off-centre) predicted as at 28x28: "
                + agreed + " of " + tried);
        assertTrue(tried >= 25);
        assertEquals(tried, agreed, "digits predicted differently: " + failures);
    }

    @Test
    void predictJson() throws IOException {
        Path file = dir.resolve("seven.png");
        Files.write(file, png(test.image(0), 3, 40, 10, 10, new int[] {0, 0, 0}, new int[] {255, 255, 255}));
        Cli r = run("predict", "--json", "--model", modelFile.toString(), "--index", "1", file.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("{"), r.out());
        assertTrue(r.out().contains("\"input\": \"test image 1\""), r.out());
        assertTrue(r.out().contains("\"actual\": \"2\""), r.out());
        assertTrue(r.out().contains("\"input\": \"" + file + "\""), r.out());
        assertTrue(r.out().contains("\"probabilities\": ["), r.out());
        assertFalse(r.out().contains("Loaded"), "JSON only: " + r.out());
    }

    @Test
    void badModelAndImageFilesAreOneLineExitTwo() throws IOException {
        byte[] good = Files.readAllBytes(modelFile);
        byte[] flipped = good.clone();
        flipped[good.length / 2] ^= 1;
        Path bad = dir.resolve("flipped.bin");
        Files.write(bad, flipped);
        Path cut = dir.resolve("cut.bin");
        Files.write(cut, java.util.Arrays.copyOf(good, good.length - 100));
        Path notImage = dir.resolve("notes.png");
        Files.writeString(notImage, "hello");
        String[][] cases = {
            {"evaluate", "--model", bad.toString()}, {"checksum mismatch: the file is corrupt"},
            {"predict", "--model", cut.toString(), "--index", "0"}, {"truncated"},
            {"evaluate", "--model", dir.resolve("none.bin").toString()}, {"none.bin: no such file"},
            {"predict", "--model", modelFile.toString(), notImage.toString()}, {"notes.png: not a PNG or PGM image"},
            {"predict", "--model", modelFile.toString(), dir.resolve("gone.pgm").toString()}, {"gone.pgm: no such file"},
        };
        for (int c = 0; c < cases.length; c += 2) {
            Cli r = run(cases[c]);
            assertEquals(2, r.code(), r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().startsWith("mnist: ") && r.err().contains(cases[c + 1][0]), r.err());
        }
    }

    @Test
    void usageErrors() {
        Cli help = run("predict", "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("--index N"));
        assertTrue(run("evaluate", "--help").out().contains("--model FILE"));
        assertTrue(run("--help").out().contains("evaluate"));
        String[][] cases = {
            {"evaluate"}, {"--model FILE is required"},
            {"predict", "--model", "m.bin"}, {"nothing to classify"},
            {"predict", "--model", "m.bin", "--data", "x", "a.png"}, {"--data applies only with --index"},
            {"predict", "--model", modelFile.toString(), "--index", "10000"}, {"--index must be below 10000"},
            {"predict", "--modle", "m.bin"}, {"did you mean --model?"},
        };
        for (int c = 0; c < cases.length; c += 2) {
            Cli r = run(cases[c]);
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().contains(cases[c + 1][0]), r.err());
            assertTrue(r.err().contains("--help"), r.err());
        }
    }

    /** mnist export writes the model as ONNX: a protobuf whose graph holds the layers' weights as they are. */
    @Test
    void exportWritesOnnx() throws IOException {
        Path onnx = dir.resolve("m.onnx");
        Cli r = run("export", "--model", modelFile.toString(), "--onnx", onnx.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Written as ONNX to " + onnx), r.out());
        byte[] bytes = Files.readAllBytes(onnx);
        assertEquals(0x08, bytes[0]);                        // field 1 (ir_version), a varint
        assertEquals(7, bytes[1]);                           // IR version 7
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        for (String op : new String[] {"Gemm", "Relu", "Softmax", "dense0.weight", "probabilities", "class_names"}) {
            assertTrue(text.contains(op), op + " in the file");
        }
        // the first layer's weights, little-endian, as raw_data of the tensor dense0.weight
        float[] w = ModelFile.load(modelFile).network().parameters();
        ByteBuffer first = ByteBuffer.allocate(4 * 784).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        first.asFloatBuffer().put(w, 0, 784);
        assertTrue(text.contains(new String(first.array(), StandardCharsets.ISO_8859_1)), "the weights' bytes");

        String[][] cases = {
            {"export", "--onnx", onnx.toString()}, {"--model FILE is required"},
            {"export", "--model", modelFile.toString()}, {"--onnx OUT is required"},
            {"export", "--model", modelFile.toString(), "--onnx", dir.resolve("no/such/dir/m.onnx").toString()},
            {"does not exist"},
        };
        for (int c = 0; c < cases.length; c += 2) {
            Cli bad = run(cases[c]);
            assertEquals(2, bad.code(), bad.err());
            assertTrue(bad.err().contains(cases[c + 1][0]), bad.err());
        }
    }
}
