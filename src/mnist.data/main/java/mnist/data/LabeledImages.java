package mnist.data;

import java.util.Arrays;
import java.util.Objects;
import mnist.data.idx.IdxArray;

/**
 * Images with a digit label each, ready for training: {@code images()} is (size, features) row-major,
 * pixels scaled to [0, 1]; labels are 0 to 9.
 *
 * <p>Images read from IDX files are kept as the bytes they came from (the training set's are 47 MB; as
 * floats they would be 188 MB): a trainer converts them a batch at a time ({@link #copyImage}),
 * and {@link #images()} converts them all only when asked, once. Images made from floats
 * ({@link #of}) keep their floats. The instance does not change; {@link #images()} shares its array
 * instead of copying it.
 */
public final class LabeledImages {
    /** The number of classes, the digits 0 to 9. */
    public static final int CLASSES = 10;

    private final String name;
    private final int rows;
    private final int cols;
    /** What the unsigned pixel bytes of IDX images are divided by, to scale them to [0, 1]. */
    public static final float PIXEL_DIVISOR = 255f;

    private final byte[] pixels;  // (size, rows * cols) unsigned, or null when made from floats
    private float[] images;       // (size, rows * cols) in [0, 1]: made from pixels when first asked for
    private NonZeroPixels nonZero; // made from pixels when first asked for
    private final byte[] labels;  // (size)

    /** Takes ownership of the arrays, which the caller has checked; exactly one of pixels and images is not null. */
    private LabeledImages(String name, int rows, int cols, byte[] pixels, float[] images, byte[] labels) {
        this.name = name;
        this.rows = rows;
        this.cols = cols;
        this.pixels = pixels;
        this.images = images;
        this.labels = labels;
    }

    /**
     * Copies {@code images}, (labels.length, rows * cols) row-major with values in [0, 1], and
     * {@code labels}, each 0 to 9; {@code name} describes them in messages.
     */
    public static LabeledImages of(String name, int rows, int cols, float[] images, int[] labels) {
        byte[] labelBytes = checked(name, rows, cols, images.length, labels);
        for (int p = 0; p < images.length; p++) {
            if (!(images[p] >= 0f && images[p] <= 1f)) { // also rejects NaN
                throw new IllegalArgumentException(name + ": pixel " + images[p] + " at flat index " + p
                        + " is outside [0, 1]");
            }
        }
        return new LabeledImages(name, rows, cols, null, images.clone(), labelBytes);
    }

    /**
     * Copies {@code pixels}, (labels.length, rows * cols) row-major unsigned bytes, each p standing for
     * p / 255, and {@code labels}, each 0 to 9; {@code name} describes them in messages.
     */
    public static LabeledImages ofPixels(String name, int rows, int cols, byte[] pixels, int[] labels) {
        byte[] labelBytes = checked(name, rows, cols, pixels.length, labels);
        return new LabeledImages(name, rows, cols, pixels.clone(), null, labelBytes);
    }

