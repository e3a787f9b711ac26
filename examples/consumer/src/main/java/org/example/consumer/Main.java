package org.example.consumer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import mnist.data.LabeledImages;
import mnist.data.Mnist;
import mnist.model.Classifier;
import mnist.model.Trainer;

/** Trains a small network with the fluent API, saves it, loads it back and scores it on 1,000 test digits. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        Mnist mnist = Mnist.loadBundled();
        Classifier trained = Trainer.mlp().hidden(64).epochs(2).validation(0).seed(7)
                .onEpoch(e -> System.out.printf(Locale.ROOT, "epoch %d loss %.4f%n", e.epoch() + 1, e.trainLoss()))
                .fit(mnist.train().head(6000));
        Path file = Files.createTempFile("consumer", ".model");
        try {
            trained.save(file);
            Classifier classifier = Classifier.load(file);
            LabeledImages test = mnist.test();
            int right = 0;
            for (int i = 0; i < 1000; i++) {
                if (classifier.predict(test.image(i)).label() == test.label(i)) {
                    right++;
                }
            }
            System.out.printf(Locale.ROOT, "%s: %d of 1000 test digits right%n", classifier.describe(), right);
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
