package mnist.app.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mnist.model.ConfusionMatrix;
import org.junit.jupiter.api.Test;

/** The pieces of the report: axes, SVG charts, the heat map, the raster renderer and the PNG writer. */
class ChartsTest {

    @Test
    void axesHaveNiceTicksCoveringTheData() {
        Axis loss = Axis.covering(0, 0.2807, 6);
        assertEquals(0, loss.min());
        assertEquals(0.3, loss.max(), 1e-12);
        assertEquals(List.of("0.0", "0.1", "0.2", "0.3"), loss.ticks().stream().map(loss::label).toList());
        Axis accuracy = Axis.covering(0.9561, 0.9992, 6);
        assertTrue(accuracy.min() <= 0.9561 && accuracy.max() >= 0.9992, accuracy.toString());
        assertEquals("0.95", accuracy.label(accuracy.min()));
        assertEquals("1.00", accuracy.label(accuracy.max()));
        Axis epochs = Axis.integers(1, 12, 8);
        assertEquals(List.of(1.0, 2.0, 4.0, 6.0, 8.0, 10.0, 12.0), epochs.ticks(), "the first epoch, then multiples of the step");
        Axis lecture = Axis.integers(1, 200, 8);
        assertEquals(List.of("1", "50", "100", "150", "200"), lecture.ticks().stream().map(lecture::label).toList());
        Axis flat = Axis.covering(0.5, 0.5, 6);
        assertTrue(flat.min() < 0.5 && flat.max() > 0.5, flat.toString());
        assertThrows(IllegalArgumentException.class, () -> Axis.covering(Double.NaN, 1, 6));
    }

    @Test
    void polylinePointsAreTheValuesOnTheAxes() {
        double[] losses = {2.31, 0.52, 0.33, 0.27, 0.2011, 0.19, 0.1};
        Series series = new Series("training", 0x1f77b4, losses, "test");
        Axis axis = Svg.lossAxis(List.of(series));
        String svg = Svg.lineChart("c", "loss", List.of(series), axis, 5);
        XmlCheck.wellFormed(svg);
        double[][] points = polyline(svg, "training");
        assertEquals(losses.length, points.length);
        assertLinear(points, losses, "loss chart");
        assertTrue(svg.contains("kept: epoch 5"), "the kept epoch is marked");
        System.out.println("OK, " + points.length + " points of the polyline map back to the losses");
    }

    /** x is equally spaced per epoch, y an affine, decreasing function of the value; within 0.011 units (2 decimals). */
    static void assertLinear(double[][] points, double[] values, String what) {
        int last = points.length - 1;
        double dx = (points[last][0] - points[0][0]) / last;
        double slope = (points[last][1] - points[0][1]) / (values[last] - values[0]);
        assertTrue(dx > 0 && slope < 0, what + ": x grows with the epoch, y falls as the value rises");
        for (int i = 0; i < points.length; i++) {
            assertEquals(points[0][0] + i * dx, points[i][0], 0.011, what + ": x of epoch " + (i + 1));
            assertEquals(points[0][1] + slope * (values[i] - values[0]), points[i][1], 0.011, what + ": y of epoch " + (i + 1));
        }
    }

    /** The points of the polyline of one series, as (x, y) pairs. */
    static double[][] polyline(String svg, String series) {
        Matcher m = Pattern.compile("<polyline class=\"series\" data-series=\"" + Pattern.quote(series) + "\"[^>]* points=\"([^\"]*)\"")
                .matcher(svg);
        assertTrue(m.find(), "a polyline for " + series);
        String[] pairs = m.group(1).split(" ");
        double[][] points = new double[pairs.length][];
        for (int i = 0; i < pairs.length; i++) {
            String[] xy = pairs[i].split(",");
            points[i] = new double[] {Double.parseDouble(xy[0]), Double.parseDouble(xy[1])};
        }
        return points;
    }

