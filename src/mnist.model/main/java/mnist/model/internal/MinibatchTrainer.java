package mnist.model.internal;

import java.util.ArrayList;
import java.util.List;
import mnist.data.LabeledImages;
import mnist.math.internal.Kernels;
import mnist.math.random.RandomSource;
import mnist.model.Augmentation;
import mnist.model.Epoch;
import mnist.model.MinibatchSettings;
import mnist.model.TrainingDivergedException;

/**
 * Minibatch training: every epoch the training set is shuffled and cut into batches; each batch gets a
 * forward pass, a backward pass and one optimizer step. After each epoch the network is measured on a
 * validation set held out from training, and the parameters of the best epoch are kept.
 */
public final class MinibatchTrainer {

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

    private final boolean sparseInputs;
    private Augmentation augmentation;   // null for none

    public MinibatchTrainer(Kernels kernels, MinibatchSettings settings, RandomSource random) {
        this(kernels, settings, random, true);
    }

    /** With {@code sparseInputs} false, the first layer always runs on the dense kernels (for tests). */
    MinibatchTrainer(Kernels kernels, MinibatchSettings settings, RandomSource random, boolean sparseInputs) {
        this.kernels = kernels;
        this.settings = settings;
        this.random = random;
        this.sparseInputs = sparseInputs;
    }

    /**
     * Distorts every training image of every batch with {@code augmentation} (null for none); only for
     * training on {@link LabeledImages}. Returns this trainer.
     */
    public MinibatchTrainer augment(Augmentation augmentation) {
        this.augmentation = augmentation;
        return this;
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
        if (augmentation != null) {
            throw new IllegalStateException("augmentation needs images (train on LabeledImages)");
        }
        if ((long) n * inputs > x.length) {
            throw new IllegalArgumentException(n + " samples of " + inputs + " inputs do not fit in " + x.length + " values");
        }
        return train(network, new FloatInputs(x, inputs), 0, 0, y, n, validationClasses.length,
                net -> accuracy(Predictor.predict(net, kernels, validationX, validationClasses.length), validationClasses),
                listener, resume, epochEnd);
    }

    /**
     * As {@link #train(Network, float[], float[], int, float[], int[], Listener, TrainerState, EpochEnd)},
     * on labelled images: images kept as bytes are converted a batch at a time, never all at once.
     */
    public Result train(Network network, LabeledImages train, LabeledImages validation,
                        Listener listener, TrainerState resume, EpochEnd epochEnd) {
        if (train.features() != network.inputSize()) {
            throw new IllegalArgumentException("images of " + train.features() + " pixels for a network of "
                    + network.inputSize() + " inputs");
        }
        TrainingInputs inputs = train.pixelBytes() == null ? null : new PixelInputs(train);
        float[] y = train.oneHot(network.outputSize());
        if (inputs == null && augmentation == null) {
            return train(network, train.images(), y, train.size(), validation.images(), validation.labels(), listener,
                    resume, epochEnd);
        }
        if (inputs == null) {
            inputs = new FloatInputs(train.images(), train.features());
        }
        int[] classes = validation.labels();
        return train(network, inputs, train.rows(), train.cols(), y, train.size(), classes.length,
                net -> accuracy(Predictor.predict(net, kernels, validation), classes), listener, resume, epochEnd);
    }

