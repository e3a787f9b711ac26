package mnist.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
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
import mnist.model.Prediction;
import mnist.model.Trainer;
import mnist.model.internal.Classifiers;
import mnist.model.internal.Network;
import mnist.model.internal.Output;
import mnist.model.internal.SavedModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ONNX files mnist writes, run by ONNX Runtime: for every kind of network mnist trains (perceptrons
 * with ReLU or sigmoid, convolutional networks with 'valid' and 'same' padding, a binary sigmoid
 * output), the same probabilities as mnist's own on 1,000 test digits, within 1e-5.
 */
class OnnxRuntimeTest {
    private static final int IMAGES = 1000;
    private static LabeledImages train;
    private static LabeledImages test;

    @TempDir
    static Path dir;

    @BeforeAll
    static void load() throws Exception {
        Mnist mnist = Mnist.loadBundled();
        train = mnist.train().head(3000);
        test = mnist.test().head(IMAGES);
    }

    /** Exports, runs the file in ONNX Runtime, and compares every probability of every image with mnist's. */
    private static void assertSameProbabilities(Classifier classifier, String name, boolean imagesAsPlanes) throws Exception {
        Path file = dir.resolve(name + ".onnx");
        classifier.exportOnnx(file);
        float[] pixels = new float[IMAGES * 784];
        for (int i = 0; i < IMAGES; i++) {
            test.copyImage(i, pixels, i * 784);
        }
        Prediction[] ours = classifier.predictBatch(pixels, IMAGES);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(Files.readAllBytes(file), new OrtSession.SessionOptions());
             OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(pixels),
                     imagesAsPlanes ? new long[] {IMAGES, 1, 28, 28} : new long[] {IMAGES, 784});
             OrtSession.Result result = session.run(Map.of("input", input))) {
            assertEquals(List.of("input"), List.copyOf(session.getInputNames()));
            float[][] theirs = (float[][]) result.get("probabilities").orElseThrow().getValue();
            double worst = 0;
            for (int i = 0; i < IMAGES; i++) {
                float[] p = ours[i].probabilities();
                if (classifier.isBinary()) {
                    assertEquals(1, theirs[i].length);
                    worst = Math.max(worst, Math.abs(p[1] - theirs[i][0]));
                } else {
                    assertEquals(p.length, theirs[i].length);
                    for (int c = 0; c < p.length; c++) {
                        worst = Math.max(worst, Math.abs(p[c] - theirs[i][c]));
                    }
                }
            }
            System.out.printf("%s (%s): largest difference from ONNX Runtime %.2e over %d images%n", name,
                    classifier.describe(), worst, IMAGES);
            assertTrue(worst <= 1e-5, name + ": largest difference " + worst);
        }
    }

    @Test
    void perceptrons() throws Exception {
        assertSameProbabilities(Trainer.mlp().hidden(64, 32).epochs(1).validation(0).fit(train), "mlp-relu", false);
        assertSameProbabilities(Trainer.mlp().hidden(48).activation(Activation.SIGMOID).epochs(1).validation(0).fit(train),
                "mlp-sigmoid", false);
    }

    @Test
    void convolutionalNetworks() throws Exception {
        assertSameProbabilities(Trainer.cnnFast().epochs(1).fit(train), "cnn-fast", true);
        assertSameProbabilities(Trainer.mlp().layers("conv3x4,pool2,conv3x6,conv5x8:valid,pool2,dense24,dropout0.2")
                .epochs(1).validation(0).fit(train), "cnn-same-and-valid", true);
    }

    /** The lecture's "is it a 0?" neuron: one sigmoid output, the probability of class 1. */
    @Test
    void aBinaryModel() throws Exception {
        Network network = new Network(new int[] {784, 16, 1}, Activation.RELU, Output.SIGMOID);
        network.initialise(Initializer.HE, RandomSource.create("java", 4));
        assertSameProbabilities(Classifiers.of(SavedModel.binary(network, 0, Map.of())), "binary", false);
    }
}
