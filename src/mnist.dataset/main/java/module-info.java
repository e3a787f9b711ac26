/**
 * The MNIST database of handwritten digits as resources: three gzipped IDX files as published, the
 * training images losslessly repacked in mnist.data's own format (a quarter smaller), and SHA256SUMS, which {@code mnist.data.Mnist.loadBundled()} reads and checks. A module of its own, with no
 * code that runs, so that an application that only loads a model and predicts need not carry 9 MB of
 * data. The data's license (CC BY-SA 3.0) travels in the jar as {@code META-INF/LICENSE-MNIST.md}.
 */
module mnist.dataset {
    opens mnist.dataset; // the resources, for mnist.data to read
}
