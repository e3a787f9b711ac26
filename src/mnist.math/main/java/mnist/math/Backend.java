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

    /** A backend and why it was chosen. */
    public record Choice(Backend backend, String reason) {
    }

    /**
     * The backend to use when none is asked for, decided once per JVM, like Lucene's vectorization
     * provider: SIMD where the Vector API has vectors of at least 4 floats and the JIT compiles it;
     * scalar otherwise (narrower vectors, or an interpreter-only JVM, run the Vector API an element at a
     * time, boxed, far slower than plain Java), with the reason.
     */
    public static Choice preferred() {
        return Preferred.CHOICE;
    }

    private static final class Preferred {
        static final Choice CHOICE = choose(mnist.math.internal.SimdKernels.SPECIES.length(),
                System.getProperty("java.vm.info", ""));
    }

    /** The rule of {@link #preferred}, for a JVM whose preferred float vector has {@code lanes} lanes. */
    static Choice choose(int lanes, String vmInfo) {
        if (vmInfo.contains("interpreted mode")) {
            return new Choice(SCALAR, "the JVM runs interpreted only (-Xint): the Vector API would not be compiled");
        }
        if (lanes < 4) {
            return new Choice(SCALAR, "the Vector API's vectors hold " + lanes + " float" + (lanes == 1 ? "" : "s")
                    + " here, too few to pay");
        }
        return new Choice(SIMD, "the Vector API with " + lanes + " float lanes (" + 32 * lanes + "-bit vectors)");
    }

    /** The lower-case name used on the command line. */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
