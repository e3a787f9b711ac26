/**
 * Numeric kernels on flat {@code float[]} arrays, each with a Vector API implementation and a scalar twin,
 * and the random number generators used to initialise and shuffle.
 *
 * <p>The API is the package {@code mnist.math}: {@link mnist.math.Backend}, the choice between the two
 * implementations. The kernels themselves ({@code mnist.math.internal}) and the generators
 * ({@code mnist.math.random}) are exported only to mnist's own modules.
 */
@SuppressWarnings("module") // the modules named in 'exports ... to' are built after this one
module mnist.math {
    requires jdk.incubator.vector;
    exports mnist.math;
    exports mnist.math.internal to mnist.model, mnist.app;
    exports mnist.math.random to mnist.model, mnist.app;
}
