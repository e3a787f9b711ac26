package mnist.app.report;

import java.util.List;

/**
 * The training section of a report: loss and accuracy per epoch (either list may be empty: the lecture's
 * networks have a loss only), the epoch whose parameters were kept (1-based; 0 for the last), and a note.
 */
public record Curves(List<Series> loss, List<Series> accuracy, int bestEpoch, String note) {
    static final int TRAINING = 0x1f77b4;
    static final int VALIDATION = 0xe8710a;

    public Curves {
        loss = loss.stream().filter(Series::hasValues).toList();
        accuracy = accuracy.stream().filter(Series::hasValues).toList();
    }

    /** The number of epochs: the length of the longest series. */
    int epochs() {
        int n = 0;
        for (Series s : loss) {
            n = Math.max(n, s.values().length);
        }
        for (Series s : accuracy) {
            n = Math.max(n, s.values().length);
        }
        return n;
    }

    /** The lecture's networks: the full-batch loss of every epoch, nothing else. */
    public static Curves fullBatch(double[] losses) {
        return new Curves(List.of(new Series("training loss", TRAINING, losses,
                "cross-entropy over the whole training set, before each epoch's gradient step")), List.of(), 0,
                "Full-batch gradient descent, as the lecture trains: one step per epoch, on the loss of the whole training set.");
    }

    /**
     * Minibatch training: the trainer's loss (mean over the epoch's batches) and validation accuracy, and
     * what {@link LearningCurves} measured after each epoch (validation loss, training accuracy); the
     * latter two may be null.
     */
    public static Curves minibatch(double[] trainLoss, double[] validationAccuracy, LearningCurves measured, int bestEpoch) {
        double[] validationLoss = measured == null ? new double[0] : measured.validationLossPerEpoch();
        double[] trainAccuracy = measured == null ? new double[0] : measured.trainAccuracyPerEpoch();
        String sample = measured == null ? "" : measured.trainSampleDescription();
        return new Curves(
                List.of(new Series("training", TRAINING, trainLoss, "mean cross-entropy over the epoch's minibatches"),
                        new Series("validation", VALIDATION, validationLoss, "cross-entropy on the validation set after the epoch")),
                List.of(new Series("training", TRAINING, trainAccuracy, "accuracy on " + sample + " after the epoch"),
                        new Series("validation", VALIDATION, validationAccuracy, "accuracy on the validation set after the epoch")),
                bestEpoch,
                "Training loss: the mean over the epoch's minibatches, while the weights were changing. Validation loss "
                        + "and both accuracies: measured with the weights at the end of the epoch"
                        + (sample.isEmpty() ? "" : "; training accuracy on " + sample) + ". The dashed line marks the "
                        + "epoch whose parameters were kept (the best validation accuracy).");
    }
}
