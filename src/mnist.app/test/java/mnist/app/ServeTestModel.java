package mnist.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import mnist.data.LabeledImages;
import mnist.data.Mnist;
import mnist.math.Backend;
import mnist.math.internal.Kernels;
import mnist.math.random.RandomSource;
import mnist.model.Activation;
import mnist.model.ClassificationReport;
import mnist.model.Classifier;
import mnist.model.ConfusionMatrix;
import mnist.model.Initializer;
import mnist.model.MinibatchSettings;
import mnist.model.Optimizer;
import mnist.model.Schedule;
import mnist.model.internal.Classifiers;
import mnist.model.internal.MinibatchTrainer;
import mnist.model.internal.ModelFile;
import mnist.model.internal.Network;
import mnist.model.internal.Output;
import mnist.model.internal.Predictor;
import mnist.model.internal.SavedModel;

/**
 * One model for the serve tests, trained once per JVM: 784-128-10 ReLU, Adam, 3 epochs over 20,000
 * training images (a few seconds; about 96% on the test set), saved to a temporary file.
 */
final class ServeTestModel {
    private static SavedModel model;
    private static Path file;
    private static LabeledImages test;

    private ServeTestModel() {
    }

    static synchronized SavedModel model() {
        if (model == null) {
            long start = System.nanoTime();
            Mnist data;
            try {
                data = Mnist.loadBundled();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            test = data.test();
            LabeledImages train = data.train().head(20000);
            Network network = new Network(new int[] {784, 128, 10}, Activation.RELU, Output.SOFTMAX);
            RandomSource random = RandomSource.create("java", 7);
            network.initialise(Initializer.HE, random);
            MinibatchSettings settings = new MinibatchSettings(3, 64, Optimizer.ADAM, 2e-3f, 0.9f, 0f, Schedule.COSINE);
            int[] predicted;
            try (Kernels kernels = Kernels.create(Backend.SIMD, 2)) {
                new MinibatchTrainer(kernels, settings, random).train(network, train.images(), train.oneHot(10), train.size(),
                        new float[0], new int[0], new MinibatchTrainer.Listener() { });
                predicted = Predictor.predict(network, kernels, test.images(), test.size());
            }
            double accuracy = new ClassificationReport(ConfusionMatrix.of(test.labels(), predicted,
                    List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"))).accuracy();
            model = SavedModel.digits(network, Map.of("test_accuracy", Double.toString(accuracy)));
            System.out.printf("serve tests: trained 784-128-10 in %.1f s, test accuracy %.4f%n",
                    (System.nanoTime() - start) / 1e9, accuracy);
        }
        return model;
    }

    static Classifier classifier() {
        return Classifiers.of(model());
    }

    static LabeledImages test() {
        model();
        return test;
    }

    /** The model as a file (deleted when the JVM exits). */
    static synchronized Path file() {
        if (file == null) {
            try {
                Path dir = Files.createTempDirectory("mnist-serve-test");
                file = dir.resolve("digits.model");
                ModelFile.save(model(), file);
                file.toFile().deleteOnExit();
                dir.toFile().deleteOnExit();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return file;
    }
}
