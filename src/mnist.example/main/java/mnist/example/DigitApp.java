package mnist.example;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import mnist.data.LabeledImages;
import mnist.data.Mnist;
import mnist.model.Classifier;
import mnist.model.Prediction;
import mnist.model.Trainer;

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
        LabeledImages train = mnist.train().head(2500);
        LabeledImages test = mnist.test();

        // 2. mnist train's default network (784-256-128-10, Adam, cosine schedule), 5 epochs on 2,000
        //    images; 500 held out to keep the best epoch. Kernels: the Vector API if the JVM has it.
        Classifier trained = Trainer.mlp().epochs(5).validation(500).seed(42)
                .onEpoch(e -> System.out.printf(java.util.Locale.ROOT, "epoch %d loss %.4f validation accuracy %.3f%n",
                        e.epoch() + 1, e.trainLoss(), e.validationAccuracy()))
                .fit(train);

        // 3. Save it (atomically), load it back: a Classifier is immutable and thread-safe.
        Path file = Files.createTempFile("digits", ".model");
        trained.save(file);
        Classifier classifier = Classifier.load(file);
        Files.delete(file);

        // 4. Classify a few test digits.
        for (int i = 0; i < 5; i++) {
            Prediction p = classifier.predict(test.image(i));
            System.out.printf(java.util.Locale.ROOT, "test digit %d: label %d, predicted %s (%.3f)%n", i, test.label(i), p.className(), p.confidence());
        }
    }
}
