/** Reads MNIST-shaped IDX data sets and prepares them for training: normalisation, labels, shuffles, splits. */
module mnist.data {
    exports mnist.data;
}
