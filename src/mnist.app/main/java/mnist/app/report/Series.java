package mnist.app.report;

/**
 * One line of a chart: a value per epoch (index 0 is epoch 1), NaN where it was not measured. The
 * description says exactly what was measured, for the legend's tooltip and the notes under the chart.
 */
public record Series(String name, int rgb, double[] values, String description) {
    public Series {
        values = values.clone();
    }

    /** Whether any epoch has a value. */
    boolean hasValues() {
        for (double v : values) {
            if (Double.isFinite(v)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public double[] values() {
        return values.clone();
    }

    String colour() {
        return String.format("#%06x", rgb);
    }
}
