package mnist.math;

import mnist.math.internal.ScalarKernels;
import mnist.math.internal.SimdKernels;

/** Makes the {@link Kernels} of a backend; the only place that names the implementations. */
final class KernelsFactory {

    private KernelsFactory() {
    }

    static Kernels create(Backend backend, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        if (backend == Backend.SIMD && !Backend.vectorApiPresent()) {
            throw new IllegalStateException("the simd backend needs the Vector API: " + Backend.MISSING
                    + "; or use the scalar backend");
        }
        return switch (backend) {
            case SIMD -> new SimdKernels(threads);
            case SCALAR -> new ScalarKernels(threads);
        };
    }
}
