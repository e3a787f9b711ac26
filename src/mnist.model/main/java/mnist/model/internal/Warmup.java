package mnist.model.internal;

import java.util.SplittableRandom;
import mnist.data.LabeledImages;
import mnist.math.internal.Kernels;
import mnist.math.random.RandomSource;
import mnist.model.MinibatchSettings;
import mnist.model.Trainer;

/**
 * Gets the JIT's work done before the real data arrives. The Vector API is fast only once C2 has
 * compiled a kernel; before that, every vector is an object, and the first epoch of a run used to take
 * four times as long as the others. A warm-up trains a throwaway copy of the network (a perceptron or a
 * convolutional network), with the same shapes and settings, on synthetic digit-like images (about 19% of the pixels lit, in the middle of the
 * image), so that the kernels, the step and the validation run often enough to be compiled: a caller
 * runs it on a second thread while the data loads. It changes nothing that the real run computes.
 *
 * <p>It runs in two phases. Until C2 has compiled them, the kernels run in the interpreter, where a step
 * of a real batch takes tens of milliseconds; so the first half of the steps uses batches of
 * {@value #FIRST_BATCH} images, which enter every kernel as often for an eighth of the work, and the JIT
 * gets its requests sooner. The second half uses the real batch size, so that the compiled code has
 * seen the real shapes (and the short last batch) before the real data arrives.
 */
public final class Warmup {
    private Warmup() {
    }

    /**
     * Trains a copy of {@code trainer}'s network for images of {@code side x side} pixels, with its
     * settings (its epochs replaced), for about {@code steps} steps on synthetic images, with the given
     * kernels, then classifies a synthetic test set. The real run's expected sizes (its training,
     * validation and test sets) give the warm-up the same short last batch and the same short last chunk
     * of images to classify, so that the code for those is compiled too, not met for the first time at
     * the end of the first epoch. Returns the seconds it took.
     */
    public static double minibatch(Kernels kernels, Trainer trainer, int side, int steps, int trainSize,
                                   int validationSize, int testSize) {
        long start = System.nanoTime();
        int classes = LabeledImages.CLASSES;
        int batch = trainer.settings().batchSize();
        int first = Math.min(FIRST_BATCH, batch);
        trainCopy(kernels, trainer, first, first * 8, synthetic(first, side, classes, 4), side, steps / 2);
        Network network = trainCopy(kernels, trainer, batch, batch * 8 + Math.max(0, trainSize) % batch,
                synthetic(likeChunks(validationSize), side, classes, 2), side, steps - steps / 2);
        Predictor.predict(network, kernels, synthetic(likeChunks(testSize), side, classes, 3));
        return (System.nanoTime() - start) / 1e9;
    }

    /** Batch size of the warm-up's first phase (see the class comment). */
    static final int FIRST_BATCH = 16;

    /**
     * Trains a fresh copy for about {@code steps} steps (at least one epoch) of {@code batch} on {@code n}
     * synthetic images, and returns it.
     */
    private static Network trainCopy(Kernels kernels, Trainer trainer, int batch, int n, LabeledImages validation,
                                     int side, int steps) {
        int stepsPerEpoch = (n + batch - 1) / batch;
        int epochs = Math.max(1, (steps + stepsPerEpoch - 1) / stepsPerEpoch);
        LabeledImages train = synthetic(n, side, LabeledImages.CLASSES, 1);
        Network network = TrainingRun.network(trainer, side, side);
        RandomSource random = RandomSource.create("java", 1);
        network.initialise(trainer.initializer(), random);
        MinibatchSettings t = trainer.settings();
        MinibatchSettings s = new MinibatchSettings(epochs, batch, t.optimizer(), t.learningRate(), t.momentum(),
                t.weightDecay(), t.schedule());
        new MinibatchTrainer(kernels, s, random).augment(trainer.augmentation()).train(network, train, validation,
                new MinibatchTrainer.Listener() {
                }, null, null);
        return network;
    }

    /** A set size with a full chunk of {@link Predictor}'s and the same short last chunk as {@code size}. */
    private static int likeChunks(int size) {
        int chunk = Predictor.IMAGE_CHUNK;
        return size <= chunk ? Math.max(1, size) : chunk + size % chunk;
    }

    /** n images like digits: pixels of the middle lit with probability 0.4, labels at random below classes. */
    static LabeledImages synthetic(int n, int side, int classes, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] pixels = new byte[n * side * side];
        int[] labels = new int[n];
        int margin = side / 6;
        for (int i = 0; i < n; i++) {
            labels[i] = r.nextInt(Math.min(classes, LabeledImages.CLASSES));
            for (int y = margin; y < side - margin; y++) {
                for (int x = margin; x < side - margin; x++) {
                    if (r.nextDouble() < 0.4) {
                        pixels[(i * side + y) * side + x] = (byte) (1 + r.nextInt(255));
                    }
                }
            }
        }
        return LabeledImages.ofPixels("synthetic digits", side, side, pixels, labels);
    }
}
