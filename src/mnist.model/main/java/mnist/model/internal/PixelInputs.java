package mnist.model.internal;

import mnist.data.LabeledImages;
import mnist.math.internal.SparseBatch;

/**
 * Training images kept as bytes, and, for the sparse first layer, as their non-zero pixels
 * ({@link LabeledImages#nonZeroPixels}: a column index and a byte per lit pixel, about 150 of an MNIST
 * digit's 784), so that gathering a batch costs its non-zeros, not a scan of every pixel.
 */
final class PixelInputs implements TrainingInputs {
    private final LabeledImages images;
    private final byte[] pixels;
    private final int features;
    private LabeledImages.NonZeroPixels index;   // null for images too wide for its columns
    private boolean indexed;                     // index asked for (by the thread that begins a batch)

    PixelInputs(LabeledImages images) {
        this.images = images;
        this.pixels = images.pixelBytes();
        this.features = images.features();
        if (pixels == null) {
            throw new IllegalArgumentException("images kept as floats, not bytes");
        }
    }

    @Override
    public void dense(int sample, float[] dst, int off) {
        images.copyImage(sample, dst, off);
    }

    @Override
    public int nonZeros(int sample) {
        if (!indexed) {
            index = images.nonZeroPixels();   // on the thread that begins a batch, before any thread reads it
            indexed = true;
        }
        if (index == null) {                  // too wide for the index's columns: scan the pixels
            int n = 0;
            for (int p = sample * features, end = p + features; p < end; p++) {
                n += pixels[p] != 0 ? 1 : 0;
            }
            return n;
        }
        return index.start()[sample + 1] - index.start()[sample];
    }

    @Override
    public int touch(int sample) {
        int sum = 0;
        if (index == null) {
            for (int p = sample * features, end = p + features; p < end; p += 64) {
                sum += pixels[p];
            }
            return sum;
        }
        int from = index.start()[sample], to = index.start()[sample + 1];
        short[] columns = index.columns();
        byte[] values = index.values();
        for (int e = from; e < to; e += 32) {   // 32 shorts, 64 bytes a line
            sum += columns[e];
        }
        for (int e = from; e < to; e += 64) {
            sum += values[e];
        }
        return sum;
    }

    @Override
    public void sparse(int sample, SparseBatch dst, int row) {
        if (index == null) {
            dst.setRow(row, pixels, sample * features, LabeledImages.PIXEL_DIVISOR);
        } else {
            int[] start = index.start();
            dst.setRow(row, index.columns(), index.values(), start[sample], start[sample + 1], LabeledImages.PIXEL_DIVISOR);
        }
    }

    @Override
    public boolean isZero(int sample, int feature) {
        return pixels[sample * features + feature] == 0;
    }
}
