package mnist.model;

import java.util.List;
import mnist.model.internal.Predictor;

/**
 * What a {@link Classifier} says about one image: the index of the predicted class, its name, and the
 * probability of every class. For a softmax model over the digits, {@code label()} is the digit and
 * {@code probabilities()} has ten values summing to 1. For a binary model ("is it digit d?") there are
 * two classes, index 0 "not d" and index 1 "d", with probabilities {@code 1 - p} and {@code p}, where p
 * is the sigmoid output; the label is 1 when p > 0.5 (the threshold of {@code mnist train}).
 */
public record Prediction(int label, String className, float[] probabilities) {

    public Prediction {
        probabilities = probabilities.clone();
    }

    /** A copy of the class probabilities, indexed like the classifier's class names. */
    @Override
    public float[] probabilities() {
        return probabilities.clone();
    }

    /** The probability of class {@code c}. */
    public float probability(int c) {
        return probabilities[c];
    }

    /** The probability of the predicted class. */
    public float confidence() {
        return probabilities[label];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Prediction p && p.label == label && p.className.equals(className)
                && java.util.Arrays.equals(p.probabilities, probabilities);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * label + className.hashCode()) + java.util.Arrays.hashCode(probabilities);
    }

    @Override
    public String toString() {
        return "Prediction[" + className + ", p=" + probabilities[label] + ", " + java.util.Arrays.toString(probabilities) + "]";
    }

    static Prediction of(List<String> names, float[] outputs, int off, boolean binary) {
        float[] probs;
        int label;
        if (binary) {
            float p = outputs[off];
            probs = new float[] {1f - p, p};
            label = p > 0.5f ? 1 : 0;
        } else {
            probs = java.util.Arrays.copyOfRange(outputs, off, off + names.size());
            label = Predictor.argmax(probs, 0, probs.length);
        }
        return new Prediction(label, names.get(label), probs);
    }
}
