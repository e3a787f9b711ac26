package mnist.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import mnist.data.LabeledImages;
import mnist.data.Mnist;
import mnist.math.Backend;
import mnist.math.internal.Kernels;
import mnist.model.internal.LectureModel;
import mnist.model.internal.MinibatchTrainer;
import mnist.model.internal.Network;
import mnist.model.internal.SavedModel;
import mnist.model.internal.TrainingRun;

/**
 * Trains a network with {@code mnist train}'s defaults, in a few lines:
 *
 * <pre>{@code
 * Classifier c = Trainer.mlp().epochs(5).seed(7).onEpoch(e -> System.out.println(e)).fit(Mnist.loadBundled());
 * c.save(Path.of("digits.model"));
 * }</pre>
 *
 * <p>{@link #mlp()}, {@link #cnn()} and {@link #cnnFast()} are the command line's {@code --model mlp},
 * {@code cnn} and {@code cnn-fast}, with the same defaults; every other method changes one setting, as the
 * flag of the same name does, and returns a new trainer: a trainer is immutable, and can be kept, shared
 * between threads and fitted many times. With the same settings, data and seed, {@link #fit} gives the
 * model that {@code mnist train} gives, bit for bit; the command line runs through this class.
 *
 * <p>Every setting is checked where it is given, and the data where it is fitted: a bad value throws
 * {@link IllegalArgumentException} naming the setting and the value.
 */
public final class Trainer {

    /** The models with a recipe of defaults, by their command-line names. */
    public enum Recipe {
        /** 784-256-128-10 ReLU, He initialisation, Adam 1e-3 with a cosine schedule, batches of 128, 12 epochs. */
        MLP("mlp", null, MinibatchSettings.defaults(), 5000),
        /** Two convolutions and a dense layer with dropout, Adam 3e-3 under one cycle, 8 epochs: about 99.4%. */
        CNN("cnn", "conv5x32:valid,pool2,conv3x64:valid,pool2,dense256,dropout0.5",
                new MinibatchSettings(8, 128, Optimizer.ADAM, 3e-3f, 0.9f, 0f, Schedule.ONECYCLE), 5000),
        /**
         * A smaller convolutional network in two epochs: about 99.1% in a quarter of a minute on two cores.
         * The one cycle's rate ends near 0, so the last epoch is the one to keep: no validation set, and
         * 5,000 more images to learn from.
         */
        CNN_FAST("cnn-fast", "conv5x16:valid,pool2,conv3x32:valid,pool2,dense128",
                new MinibatchSettings(2, 64, Optimizer.ADAM, 4e-3f, 0.9f, 0f, Schedule.ONECYCLE), 0);

        private final String id;
        private final String layers;
        private final MinibatchSettings settings;
        private final int validation;

        Recipe(String id, String layers, MinibatchSettings settings, int validation) {
            this.id = id;
            this.layers = layers;
            this.settings = settings;
            this.validation = validation;
        }

        /** The command-line name: {@code mlp}, {@code cnn} or {@code cnn-fast}. */
        public String id() {
            return id;
        }

        /** The recipe named {@code id}, or null. */
        public static Recipe find(String id) {
            for (Recipe r : values()) {
                if (r.id.equals(id)) {
                    return r;
                }
            }
            return null;
        }
    }

    /** The hidden layers of {@link #mlp()}. */
    private static final int[] MLP_HIDDEN = {256, 128};

    private final Recipe recipe;
    private final int[] hidden;         // the mlp's widths; ignored when layers is set
    private final String layers;        // Network.parse's spec, or null for a perceptron of hidden
    private final Activation activation;
    private final Initializer init;     // null: the default for the activation
    private final MinibatchSettings settings;
    private final int validation;
    private final Augmentation augmentation; // null for none
    private final String rng;
    private final long seed;
    private final Backend backend;      // null: Backend.preferred()
    private final int threads;
    private final Consumer<Epoch> onEpoch;
    private final List<String> classes; // null: the data set's (fit(Mnist)), else the digits

    private Trainer(Recipe recipe, int[] hidden, String layers, Activation activation, Initializer init,
                    MinibatchSettings settings, int validation, Augmentation augmentation, String rng, long seed,
                    Backend backend, int threads, Consumer<Epoch> onEpoch, List<String> classes) {
        this.recipe = recipe;
        this.hidden = hidden;
        this.layers = layers;
        this.activation = activation;
        this.init = init;
        this.settings = settings;
        this.validation = validation;
        this.augmentation = augmentation;
        this.rng = rng;
        this.seed = seed;
        this.backend = backend;
        this.threads = threads;
        this.onEpoch = onEpoch;
        this.classes = classes;
    }

