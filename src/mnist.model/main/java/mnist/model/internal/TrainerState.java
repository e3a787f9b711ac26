package mnist.model.internal;

/**
 * Where a training run stands between two epochs: what it measured so far, the best parameters seen,
 * and the optimizer's state. With the run's seed this is all a trainer needs to continue as if it had
 * never stopped (the network's current parameters travel beside it, in the checkpoint's model).
 *
 * <p>Arrays hold one entry per epoch done; validation accuracy is NaN where there was no validation.
 * {@code bestParameters} is empty for full-batch training, which keeps the last epoch.
 */
public record TrainerState(double[] losses, double[] validationAccuracies, float[] learningRates, double[] seconds,
                           int bestEpoch, float[] bestParameters, int optimizerSteps, float[][] optimizerState) {

    public TrainerState {
        int epochs = losses.length;
        if (validationAccuracies.length != epochs || learningRates.length != epochs || seconds.length != epochs) {
            throw new IllegalArgumentException("per-epoch arrays of different lengths");
        }
        if (epochs > 0 && (bestEpoch < 0 || bestEpoch >= epochs)) {
            throw new IllegalArgumentException("best epoch " + bestEpoch + " out of range for " + epochs + " epochs");
        }
    }

    /** The number of epochs done. */
    public int epochsDone() {
        return losses.length;
    }
}
