package mnist.math.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import mnist.math.Backend;
import org.junit.jupiter.api.Test;

/**
 * 2-D convolution (im2col, then the dense kernels over the unrolled rows; channels last) and 2x2
 * max-pooling: both backends against a naive reference in double, whose gradients are checked against
 * finite differences of its forward pass; every sample range gives the bits of the whole call.
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
        return r < 0 || r >= s.height() || c < 0 || c >= s.width() ? 0 : x[xOff + (r * s.width() + c) * s.in() + i];
    }

    /** w (out, kernel, kernel, in). */
    private static int weight(ConvShape s, int o, int i, int u, int v) {
        return ((o * s.kernel() + u) * s.kernel() + v) * s.in() + i;
    }

    /** y (n, outHeight, outWidth, out). */
    private static int output(ConvShape s, int q, int o, int r, int c) {
        return q * s.outSize() + (r * s.outWidth() + c) * s.out() + o;
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
                        y[output(s, q, o, r, c)] = sum;
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
                        double g = dy[output(s, q, o, r, c)];
                        db[o] += g;
                        for (int i = 0; i < s.in(); i++) {
                            for (int u = 0; u < s.kernel(); u++) {
                                for (int v = 0; v < s.kernel(); v++) {
                                    int xr = r + u - s.pad(), xc = c + v - s.pad();
                                    if (xr < 0 || xr >= s.height() || xc < 0 || xc >= s.width()) {
                                        continue;
                                    }
                                    int xi = q * s.inSize() + (xr * s.width() + xc) * s.in() + i;
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

    // ---- the convolution as the trainer runs it: im2col and the dense kernels ---------------------------

    private static void convForward(Kernels k, float[] y, float[] x, float[] w, int wOff, float[] b, ConvShape s, int n,
                                    int r0, int r1) {
        float[] cols = new float[n * s.positions() * s.terms()];
        k.im2col(cols, x, s, n, r0, r1);
        k.linearForwardRows(y, cols, w, wOff, b, 0, n * s.positions(), s.terms(), s.out(), r0 * s.positions(),
                r1 * s.positions());
    }

    private static void convInputGrad(Kernels k, float[] dx, float[] dy, float[] w, int wOff, ConvShape s, int n,
                                      int r0, int r1) {
        float[] dcols = new float[n * s.positions() * s.terms()];
        k.linearInputGradRows(dcols, dy, w, wOff, n * s.positions(), s.terms(), s.out(), r0 * s.positions(),
                r1 * s.positions());
        k.col2im(dx, dcols, s, n, r0, r1);
    }

    private static void convWeightGrad(Kernels k, float[] dw, int dwOff, float[] db, float[] dy, float[] x, ConvShape s,
                                       int n, float scale) {
        float[] cols = new float[n * s.positions() * s.terms()];
        k.im2col(cols, x, s, n, 0, n);
        k.linearWeightGrad(dw, dwOff, dy, cols, 0, n * s.positions(), s.terms(), s.out(), scale);
        k.linearBiasGrad(db, 0, dy, n * s.positions(), s.out(), scale);
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
                    convForward(k, y, x, w, 3, b, s, N, 0, N);
                    close(forward(doubles(x), doubles(wAt), doubles(b), s, N), y, backend.id() + " forward " + s);

                    double[][] g = backward(doubles(x), doubles(wAt), doubles(dy), s, N);
                    float[] dx = random(r, N * s.inSize());     // overwritten, not added to
                    convInputGrad(k, dx, dy, w, 3, s, N, 0, N);
                    close(g[0], dx, backend.id() + " input gradient " + s);
                    float[] dw = random(r, 2 + s.weights()), db = random(r, s.out());
                    convWeightGrad(k, dw, 2, db, dy, x, s, N, 0.5f);
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
    void sampleRangesGiveTheBitsOfTheWholeCall() {
        Random r = new Random(3);
        for (ConvShape s : SHAPES) {
            int n = 5;
            float[] x = random(r, n * s.inSize()), w = random(r, s.weights()), b = random(r, s.out());
            float[] dy = random(r, n * s.outSize());
            for (Backend backend : Backend.values()) {
                try (Kernels k = Kernels.create(backend, 1)) {
                    float[] y = new float[n * s.outSize()], yRanges = new float[n * s.outSize()];
                    float[] dx = new float[n * s.inSize()], dxRanges = random(r, n * s.inSize());
                    convForward(k, y, x, w, 0, b, s, n, 0, n);
                    convInputGrad(k, dx, dy, w, 0, s, n, 0, n);
                    int cut = 1 + r.nextInt(n - 1);
                    convForward(k, yRanges, x, w, 0, b, s, n, cut, n);
                    convForward(k, yRanges, x, w, 0, b, s, n, 0, cut);
                    convInputGrad(k, dxRanges, dy, w, 0, s, n, 0, cut);
                    convInputGrad(k, dxRanges, dy, w, 0, s, n, cut, n);
                    assertArrayEquals(y, yRanges, backend.id() + " " + s + ": forward by sample ranges");
                    assertArrayEquals(dx, dxRanges, backend.id() + " " + s + ": input gradient by sample ranges");
                }
            }
        }
        System.out.printf("convolution: OK, %d shapes, sample ranges bit for bit%n", SHAPES.length);
    }

    /** The direct kernels' shapes: SHAPES, the first layer of cnn (32 channels), 24 channels (a vector and a half with AVX-512), odd channel counts. */
    private static final ConvShape[] DIRECT_SHAPES = java.util.stream.Stream.concat(java.util.Arrays.stream(SHAPES),
            java.util.stream.Stream.of(new ConvShape(1, 28, 28, 24, 5, 0), new ConvShape(1, 28, 28, 32, 5, 0),
                    new ConvShape(1, 12, 9, 20, 3, 1), new ConvShape(2, 10, 10, 12, 3, 1))).toArray(ConvShape[]::new);

    @Test
    void theDirectConvolutionIsTheUnrolledOneBitForBit() {
        Random r = new Random(7);
        for (ConvShape s : DIRECT_SHAPES) {
            int n = 3, terms = s.terms();
            float[] x = random(r, n * s.inSize()), w = random(r, 1 + s.weights()), b = random(r, 2 + s.out());
            float[] dy = random(r, n * s.outSize());
            float[] wAt = java.util.Arrays.copyOfRange(w, 1, w.length), bAt = java.util.Arrays.copyOfRange(b, 2, b.length);
            double[] expected = forward(doubles(x), doubles(wAt), doubles(bAt), s, n);
            double[][] g = backward(doubles(x), doubles(wAt), doubles(dy), s, n);
            double[] dwThird = new double[s.weights()];
            for (int i = 0; i < dwThird.length; i++) {
                dwThird[i] = g[1][i] / 3;
            }
            float[][] ys = new float[2][], dws = new float[2][];
            for (Backend backend : Backend.values()) {
                try (Kernels k = Kernels.create(backend, 1)) {
                    String what = backend.id() + " " + s;
                    float[] y = random(r, n * s.outSize()), dw = random(r, 4 + s.weights());
                    k.convForward(y, x, w, 1, b, 2, s, n, 0, n);
                    close(expected, y, what + ": direct forward");
                    float[] before = dw.clone();
                    k.convWeightGrad(dw, 4, dy, x, s, n, 1f / 3, 0, terms);
                    assertArrayEquals(java.util.Arrays.copyOf(before, 4), java.util.Arrays.copyOf(dw, 4),
                            what + ": what is before dwOff untouched");
                    close(dwThird, java.util.Arrays.copyOfRange(dw, 4, dw.length), what + ": direct weight gradient");

                    // by sample ranges and by term ranges: the same bits
                    float[] yRanges = new float[y.length], dwRanges = dw.clone();
                    int cut = 1 + r.nextInt(n - 1), tcut = r.nextInt(terms + 1);
                    k.convForward(yRanges, x, w, 1, b, 2, s, n, cut, n);
                    k.convForward(yRanges, x, w, 1, b, 2, s, n, 0, cut);
                    assertArrayEquals(y, yRanges, what + ": direct forward by sample ranges");
                    java.util.Arrays.fill(dwRanges, 4, dwRanges.length, Float.NaN);
                    k.convWeightGrad(dwRanges, 4, dy, x, s, n, 1f / 3, tcut, terms);
                    k.convWeightGrad(dwRanges, 4, dy, x, s, n, 1f / 3, 0, tcut);
                    assertArrayEquals(dw, dwRanges, what + ": direct weight gradient by term ranges");
                    ys[backend.ordinal()] = y;
                    dws[backend.ordinal()] = java.util.Arrays.copyOfRange(dw, 4, dw.length);
                }
            }
            assertArrayEquals(ys[0], ys[1], s + ": the direct forward, SIMD against scalar");
            assertArrayEquals(dws[0], dws[1], s + ": the direct weight gradient, SIMD against scalar");
            // the scalar twin's unrolled convolution adds in the same order: the same bits
            try (Kernels k = Kernels.create(Backend.SCALAR, 1)) {
                float[] y = new float[n * s.outSize()];
                convForward(k, y, x, w, 1, java.util.Arrays.copyOfRange(b, 2, b.length), s, n, 0, n);
                assertArrayEquals(y, ys[1], s + ": the direct forward against im2col and linearForward");
                float[] cols = new float[n * s.positions() * terms], dw = new float[4 + s.weights()];
                k.im2col(cols, x, s, n, 0, n);
                k.linearWeightGrad(dw, 4, dy, cols, 0, n * s.positions(), terms, s.out(), 1f / 3, 0, s.out());
                assertArrayEquals(java.util.Arrays.copyOfRange(dw, 4, dw.length), dws[1],
                        s + ": the direct weight gradient against im2col and linearWeightGrad");
            }
        }
        System.out.printf("direct convolution: OK, %d shapes, SIMD = scalar = unrolled, bit for bit, by sample and term ranges%n",
                DIRECT_SHAPES.length);
    }

    @Test
    void col2imIsTheAdjointOfIm2col() {
        Random r = new Random(5);
        try (Kernels k = Kernels.create(Backend.SIMD, 1)) {
            for (ConvShape s : SHAPES) {
                int n = 2;
                float[] x = random(r, n * s.inSize()), c = random(r, n * s.positions() * s.terms());
                float[] cols = new float[c.length], back = new float[x.length];
                k.im2col(cols, x, s, n, 0, n);
                k.col2im(back, c, s, n, 0, n);
                // <im2col(x), c> = <x, col2im(c)>
                assertEquals(dot(doubles(cols), doubles(c)), dot(doubles(x), doubles(back)), 1e-3, s.toString());
            }
        }
    }

    @Test
    void maxPoolingKeepsTheFirstMaximumOfEachWindowAndRoutesTheGradientThere() {
        for (Backend backend : Backend.values()) {
            try (Kernels k = Kernels.create(backend, 1)) {
                Random r = new Random(4);
                int[][] sizes = {{1, 4, 4}, {3, 5, 7}, {2, 28, 28}, {1, 1, 3}, {19, 6, 5}, {32, 4, 4}};   // 19, 32: vectors and tails
                for (int[] size : sizes) {
                    int c = size[0], h = size[1], w = size[2], n = 2, oh = h / 2, ow = w / 2;
                    float[] x = new float[n * c * h * w];      // (n, h, w, c)
                    for (int i = 0; i < x.length; i++) {
                        x[i] = r.nextInt(5);      // few values: ties are common
                    }
                    float[] y = new float[n * c * oh * ow];
                    int[] arg = new int[y.length];
                    k.maxPool2(y, arg, x, c, h, w, n, 0, n);
                    for (int plane = 0; plane < n * c; plane++) {
                        int q = plane / c, ch = plane % c;
                        for (int pr = 0; pr < oh; pr++) {
                            for (int pc = 0; pc < ow; pc++) {
                                int o = ((q * oh + pr) * ow + pc) * c + ch, best = -1;
                                for (int u = 0; u < 2; u++) {
                                    for (int v = 0; v < 2; v++) {
                                        int xi = ((q * h + 2 * pr + u) * w + 2 * pc + v) * c + ch;
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
            assertThrows(IndexOutOfBoundsException.class, () -> k.im2col(small, small, s, 1, 0, 1));
            assertThrows(IndexOutOfBoundsException.class, () -> k.col2im(small, small, s, 1, 0, 1));
        }
    }
}
