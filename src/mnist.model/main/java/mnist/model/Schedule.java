package mnist.model;

import java.util.Locale;

/** How the learning rate changes over the epochs. */
public enum Schedule {
    /** The same rate every epoch. */
    CONSTANT,
    /** Half a cosine from the full rate down towards 0 at the last epoch (Loshchilov and Hutter, 2017). */
    COSINE,
    /** The full rate, divided by 10 after half of the epochs and again after three quarters. */
    STEP;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Schedule parse(String name) {
        for (Schedule s : values()) {
            if (s.id().equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown schedule '" + name + "' (expected constant, cosine or step)");
    }

    /** The learning rate of epoch {@code epoch} (from 0) of {@code epochs}, for a base rate {@code lr}. */
    public float rate(float lr, int epoch, int epochs) {
        return switch (this) {
            case CONSTANT -> lr;
            case COSINE -> (float) (lr * 0.5 * (1 + Math.cos(Math.PI * epoch / epochs)));
            case STEP -> lr * (epoch >= epochs * 3 / 4 ? 0.01f : epoch >= epochs / 2 ? 0.1f : 1f);
        };
    }
}
