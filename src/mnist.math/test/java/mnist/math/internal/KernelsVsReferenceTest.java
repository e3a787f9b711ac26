package mnist.math.internal;

import static mnist.math.internal.TestData.uniform;

import java.util.Random;
import mnist.math.Backend;
import org.junit.jupiter.api.Test;

/** Every kernel of every backend against {@link ReferenceKernels}, over awkward sizes and offsets. */
class KernelsVsReferenceTest {

    private static final int[] NS = {1, 3, 7, 17, 33};
    private static final int[] INS = {1, 3, 7, 15, 16, 17, 31, 33, 100, 127, 784};
    private static final int[] OUTS = {1, 3, 4, 10, 17};
    private static final int[] LENS = {0, 1, 3, 7, 15, 16, 17, 31, 33, 100, 127, 784, 1000, 4097, 9000};
    private static final int X_OFF = 5, W_OFF = 3, B_OFF = 2;

    @Test
    void linearKernels() {
        for (Backend backend : TestData.backends()) {
            try (Kernels k = Kernels.create(backend, 1)) {
                Random r = new Random(1);
                Diff fwd = new Diff("linearForward " + backend.id(), 1e-5);
                Diff fwdNoBias = new Diff("linearForward (no bias) " + backend.id(), 1e-5);
                Diff dw = new Diff("linearWeightGrad " + backend.id(), 1e-5);
                Diff db = new Diff("linearBiasGrad " + backend.id(), 1e-6);
                Diff dx = new Diff("linearInputGrad " + backend.id(), 1e-5);
                for (int n : NS) {
                    for (int in : INS) {
                        for (int out : OUTS) {
                            String shape = "n=" + n + " in=" + in + " out=" + out;
                            float[] x = uniform(r, X_OFF + n * in, -1, 1);
                            float[] w = uniform(r, W_OFF + out * in, -1, 1);
                            float[] b = uniform(r, B_OFF + out, -1, 1);
                            float[] dy = uniform(r, n * out, -1, 1);

                            float[] y = new float[n * out];
                            k.linearForward(y, x, X_OFF, w, W_OFF, b, B_OFF, n, in, out);
                            double[] ref = ReferenceKernels.linearForward(x, X_OFF, w, W_OFF, b, B_OFF, n, in, out);
                            double[] mag = ReferenceKernels.linearForwardAbs(x, X_OFF, w, W_OFF, b, B_OFF, n, in, out);
                            for (int i = 0; i < y.length; i++) {
                                fwd.check(shape, i, y[i], ref[i], mag[i]);
                            }
                            k.linearForward(y, x, X_OFF, w, W_OFF, null, 0, n, in, out);
                            ref = ReferenceKernels.linearForward(x, X_OFF, w, W_OFF, null, 0, n, in, out);
                            mag = ReferenceKernels.linearForwardAbs(x, X_OFF, w, W_OFF, null, 0, n, in, out);
                            for (int i = 0; i < y.length; i++) {
                                fwdNoBias.check(shape, i, y[i], ref[i], mag[i]);
                            }

                            float scale = 1f / n;
                            float[] g = new float[W_OFF + out * in];
                            java.util.Arrays.fill(g, Float.NaN);   // must be overwritten
                            k.linearWeightGrad(g, W_OFF, dy, x, X_OFF, n, in, out, scale);
                            ref = ReferenceKernels.linearWeightGrad(dy, x, X_OFF, n, in, out, scale);
                            mag = ReferenceKernels.linearWeightGrad(ReferenceKernels.abs(dy), ReferenceKernels.abs(x), X_OFF, n, in, out, scale);
                            for (int i = 0; i < out * in; i++) {
                                dw.check(shape, i, g[W_OFF + i], ref[i], mag[i]);
                            }

                            float[] gb = new float[B_OFF + out];
                            k.linearBiasGrad(gb, B_OFF, dy, n, out, scale);
                            ref = ReferenceKernels.linearBiasGrad(dy, n, out, scale);
                            mag = ReferenceKernels.linearBiasGrad(ReferenceKernels.abs(dy), n, out, scale);
                            for (int i = 0; i < out; i++) {
                                db.check(shape, i, gb[B_OFF + i], ref[i], mag[i]);
                            }

                            float[] gx = new float[n * in];
                            java.util.Arrays.fill(gx, Float.NaN);
                            k.linearInputGrad(gx, dy, w, W_OFF, n, in, out);
                            ref = ReferenceKernels.linearInputGrad(dy, w, W_OFF, n, in, out);
                            mag = ReferenceKernels.linearInputGrad(ReferenceKernels.abs(dy), ReferenceKernels.abs(w), W_OFF, n, in, out);
                            for (int i = 0; i < n * in; i++) {
                                dx.check(shape, i, gx[i], ref[i], mag[i]);
                            }
                        }
                    }
                }
                fwd.report();
                fwdNoBias.report();
                dw.report();
                db.report();
                dx.report();
            }
        }
    }

