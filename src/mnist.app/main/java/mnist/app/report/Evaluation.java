package mnist.app.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import mnist.data.LabeledImages;
import mnist.math.internal.Kernels;
import mnist.model.ClassificationReport;
import mnist.model.ConfusionMatrix;
import mnist.model.internal.Network;
import mnist.model.internal.Predictor;

/**
 * A model on the test set, for a report: the confusion matrix and classification report (from the same
 * predictions {@code mnist train} and {@code mnist evaluate} print), and the misclassified digits with
 * the probability the model gave its wrong answer, most confident first, up to a cap; for a
 * convolutional network, what its first layer learned ({@link Features}; null otherwise). One pass
 * of the test set through the model gives all of it, and the class {@code predicted} for every test image,
 * which is what the commands print.
 */
public record Evaluation(ConfusionMatrix matrix, ClassificationReport report, List<Mistake> shown, int mistakes,
                         int rows, int cols, double seconds, Features features, int[] predicted) {

    /** The test digits whose feature maps a convolutional network's report shows. */
    public static final int FEATURE_DIGITS = 3;

    /** The cap on misclassified digits shown. */
    public static final int GALLERY = 100;

    /** A misclassified test digit: its index in the test set, classes, confidences, and pixels in [0, 1]. */
    public record Mistake(int index, int actual, int predicted, float confidence, float actualProbability, float[] pixels) {
    }

    public Evaluation {
        shown = List.copyOf(shown);
    }

    /**
     * Evaluates {@code network} on {@code test}; {@code digit} is the digit of a binary model ("is it a
     * D?", classes "not D" and "D") or -1 for a ten-class one.
     */
    public static Evaluation of(Network network, Kernels kernels, LabeledImages test, int digit, List<String> classNames,
                                int cap) {
        long start = System.nanoTime();
        int n = test.size();
        float[] p = Predictor.probabilities(network, kernels, test);    // one pass: the classes come from it
        int[] predicted = Predictor.classes(network, p, n);
        int[] actual = new int[n];
        List<Mistake> mistakes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            actual[i] = digit >= 0 ? (test.label(i) == digit ? 1 : 0) : test.label(i);
            if (actual[i] != predicted[i]) {
                mistakes.add(new Mistake(i, actual[i], predicted[i], Probabilities.of(network, p, i, predicted[i]),
                        Probabilities.of(network, p, i, actual[i]), null));
            }
        }
        ConfusionMatrix matrix = ConfusionMatrix.of(actual, predicted, classNames);
        double seconds = (System.nanoTime() - start) / 1e9;
        List<Mistake> shown = mistakes.stream()
                .sorted(Comparator.comparingDouble(Mistake::confidence).reversed().thenComparingInt(Mistake::index))
                .limit(cap)
                .map(m -> new Mistake(m.index(), m.actual(), m.predicted(), m.confidence(), m.actualProbability(),
                        test.image(m.index())))
                .toList();
        return new Evaluation(matrix, new ClassificationReport(matrix), shown, mistakes.size(), test.rows(), test.cols(), seconds,
                Features.of(network, kernels, test, FEATURE_DIGITS), predicted);
    }
}
