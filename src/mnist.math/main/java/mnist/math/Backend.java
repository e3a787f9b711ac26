package mnist.math;

/** Which implementation of {@link Kernels} to run: the Vector API one, or its plain-Java twin. */
public enum Backend {
    SIMD, SCALAR;

    /** Parses {@code simd} or {@code scalar} (any case); throws IllegalArgumentException otherwise. */
    public static Backend parse(String name) {
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "simd" -> SIMD;
            case "scalar" -> SCALAR;
            default -> throw new IllegalArgumentException("unknown backend '" + name + "' (expected simd or scalar)");
        };
    }

    /** The lower-case name used on the command line. */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
