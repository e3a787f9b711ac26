package mnist.model.internal;

import java.util.Arrays;

/** What a training run measured, one entry per epoch: the loss before that epoch's update, and its time. */
public record TrainingHistory(double[] losses, double[] secondsPerEpoch) {

    public TrainingHistory {
        losses = losses.clone();
        secondsPerEpoch = secondsPerEpoch.clone();
    }

    public int epochs() {
        return losses.length;
    }

    /** The loss of the last epoch, before its update: the lecture's "Final loss". */
    public double finalLoss() {
        return losses[losses.length - 1];
    }

    /** The median time of an epoch, in seconds: robust to the first epochs, which include JIT compilation. */
    public double medianSecondsPerEpoch() {
        double[] sorted = secondsPerEpoch.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    @Override
    public double[] losses() {
        return losses.clone();
    }

    @Override
    public double[] secondsPerEpoch() {
        return secondsPerEpoch.clone();
    }
}
