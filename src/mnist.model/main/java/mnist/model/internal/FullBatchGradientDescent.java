package mnist.model.internal;

import mnist.math.internal.Kernels;
import mnist.math.internal.SparseBatch;
import mnist.model.TrainingDivergedException;

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
     *         the parameters that last gave a finite loss
     */
    public TrainingHistory train(Network network, float[] x, float[] y, int n, EpochListener listener) {
        return train(network, x, y, n, listener, null, null);
    }

    /**
     * As {@link #train(Network, float[], float[], int, EpochListener)}, continuing after the epochs of
     * {@code resume} (null to start afresh; the network must then hold the checkpoint's parameters), and
     * handing {@code epochEnd} (null for none) the state after every epoch.
     */
    public TrainingHistory train(Network network, float[] x, float[] y, int n, EpochListener listener,
                                 TrainerState resume, MinibatchTrainer.EpochEnd epochEnd) {
        int features = network.inputSize();
        TrainingLayout layout = TrainingLayout.choose(network, kernels, new FloatInputs(x, features).density(n, features));
        Backprop backprop = new Backprop(network, kernels, n, layout.shift());
        float[] params = network.parameters();          // the network's layout
        float[] work = layout.trainingArray(params);     // the layout the epochs run in (the same array if dense)
        layout.toTraining(params, work);
        SparseBatch sx = layout.sparse() ? SparseBatch.of(x, 0, n, features) : null;   // the same batch every epoch
        float[] grads = new float[work.length];
        // The parameters before the last update: what to keep if the loss stops being finite.
        float[] lastGood = params.clone();
        double[] losses = new double[epochs];
        double[] seconds = new double[epochs];
        int first = 0;
        if (resume != null) {
            first = resume.epochsDone();
            if (first > epochs) {
                throw new IllegalArgumentException("the checkpoint has " + first + " epochs done, more than the "
                        + epochs + " of this run");
            }
            System.arraycopy(resume.losses(), 0, losses, 0, first);
            System.arraycopy(resume.seconds(), 0, seconds, 0, first);
        }
        for (int epoch = first; epoch < epochs; epoch++) {
            long start = System.nanoTime();
            // forward, loss, backward, update
            if (sx != null) {
                backprop.forward(work, sx);
            } else {
                backprop.forward(x, 0, n);
            }
            double loss = backprop.loss(y, n);
            if (!Double.isFinite(loss)) {
                System.arraycopy(lastGood, 0, params, 0, params.length);
                throw new TrainingDivergedException(epoch, loss);
            }
            if (sx != null) {
                backprop.backward(work, sx, y, grads);
            } else {
                backprop.backward(x, 0, y, n, grads);
            }
            System.arraycopy(params, 0, lastGood, 0, params.length);
            kernels.sgdStep(work, 0, grads, 0, learningRate, work.length);
            layout.toNetwork(work, params);
            losses[epoch] = loss;
            seconds[epoch] = (System.nanoTime() - start) / 1e9;
            listener.epochDone(epoch, loss, seconds[epoch]);
            if (epochEnd == null) {
                continue;
            }
            try {
                int done = epoch + 1;
                double[] none = new double[done];
                java.util.Arrays.fill(none, Double.NaN);
                float[] rates = new float[done];
                java.util.Arrays.fill(rates, learningRate);
                epochEnd.save(new TrainerState(java.util.Arrays.copyOf(losses, done), none, rates,
                        java.util.Arrays.copyOf(seconds, done), epoch, new float[0], 0, new float[0][]));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return new TrainingHistory(losses, seconds);
    }
}
