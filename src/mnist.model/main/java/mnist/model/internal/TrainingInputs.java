package mnist.model.internal;

import mnist.math.internal.SparseBatch;

/** Where a trainer gathers its batches from: the training inputs, one sample at a time. */
interface TrainingInputs {
    /** Writes sample {@code sample}'s inputs into dst from off. */
    void dense(int sample, float[] dst, int off);

    /** The number of non-zero inputs of sample {@code sample}. */
    int nonZeros(int sample);

    /**
     * Reads a byte of each cache line of sample {@code sample}'s sparse inputs and returns their sum, which
     * the caller keeps somewhere (else the reads are optimized away): a batch's samples are scattered
     * over the data set, and touching them all first lets their cache misses overlap, where the gather
     * would wait for each in turn. Nothing to touch by default.
     */
    default int touch(int sample) {
        return 0;
    }

    /**
     * Writes sample {@code sample}'s non-zero inputs as row {@code row} of dst, a batch begun with
     * {@link SparseBatch#startRows} and that row's length {@link #nonZeros}; from any thread.
     */
    void sparse(int sample, SparseBatch dst, int row);

    boolean isZero(int sample, int feature);

    /** The share of non-zero inputs over up to the first 1,000 of n samples. */
    default double density(int n, int features) {
        int samples = Math.min(n, 1000);
        long nonZero = 0;
        for (int i = 0; i < samples; i++) {
            for (int f = 0; f < features; f++) {
                nonZero += isZero(i, f) ? 0 : 1;
            }
        }
        return samples == 0 ? 1 : (double) nonZero / ((long) samples * features);
    }
}
