package mnist.model;

import java.util.Locale;

/** The nonlinearity of the hidden layers. */
public enum Activation {
    /** 1 / (1 + e^-z): the lecture's choice. */
    SIGMOID,
    /** max(0, z): trains deep networks faster, since its gradient does not vanish for large z. */
    RELU;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code sigmoid} or {@code relu}; throws IllegalArgumentException naming the choices otherwise. */
    public static Activation parse(String name) {
        for (Activation a : values()) {
            if (a.id().equals(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown activation '" + name + "' (expected sigmoid or relu)");
    }
}