    /** The recipe's trainer, with its defaults (the numpy generator, seed 1, all cores). */
    public static Trainer of(Recipe recipe) {
        return new Trainer(recipe, MLP_HIDDEN, recipe.layers, Activation.RELU, null, recipe.settings, recipe.validation,
                null, "numpy", 1, null, Runtime.getRuntime().availableProcessors(), null, null);
    }

    /** {@code mnist train}'s default: a multilayer perceptron, 784-256-128-10 (see {@link Recipe#MLP}). */
    public static Trainer mlp() {
        return of(Recipe.MLP);
    }

    /** {@code mnist train --model cnn} (see {@link Recipe#CNN}). */
    public static Trainer cnn() {
        return of(Recipe.CNN);
    }

    /** {@code mnist train --model cnn-fast} (see {@link Recipe#CNN_FAST}). */
    public static Trainer cnnFast() {
        return of(Recipe.CNN_FAST);
    }

    private Trainer with(int[] hidden, String layers, Activation activation, Initializer init, MinibatchSettings settings,
                         int validation, Augmentation augmentation, String rng, long seed, Backend backend, int threads,
                         Consumer<Epoch> onEpoch) {
        return new Trainer(recipe, hidden, layers, activation, init, settings, validation, augmentation, rng, seed,
                backend, threads, onEpoch, classes);
    }

    private Trainer with(MinibatchSettings s) {
        return with(hidden, layers, activation, init, s, validation, augmentation, rng, seed, backend, threads, onEpoch);
    }

    /** A multilayer perceptron with hidden layers of these widths (1 to 16 layers of 1 to 65536 units). */
    public Trainer hidden(int... widths) {
        if (widths.length < 1 || widths.length > 16) {
            throw new IllegalArgumentException("hidden: 1 to 16 layers, got " + widths.length);
        }
        for (int w : widths) {
            if (w < 1 || w > 65536) {
                throw new IllegalArgumentException("hidden: layer widths must be between 1 and 65536, got " + w);
            }
        }
        return with(widths.clone(), null, activation, init, settings, validation, augmentation, rng, seed, backend,
                threads, onEpoch);
    }

    /**
     * Any stack of layers before the softmax over the classes, as {@code --layers} takes it, e.g.
     * {@code conv5x16,pool2,conv5x32,pool2,dense128,dropout0.5}:
     * <ul>
     * <li>{@code convKxC}: C channels of K x K convolutions, stride 1, 'same' padding (K odd), then the
     *     activation; {@code convKxC:valid} without padding;</li>
     * <li>{@code pool2}: 2x2 max-pooling;</li>
     * <li>{@code denseN}: a dense layer of N units, then the activation;</li>
     * <li>{@code dropoutP}: dropout at rate P (0 &lt; P &lt; 1) during training, after a dense layer (ReLU only).</li>
     * </ul>
     * Convolutions and poolings come before the dense layers; the output layer is added. Checked against
     * 28x28 images here, and against the data's images when fitted.
     */
    public Trainer layers(String spec) {
        Objects.requireNonNull(spec, "layers");
        try {
            Network.parse(spec, 1, 28, 28, LectureModel.DIGITS, activation);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new IllegalArgumentException("layers " + spec + ": " + e.getMessage(), e);
        }
        return with(hidden, spec, activation, init, settings, validation, augmentation, rng, seed, backend, threads,
                onEpoch);
    }

    /** The activation of the hidden layers (and, unless {@link #init} is given, the initialisation for it). */
    public Trainer activation(Activation a) {
        return with(hidden, layers, Objects.requireNonNull(a, "activation"), init, settings, validation, augmentation,
                rng, seed, backend, threads, onEpoch);
    }

    /** How the weights start: He or Xavier (default: He for ReLU, Xavier for sigmoid). */
    public Trainer init(Initializer i) {
        return with(hidden, layers, activation, Objects.requireNonNull(i, "init"), settings, validation, augmentation,
                rng, seed, backend, threads, onEpoch);
    }

