package mnist.math.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import mnist.math.Backend;

final class TestData {
    private TestData() {
    }

    static float[] uniform(Random r, int len, float lo, float hi) {
        float[] a = new float[len];
        for (int i = 0; i < len; i++) {
            a[i] = lo + (hi - lo) * r.nextFloat();
        }
        return a;
    }

    /** The backends under test: all, or those named in -Dmnist.test.backends=simd,scalar. */
    static List<Backend> backends() {
        String p = System.getProperty("mnist.test.backends", "");
        List<Backend> list = new ArrayList<>();
        if (p.isBlank()) {
            list.addAll(List.of(Backend.values()));
        } else {
            for (String s : p.split(",")) {
                list.add(Backend.parse(s.trim()));
            }
        }
        return list;
    }
}
