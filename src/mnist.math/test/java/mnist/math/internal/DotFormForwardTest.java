package mnist.math.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The SIMD forward in dot form (fewer rows than it packs for, or fewer outputs than two vectors: the default network's last
 * layer, 128 -> 10) against its definition, bit for bit: each lane j of a vector accumulator chains the
 * fused multiply-adds of the terms k = j (mod L) below the last whole vector, the lanes are summed in
 * the fixed pairwise tree (lane i += lane i + h, for h = L/2 down to 1), the scalar tail continues that
 * chain, and the bias comes last. The kernel sums the lanes in registers; this sums them in an array.
 */
class DotFormForwardTest {
    private static final int L = SimdKernels.SPECIES.length();

    @Test
    void dotFormGivesTheDefinedBits() {
        SplittableRandom r = new SplittableRandom(11);
        int[][] shapes = {{47, 128, 10}, {5, 784, 10}, {9, 130, 3}, {4, 2 * L, 1}, {1, L - 1, 2}, {7, 64, 10}, {3, 40, 2 * L}};
        try (SimdKernels k = new SimdKernels(1)) {
            for (int[] shape : shapes) {
                int n = shape[0], in = shape[1], out = shape[2];
                assertFalse(SimdKernels.packsForward(n, in, out), "a shape the dot form runs");
                float[] x = values(r, n * in), w = values(r, out * in), b = values(r, out), y = new float[n * out];
                k.linearForward(y, x, 0, w, 0, b, 0, n, in, out);
                for (int i = 0; i < n; i++) {
                    for (int o = 0; o < out; o++) {
                        float expected = defined(x, i * in, w, o * in, in) + b[o];
                        assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(y[i * out + o]),
                                n + "x" + in + "->" + out + " row " + i + " output " + o + ": " + expected + " vs " + y[i * out + o]);
                    }
                }
            }
        }
    }

    /** The dot product of x[xi..xi+in) and w[wi..wi+in) as the dot form defines it (see the class comment). */
    private static float defined(float[] x, int xi, float[] w, int wi, int in) {
        int kb = in / L * L;
        float[] lanes = new float[L];
        for (int k = 0; k < kb; k++) {
            lanes[k % L] = Math.fma(x[xi + k], w[wi + k], lanes[k % L]);
        }
        for (int h = L / 2; h >= 1; h /= 2) {
            for (int j = 0; j < h; j++) {
                lanes[j] = lanes[j] + lanes[j + h];
            }
        }
        float s = lanes[0];
        for (int k = kb; k < in; k++) {
            s = Math.fma(x[xi + k], w[wi + k], s);
        }
        return s;
    }

    private static float[] values(SplittableRandom r, int len) {
        float[] v = new float[len];
        for (int i = 0; i < len; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return v;
    }
}
