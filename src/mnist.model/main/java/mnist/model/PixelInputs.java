package mnist.model;

import mnist.data.LabeledImages;
import mnist.math.SparseBatch;

/**
 * Training images kept as bytes, and, for the sparse first layer, as their non-zero pixels: made once
 * (a column index and a byte per lit pixel, about 150 of an MNIST digit's 784: 24 MB for 55,000 digits),
 * so that gathering a batch costs its non-zeros, not a scan of every pixel.
 */
final class PixelInputs implements TrainingInputs {
    private final LabeledImages images;
    private final byte[] pixels;
    private final int features;
    private int[] start;     // image i's non-zeros: [start[i], start[i + 1]) of cols and values
    private short[] cols;
    private byte[] values;

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

    /** Whether the images are too wide for the index's columns (shorts): then the pixels are scanned. */
    private boolean wide() {
        return features > Short.MAX_VALUE;
    }

    @Override
    public int nonZeros(int sample) {
        if (wide()) {
            int n = 0;
            for (int p = sample * features, end = p + features; p < end; p++) {
                n += pixels[p] != 0 ? 1 : 0;
            }
            return n;
        }
        if (start == null) {
            index();     // on the thread that begins a batch, before any thread reads the index
        }
        return start[sample + 1] - start[sample];
    }

    @Override
    public void sparse(int sample, SparseBatch dst, int row) {
        if (wide()) {
            dst.setRow(row, pixels, sample * features, LabeledImages.PIXEL_DIVISOR);
        } else {
            dst.setRow(row, cols, values, start[sample], start[sample + 1], LabeledImages.PIXEL_DIVISOR);
        }
    }

    @Override
    public boolean isZero(int sample, int feature) {
        return pixels[sample * features + feature] == 0;
    }

    /** The non-zero pixels of every image, in order. */
    private void index() {
        int n = images.size();
        int[] s = new int[n + 1];
        long nnz = 0;
        for (int i = 0; i < n; i++) {
            s[i] = (int) nnz;
            for (int p = i * features, end = p + features; p < end; p++) {
                nnz += pixels[p] != 0 ? 1 : 0;
            }
            if (nnz > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("too many non-zero pixels to index: over " + nnz);
            }
        }
        s[n] = (int) nnz;
        short[] c = new short[(int) nnz];
        byte[] v = new byte[(int) nnz];
        int e = 0;
        for (int i = 0; i < n; i++) {
            for (int f = 0, p = i * features; f < features; f++, p++) {
                if (pixels[p] != 0) {
                    c[e] = (short) f;
                    v[e++] = pixels[p];
                }
            }
        }
        start = s;
        cols = c;
        values = v;
    }
}
