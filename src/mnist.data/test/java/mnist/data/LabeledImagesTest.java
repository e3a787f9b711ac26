package mnist.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LabeledImagesTest {
    /** Four 1x2 images; image i holds pixels (i/10, i/10 + 0.05) so that every row is recognisable. */
    private static final LabeledImages FOUR = LabeledImages.of("four", 1, 2,
            new float[] {0.0f, 0.05f, 0.1f, 0.15f, 0.2f, 0.25f, 0.3f, 0.35f}, new int[] {3, 0, 9, 3});

    @Test
    void describesItsShape() {
        assertEquals(4, FOUR.size());
        assertEquals(1, FOUR.rows());
        assertEquals(2, FOUR.cols());
        assertEquals(2, FOUR.features());
        assertEquals("four: 4 images of 1x2", FOUR.toString());
        assertArrayEquals(new int[] {1, 0, 0, 2, 0, 0, 0, 0, 0, 1}, FOUR.labelCounts());
    }

    @Test
    void permutedMovesImagesAndLabelsTogether() {
        LabeledImages shuffled = FOUR.permuted(new int[] {2, 0, 3, 1});
        // new[i] = old[permutation[i]]
        assertArrayEquals(new int[] {9, 3, 3, 0}, shuffled.labels());
        assertArrayEquals(new float[] {0.2f, 0.25f, 0.0f, 0.05f, 0.3f, 0.35f, 0.1f, 0.15f}, shuffled.images());
        assertArrayEquals(new int[] {3, 0, 9, 3}, FOUR.labels(), "the original is unchanged");
        assertArrayEquals(FOUR.images(), FOUR.permuted(new int[] {0, 1, 2, 3}).images());
    }

    @Test
    void selectIsASliceOfThePermutedImages() {
        int[] order = {2, 0, 3, 1};
        LabeledImages shuffled = FOUR.permuted(order);
        LabeledImages front = FOUR.select(order, 0, 3);
        LabeledImages back = FOUR.select(order, 3, 4);
        assertArrayEquals(shuffled.subset(0, 3).images(), front.images());
        assertArrayEquals(shuffled.subset(0, 3).labels(), front.labels());
        assertArrayEquals(shuffled.subset(3, 4).images(), back.images());
        assertArrayEquals(new int[] {0}, back.labels());
        assertThrows(IndexOutOfBoundsException.class, () -> FOUR.select(new int[] {0, 4}, 0, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> FOUR.select(order, 2, 5));
    }

    @Test
    void permutedRejectsWhatIsNotAPermutation() {
        assertRejected(new int[] {0, 1, 2}, "four: permutation has 3 entries, expected 4");
        assertRejected(new int[] {0, 1, 2, 2}, "four: permutation[3] = 2 repeats an earlier entry");
        assertRejected(new int[] {0, 1, 2, 4}, "four: permutation[3] = 4 is outside 0..3");
        assertRejected(new int[] {-1, 1, 2, 3}, "four: permutation[0] = -1 is outside 0..3");
    }

    private static void assertRejected(int[] permutation, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FOUR.permuted(permutation));
        assertEquals(message, e.getMessage());
    }

    @Test
    void subsetAndHeadCopyARange() {
        LabeledImages middle = FOUR.subset(1, 3);
        assertArrayEquals(new int[] {0, 9}, middle.labels());
        assertArrayEquals(new float[] {0.1f, 0.15f, 0.2f, 0.25f}, middle.images());
        assertEquals("four [1, 3)", middle.name());
        assertEquals(1, FOUR.head(1).size());
        assertEquals(0, FOUR.head(0).size());
        assertThrows(IndexOutOfBoundsException.class, () -> FOUR.subset(2, 5));
        assertThrows(IndexOutOfBoundsException.class, () -> FOUR.head(-1));
    }

    @Test
    void targetsFollowTheLabels() {
        assertArrayEquals(new float[] {1, 0, 0, 1}, FOUR.binaryTargets(3));
        assertArrayEquals(new float[] {0, 1, 0, 0}, FOUR.binaryTargets(0));
        assertThrows(IndexOutOfBoundsException.class, () -> FOUR.binaryTargets(10));
        float[] oneHot = FOUR.oneHot(10);
        assertEquals(40, oneHot.length);
        for (int i = 0; i < 4; i++) {
            for (int c = 0; c < 10; c++) {
                assertEquals(c == FOUR.label(i) ? 1f : 0f, oneHot[i * 10 + c], "row " + i + " class " + c);
            }
        }
        assertEquals(48, FOUR.oneHot(12).length);
        assertThrows(IllegalArgumentException.class, () -> FOUR.oneHot(9));
    }

    @Test
    void imageIsACopy() {
        float[] image = FOUR.image(1);
        assertArrayEquals(new float[] {0.1f, 0.15f}, image);
        image[0] = 1f;
        assertEquals(0.1f, FOUR.image(1)[0]);
        assertThrows(IndexOutOfBoundsException.class, () -> FOUR.image(4));
    }

    @Test
    void ofChecksAndCopiesItsInput() {
        float[] pixels = {0f, 1f};
        int[] labels = {5};
        LabeledImages one = LabeledImages.of("one", 1, 2, pixels, labels);
        pixels[0] = 0.5f;
        labels[0] = 6;
        assertEquals(0f, one.images()[0]);
        assertEquals(5, one.label(0));
        assertMessage(() -> LabeledImages.of("x", 1, 2, new float[3], new int[] {1}), "x: 3 pixels are not 1 images of 1x2");
        assertMessage(() -> LabeledImages.of("x", 1, 1, new float[1], new int[] {10}), "x: label 10 at index 0 is outside 0..9");
        assertMessage(() -> LabeledImages.of("x", 1, 1, new float[] {Float.NaN}, new int[] {1}), "x: pixel NaN at flat index 0");
        assertMessage(() -> LabeledImages.of("x", 1, 1, new float[] {1.5f}, new int[] {1}), "x: pixel 1.5 at flat index 0");
        assertMessage(() -> LabeledImages.of("x", 0, 1, new float[0], new int[0]), "x: image size 0x1 is empty");
    }

    private static void assertMessage(Runnable call, String start) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
    }

    @Test
    void theIndexOfLitPixelsHoldsEveryNonZeroPixelInOrder() {
        java.util.Random r = new java.util.Random(9);
        int rows = 5, cols = 13, n = 40;   // 65 pixels: runs of eight and a tail
        byte[] pixels = new byte[n * rows * cols];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = r.nextInt(4) == 0 ? (byte) (1 + r.nextInt(255)) : 0;
        }
        java.util.Arrays.fill(pixels, 0, rows * cols, (byte) 0);   // a blank image
        int[] labels = new int[n];
        LabeledImages images = LabeledImages.ofPixels("random", rows, cols, pixels, labels);
        LabeledImages.NonZeroPixels index = images.nonZeroPixels();
        int features = rows * cols;
        for (int i = 0; i < n; i++) {
            int e = index.start()[i];
            for (int k = 0; k < features; k++) {
                byte p = pixels[i * features + k];
                if (p != 0) {
                    assertEquals(k, index.columns()[e], "image " + i + ": column of its entry " + e);
                    assertEquals(p, index.values()[e++]);
                }
            }
            assertEquals(index.start()[i + 1], e, "image " + i + " has exactly its lit pixels");
        }
        assertEquals(0, index.start()[1], "the blank image has none");
        assertTrue(index == images.nonZeroPixels(), "made once");
        assertEquals(null, FOUR.nonZeroPixels(), "none for images made from floats");
    }
}
