package mnist.app.report;

import mnist.model.internal.Network;
import mnist.model.internal.Output;

/** The network's output probabilities for a whole data set, and the class rule {@code Predictor} uses. */
final class Probabilities {
    private Probabilities() {
    }

    /** The class of row r, as {@code mnist.model.internal.Predictor} decides it: above 0.5, or the first argmax. */
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
