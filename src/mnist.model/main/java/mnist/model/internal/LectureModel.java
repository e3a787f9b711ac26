package mnist.model.internal;

import java.util.Locale;
import mnist.math.random.RandomSource;

/**
 * The lecture's three networks, with their default epochs and the initialisation the lecture uses:
 * the single neuron from N(0,1)·0.01, the hidden-layer networks from unscaled N(0,1), all biases zero.
 *
 * <p>The lecture draws everything from one NumPy stream seeded once, in this order: the shuffle of the
 * two "is it a zero?" sections, the neuron, the 784-64-1 network, the shuffle of the multiclass section,
 * then the 784-64-10 network. {@link #initialise} replays that stream up to the chosen network, so that
 * with NumPy's generator and seed 1 each network starts exactly where the lecture's did.
 */
public enum LectureModel {
    /** One sigmoid neuron, 784-1: logistic regression for "is it digit d?". */
    LOGISTIC(100),
    /** One hidden layer of sigmoid units, 784-H-1, for "is it digit d?". */
    HIDDEN(100),
    /** One hidden layer of sigmoid units and a softmax over the ten digits, 784-H-10. */
    SOFTMAX(200);

    /** The multiclass network's classes: the ten digits. */
    public static final int DIGITS = 10;

    private final int defaultEpochs;

    LectureModel(int defaultEpochs) {
        this.defaultEpochs = defaultEpochs;
    }

    /** The number of epochs the lecture trains this network for. */
    public int defaultEpochs() {
        return defaultEpochs;
    }

    /** The name used on the command line: {@code logistic}, {@code hidden} or {@code softmax}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a command-line name; throws IllegalArgumentException naming the choices otherwise. */
    public static LectureModel parse(String name) {
        for (LectureModel model : values()) {
            if (model.id().equals(name)) {
                return model;
            }
        }
        throw new IllegalArgumentException("unknown model '" + name + "' (expected logistic, hidden or softmax)");
    }

    /** Whether the network answers "is it digit d?" (a sigmoid output) rather than naming the digit. */
    public boolean isBinary() {
        return this != SOFTMAX;
    }

    /** The network's layer sizes for {@code inputs} pixels and {@code hidden} hidden units. */
    public int[] sizes(int inputs, int hidden) {
        return switch (this) {
            case LOGISTIC -> new int[] {inputs, 1};
            case HIDDEN -> new int[] {inputs, hidden, 1};
            case SOFTMAX -> new int[] {inputs, hidden, DIGITS};
        };
    }

    /** A network initialised as the lecture does, with the training-set shuffle drawn before it. */
    public record Start(Network network, int[] shuffle) {
    }

    /**
     * Replays the lecture's stream from {@code random} up to this network: returns the network, its
     * weights drawn, and the permutation of the {@code trainSize} training samples that the lecture
     * applies before training it.
     */
    public Start initialise(RandomSource random, int trainSize, int inputs, int hidden) {
        int[] shuffle = random.permutation(trainSize);
        Network logistic = new Network(LOGISTIC.sizes(inputs, hidden), Output.SIGMOID);
        drawWeights(logistic, random, 0.01);
        if (this == LOGISTIC) {
            return new Start(logistic, shuffle);
        }
        Network hiddenNet = new Network(HIDDEN.sizes(inputs, hidden), Output.SIGMOID);
        drawWeights(hiddenNet, random, 1.0);
        if (this == HIDDEN) {
            return new Start(hiddenNet, shuffle);
        }
        shuffle = random.permutation(trainSize);
        Network softmax = new Network(SOFTMAX.sizes(inputs, hidden), Output.SOFTMAX);
        drawWeights(softmax, random, 1.0);
        return new Start(softmax, shuffle);
    }

    /** Fills each layer's weights, row by row as NumPy's {@code randn(out, in)}, times scale; biases stay 0. */
    private static void drawWeights(Network network, RandomSource random, double scale) {
        for (int l = 0; l < network.layerCount(); l++) {
            Layer layer = network.layer(l);
            random.fillGaussian(network.parameters(), layer.weightOffset(), layer.out() * layer.in(), scale);
        }
    }
}
