package mnist.math.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import mnist.math.Backend;
import org.junit.jupiter.api.Test;

/** ReLU, axpy and the optimizer steps of both backends against the formulas, in double, over awkward sizes. */
class TrainingKernelsTest {
    private static final int[] SIZES = {1, 3, 7, 15, 16, 17, 31, 33, 100, 127, 784, 1000};
    private static final int OFF = 5;

    @Test
    void reluAndItsBackward() {
        for (Backend backend : TestData.backends()) {
            Diff relu = new Diff("relu " + backend, 0);
            Diff back = new Diff("reluBackward " + backend, 0);
            try (Kernels k = Kernels.create(backend, 2)) {
                Random r = new Random(1);
                for (int len : SIZES) {
                    float[] z = TestData.uniform(r, len, -3, 3);
                    z[0] = 0f;
                    float[] a = new float[len];
                    k.relu(a, z, len);
                    float[] da = TestData.uniform(r, len, -1, 1);
                    float[] dz = new float[len];
                    k.reluBackward(dz, da, a, len);
                    for (int i = 0; i < len; i++) {
                        relu.check("len=" + len, i, a[i], Math.max(0, z[i]), 1);
                        back.check("len=" + len, i, dz[i], z[i] > 0 ? da[i] : 0, 1);
                    }
                }
            }
            relu.report();
            back.report();
        }
    }

    @Test
    void axpyMomentumAndAdam() {
        for (Backend backend : TestData.backends()) {
            Diff axpy = new Diff("axpy " + backend, 1e-6);
            Diff momentum = new Diff("momentumStep " + backend, 1e-6);
            Diff adam = new Diff("adamStep " + backend, 1e-5);
            try (Kernels k = Kernels.create(backend, 2)) {
                Random r = new Random(2);
                for (int len : SIZES) {
                    int size = len + 2 * OFF;
                    float[] w = TestData.uniform(r, size, -1, 1);
                    float[] g = TestData.uniform(r, size, -1, 1);
                    float[] v = TestData.uniform(r, size, 0, 1);
                    float[] m = TestData.uniform(r, size, -1, 1);
                    float[] w0 = w.clone(), v0 = v.clone(), m0 = m.clone(), g0 = g.clone();
                    String shape = "len=" + len;

                    float[] y = g.clone();
                    k.axpy(y, OFF, w, OFF, 0.3f, len);
                    for (int i = 0; i < size; i++) {
                        boolean inside = i >= OFF && i < OFF + len;
                        axpy.check(shape, i, y[i], inside ? g[i] + 0.3 * w[i] : g[i], 1);
                    }

                    float[] wm = w0.clone(), vm = v0.clone();
                    k.momentumStep(wm, vm, g0, OFF, len, 0.05f, 0.9f);
                    for (int i = 0; i < size; i++) {
                        boolean inside = i >= OFF && i < OFF + len;
                        double vi = inside ? 0.9 * v0[i] + g0[i] : v0[i];
                        momentum.check(shape, i, vm[i], vi, 1);
                        momentum.check(shape, i, wm[i], inside ? w0[i] - 0.05 * vi : w0[i], 1);
                    }

                    float[] wa = w0.clone(), ma = m0.clone(), va = v0.clone();
                    double b1 = 0.9, b2 = 0.999, eps = 1e-8, lr = 1e-3;
                    int t = 3;
                    double c1 = 1 / (1 - Math.pow(b1, t)), c2 = 1 / (1 - Math.pow(b2, t));
                    k.adamStep(wa, ma, va, g0, OFF, len, (float) lr, (float) b1, (float) b2, (float) eps, (float) c1, (float) c2);
                    for (int i = 0; i < size; i++) {
                        boolean inside = i >= OFF && i < OFF + len;
                        double mi = inside ? b1 * m0[i] + (1 - b1) * g0[i] : m0[i];
                        double vi = inside ? b2 * v0[i] + (1 - b2) * g0[i] * g0[i] : v0[i];
                        double wi = inside ? w0[i] - lr * (mi * c1) / (Math.sqrt(vi * c2) + eps) : w0[i];
                        adam.check(shape, i, ma[i], mi, 1);
                        adam.check(shape, i, va[i], vi, 1);
                        adam.check(shape, i, wa[i], wi, 1);
                    }
                }
            }
            axpy.report();
            momentum.report();
            adam.report();
        }
    }

    /**
     * Moments and velocities that decay into the subnormal range are stored as 0 (Intel CPUs take a
     * microcode assist for every operation on a subnormal; see ScalarKernels.flushSubnormal); normal ones
     * are untouched, and the weights move as the formula says. Both backends, the vector body and its tail.
     */
    @Test
    void optimizerStateNeverHoldsSubnormals() {
        int len = 37;
        float[] g = new float[len];
        float[] m = new float[len];
        float[] v = new float[len];
        for (int i = 0; i < len; i++) {
            // every third a moment that decays below MIN_NORMAL this step, every third one that stays normal
            m[i] = switch (i % 3) {
                case 0 -> Float.MIN_NORMAL * 1.05f;
                case 1 -> -Float.MIN_NORMAL * 0.5f;   // subnormal already
                default -> 1e-3f * (i + 1);
            };
            v[i] = i % 3 == 2 ? 1e-6f : Float.MIN_NORMAL * 1.0005f;
        }
        for (Backend backend : TestData.backends()) {
            try (Kernels k = Kernels.create(backend, 1)) {
                float[] w = TestData.uniform(new Random(4), len, -1, 1);
                float[] w0 = w.clone(), ma = m.clone(), va = v.clone();
                k.adamStep(w, ma, va, g, 0, len, 1e-3f, 0.9f, 0.999f, 1e-8f, 1f, 1f);
                float[] wm = w0.clone(), vm = m.clone();
                k.momentumStep(wm, vm, g, 0, len, 0.05f, 0.9f);
                for (int i = 0; i < len; i++) {
                    String at = backend + " [" + i + "]";
                    float decayedM = 0.9f * m[i];
                    if (Math.abs(decayedM) < Float.MIN_NORMAL) {
                        assertEquals(0f, ma[i], "Adam's first moment " + at);
                        assertEquals(0f, vm[i], "momentum's velocity " + at);
                        assertEquals(w0[i], w[i], "a weight under a flushed moment " + at);
                    } else {
                        assertEquals(decayedM, ma[i], "Adam's first moment, normal, " + at);
                        assertEquals(decayedM, vm[i], "momentum's velocity, normal, " + at);
                        assertNotEquals(w0[i], w[i], "a weight moves " + at);
                    }
                    float decayedV = 0.999f * v[i];
                    assertEquals(decayedV < Float.MIN_NORMAL ? 0f : decayedV, va[i], "Adam's second moment " + at);
                    assertTrue(ma[i] == 0f || Math.abs(ma[i]) >= Float.MIN_NORMAL, at);
                }
            }
        }
    }
}
