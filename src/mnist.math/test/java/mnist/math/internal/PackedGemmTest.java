package mnist.math.internal;

import static mnist.math.internal.TestData.uniform;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import mnist.math.Backend;
import org.junit.jupiter.api.Test;

/**
 * The batch sizes at which the SIMD kernels switch to packed operands (a forward of 48 rows or more
 * with two vectors of outputs or more: 16 with AVX2, 32 with AVX-512; a broadcast GEMM of 32 terms or more), against {@link ReferenceKernels},
 * and the GEMMs of both backends bit for bit: every element is one chain of fused multiply-adds in the
 * same order on both (the forward only where the SIMD backend packs).
 */
class PackedGemmTest {

    private static final int[] NS = {48, 61, 100};
    private static final int[] INS = {1, 17, 64, 100};
    private static final int[] OUTS = {16, 17, 33, 64};

    @Test
    void packedShapesAgainstReferenceAndBetweenBackends() {
        Random r = new Random(3);
        try (Kernels simd = Kernels.create(Backend.SIMD, 1); Kernels scalar = Kernels.create(Backend.SCALAR, 1)) {
            Diff fwd = new Diff("packed linearForward simd", 1e-5);
            Diff dw = new Diff("packed linearWeightGrad simd", 1e-5);
            Diff dx = new Diff("packed linearInputGrad simd", 1e-5);
            int same = 0;
            for (int n : NS) {
                for (int in : INS) {
                    for (int out : OUTS) {
                        String shape = "n=" + n + " in=" + in + " out=" + out;
                        float[] x = uniform(r, 2 + n * in, -1, 1);
                        float[] w = uniform(r, 1 + out * in, -1, 1);
                        float[] b = uniform(r, out, -1, 1);
                        float[] dy = uniform(r, n * out, -1, 1);

                        float[] y = new float[n * out];
                        float[] y2 = new float[n * out];
                        simd.linearForward(y, x, 2, w, 1, b, 0, n, in, out);
                        scalar.linearForward(y2, x, 2, w, 1, b, 0, n, in, out);
                        double[] ref = ReferenceKernels.linearForward(x, 2, w, 1, b, 0, n, in, out);
                        double[] mag = ReferenceKernels.linearForwardAbs(x, 2, w, 1, b, 0, n, in, out);
                        // the SIMD forward packs w in panels of two vectors: from 16 outputs on with 8 lanes
                        // (AVX2), from 32 with 16 (AVX-512); below, its dot form sums lanes in another order
                        boolean packs = SimdKernels.packsForward(n, in, out);
                        for (int i = 0; i < y.length; i++) {
                            fwd.check(shape, i, y[i], ref[i], mag[i]);
                            if (packs) {
                                assertEquals(Float.floatToRawIntBits(y2[i]), Float.floatToRawIntBits(y[i]), "forward " + shape + " [" + i + "]");
                                same++;
                            }
                        }

                        float[] g = new float[out * in];
                        float[] g2 = new float[out * in];
                        simd.linearWeightGrad(g, 0, dy, x, 2, n, in, out, 1f / n);
                        scalar.linearWeightGrad(g2, 0, dy, x, 2, n, in, out, 1f / n);
                        ref = ReferenceKernels.linearWeightGrad(dy, x, 2, n, in, out, 1f / n);
                        mag = ReferenceKernels.linearWeightGrad(ReferenceKernels.abs(dy), ReferenceKernels.abs(x), 2, n, in, out, 1f / n);
                        for (int i = 0; i < g.length; i++) {
                            dw.check(shape, i, g[i], ref[i], mag[i]);
                            assertEquals(Float.floatToRawIntBits(g2[i]), Float.floatToRawIntBits(g[i]), "weight grad " + shape + " [" + i + "]");
                        }

                        float[] gx = new float[n * in];
                        float[] gx2 = new float[n * in];
                        java.util.Arrays.fill(gx, Float.NaN);
                        simd.linearInputGrad(gx, dy, w, 1, n, in, out);
                        scalar.linearInputGrad(gx2, dy, w, 1, n, in, out);
                        ref = ReferenceKernels.linearInputGrad(dy, w, 1, n, in, out);
                        mag = ReferenceKernels.linearInputGrad(ReferenceKernels.abs(dy), ReferenceKernels.abs(w), 1, n, in, out);
                        for (int i = 0; i < gx.length; i++) {
                            dx.check(shape, i, gx[i], ref[i], mag[i]);
                            assertEquals(Float.floatToRawIntBits(gx2[i]), Float.floatToRawIntBits(gx[i]), "input grad " + shape + " [" + i + "]");
                        }
                        same += g.length + gx.length;
                    }
                }
            }
            fwd.report();
            dw.report();
            dx.report();
            System.out.printf("packed GEMMs: simd and scalar equal bit for bit on %d values%n", same);
        }
    }
}
