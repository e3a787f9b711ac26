package mnist.model;

import java.util.ArrayList;
import java.util.List;
import mnist.math.Kernels;
import mnist.math.random.RandomSource;

/**
 * Minibatch training: every epoch the training set is shuffled and cut into batches; each batch gets a
 * forward pass, a backward pass and one optimizer step. After each epoch the network is measured on a
 * validation set held out from training, and the parameters of the best epoch are kept.
 */
public final class MinibatchTrainer {

    /** One epoch's numbers: mean training loss over its batches, validation accuracy, rate and time. */
    public record Epoch(int epoch, double trainLoss, double validationAccuracy, float learningRate, double seconds) {
    }

    /** What the trainer tells its caller while it works. */
    public interface Listener {
        /** After each batch, with the mean loss of the epoch's batches so far. */
        default void batchDone(int epoch, int batch, int batches, double runningLoss) {
        }

        /** After each epoch and its validation. */
        default void epochDone(Epoch epoch) {
        }
    }

    /** The epochs run, and which of them the network's parameters now come from. */
    public record Result(List<Epoch> epochs, int bestEpoch) {
        public Result {
            epochs = List.copyOf(epochs);
        }

        public Epoch best() {
            return epochs.get(bestEpoch);
        }
    }

    private final Kernels kernels;
    private final MinibatchSettings settings;
    private final RandomSource random;

    public MinibatchTrainer(Kernels kernels, MinibatchSettings settings, RandomSource random) {
        this.kernels = kernels;
        this.settings = settings;
        this.random = random;
    }

    /**
     * Trains {@code network} in place on {@code x (n, inputs)} with targets {@code y (n, outputs)},
     * validating after each epoch on {@code validationX (v, inputs)} whose true classes (as
     * {@link Predictor} numbers them) are {@code validationClasses}. With v = 0 there is no validation
     * and the last epoch is kept. On return the network holds the parameters of the best epoch.
     *
     * @throws TrainingDivergedException if the loss becomes NaN or infinite; the network then holds
     *         the best parameters found before
     */
    public Result train(Network network, float[] x, float[] y, int n,
                        float[] validationX, int[] validationClasses, Listener listener) {
        return train(network, x, y, n, validationX, validationClasses, listener, null, null);
    }

    /** Called after each epoch with the state a checkpoint needs (the network holds the current parameters). */
    @FunctionalInterface
    public interface EpochEnd {
        void save(TrainerState state) throws java.io.IOException;
    }

