package mnist.model.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import mnist.math.Backend;
import mnist.math.internal.Kernels;
import mnist.model.Activation;
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
        check(backend, new Network(sizes, activation, output), random, 11);
    }

    /** Networks with convolutions ('same' and 'valid', odd sizes, several channels) and poolings (odd sizes). */
    static Stream<Arguments> layered() {
        return Stream.of(Backend.values()).flatMap(backend -> Stream.of(
                Arguments.of(backend, "conv3x2,pool2,dense5", new int[] {1, 7, 6}, Activation.RELU),
                Arguments.of(backend, "conv3x3:valid,conv1x2,pool2", new int[] {2, 6, 7}, Activation.SIGMOID),
                Arguments.of(backend, "conv5x2,pool2,conv3x3,dense4", new int[] {1, 9, 9}, Activation.RELU),
                Arguments.of(backend, "pool2,conv3x2:valid", new int[] {3, 9, 8}, Activation.RELU),
                Arguments.of(backend, "conv3x4,conv3x3,pool2,pool2", new int[] {1, 11, 10}, Activation.SIGMOID)));
    }

    @ParameterizedTest(name = "{0} {1} on {2}")
    @MethodSource("layered")
    void layeredBackwardMatchesFiniteDifferences(Backend backend, String layers, int[] chw, Activation activation) {
        SplittableRandom random = new SplittableRandom(layers.hashCode());
        check(backend, Network.parse(layers, chw[0], chw[1], chw[2], 3, activation), random, 5);
    }

    private static void check(Backend backend, Network network, SplittableRandom random, int n) {
        Output output = network.output();
        Activation activation = network.activation();
        float[] params = network.parameters();
        for (int i = 0; i < params.length; i++) {
            params[i] = (float) (random.nextGaussian() * 0.7);
        }
        int inputs = network.inputSize();
        int outputs = network.outputSize();
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

    /**
     * The front of one sample in double, channels last: each convolution from its definition, then the
     * activation; each 2x2 pooling the maximum of its window.
     */
    static double[] front(Network network, double[] theta, double[] x) {
        for (int s = 0; s < network.stageCount(); s++) {
            Stage stage = network.stage(s);
            if (stage instanceof Stage.Conv conv) {
                mnist.math.internal.ConvShape c = conv.shape();
                int k = c.kernel(), pad = c.pad(), ow = c.outWidth();
                double[] y = new double[c.outSize()];
                for (int r = 0; r < c.outHeight(); r++) {
                    for (int col = 0; col < ow; col++) {
                        for (int o = 0; o < c.out(); o++) {
                            double sum = theta[conv.biasOffset() + o];
                            for (int u = 0; u < k; u++) {
                                for (int v = 0; v < k; v++) {
                                    int xr = r + u - pad, xc = col + v - pad;
                                    if (xr < 0 || xr >= c.height() || xc < 0 || xc >= c.width()) {
                                        continue;
                                    }
                                    for (int i = 0; i < c.in(); i++) {
                                        sum += theta[conv.weightOffset() + ((o * k + u) * k + v) * c.in() + i]
                                                * x[(xr * c.width() + xc) * c.in() + i];
                                    }
                                }
                            }
                            y[(r * ow + col) * c.out() + o] = network.activation() == Activation.RELU
                                    ? Math.max(0, sum) : 1 / (1 + Math.exp(-sum));
                        }
                    }
                }
                x = y;
            } else {
                Stage.Pool p = (Stage.Pool) stage;
                int ch = p.channels(), w = p.width(), oh = p.height() / 2, ow = p.width() / 2;
                double[] y = new double[p.outSize()];
                for (int r = 0; r < oh; r++) {
                    for (int col = 0; col < ow; col++) {
                        for (int c = 0; c < ch; c++) {
                            double m = Double.NEGATIVE_INFINITY;
                            for (int u = 0; u < 2; u++) {
                                for (int v = 0; v < 2; v++) {
                                    m = Math.max(m, x[((2 * r + u) * w + 2 * col + v) * ch + c]);
                                }
                            }
                            y[(r * ow + col) * ch + c] = m;
                        }
                    }
                }
                x = y;
            }
        }
        return x;
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
            a = front(network, theta, a);
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
