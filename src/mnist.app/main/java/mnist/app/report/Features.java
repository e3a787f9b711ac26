package mnist.app.report;

import java.util.ArrayList;
import java.util.List;
import mnist.data.LabeledImages;
import mnist.math.internal.ConvShape;
import mnist.math.internal.Kernels;
import mnist.model.internal.Backprop;
import mnist.model.internal.Network;
import mnist.model.internal.Stage;

/**
 * What a convolutional network's first layer learned, for a report: its filters, and the feature maps
 * it makes of a few test digits (its output, after the activation, one picture per channel).
 *
 * @param filters one per output channel, kernel x kernel, mapped to [0, 1] on one scale for all of
 *                them (0.5 is a zero weight; a filter over several input channels shows their mean)
 * @param digits  the test digits shown, each with its maps, mapped to [0, 1] by the digit's largest value
 */
public record Features(int kernel, List<float[]> filters, int mapRows, int mapCols, List<Digit> digits) {

    /** A test digit, its pixels in [0, 1], and the first layer's maps of it. */
    public record Digit(int index, int label, float[] pixels, List<float[]> maps) {
    }

    public Features {
        filters = List.copyOf(filters);
        digits = List.copyOf(digits);
    }

    /** The first convolution of {@code network} on the first {@code count} test images; null without one. */
    public static Features of(Network network, Kernels kernels, LabeledImages test, int count) {
        if (!network.hasFront() || !(network.stage(0) instanceof Stage.Conv conv) || test.size() == 0) {
            return null;
        }
        ConvShape s = conv.shape();
        float[] w = network.parameters();
        int k = s.kernel(), cells = k * k;
        double largest = 1e-12;
        for (int i = conv.weightOffset(); i < conv.biasOffset(); i++) {
            largest = Math.max(largest, Math.abs(w[i]));
        }
        List<float[]> filters = new ArrayList<>();
        for (int o = 0; o < s.out(); o++) {
            float[] f = new float[cells];
            for (int cell = 0; cell < cells; cell++) {
                double sum = 0;
                for (int i = 0; i < s.in(); i++) {
                    sum += w[conv.weightOffset() + (o * cells + cell) * s.in() + i];
                }
                f[cell] = (float) (0.5 + 0.5 * sum / s.in() / largest);
            }
            filters.add(f);
        }
        int n = Math.min(count, test.size()), features = test.features();
        float[] x = new float[n * features];
        for (int i = 0; i < n; i++) {
            test.copyImage(i, x, i * features);
        }
        Backprop backprop = new Backprop(network, kernels, n);
        backprop.forward(x, 0, n);
        float[] maps = backprop.stageOutput(0);
        int rows = s.outHeight(), cols = s.outWidth(), c = s.out(), size = rows * cols;
        List<Digit> digits = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float max = 1e-12f;
            for (int p = i * size * c; p < (i + 1) * size * c; p++) {
                max = Math.max(max, maps[p]);
            }
            List<float[]> channels = new ArrayList<>();
            for (int ch = 0; ch < c; ch++) {
                float[] m = new float[size];
                for (int p = 0; p < size; p++) {
                    m[p] = Math.max(0f, maps[(i * size + p) * c + ch]) / max;   // (n, h, w, c): channels last
                }
                channels.add(m);
            }
            digits.add(new Digit(i, test.label(i), test.image(i), channels));
        }
        return new Features(k, filters, rows, cols, digits);
    }
}