    /** The optimizer; the learning rate becomes its default unless the recipe's optimizer is the same one. */
    public Trainer optimizer(Optimizer kind) {
        Objects.requireNonNull(kind, "optimizer");
        MinibatchSettings s = settings;
        float lr = kind == s.optimizer() ? s.learningRate()
                : kind == recipe.settings.optimizer() ? recipe.settings.learningRate() : kind.defaultLearningRate();
        return with(new MinibatchSettings(s.epochs(), s.batchSize(), kind, lr, s.momentum(), s.weightDecay(), s.schedule()));
    }

    /** Epochs of training, at least 1. */
    public Trainer epochs(int epochs) {
        MinibatchSettings s = settings;
        return with(new MinibatchSettings(epochs, s.batchSize(), s.optimizer(), s.learningRate(), s.momentum(),
                s.weightDecay(), s.schedule()));
    }

    /** Images per batch, at least 1. */
    public Trainer batchSize(int batch) {
        MinibatchSettings s = settings;
        return with(new MinibatchSettings(s.epochs(), batch, s.optimizer(), s.learningRate(), s.momentum(),
                s.weightDecay(), s.schedule()));
    }

    /** The (peak) learning rate, a positive number. */
    public Trainer learningRate(float lr) {
        MinibatchSettings s = settings;
        return with(new MinibatchSettings(s.epochs(), s.batchSize(), s.optimizer(), lr, s.momentum(), s.weightDecay(),
                s.schedule()));
    }

    /** The momentum of {@link Optimizer#MOMENTUM}, in [0, 1). */
    public Trainer momentum(float momentum) {
        MinibatchSettings s = settings;
        return with(new MinibatchSettings(s.epochs(), s.batchSize(), s.optimizer(), s.learningRate(), momentum,
                s.weightDecay(), s.schedule()));
    }

    /** L2 weight decay on the weights (not the biases), 0 or more. */
    public Trainer weightDecay(float decay) {
        MinibatchSettings s = settings;
        return with(new MinibatchSettings(s.epochs(), s.batchSize(), s.optimizer(), s.learningRate(), s.momentum(),
                decay, s.schedule()));
    }

    /** The learning rate's schedule. */
    public Trainer schedule(Schedule schedule) {
        MinibatchSettings s = settings;
        return with(new MinibatchSettings(s.epochs(), s.batchSize(), s.optimizer(), s.learningRate(), s.momentum(),
                s.weightDecay(), Objects.requireNonNull(schedule, "schedule")));
    }

    /**
     * Training images held out (the last of a seeded shuffle) to measure each epoch and keep the best; 0
     * for none (the last epoch is kept).
     */
    public Trainer validation(int images) {
        if (images < 0) {
            throw new IllegalArgumentException("validation must be 0 or more images, got " + images);
        }
        return with(hidden, layers, activation, init, settings, images, augmentation, rng, seed, backend, threads, onEpoch);
    }

    /** Distorts every training image of every batch ({@link Augmentation#DEFAULT}), or not. */
    public Trainer augment(boolean augment) {
        return augment(augment ? Augmentation.DEFAULT : null);
    }

    /** Distorts every training image of every batch with {@code augmentation}; null for none. */
    public Trainer augment(Augmentation augmentation) {
        return with(hidden, layers, activation, init, settings, validation, augmentation, rng, seed, backend, threads,
                onEpoch);
    }

    /** The seed of the generator, 0 to 4294967295 (default 1). */
    public Trainer seed(long seed) {
        if (seed < 0 || seed > 4294967295L) {
            throw new IllegalArgumentException("seed must be between 0 and 4294967295, got " + seed);
        }
        return with(hidden, layers, activation, init, settings, validation, augmentation, rng, seed, backend, threads,
                onEpoch);
    }

    /** The generator: {@code numpy} (NumPy's legacy generator, the default) or {@code java}. */
    public Trainer rng(String kind) {
        if (!"numpy".equals(kind) && !"java".equals(kind)) {
            throw new IllegalArgumentException("unknown generator '" + kind + "' (expected numpy or java)");
        }
        return with(hidden, layers, activation, init, settings, validation, augmentation, kind, seed, backend, threads,
                onEpoch);
    }

    /** The kernels' backend (default: {@link Backend#preferred()}). */
    public Trainer backend(Backend backend) {
        return with(hidden, layers, activation, init, settings, validation, augmentation, rng, seed,
                Objects.requireNonNull(backend, "backend"), threads, onEpoch);
    }

