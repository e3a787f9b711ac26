package mnist.model;

import java.util.Arrays;
import java.util.StringJoiner;

/**
 * A fully connected network: hidden layers with a sigmoid or ReLU, then a sigmoid or softmax output.
 *
 * <p>As in llm.c, all parameters live in one flat {@code float[]}: layer by layer, the weights
 * {@code W (out, in)} row-major, then the biases {@code b (out)}. The gradients of a training step use
 * the same layout, so an optimizer is one loop over one array and a saved model is one write.
 */
public final class Network {
    private final int[] sizes;
    private final Activation activation;
    private final Output output;
    private final Layer[] layers;
    private final float[] parameters;

    /**
     * A network with all parameters zero. {@code sizes} lists the width of every layer, input first:
     * {@code {784, 1}} is the lecture's single neuron, {@code {784, 64, 10}} its multiclass network.
     */
    public Network(int[] sizes, Output output) {
        this(sizes, Activation.SIGMOID, output);
    }

    /** A network with all parameters zero, whose hidden layers use {@code activation}. */
    public Network(int[] sizes, Activation activation, Output output) {
        if (sizes.length < 2) {
            throw new IllegalArgumentException("a network needs an input and an output size, got " + Arrays.toString(sizes));
        }
        for (int size : sizes) {
            if (size < 1) {
                throw new IllegalArgumentException("layer sizes must be positive, got " + Arrays.toString(sizes));
            }
        }
        int classes = sizes[sizes.length - 1];
        if (output == Output.SIGMOID && classes != 1) {
            throw new IllegalArgumentException("a sigmoid output has one unit, got " + classes);
        }
        if (output == Output.SOFTMAX && classes < 2) {
            throw new IllegalArgumentException("a softmax output needs at least two classes, got " + classes);
        }
        this.sizes = sizes.clone();
        this.activation = java.util.Objects.requireNonNull(activation, "activation");
        this.output = java.util.Objects.requireNonNull(output, "output");
        this.layers = new Layer[sizes.length - 1];
        long offset = 0;
        for (int l = 0; l < layers.length; l++) {
            int in = sizes[l], out = sizes[l + 1];
            long weights = (long) in * out;
            if (offset + weights + out > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("network too large: " + describe(sizes));
            }
            layers[l] = new Layer(in, out, (int) offset, (int) (offset + weights));
            offset += weights + out;
        }
        this.parameters = new float[(int) offset];
    }

    /** The layer widths, input first. */
    public int[] sizes() {
        return sizes.clone();
    }

    /** The nonlinearity of the hidden layers. */
    public Activation activation() {
        return activation;
    }

    public Output output() {
        return output;
    }

    public int layerCount() {
        return layers.length;
    }

    public Layer layer(int index) {
        return layers[index];
    }

    public int inputSize() {
        return sizes[0];
    }

    /** 1 for a sigmoid output, the number of classes for a softmax. */
    public int outputSize() {
        return sizes[sizes.length - 1];
    }

    /** The number of classes a prediction can name: 2 for a sigmoid output ("not d", "d"). */
    public int classCount() {
        return output == Output.SIGMOID ? 2 : outputSize();
    }

    /** The live parameter array (not a copy): training updates it in place. */
    public float[] parameters() {
        return parameters;
    }

    /** The widest layer, which sizes the activation buffers. */
    int widestLayer() {
        return Arrays.stream(sizes).max().orElseThrow();
    }

    /** A copy with the same architecture and parameters. */
    public Network copy() {
        Network copy = new Network(sizes, activation, output);
        System.arraycopy(parameters, 0, copy.parameters, 0, parameters.length);
        return copy;
    }

    /** The architecture as the lecture writes it, e.g. {@code 784-64-10}. */
    public String describe() {
        return describe(sizes);
    }

    private static String describe(int[] sizes) {
        StringJoiner joiner = new StringJoiner("-");
        for (int size : sizes) {
            joiner.add(Integer.toString(size));
        }
        return joiner.toString();
    }
}
