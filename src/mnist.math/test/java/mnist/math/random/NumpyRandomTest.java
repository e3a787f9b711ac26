package mnist.math.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * NumpyRandom against constants printed by NumPy 2.4.6 (python3, legacy {@code np.random.RandomState}).
 * Uniforms and permutations must match exactly; Gaussians to a relative 1e-15, since Java's
 * {@code Math.log} and the C library's {@code log} may round differently in the last bit.
 */
class NumpyRandomTest {

    private static final long[] SEEDS = {0, 1, 42, 4294967295L};

    // np.random.RandomState(s)._bit_generator.random_raw(5)
    // (equal to np.random.RandomState(s).randint(0, 2**32, size=5, dtype=np.uint64))
    private static final long[][] RAW = {
        {2357136044L, 2546248239L, 3071714933L, 3626093760L, 2588848963L},
        {1791095845L, 4282876139L, 3093770124L, 4005303368L, 491263L},
        {1608637542L, 3421126067L, 4083286876L, 787846414L, 3143890026L},
        {419326371L, 479346978L, 3918654476L, 2416749639L, 3388880820L},
    };

    // np.random.RandomState(s).random_sample(5)
    private static final double[][] SAMPLE = {
        {0.5488135039273248, 0.7151893663724195, 0.6027633760716439, 0.5448831829968969, 0.4236547993389047},
        {0.417022004702574, 0.7203244934421581, 0.00011437481734488664, 0.30233257263183977, 0.14675589081711304},
        {0.3745401188473625, 0.9507143064099162, 0.7319939418114051, 0.5986584841970366, 0.15601864044243652},
        {0.0976320289940138, 0.9123828453026218, 0.78903530185164, 0.7800035981134678, 0.01793967398674523},
    };

    // np.random.RandomState(s).randn(10)
    private static final double[][] RANDN = {
        {1.764052345967664, 0.4001572083672233, 0.9787379841057392, 2.240893199201458, 1.8675579901499675,
            -0.977277879876411, 0.9500884175255894, -0.1513572082976979, -0.10321885179355784, 0.41059850193837233},
        {1.6243453636632417, -0.6117564136500754, -0.5281717522634557, -1.0729686221561705, 0.8654076293246785,
            -2.3015386968802827, 1.74481176421648, -0.7612069008951028, 0.31903909605709857, -0.2493703754774101},
        {0.4967141530112327, -0.13826430117118466, 0.6476885381006925, 1.5230298564080254, -0.23415337472333597,
            -0.23413695694918055, 1.5792128155073915, 0.7674347291529088, -0.4694743859349521, 0.5425600435859647},
        {0.6484086742306527, 0.6693235306338161, -1.0805437227474493, 0.2845010447986309, 0.11388773652167104,
            0.8676218937929382, -0.044026015448043285, 0.24877161740907913, -0.9882301508639844, -0.5459227140515623},
    };

    // np.random.RandomState(s).permutation(10).tolist()
    private static final int[][] PERM10 = {
        {2, 8, 4, 9, 1, 6, 7, 3, 0, 5},
        {2, 9, 6, 4, 0, 3, 1, 7, 8, 5},
        {8, 1, 5, 0, 7, 2, 9, 4, 3, 6},
        {6, 9, 5, 1, 8, 0, 7, 4, 2, 3},
    };

    private static final double GAUSS_REL_TOL = 1e-15;

    @Test
    void rawOutputsMatchNumpySeeding() {
        for (int k = 0; k < SEEDS.length; k++) {
            NumpyRandom r = new NumpyRandom(SEEDS[k]);
            for (int i = 0; i < RAW[k].length; i++) {
                assertEquals(RAW[k][i], Integer.toUnsignedLong(r.nextInt()), "seed " + SEEDS[k] + " raw " + i);
            }
        }
        System.out.println("NumpyRandom raw uint32: OK, exact, seeds " + Arrays.toString(SEEDS));
    }

    @Test
    void randomSampleIsExact() {
        for (int k = 0; k < SEEDS.length; k++) {
            NumpyRandom r = new NumpyRandom(SEEDS[k]);
            for (int i = 0; i < SAMPLE[k].length; i++) {
                assertEquals(SAMPLE[k][i], r.nextDouble(), 0.0, "seed " + SEEDS[k] + " random_sample " + i);
            }
        }
        System.out.println("NumpyRandom random_sample: OK, exact, seeds " + Arrays.toString(SEEDS));
    }

