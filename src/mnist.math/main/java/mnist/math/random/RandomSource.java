package mnist.math.random;

import java.util.Objects;

/**
 * A stream of random numbers for initialising weights and shuffling the training set.
 *
 * <p>There are two kinds: {@code numpy} ({@link NumpyRandom}) reproduces NumPy's legacy
 * {@code np.random} stream bit for bit, so that a run seeded like the lecture's notebook draws the same
 * weights and the same mini-batches and prints the same losses; {@code java} ({@link JavaRandom}) is our
 * own, faster generator for when matching the lecture does not matter. Neither is thread-safe.
 */
public interface RandomSource {

    /** The largest seed {@code numpy} accepts, as {@code np.random.seed} does: 2<sup>32</sup> - 1. */
    long MAX_NUMPY_SEED = 0xFFFF_FFFFL;

    /**
     * Creates the generator of {@code kind} ({@code numpy} or {@code java}, any case) seeded with
     * {@code seed}. {@code numpy} takes a seed in [0, 2<sup>32</sup> - 1], like {@code np.random.seed};
     * {@code java} takes any long.
     *
     * @throws IllegalArgumentException for an unknown kind, or a seed {@code numpy} cannot take
     */
    static RandomSource create(String kind, long seed) {
        Objects.requireNonNull(kind, "kind");
        return switch (kind.toLowerCase(java.util.Locale.ROOT)) {
            case "numpy" -> new NumpyRandom(seed);
            case "java" -> new JavaRandom(seed);
            default -> throw new IllegalArgumentException(
                    "unknown random generator '" + kind + "' (expected numpy or java)");
        };
    }

    /** A uniform double in [0, 1). */
    double nextDouble();

    /** A standard normal double (mean 0, variance 1). */
    double nextGaussian();

    /** Shuffles {@code a} in place, every order being equally likely. */
    void shuffle(int[] a);

    /** A random permutation of 0..n-1: {@code 0, 1, ..., n-1} shuffled by {@link #shuffle}. */
    default int[] permutation(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("negative permutation size " + n);
        }
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        shuffle(p);
        return p;
    }

    /**
     * Fills {@code dst[off..off+len)}, in order, with {@code (float) (nextGaussian() * scale)}: the
     * product is taken in double and then rounded once, as NumPy's {@code (randn(...) * scale).astype(float32)}.
     */
    default void fillGaussian(float[] dst, int off, int len, double scale) {
        Objects.checkFromIndexSize(off, len, dst.length);
        for (int i = off; i < off + len; i++) {
            dst[i] = (float) (nextGaussian() * scale);
        }
    }
}
