package mnist.app.report;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * A linear axis with "nice" ticks (steps of 1, 2, 2.5 or 5 times a power of ten) covering a data range,
 * shared by the SVG and the PNG charts so that both show the same scale.
 */
record Axis(double min, double max, double step) {

    /** An axis covering [lo, hi] with about {@code ticks} ticks; a zero-width range is widened. */
    static Axis covering(double lo, double hi, int ticks) {
        if (!Double.isFinite(lo) || !Double.isFinite(hi)) {
            throw new IllegalArgumentException("axis range must be finite, got " + lo + ".." + hi);
        }
        if (hi < lo) {
            throw new IllegalArgumentException("axis range reversed: " + lo + ".." + hi);
        }
        if (hi - lo < 1e-12 * Math.max(1, Math.abs(hi))) {
            double pad = lo == 0 ? 1 : Math.abs(lo) * 0.05;
            lo -= pad;
            hi += pad;
        }
        double step = niceStep((hi - lo) / Math.max(1, ticks - 1));
        double min = Math.floor(lo / step + 1e-9) * step;
        double max = Math.ceil(hi / step - 1e-9) * step;
        return new Axis(min, max, step);
    }

    /** An axis of whole numbers (epochs) from {@code first} to {@code last}, ticks on whole numbers. */
    static Axis integers(int first, int last, int ticks) {
        if (last <= first) {
            return new Axis(first, first + 1, 1);
        }
        double step = Math.max(1, niceStep((double) (last - first) / Math.max(1, ticks - 1)));
        step = Math.ceil(step);
        return new Axis(first, last, step);
    }

    private static double niceStep(double raw) {
        double power = Math.pow(10, Math.floor(Math.log10(raw)));
        double fraction = raw / power;
        double nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10;
        return nice * power;
    }

    /** Where {@code value} falls on the axis, 0 at min and 1 at max. */
    double fraction(double value) {
        return (value - min) / (max - min);
    }

    /** The tick values: multiples of the step from min to max (for an integer axis, from the first). */
    List<Double> ticks() {
        List<Double> ticks = new ArrayList<>();
        double first = Math.ceil(min / step - 1e-9) * step;
        if (first - min >= step / 2 && step >= 1 && min == Math.rint(min)) {
            ticks.add(min);                             // an epoch axis starts with its first epoch
        }
        for (int i = 0; ; i++) {
            double t = first + i * step;
            if (t > max + 1e-9 * step) {
                break;
            }
            ticks.add(t);
        }
        return ticks;
    }

    /** A tick label: as many decimals as the step needs, no trailing zeros. */
    String label(double value) {
        int decimals = Math.max(0, BigDecimal.valueOf(step).stripTrailingZeros().scale());
        return BigDecimal.valueOf(value).setScale(decimals, java.math.RoundingMode.HALF_EVEN).toPlainString()
                .replaceFirst("^-(0\\.?0*)$", "$1");
    }
}
