package mnist.model.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import mnist.data.LabeledImages;
import mnist.data.Mnist;
import mnist.math.random.RandomSource;
import mnist.model.Activation;
import mnist.model.Classifier;
import mnist.model.Initializer;
import mnist.model.ModelFileException;
import mnist.model.Prediction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ONNX out and back in: every architecture comes back as the same network, parameter for parameter
 * (so with the same predictions, bit for bit), through a file that {@link Classifier#load} and
 * {@link ModelFile#load} read like a model file; unsupported and damaged files are refused by name.
 * (ONNX Runtime's reading of these files is checked in mnist.verify.)
 */
class OnnxTest {
    private static LabeledImages images;

    @BeforeAll
    static void load() throws Exception {
        images = Mnist.loadBundled().test().head(200);
    }

    private static Network random(Network network, long seed) {
        network.initialise(Initializer.HE, RandomSource.create("java", seed));
        float[] p = network.parameters();
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        for (int i = 0; i < p.length; i++) {
            p[i] += (float) (r.nextDouble() * 0.01);   // biases too, so that a misplaced one shows
        }
        return network;
    }

    private static void assertRoundTrip(SavedModel model, Path dir, String name) throws Exception {
        Path file = dir.resolve(name + ".onnx");
        Onnx.save(model, file);
        SavedModel back = ModelFile.load(file);
        // dropout does nothing at inference and is not written
        assertEquals(model.network().describe().replaceAll("-dropout[0-9.]+", ""), back.network().describe(), name);
        if (model.network().layerCount() > 1 || model.network().hasFront()) {   // else no hidden activation to carry
            assertEquals(model.network().activation(), back.network().activation(), name);
        }
        assertArrayEquals(model.network().parameters(), back.network().parameters(), name);
        assertEquals(model.classNames(), back.classNames(), name);
        assertEquals(model.digit(), back.digit(), name);
        float[] pixels = new float[images.size() * 784];
        for (int i = 0; i < images.size(); i++) {
            images.copyImage(i, pixels, i * 784);
        }
        Prediction[] a = Classifiers.of(model).predictBatch(pixels, images.size());
        Prediction[] b = Classifier.load(file).predictBatch(pixels, images.size());
        for (int i = 0; i < a.length; i++) {
            assertArrayEquals(a[i].probabilities(), b[i].probabilities(), name + " image " + i);
        }
    }

    @Test
    void everyArchitectureComesBackTheSame(@TempDir Path dir) throws Exception {
        assertRoundTrip(SavedModel.digits(random(new Network(new int[] {784, 40, 20, 10}, Activation.RELU, Output.SOFTMAX), 1),
                Map.of("note", "x")), dir, "mlp");
        assertRoundTrip(SavedModel.digits(random(new Network(new int[] {784, 30, 10}, Activation.SIGMOID, Output.SOFTMAX), 2),
                Map.of()), dir, "sigmoid");
        assertRoundTrip(SavedModel.binary(random(new Network(new int[] {784, 1}, Output.SIGMOID), 3), 7, Map.of()), dir, "binary");
        assertRoundTrip(SavedModel.digits(random(Network.parse("conv5x16:valid,pool2,conv3x32:valid,pool2,dense128", 1, 28,
                28, 10, Activation.RELU), 4), Map.of()), dir, "cnn-fast");
        List<String> fashion = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
                "Bag", "Ankle boot");
        assertRoundTrip(new SavedModel(random(Network.parse("conv3x4,pool2,conv3x6,conv5x8:valid,pool2,dense24,dropout0.2", 1,
                28, 28, 10, Activation.RELU), 5), 28, 28, SavedModel.MNIST_PIXEL_SCALE, -1, fashion, Map.of()), dir, "cnn-same");
    }

    @Test
    void damagedAndUnsupportedFilesAreRefusedByName(@TempDir Path dir) throws Exception {
        byte[] good = Onnx.toBytes(SavedModel.digits(random(new Network(new int[] {784, 8, 10}, Activation.RELU,
                Output.SOFTMAX), 6), Map.of()));
        for (int cut : new int[] {1, 2, 10, good.length / 2, good.length - 1}) {
            ModelFileException e = assertThrows(ModelFileException.class,
                    () -> Onnx.read(java.util.Arrays.copyOf(good, cut), "cut.onnx"));
            assertTrue(e.getMessage().startsWith("cut.onnx: ONNX model: "), e.getMessage());
        }
        // an operator we do not run, named: replace "Relu" by "Gelu" (same length) in the bytes
        byte[] gelu = good.clone();
        String text = new String(gelu, java.nio.charset.StandardCharsets.ISO_8859_1);
        int at = text.indexOf("Relu\"");
        at = at >= 0 ? at : text.lastIndexOf("Relu");
        gelu[at] = 'G';
        gelu[at + 1] = 'e';
        Path file = dir.resolve("gelu.onnx");
        Files.write(file, gelu);
        ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFile.load(file));
        assertTrue(e.getMessage().contains("operator Gelu is not supported (mnist reads Gemm, MatMul"), e.getMessage());
    }

    /** Damaged files of every kind (bytes changed, cut, inserted) are read or refused, never anything else. */
    @Test
    void mutatedFilesAreReadOrRefusedNeverCrash() throws Exception {
        byte[] good = Onnx.toBytes(SavedModel.digits(random(Network.parse("conv3x2,pool2,dense4", 1, 28, 28, 10,
                Activation.RELU), 7), Map.of()));
        java.util.SplittableRandom r = new java.util.SplittableRandom(11);
        int refused = 0, read = 0;
        for (int round = 0; round < 3000; round++) {
            byte[] bad = good.clone();
            int kind = r.nextInt(3);
            if (kind == 0) {
                for (int k = 0, n = 1 + r.nextInt(4); k < n; k++) {
                    bad[r.nextInt(bad.length)] = (byte) r.nextInt(256);
                }
            } else if (kind == 1) {
                bad = java.util.Arrays.copyOf(bad, r.nextInt(bad.length));
            } else {
                int at = r.nextInt(bad.length);
                byte[] longer = new byte[bad.length + 1];
                System.arraycopy(bad, 0, longer, 0, at);
                longer[at] = (byte) r.nextInt(256);
                System.arraycopy(bad, at, longer, at + 1, bad.length - at);
                bad = longer;
            }
            try {
                Onnx.read(bad, "bad.onnx");
                read++;
            } catch (ModelFileException e) {
                assertTrue(e.getMessage().startsWith("bad.onnx: ONNX model: "), e.getMessage());
                refused++;
            }
        }
        System.out.printf("ONNX mutations: %d refused, %d still readable%n", refused, read);
        assertTrue(refused > 1000, refused + " refused");
    }
}
