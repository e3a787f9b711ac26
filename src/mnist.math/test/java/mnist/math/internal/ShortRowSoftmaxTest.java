package mnist.math.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import mnist.math.Backend;
import org.junit.jupiter.api.Test;

/**
 * The SIMD softmax and softmax cross-entropy of rows shorter than a vector (10 classes with AVX-512's 16
 * lanes, 1 to 7 with AVX2's 8), which run in scalar code with the scalar transcription of the vector exp:
 * bit for bit the one-row code written out here, for row counts around multiples of the lanes, at 1 and
 * 2 threads, the cross-entropy summed in blocks of rows as the kernel does.
 */
class ShortRowSoftmaxTest {

    @Test
    void rowsShorterThanAVectorGiveTheOneRowBits() {
        int lanes = SimdKernels.SPECIES.length();
        Random r = new Random(11);
        for (int threads : new int[] {1, 2}) {
            try (Kernels simd = Kernels.create(Backend.SIMD, threads)) {
                for (int k = 1; k < lanes; k += (k < 3 ? 1 : 4)) {
                    for (int n : new int[] {1, lanes - 1, lanes, lanes + 1, 3 * lanes + 5, 128, 1000}) {
                        String shape = threads + " threads, " + n + "x" + k;
                        float[] z = TestData.uniform(r, n * k, -30, 30);
                        z[0] = -200f; // an exp that underflows to 0
                        float[] y = new float[n * k];
                        for (int i = 0; i < n; i++) {
                            y[i * k + r.nextInt(k)] = 1f;
                        }
                        float[] a = new float[n * k];
                        simd.softmax(a, z, n, k);
                        float[] expected = oneRowAtATime(z, n, k);
                        for (int i = 0; i < a.length; i++) {
                            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(a[i]),
                                    "softmax " + shape + " [" + i + "]");
                        }
                        assertEquals(Double.doubleToRawLongBits(crossEntropyOneRowAtATime(z, y, n, k)),
                                Double.doubleToRawLongBits(simd.softmaxCrossEntropySum(z, y, n, k)),
                                "cross-entropy sum " + shape);
                    }
                }
            }
        }
    }

    /** SimdKernels.softmaxRange's one-row code for a row shorter than a vector. */
    private static float[] oneRowAtATime(float[] z, int n, int k) {
        float[] a = new float[n * k];
        for (int row = 0; row < n; row++) {
            int off = row * k;
            float m = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                m = Math.max(m, z[off + c]);
            }
            float sum = 0f;
            for (int c = 0; c < k; c++) {
                float e = SimdKernels.expScalar(z[off + c] - m);
                a[off + c] = e;
                sum += e;
            }
            float inv = 1f / sum;
            for (int c = 0; c < k; c++) {
                a[off + c] *= inv;
            }
        }
        return a;
    }

    /**
     * SimdKernels.softmaxCeRows's one-row code for rows shorter than a vector, summed in row order within
     * blocks of AbstractKernels.ROW_BLOCK rows, the blocks' sums then added in order (as the kernel does).
     */
    private static double crossEntropyOneRowAtATime(float[] z, float[] y, int n, int k) {
        double total = 0;
        for (int b0 = 0; b0 < n; b0 += AbstractKernels.ROW_BLOCK) {
            total += crossEntropyRows(z, y, b0, Math.min(n, b0 + AbstractKernels.ROW_BLOCK), k);
        }
        return total;
    }

    private static double crossEntropyRows(float[] z, float[] y, int r0, int r1, int k) {
        double total = 0;
        for (int row = r0; row < r1; row++) {
            int off = row * k;
            float m = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                m = Math.max(m, z[off + c]);
            }
            float s = 0f, ys = 0f, yd = 0f;
            for (int c = 0; c < k; c++) {
                float d = m - z[off + c];
                float yc = y[off + c];
                s += SimdKernels.expScalar(-d);
                ys += yc;
                yd = Math.fma(yc, d, yd);
            }
            total += yd + ys * Math.log(s);
        }
        return total;
    }
}