    @Test
    void randnMatches() {
        double maxRel = 0;
        for (int k = 0; k < SEEDS.length; k++) {
            NumpyRandom r = new NumpyRandom(SEEDS[k]);
            for (int i = 0; i < RANDN[k].length; i++) {
                maxRel = Math.max(maxRel, checkGaussian(RANDN[k][i], r.nextGaussian(), "seed " + SEEDS[k] + " randn " + i));
            }
        }
        System.out.println("NumpyRandom randn(10): OK, max rel diff " + maxRel);
    }

    @Test
    void permutationMatches() {
        for (int k = 0; k < SEEDS.length; k++) {
            assertArrayEquals(PERM10[k], new NumpyRandom(SEEDS[k]).permutation(10), "seed " + SEEDS[k]);
        }
        // np.random.RandomState(1).permutation(60000): p[:5], p[-5:]
        int[] p = new NumpyRandom(1).permutation(60000);
        assertHeadTail(p, new int[] {15281, 21435, 44536, 13518, 47529}, new int[] {50057, 32511, 5192, 12172, 33003});
        assertIsPermutation(p);
        System.out.println("NumpyRandom permutation(10), permutation(60000): OK, exact");
    }

    @Test
    void smallPermutations() {
        NumpyRandom r = new NumpyRandom(7);
        assertArrayEquals(new int[0], r.permutation(0));
        assertArrayEquals(new int[] {0}, r.permutation(1));
        assertThrows(IllegalArgumentException.class, () -> r.permutation(-1));
    }

    /**
     * The lecture's whole stream, from one generator seeded once. NumPy:
     * <pre>
     * np.random.seed(1)
     * p1 = np.random.permutation(60000)
     * b1 = np.random.randn(784, 1) * 0.01
     * w1 = np.random.randn(64, 784)
     * b2 = np.random.randn(1, 64)
     * p2 = np.random.permutation(60000)
     * w3 = np.random.randn(64, 784)
     * w4 = np.random.randn(10, 64)
     * </pre>
     * Each randn block: f = block.ravel(); f[:3], f[-1], and math.fsum(f.tolist()).
     */
    @Test
    void lectureStream() {
        NumpyRandom r = new NumpyRandom(1);
        double[] maxRel = {0};
        double[] maxSumDiff = {0};

        int[] p1 = r.permutation(60000);
        assertHeadTail(p1, new int[] {15281, 21435, 44536, 13518, 47529}, new int[] {50057, 32511, 5192, 12172, 33003});

        checkBlock(r, "randn(784,1)*0.01", 784, 0.01,
                new double[] {0.013650041936274155, 0.014255571248539767, -0.002203723322281358},
                -0.0019255171428112533, 0.3806394604044938, maxRel, maxSumDiff);
        checkBlock(r, "randn(64,784)", 64 * 784, 1.0,
                new double[] {-0.5140858937950971, 1.038780533572704, -1.4043124457364589},
                1.4785115900166534, -34.695226167355166, maxRel, maxSumDiff);
        checkBlock(r, "randn(1,64)", 64, 1.0,
                new double[] {0.5426021267844388, 0.6408172811372965, 1.291520941074287},
                0.6767227984207956, 1.6349905187507827, maxRel, maxSumDiff);

        int[] p2 = r.permutation(60000);
        assertHeadTail(p2, new int[] {15898, 5219, 43203, 14823, 16357}, new int[] {53103, 45884, 59035, 11064, 1553});
        assertIsPermutation(p2);

        checkBlock(r, "randn(64,784) #2", 64 * 784, 1.0,
                new double[] {0.4354236870281491, 0.6833051017852072, -1.3893461296065315},
                1.0793867026345347, 209.4352019093678, maxRel, maxSumDiff);
        checkBlock(r, "randn(10,64)", 10 * 64, 1.0,
                new double[] {0.9431554741106748, 1.3055843199698325, 1.4073578532858209},
                3.053659574550164, -20.676977317584342, maxRel, maxSumDiff);

        System.out.println("NumpyRandom lecture stream (double): OK, max rel diff " + maxRel[0]
                + ", max block-sum diff " + maxSumDiff[0]);
    }

