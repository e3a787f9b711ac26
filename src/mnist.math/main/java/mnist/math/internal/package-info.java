/**
 * The kernels ({@link mnist.math.internal.Kernels}, sealed), their two backends, and the shapes and sparse
 * batches they take. Exported only to {@code mnist.model} and {@code mnist.app}: not part of mnist's API.
 */
package mnist.math.internal;
