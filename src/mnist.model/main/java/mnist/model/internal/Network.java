package mnist.model.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.StringJoiner;
import mnist.math.internal.ConvShape;
import mnist.math.random.RandomSource;
import mnist.model.Activation;
import mnist.model.Initializer;

/**
 * A network: an optional convolutional front ({@link Stage}s over channels x height x width), then
 * dense layers with a sigmoid or ReLU, then a sigmoid or softmax output; dropout may follow a dense
 * hidden layer.
 *
 * <p>As in llm.c, all parameters live in one flat {@code float[]}: first the front, stage by stage, each
 * convolution's weights {@code W (out, in, k, k)} then biases {@code b (out)}; then the dense layers,
 * each {@code W (out, in)} row-major, then {@code b (out)}. The gradients of a training step use the
 * same layout, so an optimizer is one loop over one array and a saved model is one write.
 *
 * <p>{@link #sizes()} are the dense widths: the first is the input size of a network with no front, or
 * the flattened size of the front's output.
 */
public final class Network {
    private final int[] sizes;
    private final Activation activation;
    private final Output output;
    private final Layer[] layers;
    private final float[] parameters;
    // the input as channels x height x width: 1 x 1 x sizes[0] for a network without a front
    private final int channels;
    private final int height;
    private final int width;
    private final Stage[] front;
    /** dropout[l]: the rate of the dropout after dense layer l's activation, 0 for none (always 0 for the last). */
    private final float[] dropout;

    /**
     * A network with all parameters zero. {@code sizes} lists the width of every layer, input first:
     * {@code {784, 1}} is the lecture's single neuron, {@code {784, 64, 10}} its multiclass network.
     */
    public Network(int[] sizes, Output output) {
        this(sizes, Activation.SIGMOID, output);
    }

    /** A network with all parameters zero, whose hidden layers use {@code activation}. */
    public Network(int[] sizes, Activation activation, Output output) {
        this(1, 1, checkedSizes(sizes).length > 0 ? sizes[0] : 0, List.of(), sizes, new float[sizes.length - 1],
                activation, output, Integer.MAX_VALUE - 8);
    }

    private static int[] checkedSizes(int[] sizes) {
        if (sizes.length < 2) {
            throw new IllegalArgumentException("a network needs an input and an output size, got " + Arrays.toString(sizes));
        }
        return sizes;
    }

    /**
     * frontShapes: per stage a ConvShape (a convolution) or an int[] {channels, height, width} (a pooling);
     * sizes: the dense widths, the front's flattened output (or the input) first.
     */
    private Network(int channels, int height, int width, List<Object> frontShapes, int[] sizes, float[] dropout,
                    Activation activation, Output output, long maxParameters) {
        checkedSizes(sizes);
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
        this.activation = Objects.requireNonNull(activation, "activation");
        this.output = Objects.requireNonNull(output, "output");
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.dropout = dropout.clone();
        long offset = 0;
        this.front = new Stage[frontShapes.size()];
        for (int s = 0; s < front.length; s++) {
            if (frontShapes.get(s) instanceof ConvShape shape) {
                front[s] = new Stage.Conv(shape, (int) offset, (int) (offset + shape.weights()));
                offset += shape.weights() + shape.out();
            } else {
                int[] chw = (int[]) frontShapes.get(s);
                front[s] = new Stage.Pool(chw[0], chw[1], chw[2]);
            }
            if (offset > maxParameters) {
                throw new IllegalArgumentException("network too large: over " + maxParameters + " parameters");
            }
        }
        this.layers = new Layer[sizes.length - 1];
        for (int l = 0; l < layers.length; l++) {
            int in = sizes[l], out = sizes[l + 1];
            long weights = (long) in * out;
            if (offset + weights + out > maxParameters) {
                throw new IllegalArgumentException("network too large: " + describe(sizes) + " has over "
                        + maxParameters + " parameters");
            }
            layers[l] = new Layer(in, out, (int) offset, (int) (offset + weights));
            offset += weights + out;
        }
        this.parameters = new float[(int) offset];
    }