    @Test
    void elementWiseKernels() {
        for (Backend backend : TestData.backends()) {
            try (Kernels k = Kernels.create(backend, 1)) {
                Random r = new Random(2);
                Diff sig = new Diff("sigmoid " + backend.id(), 1e-6);
                Diff sigB = new Diff("sigmoidBackward " + backend.id(), 1e-6);
                Diff sub = new Diff("subtract " + backend.id(), 1e-7);
                Diff sgd = new Diff("sgdStep " + backend.id(), 1e-7);
                Diff exp = new Diff("exp " + backend.id(), 1e-6);
                Diff log = new Diff("log " + backend.id(), 1e-6);
                for (int len : LENS) {
                    String shape = "len=" + len;
                    float[] z = uniform(r, len, -30, 30);
                    float[] a = new float[len];
                    k.sigmoid(a, z, len);
                    for (int i = 0; i < len; i++) {
                        double ref = ReferenceKernels.sigmoid(z[i]);
                        sig.check(shape, i, a[i], ref, ref);
                    }
                    float[] da = uniform(r, len, -1, 1);
                    float[] dz = new float[len];
                    k.sigmoidBackward(dz, da, a, len);
                    for (int i = 0; i < len; i++) {
                        double ref = (double) da[i] * a[i] * (1 - (double) a[i]);
                        sigB.check(shape, i, dz[i], ref, ref);
                    }
                    float[] b = uniform(r, len, -1, 1);
                    float[] o = new float[len];
                    k.subtract(o, da, b, len);
                    for (int i = 0; i < len; i++) {
                        sub.check(shape, i, o[i], (double) da[i] - b[i], Math.abs(da[i]) + Math.abs(b[i]));
                    }
                    float[] w = uniform(r, len + 4, -1, 1);
                    float[] w0 = w.clone();
                    k.sgdStep(w, 4, b, 0, 0.1f, len);
                    for (int i = 0; i < len; i++) {
                        sgd.check(shape, i, w[4 + i], w0[4 + i] - 0.1 * b[i], Math.abs(w0[4 + i]) + Math.abs(0.1 * b[i]));
                    }
                    float[] ez = uniform(r, len, -80, 80);
                    k.exp(o, ez, len);
                    for (int i = 0; i < len; i++) {
                        double ref = Math.exp(ez[i]);
                        exp.check(shape, i, o[i], ref, ref);
                    }
                    float[] lz = uniform(r, len, 0, 1000);
                    k.log(o, lz, len);
                    for (int i = 0; i < len; i++) {
                        double ref = Math.log(lz[i]);
                        log.check(shape, i, o[i], ref, Math.max(Math.abs(ref), 1e-6));
                    }
                }
                for (Diff d : new Diff[] {sig, sigB, sub, sgd, exp, log}) {
                    d.report();
                }
            }
        }
    }

    @Test
    void softmaxAndReductions() {
        for (Backend backend : TestData.backends()) {
            try (Kernels k = Kernels.create(backend, 1)) {
                Random r = new Random(3);
                Diff sm = new Diff("softmax " + backend.id(), 2e-6);
                Diff sce = new Diff("softmaxCrossEntropySum " + backend.id(), 2e-6);
                for (int n : NS) {
                    for (int kk : new int[] {1, 2, 3, 10, 16, 17, 33}) {
                        String shape = "n=" + n + " k=" + kk;
                        float[] z = uniform(r, n * kk, -10, 10);
                        float[] a = new float[n * kk];
                        k.softmax(a, z, n, kk);
                        double[] ref = ReferenceKernels.softmax(z, n, kk);
                        for (int i = 0; i < a.length; i++) {
                            sm.check(shape, i, a[i], ref[i], ref[i]);
                        }
                        float[] y = new float[n * kk];
                        for (int i = 0; i < n; i++) {
                            y[i * kk + r.nextInt(kk)] = 1;
                        }
                        double got = k.softmaxCrossEntropySum(z, y, n, kk);
                        double want = ReferenceKernels.softmaxCrossEntropySum(z, y, n, kk);
                        sce.check(shape, 0, got, want, Math.max(want, 1e-3 * n));
                    }
                }
                Diff sum = new Diff("sum " + backend.id(), 1e-6);
                Diff max = new Diff("max " + backend.id(), 0);
                Diff dot = new Diff("dot " + backend.id(), 1e-6);
                Diff bce = new Diff("binaryCrossEntropySum " + backend.id(), 2e-6);
                for (int len : LENS) {
                    String shape = "len=" + len;
                    float[] x = uniform(r, len, -1, 1);
                    float[] y = uniform(r, len, -1, 1);
                    sum.check(shape, 0, k.sum(x, len), ReferenceKernels.sum(x, len), ReferenceKernels.sum(ReferenceKernels.abs(x), len));
                    dot.check(shape, 0, k.dot(x, y, len), ReferenceKernels.dot(x, y, len),
                            ReferenceKernels.dot(ReferenceKernels.abs(x), ReferenceKernels.abs(y), len));
                    if (len > 0) {
                        float m = Float.NEGATIVE_INFINITY;
                        for (float v : x) {
                            m = Math.max(m, v);
                        }
                        max.check(shape, 0, k.max(x, len), m, m);
                    }
                    float[] z = uniform(r, len, -20, 20);
                    float[] t = uniform(r, len, 0, 1);
                    double want = ReferenceKernels.binaryCrossEntropySum(z, t, len);
                    bce.check(shape, 0, k.binaryCrossEntropySum(z, t, len), want, want);
                }
                for (Diff d : new Diff[] {sm, sce, sum, max, dot, bce}) {
                    d.report();
                }
            }
        }
    }
}
