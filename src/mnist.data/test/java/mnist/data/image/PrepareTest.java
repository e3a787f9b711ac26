package mnist.data.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import mnist.data.DatasetException;
import mnist.data.LabeledImages;
import mnist.data.Mnist;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MNIST-style preparation: a test digit redrawn larger, inverted, in colour, off-centre on a large
 * canvas, and saved as PNG comes back as nearly the original 28x28.
 */
class PrepareTest {
    private static LabeledImages test;

    @BeforeAll
    static void load() throws DatasetException {
        test = Mnist.loadBundled().test().head(200);
    }

    /**
     * Test digit i drawn {@code scale} times larger (each pixel a scale x scale block) at (left, top) of
     * a canvas, ink colour {@code ink} blended over {@code paper} by the pixel's value: an RGB PNG.
     */
    static byte[] redraw(float[] digit, int scale, int canvasW, int canvasH, int left, int top, int[] ink, int[] paper) {
        int[] samples = new int[canvasW * canvasH * 3];
        for (int y = 0; y < canvasH; y++) {
            for (int x = 0; x < canvasW; x++) {
                int dx = (x - left) / scale, dy = (y - top) / scale;
                float v = x >= left && y >= top && dx < 28 && dy < 28 ? digit[dy * 28 + dx] : 0f;
                for (int c = 0; c < 3; c++) {
                    samples[(y * canvasW + x) * 3 + c] = Math.round(paper[c] * (1 - v) + ink[c] * v);
                }
            }
        }
        return TestPng.encode(canvasW, canvasH, 2, 8, samples, null, null);
    }

    static double meanAbsDiff(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Math.abs(a[i] - b[i]);
        }
        return sum / a.length;
    }

    @Test
    void anMnistDigitIsAlmostUnchanged() throws DatasetException {
        double worst = 0, total = 0;
        for (int i = 0; i < test.size(); i++) {
            float[] digit = test.image(i);
            float[] again = DigitImages.prepare(new GrayImage(28, 28, invert(digit)), "d");
            double d = meanAbsDiff(digit, again);
            worst = Math.max(worst, d);
            total += d;
        }
        System.out.printf("200 MNIST digits (dark on white) prepared again: mean abs diff %.4f on average, %.4f at worst%n",
                total / test.size(), worst);
        assertTrue(total / test.size() < 0.03, "average " + total / test.size());
    }

    private static float[] invert(float[] digit) {
        float[] out = new float[digit.length];
        for (int i = 0; i < digit.length; i++) {
            out[i] = 1 - digit[i];
        }
        return out;
    }

    @Test
    void scaledInvertedColouredOffCentreComesBack() throws DatasetException {
        int[][] inks = {{20, 20, 160}, {255, 255, 255}, {0, 0, 0}, {200, 30, 30}};
        int[][] papers = {{250, 235, 120}, {10, 10, 10}, {255, 255, 255}, {240, 240, 255}};
        double worst = 0, total = 0;
        int n = 40;
        for (int i = 0; i < n; i++) {
            float[] digit = test.image(i);
            int style = i % inks.length;
            int scale = 2 + i % 4;      // 56 to 140 pixels a side
            int canvasW = 28 * scale + 150 + 7 * i, canvasH = 28 * scale + 90;
            byte[] png = redraw(digit, scale, canvasW, canvasH, 10 + 3 * i, 70 - i, inks[style], papers[style]);
            float[] again = DigitImages.prepare(DigitImages.decode(png, "test digit " + i), "test digit " + i);
            double d = meanAbsDiff(digit, again);
            worst = Math.max(worst, d);
            total += d;
            assertTrue(d < 0.06, "digit " + i + ": mean abs diff " + d);
        }
        System.out.printf("%d test digits at 2-5x, inverted or in colour, off-centre on larger canvases: "
                + "mean abs diff %.4f on average, %.4f at worst%n", n, total / n, worst);
        assertTrue(total / n < 0.03, "average " + total / n);
    }

    @Test
    void blankImagesHaveNoDigit() {
        float[] white = new float[40 * 30];
        java.util.Arrays.fill(white, 1f);
        DatasetException e = assertThrows(DatasetException.class, () -> DigitImages.prepare(new GrayImage(40, 30, white), "blank.png"));
        assertEquals("blank.png: no digit found: the image is blank or has almost no contrast", e.getMessage());
    }

    @Test
    void aWideStrokeIsScaledToTwentyWideAndCentred() throws DatasetException {
        // a horizontal bar 100x10 on white: becomes 20x2, its centre of mass within half a pixel of (14, 14)
        float[] gray = new float[200 * 100];
        java.util.Arrays.fill(gray, 1f);
        for (int y = 20; y < 30; y++) {
            for (int x = 30; x < 130; x++) {
                gray[y * 200 + x] = 0f;
            }
        }
        float[] out = DigitImages.prepare(new GrayImage(200, 100, gray), "bar");
        int inked = 0;
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                if (out[y * 28 + x] > 0) {
                    inked++;
                    assertTrue(x >= 4 && x <= 24 && y >= 13 && y <= 15, "ink at " + x + "," + y);
                    assertEquals(1f, out[y * 28 + x], 1e-6f);
                }
            }
        }
        assertEquals(40, inked);
    }
}
