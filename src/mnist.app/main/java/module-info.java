/** The {@code mnist} command line. */
module mnist.app {
    requires mnist.model;
    requires jdk.httpserver; // mnist serve: the draw-a-digit page
}
