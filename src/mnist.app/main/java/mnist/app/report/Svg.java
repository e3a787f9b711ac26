package mnist.app.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import mnist.model.ClassificationReport;
import mnist.model.ConfusionMatrix;

/**
 * The report's charts as inline SVG (well-formed XML, no script, no external reference): line charts
 * per epoch, the confusion matrix as a heat map, and per-class precision and recall as bars.
 */
final class Svg {
    static final String FONT = "font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif\"";
    private static final String AXIS = "#444444";
    private static final String GRID = "#e6e6e6";
    private static final String TEXT = "#222222";
    /** ColorBrewer's "Blues", light to dark. */
    private static final int[] BLUES = {0xf7fbff, 0xdeebf7, 0xc6dbef, 0x9ecae1, 0x6baed6, 0x4292c6, 0x2171b5, 0x08519c, 0x08306b};
    static final int PRECISION = 0x4c78a8;
    static final int RECALL = 0xf58518;

    private Svg() {
    }

    // ---- line chart ----------------------------------------------------------------------------------

    /** The plot area of a line chart, in SVG units (shared with the PNG chart's layout). */
    record Frame(double left, double top, double width, double height) {
    }

    /** A line chart of values per epoch: x from epoch 1 to the last, y on {@code yAxis}. */
    static String lineChart(String id, String yTitle, List<Series> series, Axis yAxis, int bestEpoch) {
        int w = 560;
        int h = 330;
        Frame f = new Frame(64, 40, w - 64 - 20, h - 40 - 52);
        int epochs = 0;
        for (Series s : series) {
            epochs = Math.max(epochs, s.values().length);
        }
        Axis xAxis = Axis.integers(1, Math.max(1, epochs), 8);
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"").append(id).append("\" class=\"chart line-chart\" viewBox=\"0 0 ")
                .append(w).append(' ').append(h).append("\" role=\"img\" aria-label=\"").append(Html.escape(yTitle))
                .append(" per epoch\" ").append(FONT).append(" font-size=\"12\">\n");
        svg.append(rect(f.left(), f.top(), f.width(), f.height(), "#ffffff", null));
        for (double t : yAxis.ticks()) {
            double y = yOf(f, yAxis, t);
            svg.append(line(f.left(), y, f.left() + f.width(), y, GRID, 1, null));
            svg.append(line(f.left() - 5, y, f.left(), y, AXIS, 1, null));
            svg.append(text(f.left() - 8, y + 4, "end", yAxis.label(t), null));
        }
        for (double t : xAxis.ticks()) {
            double x = xOf(f, xAxis, t);
            svg.append(line(x, f.top(), x, f.top() + f.height(), GRID, 1, null));
            svg.append(line(x, f.top() + f.height(), x, f.top() + f.height() + 5, AXIS, 1, null));
            svg.append(text(x, f.top() + f.height() + 19, "middle", xAxis.label(t), null));
        }
        svg.append(line(f.left(), f.top(), f.left(), f.top() + f.height(), AXIS, 1, null));
        svg.append(line(f.left(), f.top() + f.height(), f.left() + f.width(), f.top() + f.height(), AXIS, 1, null));
        svg.append(text(f.left() + f.width() / 2, h - 10, "middle", "epoch", "font-weight=\"600\""));
        svg.append("<text x=\"0\" y=\"0\" text-anchor=\"middle\" fill=\"").append(TEXT).append("\" font-weight=\"600\" transform=\"translate(16 ")
                .append(num(f.top() + f.height() / 2)).append(") rotate(-90)\">").append(Html.escape(yTitle)).append("</text>\n");
        if (bestEpoch >= 1 && bestEpoch <= epochs && epochs > 1) {
            double x = xOf(f, xAxis, bestEpoch);
            svg.append("<line class=\"best-epoch\" x1=\"").append(num(x)).append("\" y1=\"").append(num(f.top()))
                    .append("\" x2=\"").append(num(x)).append("\" y2=\"").append(num(f.top() + f.height()))
                    .append("\" stroke=\"#777777\" stroke-width=\"1.2\" stroke-dasharray=\"5 4\"/>\n");
        }
        for (Series s : series) {
            double[] v = s.values();
            StringBuilder points = new StringBuilder();
            StringBuilder markers = new StringBuilder();
            for (int i = 0; i < v.length; i++) {
                if (!Double.isFinite(v[i])) {
                    continue;
                }
                double x = xOf(f, xAxis, i + 1);
                double y = yOf(f, yAxis, v[i]);
                points.append(points.isEmpty() ? "" : " ").append(num(x)).append(',').append(num(y));
                if (v.length <= 40) {
                    markers.append("<circle cx=\"").append(num(x)).append("\" cy=\"").append(num(y)).append("\" r=\"3\" fill=\"")
                            .append(s.colour()).append("\"><title>").append(Html.escape(s.name())).append(", epoch ").append(i + 1)
                            .append(": ").append(String.format(Locale.ROOT, "%.4f", v[i])).append("</title></circle>\n");
                }
            }
            svg.append("<polyline class=\"series\" data-series=\"").append(Html.escape(s.name()))
                    .append("\" fill=\"none\" stroke=\"").append(s.colour())
                    .append("\" stroke-width=\"2\" stroke-linejoin=\"round\" points=\"").append(points).append("\"/>\n");
            svg.append(markers);
        }
        // legend, above the plot
        double x = f.left();
        for (Series s : series) {
            svg.append("<g class=\"legend\"><title>").append(Html.escape(s.description())).append("</title>");
            svg.append(line(x, 20, x + 22, 20, s.colour(), 3, null).strip());
            svg.append(text(x + 28, 24, "start", s.name(), null).strip()).append("</g>\n");
            x += 40 + 7.2 * s.name().length();
        }
        if (bestEpoch >= 1 && bestEpoch <= epochs && epochs > 1) {
            svg.append("<g class=\"legend\"><title>the epoch whose parameters were kept</title>");
            svg.append(line(x, 20, x + 22, 20, "#777777", 1.2, "stroke-dasharray=\"5 4\"").strip());
            svg.append(text(x + 28, 24, "start", "kept: epoch " + bestEpoch, null).strip()).append("</g>\n");
        }
        return svg.append("</svg>\n").toString();
    }

    static double xOf(Frame f, Axis axis, double value) {
        return f.left() + axis.fraction(value) * f.width();
    }

    static double yOf(Frame f, Axis axis, double value) {
        return f.top() + (1 - axis.fraction(value)) * f.height();
    }

    /** The y axis of a loss chart: from 0 (or below, should a loss be negative) to the largest loss. */
    static Axis lossAxis(List<Series> series) {
        double[] range = range(series);
        return Axis.covering(Math.min(0, range[0]), range[1], 6);
    }

    /** The y axis of an accuracy chart: the range of the values, not from 0, where the changes would vanish. */
    static Axis accuracyAxis(List<Series> series) {
        double[] range = range(series);
        Axis axis = Axis.covering(range[0], range[1], 6);
        return axis.max() > 1 ? Axis.covering(range[0], 1, 6) : axis;
    }

    private static double[] range(List<Series> series) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (double v : s.values()) {
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        return lo > hi ? new double[] {0, 1} : new double[] {lo, hi};
    }

    // ---- heat map ------------------------------------------------------------------------------------

    /** Where a count falls on the heat map's colour scale: logarithmic, so that small errors show. */
    static double heat(long count, long max) {
        return max <= 0 ? 0 : Math.log1p(count) / Math.log1p(max);
    }

    /** The colour at t in [0, 1] of the "Blues" scale, as 0xRRGGBB. */
    static int blues(double t) {
        double x = Math.clamp(t, 0, 1) * (BLUES.length - 1);
        int i = Math.min(BLUES.length - 2, (int) x);
        double u = x - i;
        int a = BLUES[i];
        int b = BLUES[i + 1];
        int r = (int) Math.round((a >> 16 & 255) * (1 - u) + (b >> 16 & 255) * u);
        int g = (int) Math.round((a >> 8 & 255) * (1 - u) + (b >> 8 & 255) * u);
        int bl = (int) Math.round((a & 255) * (1 - u) + (b & 255) * u);
        return r << 16 | g << 8 | bl;
    }

    /** Ticks for the colour scale: 0, then powers of ten up to the maximum, and the maximum. */
    static List<Long> heatTicks(long max) {
        List<Long> ticks = new ArrayList<>(List.of(0L));
        for (long t = 1; t < max; t *= 10) {
            if (heat(t, max) < 0.93) {
                ticks.add(t);
            }
        }
        if (max > 0) {
            ticks.add(max);
        }
        return ticks;
    }

    /** The confusion matrix as a heat map: rows actual, columns predicted, the count in each cell. */
    static String heatMap(ConfusionMatrix matrix) {
        int k = matrix.classCount();
        double cell = k <= 2 ? 96 : k <= 10 ? 46 : Math.max(14, 460.0 / k);
        List<String> names = matrix.classNames();
        int longest = names.stream().mapToInt(String::length).max().orElse(1);
        double left = 44 + 8 * longest;
        double top = 56;
        double size = cell * k;
        double barX = left + size + 28;
        double w = barX + 16 + 60;
        double h = top + size + 20;
        long max = 0;
        for (long[] row : matrix.rows()) {
            for (long c : row) {
                max = Math.max(max, c);
            }
        }
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"confusion-matrix\" class=\"chart heat-map\" viewBox=\"0 0 ")
                .append(num(w)).append(' ').append(num(h)).append("\" style=\"max-width: ").append(num(w * 1.1))
                .append("px\" role=\"img\" aria-label=\"confusion matrix\" ").append(FONT).append(" font-size=\"")
                .append(cell < 30 ? 9 : 13).append("\">\n");
        svg.append("<defs><linearGradient id=\"heat-scale\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">");
        for (int i = 0; i <= 8; i++) {
            svg.append("<stop offset=\"").append(num(i / 8.0)).append("\" stop-color=\"").append(hex(blues(i / 8.0))).append("\"/>");
        }
        svg.append("</linearGradient></defs>\n");
        svg.append(text(left + size / 2, 16, "middle", "predicted", "font-weight=\"600\""));
        svg.append("<text x=\"0\" y=\"0\" text-anchor=\"middle\" fill=\"").append(TEXT).append("\" font-weight=\"600\" transform=\"translate(16 ")
                .append(num(top + size / 2)).append(") rotate(-90)\">actual</text>\n");
        for (int c = 0; c < k; c++) {
            svg.append(text(left + (c + 0.5) * cell, top - 10, "middle", names.get(c), null));
            svg.append(text(left - 8, top + (c + 0.5) * cell + 4.5, "end", names.get(c), null));
        }
        for (int a = 0; a < k; a++) {
            for (int p = 0; p < k; p++) {
                long count = matrix.count(a, p);
                double t = heat(count, max);
                double x = left + p * cell;
                double y = top + a * cell;
                svg.append("<g class=\"cell\" data-actual=\"").append(a).append("\" data-predicted=\"").append(p)
                        .append("\" data-count=\"").append(count).append("\"><title>actual ").append(Html.escape(names.get(a)))
                        .append(", predicted ").append(Html.escape(names.get(p))).append(": ").append(count).append("</title>");
                svg.append("<rect x=\"").append(num(x)).append("\" y=\"").append(num(y)).append("\" width=\"").append(num(cell))
                        .append("\" height=\"").append(num(cell)).append("\" fill=\"").append(hex(count == 0 ? 0xffffff : blues(t)))
                        .append("\" stroke=\"#ffffff\" stroke-width=\"1\"/>");
                String colour = count == 0 ? "#bbbbbb" : t > 0.55 ? "#ffffff" : TEXT;
                svg.append("<text x=\"").append(num(x + cell / 2)).append("\" y=\"").append(num(y + cell / 2 + 4.5))
                        .append("\" text-anchor=\"middle\" fill=\"").append(colour).append("\"")
                        .append(a == p ? " font-weight=\"600\"" : "").append('>').append(count).append("</text></g>\n");
            }
        }
        svg.append("<rect x=\"").append(num(left)).append("\" y=\"").append(num(top)).append("\" width=\"").append(num(size))
                .append("\" height=\"").append(num(size)).append("\" fill=\"none\" stroke=\"").append(AXIS).append("\"/>\n");
        // the colour scale
        svg.append("<g class=\"colour-scale\">");
        svg.append(rect(barX, top, 16, size, "url(#heat-scale)", AXIS).strip());
        for (long tick : heatTicks(max)) {
            double y = top + size - heat(tick, max) * size;
            svg.append(line(barX + 16, y, barX + 21, y, AXIS, 1, null).strip());
            svg.append(text(barX + 24, y + 4, "start", Long.toString(tick), "font-size=\"11\"").strip());
        }
        svg.append("</g>\n");
        return svg.append("</svg>\n").toString();
    }

    // ---- bars ----------------------------------------------------------------------------------------

    /** Precision and recall of every class, side by side. */
    static String precisionRecall(ClassificationReport report, List<String> names) {
        int k = names.size();
        int w = 620;
        int h = 300;
        Frame f = new Frame(56, 36, w - 56 - 16, h - 36 - 44);
        double lo = 1;
        for (int c = 0; c < k; c++) {
            lo = Math.min(lo, Math.min(report.scores(c).precision(), report.scores(c).recall()));
        }
        Axis axis = Axis.covering(Math.max(0, lo - (1 - lo) * 0.3), 1, 6);
        if (axis.min() < 0) {
            axis = Axis.covering(0, 1, 6);
        }
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"precision-recall\" class=\"chart bar-chart\" viewBox=\"0 0 ")
                .append(w).append(' ').append(h).append("\" role=\"img\" aria-label=\"precision and recall per class\" ")
                .append(FONT).append(" font-size=\"12\">\n");
        for (double t : axis.ticks()) {
            double y = yOf(f, axis, t);
            svg.append(line(f.left(), y, f.left() + f.width(), y, GRID, 1, null));
            svg.append(text(f.left() - 8, y + 4, "end", axis.label(t), null));
        }
        double group = f.width() / k;
        double bar = Math.min(22, group * 0.36);
        double base = f.top() + f.height();
        for (int c = 0; c < k; c++) {
            ClassificationReport.Scores s = report.scores(c);
            double centre = f.left() + (c + 0.5) * group;
            double[] values = {s.precision(), s.recall()};
            int[] colours = {PRECISION, RECALL};
            String[] what = {"precision", "recall"};
            for (int i = 0; i < 2; i++) {
                double y = yOf(f, axis, Math.max(axis.min(), values[i]));
                double x = centre - bar - 1 + i * (bar + 2);
                svg.append("<rect class=\"bar\" data-class=\"").append(c).append("\" data-measure=\"").append(what[i])
                        .append("\" data-value=\"").append(String.format(Locale.ROOT, "%.6f", values[i]))
                        .append("\" x=\"").append(num(x)).append("\" y=\"").append(num(y)).append("\" width=\"").append(num(bar))
                        .append("\" height=\"").append(num(base - y)).append("\" fill=\"").append(hex(colours[i]))
                        .append("\"><title>").append(Html.escape(names.get(c))).append(' ').append(what[i]).append(": ")
                        .append(String.format(Locale.ROOT, "%.4f", values[i])).append("</title></rect>\n");
            }
            svg.append(text(centre, base + 18, "middle", names.get(c), null));
        }
        svg.append(line(f.left(), base, f.left() + f.width(), base, AXIS, 1, null));
        svg.append(line(f.left(), f.top(), f.left(), base, AXIS, 1, null));
        svg.append(text(f.left() + f.width() / 2, h - 6, "middle", "class", "font-weight=\"600\""));
        svg.append(rect(f.left(), 12, 14, 12, hex(PRECISION), null).strip()).append(text(f.left() + 20, 22, "start", "precision", null));
        svg.append(rect(f.left() + 100, 12, 14, 12, hex(RECALL), null).strip()).append(text(f.left() + 120, 22, "start", "recall", null));
        if (axis.min() > 0) {
            svg.append(text(f.left() + f.width(), 22, "end", "the axis starts at " + axis.label(axis.min()), "fill=\"#666666\" font-size=\"11\""));
        }
        return svg.append("</svg>\n").toString();
    }

    // ---- pieces --------------------------------------------------------------------------------------

    private static String rect(double x, double y, double w, double h, String fill, String stroke) {
        return "<rect x=\"" + num(x) + "\" y=\"" + num(y) + "\" width=\"" + num(w) + "\" height=\"" + num(h) + "\" fill=\""
                + fill + "\"" + (stroke == null ? "" : " stroke=\"" + stroke + "\"") + "/>\n";
    }

    private static String line(double x1, double y1, double x2, double y2, String stroke, double width, String extra) {
        return "<line x1=\"" + num(x1) + "\" y1=\"" + num(y1) + "\" x2=\"" + num(x2) + "\" y2=\"" + num(y2) + "\" stroke=\""
                + stroke + "\" stroke-width=\"" + num(width) + "\"" + (extra == null ? "" : " " + extra) + "/>\n";
    }

    private static String text(double x, double y, String anchor, String content, String extra) {
        boolean coloured = extra != null && extra.contains("fill=");
        return "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\" text-anchor=\"" + anchor + "\""
                + (coloured ? "" : " fill=\"" + TEXT + "\"") + (extra == null ? "" : " " + extra) + ">" + Html.escape(content)
                + "</text>\n";
    }

    static String hex(int rgb) {
        return String.format("#%06x", rgb);
    }

    /** A coordinate with at most two decimals, no trailing zeros. */
    static String num(double v) {
        String s = String.format(Locale.ROOT, "%.2f", v);
        s = s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
        return s.equals("-0") ? "0" : s;
    }
}
