package mnist.app.report;

import java.util.Arrays;
import mnist.data.LabeledImages;
import mnist.math.internal.Kernels;
import mnist.model.internal.Backprop;
import mnist.model.internal.Network;

/**
 * What the minibatch trainer does not measure, measured after each epoch for the report: the loss on
 * the validation set, and the accuracy on (a sample of) the training set, with the weights of that
 * epoch. A forward pass only; it runs outside the trainer's timed epoch.
 */
public final class LearningCurves {
    /** Training images scored per epoch: a sample keeps the cost to about 10% of an epoch. */
    static final int TRAIN_SAMPLE = 10_000;
    private static final int CHUNK = 2048;
    private int chunk;

    private final Kernels kernels;
    private final LabeledImages trainSample;
    private final int trainSize;
    private final LabeledImages validation;
    private final float[] validationTargets;
    private double[] validationLoss = new double[0];
    private double[] trainAccuracy = new double[0];
    private Backprop backprop;
    private Network network;

    /** {@code train} is already shuffled, so its first images are a fair sample. */
    public LearningCurves(Kernels kernels, LabeledImages train, LabeledImages validation, int classes) {
        this.kernels = kernels;
        this.trainSize = train.size();
        this.trainSample = train.head(Math.min(TRAIN_SAMPLE, train.size()));
        this.validation = validation;
        this.validationTargets = validation.oneHot(classes);
    }

    /** Scores {@code network} as it is now, as the epoch just finished. */
    public void measure(Network network) {
        if (this.network != network) {
            this.network = network;
            chunk = Backprop.chunkFor(network, CHUNK);
            backprop = new Backprop(network, kernels, chunk);
        }
        validationLoss = append(validationLoss, validation.size() == 0 ? Double.NaN : loss(validation, validationTargets));
        trainAccuracy = append(trainAccuracy, trainSample.size() == 0 ? Double.NaN : accuracy(trainSample));
    }

    /**
     * The measurements so far as text, for a checkpoint: a resumed run restores them ({@link #restore}),
     * so that its report's curves cover the epochs before the interruption too.
     */
    public java.util.Map<String, String> toMetadata() {
        return java.util.Map.of(VALIDATION_LOSS, join(validationLoss), TRAIN_ACCURACY, join(trainAccuracy));
    }

    /**
     * Takes the first {@code epochs} measurements from a checkpoint's {@link #toMetadata}; those it
     * lacks (a checkpoint written without --report) are NaN, drawn as a gap. Returns whether all were there.
     */
    public boolean restore(java.util.Map<String, String> metadata, int epochs) {
        validationLoss = split(metadata.get(VALIDATION_LOSS), epochs);
        trainAccuracy = split(metadata.get(TRAIN_ACCURACY), epochs);
        return metadata.containsKey(VALIDATION_LOSS) && metadata.containsKey(TRAIN_ACCURACY)
                && (epochs == 0 || metadata.get(VALIDATION_LOSS).split(",", -1).length >= epochs);
    }

    private static final String VALIDATION_LOSS = "curve_validation_loss", TRAIN_ACCURACY = "curve_train_accuracy";

    private static String join(double[] values) {
        StringBuilder text = new StringBuilder();
        for (double v : values) {
            text.append(text.isEmpty() ? "" : ",").append(v);
        }
        return text.toString();
    }

    private static double[] split(String text, int epochs) {
        double[] values = new double[epochs];
        java.util.Arrays.fill(values, Double.NaN);
        if (text != null && !text.isEmpty()) {
            String[] parts = text.split(",", -1);
            for (int e = 0; e < Math.min(epochs, parts.length); e++) {
                try {
                    values[e] = Double.parseDouble(parts[e]);
                } catch (NumberFormatException ignored) {
                    // a damaged value: a gap in the curve
                }
            }
        }
        return values;
    }

    /** The validation losses measured so far, one per epoch. */
    public double[] validationLossPerEpoch() {
        return validationLoss.clone();
    }

    /** The training-sample accuracies measured so far, one per epoch. */
    public double[] trainAccuracyPerEpoch() {
        return trainAccuracy.clone();
    }

    String trainSampleDescription() {
        return trainSample.size() == trainSize ? "the training set"
                : String.format("a sample of %,d of the %,d training images", trainSample.size(), trainSize);
    }

    private double loss(LabeledImages set, float[] targets) {
        int inputs = set.features();
        int outputs = network.outputSize();
        double sum = 0;
        for (int start = 0; start < set.size(); start += chunk) {
            int rows = Math.min(chunk, set.size() - start);
            backprop.forward(set.images(), start * inputs, rows);
            float[] y = Arrays.copyOfRange(targets, start * outputs, (start + rows) * outputs);
            sum += backprop.loss(y, rows) * rows;
        }
        return sum / set.size();
    }

    private double accuracy(LabeledImages set) {
        int inputs = set.features();
        int outputs = network.outputSize();
        long correct = 0;
        for (int start = 0; start < set.size(); start += chunk) {
            int rows = Math.min(chunk, set.size() - start);
            float[] p = backprop.forward(set.images(), start * inputs, rows);
            for (int r = 0; r < rows; r++) {
                correct += Probabilities.predictedClass(network, p, r) == set.label(start + r) ? 1 : 0;
            }
        }
        return (double) correct / set.size();
    }

    private static double[] append(double[] values, double value) {
        double[] more = Arrays.copyOf(values, values.length + 1);
        more[values.length] = value;
        return more;
    }
}
