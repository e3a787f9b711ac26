package mnist.math.random;

/**
 * NumPy's legacy generator ({@code np.random.seed(s)} then {@code np.random.*}, i.e. {@code RandomState}),
 * reproduced bit for bit: a 32-bit Mersenne Twister (MT19937) with NumPy's integer seeding, its 53-bit
 * {@code random_sample}, the polar-method {@code randn} that keeps its second value for the next call,
 * and {@code permutation}'s Fisher-Yates shuffle with masked rejection sampling.
 *
 * <p>It exists because the lecture's numbers (initial weights, mini-batch order, and so the printed
 * losses) come from this stream: given the same seed and the same calls in the same order, we draw the
 * same values. The uniform draws and the permutations are exact; a Gaussian can differ from NumPy's in the
 * last bit where Java's {@link Math#log} and the C library's {@code log} round differently (about 4 in
 * 10,000 values, measured against NumPy 2.4 on Linux). Such a difference stays in that one value: it
 * never feeds back into the stream.
 */
public final class NumpyRandom implements RandomSource {

    // MT19937 parameters (Matsumoto and Nishimura, 1998).
    private static final int N = 624;
    private static final int M = 397;
    private static final int MATRIX_A = 0x9908_B0DF;
    private static final int UPPER_MASK = 0x8000_0000;
    private static final int LOWER_MASK = 0x7FFF_FFFF;

    private final int[] mt = new int[N];
    private int pos;

    // The polar method makes Gaussians in pairs; the second waits here for the next call.
    private boolean hasGauss;
    private double gauss;

    /**
     * Seeds as {@code np.random.seed(seed)} does for an integer: the scalar MT19937 initialisation
     * ({@code init_genrand}), with no Gaussian cached.
     *
     * @throws IllegalArgumentException unless 0 &lt;= seed &lt;= 2<sup>32</sup> - 1
     */
    public NumpyRandom(long seed) {
        if (seed < 0 || seed > MAX_NUMPY_SEED) {
            throw new IllegalArgumentException(
                    "numpy seed must be between 0 and 2^32 - 1 = " + MAX_NUMPY_SEED + ", got " + seed);
        }
        int s = (int) seed;
        for (int i = 0; i < N; i++) {
            mt[i] = s;
            s = 1812433253 * (s ^ (s >>> 30)) + i + 1; // int arithmetic wraps mod 2^32, as uint32_t does
        }
        pos = N;
    }

    /** The next raw 32-bit output of MT19937, as an unsigned value held in an int. */
    int nextInt() {
        if (pos == N) {
            twist();
        }
        int y = mt[pos++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9D2C_5680;
        y ^= (y << 15) & 0xEFC6_0000;
        y ^= y >>> 18;
        return y;
    }

    /** Regenerates the whole state block, as the reference {@code genrand_int32} does every 624 draws. */
    private void twist() {
        int i = 0;
        for (; i < N - M; i++) {
            int y = (mt[i] & UPPER_MASK) | (mt[i + 1] & LOWER_MASK);
            mt[i] = mt[i + M] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
        }
        for (; i < N - 1; i++) {
            int y = (mt[i] & UPPER_MASK) | (mt[i + 1] & LOWER_MASK);
            mt[i] = mt[i + M - N] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
        }
        int y = (mt[N - 1] & UPPER_MASK) | (mt[0] & LOWER_MASK);
        mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
        pos = 0;
    }

    /** {@code random_sample()}: 27 high bits of one draw and 26 of the next make a 53-bit fraction. */
    @Override
    public double nextDouble() {
        int a = nextInt() >>> 5; // 27 bits, so non-negative
        int b = nextInt() >>> 6; // 26 bits
        return (a * 67108864.0 + b) / 9007199254740992.0;
    }

    /**
     * {@code randn()}: Marsaglia's polar method. A point is drawn uniformly in the square until it falls
     * inside the unit circle (and off the centre); it gives two normals: one is returned, the other kept
     * for the next call.
     */
    @Override
    public double nextGaussian() {
        if (hasGauss) {
            hasGauss = false;
            double g = gauss;
            gauss = 0.0;
            return g;
        }
        double x1;
        double x2;
        double r2;
        do {
            x1 = 2.0 * nextDouble() - 1.0;
            x2 = 2.0 * nextDouble() - 1.0;
            r2 = x1 * x1 + x2 * x2;
        } while (r2 >= 1.0 || r2 == 0.0);
        // Math.log, not StrictMath.log: over a million randn values it matched glibc's log in all but
        // 377, StrictMath (fdlibm) in all but 30,961.
        double f = Math.sqrt(-2.0 * Math.log(r2) / r2);
        gauss = f * x1;
        hasGauss = true;
        return f * x2;
    }

    /**
     * {@code RandomState.shuffle} of a 1-d array: for i from the end down to 1, swap a[i] with a[j], j
     * uniform in [0, i]. {@code np.random.permutation(n)} is this applied to {@code arange(n)}.
     */
    @Override
    public void shuffle(int[] a) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = nextIntInclusive(i);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /**
     * {@code random_interval(max)} for max below 2<sup>32</sup>: 32-bit draws masked to the smallest
     * all-ones mask covering max, redrawn until the value is at most max. Unbiased, and what the legacy
     * shuffle uses (not the Lemire method of {@code randint}).
     */
    int nextIntInclusive(int max) {
        if (max == 0) {
            return 0;
        }
        int mask = -1 >>> Integer.numberOfLeadingZeros(max);
        int v;
        do {
            v = nextInt() & mask;
        } while (v > max); // max >= 0 and mask <= Integer.MAX_VALUE here, so the signed compare is right
        return v;
    }

    @Override
    public String toString() {
        return "numpy (MT19937, legacy RandomState)";
    }
}
