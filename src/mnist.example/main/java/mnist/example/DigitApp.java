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
import mnist.model.FullBatchGradientDescent;
import mnist.model.Layer;
import mnist.model.ModelFile;
import mnist.model.Network;
import mnist.model.Output;
import mnist.model.Prediction;
import mnist.model.SavedModel;

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

        // 2. A 784-32-10 network, weights drawn from N(0, 1/784), and 100 epochs of full-batch gradient descent.
        Network network = new Network(new int[] {784, 32, 10}, Activation.SIGMOID, Output.SOFTMAX);
        RandomSource random = RandomSource.create("java", 42);
        for (int l = 0; l < network.layerCount(); l++) {
            Layer layer = network.layer(l);
            random.fillGaussian(network.parameters(), layer.weightOffset(), layer.out() * layer.in(), 1 / Math.sqrt(layer.in()));
        }
        try (Kernels kernels = Kernels.create(Backend.SIMD, 1)) {
            new FullBatchGradientDescent(kernels, 100, 1f).train(network, train.images(), train.oneHot(10), train.size(),
                    (epoch, loss, seconds) -> {
                        if (epoch % 25 == 0) {
                            System.out.printf(java.util.Locale.ROOT, "epoch %d loss %.4f%n", epoch, loss);
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
