package mnist.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Facts about the bundled MNIST, cross-checked with numpy on /work/shared/data/mnist. */
class BundledMnistTest {
    // np.bincount(labels) of train-labels-idx1-ubyte and t10k-labels-idx1-ubyte.
    private static final int[] TRAIN_COUNTS = {5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949};
    private static final int[] TEST_COUNTS = {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009};
    // images[i].astype(np.int64).sum(): the byte sums of the first and last images.
    private static final int TRAIN_FIRST_BYTE_SUM = 27525;
    private static final int TRAIN_LAST_BYTE_SUM = 20920;
    private static final int TEST_FIRST_BYTE_SUM = 18454;
    private static final int TEST_LAST_BYTE_SUM = 41833;
    // images.astype(np.int64).sum(): the byte sums of whole splits.
    private static final long TRAIN_BYTE_SUM = 1_567_298_545L;
    private static final long TEST_BYTE_SUM = 264_923_200L;

    private final Mnist mnist = Bundled.mnist();

    @Test
    void hasTheFilesOwnSplitOf28x28Images() {
        assertEquals("bundled MNIST", mnist.source());
        assertShape(mnist.train(), 60_000);
        assertShape(mnist.test(), 10_000);
        assertEquals("bundled MNIST train: 60000 images of 28x28", mnist.train().toString());
    }

    private static void assertShape(LabeledImages split, int size) {
        assertEquals(size, split.size());
        assertEquals(28, split.rows());
        assertEquals(28, split.cols());
        assertEquals(784, split.features());
        assertEquals(size * 784, split.images().length);
        assertEquals(size, split.labels().length);
    }

    @Test
    void labelsMatchNumpy() {
        assertArrayEquals(TRAIN_COUNTS, mnist.train().labelCounts());
        assertArrayEquals(TEST_COUNTS, mnist.test().labelCounts());
        assertArrayEquals(new int[] {5, 0, 4, 1, 9, 2, 1, 3, 1, 4}, mnist.train().head(10).labels());
        assertArrayEquals(new int[] {7, 2, 1, 0, 4, 1, 4, 9, 5, 9}, mnist.test().head(10).labels());
        assertEquals(8, mnist.train().label(59_999));
        assertEquals(6, mnist.test().label(9_999));
    }

    @Test
    void pixelsAreBytesOver255() {
        LabeledImages train = mnist.train();
        assertEquals(TRAIN_FIRST_BYTE_SUM, byteSum(train.image(0)));
        assertEquals(TRAIN_LAST_BYTE_SUM, byteSum(train.image(59_999)));
        assertEquals(TEST_FIRST_BYTE_SUM, byteSum(mnist.test().image(0)));
        assertEquals(TEST_LAST_BYTE_SUM, byteSum(mnist.test().image(9_999)));
        assertEquals(TRAIN_BYTE_SUM, byteSum(train.images()));
        assertEquals(TEST_BYTE_SUM, byteSum(mnist.test().images()));
        // Row 14 of the first training image (a 5), from numpy: 81, 240, 253, 253, 119, 25 from column 13.
        float[] five = train.image(0);
        assertEquals(240 / 255f, five[14 * 28 + 14]);
        assertEquals(81 / 255f, five[14 * 28 + 13]);
        assertEquals(0f, five[0]);
        // np.float32 sum of images[0] / 255: 107.94117736816406 (the order of summation moves the last bits).
        float sum = 0;
        for (float pixel : five) {
            sum += pixel;
        }
        assertEquals(107.941177f, sum, 1e-4f);
    }

    @Test
    void pixelsSpanZeroToOne() {
        for (LabeledImages split : new LabeledImages[] {mnist.train(), mnist.test()}) {
            float min = Float.MAX_VALUE;
            float max = -Float.MAX_VALUE;
            for (float pixel : split.images()) {
                min = Math.min(min, pixel);
                max = Math.max(max, pixel);
            }
            assertEquals(0f, min, split.name());
            assertEquals(1f, max, split.name());
        }
    }

    @Test
    void binaryTargetsAskIsItAZero() {
        float[] isZero = mnist.train().binaryTargets(0);
        int ones = 0;
        for (int i = 0; i < isZero.length; i++) {
            assertTrue(isZero[i] == (mnist.train().label(i) == 0 ? 1f : 0f));
            ones += (int) isZero[i];
        }
        assertEquals(TRAIN_COUNTS[0], ones);
        assertEquals(1f, isZero[1]); // the second training image is a 0
    }

    /** Undoes the p / 255f scaling exactly (each float is the nearest to a byte over 255) and adds up. */
    private static long byteSum(float[] pixels) {
        long sum = 0;
        for (float pixel : pixels) {
            int value = Math.round(pixel * 255f);
            assertEquals(value / 255f, pixel, "every pixel is a byte over 255");
            sum += value;
        }
        return sum;
    }
}
