package mnist.model.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import mnist.model.Classifier;

/**
 * What a model file holds: the network, how its inputs are prepared, what its classes are called, and
 * a few free-form facts about its training ({@code metadata}: e.g. {@code test_accuracy}, {@code date}).
 *
 * <p>Inputs are images of {@code rows x cols} pixels, each raw value p (0..255) fed as {@code p · pixelScale}
 * (1/255 for MNIST). A softmax network names its classes (the digits "0".."9"); a binary network (one
 * sigmoid unit) answers "is it digit {@code digit}?", with the classes "not d" (index 0) and "d" (index 1).
 *
 * <p>The record shares the network (its parameters are live): {@link ModelFile#save} writes them as they
 * are at that moment; {@link Classifier#of} takes a copy.
 *
 * @param digit the digit a binary network recognises, 0..9; -1 for a softmax network
 */
public record SavedModel(Network network, int rows, int cols, float pixelScale, int digit,
                         List<String> classNames, Map<String, String> metadata) {

    /** Pixel values 0..255 become p/255, as in {@code LabeledImages}. */
    public static final float MNIST_PIXEL_SCALE = 1f / 255f;

    public SavedModel {
        Objects.requireNonNull(network, "network");
        classNames = List.copyOf(classNames);
        metadata = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        if (rows < 1 || cols < 1 || (long) rows * cols * network.inputChannels() != network.inputSize()) {
            throw new IllegalArgumentException("images of " + rows + "x" + cols + " do not fit a network with "
                    + network.inputSize() + " inputs");
        }
        if (network.hasFront() && (rows != network.inputHeight() || cols != network.inputWidth())) {
            throw new IllegalArgumentException("images of " + rows + "x" + cols + " do not fit a network for "
                    + network.inputHeight() + "x" + network.inputWidth());
        }
        if (!(pixelScale > 0) || !Float.isFinite(pixelScale)) {
            throw new IllegalArgumentException("pixel scale must be a positive number, got " + pixelScale);
        }
        if (classNames.size() != network.classCount()) {
            throw new IllegalArgumentException(classNames.size() + " class names for a network with "
                    + network.classCount() + " classes");
        }
        if (network.output() == Output.SIGMOID ? digit < 0 || digit > 9 : digit != -1) {
            throw new IllegalArgumentException("digit " + digit + " does not fit a " + network.output()
                    + " output (0..9 for sigmoid, -1 for softmax)");
        }
    }

    /** A softmax network over the ten digits, for 28x28 MNIST images. */
    public static SavedModel digits(Network network, Map<String, String> metadata) {
        List<String> names = new ArrayList<>();
        for (int d = 0; d < network.outputSize(); d++) {
            names.add(Integer.toString(d));
        }
        return new SavedModel(network, 28, 28, MNIST_PIXEL_SCALE, -1, names, metadata);
    }

    /** A binary network answering "is it {@code digit}?", for 28x28 MNIST images; classes "not d", "d". */
    public static SavedModel binary(Network network, int digit, Map<String, String> metadata) {
        return new SavedModel(network, 28, 28, MNIST_PIXEL_SCALE, digit,
                List.of("not " + digit, Integer.toString(digit)), metadata);
    }

    /** Whether the network answers "is it digit d?" rather than naming the digit. */
    public boolean isBinary() {
        return network.output() == Output.SIGMOID;
    }
}
