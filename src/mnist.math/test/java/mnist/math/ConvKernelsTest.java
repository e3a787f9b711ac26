package mnist.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * 2-D convolution and 2x2 max-pooling: both backends against a naive reference in double, whose
 * gradients are checked against finite differences of its forward pass; every sample or output-channel
 * range gives the bits of the whole call; SIMD and scalar agree.
 */
class ConvKernelsTest {

    /** (in, height, width, out, kernel, pad): MNIST's first layers, odd sizes, 'valid' and 'same', 1x1. */
    private static final ConvShape[] SHAPES = {
        new ConvShape(1, 28, 28, 8, 5, 2),
        new ConvShape(3, 7, 5, 4, 3, 1),
        new ConvShape(2, 6, 9, 17, 3, 0),
        new ConvShape(1, 5, 5, 1, 1, 0),
        new ConvShape(4, 11, 13, 3, 5, 2),
    };
    private static final int N = 3;

    private static float[] random(Random r, int len) {
        float[] a = new float[len];
        for (int i = 0; i < len; i++) {
            a[i] = r.nextFloat() * 2 - 1;
        }
        return a;
    }

    // ---- the reference, in double, straight from the definition ------------------------------------

    private static double input(double[] x, int xOff, ConvShape s, int i, int r, int c) {
        return r < 0 || r >= s.height() || c < 0 || c >= s.width() ? 0 : x[xOff + (i * s.height() + r) * s.width() + c];
    }

    private static int weight(ConvShape s, int o, int i, int u, int v) {
        return ((o * s.in() + i) * s.kernel() + u) * s.kernel() + v;
    }

    static double[] forward(double[] x, double[] w, double[] b, ConvShape s, int n) {
        int oh = s.outHeight(), ow = s.outWidth();
        double[] y = new double[n * s.outSize()];
        for (int q = 0; q < n; q++) {
            for (int o = 0; o < s.out(); o++) {
                for (int r = 0; r < oh; r++) {
                    for (int c = 0; c < ow; c++) {
                        double sum = b[o];
                        for (int i = 0; i < s.in(); i++) {
                            for (int u = 0; u < s.kernel(); u++) {
                                for (int v = 0; v < s.kernel(); v++) {
                                    sum += w[weight(s, o, i, u, v)]
                                            * input(x, q * s.inSize(), s, i, r + u - s.pad(), c + v - s.pad());
                                }
                            }
                        }
                        y[q * s.outSize() + (o * oh + r) * ow + c] = sum;
                    }
                }
            }
        }
        return y;
    }

    /** dx, dw and db of the loss Σ dy ⊙ y (dw and db not scaled). */
    static double[][] backward(double[] x, double[] w, double[] dy, ConvShape s, int n) {
        int oh = s.outHeight(), ow = s.outWidth();
        double[] dx = new double[n * s.inSize()], dw = new double[s.weights()], db = new double[s.out()];
        for (int q = 0; q < n; q++) {
            for (int o = 0; o < s.out(); o++) {
                for (int r = 0; r < oh; r++) {
                    for (int c = 0; c < ow; c++) {
                        double g = dy[q * s.outSize() + (o * oh + r) * ow + c];
                        db[o] += g;
                        for (int i = 0; i < s.in(); i++) {
                            for (int u = 0; u < s.kernel(); u++) {
                                for (int v = 0; v < s.kernel(); v++) {
                                    int xr = r + u - s.pad(), xc = c + v - s.pad();
                                    if (xr < 0 || xr >= s.height() || xc < 0 || xc >= s.width()) {
                                        continue;
                                    }
                                    int xi = q * s.inSize() + (i * s.height() + xr) * s.width() + xc;
                                    dw[weight(s, o, i, u, v)] += g * x[xi];
                                    dx[xi] += g * w[weight(s, o, i, u, v)];
                                }
                            }
                        }
                    }
                }
            }
        }
        return new double[][] {dx, dw, db};
    }

