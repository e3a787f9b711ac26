package mnist.model.internal;

/** The last layer's activation, which also fixes the loss the network is trained on. */
public enum Output {
    /** One sigmoid unit, trained on binary cross-entropy: "is it digit d?". */
    SIGMOID,
    /** A softmax over the classes, trained on categorical cross-entropy against one-hot targets. */
    SOFTMAX
}