    /**
     * As {@link #train(Network, float[], float[], int, float[], int[], Listener)}, continuing from
     * {@code resume} (null to start afresh; the network must then hold the checkpoint's parameters and
     * the generator must be where it was when the run started), and handing {@code epochEnd} (null for
     * none, and then no state is copied) the state
     * after every epoch. Resumed, the run ends exactly as an uninterrupted one would.
     */
    public Result train(Network network, float[] x, float[] y, int n, float[] validationX, int[] validationClasses,
                        Listener listener, TrainerState resume, EpochEnd epochEnd) {
        int inputs = network.inputSize();
        int outputs = network.outputSize();
        int batch = Math.min(settings.batchSize(), n);
        int batches = (n + batch - 1) / batch;
        Backprop backprop = new Backprop(network, kernels, batch);
        float[] params = network.parameters();
        float[] grads = new float[params.length];
        float[] xb = new float[batch * inputs];
        float[] yb = new float[batch * outputs];
        Optimizer optimizer = Optimizer.create(settings.optimizer(), params.length, settings.momentum());
        int v = validationClasses.length;

        List<Epoch> epochs = new ArrayList<>();
        float[] best = params.clone();
        double bestAccuracy = Double.NEGATIVE_INFINITY;
        int bestEpoch = 0;
        int first = 0;
        if (resume != null) {
            first = resume.epochsDone();
            if (first > settings.epochs()) {
                throw new IllegalArgumentException("the checkpoint has " + first + " epochs done, more than the "
                        + settings.epochs() + " of this run");
            }
            for (int e = 0; e < first; e++) {
                epochs.add(new Epoch(e, resume.losses()[e], resume.validationAccuracies()[e],
                        resume.learningRates()[e], resume.seconds()[e]));
                random.permutation(n); // the shuffles of the epochs done, so that the next one is the same
            }
            if (first > 0) {
                bestEpoch = resume.bestEpoch();
                bestAccuracy = resume.validationAccuracies()[bestEpoch];
                System.arraycopy(resume.bestParameters(), 0, best, 0, best.length);
            }
            optimizer.restore(resume.optimizerSteps(), resume.optimizerState());
        }
        for (int epoch = first; epoch < settings.epochs(); epoch++) {
            long start = System.nanoTime();
            float lr = settings.schedule().rate(settings.learningRate(), epoch, settings.epochs());
            int[] order = random.permutation(n);
            double lossSum = 0;
            int seen = 0;
            for (int b = 0; b < batches; b++) {
                int from = b * batch;
                int rows = Math.min(batch, n - from);
                for (int r = 0; r < rows; r++) {
                    int sample = order[from + r];
                    System.arraycopy(x, sample * inputs, xb, r * inputs, inputs);
                    System.arraycopy(y, sample * outputs, yb, r * outputs, outputs);
                }
                backprop.forward(xb, 0, rows);
                double loss = backprop.loss(yb, rows);
                if (!Double.isFinite(loss)) {
                    System.arraycopy(best, 0, params, 0, params.length);
                    throw new TrainingDivergedException(epoch, loss);
                }
                backprop.backward(xb, 0, yb, rows, grads);
                addWeightDecay(network, grads);
                optimizer.step(kernels, params, grads, lr);
                lossSum += loss * rows;
                seen += rows;
                listener.batchDone(epoch, b + 1, batches, lossSum / seen);
            }
            double accuracy = v == 0 ? Double.NaN : accuracy(network, validationX, validationClasses);
            Epoch done = new Epoch(epoch, lossSum / seen, accuracy, lr, (System.nanoTime() - start) / 1e9);
            epochs.add(done);
            if (v == 0 || accuracy > bestAccuracy) {
                bestAccuracy = accuracy;
                bestEpoch = epoch;
                System.arraycopy(params, 0, best, 0, params.length);
            }
            listener.epochDone(done);
            if (epochEnd == null) {
                continue;
            }
            try {
                epochEnd.save(state(epochs, bestEpoch, best, optimizer));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        System.arraycopy(best, 0, params, 0, params.length);
        return new Result(epochs, bestEpoch);
    }

    private static TrainerState state(List<Epoch> epochs, int bestEpoch, float[] best, Optimizer optimizer) {
        int n = epochs.size();
        double[] losses = new double[n], accuracies = new double[n], seconds = new double[n];
        float[] rates = new float[n];
        for (int e = 0; e < n; e++) {
            losses[e] = epochs.get(e).trainLoss();
            accuracies[e] = epochs.get(e).validationAccuracy();
            rates[e] = epochs.get(e).learningRate();
            seconds[e] = epochs.get(e).seconds();
        }
        return new TrainerState(losses, accuracies, rates, seconds, bestEpoch, best.clone(), optimizer.steps(), optimizer.state());
    }

    /** L2 weight decay: adds λ·W to the gradient of every weight matrix (biases are not decayed). */
    private void addWeightDecay(Network network, float[] grads) {
        if (settings.weightDecay() == 0f) {
            return;
        }
        float[] params = network.parameters();
        for (int l = 0; l < network.layerCount(); l++) {
            Layer layer = network.layer(l);
            kernels.axpy(grads, layer.weightOffset(), params, layer.weightOffset(), settings.weightDecay(),
                    layer.out() * layer.in());
        }
    }

    private double accuracy(Network network, float[] x, int[] classes) {
        int[] predicted = Predictor.predict(network, kernels, x, classes.length);
        int correct = 0;
        for (int i = 0; i < classes.length; i++) {
            correct += predicted[i] == classes[i] ? 1 : 0;
        }
        return (double) correct / classes.length;
    }
}
