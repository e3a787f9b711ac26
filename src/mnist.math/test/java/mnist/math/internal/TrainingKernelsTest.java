package mnist.math.internal;

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
}
