package mnist.math.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import mnist.math.Backend;
import org.junit.jupiter.api.Test;

/**
 * The first layer on sparse inputs: {@link SparseBatch} against the dense rows it holds, and the sparse
 * kernels against the dense ones (the same bits: a zero term leaves a chain of fused multiply-adds as it
 * was) and against {@link ReferenceKernels}, over awkward sizes, densities and thread counts.
 */
class SparseKernelsTest {

    private static final int[] NS = {1, 2, 3, 7, 48, 50, 129};
    private static final int[] INS = {1, 3, 17, 64, 784};
    private static final double[] DENSITIES = {0, 0.05, 0.19, 1};

    /** Rows whose entries are non-zero with probability density, values in (0, 1]. */
    static float[] sparseRows(Random r, int n, int in, double density) {
        float[] x = new float[n * in];
        for (int i = 0; i < x.length; i++) {
            if (r.nextDouble() < density) {
                x[i] = 1 - r.nextFloat();
            }
        }
        return x;
    }

    @Test
    void batchHoldsTheNonZerosByRowAndByColumn() {
        Random r = new Random(3);
        SparseBatch b = new SparseBatch(37, 1, 1);   // grows as rows are added
        for (double density : DENSITIES) {
            int n = 1 + r.nextInt(40);
            float[] x = sparseRows(r, n, 37, density);
            b.clear();
            for (int i = 0; i < n; i++) {
                b.addRow(x, i * 37);
            }
            b.finish();
            float[] byRows = new float[n * 37], byCols = new float[n * 37];
            for (int i = 0; i < n; i++) {
                int last = -1;
                for (int e = b.rowStart()[i]; e < b.rowStart()[i + 1]; e++) {
                    int k = b.rowCol()[e];
                    assertEquals(true, k > last, "columns increase within a row");
                    last = k;
                    byRows[i * 37 + k] = b.rowValue()[e];
                }
            }
            for (int k = 0; k < 37; k++) {
                int last = -1;
                for (int e = b.colStart()[k]; e < b.colStart()[k + 1]; e++) {
                    int i = b.colRow()[e];
                    assertEquals(true, i > last, "rows increase within a column");
                    last = i;
                    byCols[i * 37 + k] = b.colValue()[e];
                }
            }
            assertArrayEquals(x, byRows, "rows, density " + density);
            assertArrayEquals(x, byCols, "columns, density " + density);
            int nonZero = 0;
            for (float v : x) {
                nonZero += v != 0 ? 1 : 0;
            }
            assertEquals(nonZero, b.nonZeros());
            assertEquals(n, b.rows());
        }
    }

    @Test
    void pixelBytesGiveTheValuesOfTheirFloats() {
        Random r = new Random(4);
        for (int cols : new int[] {1, 7, 8, 9, 784}) {
            byte[] pixels = new byte[5 * cols];
            float[] floats = new float[5 * cols];
            for (int p = 0; p < pixels.length; p++) {
                int v = r.nextDouble() < 0.3 ? r.nextInt(256) : 0;
                pixels[p] = (byte) v;
                floats[p] = v / 255f;
            }
            SparseBatch fromBytes = new SparseBatch(cols, 5, 0);
            SparseBatch fromFloats = SparseBatch.of(floats, 0, 5, cols);
            fromBytes.clear();
            for (int i = 0; i < 5; i++) {
                fromBytes.addRow(pixels, i * cols, 255f);
            }
            fromBytes.finish();
            assertEquals(fromFloats.nonZeros(), fromBytes.nonZeros(), "cols " + cols);
            for (int e = 0; e < fromFloats.nonZeros(); e++) {
                assertEquals(fromFloats.rowCol()[e], fromBytes.rowCol()[e]);
                assertEquals(fromFloats.rowValue()[e], fromBytes.rowValue()[e]);
                assertEquals(fromFloats.colRow()[e], fromBytes.colRow()[e]);
            }
        }
    }

