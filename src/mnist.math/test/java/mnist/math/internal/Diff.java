package mnist.math.internal;

import static org.junit.jupiter.api.Assertions.fail;

/** Tracks the largest relative difference of one kernel against the reference, and fails with both values. */
final class Diff {
    private final String what;
    private final double tol;
    private double maxRel;
    private String worst = "-";
    private int compared;

    Diff(String what, double tol) {
        this.what = what;
        this.tol = tol;
    }

    /** |got - ref| must be at most tol · scale (scale: the magnitude the error is relative to). */
    void check(String shape, int index, double got, double ref, double scale) {
        compared++;
        if (got == ref || (Double.isNaN(got) && Double.isNaN(ref))) {
            return;
        }
        double rel = Math.abs(got - ref) / Math.max(Math.abs(scale), Double.MIN_NORMAL);
        if (!(rel <= tol)) {
            fail(what + " " + shape + " at [" + index + "]: got " + got + ", expected " + ref
                    + " (rel diff " + String.format("%.2e", rel) + " > " + tol + ")");
        }
        if (rel > maxRel) {
            maxRel = rel;
            worst = shape + " [" + index + "]";
        }
    }

    void report() {
        System.out.printf("%-44s OK, %7d values, max rel diff %.1e at %s%n", what + ":", compared, maxRel, worst);
    }
}
