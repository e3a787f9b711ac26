package mnist.model;

import mnist.math.Kernels;

/**
 * The lecture's training loop: every epoch, one forward pass over the whole training set, the loss,
 * one backward pass, and one gradient-descent step {@code θ ← θ - lr·∇θ}.
 */
public final class FullBatchGradientDescent {

    /** Told about each epoch as it ends; the loss is the one computed before that epoch's update. */
    @FunctionalInterface
    public interface EpochListener {
        void epochDone(int epoch, double loss, double seconds);
    }

    private final Kernels kernels;
    private final int epochs;
    private final float learningRate;

    public FullBatchGradientDescent(Kernels kernels, int epochs, float learningRate) {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
        }
        if (!(learningRate > 0) || !Float.isFinite(learningRate)) {
            throw new IllegalArgumentException("the learning rate must be a positive number, got " + learningRate);
        }
        this.kernels = kernels;
        this.epochs = epochs;
        this.learningRate = learningRate;
    }

    /**
     * Trains {@code network} in place on {@code x (n, inputs)} with targets {@code y (n, outputs)}.
     *
     * @throws TrainingDivergedException if the loss becomes NaN or infinite; the network then holds
     *         the parameters of the last epoch whose loss was finite
     */
    public TrainingHistory train(Network network, float[] x, float[] y, int n, EpochListener listener) {
        Backprop backprop = new Backprop(network, kernels, n);
        float[] params = network.parameters();
        float[] grads = new float[params.length];
        double[] losses = new double[epochs];
        double[] seconds = new double[epochs];
        for (int epoch = 0; epoch < epochs; epoch++) {
            long start = System.nanoTime();
            backprop.forward(x, 0, n);
            double loss = backprop.loss(y, n);
            if (!Double.isFinite(loss)) {
                throw new TrainingDivergedException(epoch, loss);
            }
            backprop.backward(x, 0, y, n, grads);
            kernels.sgdStep(params, 0, grads, 0, learningRate, params.length);
            losses[epoch] = loss;
            seconds[epoch] = (System.nanoTime() - start) / 1e9;
            listener.epochDone(epoch, loss, seconds[epoch]);
        }
        return new TrainingHistory(losses, seconds);
    }
}
