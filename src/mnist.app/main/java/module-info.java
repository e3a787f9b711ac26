/** The {@code mnist} command line. */
module mnist.app {
    requires mnist.model;
}
