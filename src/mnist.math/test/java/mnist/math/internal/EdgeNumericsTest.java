package mnist.math.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import mnist.math.Backend;
import org.junit.jupiter.api.Test;

/** Large logits, limits, special values. */
class EdgeNumericsTest {

    private static final float[] BIG = {100f, -100f, 1e4f, -1e4f, 88.5f, -88.5f, 200f, -200f, Float.MAX_VALUE, -Float.MAX_VALUE, 0f, -0f};

    @Test
    void sigmoidNeverNaN() {
        for (Backend backend : TestData.backends()) {
            try (Kernels k = Kernels.create(backend, 1)) {
                // pad to more than one vector so both the vector body and the tail see each value
                float[] z = new float[BIG.length * 3];
                for (int i = 0; i < z.length; i++) {
                    z[i] = BIG[i % BIG.length];
                }
                float[] a = new float[z.length];
                k.sigmoid(a, z, z.length);
                for (int i = 0; i < z.length; i++) {
                    double ref = ReferenceKernels.sigmoid(z[i]);
                    assertTrue(!Float.isNaN(a[i]) && a[i] >= 0 && a[i] <= 1, "sigmoid " + backend.id() + "(" + z[i] + ") = " + a[i]);
                    assertTrue(Math.abs(a[i] - ref) <= 1e-6 * ref + 1e-37,
                            "sigmoid " + backend.id() + "(" + z[i] + ") = " + a[i] + ", expected " + ref);
                }
                System.out.printf("sigmoid %s at ±100, ±1e4, ±MAX: no NaN, sigmoid(-100)=%s, sigmoid(1e4)=%s%n",
                        backend.id(), a[1], a[2]);
            }
        }
    }

    @Test
    void binaryCrossEntropyAtLargeLogits() {
        for (Backend backend : TestData.backends()) {
            try (Kernels k = Kernels.create(backend, 1)) {
                float[] zs = {100f, -100f, 1e4f, -1e4f, 30f, -30f, 1e-3f, 0f};
                for (float z : zs) {
                    for (float y : new float[] {0f, 1f, 0.3f}) {
                        float[] zz = new float[19], yy = new float[19];
                        java.util.Arrays.fill(zz, z);
                        java.util.Arrays.fill(yy, y);
                        double got = k.binaryCrossEntropySum(zz, yy, 19);
                        double want = 19 * ReferenceKernels.bce(z, y);
                        assertTrue(Double.isFinite(got), "bce " + backend.id() + " z=" + z + " y=" + y + ": " + got);
                        assertTrue(Math.abs(got - want) <= 1e-6 * Math.abs(want) + 1e-30,
                                "bce " + backend.id() + " z=" + z + " y=" + y + ": got " + got + ", expected " + want);
                    }
                }
                System.out.printf("binaryCrossEntropySum %s at |z| up to 1e4: finite, within 1e-6%n", backend.id());
            }
        }
    }

    @Test
    void softmaxOfLargeRows() {
        for (Backend backend : TestData.backends()) {
            try (Kernels k = Kernels.create(backend, 1)) {
                int kk = 10;
                float[] z = {1000f, 999f, 0f, -1000f, 500f, 1000f, 3f, 2f, 1f, 0f,
                             -1e4f, -1e4f + 1, -1e4f, -1e4f, -1e4f, -1e4f, -1e4f, -1e4f, -1e4f, -1e4f,
                             1e30f, -1e30f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 1e30f};
                int n = z.length / kk;
                float[] a = new float[z.length];
                k.softmax(a, z, n, kk);
                double[] ref = ReferenceKernels.softmax(z, n, kk);
                for (int i = 0; i < a.length; i++) {
                    assertTrue(Math.abs(a[i] - ref[i]) <= 2e-6 * ref[i] + 1e-37,
                            "softmax " + backend.id() + " [" + i + "]: got " + a[i] + ", expected " + ref[i]);
                }
                float[] y = new float[z.length];
                y[1] = 1;
                y[11] = 1;
                y[22] = 1;
                double got = k.softmaxCrossEntropySum(z, y, n, kk);
                double want = ReferenceKernels.softmaxCrossEntropySum(z, y, n, kk);
                assertTrue(Double.isFinite(got) && Math.abs(got - want) <= 1e-6 * want,
                        "softmaxCrossEntropySum " + backend.id() + ": got " + got + ", expected " + want);
                System.out.printf("softmax %s of rows with ±1000, -1e4, ±1e30: OK; cross-entropy %.6g (ref %.6g)%n",
                        backend.id(), got, want);
            }
        }
    }

    @Test
    void expAndLogSpecialValues() {
        for (Backend backend : TestData.backends()) {
            try (Kernels k = Kernels.create(backend, 1)) {
                float[] x = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 89f, 88.7f, -87.5f, -100f, -104f, -1e4f, 0f};
                float[] o = new float[x.length];
                k.exp(o, x, x.length);
                for (int i = 0; i < x.length; i++) {
                    float want = (float) Math.exp(x[i]);
                    boolean ok = Float.compare(o[i], want) == 0
                            || Math.abs(o[i] - want) <= 2 * Math.ulp(want);
                    assertTrue(ok, "exp " + backend.id() + "(" + x[i] + ") = " + o[i] + ", expected " + want);
                }
                float[] l = {0f, -1f, Float.POSITIVE_INFINITY, Float.NaN, 1f, Float.MIN_VALUE};
                float[] lo = new float[l.length];
                k.log(lo, l, l.length);
                assertEquals(Float.NEGATIVE_INFINITY, lo[0], "log(0) " + backend.id());
                assertTrue(Float.isNaN(lo[1]) && Float.isNaN(lo[3]), "log(-1), log(NaN) " + backend.id());
                assertEquals(Float.POSITIVE_INFINITY, lo[2], "log(inf) " + backend.id());
                assertEquals(0f, lo[4], "log(1) " + backend.id());
                assertEquals((float) Math.log(Float.MIN_VALUE), lo[5], 1e-5f, "log(MIN_VALUE) " + backend.id());
                System.out.printf("exp/log %s special values: OK%n", backend.id());
            }
        }
    }
}