    private static double[] doubles(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /** Compares with a tolerance relative to the largest magnitude, naming the index and both values. */
    private static void close(double[] expected, float[] actual, String what) {
        double scale = 1e-30;
        for (double e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        for (int i = 0; i < expected.length; i++) {
            if (Math.abs(expected[i] - actual[i]) > 2e-5 * scale) {
                throw new AssertionError(what + ": element " + i + " is " + actual[i] + ", expected " + expected[i]);
            }
        }
    }

    @Test
    void theReferenceGradientsAreTheFiniteDifferencesOfItsForwardPass() {
        Random r = new Random(1);
        for (ConvShape s : SHAPES) {
            int n = 2;
            double[] x = doubles(random(r, n * s.inSize())), w = doubles(random(r, s.weights()));
            double[] b = doubles(random(r, s.out())), dy = doubles(random(r, n * s.outSize()));
            double[][] g = backward(x, w, dy, s, n);
            double h = 1e-4;
            for (int trial = 0; trial < 12; trial++) {
                double[][] params = {x, w, b};
                int which = trial % 3;
                double[] p = params[which];
                int at = r.nextInt(p.length);
                double keep = p[at];
                p[at] = keep + h;
                double up = dot(dy, forward(x, w, b, s, n));
                p[at] = keep - h;
                double down = dot(dy, forward(x, w, b, s, n));
                p[at] = keep;
                double numeric = (up - down) / (2 * h);
                assertEquals(numeric, g[which][at], 1e-7 * Math.max(1, Math.abs(numeric)),
                        s + ": d loss / d " + new String[] {"x", "w", "b"}[which] + "[" + at + "]");
            }
        }
    }

    @Test
    void bothBackendsComputeTheReference() {
        for (Backend backend : Backend.values()) {
            try (Kernels k = Kernels.create(backend, 1)) {
                Random r = new Random(2);
                for (ConvShape s : SHAPES) {
                    float[] x = random(r, N * s.inSize()), w = random(r, 3 + s.weights()), b = random(r, s.out());
                    float[] dy = random(r, N * s.outSize());
                    float[] wAt = java.util.Arrays.copyOfRange(w, 3, w.length);
                    float[] y = new float[N * s.outSize()];
                    k.conv2dForward(y, x, w, 3, b, 0, s, N, 0, N);
                    close(forward(doubles(x), doubles(wAt), doubles(b), s, N), y, backend.id() + " forward " + s);

                    double[][] g = backward(doubles(x), doubles(wAt), doubles(dy), s, N);
                    float[] dx = random(r, N * s.inSize());     // overwritten, not added to
                    k.conv2dInputGrad(dx, dy, w, 3, s, N, 0, N);
                    close(g[0], dx, backend.id() + " input gradient " + s);
                    float[] dw = random(r, 2 + s.weights()), db = random(r, s.out());
                    k.conv2dWeightGrad(dw, 2, db, 0, dy, x, s, N, 0.5f, 0, s.out());
                    double[] dwHalf = new double[s.weights()], dbHalf = new double[s.out()];
                    for (int i = 0; i < dwHalf.length; i++) {
                        dwHalf[i] = 0.5 * g[1][i];
                    }
                    for (int o = 0; o < dbHalf.length; o++) {
                        dbHalf[o] = 0.5 * g[2][o];
                    }
                    close(dwHalf, java.util.Arrays.copyOfRange(dw, 2, dw.length), backend.id() + " weight gradient " + s);
                    close(dbHalf, db, backend.id() + " bias gradient " + s);
                }
                System.out.printf("convolution, %s: OK, %d shapes against the reference (forward, input, weight and "
                        + "bias gradients)%n", backend.id(), SHAPES.length);
            }
        }
    }

    @Test
    void rangesGiveTheBitsOfTheWholeCallAndBothBackendsAgree() {
        Random r = new Random(3);
        for (ConvShape s : SHAPES) {
            int n = 5;
            float[] x = random(r, n * s.inSize()), w = random(r, s.weights()), b = random(r, s.out());
            float[] dy = random(r, n * s.outSize());
            float[][] ys = new float[2][], dxs = new float[2][], dws = new float[2][];
            for (Backend backend : Backend.values()) {
                try (Kernels k = Kernels.create(backend, 1)) {
                    float[] y = new float[n * s.outSize()], yRanges = new float[n * s.outSize()];
                    float[] dx = new float[n * s.inSize()], dxRanges = new float[n * s.inSize()];
                    k.conv2dForward(y, x, w, 0, b, 0, s, n, 0, n);
                    k.conv2dInputGrad(dx, dy, w, 0, s, n, 0, n);
                    int cut = 1 + r.nextInt(n - 1);
                    k.conv2dForward(yRanges, x, w, 0, b, 0, s, n, cut, n);
                    k.conv2dForward(yRanges, x, w, 0, b, 0, s, n, 0, cut);
                    k.conv2dInputGrad(dxRanges, dy, w, 0, s, n, 0, cut);
                    k.conv2dInputGrad(dxRanges, dy, w, 0, s, n, cut, n);
                    assertArrayEquals(y, yRanges, backend.id() + " " + s + ": forward by sample ranges");
                    assertArrayEquals(dx, dxRanges, backend.id() + " " + s + ": input gradient by sample ranges");

                    float[] dw = new float[s.weights()], dwRanges = new float[s.weights()];
                    float[] db = new float[s.out()], dbRanges = new float[s.out()];
                    k.conv2dWeightGrad(dw, 0, db, 0, dy, x, s, n, 0.2f, 0, s.out());
                    int oc = r.nextInt(s.out() + 1);
                    k.conv2dWeightGrad(dwRanges, 0, dbRanges, 0, dy, x, s, n, 0.2f, oc, s.out());
                    k.conv2dWeightGrad(dwRanges, 0, dbRanges, 0, dy, x, s, n, 0.2f, 0, oc);
                    assertArrayEquals(dw, dwRanges, backend.id() + " " + s + ": weight gradient by output ranges");
                    assertArrayEquals(db, dbRanges, backend.id() + " " + s + ": bias gradient by output ranges");
                    int b2 = backend.ordinal();
                    ys[b2] = y;
                    dxs[b2] = dx;
                    dws[b2] = dw;
                }
            }
            assertArrayEquals(ys[0], ys[1], s + ": SIMD and scalar forward");
            assertArrayEquals(dxs[0], dxs[1], s + ": SIMD and scalar input gradient");
            assertArrayEquals(dws[0], dws[1], s + ": SIMD and scalar weight gradient");
        }
        System.out.printf("convolution: OK, %d shapes, sample and output ranges bit for bit, SIMD = scalar bit for bit%n",
                SHAPES.length);
    }

    @Test
    void maxPoolingKeepsTheFirstMaximumOfEachWindowAndRoutesTheGradientThere() {
        for (Backend backend : Backend.values()) {
            try (Kernels k = Kernels.create(backend, 1)) {
                Random r = new Random(4);
                int[][] sizes = {{1, 4, 4}, {3, 5, 7}, {2, 28, 28}, {1, 1, 3}};
                for (int[] size : sizes) {
                    int c = size[0], h = size[1], w = size[2], n = 2, oh = h / 2, ow = w / 2;
                    float[] x = new float[n * c * h * w];
                    for (int i = 0; i < x.length; i++) {
                        x[i] = r.nextInt(5);      // few values: ties are common
                    }
                    float[] y = new float[n * c * oh * ow];
                    int[] arg = new int[y.length];
                    k.maxPool2(y, arg, x, c, h, w, n, 0, n);
                    for (int plane = 0; plane < n * c; plane++) {
                        for (int pr = 0; pr < oh; pr++) {
                            for (int pc = 0; pc < ow; pc++) {
                                int o = (plane * oh + pr) * ow + pc, best = -1;
                                for (int u = 0; u < 2; u++) {
                                    for (int v = 0; v < 2; v++) {
                                        int xi = (plane * h + 2 * pr + u) * w + 2 * pc + v;
                                        if (best < 0 || x[xi] > x[best]) {
                                            best = xi;
                                        }
                                    }
                                }
                                assertEquals(best, arg[o], backend.id() + ": the first maximum of window " + o);
                                assertEquals(x[best], y[o]);
                            }
                        }
                    }
                    float[] dy = random(r, y.length), dx = random(r, x.length);
                    k.maxPool2Backward(dx, dy, arg, c, h, w, n, 0, n);
                    float[] expected = new float[x.length];
                    for (int o = 0; o < y.length; o++) {
                        expected[arg[o]] = dy[o];
                    }
                    assertArrayEquals(expected, dx, backend.id() + ": the gradient goes to the maxima, 0 elsewhere");
                }
            }
        }
    }

    @Test
    void shapesThatDoNotFitAreRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ConvShape(1, 3, 3, 4, 5, 0));
        assertEquals("a 5x5 kernel does not fit 3x3 with padding 0", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ConvShape(0, 28, 28, 4, 5, 2));
        ConvShape s = new ConvShape(1, 28, 28, 8, 5, 2);
        assertEquals(28, s.outHeight());
        assertEquals(8 * 28 * 28, s.outSize());
        assertEquals(200, s.weights());
        try (Kernels k = Kernels.create(Backend.SCALAR, 1)) {
            float[] small = new float[10];
            assertThrows(IndexOutOfBoundsException.class,
                    () -> k.conv2dForward(small, small, small, 0, null, 0, s, 1, 0, 1));
        }
    }
}
