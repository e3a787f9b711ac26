package mnist.app.report;

import mnist.math.Kernels;
import mnist.model.Backprop;
import mnist.model.Network;
import mnist.model.Output;

/** The network's output probabilities for a whole data set, and the class rule {@code Predictor} uses. */
final class Probabilities {
    private static final int CHUNK = 2048;

    private Probabilities() {
    }

    /** The outputs (n, outputs) for the n rows of {@code x (n, inputs)}: softmax rows, or P(class 1). */
    static float[] of(Network network, Kernels kernels, float[] x, int n) {
        int inputs = network.inputSize();
        int outputs = network.outputSize();
        float[] all = new float[Math.multiplyExact(n, outputs)];
        Backprop backprop = new Backprop(network, kernels, Math.max(1, Math.min(n, CHUNK)));
        for (int start = 0; start < n; start += CHUNK) {
            int rows = Math.min(CHUNK, n - start);
            float[] p = backprop.forward(x, start * inputs, rows);
            System.arraycopy(p, 0, all, start * outputs, rows * outputs);
        }
        return all;
    }

    /** The class of row r, as {@code mnist.model.Predictor} decides it: above 0.5, or the first argmax. */
    static int predictedClass(Network network, float[] p, int r) {
        if (network.output() == Output.SIGMOID) {
            return p[r] > 0.5f ? 1 : 0;
        }
        int outputs = network.outputSize();
        int best = 0;
        for (int i = 1; i < outputs; i++) {
            if (p[r * outputs + i] > p[r * outputs + best]) {
                best = i;
            }
        }
        return best;
    }

    /** The probability the network gives row r's being of class c. */
    static float of(Network network, float[] p, int r, int c) {
        if (network.output() == Output.SIGMOID) {
            return c == 1 ? p[r] : 1 - p[r];
        }
        return p[r * network.outputSize() + c];
    }
}
