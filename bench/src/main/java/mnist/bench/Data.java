package mnist.bench;

import java.util.SplittableRandom;

final class Data {
    private Data() {
    }

    static float[] uniform(SplittableRandom r, int len, float lo, float hi) {
        float[] a = new float[len];
        for (int i = 0; i < len; i++) {
            a[i] = (float) r.nextDouble(lo, hi);
        }
        return a;
    }

    static float[] oneHot(SplittableRandom r, int n, int classes) {
        float[] y = new float[n * classes];
        for (int i = 0; i < n; i++) {
            y[i * classes + r.nextInt(classes)] = 1;
        }
        return y;
    }
}
