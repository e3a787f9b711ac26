package mnist.model;

/**
 * How a {@link Trainer} trains, batch by batch: epochs, batch size, optimizer and learning rate with its
 * schedule, momentum (for {@link Optimizer#MOMENTUM}) and L2 weight decay (on weights, not biases).
 */
public record MinibatchSettings(int epochs, int batchSize, Optimizer optimizer, float learningRate,
                                float momentum, float weightDecay, Schedule schedule) {

    public MinibatchSettings {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("the batch size must be at least 1, got " + batchSize);
        }
        if (!(learningRate > 0) || !Float.isFinite(learningRate)) {
            throw new IllegalArgumentException("the learning rate must be a positive number, got " + learningRate);
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        if (!(weightDecay >= 0) || !Float.isFinite(weightDecay)) {
            throw new IllegalArgumentException("weight decay must be 0 or more, got " + weightDecay);
        }
    }

    /** The modern default: Adam at 1e-3 with a cosine schedule, batches of 128, 12 epochs. */
    public static MinibatchSettings defaults() {
        return new MinibatchSettings(12, 128, Optimizer.ADAM, 1e-3f, 0.9f, 0f, Schedule.COSINE);
    }
}
