package mnist.model;

import java.util.Locale;

/** How the weights start: drawn from a normal distribution whose spread suits the activation; biases 0. */
public enum Initializer {
    /** He et al. (2015): N(0, 2/in), keeps the variance of ReLU activations steady through the layers. */
    HE,
    /** Glorot and Bengio (2010): N(0, 2/(in+out)), for sigmoid layers. */
    XAVIER;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Initializer parse(String name) {
        for (Initializer i : values()) {
            if (i.id().equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("unknown initialisation '" + name + "' (expected he or xavier)");
    }

    /** The usual choice for an activation: He for ReLU, Xavier for sigmoid. */
    public static Initializer defaultFor(Activation activation) {
        return activation == Activation.RELU ? HE : XAVIER;
    }
}
