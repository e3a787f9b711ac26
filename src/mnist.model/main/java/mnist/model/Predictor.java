package mnist.model;

import mnist.data.LabeledImages;
import mnist.math.Kernels;

/** Turns a network's outputs into class predictions, a chunk of samples at a time. */
public final class Predictor {
    /** Rows per forward pass: bounds the activation buffers whatever the size of the data set. */
    private static final int CHUNK = 4096;

    private Predictor() {
    }

    /**
     * The predicted class of each of the n rows of {@code x}: for a sigmoid output 1 when the
     * probability is above 0.5 (the lecture's threshold), else 0; for a softmax the most probable class.
     */
    public static int[] predict(Network network, Kernels kernels, float[] x, int n) {
        int[] predictions = new int[n];
        Backprop backprop = new Backprop(network, kernels, Math.max(1, Math.min(n, CHUNK)));
        int inputs = network.inputSize();
        int outputs = network.outputSize();
        for (int start = 0; start < n; start += CHUNK) {
            int rows = Math.min(CHUNK, n - start);
            float[] probabilities = backprop.forward(x, start * inputs, rows);
            for (int r = 0; r < rows; r++) {
                predictions[start + r] = network.output() == Output.SIGMOID
                        ? (probabilities[r] > 0.5f ? 1 : 0)
                        : argmax(probabilities, r * outputs, outputs);
            }
        }
        return predictions;
    }

    /** Rows converted from bytes at a time by {@link #predict(Network, Kernels, LabeledImages)}. */
    private static final int IMAGE_CHUNK = 1024;

    /**
     * The predicted class of each of {@code images}, as {@link #predict(Network, Kernels, float[], int)}
     * does, converting them to floats a chunk at a time: images kept as bytes are never all converted.
     */
    public static int[] predict(Network network, Kernels kernels, LabeledImages images) {
        int n = images.size(), features = images.features();
        if (features != network.inputSize()) {
            throw new IllegalArgumentException("images of " + features + " pixels for a network of "
                    + network.inputSize() + " inputs");
        }
        int[] predictions = new int[n];
        int chunk = Math.max(1, Math.min(n, IMAGE_CHUNK));
        Backprop backprop = new Backprop(network, kernels, chunk);
        float[] x = new float[chunk * features];
        int outputs = network.outputSize();
        for (int start = 0; start < n; start += chunk) {
            int rows = Math.min(chunk, n - start);
            for (int r = 0; r < rows; r++) {
                images.copyImage(start + r, x, r * features);
            }
            float[] probabilities = backprop.forward(x, 0, rows);
            for (int r = 0; r < rows; r++) {
                predictions[start + r] = network.output() == Output.SIGMOID
                        ? (probabilities[r] > 0.5f ? 1 : 0)
                        : argmax(probabilities, r * outputs, outputs);
            }
        }
        return predictions;
    }

    /** The index of the largest of {@code values[off..off+len)}, the first one on ties (as numpy's argmax). */
    static int argmax(float[] values, int off, int len) {
        int best = 0;
        for (int i = 1; i < len; i++) {
            if (values[off + i] > values[off + best]) {
                best = i;
            }
        }
        return best;
    }
}
