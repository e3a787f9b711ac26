/** The lecture's networks, their training loop, and their evaluation. */
module mnist.model {
    requires transitive mnist.data;
    requires transitive mnist.math;
    exports mnist.model;
}
