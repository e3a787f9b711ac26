package mnist.model;

import java.util.Locale;

/** How the learning rate changes over the epochs. */
public enum Schedule {
    /** The same rate every epoch. */
    CONSTANT,
    /** Half a cosine from the full rate down towards 0 at the last epoch (Loshchilov and Hutter, 2017). */
    COSINE,
    /** The full rate, divided by 10 after half of the epochs and again after three quarters. */
    STEP,
    /**
     * One cycle, step by step rather than epoch by epoch (Smith and Topin, 2018): up from a 25th of the
     * rate to the full rate over the first 20% of the steps, then half a cosine down to 0. Fast training
     * in few epochs, even one.
     */
    ONECYCLE;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Schedule parse(String name) {
        for (Schedule s : values()) {
            if (s.id().equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown schedule '" + name + "' (expected constant, cosine, step or onecycle)");
    }

    /**
     * The learning rate of batch {@code batch} (from 0) of {@code batches} in epoch {@code epoch} (from 0)
     * of {@code epochs}, for a base rate {@code lr}: for all but {@link #ONECYCLE}, the epoch's rate.
     */
    public float rate(float lr, int epoch, int epochs, int batch, int batches) {
        if (this != ONECYCLE) {
            return rate(lr, epoch, epochs);
        }
        long total = (long) epochs * batches, step = (long) epoch * batches + batch;
        long warm = Math.max(1, total / 5);
        if (step < warm) {
            return (float) (lr * (0.04 + 0.96 * step / warm));
        }
        return (float) (lr * 0.5 * (1 + Math.cos(Math.PI * (step - warm) / Math.max(1, total - warm))));
    }

    /**
     * The learning rate of epoch {@code epoch} (from 0) of {@code epochs}, for a base rate {@code lr}
     * ({@link #ONECYCLE}: the rate of the epoch's last batch, as if an epoch were one batch).
     */
    public float rate(float lr, int epoch, int epochs) {
        return switch (this) {
            case ONECYCLE -> rate(lr, epoch, epochs, 0, 1);
            case CONSTANT -> lr;
            case COSINE -> (float) (lr * 0.5 * (1 + Math.cos(Math.PI * epoch / epochs)));
            case STEP -> lr * (epoch >= epochs * 3 / 4 ? 0.01f : epoch >= epochs / 2 ? 0.1f : 1f);
        };
    }
}
