package mnist.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import mnist.math.Backend;
import mnist.math.Kernels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Proves every backward pass: the gradients of {@link Backprop} against central finite differences of
 * the loss, itself computed here independently, in double precision, from the layer equations.
 */
class GradientCheckTest {

    static Stream<Arguments> networks() {
        return Stream.of(Backend.values()).flatMap(backend -> Stream.of(
                Arguments.of(backend, new int[] {7, 1}, Activation.SIGMOID, Output.SIGMOID),
                Arguments.of(backend, new int[] {7, 5, 1}, Activation.SIGMOID, Output.SIGMOID),
                Arguments.of(backend, new int[] {7, 5, 4}, Activation.SIGMOID, Output.SOFTMAX),
                Arguments.of(backend, new int[] {6, 5, 4, 3}, Activation.SIGMOID, Output.SOFTMAX),
                Arguments.of(backend, new int[] {17, 9, 3, 1}, Activation.SIGMOID, Output.SIGMOID),
                Arguments.of(backend, new int[] {7, 5, 4}, Activation.RELU, Output.SOFTMAX),
                Arguments.of(backend, new int[] {19, 17, 9, 10}, Activation.RELU, Output.SOFTMAX),
                Arguments.of(backend, new int[] {7, 6, 1}, Activation.RELU, Output.SIGMOID)));
    }

    @ParameterizedTest(name = "{0} {1} {2} {3}")
    @MethodSource("networks")
    void backwardMatchesFiniteDifferences(Backend backend, int[] sizes, Activation activation, Output output) {
        SplittableRandom random = new SplittableRandom(sizes.length * 31L + sizes[1]);
        Network network = new Network(sizes, activation, output);
        float[] params = network.parameters();
        for (int i = 0; i < params.length; i++) {
            params[i] = (float) (random.nextGaussian() * 0.7);
        }
        int n = 11;
        int inputs = sizes[0];
        int outputs = sizes[sizes.length - 1];
        float[] x = new float[n * inputs];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextDouble();
        }
        float[] y = new float[n * outputs];
        for (int i = 0; i < n; i++) {
            if (output == Output.SIGMOID) {
                y[i] = random.nextBoolean() ? 1 : 0;
            } else {
                y[i * outputs + random.nextInt(outputs)] = 1;
            }
        }

        float[] grads = new float[params.length];
        double loss;
        try (Kernels kernels = Kernels.create(backend, 1)) {
            Backprop backprop = new Backprop(network, kernels, n);
            backprop.forward(x, 0, n);
            loss = backprop.loss(y, n);
            backprop.backward(x, 0, y, n, grads);
        }

        double[] theta = new double[params.length];
        for (int i = 0; i < theta.length; i++) {
            theta[i] = params[i];
        }
        assertEquals(referenceLoss(network, theta, x, y, n), loss, 1e-5 * Math.abs(loss), "loss");

        double h = 1e-6;
        double worst = 0;
        for (int i = 0; i < theta.length; i++) {
            double saved = theta[i];
            theta[i] = saved + h;
            double plus = referenceLoss(network, theta, x, y, n);
            theta[i] = saved - h;
            double minus = referenceLoss(network, theta, x, y, n);
            theta[i] = saved;
            double numeric = (plus - minus) / (2 * h);
            double diff = Math.abs(numeric - grads[i]);
            worst = Math.max(worst, diff);
            assertTrue(diff <= 2e-4 + 1e-3 * Math.abs(numeric),
                    "parameter " + i + ": backprop " + grads[i] + " vs finite difference " + numeric);
        }
        System.out.printf("gradient check %s %s %s %s: %d parameters OK, max abs diff %.2e%n",
                backend, network.describe(), activation, output, theta.length, worst);
    }

    /** The mean loss in double precision, straight from the layer equations, with no kernel involved. */
    static double referenceLoss(Network network, double[] theta, float[] x, float[] y, int n) {
        double total = 0;
        int outputs = network.outputSize();
        for (int s = 0; s < n; s++) {
            double[] a = new double[network.inputSize()];
            for (int i = 0; i < a.length; i++) {
                a[i] = x[s * a.length + i];
            }
            double[] z = a;
            for (int l = 0; l < network.layerCount(); l++) {
                Layer layer = network.layer(l);
                z = new double[layer.out()];
                for (int o = 0; o < layer.out(); o++) {
                    double sum = theta[layer.biasOffset() + o];
                    for (int i = 0; i < layer.in(); i++) {
                        sum += theta[layer.weightOffset() + o * layer.in() + i] * a[i];
                    }
                    z[o] = sum;
                }
                if (l < network.layerCount() - 1) {
                    a = new double[z.length];
                    for (int o = 0; o < z.length; o++) {
                        a[o] = network.activation() == Activation.RELU ? Math.max(0, z[o]) : 1 / (1 + Math.exp(-z[o]));
                    }
                }
            }
            if (network.output() == Output.SIGMOID) {
                double p = 1 / (1 + Math.exp(-z[0]));
                double t = y[s];
                total -= t * Math.log(p) + (1 - t) * Math.log(1 - p);
            } else {
                double max = Double.NEGATIVE_INFINITY;
                for (double v : z) {
                    max = Math.max(max, v);
                }
                double sumExp = 0;
                for (double v : z) {
                    sumExp += Math.exp(v - max);
                }
                for (int c = 0; c < outputs; c++) {
                    total -= y[s * outputs + c] * (z[c] - max - Math.log(sumExp));
                }
            }
        }
        return total / n;
    }
}