    @Test
    void unfinishedBatchesAndPartialPanelsAreRefused() {
        try (Kernels k = Kernels.create(Backend.SCALAR, 1)) {
            SparseBatch b = new SparseBatch(4, 1, 4);
            b.clear();
            b.addRow(new float[] {1, 0, 0, 2}, 0);
            int out = k.sparsePanel();
            float[] w = new float[4 * out];
            assertThrows(IllegalStateException.class, () -> k.sparseLinearForward(new float[out], b, w, 0, null, 0, out));
            b.finish();
            assertThrows(IllegalArgumentException.class,
                    () -> k.sparseLinearForward(new float[out + 1], b, new float[4 * (out + 1)], 0, null, 0, out + 1));
        }
    }

    @Test
    void panelsRoundTrip() {
        for (Backend backend : TestData.backends()) {
            try (Kernels k = Kernels.create(backend, 2)) {
                Random r = new Random(5);
                int out = 3 * k.sparsePanel(), in = 29;
                float[] w = TestData.uniform(r, 2 + out * in, -1, 1);
                float[] wp = new float[1 + out * in];
                k.packPanels(wp, 1, w, 2, out, in);
                // wp[(p·in + k)·P + j] = w[p·P + j][k]
                int pw = k.sparsePanel();
                assertEquals(w[2 + (pw + 3) * in + 5], wp[1 + (in + 5) * pw + 3]);
                float[] back = new float[2 + out * in];
                k.unpackPanels(back, 2, wp, 1, out, in);
                for (int i = 2; i < back.length; i++) {
                    assertEquals(w[i], back[i], "index " + i);
                }
            }
        }
    }

    /**
     * A batch as large as the lecture's goes through the weight gradient in blocks of rows: still the same
     * bits. With one panel (the lecture's 64 outputs with AVX-512) or two, at 1, 2 and 3 threads: with
     * fewer panels than threads the forward splits the rows and the weight gradient the inputs.
     */
    @Test
    void largeBatchesGiveTheDenseKernelsBitsToo() {
        for (Backend backend : TestData.backends()) {
            try (Kernels k1 = Kernels.create(backend, 1); Kernels k2 = Kernels.create(backend, 2);
                 Kernels k3 = Kernels.create(backend, 3)) {
                Random r = new Random(8);
                for (int out : new int[] {k1.sparsePanel(), 2 * k1.sparsePanel()}) {
                    int n = 4099, in = 300;
                    String shape = backend + ", " + out + " outputs";
                    float[] x = sparseRows(r, n, in, 0.2);
                    SparseBatch sx = SparseBatch.of(x, 0, n, in);
                    float[] dy = TestData.uniform(r, n * out, -1, 1);
                    float[] gp = new float[out * in], g = new float[out * in];
                    k1.sparseWeightGrad(gp, 0, sx, dy, out, 1f / n);
                    for (Kernels k : new Kernels[] {k2, k3}) {
                        float[] other = new float[out * in];
                        k.sparseWeightGrad(other, 0, sx, dy, out, 1f / n);
                        assertArrayEquals(gp, other, shape + ": weight gradient at 1 and " + k.threads() + " threads");
                    }
                    k1.unpackPanels(g, 0, gp, 0, out, in);
                    float[] dense = new float[out * in];
                    k1.linearWeightGrad(dense, 0, dy, x, 0, n, in, out, 1f / n);
                    assertArrayEquals(dense, g, shape + ": sparse vs dense weight gradient of " + n + " rows");

                    float[] w = TestData.uniform(r, out * in, -1, 1);
                    float[] b = TestData.uniform(r, out, -1, 1);
                    float[] wp = new float[out * in];
                    k1.packPanels(wp, 0, w, 0, out, in);
                    float[] y = new float[n * out], denseY = new float[n * out];
                    k1.sparseLinearForward(y, sx, wp, 0, b, 0, out);
                    for (Kernels k : new Kernels[] {k2, k3}) {
                        float[] other = new float[n * out];
                        k.sparseLinearForward(other, sx, wp, 0, b, 0, out);
                        assertArrayEquals(y, other, shape + ": forward at 1 and " + k.threads() + " threads");
                    }
                    k1.linearForward(denseY, x, 0, w, 0, b, 0, n, in, out);
                    assertArrayEquals(denseY, y, shape + ": sparse vs dense forward of " + n + " rows");
                }
            }
        }
    }

