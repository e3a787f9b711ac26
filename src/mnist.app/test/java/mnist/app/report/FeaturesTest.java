package mnist.app.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.SplittableRandom;
import mnist.data.LabeledImages;
import mnist.data.Mnist;
import mnist.math.Backend;
import mnist.math.internal.Kernels;
import mnist.model.Activation;
import mnist.model.internal.Network;
import mnist.model.internal.Stage;
import org.junit.jupiter.api.Test;

/** The report's pictures of a first convolution: its filters, and its maps of test digits, against a direct computation. */
class FeaturesTest {

    @Test
    void filtersAreTheWeightsOnOneScaleAndMapsAreTheLayersOutput() throws Exception {
        LabeledImages test = Mnist.loadBundled().test().subset(0, 4);
        Network network = Network.parse("conv3x4,pool2,dense8", 1, 28, 28, 10, Activation.RELU);
        float[] w = network.parameters();
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) r.nextGaussian() * 0.3f;
        }
        Stage.Conv conv = (Stage.Conv) network.stage(0);
        w[conv.weightOffset() + 4] = 0f;                      // filter 0, the middle of its 3x3
        try (Kernels kernels = Kernels.create(Backend.SIMD, 2)) {
            Features f = Features.of(network, kernels, test, 3);
            assertEquals(4, f.filters().size());
            assertEquals(3, f.digits().size());
            assertEquals(0.5f, f.filters().get(0)[4], 1e-6f, "a zero weight is mid grey");
            double largest = 0;
            for (int i = conv.weightOffset(); i < conv.biasOffset(); i++) {
                largest = Math.max(largest, Math.abs(w[i]));
            }
            assertEquals(0.5 + 0.5 * w[conv.weightOffset() + 2 * 9 + 7] / largest, f.filters().get(2)[7], 1e-6);
            // map of filter ch at (row, col) of digit d: relu(b + Σ w · x), over the digit's largest value
            float[] x = test.image(1);
            double[][][] out = new double[28][28][4];
            double max = 0;
            for (int row = 0; row < 28; row++) {
                for (int col = 0; col < 28; col++) {
                    for (int ch = 0; ch < 4; ch++) {
                        double sum = w[conv.biasOffset() + ch];
                        for (int u = 0; u < 3; u++) {
                            for (int v = 0; v < 3; v++) {
                                int yr = row + u - 1, xc = col + v - 1;
                                if (yr >= 0 && yr < 28 && xc >= 0 && xc < 28) {
                                    sum += w[conv.weightOffset() + ch * 9 + u * 3 + v] * x[yr * 28 + xc];
                                }
                            }
                        }
                        out[row][col][ch] = Math.max(0, sum);
                        max = Math.max(max, out[row][col][ch]);
                    }
                }
            }
            Features.Digit d = f.digits().get(1);
            assertEquals(test.label(1), d.label());
            for (int ch = 0; ch < 4; ch++) {
                for (int p = 0; p < 28 * 28; p += 37) {
                    assertEquals(out[p / 28][p % 28][ch] / max, d.maps().get(ch)[p], 1e-5, "map " + ch + " at " + p);
                }
            }
        }
        assertNull(Features.of(new Network(new int[] {784, 10}, Activation.RELU, mnist.model.internal.Output.SOFTMAX),
                Kernels.create(Backend.SCALAR, 1), test, 3), "no convolution, no pictures");
    }
}
