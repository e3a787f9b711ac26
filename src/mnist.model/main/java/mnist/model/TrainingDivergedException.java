package mnist.model;

/** Thrown when the loss stops being a finite number: the learning rate is too high for this network. */
public final class TrainingDivergedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int epoch;
    private final double loss;

    public TrainingDivergedException(int epoch, double loss) {
        this(epoch, loss, null);
    }

    /** With a note on what was kept, e.g. where the last good model was saved. */
    public TrainingDivergedException(int epoch, double loss, String note) {
        super("the loss became " + loss + " at epoch " + (epoch + 1) + "; training stopped (try a lower learning rate, --lr)"
                + (note == null ? "" : "; " + note));
        this.epoch = epoch;
        this.loss = loss;
    }

    /** The epoch (from 0) whose loss was not finite; the parameters are the last ones with a finite loss. */
    public int epoch() {
        return epoch;
    }

    public double loss() {
        return loss;
    }
}
