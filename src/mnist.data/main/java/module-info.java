/**
 * Reads MNIST-shaped IDX data sets and prepares them for training: normalisation, labels, shuffles, splits;
 * and reads the user's own digit images (PNG, PGM) and prepares them as MNIST's were.
 *
 * <p>The API is the package {@code mnist.data}: {@link mnist.data.Mnist} (a data set, the bundled one or
 * one from a directory), {@link mnist.data.LabeledImages} and {@link mnist.data.DatasetException}. The
 * IDX reader ({@code mnist.data.idx}) is not exported; the image reader ({@code mnist.data.image}) is
 * exported only to mnist's own modules (an embedder reads images through {@code Classifier.predictImage}).
 */
@SuppressWarnings("module") // the modules named in 'exports ... to' are built after this one
module mnist.data {
    exports mnist.data;
    exports mnist.data.image to mnist.model, mnist.app;
}
