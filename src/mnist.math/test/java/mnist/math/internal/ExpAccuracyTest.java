package mnist.math.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import mnist.math.Backend;
import org.junit.jupiter.api.Test;

/** The ulp error of exp over a sweep of its whole float range, against the double Math.exp. */
class ExpAccuracyTest {

    @Test
    void expWithinTwoUlp() {
        for (Backend backend : TestData.backends()) {
            try (Kernels k = Kernels.create(backend, 1)) {
                int len = 1 << 20;
                float lo = -103.9f, hi = 88.72f;
                float[] x = new float[len];
                for (int i = 0; i < len; i++) {
                    x[i] = lo + (hi - lo) * i / (len - 1);
                }
                float[] o = new float[len];
                k.exp(o, x, len);
                double maxUlp = 0, maxSubnormalAbs = 0;
                float worst = 0;
                for (int i = 0; i < len; i++) {
                    double exact = Math.exp(x[i]);
                    double err = Math.abs(o[i] - exact);
                    if (exact >= Float.MIN_NORMAL) {
                        double ulps = err / Math.ulp((float) exact);
                        if (ulps > maxUlp) {
                            maxUlp = ulps;
                            worst = x[i];
                        }
                    } else {
                        maxSubnormalAbs = Math.max(maxSubnormalAbs, err / Float.MIN_VALUE);
                    }
                }
                System.out.printf("exp %s over [%s, %s], %d points: max %.2f ulp (at %s), subnormal results within %.2f x MIN_VALUE%n",
                        backend.id(), lo, hi, len, maxUlp, worst, maxSubnormalAbs);
                assertTrue(maxUlp <= 2.0, "exp " + backend.id() + ": " + maxUlp + " ulp at " + worst);
                assertTrue(maxSubnormalAbs <= 1.0, "exp " + backend.id() + " subnormal error " + maxSubnormalAbs);
            }
        }
    }
}