    @Test
    void sparseKernelsGiveTheDenseKernelsBits() {
        for (Backend backend : TestData.backends()) {
            try (Kernels k1 = Kernels.create(backend, 1); Kernels k3 = Kernels.create(backend, 3)) {
                Random r = new Random(6);
                Diff fwd = new Diff("sparseLinearForward " + backend.id(), 1e-5);
                Diff dw = new Diff("sparseWeightGrad " + backend.id(), 1e-5);
                int pw = k1.sparsePanel();
                for (int n : NS) {
                    for (int in : INS) {
                        for (int out : new int[] {pw, 2 * pw, 5 * pw}) {
                            for (double density : DENSITIES) {
                                String shape = "n=" + n + " in=" + in + " out=" + out + " density=" + density;
                                float[] x = sparseRows(r, n, in, density);
                                SparseBatch sx = SparseBatch.of(x, 0, n, in);
                                float[] w = TestData.uniform(r, out * in, -1, 1);
                                float[] b = TestData.uniform(r, out, -1, 1);
                                float[] dy = TestData.uniform(r, n * out, -1, 1);
                                float[] wp = new float[out * in];
                                k1.packPanels(wp, 0, w, 0, out, in);

                                float[] y = new float[n * out], y3 = new float[n * out], dense = new float[n * out];
                                k1.sparseLinearForward(y, sx, wp, 0, b, 0, out);
                                k3.sparseLinearForward(y3, sx, wp, 0, b, 0, out);
                                assertArrayEquals(y, y3, "forward at 1 and 3 threads, " + shape);
                                double[] ref = ReferenceKernels.linearForward(x, 0, w, 0, b, 0, n, in, out);
                                double[] mag = ReferenceKernels.linearForwardAbs(x, 0, w, 0, b, 0, n, in, out);
                                for (int i = 0; i < y.length; i++) {
                                    fwd.check(shape, i, y[i], ref[i], mag[i]);
                                }
                                k1.linearForward(dense, x, 0, w, 0, b, 0, n, in, out);
                                // the dense SIMD forward has the scalar order (and so the sparse kernel's) where it packs
                                if (backend == Backend.SCALAR || SimdKernels.packsForward(n, in, out)) {
                                    assertArrayEquals(dense, y, "forward, sparse vs dense, " + shape);
                                }

                                float scale = 1f / n;
                                float[] gp = new float[out * in], gp3 = new float[out * in], g = new float[out * in];
                                java.util.Arrays.fill(gp, Float.NaN);   // must be overwritten
                                k1.sparseWeightGrad(gp, 0, sx, dy, out, scale);
                                k3.sparseWeightGrad(gp3, 0, sx, dy, out, scale);
                                assertArrayEquals(gp, gp3, "weight gradient at 1 and 3 threads, " + shape);
                                k1.unpackPanels(g, 0, gp, 0, out, in);
                                ref = ReferenceKernels.linearWeightGrad(dy, x, 0, n, in, out, scale);
                                mag = ReferenceKernels.linearWeightGrad(ReferenceKernels.abs(dy), ReferenceKernels.abs(x),
                                        0, n, in, out, scale);
                                for (int i = 0; i < g.length; i++) {
                                    dw.check(shape, i, g[i], ref[i], mag[i]);
                                }
                                float[] denseGrad = new float[out * in];
                                k1.linearWeightGrad(denseGrad, 0, dy, x, 0, n, in, out, scale);
                                assertArrayEquals(denseGrad, g, "weight gradient, sparse vs dense, " + shape);
                            }
                        }
                    }
                }
                fwd.report();
                dw.report();
            }
        }
    }
}
