package mnist.model.internal;

import mnist.math.internal.SparseBatch;

/** Training inputs given as floats: rows of {@code features} values of one array, (n, features). */
final class FloatInputs implements TrainingInputs {
    private final float[] x;
    private final int features;

    FloatInputs(float[] x, int features) {
        this.x = x;
        this.features = features;
    }

    @Override
    public void dense(int sample, float[] dst, int off) {
        System.arraycopy(x, sample * features, dst, off, features);
    }

    @Override
    public int nonZeros(int sample) {
        int n = 0;
        for (int p = sample * features, end = p + features; p < end; p++) {
            n += x[p] != 0f ? 1 : 0;
        }
        return n;
    }

    @Override
    public void sparse(int sample, SparseBatch dst, int row) {
        dst.setRow(row, x, sample * features);
    }

    @Override
    public boolean isZero(int sample, int feature) {
        return x[sample * features + feature] == 0f;
    }
}
