/**
 * Reads MNIST-shaped IDX data sets and prepares them for training: normalisation, labels, shuffles, splits;
 * and reads the user's own digit images (PNG, PGM) and prepares them as MNIST's were.
 */
module mnist.data {
    exports mnist.data;
    exports mnist.data.image;
}
