package mnist.model.internal;

import mnist.data.LabeledImages;
import mnist.math.internal.Kernels;
import mnist.math.internal.SparseBatch;

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
        int chunk = Backprop.chunkFor(network, CHUNK);
        Backprop backprop = new Backprop(network, kernels, Math.max(1, Math.min(n, chunk)));
        int inputs = network.inputSize();
        for (int start = 0; start < n; start += chunk) {
            int rows = Math.min(chunk, n - start);
            float[] probabilities = backprop.forward(x, start * inputs, rows);
            classify(network, probabilities, rows, predictions, start);
        }
        return predictions;
    }

    /** Rows converted from bytes at a time by {@link #predict(Network, Kernels, LabeledImages)}. */
    static final int IMAGE_CHUNK = 1024;

    /**
     * The predicted class of each of {@code images}, as {@link #predict(Network, Kernels, float[], int)}
     * does, converting them to floats a chunk at a time: images kept as bytes are never all converted.
     */
    public static int[] predict(Network network, Kernels kernels, LabeledImages images) {
        return classes(network, probabilities(network, kernels, images), images.size());
    }

    /**
     * The network's outputs (n, outputs) for each of {@code images}: softmax rows, or P(class 1) for a
     * sigmoid output. With {@link #classes}, one pass gives a report both the classes and their
     * probabilities.
     */
    public static float[] probabilities(Network network, Kernels kernels, LabeledImages images) {
        int n = images.size(), features = images.features();
        if (features != network.inputSize()) {
            throw new IllegalArgumentException("images of " + features + " pixels for a network of "
                    + network.inputSize() + " inputs");
        }
        int outputs = network.outputSize();
        float[] all = new float[Math.multiplyExact(n, outputs)];
        int chunk = Math.max(1, Math.min(n, Backprop.chunkFor(network, IMAGE_CHUNK)));
        byte[] pixels = images.pixelBytes();
        // digits as bytes: the first layer on their non-zero pixels, as in training (the same bits as dense)
        TrainingLayout layout = pixels == null ? null
                : TrainingLayout.choose(network, kernels, new PixelInputs(images).density(n, features));
        boolean sparse = layout != null && layout.sparse();
        Backprop backprop = new Backprop(network, kernels, chunk, sparse ? layout.shift() : 0);
        float[] params = null;
        SparseBatch sb = null;
        float[] x = null;
        if (sparse) {
            params = layout.trainingArray(network.parameters());
            layout.toTraining(network.parameters(), params);
            sb = new SparseBatch(features, chunk, chunk * features / 4);
        } else {
            x = new float[chunk * features];
        }
        for (int start = 0; start < n; start += chunk) {
            int rows = Math.min(chunk, n - start);
            float[] probabilities;
            if (sparse) {
                sb.clear();
                for (int r = 0; r < rows; r++) {
                    sb.addRow(pixels, (start + r) * features, LabeledImages.PIXEL_DIVISOR);
                }
                sb.finish();
                probabilities = backprop.forward(params, sb);
            } else {
                for (int r = 0; r < rows; r++) {
                    images.copyImage(start + r, x, r * features);
                }
                probabilities = backprop.forward(x, 0, rows);
            }
            System.arraycopy(probabilities, 0, all, start * outputs, rows * outputs);
        }
        return all;
    }

    /** The class of each of the n rows of {@code probabilities (n, outputs)}, as {@link #predict} decides it. */
    public static int[] classes(Network network, float[] probabilities, int n) {
        int[] predictions = new int[n];
        classify(network, probabilities, n, predictions, 0);
        return predictions;
    }

    /**
     * predictions[start + r] for the rows of probabilities (rows, outputs): for a sigmoid output 1 above
     * 0.5 (the lecture's threshold), else 0; for a softmax the most probable class.
     */
    private static void classify(Network network, float[] probabilities, int rows, int[] predictions, int start) {
        int outputs = network.outputSize();
        for (int r = 0; r < rows; r++) {
            predictions[start + r] = network.output() == Output.SIGMOID
                    ? (probabilities[r] > 0.5f ? 1 : 0)
                    : argmax(probabilities, r * outputs, outputs);
        }
    }

    /** The index of the largest of {@code values[off..off+len)}, the first one on ties (as numpy's argmax). */
    public static int argmax(float[] values, int off, int len) {
        int best = 0;
        for (int i = 1; i < len; i++) {
            if (values[off + i] > values[off + best]) {
                best = i;
            }
        }
        return best;
    }
}
