package mnist.example;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import mnist.data.LabeledImages;
import mnist.data.Mnist;
import mnist.math.Backend;
import mnist.math.Kernels;
import mnist.math.random.RandomSource;
import mnist.model.Activation;
import mnist.model.Classifier;
import mnist.model.Initializer;
import mnist.model.MinibatchSettings;
import mnist.model.MinibatchTrainer;
import mnist.model.ModelFile;
import mnist.model.Network;
import mnist.model.Optimizer;
import mnist.model.Output;
import mnist.model.Prediction;
import mnist.model.SavedModel;
import mnist.model.Schedule;

/**
 * Embedding mnist in an application:
 * <pre>
 *   DigitApp MODEL IMAGE...   classify your PNG or PGM images with a saved model
 *   DigitApp                  train a small model, save it, load it back, classify five test digits
 * </pre>
 */
public final class DigitApp {
    private DigitApp() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length >= 2) {
            Classifier classifier = Classifier.load(Path.of(args[0]));
            for (int i = 1; i < args.length; i++) {
                Prediction p = classifier.predictImage(Path.of(args[i]));
                System.out.printf(java.util.Locale.ROOT, "%s: %s (%.3f)%n", args[i], p.className(), p.confidence());
            }
            return;
        }

        // 1. Data: the MNIST bundled with mnist.data, a small subset to keep it quick.
        Mnist mnist = Mnist.loadBundled();
        LabeledImages train = mnist.train().head(2000);
        LabeledImages test = mnist.test();

        // 2. A 784-64-10 ReLU network, He initialisation, 5 epochs of Adam on batches of 64,
        //    validated on 500 other training images after each epoch; the best epoch is kept.
        Network network = new Network(new int[] {784, 64, 10}, Activation.RELU, Output.SOFTMAX);
        RandomSource random = RandomSource.create("java", 42);
        Initializer.HE.initialise(network, random);
        LabeledImages validation = mnist.train().subset(2000, 2500);
        MinibatchSettings settings = new MinibatchSettings(5, 64, Optimizer.Kind.ADAM, 1e-3f, 0.9f, 0f, Schedule.COSINE);
        try (Kernels kernels = Kernels.create(Backend.SIMD, 1)) {
            new MinibatchTrainer(kernels, settings, random).train(network, train.images(), train.oneHot(10), train.size(),
                    validation.images(), validation.labels(), new MinibatchTrainer.Listener() {
                        @Override
                        public void epochDone(MinibatchTrainer.Epoch e) {
                            System.out.printf(java.util.Locale.ROOT, "epoch %d loss %.4f validation accuracy %.3f%n",
                                    e.epoch() + 1, e.trainLoss(), e.validationAccuracy());
                        }
                    });
        }

        // 3. Save it (atomically), load it back as an immutable, thread-safe Classifier.
        Path file = Files.createTempFile("digits", ".model");
        ModelFile.save(SavedModel.digits(network, Map.of("trained_on", "2000 MNIST images")), file);
        Classifier classifier = Classifier.load(file);
        Files.delete(file);

        // 4. Classify a few test digits.
        for (int i = 0; i < 5; i++) {
            Prediction p = classifier.predict(test.image(i));
            System.out.printf(java.util.Locale.ROOT, "test digit %d: label %d, predicted %s (%.3f)%n", i, test.label(i), p.className(), p.confidence());
        }
    }
}
