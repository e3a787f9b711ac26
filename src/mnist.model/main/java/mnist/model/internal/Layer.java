package mnist.model.internal;

/**
 * One dense layer: where its weights {@code W (out, in)} and biases {@code b (out)} start in the
 * network's single flat parameter array (and, at the same offsets, in the gradient array).
 */
public record Layer(int in, int out, int weightOffset, int biasOffset) {

    /** The number of parameters of this layer: out·in weights and out biases. */
    public int parameterCount() {
        return out * in + out;
    }
}
