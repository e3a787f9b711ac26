/**
 * The lecture's networks, their training loop, and their evaluation.
 *
 * <p>The API is the package {@code mnist.model}: {@link mnist.model.Trainer} trains a network and returns a
 * {@link mnist.model.Classifier}, which saves, loads, exports to ONNX and predicts
 * ({@link mnist.model.Prediction}); {@link mnist.model.ConfusionMatrix} and
 * {@link mnist.model.ClassificationReport} score predictions; the rest are the trainer's settings and the
 * exceptions. Everything else (the network, its passes, the training loop, the file formats) is in
 * {@code mnist.model.internal}, exported only to {@code mnist.app}.
 */
@SuppressWarnings("module") // mnist.app, named in 'exports ... to', is built after this module
module mnist.model {
    requires transitive mnist.data;
    requires transitive mnist.math;
    exports mnist.model;
    exports mnist.model.internal to mnist.app;
}
