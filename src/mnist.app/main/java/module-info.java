/** The {@code mnist} command line. */
module mnist.app {
    requires mnist.model;
    requires mnist.dataset; // the bundled MNIST, read by mnist.data
    // for the width of the vector species, shown in the report (mnist.math brings the module in anyway)
    requires jdk.incubator.vector;
}
