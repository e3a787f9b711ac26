package mnist.model;

import java.util.Locale;

/** The optimizers {@code mnist train --optimizer} offers: how each batch's gradients update the parameters. */
public enum Optimizer {
    /** Plain gradient descent: θ ← θ - lr·g. */
    SGD,
    /** Gradient descent with momentum: v ← μ·v + g, θ ← θ - lr·v. */
    MOMENTUM,
    /** Adam (Kingma and Ba, 2015) with the usual β1 = 0.9, β2 = 0.999, ε = 1e-8 and bias correction. */
    ADAM;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optimizer parse(String name) {
        for (Optimizer k : values()) {
            if (k.id().equals(name)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown optimizer '" + name + "' (expected sgd, momentum or adam)");
    }

    /** A learning rate that works for this optimizer on MNIST-sized networks. */
    public float defaultLearningRate() {
        return this == ADAM ? 1e-3f : 0.1f;
    }
}
