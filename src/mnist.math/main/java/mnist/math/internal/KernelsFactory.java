package mnist.math.internal;

import mnist.math.Backend;

/** Makes the {@link Kernels} of a backend; the only place that names the implementations. */
public final class KernelsFactory {

    /** Why {@link Backend#preferred} is scalar when the Vector API's module is not in the JVM. */
    public static final String MISSING = "the module jdk.incubator.vector is not in this JVM (on the class path, run java"
            + " with --add-modules jdk.incubator.vector to use the Vector API)";

    private KernelsFactory() {
    }

    static Kernels create(Backend backend, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        if (backend == Backend.SIMD && !Backend.vectorApiPresent()) {
            throw new IllegalStateException("the simd backend needs the Vector API: " + MISSING
                    + "; or use the scalar backend");
        }
        return switch (backend) {
            case SIMD -> new SimdKernels(threads);
            case SCALAR -> new ScalarKernels(threads);
        };
    }
}