    /**
     * The same stream through {@link RandomSource#fillGaussian}, as the trainer draws its float weights.
     * NumPy: the same calls, each randn block (times 0.01 for the first) then {@code .astype(np.float32)};
     * f[:3], f[-1], and f.astype(np.float64).sum().
     */
    @Test
    void lectureStreamAsFloats() {
        RandomSource r = RandomSource.create("numpy", 1);
        r.permutation(60000);
        double[] maxSumDiff = {0};
        checkFloatBlock(r, "randn(784,1)*0.01", 784, 0.01,
                new float[] {0.01365004200488329f, 0.01425557117909193f, -0.0022037234157323837f},
                -0.0019255171064287424f, 0.38063946132024284, maxSumDiff);
        checkFloatBlock(r, "randn(64,784)", 64 * 784, 1.0,
                new float[] {-0.5140858888626099f, 1.0387805700302124f, -1.4043124914169312f},
                1.4785115718841553f, -34.695226117994025, maxSumDiff);
        checkFloatBlock(r, "randn(1,64)", 64, 1.0,
                new float[] {0.5426021218299866f, 0.6408172845840454f, 1.2915209531784058f},
                0.6767228245735168f, 1.6349905282258987, maxSumDiff);
        r.permutation(60000);
        checkFloatBlock(r, "randn(64,784) #2", 64 * 784, 1.0,
                new float[] {0.43542367219924927f, 0.6833050847053528f, -1.3893461227416992f},
                1.0793867111206055f, 209.4352010898849, maxSumDiff);
        checkFloatBlock(r, "randn(10,64)", 10 * 64, 1.0,
                new float[] {0.9431554675102234f, 1.3055843114852905f, 1.4073578119277954f},
                3.053659677505493f, -20.67697573872283, maxSumDiff);
        System.out.println("NumpyRandom lecture stream (float, fillGaussian): OK, max block-sum diff " + maxSumDiff[0]);
    }

    @Test
    void fillGaussianWritesOnlyItsRange() {
        float[] a = new float[10];
        Arrays.fill(a, 7f);
        new NumpyRandom(1).fillGaussian(a, 3, 4, 1.0);
        // np.random.RandomState(1).randn(4).astype(np.float32)
        float[] expected = {7f, 7f, 7f, 1.6243454217910767f, -0.6117563843727112f,
            -0.5281717777252197f, -1.072968602180481f, 7f, 7f, 7f};
        assertArrayEquals(expected, a);
        assertThrows(IndexOutOfBoundsException.class, () -> new NumpyRandom(1).fillGaussian(a, 8, 4, 1.0));
    }

    @Test
    void seedOutOfRangeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new NumpyRandom(-1));
        assertThrows(IllegalArgumentException.class, () -> new NumpyRandom(1L << 32));
        assertThrows(IllegalArgumentException.class, () -> RandomSource.create("numpy", Long.MAX_VALUE));
        new NumpyRandom(0);
        new NumpyRandom(RandomSource.MAX_NUMPY_SEED);
    }

    // ---- helpers -----------------------------------------------------------------------------------

    private static double checkGaussian(double expected, double actual, String what) {
        double rel = Math.abs(actual - expected) / Math.abs(expected);
        assertTrue(rel <= GAUSS_REL_TOL, what + ": expected " + expected + ", got " + actual + " (rel diff " + rel + ")");
        return rel;
    }

    /** Draws a block of n Gaussians times scale, and checks its first three, last and sum. */
    private static void checkBlock(NumpyRandom r, String name, int n, double scale, double[] first3, double last,
                                   double sum, double[] maxRel, double[] maxSumDiff) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            double g = r.nextGaussian() * scale;
            s += g;
            if (i < 3) {
                maxRel[0] = Math.max(maxRel[0], checkGaussian(first3[i], g, name + " [" + i + "]"));
            }
            if (i == n - 1) {
                maxRel[0] = Math.max(maxRel[0], checkGaussian(last, g, name + " [last]"));
            }
        }
        assertEquals(sum, s, 1e-9, name + " sum");
        maxSumDiff[0] = Math.max(maxSumDiff[0], Math.abs(s - sum));
    }

    private static void checkFloatBlock(RandomSource r, String name, int n, double scale, float[] first3, float last,
                                        double sum, double[] maxSumDiff) {
        float[] a = new float[n];
        r.fillGaussian(a, 0, n, scale);
        for (int i = 0; i < 3; i++) {
            assertEquals(first3[i], a[i], Math.ulp(first3[i]), name + " [" + i + "]");
        }
        assertEquals(last, a[n - 1], Math.ulp(last), name + " [last]");
        double s = 0;
        for (float v : a) {
            s += v;
        }
        assertEquals(sum, s, 1e-9, name + " sum");
        maxSumDiff[0] = Math.max(maxSumDiff[0], Math.abs(s - sum));
    }

    private static void assertHeadTail(int[] p, int[] head, int[] tail) {
        assertArrayEquals(head, Arrays.copyOfRange(p, 0, head.length), "first values");
        assertArrayEquals(tail, Arrays.copyOfRange(p, p.length - tail.length, p.length), "last values");
    }

    static void assertIsPermutation(int[] p) {
        boolean[] seen = new boolean[p.length];
        for (int v : p) {
            assertTrue(v >= 0 && v < p.length && !seen[v], "not a permutation at value " + v);
            seen[v] = true;
        }
    }
}
