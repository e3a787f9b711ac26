package mnist.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import mnist.math.Backend;
import mnist.math.internal.Kernels;
import mnist.math.random.RandomSource;
import mnist.model.internal.Classifiers;
import mnist.model.internal.ModelFile;
import mnist.model.internal.Network;
import mnist.model.internal.Output;
import mnist.model.internal.Predictor;
import mnist.model.internal.SavedModel;
import org.junit.jupiter.api.Test;

/** The embedding API: same answers as Predictor, binary classes, and safe use from many threads. */
class ClassifierTest {

    private static Network randomNetwork(int[] sizes, Output output, long seed) {
        Network network = new Network(sizes, Activation.SIGMOID, output);
        RandomSource.create("java", seed).fillGaussian(network.parameters(), 0, network.parameters().length, 0.1);
        return network;
    }

    private static float[] randomImages(int n, long seed) {
        float[] x = new float[n * 784];
        RandomSource.create("java", seed).fillGaussian(x, 0, x.length, 0.5);
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.clamp(Math.abs(x[i]), 0f, 1f);
        }
        return x;
    }

    @Test
    void agreesWithPredictorAndSumsToOne() throws Exception {
        Network network = randomNetwork(new int[] {784, 32, 10}, Output.SOFTMAX, 3);
        Classifier classifier = Classifier.load(new ByteArrayInputStream(
                ModelFile.toBytes(SavedModel.digits(network, Map.of("k", "v")))), "m");
        assertEquals("784-32-10", classifier.describe());
        assertEquals("v", classifier.metadata().get("k"));
        int n = 50;
        float[] x = randomImages(n, 4);
        int[] expected;
        try (Kernels kernels = Kernels.create(Backend.SIMD, 1)) {
            expected = Predictor.predict(network, kernels, x, n);
        }
        Prediction[] batch = classifier.predictBatch(x, n);
        for (int i = 0; i < n; i++) {
            assertEquals(expected[i], batch[i].label(), "image " + i);
            assertEquals(Integer.toString(expected[i]), batch[i].className());
            float sum = 0;
            for (float p : batch[i].probabilities()) {
                sum += p;
            }
            assertEquals(1f, sum, 1e-5f);
            float[] one = java.util.Arrays.copyOfRange(x, i * 784, (i + 1) * 784);
            // The forward pass of a batch may take a register-blocked path that a single image does not:
            // the same answer, to float rounding.
            assertSamePrediction(batch[i], classifier.predict(one), "one at a time, image " + i);
        }
        assertThrows(IllegalArgumentException.class, () -> classifier.predict(new float[783]));
        assertThrows(IllegalArgumentException.class, () -> classifier.predict(new int[] {256}));
        // pixels left at 0..255, or NaN, would give confident nonsense: refused, the pixel named
        float[] raw = new float[784 * 2];
        raw[784 + 300] = 255f;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> classifier.predictBatch(raw, 2));
        assertEquals("pixel 300 of image 1 is 255.0, outside [0, 1] (raw values 0..255: use predict(int[]))", e.getMessage());
        float[] nan = new float[784];
        nan[5] = Float.NaN;
        e = assertThrows(IllegalArgumentException.class, () -> classifier.predict(nan));
        assertTrue(e.getMessage().startsWith("pixel 5 of image 0 is NaN"), e.getMessage());

        // the same model on the scalar twin: Predictor's answers on scalar kernels, SIMD's to float rounding
        Classifier scalar = classifier.withBackend(Backend.SCALAR);
        int[] expectedScalar;
        try (Kernels kernels = Kernels.create(Backend.SCALAR, 1)) {
            expectedScalar = Predictor.predict(network, kernels, x, n);
        }
        Prediction[] scalarBatch = scalar.predictBatch(x, n);
        for (int i = 0; i < n; i++) {
            assertEquals(expectedScalar[i], scalarBatch[i].label(), "scalar, image " + i);
            for (int c = 0; c < 10; c++) {
                assertEquals(batch[i].probabilities()[c], scalarBatch[i].probabilities()[c], 1e-5f, "image " + i);
            }
        }
        assertEquals("784-32-10", scalar.describe());
        assertThrows(NullPointerException.class, () -> classifier.withBackend(null));
    }

    @Test
    void binaryModelHasTwoClasses() {
        Network network = new Network(new int[] {784, 1}, Output.SIGMOID);
        network.parameters()[784] = 2f; // bias: sigmoid(2) = 0.88 for any image of zeros
        Classifier classifier = Classifiers.of(SavedModel.binary(network, 7, Map.of()));
        network.parameters()[784] = -2f; // the classifier took a copy
        Prediction p = classifier.predict(new int[784]);
        assertEquals(1, p.label());
        assertEquals("7", p.className());
        assertEquals(List.of("not 7", "7"), classifier.classNames());
        assertEquals(0.8807971f, p.probability(1), 1e-6f);
        assertEquals(1f - p.probability(1), p.probability(0));
        assertEquals(7, classifier.digit());
    }

    @Test
    void manyThreadsGetTheSequentialAnswers() throws Exception {
        Network network = randomNetwork(new int[] {784, 24, 10}, Output.SOFTMAX, 5);
        Classifier classifier = Classifiers.of(SavedModel.digits(network, Map.of()));
        int n = 64;
        float[] x = randomImages(n, 6);
        Prediction[] sequential = new Prediction[n];
        for (int i = 0; i < n; i++) {
            sequential[i] = classifier.predict(java.util.Arrays.copyOfRange(x, i * 784, (i + 1) * 784));
        }
        int threads = 8;
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<Prediction[]>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                final int offset = t;
                futures.add(pool.submit(() -> {
                    Prediction[] mine = new Prediction[n];
                    for (int round = 0; round < 5; round++) {
                        for (int k = 0; k < n; k++) {
                            int i = (k + offset * 7) % n; // each thread in its own order
                            mine[i] = classifier.predict(java.util.Arrays.copyOfRange(x, i * 784, (i + 1) * 784));
                        }
                        Prediction[] batch = classifier.predictBatch(x, n);
                        for (int i = 0; i < n; i++) {
                            assertSamePrediction(batch[i], mine[i], "batch and single, image " + i);
                        }
                    }
                    return mine;
                }));
            }
            for (Future<Prediction[]> f : futures) {
                assertArrayEquals(sequential, f.get());
            }
        }
        System.out.println(threads + " threads x 5 rounds x " + n + " images: identical to the sequential predictions");
    }

    /** The same label and probabilities within float rounding. */
    private static void assertSamePrediction(Prediction expected, Prediction actual, String what) {
        assertEquals(expected.label(), actual.label(), what);
        assertArrayEquals(expected.probabilities(), actual.probabilities(), 1e-6f, what);
    }
}
