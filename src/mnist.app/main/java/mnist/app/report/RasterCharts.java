package mnist.app.report;

import java.util.List;
import mnist.model.ConfusionMatrix;

/**
 * The loss chart and the confusion matrix drawn as PNG images with {@link Raster}, for pasting into
 * documents: the same axes, colours and numbers as the SVG in report.html.
 */
final class RasterCharts {
    private static final int WHITE = 0xffffff;
    private static final int TEXT = 0x222222;
    private static final int AXIS = 0x444444;
    private static final int GRID = 0xe3e3e3;

    private RasterCharts() {
    }

    /** Loss per epoch, one line per series, the kept epoch dashed. */
    static Raster loss(List<Series> series, int bestEpoch) {
        int w = 960;
        int h = 560;
        Raster r = new Raster(w, h, WHITE);
        Svg.Frame f = new Svg.Frame(100, 80, w - 100 - 40, h - 80 - 84);
        Axis yAxis = Svg.lossAxis(series);
        int epochs = 0;
        for (Series s : series) {
            epochs = Math.max(epochs, s.values().length);
        }
        Axis xAxis = Axis.integers(1, Math.max(1, epochs), 8);
        r.text("LOSS PER EPOCH", f.left(), 22, 3, Raster.Align.LEFT, TEXT);
        for (double t : yAxis.ticks()) {
            double y = Math.round(Svg.yOf(f, yAxis, t));
            r.fillRect(f.left(), y, f.width(), 1, GRID);
            r.fillRect(f.left() - 8, y, 8, 2, AXIS);
            r.text(yAxis.label(t), f.left() - 14, y - 6, 2, Raster.Align.RIGHT, TEXT);
        }
        for (double t : xAxis.ticks()) {
            double x = Math.round(Svg.xOf(f, xAxis, t));
            r.fillRect(x, f.top(), 1, f.height(), GRID);
            r.fillRect(x, f.top() + f.height(), 2, 8, AXIS);
            r.text(xAxis.label(t), x + 1, f.top() + f.height() + 16, 2, Raster.Align.CENTER, TEXT);
        }
        r.fillRect(f.left() - 1, f.top(), 2, f.height() + 1, AXIS);
        r.fillRect(f.left() - 1, f.top() + f.height(), f.width() + 1, 2, AXIS);
        r.text("EPOCH", f.left() + f.width() / 2, h - 34, 2, Raster.Align.CENTER, TEXT);
        r.verticalText("LOSS", 30, f.top() + f.height() / 2, 2, TEXT);
        if (bestEpoch >= 1 && bestEpoch <= epochs && epochs > 1) {
            double x = Svg.xOf(f, xAxis, bestEpoch);
            r.dashedLine(x, f.top(), x, f.top() + f.height(), 1.5, 7, 0x777777);
            r.text("KEPT: EPOCH " + bestEpoch, x + 8, f.top() + 8, 2, Raster.Align.LEFT, 0x555555);
        }
        for (Series s : series) {
            double[] v = s.values();
            double px = Double.NaN;
            double py = Double.NaN;
            for (int i = 0; i < v.length; i++) {
                if (!Double.isFinite(v[i])) {
                    continue;
                }
                double x = Svg.xOf(f, xAxis, i + 1);
                double y = Svg.yOf(f, yAxis, v[i]);
                if (!Double.isNaN(px)) {
                    r.line(px, py, x, y, 3, s.rgb());
                } else if (v.length == 1) {
                    r.line(x, y, x, y, 8, s.rgb());
                }
                if (v.length <= 40) {
                    r.line(x, y, x, y, 8, s.rgb());
                }
                px = x;
                py = y;
            }
        }
        // legend, top right
        double x = f.left() + f.width();
        for (int i = series.size() - 1; i >= 0; i--) {
            String name = series.get(i).name().toUpperCase(java.util.Locale.ROOT);
            double textWidth = Font5x7.width(name) * 2;
            x -= textWidth;
            r.text(name, x, 34, 2, Raster.Align.LEFT, TEXT);
            r.line(x - 40, 41, x - 10, 41, 4, series.get(i).rgb());
            x -= 70;
        }
        return r;
    }

    /** The confusion matrix: rows actual, columns predicted, counts in the cells, a logarithmic colour scale. */
    static Raster confusion(ConfusionMatrix matrix) {
        int k = matrix.classCount();
        int cell = k <= 2 ? 140 : k <= 10 ? 60 : Math.max(20, 600 / k);
        List<String> names = matrix.classNames();
        int longest = names.stream().mapToInt(n -> Font5x7.width(n) * 2).max().orElse(10);
        int left = 56 + longest + 16;
        int top = 110;
        int size = cell * k;
        int barX = left + size + 34;
        int w = barX + 24 + 90;
        int h = top + size + 40;
        Raster r = new Raster(w, h, WHITE);
        long max = 0;
        for (long[] row : matrix.rows()) {
            for (long c : row) {
                max = Math.max(max, c);
            }
        }
        r.text("CONFUSION MATRIX (TEST SET)", 20, 18, 3, Raster.Align.LEFT, TEXT);
        r.text("PREDICTED", left + size / 2.0, 60, 2, Raster.Align.CENTER, TEXT);
        r.verticalText("ACTUAL", 26, top + size / 2.0, 2, TEXT);
        int countScale = cell >= 40 ? 2 : 1;
        for (int c = 0; c < k; c++) {
            String name = names.get(c).toUpperCase(java.util.Locale.ROOT);
            r.text(name, left + (c + 0.5) * cell, top - 24, 2, Raster.Align.CENTER, TEXT);
            r.text(name, left - 12, top + (c + 0.5) * cell - 7, 2, Raster.Align.RIGHT, TEXT);
        }
        for (int a = 0; a < k; a++) {
            for (int p = 0; p < k; p++) {
                long count = matrix.count(a, p);
                double t = Svg.heat(count, max);
                int x = left + p * cell;
                int y = top + a * cell;
                r.fillRect(x, y, cell, cell, count == 0 ? WHITE : Svg.blues(t));
                r.fillRect(x, y, cell, 1, 0xf0f0f0);
                r.fillRect(x, y, 1, cell, 0xf0f0f0);
                int colour = count == 0 ? 0xbbbbbb : t > 0.55 ? WHITE : TEXT;
                r.text(Long.toString(count), x + cell / 2.0, y + cell / 2.0 - 3.5 * countScale, countScale, Raster.Align.CENTER, colour);
            }
        }
        r.strokeRect(left - 1, top - 1, size + 2, size + 2, 2, AXIS);
        for (int y = 0; y < size; y++) {
            r.fillRect(barX, top + size - 1 - y, 24, 1, Svg.blues((y + 0.5) / size));
        }
        r.strokeRect(barX - 1, top - 1, 26, size + 2, 1, AXIS);
        for (long tick : Svg.heatTicks(max)) {
            double y = Math.round(top + size - Svg.heat(tick, max) * size);
            r.fillRect(barX + 25, y - 1, 6, 2, AXIS);
            r.text(Long.toString(tick), barX + 36, y - 7, 2, Raster.Align.LEFT, TEXT);
        }
        return r;
    }
}