    /**
     * Images of imageRows x imageCols (for the augmentation; 0 for rows of floats), v validation samples,
     * and the network's accuracy on them.
     */
    private Result train(Network network, TrainingInputs inputs, int imageRows, int imageCols, float[] y, int n, int v,
                         java.util.function.ToDoubleFunction<Network> validationAccuracy,
                         Listener listener, TrainerState resume, EpochEnd epochEnd) {
        int features = network.inputSize();
        if (n < 1) {
            throw new IllegalArgumentException("no training samples");
        }
        if (resume == null && allZero(network.parameters())) {
            throw new IllegalArgumentException("the network " + network.describe() + " has all its parameters at 0,"
                    + " so it cannot learn: initialise it first (e.g. network.initialise(Initializer.HE, random))");
        }
        int batch = Math.min(settings.batchSize(), n);
        int batches = (n + batch - 1) / batch;
        TrainingLayout layout = TrainingLayout.choose(network, kernels,
                sparseInputs && augmentation == null ? inputs.density(n, features) : 1);
        float[] params = network.parameters();          // the network's layout
        Updater optimizer = Updater.create(settings.optimizer(), layout.length(params.length), settings.momentum());
        TrainingStep step = new TrainingStep(network, kernels, layout, inputs, y, batch, optimizer, settings.weightDecay());
        if (augmentation != null) {
            step.augment(augmentation, imageRows, imageCols);
        }
        float[] work = step.parameters();                // the layout the step runs in (params itself if dense)

        // dropout's masks and the distortions: a hash of this seed and the step's number, the same at any
        // thread count and on resume (drawn only when needed: other runs keep their generator's sequence)
        long stepSeed = network.hasDropout() || augmentation != null ? (long) (random.nextDouble() * (1L << 53)) : 0L;
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
            // the optimizer's moments were saved in the network's layout: into the training layout
            float[][] state = resume.optimizerState().clone();
            for (int i = 0; i < state.length; i++) {
                if (state[i].length == params.length) {
                    float[] saved = state[i];
                    state[i] = layout.trainingArray(saved);
                    layout.toTraining(saved, state[i]);
                }
            }
            optimizer.restore(resume.optimizerSteps(), state);
        }
        for (int epoch = first; epoch < settings.epochs(); epoch++) {
            long start = System.nanoTime();
            float lr = 0;
            int[] order = random.permutation(n);
            double lossSum = 0;
            int seen = 0;
            for (int b = 0; b < batches; b++) {
                int from = b * batch;
                int rows = Math.min(batch, n - from);
                lr = settings.schedule().rate(settings.learningRate(), epoch, settings.epochs(), b, batches);
                double loss = step.run(order, from, rows, lr, Keys.mix(stepSeed + (long) epoch * batches + b));
                if (!Double.isFinite(loss)) {
                    System.arraycopy(best, 0, params, 0, params.length);
                    throw new TrainingDivergedException(epoch, loss);
                }
                lossSum += loss * rows;
                seen += rows;
                listener.batchDone(epoch, b + 1, batches, lossSum / seen);
            }
            layout.toNetwork(work, params);
            double accuracy = v == 0 ? Double.NaN : validationAccuracy.applyAsDouble(network);
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
                epochEnd.save(state(epochs, bestEpoch, best, optimizer, layout, params.length));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        System.arraycopy(best, 0, params, 0, params.length);
        return new Result(epochs, bestEpoch);
    }

    private static TrainerState state(List<Epoch> epochs, int bestEpoch, float[] best, Updater optimizer,
                                      TrainingLayout layout, int parameterCount) {
        int n = epochs.size();
        double[] losses = new double[n], accuracies = new double[n], seconds = new double[n];
        float[] rates = new float[n];
        for (int e = 0; e < n; e++) {
            losses[e] = epochs.get(e).trainLoss();
            accuracies[e] = epochs.get(e).validationAccuracy();
            rates[e] = epochs.get(e).learningRate();
            seconds[e] = epochs.get(e).seconds();
        }
        float[][] state = optimizer.state();   // copies, in the training layout: saved in the network's
        for (int i = 0; i < state.length; i++) {
            if (state[i].length == layout.length(parameterCount)) {
                float[] converted = new float[parameterCount];
                layout.toNetwork(state[i], converted);
                state[i] = converted;
            }
        }
        return new TrainerState(losses, accuracies, rates, seconds, bestEpoch, best.clone(), optimizer.steps(), state);
    }

    private static double accuracy(int[] predicted, int[] classes) {
        int correct = 0;
        for (int i = 0; i < classes.length; i++) {
            correct += predicted[i] == classes[i] ? 1 : 0;
        }
        return (double) correct / classes.length;
    }

    private static boolean allZero(float[] values) {
        for (float v : values) {
            if (v != 0f) {
                return false;
            }
        }
        return true;
    }
}
