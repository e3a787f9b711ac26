package mnist.model;

/** Thrown when the loss stops being a finite number: the learning rate is too high for this network. */
public final class TrainingDivergedException extends RuntimeException {
    private final int epoch;

    public TrainingDivergedException(int epoch, double loss) {
        super("the loss became " + loss + " at epoch " + epoch + "; training stopped (try a lower learning rate, --lr)");
        this.epoch = epoch;
    }

    /** The epoch whose loss was not finite; the parameters are those it started with. */
    public int epoch() {
        return epoch;
    }
}
