package mnist.model.internal;

import java.util.Objects;
import mnist.data.LabeledImages;
import mnist.math.internal.Kernels;
import mnist.math.random.RandomSource;
import mnist.model.Trainer;

/**
 * A {@link Trainer}'s run under way: the network built for the images and initialised, the validation
 * images held out (the last of a seeded shuffle), and the generator the training goes on with. The network
 * is trained in place. {@code Trainer.fit} is {@link #start} then {@link #train}; the command line uses the
 * two to add checkpoints, resumption and progress, so that it trains what {@code fit} trains.
 */
public record TrainingRun(Trainer trainer, Network network, LabeledImages train, LabeledImages validation,
                          RandomSource random) {

    /** The start of a run of {@code trainer}'s settings on {@code all}. */
    public static TrainingRun start(Trainer trainer, LabeledImages all) {
        Objects.requireNonNull(all, "training images");
        Network network = network(trainer, all.rows(), all.cols());
        int validation = trainer.validationSize();
        if (validation >= all.size()) {
            throw new IllegalArgumentException("validation must be below " + all.size()
                    + ", the number of training images, got " + validation);
        }
        RandomSource random = RandomSource.create(trainer.rngKind(), trainer.seedValue());
        network.initialise(trainer.initializer(), random);
        int[] shuffle = random.permutation(all.size());
        int trainSize = all.size() - validation;
        return new TrainingRun(trainer, network, all.select(shuffle, 0, trainSize),
                all.select(shuffle, trainSize, all.size()), random);
    }

    /** The network {@code trainer}'s settings describe for images of rows x cols, not initialised. */
    public static Network network(Trainer trainer, int rows, int cols) {
        String layers = trainer.layerSpec();
        if (layers == null) {
            int[] hidden = trainer.hiddenWidths();
            int[] sizes = new int[hidden.length + 2];
            sizes[0] = rows * cols;
            System.arraycopy(hidden, 0, sizes, 1, hidden.length);
            sizes[sizes.length - 1] = LectureModel.DIGITS;
            return new Network(sizes, trainer.activation(), Output.SOFTMAX);
        }
        try {
            return Network.parse(layers, 1, rows, cols, LectureModel.DIGITS, trainer.activation());
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new IllegalArgumentException("layers " + layers + " on images of " + rows + "x" + cols + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Trains the network on {@code kernels}, continuing from {@code resume} (null to start afresh)
     * and handing {@code epochEnd} (null for none) the state after every epoch; see
     * {@link MinibatchTrainer#train(Network, LabeledImages, LabeledImages, MinibatchTrainer.Listener,
     * TrainerState, MinibatchTrainer.EpochEnd)}.
     */
    public MinibatchTrainer.Result train(Kernels kernels, MinibatchTrainer.Listener listener, TrainerState resume,
                                         MinibatchTrainer.EpochEnd epochEnd) {
        return new MinibatchTrainer(kernels, trainer.settings(), random).augment(trainer.augmentation())
                .train(network, train, validation, listener, resume, epochEnd);
    }
}
