package mnist.model;

import java.util.Locale;
import mnist.math.random.RandomSource;

/** How the weights start: drawn from a normal distribution whose spread suits the activation; biases 0. */
public enum Initializer {
    /** He et al. (2015): N(0, 2/in), keeps the variance of ReLU activations steady through the layers. */
    HE,
    /** Glorot and Bengio (2010): N(0, 2/(in+out)), for sigmoid layers. */
    XAVIER;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Initializer parse(String name) {
        for (Initializer i : values()) {
            if (i.id().equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("unknown initialisation '" + name + "' (expected he or xavier)");
    }

    /** The usual choice for an activation: He for ReLU, Xavier for sigmoid. */
    public static Initializer defaultFor(Activation activation) {
        return activation == Activation.RELU ? HE : XAVIER;
    }

    /**
     * Draws every weight of the network, layer by layer (the front's convolutions first, their fan-in
     * in · k · k) and row by row; sets every bias to 0.
     */
    public void initialise(Network network, RandomSource random) {
        float[] params = network.parameters();
        for (int s = 0; s < network.stageCount(); s++) {
            if (network.stage(s) instanceof Stage.Conv conv) {
                int in = conv.shape().terms(), out = conv.shape().out() * conv.shape().kernel() * conv.shape().kernel();
                double variance = this == HE ? 2.0 / in : 2.0 / (in + out);
                random.fillGaussian(params, conv.weightOffset(), conv.shape().weights(), Math.sqrt(variance));
                java.util.Arrays.fill(params, conv.biasOffset(), conv.biasOffset() + conv.shape().out(), 0f);
            }
        }
        for (int l = 0; l < network.layerCount(); l++) {
            Layer layer = network.layer(l);
            double variance = this == HE ? 2.0 / layer.in() : 2.0 / (layer.in() + layer.out());
            random.fillGaussian(params, layer.weightOffset(), layer.out() * layer.in(), Math.sqrt(variance));
            java.util.Arrays.fill(params, layer.biasOffset(), layer.biasOffset() + layer.out(), 0f);
        }
    }
}
