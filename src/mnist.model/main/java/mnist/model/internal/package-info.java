/**
 * Everything of {@code mnist.model} that is not its API: the network (all parameters in one flat array),
 * its forward and backward passes ({@link mnist.model.internal.Backprop}), full-batch and minibatch training,
 * the optimizers' updates, the lecture's three networks, model files, ONNX out and in, and checkpoints.
 * Exported only to {@code mnist.app}.
 */
package mnist.model.internal;
