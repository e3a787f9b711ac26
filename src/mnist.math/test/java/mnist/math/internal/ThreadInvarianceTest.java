package mnist.math.internal;

import static mnist.math.internal.TestData.uniform;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import mnist.math.Backend;
import org.junit.jupiter.api.Test;

/** Every kernel gives the same bits on 1, 2 and 3 threads, with sizes large enough to be split. */
class ThreadInvarianceTest {

    /** Runs every kernel once and returns its outputs, by name, as raw bits. */
    private static Map<String, int[]> runAll(Kernels k) {
        Map<String, int[]> res = new LinkedHashMap<>();
        Random r = new Random(7);
        // (n, in, out): row split of dw (out = 64), column split (out = 1, 10), odd sizes
        int[][] shapes = {{67, 785, 21}, {1400, 784, 1}, {1700, 64, 10}, {101, 200, 64}};   // each >= 2^20 multiply-adds
        for (int[] s : shapes) {
            int n = s[0], in = s[1], out = s[2];
            String tag = "n=" + n + " in=" + in + " out=" + out;
            float[] x = uniform(r, 3 + n * in, -1, 1);
            float[] w = uniform(r, 1 + out * in, -1, 1);
            float[] b = uniform(r, out, -1, 1);
            float[] dy = uniform(r, n * out, -1, 1);
            float[] y = new float[n * out];
            k.linearForward(y, x, 3, w, 1, b, 0, n, in, out);
            res.put("linearForward " + tag, bits(y));
            float[] dw = new float[out * in];
            k.linearWeightGrad(dw, 0, dy, x, 3, n, in, out, 1f / n);
            res.put("linearWeightGrad " + tag, bits(dw));
            float[] db = new float[out];
            k.linearBiasGrad(db, 0, dy, n, out, 1f / n);
            res.put("linearBiasGrad " + tag, bits(db));
            float[] dx = new float[n * in];
            k.linearInputGrad(dx, dy, w, 1, n, in, out);
            res.put("linearInputGrad " + tag, bits(dx));
        }
        int len = (1 << 15) * 3 + 37;
        float[] z = uniform(r, len, -20, 20);
        float[] a = new float[len];
        k.sigmoid(a, z, len);
        res.put("sigmoid", bits(a));
        float[] dz = new float[len];
        k.sigmoidBackward(dz, z, a, len);
        res.put("sigmoidBackward", bits(dz));
        k.subtract(dz, z, a, len);
        res.put("subtract", bits(dz));
        float[] w = z.clone();
        k.sgdStep(w, 0, a, 0, 0.5f, len);
        res.put("sgdStep", bits(w));
        k.exp(dz, z, len);
        res.put("exp", bits(dz));
        k.log(dz, a, len);
        res.put("log", bits(dz));
        int rows = len / 10;
        k.softmax(dz, z, rows, 10);
        res.put("softmax", bits(dz));
        float[] t = uniform(r, len, 0, 1);
        res.put("sum", bits(k.sum(z, len)));
        res.put("max", new int[] {Float.floatToRawIntBits(k.max(z, len))});
        res.put("dot", bits(k.dot(z, t, len)));
        res.put("binaryCrossEntropySum", bits(k.binaryCrossEntropySum(z, t, len)));
        res.put("softmaxCrossEntropySum", bits(k.softmaxCrossEntropySum(z, t, rows, 10)));
        return res;
    }

    private static int[] bits(float[] a) {
        int[] b = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = Float.floatToRawIntBits(a[i]);
        }
        return b;
    }

    private static int[] bits(double d) {
        long l = Double.doubleToRawLongBits(d);
        return new int[] {(int) (l >>> 32), (int) l};
    }

    @Test
    void sameBitsOnOneTwoThreeThreads() {
        for (Backend backend : TestData.backends()) {
            Map<String, int[]> one;
            try (Kernels k = Kernels.create(backend, 1)) {
                runAll(k);   // warm up, so that the compiled code is compared as well
                one = runAll(k);
            }
            for (int threads : new int[] {2, 3}) {
                Map<String, int[]> many;
                try (Kernels k = Kernels.create(backend, threads)) {
                    assertEquals(threads, k.threads());
                    many = runAll(k);
                }
                List<String> same = new ArrayList<>();
                for (var e : one.entrySet()) {
                    int[] p = e.getValue(), q = many.get(e.getKey());
                    for (int i = 0; i < p.length; i++) {
                        if (p[i] != q[i]) {
                            fail(e.getKey() + " " + backend.id() + ": threads=1 vs threads=" + threads
                                    + " differ at [" + i + "]: bits " + Integer.toHexString(p[i])
                                    + " vs " + Integer.toHexString(q[i]));
                        }
                    }
                    same.add(e.getKey());
                }
                System.out.printf("thread invariance %s threads=1 vs %d: %d outputs bit-identical%n",
                        backend.id(), threads, same.size());
            }
        }
    }
}