    /**
     * A network from a compact list of layers over images of {@code channels x height x width}, ending
     * in a softmax over {@code classes}, for example {@code conv5x16,pool2,conv5x32,pool2,dense128,dropout0.5}:
     * <ul>
     * <li>{@code convKxC}: C channels of K x K convolutions, stride 1, 'same' padding (K odd), then the
     *     activation; {@code convKxC:valid} without padding;</li>
     * <li>{@code pool2}: 2x2 max-pooling;</li>
     * <li>{@code denseN}: a dense layer of N units, then the activation;</li>
     * <li>{@code dropoutP}: dropout at rate P (0 &lt; P &lt; 1) during training, after a dense layer (ReLU only).</li>
     * </ul>
     * Convolutions and poolings come before the dense layers; the output layer is added.
     *
     * @throws IllegalArgumentException naming the layer, when one is unknown or does not fit its input
     */
    public static Network parse(String layers, int channels, int height, int width, int classes, Activation activation) {
        return parse(layers, channels, height, width, classes, activation, Integer.MAX_VALUE - 8);
    }

    /** {@link #parse}, refusing (before allocating them) more than {@code maxParameters} parameters. */
    static Network parse(String layers, int channels, int height, int width, int classes, Activation activation,
                         long maxParameters) {
        Objects.requireNonNull(layers, "layers");
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("bad input shape " + channels + "x" + height + "x" + width);
        }
        for (int i = 0; i < layers.length(); i++) {
            char ch = layers.charAt(i);
            if (ch < 0x20 || ch > 0x7e) {   // only printable ASCII: a message that quotes a layer stays one line
                throw new IllegalArgumentException(String.format("unexpected character U+%04X at position %d of the layers",
                        (int) ch, i + 1));
            }
        }
        List<Object> frontShapes = new ArrayList<>();
        List<Integer> dense = new ArrayList<>();
        List<Float> rates = new ArrayList<>();
        int c = channels, h = height, w = width;
        String[] tokens = layers.isBlank() ? new String[0] : layers.split(",", -1);
        for (String raw : tokens) {
            String token = raw.strip().toLowerCase(Locale.ROOT);
            String where = "layer '" + raw.strip() + "' (input " + (dense.isEmpty() ? c + "x" + h + "x" + w
                    : dense.getLast() + " units") + ")";
            if (token.startsWith("conv")) {
                if (!dense.isEmpty()) {
                    throw new IllegalArgumentException(where + ": convolutions come before the dense layers");
                }
                boolean valid = token.endsWith(":valid");
                String body = token.substring(4, token.length() - (valid ? 6 : token.endsWith(":same") ? 5 : 0));
                int x = body.indexOf('x');
                int k = x < 0 ? -1 : number(body.substring(0, x), where, "kernel size", 1, 31);
                int out = x < 0 ? -1 : number(body.substring(x + 1), where, "channels", 1, 4096);
                if (x < 0) {
                    throw new IllegalArgumentException(where + ": expected convKxC, e.g. conv5x16");
                }
                if (!valid && k % 2 == 0) {
                    throw new IllegalArgumentException(where + ": 'same' padding needs an odd kernel size, got " + k
                            + " (or write :valid)");
                }
                int pad = valid ? 0 : k / 2;
                if (h + 2 * pad < k || w + 2 * pad < k) {
                    throw new IllegalArgumentException(where + ": a " + k + "x" + k + " kernel does not fit " + h + "x" + w);
                }
                ConvShape shape;
                try {
                    shape = new ConvShape(c, h, w, out, k, pad);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
                }
                frontShapes.add(shape);
                c = out;
                h = shape.outHeight();
                w = shape.outWidth();
            } else if (token.equals("pool2")) {
                if (!dense.isEmpty()) {
                    throw new IllegalArgumentException(where + ": pooling comes before the dense layers");
                }
                if (h < 2 || w < 2) {
                    throw new IllegalArgumentException(where + ": 2x2 pooling needs at least 2x2, got " + h + "x" + w);
                }
                frontShapes.add(new int[] {c, h, w});
                h /= 2;
                w /= 2;
            } else if (token.startsWith("dense")) {
                dense.add(number(token.substring(5), where, "units", 1, 1 << 20));
                rates.add(0f);
            } else if (token.startsWith("dropout")) {
                float rate;
                try {
                    rate = Float.parseFloat(token.substring(7));
                } catch (NumberFormatException e) {
                    rate = Float.NaN;
                }
                if (!(rate > 0 && rate < 1)) {
                    throw new IllegalArgumentException(where + ": the dropout rate must be above 0 and below 1");
                }
                if (dense.isEmpty() || rates.getLast() != 0f) {
                    throw new IllegalArgumentException(where + ": dropout goes right after a dense layer");
                }
                if (activation != Activation.RELU) {
                    throw new IllegalArgumentException(where + ": dropout needs the relu activation");
                }
                rates.set(rates.size() - 1, rate);
            } else {
                throw new IllegalArgumentException("unknown layer '" + raw.strip()
                        + "' (expected convKxC, convKxC:valid, pool2, denseN or dropoutP)");
            }
        }
        int[] sizes = new int[dense.size() + 2];
        sizes[0] = Math.multiplyExact(Math.multiplyExact(c, h), w);
        for (int l = 0; l < dense.size(); l++) {
            sizes[l + 1] = dense.get(l);
        }
        sizes[sizes.length - 1] = classes;
        float[] dropout = new float[sizes.length - 1];
        for (int l = 0; l < rates.size(); l++) {
            dropout[l] = rates.get(l);
        }
        return new Network(channels, height, width, frontShapes, sizes, dropout, activation, Output.SOFTMAX, maxParameters);
    }

    private static int number(String text, String where, String what, int min, int max) {
        try {
            int value = Integer.parseInt(text);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException(where + ": the " + what + " must be a whole number from " + min + " to " + max
                + ", got '" + text + "'");
    }

    /** The layers as {@link #parse} reads them (without the output layer): e.g. {@code conv5x16,pool2,dense128}. */
    public String layers() {
        StringJoiner joiner = new StringJoiner(",");
        for (Stage stage : front) {
            if (stage instanceof Stage.Conv conv) {
                ConvShape s = conv.shape();
                joiner.add("conv" + s.kernel() + "x" + s.out() + (s.pad() == 0 && s.kernel() > 1 ? ":valid" : ""));
            } else {
                joiner.add("pool2");
            }
        }
        for (int l = 0; l + 1 < layers.length; l++) {
            joiner.add("dense" + layers[l].out());
            if (dropout[l] > 0) {
                joiner.add("dropout" + dropout[l]);
            }
        }
        return joiner.toString();
    }

    /** The dense widths: the input (or the front's flattened output) first, the output last. */
    public int[] sizes() {
        return sizes.clone();
    }

    /** The nonlinearity of the hidden layers (convolutions included). */
    public Activation activation() {
        return activation;
    }

    public Output output() {
        return output;
    }

    /** The number of dense layers. */
    public int layerCount() {
        return layers.length;
    }

    /** Dense layer {@code index}. */
    public Layer layer(int index) {
        return layers[index];
    }

    /** The number of front stages (0 for a multilayer perceptron). */
    public int stageCount() {
        return front.length;
    }

    public Stage stage(int index) {
        return front[index];
    }

    /** Whether the network has convolutions or poolings before its dense layers. */
    public boolean hasFront() {
        return front.length > 0;
    }

    /** The dropout rate after dense layer l (0 for none). */
    public float dropout(int l) {
        return dropout[l];
    }

    public boolean hasDropout() {
        for (float rate : dropout) {
            if (rate > 0) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@link #parse} is needed to describe the network: it has a front or dropout. */
    public boolean isLayered() {
        return hasFront() || hasDropout();
    }

    /** The input's channels (1 for a multilayer perceptron). */
    public int inputChannels() {
        return channels;
    }

    /** The input's height (1 for a multilayer perceptron: its input is a row). */
    public int inputHeight() {
        return height;
    }

    /** The input's width (the input size for a multilayer perceptron). */
    public int inputWidth() {
        return width;
    }

    /** The number of inputs of one sample: channels · height · width. */
    public int inputSize() {
        return front.length == 0 ? sizes[0] : front[0].inSize();
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

    /**
     * Draws every weight with {@code init}'s spread, layer by layer (the front's convolutions first, their
     * fan-in in · k · k) and row by row; sets every bias to 0.
     */
    public void initialise(Initializer init, RandomSource random) {
        float[] params = parameters;
        for (int s = 0; s < stageCount(); s++) {
            if (stage(s) instanceof Stage.Conv conv) {
                int in = conv.shape().terms(), out = conv.shape().out() * conv.shape().kernel() * conv.shape().kernel();
                double variance = init == Initializer.HE ? 2.0 / in : 2.0 / (in + out);
                random.fillGaussian(params, conv.weightOffset(), conv.shape().weights(), Math.sqrt(variance));
                Arrays.fill(params, conv.biasOffset(), conv.biasOffset() + conv.shape().out(), 0f);
            }
        }
        for (int l = 0; l < layerCount(); l++) {
            Layer layer = layer(l);
            double variance = init == Initializer.HE ? 2.0 / layer.in() : 2.0 / (layer.in() + layer.out());
            random.fillGaussian(params, layer.weightOffset(), layer.out() * layer.in(), Math.sqrt(variance));
            Arrays.fill(params, layer.biasOffset(), layer.biasOffset() + layer.out(), 0f);
        }
    }

    /** The largest activation of one sample, in floats: what sizes the buffers of a batch. */
    int widestActivation() {
        int widest = Arrays.stream(sizes).max().orElseThrow();
        for (Stage stage : front) {
            widest = Math.max(widest, Math.max(stage.inSize(), stage.outSize()));
            if (stage instanceof Stage.Conv conv) {   // its unrolled input
                widest = Math.max(widest, conv.shape().positions() * conv.shape().terms());
            }
        }
        return widest;
    }

    /** A copy with the same architecture and parameters. */
    public Network copy() {
        List<Object> shapes = new ArrayList<>();
        for (Stage stage : front) {
            shapes.add(stage instanceof Stage.Conv conv ? conv.shape() : new int[] {((Stage.Pool) stage).channels(),
                    ((Stage.Pool) stage).height(), ((Stage.Pool) stage).width()});
        }
        Network copy = new Network(channels, height, width, shapes, sizes, dropout, activation, output, parameters.length);
        System.arraycopy(parameters, 0, copy.parameters, 0, parameters.length);
        return copy;
    }

    /**
     * The architecture: as the lecture writes it for a multilayer perceptron, e.g. {@code 784-64-10};
     * with a front or dropout, the input's shape, the layers and the classes, e.g.
     * {@code 1x28x28-conv5x16-pool2-dense128-10}.
     */
    public String describe() {
        if (!isLayered()) {
            return describe(sizes);
        }
        String inner = layers().replace(',', '-');
        String input = hasFront() ? channels + "x" + height + "x" + width : Integer.toString(sizes[0]);
        return input + (inner.isEmpty() ? "" : "-" + inner) + "-" + outputSize();
    }

    private static String describe(int[] sizes) {
        StringJoiner joiner = new StringJoiner("-");
        for (int size : sizes) {
            joiner.add(Integer.toString(size));
        }
        return joiner.toString();
    }
}
