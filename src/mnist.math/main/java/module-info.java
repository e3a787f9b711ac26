/**
 * Numeric kernels on flat {@code float[]} arrays, each with a Vector API implementation and a scalar twin,
 * and the random number generators used to initialise and shuffle.
 */
module mnist.math {
    requires jdk.incubator.vector;
    exports mnist.math;
    exports mnist.math.random;
}