    /** Worker threads, 1 to 1024 (default: all cores). Results are the same bits at any count. */
    public Trainer threads(int threads) {
        if (threads < 1 || threads > 1024) {
            throw new IllegalArgumentException("threads must be between 1 and 1024, got " + threads);
        }
        return with(hidden, layers, activation, init, settings, validation, augmentation, rng, seed, backend, threads,
                onEpoch);
    }

    /** Called after every epoch, on the thread that called {@link #fit}. */
    public Trainer onEpoch(Consumer<Epoch> listener) {
        return with(hidden, layers, activation, init, settings, validation, augmentation, rng, seed, backend, threads,
                Objects.requireNonNull(listener, "onEpoch"));
    }

    /**
     * The names of the classes, by label (10, see {@link Mnist#checkClassNames}), for the model and its
     * predictions; by default the data set's ({@link Mnist#classNames()}) or the digits.
     */
    public Trainer classNames(List<String> names) {
        List<String> checked;
        try {
            checked = Mnist.checkClassNames(java.util.Objects.requireNonNull(names, "classNames"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("classNames: " + e.getMessage(), e);
        }
        return new Trainer(recipe, hidden, layers, activation, init, settings, validation, augmentation, rng, seed,
                backend, threads, onEpoch, checked);
    }

    // ---- what the settings are -------------------------------------------------------------------

    public Recipe recipe() {
        return recipe;
    }

    /** The layer spec ({@link #layers}), or null for a perceptron of {@link #hiddenWidths()}. */
    public String layerSpec() {
        return layers;
    }

    public int[] hiddenWidths() {
        return hidden.clone();
    }

    public Activation activation() {
        return activation;
    }

    public Initializer initializer() {
        return init != null ? init : Initializer.defaultFor(activation);
    }

    public MinibatchSettings settings() {
        return settings;
    }

    public int validationSize() {
        return validation;
    }

    /** The augmentation, or null for none. */
    public Augmentation augmentation() {
        return augmentation;
    }

    public String rngKind() {
        return rng;
    }

    public long seedValue() {
        return seed;
    }

    public Backend backendChoice() {
        return backend != null ? backend : Backend.preferred().backend();
    }

    public int threadCount() {
        return threads;
    }

    /** The class names set by {@link #classNames}, or null for the data set's. */
    public List<String> classNameSetting() {
        return classes;
    }

    // ---- fitting ---------------------------------------------------------------------------------

    /**
     * Trains on the data set's training set (the validation images held out of it) and returns the
     * model, whose classes are the data set's names unless {@link #classNames} set others.
     */
    public Classifier fit(Mnist data) {
        return fit(data.train(), classes != null ? classes : data.classNames());
    }

    /**
     * Trains on {@code train} (the validation images held out of it) and returns the model, on the
     * backend and threads set here; the classifier it returns runs on the same backend.
     */
    public Classifier fit(LabeledImages train) {
        return fit(train, classes != null ? classes : Mnist.digitNames());
    }

    private Classifier fit(LabeledImages train, List<String> names) {
        TrainingRun run = TrainingRun.start(this, train);
        Consumer<Epoch> each = onEpoch;
        try (Kernels kernels = Kernels.create(backendChoice(), threads)) {
            run.train(kernels, new MinibatchTrainer.Listener() {
                @Override
                public void epochDone(Epoch e) {
                    if (each != null) {
                        each.accept(e);
                    }
                }
            }, null, null);
        }
        Map<String, String> about = new LinkedHashMap<>();
        about.put("model", recipe.id());
        about.put("architecture", run.network().describe());
        about.put("epochs", Integer.toString(settings.epochs()));
        about.put("rng", rng);
        about.put("seed", Long.toString(seed));
        about.put("data", train.name());
        return Classifier.of(new SavedModel(run.network(), train.rows(), train.cols(), SavedModel.MNIST_PIXEL_SCALE, -1,
                names, about), backendChoice());
    }

    @Override
    public String toString() {
        return "Trainer[" + recipe.id() + ", " + (layers != null ? layers : "hidden " + java.util.Arrays.toString(hidden))
                + ", " + activation.id() + ", " + initializer().id() + ", " + settings + ", validation " + validation
                + (augmentation != null ? ", augmented" : "") + ", " + rng + " seed " + seed + "]";
    }
}
