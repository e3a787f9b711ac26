/** Someone else's application, using mnist from its Maven artifacts. */
module org.example.consumer {
    requires mnist.model;   // brings mnist.data and mnist.math
    requires mnist.dataset; // the bundled MNIST, to train on
}