    @Test
    void heatMapCellsAreTheMatrix() {
        Random random = new Random(3);
        int n = 500;
        int[] actual = new int[n];
        int[] predicted = new int[n];
        for (int i = 0; i < n; i++) {
            actual[i] = random.nextInt(10);
            predicted[i] = random.nextInt(5) == 0 ? random.nextInt(10) : actual[i];
        }
        List<String> names = new ArrayList<>();
        for (int d = 0; d < 10; d++) {
            names.add(Integer.toString(d));
        }
        ConfusionMatrix matrix = ConfusionMatrix.of(actual, predicted, names);
        String svg = Svg.heatMap(matrix);
        XmlCheck.wellFormed(svg);
        assertArrayEquals(matrix.rows(), cells(svg, 10));
    }

    /** The heat map's cells as rows (actual) of columns (predicted); checks each cell's text is its count. */
    static long[][] cells(String svg, int k) {
        long[][] counts = new long[k][k];
        Matcher m = Pattern.compile("<g class=\"cell\" data-actual=\"(\\d+)\" data-predicted=\"(\\d+)\" data-count=\"(\\d+)\">.*?"
                + "<text [^>]*>(\\d+)</text></g>").matcher(svg);
        int found = 0;
        while (m.find()) {
            int a = Integer.parseInt(m.group(1));
            int p = Integer.parseInt(m.group(2));
            assertEquals(m.group(3), m.group(4), "the count written in cell " + a + "," + p);
            counts[a][p] = Long.parseLong(m.group(3));
            found++;
        }
        assertEquals(k * k, found, "cells in the heat map");
        return counts;
    }

    @Test
    void pngWriterRoundTrips() {
        Random random = new Random(7);
        for (int channels : new int[] {1, 3}) {
            for (int[] size : new int[][] {{1, 1}, {28, 28}, {37, 5}, {3, 64}}) {
                byte[] pixels = new byte[size[0] * size[1] * channels];
                for (int i = 0; i < pixels.length; i++) {
                    // flat runs and noise, so that both filters get used
                    pixels[i] = (byte) (i % 97 < 60 ? 200 : random.nextInt(256));
                }
                PngCheck.Image image = PngCheck.check(PngWriter.encode(size[0], size[1], channels, pixels));
                assertEquals(size[0], image.width());
                assertEquals(size[1], image.height());
                assertEquals(channels, image.channels());
                assertArrayEquals(pixels, image.pixels(), size[0] + "x" + size[1] + "x" + channels);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> PngWriter.encode(2, 2, 1, new byte[3]));
        assertThrows(IllegalArgumentException.class, () -> PngWriter.encode(2, 2, 4, new byte[16]));
    }

    @Test
    void rasterDrawsTextRectanglesAndLines() {
        Raster r = new Raster(40, 20, 0xffffff);
        r.fillRect(0, 0, 10, 10, 0xff0000);
        r.text("7", 20, 5, 1, Raster.Align.LEFT, 0x000000);
        r.line(0.5, 19.5, 38.5, 19.5, 1, 0x0000ff);
        byte[] rgb = r.pixels();
        assertEquals(0xff0000, pixel(rgb, 40, 5, 5));
        assertEquals(0xffffff, pixel(rgb, 40, 15, 5));
        assertEquals(0x000000, pixel(rgb, 40, 20, 5), "top-left pixel of the 7");
        assertEquals(0xffffff, pixel(rgb, 40, 20, 6), "the 7 has no ink at its left below the bar");
        assertEquals(0x0000ff, pixel(rgb, 40, 20, 19), "the line");
        assertEquals(0xffffff, pixel(rgb, 40, 20, 18), "nothing beside the line");
        for (char c : "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ .,:-+%()/=_".toCharArray()) {
            boolean unknown = true;
            for (int row = 0; row < Font5x7.HEIGHT; row++) {
                for (int col = 0; col < Font5x7.WIDTH; col++) {
                    unknown &= Font5x7.ink(c, col, row) == Font5x7.ink('\u0001', col, row);
                }
            }
            assertTrue(!unknown, "glyph for '" + c + "'");
        }
    }

    private static int pixel(byte[] rgb, int width, int x, int y) {
        int o = (y * width + x) * 3;
        return (rgb[o] & 0xFF) << 16 | (rgb[o + 1] & 0xFF) << 8 | rgb[o + 2] & 0xFF;
    }
}
