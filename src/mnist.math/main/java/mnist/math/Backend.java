package mnist.math;

/**
 * Which implementation of mnist's numeric kernels to run: the Vector API one, or its plain-Java twin. They
 * compute the same things (a sum may differ in its last bits, its terms added in another order); the
 * Vector API's is several times faster.
 */
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
     * provider: SIMD where the Vector API is present, has vectors of at least 4 floats and the JIT
     * compiles it; scalar otherwise (without the module there are no vectors; narrower vectors, or an
     * interpreter-only JVM, run the Vector API an element at a time, boxed, far slower than plain Java),
     * with the reason, which is also logged once when scalar ({@link System.Logger} "mnist", INFO).
     */
    public static Choice preferred() {
        return Preferred.CHOICE;
    }

    private static final class Preferred {
        static final Choice CHOICE = chosen();

        private static Choice chosen() {
            Choice c = vectorApiPresent() ? choose(mnist.math.internal.SimdKernels.SPECIES.length(),
                    System.getProperty("java.vm.info", ""))
                    : new Choice(SCALAR, mnist.math.internal.KernelsFactory.MISSING);
            // one line for an application that embeds mnist, when it does not get the Vector API (the
            // command line prints its own; looking a logger up at every start would cost start-up time)
            if (c.backend() == SCALAR) {
                System.getLogger("mnist").log(System.Logger.Level.INFO, "mnist kernels: " + c.backend().id() + ", " + c.reason());
            }
            return c;
        }
    }

    /**
     * Whether the Vector API's module is in the JVM: always on the module path (mnist.math requires it);
     * on the class path only if the JVM was started with {@code --add-modules jdk.incubator.vector}.
     */
    public static boolean vectorApiPresent() {
        Module self = Backend.class.getModule();
        ModuleLayer layer = self.isNamed() && self.getLayer() != null ? self.getLayer() : ModuleLayer.boot();
        return layer.findModule("jdk.incubator.vector").isPresent();
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
