package mnist.model;

/**
 * One epoch of training, as {@link Trainer#onEpoch} reports it: its number (from 0), the mean training loss
 * over its batches, the accuracy on the validation images (NaN without them), its learning rate (the rate
 * of its last batch under a schedule that changes within an epoch), and the seconds it took.
 */
public record Epoch(int epoch, double trainLoss, double validationAccuracy, float learningRate, double seconds) {
}
