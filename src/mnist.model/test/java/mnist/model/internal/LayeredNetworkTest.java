package mnist.model.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.CRC32C;
import mnist.data.LabeledImages;
import mnist.math.Backend;
import mnist.math.internal.Kernels;
import mnist.math.random.RandomSource;
import mnist.model.Activation;
import mnist.model.Augmentation;
import mnist.model.Initializer;
import mnist.model.MinibatchSettings;
import mnist.model.ModelFileException;
import mnist.model.Optimizer;
import mnist.model.Prediction;
import mnist.model.Schedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Networks with a convolutional front and dropout ({@link Network#parse}): the spec and its errors, the
 * parameter layout, training bit for bit at any thread count (dropout included), inference, and the
 * model file's version 2.
 */
class LayeredNetworkTest {

    @Test
    void theSpecBuildsTheShapesAndTheLayout() {
        Network n = Network.parse("conv5x16,pool2,conv5x32:valid,pool2,dense128,dropout0.5", 1, 28, 28, 10, Activation.RELU);
        assertEquals(4, n.stageCount());
        Stage.Conv c1 = (Stage.Conv) n.stage(0);
        assertEquals(0, c1.weightOffset());
        assertEquals(16 * 25, c1.biasOffset());
        assertArrayEquals(new int[] {16, 28, 28}, c1.outShape());          // 'same'
        Stage.Conv c2 = (Stage.Conv) n.stage(2);
        assertArrayEquals(new int[] {32, 10, 10}, c2.outShape());          // 14 - 5 + 1, 'valid'
        assertArrayEquals(new int[] {32, 5, 5}, n.stage(3).outShape());
        assertArrayEquals(new int[] {800, 128, 10}, n.sizes());
        assertEquals(784, n.inputSize());
        int front = 16 * 25 + 16 + 32 * 16 * 25 + 32;
        assertEquals(front, n.layer(0).weightOffset());
        assertEquals(front + 800 * 128 + 128 + 128 * 10 + 10, n.parameters().length);
        assertEquals(0.5f, n.dropout(0));
        assertEquals("conv5x16,pool2,conv5x32:valid,pool2,dense128,dropout0.5", n.layers());
        assertEquals("1x28x28-conv5x16-pool2-conv5x32:valid-pool2-dense128-dropout0.5-10", n.describe());
        // a spec of dense layers is the multilayer perceptron, layout and all
        Network mlp = Network.parse("dense256, dense128", 1, 28, 28, 10, Activation.RELU);
        assertEquals("784-256-128-10", mlp.describe());
        assertFalse(mlp.isLayered());
        assertEquals(new Network(new int[] {784, 256, 128, 10}, Activation.RELU, Output.SOFTMAX).parameters().length,
                mlp.parameters().length);
    }

    @Test
    void aSpecThatDoesNotFitIsRefusedNamingTheLayerAndTheShapes() {
        assertEquals("layer 'conv5x8' (input 1x3x3): a 5x5 kernel does not fit 3x3", error("conv5x8:valid", 3).replace(":valid", ""));
        assertEquals("layer 'pool2' (input 4x1x1): 2x2 pooling needs at least 2x2, got 1x1", error("conv1x4,pool2", 1));
        assertEquals("layer 'conv3x4' (input 10 units): convolutions come before the dense layers", error("dense10,conv3x4", 8));
        assertEquals("layer 'dropout0.5' (input 1x8x8): dropout goes right after a dense layer", error("dropout0.5", 8));
        assertEquals("layer 'dropout1' (input 5 units): the dropout rate must be above 0 and below 1", error("dense5,dropout1", 8));
        assertEquals("layer 'conv4x8' (input 1x8x8): 'same' padding needs an odd kernel size, got 4 (or write :valid)",
                error("conv4x8", 8));
        assertEquals("layer 'convx8' (input 1x8x8): the kernel size must be a whole number from 1 to 31, got ''", error("convx8", 8));
        assertEquals("layer 'dense0' (input 1x8x8): the units must be a whole number from 1 to 1048576, got '0'", error("dense0", 8));
        assertEquals("unknown layer 'lstm4' (expected convKxC, convKxC:valid, pool2, denseN or dropoutP)", error("lstm4", 8));
        assertTrue(error("", 8).isEmpty());   // no hidden layer: softmax regression
        assertEquals("unexpected character U+000A at position 8 of the layers", error("conv3x4\n,pool2", 8));
        // sizes that overflow an int are refused by name, not as a negative array size
        IllegalArgumentException huge = assertThrows(IllegalArgumentException.class,
                () -> Network.parse("conv31x4096,conv31x4096", 1, 4096, 4096, 10, Activation.RELU));
        assertTrue(huge.getMessage().contains("too large"), huge.getMessage());
        IllegalArgumentException sigmoid = assertThrows(IllegalArgumentException.class,
                () -> Network.parse("dense8,dropout0.2", 1, 8, 8, 10, Activation.SIGMOID));
        assertEquals("layer 'dropout0.2' (input 8 units): dropout needs the relu activation", sigmoid.getMessage());
    }

    private static String error(String spec, int side) {
        try {
            Network.parse(spec, 1, side, side, 10, Activation.RELU);
            return "";
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    private static LabeledImages images(int n, long seed) {
        return Warmup.synthetic(n, 12, 10, seed);
    }

    private static Network train(String spec, int threads, Backend backend, int batch) {
        return train(spec, threads, backend, batch, null);
    }

    private static Network train(String spec, int threads, Backend backend, int batch, Augmentation augmentation) {
        Network network = Network.parse(spec, 1, 12, 12, 10, Activation.RELU);
        RandomSource random = RandomSource.create("java", 7);
        network.initialise(Initializer.HE, random);
        MinibatchSettings settings = new MinibatchSettings(2, batch, Optimizer.ADAM, 2e-3f, 0.9f, 1e-4f, Schedule.COSINE);
        try (Kernels kernels = Kernels.create(backend, threads)) {
            new MinibatchTrainer(kernels, settings, random).augment(augmentation).train(network, images(300, 1), images(70, 2),
                    new MinibatchTrainer.Listener() {
                    }, null, null);
        }
        return network;
    }

    @Test
    void trainingIsBitIdenticalAtAnyThreadCountDropoutIncluded() {
        String spec = "conv3x6,pool2,conv3x8:valid,pool2,dense24,dropout0.3";
        for (Backend backend : Backend.values()) {
            float[] one = train(spec, 1, backend, 64).parameters();
            float[] two = train(spec, 2, backend, 64).parameters();
            float[] three = train(spec, 3, backend, 64).parameters();
            assertArrayEquals(one, two, backend + ": 1 and 2 threads");
            assertArrayEquals(one, three, backend + ": 1 and 3 threads");
            Network untrained = Network.parse(spec, 1, 12, 12, 10, Activation.RELU);
            untrained.initialise(Initializer.HE, RandomSource.create("java", 7));
            assertFalse(java.util.Arrays.equals(one, untrained.parameters()), "training changed the parameters");
        }
        // dropout draws different masks from different seeds: without it, the result differs
        assertNotEquals(java.util.Arrays.toString(train(spec, 1, Backend.SIMD, 64).parameters()),
                java.util.Arrays.toString(train(spec.replace(",dropout0.3", ""), 1, Backend.SIMD, 64).parameters()));
    }

    @Test
    void augmentedTrainingIsBitIdenticalAtAnyThreadCountAndDiffersFromPlain() {
        String spec = "conv3x4,pool2,dense16";
        float[] one = train(spec, 1, Backend.SIMD, 64, Augmentation.DEFAULT).parameters();
        assertArrayEquals(one, train(spec, 2, Backend.SIMD, 64, Augmentation.DEFAULT).parameters(), "1 and 2 threads");
        assertArrayEquals(one, train(spec, 3, Backend.SIMD, 64, Augmentation.DEFAULT).parameters(), "1 and 3 threads");
        assertFalse(java.util.Arrays.equals(one, train(spec, 1, Backend.SIMD, 64).parameters()));
        // a multilayer perceptron too (its first layer then runs dense)
        float[] mlp = train("dense20", 1, Backend.SIMD, 50, Augmentation.DEFAULT).parameters();
        assertArrayEquals(mlp, train("dense20", 2, Backend.SIMD, 50, Augmentation.DEFAULT).parameters());
    }

    @Test
    void aDistortionIsTheIdentityAtZeroAndKeepsTheInkOtherwise() {
        LabeledImages digits = images(20, 9);
        float[] src = new float[144], dst = new float[144];
        float changed = 0;
        for (int i = 0; i < digits.size(); i++) {
            digits.copyImage(i, src, 0);
            Distortion.apply(new Augmentation(0, 0, 0), src, 12, 12, dst, 0, 1234L + i);
            assertArrayEquals(src, dst, "no distortion");
            Distortion.apply(Augmentation.DEFAULT, src, 12, 12, dst, 0, 99L * i);
            float[] again = new float[144];
            Distortion.apply(Augmentation.DEFAULT, src, 12, 12, again, 0, 99L * i);
            assertArrayEquals(dst, again, "the same key, the same distortion");
            double inkBefore = 0, inkAfter = 0;
            for (int p = 0; p < 144; p++) {
                inkBefore += src[p];
                inkAfter += dst[p];
                changed += Math.abs(src[p] - dst[p]);
            }
            // scaled by at most 10% in each direction, the digit (in the middle) keeps its ink within ±25%
            assertEquals(inkBefore, inkAfter, 0.25 * inkBefore, "image " + i);
        }
        assertTrue(changed > 1, "the distortions change the images");
        // a pure shift by whole pixels moves every pixel
        float[] shifted = new float[144];
        for (long key = 0; ; key++) {
            Augmentation shift = new Augmentation(0, 0, 3);
            Distortion.apply(shift, src, 12, 12, shifted, 0, key);
            if (shifted[6 * 12 + 6] != src[6 * 12 + 6]) {
                break;
            }
            assertTrue(key < 100, "some key shifts the image");
        }
        assertThrows(IllegalArgumentException.class, () -> Augmentation.parse("10,0.1"));
        assertEquals(new Augmentation(5, 0.2f, 1), Augmentation.parse("5, 0.2, 1"));
    }

    @Test
    void inferenceAgreesWithTheForwardPassWhateverTheChunkAndThreads() {
        Network network = train("conv3x4,pool2,dense16", 1, Backend.SIMD, 32);
        LabeledImages test = images(90, 3);
        float[] x = new float[test.size() * test.features()];
        for (int i = 0; i < test.size(); i++) {
            test.copyImage(i, x, i * test.features());
        }
        int[] expected = new int[test.size()];
        try (Kernels k = Kernels.create(Backend.SIMD, 1)) {
            Backprop backprop = new Backprop(network, k, test.size());
            float[] p = backprop.forward(x, 0, test.size());
            for (int i = 0; i < expected.length; i++) {
                expected[i] = Predictor.argmax(p, i * 10, 10);
            }
        }
        for (int threads = 1; threads <= 2; threads++) {
            try (Kernels k = Kernels.create(Backend.SIMD, threads)) {
                assertArrayEquals(expected, Predictor.predict(network, k, test), threads + " threads, from bytes");
                assertArrayEquals(expected, Predictor.predict(network, k, x, test.size()), threads + " threads, floats");
            }
        }
        SavedModel model = new SavedModel(network, 12, 12, SavedModel.MNIST_PIXEL_SCALE, -1,
                java.util.List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), Map.of());
        Prediction[] ps = Classifiers.of(model).predictBatch(x, test.size());
        for (int i = 0; i < ps.length; i++) {
            assertEquals(expected[i], ps[i].label(), "classifier, image " + i);
        }
    }

    @Test
    void modelFilesOfLayeredNetworksAreVersion2AndRoundTrip(@TempDir Path dir) throws Exception {
        Network network = train("conv3x4,pool2,conv3x4:valid,dense16,dropout0.25", 1, Backend.SIMD, 32);
        SavedModel model = new SavedModel(network, 12, 12, SavedModel.MNIST_PIXEL_SCALE, -1,
                java.util.List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), Map.of("k", "v"));
        Path file = dir.resolve("cnn.model");
        ModelFile.save(model, file);
        byte[] bytes = Files.readAllBytes(file);
        assertEquals(2, ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(8));
        SavedModel back = ModelFile.load(file);
        assertEquals(network.describe(), back.network().describe());
        assertArrayEquals(network.parameters(), back.network().parameters());
        // a multilayer perceptron is still written as version 1, for older readers
        Network mlp = new Network(new int[] {144, 8, 10}, Activation.RELU, Output.SOFTMAX);
        byte[] v1 = ModelFile.toBytes(new SavedModel(mlp, 12, 12, SavedModel.MNIST_PIXEL_SCALE, -1, model.classNames(), Map.of()));
        assertEquals(1, ByteBuffer.wrap(v1).order(ByteOrder.LITTLE_ENDIAN).getInt(8));

        // a spec that does not fit the stored sizes, with a valid checksum, is refused by name
        String spec = network.layers();
        int at = indexOf(bytes, spec.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        byte[] changed = bytes.clone();
        changed[at + spec.indexOf("dense16") + 6] = '5';            // dense15
        ByteBuffer.wrap(changed).order(ByteOrder.LITTLE_ENDIAN).putInt(changed.length - 4, crc(changed));
        Path bad = dir.resolve("bad.model");
        Files.write(bad, changed);
        ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFile.load(bad));
        assertTrue(e.getMessage().contains("give dense sizes [64, 15, 10], not the stored [64, 16, 10]"), e.getMessage());
        changed[at] = 'x';                                             // xonv3x4
        ByteBuffer.wrap(changed).order(ByteOrder.LITTLE_ENDIAN).putInt(changed.length - 4, crc(changed));
        Files.write(bad, changed);
        e = assertThrows(ModelFileException.class, () -> ModelFile.load(bad));
        assertTrue(e.getMessage().contains("unknown layer 'xonv3x4'"), e.getMessage());
    }

    private static int crc(byte[] b) {
        CRC32C crc = new CRC32C();
        crc.update(b, 0, b.length - 4);
        return (int) crc.getValue();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