    /** Checks that {@code pixelCount} pixels are labels.length images of rows x cols; returns the labels as bytes. */
    private static byte[] checked(String name, int rows, int cols, int pixelCount, int[] labels) {
        Objects.requireNonNull(name, "name");
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException(name + ": image size " + rows + "x" + cols + " is empty");
        }
        if ((long) labels.length * rows * cols != pixelCount) {
            throw new IllegalArgumentException(name + ": " + pixelCount + " pixels are not "
                    + labels.length + " images of " + rows + "x" + cols);
        }
        byte[] labelBytes = new byte[labels.length];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= CLASSES) {
                throw new IllegalArgumentException(name + ": label " + labels[i] + " at index " + i
                        + " is outside 0.." + (CLASSES - 1));
            }
            labelBytes[i] = (byte) labels[i];
        }
        return labelBytes;
    }

    /**
     * From IDX arrays already checked to be images (n, rows, cols) and labels (n) within 0..9: keeps the
     * image bytes (the array is the caller's no longer); each pixel p reads as p / 255f.
     */
    static LabeledImages fromIdx(String name, IdxArray images, IdxArray labels) {
        return new LabeledImages(name, images.dimension(1), images.dimension(2), images.values(), null,
                labels.values().clone());
    }

    /** What these images are, e.g. {@code bundled MNIST train}, for messages. */
    public String name() {
        return name;
    }

    /** The number of images. */
    public int size() {
        return labels.length;
    }

    /** The height of each image in pixels. */
    public int rows() {
        return rows;
    }

    /** The width of each image in pixels. */
    public int cols() {
        return cols;
    }

    /** The number of pixels in one image, {@code rows() * cols()}. */
    public int features() {
        return rows * cols;
    }

    /**
     * All pixels, (size, features) row-major, each in [0, 1]. The array is shared, not copied (it is
     * large): the caller must not modify it. Images kept as bytes are converted on the first call, and
     * the floats kept from then on; a trainer that goes a batch at a time uses {@link #copyImage} instead.
     */
    public synchronized float[] images() {
        if (images == null) {
            float[] scaled = new float[pixels.length];
            for (int p = 0; p < pixels.length; p++) {
                scaled[p] = (pixels[p] & 0xFF) / PIXEL_DIVISOR;
            }
            images = scaled;
        }
        return images;
    }

    /**
     * The non-zero pixels of every image, in order: image i's are entries [start[i], start[i + 1]) of
     * columns (the pixel's index within the image) and values (its unsigned byte). About a fifth of an
     * MNIST digit's pixels are lit, so a trainer that skips the zeros reads this rather than the pixels.
     * The arrays are shared, not copied: the caller must not modify them.
     */
    public record NonZeroPixels(int[] start, short[] columns, byte[] values) {
    }

    /**
     * The index of the non-zero pixels ({@link NonZeroPixels}), made on the first call (a pass over the
     * pixels: about 0.1 s for 60,000 digits) and kept; null for images made from floats or wider than
     * 32,767 pixels.
     */
    public synchronized NonZeroPixels nonZeroPixels() {
        if (nonZero == null && pixels != null && features() <= Short.MAX_VALUE) {
            nonZero = indexNonZeros();
        }
        return nonZero;
    }

    private static final java.lang.invoke.VarHandle LONGS =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    // Two passes, each one loop over every image: a loop that runs long is compiled early (on-stack
    // replacement), where a method called once per image would run interpreted for its first 10,000
    // calls without tiered compilation (as mnist train runs), half a second of a core.
    private NonZeroPixels indexNonZeros() {
        int n = size(), features = features();
        int[] start = new int[n + 1];
        long nnz = 0;
        for (int i = 0; i < n; i++) {
            start[i] = (int) nnz;
            int from = i * features, k = 0;
            for (int end = features - 7; k < end; k += 8) {    // eight zero pixels at a time: most of a digit
                if ((long) LONGS.get(pixels, from + k) != 0L) {
                    for (int j = k; j < k + 8; j++) {
                        nnz += pixels[from + j] != 0 ? 1 : 0;
                    }
                }
            }
            for (; k < features; k++) {
                nnz += pixels[from + k] != 0 ? 1 : 0;
            }
            if (nnz > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("too many non-zero pixels to index: over " + nnz);
            }
        }
        start[n] = (int) nnz;
        short[] columns = new short[(int) nnz];
        byte[] values = new byte[(int) nnz];
        int e = 0;
        for (int i = 0; i < n; i++) {
            int from = i * features, k = 0;
            for (int end = features - 7; k < end; k += 8) {
                if ((long) LONGS.get(pixels, from + k) != 0L) {
                    for (int j = k; j < k + 8; j++) {
                        byte p = pixels[from + j];
                        if (p != 0) {
                            columns[e] = (short) j;
                            values[e++] = p;
                        }
                    }
                }
            }
            for (; k < features; k++) {
                byte p = pixels[from + k];
                if (p != 0) {
                    columns[e] = (short) k;
                    values[e++] = p;
                }
            }
        }
        return new NonZeroPixels(start, columns, values);
    }

    /**
     * The unsigned pixel bytes, (size, features) row-major, each p standing for p / {@link #PIXEL_DIVISOR};
     * shared, not copied: the caller must not modify them. Null for images made from floats.
     */
    public byte[] pixelBytes() {
        return pixels;
    }

    /** Writes image {@code i}, (features) values in [0, 1], into {@code dst} from {@code off}. */
    public void copyImage(int i, float[] dst, int off) {
        Objects.checkIndex(i, size());
        int features = features();
        Objects.checkFromIndexSize(off, features, dst.length);
        int from = i * features;
        if (pixels == null) {
            System.arraycopy(images, from, dst, off, features);
            return;
        }
        for (int p = 0; p < features; p++) {
            dst[off + p] = (pixels[from + p] & 0xFF) / PIXEL_DIVISOR;
        }
    }

    /** A copy of image {@code i}, (rows, cols) row-major, for display. */
    public float[] image(int i) {
        float[] copy = new float[features()];
        copyImage(i, copy, 0);
        return copy;
    }

    /** The label of image {@code i}, 0 to 9. */
    public int label(int i) {
        return labels[i];
    }

    /** A copy of all labels, each 0 to 9. */
    public int[] labels() {
        int[] copy = new int[labels.length];
        for (int i = 0; i < labels.length; i++) {
            copy[i] = labels[i];
        }
        return copy;
    }

    /** How many images carry each label: element d counts the label d. */
    public int[] labelCounts() {
        int[] counts = new int[CLASSES];
        for (byte label : labels) {
            counts[label]++;
        }
        return counts;
    }

    /** Targets for a yes/no classifier: (size), 1 where the label is {@code digit}, else 0. */
    public float[] binaryTargets(int digit) {
        Objects.checkIndex(digit, CLASSES);
        float[] targets = new float[labels.length];
        for (int i = 0; i < labels.length; i++) {
            targets[i] = labels[i] == digit ? 1f : 0f;
        }
        return targets;
    }

    /** One-hot targets: (size, classes) row-major, 1 in column label(i) of row i. */
    public float[] oneHot(int classes) {
        if (classes < CLASSES) {
            throw new IllegalArgumentException(name + ": " + classes + " classes cannot hold labels 0.."
                    + (CLASSES - 1));
        }
        float[] targets = new float[Math.multiplyExact(labels.length, classes)];
        for (int i = 0; i < labels.length; i++) {
            targets[i * classes + labels[i]] = 1f;
        }
        return targets;
    }

    /**
     * The images reordered so that new image i is old image {@code permutation[i]}; the caller's seeded
     * generator makes the permutation. Rejects anything that is not a permutation of 0..size-1.
     */
    public LabeledImages permuted(int[] permutation) {
        int n = size();
        if (permutation.length != n) {
            throw new IllegalArgumentException(name + ": permutation has " + permutation.length
                    + " entries, expected " + n);
        }
        boolean[] seen = new boolean[n];
        for (int i = 0; i < n; i++) {
            int from = permutation[i];
            if (from < 0 || from >= n) {
                throw new IllegalArgumentException(name + ": permutation[" + i + "] = " + from
                        + " is outside 0.." + (n - 1));
            }
            if (seen[from]) {
                throw new IllegalArgumentException(name + ": permutation[" + i + "] = " + from
                        + " repeats an earlier entry");
            }
            seen[from] = true;
        }
        return gather(name, permutation, 0, n);
    }

    /**
     * Images {@code order[from..to)} in that order, copied: with a permutation, a shuffled split in one
     * copy (for example the training and validation parts of a shuffled training set) instead of two.
     */
    public LabeledImages select(int[] order, int from, int to) {
        Objects.checkFromToIndex(from, to, order.length);
        for (int i = from; i < to; i++) {
            Objects.checkIndex(order[i], size());
        }
        return gather(name + " (" + (to - from) + " selected)", order, from, to);
    }

    private LabeledImages gather(String newName, int[] order, int from, int to) {
        int features = features();
        int count = Math.multiplyExact(to - from, features);
        byte[] newPixels = pixels == null ? null : new byte[count];
        float[] newImages = pixels == null ? new float[count] : null;
        byte[] newLabels = new byte[to - from];
        for (int i = from; i < to; i++) {
            if (pixels != null) {
                System.arraycopy(pixels, order[i] * features, newPixels, (i - from) * features, features);
            } else {
                System.arraycopy(images, order[i] * features, newImages, (i - from) * features, features);
            }
            newLabels[i - from] = labels[order[i]];
        }
        return new LabeledImages(newName, rows, cols, newPixels, newImages, newLabels);
    }

    /** Images {@code from} (inclusive) to {@code to} (exclusive), copied. */
    public LabeledImages subset(int from, int to) {
        Objects.checkFromToIndex(from, to, size());
        int features = features();
        return new LabeledImages(name + " [" + from + ", " + to + ")", rows, cols,
                pixels == null ? null : Arrays.copyOfRange(pixels, from * features, to * features),
                pixels == null ? Arrays.copyOfRange(images, from * features, to * features) : null,
                Arrays.copyOfRange(labels, from, to));
    }

    /** The first {@code n} images, copied; for small tests. */
    public LabeledImages head(int n) {
        return subset(0, n);
    }

    @Override
    public String toString() {
        return name + ": " + size() + " images of " + rows + "x" + cols;
    }
}
