package mnist.math.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import mnist.math.Backend;
import org.junit.jupiter.api.Test;

/**
 * {@link Kernels#softmaxRowsWithLoss}, the split step's softmax with each row's loss, against the two
 * kernels it stands for, bit for bit, on both backends: the probabilities against {@link Kernels#softmaxRows},
 * each row's loss against {@link Kernels#softmaxCrossEntropySum} of that row alone, and their sum
 * ({@link Kernels#sumRowLosses}) against the whole batch's, also past a block of rows.
 */
class SoftmaxWithLossTest {

    @Test
    void theSameBitsAsSoftmaxAndCrossEntropy() {
        SplittableRandom r = new SplittableRandom(5);
        for (Backend backend : Backend.values()) {
            try (Kernels k = Kernels.create(backend, 1)) {
                for (int classes : new int[] {2, 3, 10, 16, 17, 33}) {
                    for (int n : new int[] {1, 7, 128, 300}) {
                        float[] z = new float[n * classes], y = new float[n * classes];
                        for (int i = 0; i < n; i++) {
                            for (int c = 0; c < classes; c++) {
                                // logits of a few sizes, some rows with ties and with a far larger one
                                z[i * classes + c] = i % 5 == 0 ? (c % 2) * 3f : (float) (r.nextGaussian() * (1 + i % 4) * 4);
                            }
                            y[i * classes + r.nextInt(classes)] = 1f;
                        }
                        float[] a = new float[n * classes], expected = new float[n * classes];
                        double[] loss = new double[n];
                        k.softmaxRowsWithLoss(a, loss, z, y, n, classes, 0, n);
                        k.softmaxRows(expected, z, n, classes, 0, n);
                        String what = backend.id() + ", " + n + " rows of " + classes;
                        for (int j = 0; j < a.length; j++) {
                            assertEquals(Float.floatToRawIntBits(expected[j]), Float.floatToRawIntBits(a[j]), what + ": probability " + j);
                        }
                        for (int i = 0; i < n; i++) {
                            float[] zi = java.util.Arrays.copyOfRange(z, i * classes, (i + 1) * classes);
                            float[] yi = java.util.Arrays.copyOfRange(y, i * classes, (i + 1) * classes);
                            assertEquals(Double.doubleToRawLongBits(k.softmaxCrossEntropySum(zi, yi, 1, classes)),
                                    Double.doubleToRawLongBits(loss[i]), what + ": loss of row " + i);
                        }
                        assertEquals(Double.doubleToRawLongBits(k.softmaxCrossEntropySum(z, y, n, classes)),
                                Double.doubleToRawLongBits(Kernels.sumRowLosses(loss, n)), what + ": the sum");
                    }
                }
            }
        }
    }
}
