package mnist.math.random;

import java.util.SplittableRandom;

/**
 * Our own generator, chosen with {@code --rng java}: the JDK's {@link SplittableRandom} (SplitMix64)
 * with a given seed, Gaussians from its {@code nextGaussian} and permutations by Fisher-Yates.
 *
 * <p>It exists for runs that need not match the lecture's numbers: it is faster than the Mersenne
 * Twister, takes any 64-bit seed, and is just as reproducible: the same seed gives the same stream
 * (on a given JDK; the Gaussian algorithm of {@code RandomGenerator} is not frozen across versions).
 */
public final class JavaRandom implements RandomSource {

    private final SplittableRandom random;
    private final long seed;

    /** A generator whose whole stream is determined by {@code seed}. */
    public JavaRandom(long seed) {
        this.random = new SplittableRandom(seed);
        this.seed = seed;
    }

    @Override
    public double nextDouble() {
        return random.nextDouble();
    }

    @Override
    public double nextGaussian() {
        return random.nextGaussian();
    }

    /** Fisher-Yates from the end: a[i] swapped with a[j], j uniform in [0, i]. */
    @Override
    public void shuffle(int[] a) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    @Override
    public String toString() {
        return "java (SplittableRandom, seed " + seed + ")";
    }
}
