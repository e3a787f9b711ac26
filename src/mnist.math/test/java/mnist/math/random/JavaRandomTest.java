package mnist.math.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class JavaRandomTest {

    @Test
    void sameSeedSameStream() {
        RandomSource a = new JavaRandom(123);
        RandomSource b = new JavaRandom(123);
        for (int i = 0; i < 1000; i++) {
            assertEquals(a.nextGaussian(), b.nextGaussian(), 0.0, "gaussian " + i);
            assertEquals(a.nextDouble(), b.nextDouble(), 0.0, "double " + i);
        }
        assertArrayEquals(a.permutation(1000), b.permutation(1000));
        float[] fa = new float[100];
        float[] fb = new float[100];
        a.fillGaussian(fa, 0, 100, 0.01);
        b.fillGaussian(fb, 0, 100, 0.01);
        assertArrayEquals(fa, fb);
    }

    @Test
    void differentSeedsDiffer() {
        RandomSource a = new JavaRandom(1);
        RandomSource b = new JavaRandom(2);
        double[] ga = new double[10];
        double[] gb = new double[10];
        for (int i = 0; i < 10; i++) {
            ga[i] = a.nextGaussian();
            gb[i] = b.nextGaussian();
        }
        assertFalse(Arrays.equals(ga, gb));
        assertFalse(Arrays.equals(a.permutation(100), b.permutation(100)));
    }

    @Test
    void permutationIsAPermutation() {
        RandomSource r = new JavaRandom(5);
        for (int n : new int[] {0, 1, 2, 3, 10, 1000, 60000}) {
            int[] p = r.permutation(n);
            assertEquals(n, p.length);
            NumpyRandomTest.assertIsPermutation(p);
        }
        int[] p = r.permutation(60000);
        int fixed = 0;
        for (int i = 0; i < p.length; i++) {
            fixed += p[i] == i ? 1 : 0;
        }
        assertTrue(fixed < 10, "a shuffle of 60000 left " + fixed + " fixed points (about 1 expected)");
    }

    @Test
    void permutationIsUniformOnThreeElements() {
        // 6 orders of {0,1,2}, 60000 shuffles: each count is 10000 +- 3 sigma (sigma about 91).
        RandomSource r = new JavaRandom(9);
        int[] counts = new int[6];
        for (int t = 0; t < 60000; t++) {
            int[] p = r.permutation(3);
            counts[p[0] * 2 + (p[1] > p[2] ? 1 : 0)]++;
        }
        for (int c : counts) {
            assertTrue(Math.abs(c - 10000) < 300, "order counts " + Arrays.toString(counts));
        }
    }

    @Test
    void gaussianMomentsAreRoughlyRight() {
        RandomSource r = new JavaRandom(2024);
        int n = 100_000;
        double sum = 0;
        double sumSq = 0;
        for (int i = 0; i < n; i++) {
            double g = r.nextGaussian();
            sum += g;
            sumSq += g * g;
        }
        double mean = sum / n;
        double var = sumSq / n - mean * mean;
        // Standard errors: mean 1/sqrt(n) = 0.0032, variance sqrt(2/n) = 0.0045; allow about 5 of each.
        assertEquals(0.0, mean, 0.016, "mean");
        assertEquals(1.0, var, 0.023, "variance");
        System.out.printf("JavaRandom gaussian over %d: OK, mean %.5f, variance %.5f%n", n, mean, var);
    }

    @Test
    void createChoosesKind() {
        assertInstanceOf(NumpyRandom.class, RandomSource.create("numpy", 1));
        assertInstanceOf(NumpyRandom.class, RandomSource.create("NumPy", 4294967295L));
        assertInstanceOf(JavaRandom.class, RandomSource.create("java", -5));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> RandomSource.create("mt", 1));
        assertTrue(e.getMessage().contains("numpy or java"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RandomSource.create("numpy", -1));
        assertTrue(e.getMessage().contains("2^32 - 1"), e.getMessage());
    }
}
