/** An example application that embeds mnist: it sees only the packages mnist exports. */
module mnist.example {
    requires mnist.model; // and, transitively, mnist.data and mnist.math
    requires mnist.dataset; // the bundled MNIST (an application that only predicts leaves it out)
}
