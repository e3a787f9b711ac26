package mnist.app;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mnist.app.report.Evaluation;
import mnist.app.report.LearningCurves;
import mnist.data.LabeledImages;
import mnist.data.Mnist;
import mnist.math.Backend;
import mnist.math.internal.Kernels;
import mnist.math.internal.ProfiledKernels;
import mnist.math.random.RandomSource;
import mnist.model.Activation;
import mnist.model.Augmentation;
import mnist.model.ClassificationReport;
import mnist.model.ConfusionMatrix;
import mnist.model.Epoch;
import mnist.model.Initializer;
import mnist.model.MinibatchSettings;
import mnist.model.Optimizer;
import mnist.model.Schedule;
import mnist.model.Trainer;
import mnist.model.TrainingDivergedException;
import mnist.model.internal.FullBatchGradientDescent;
import mnist.model.internal.LectureModel;
import mnist.model.internal.MinibatchTrainer;
import mnist.model.internal.Network;
import mnist.model.internal.SavedModel;
import mnist.model.internal.TrainerState;
import mnist.model.internal.TrainingHistory;
import mnist.model.internal.TrainingRun;
import mnist.model.internal.Warmup;

/**
 * {@code mnist train}: a modern multilayer perceptron by default, or one of the lecture's networks
 * trained exactly as the lecture does; then the evaluation on the test set.
 */
final class TrainCommand {
    private static final String NAME = "mnist train";
    private static final String HELP = """
            Usage: mnist train [options]

            Trains a network on the training set, then evaluates it on the test set: confusion matrix
            (rows: actual class, columns: predicted), classification report, accuracy, and one test
            digit drawn with its label and the prediction.

            By default a multilayer perceptron (784-256-128-10, ReLU, Adam, minibatches, a validation
            set held out of the training set, the best epoch kept). --model cnn trains a convolutional
            network (about 99.4%%, 2 minutes on 2 cores), --model cnn-fast a smaller one in two epochs
            (about 99.1%%, 14 seconds); --layers any stack of layers. --model logistic|hidden|softmax
            trains one of the lecture's networks instead, exactly as the lecture does (full-batch
            gradient descent), printing the loss every 10 epochs.

            Options for every model:
              --model NAME        mlp, cnn, cnn-fast (convolutional networks), or the lecture's
                                  logistic (784-1), hidden (784-H-1) or softmax (784-H-10)     [mlp]
              --epochs N          epochs of training  [mlp 12; cnn 8; cnn-fast 2; logistic, hidden 100;
                                  softmax 200]
              --lr X              learning rate   [adam 0.001 (cnn 0.003, cnn-fast 0.004), sgd and momentum
                                  0.1; lecture 1]
              --rng NAME          numpy (NumPy's legacy generator, as the lecture) or java    [numpy]
              --seed S            seed of the generator, 0 to 4294967295                      [1]
              --backend NAME      simd (Vector API) or scalar  [simd where it pays]
              --threads N         worker threads                                  [all cores: %d]
              --data DIR          a directory with the four MNIST IDX files (.gz or not), and
                                  optionally classes.txt: the classes' names, one per line  [bundled]
              --classes NAMES     the ten classes' names by label, comma-separated, e.g.
                                  T-shirt,Trouser,...  [the data's classes.txt, else 0,1,...,9]
              --save FILE         save the trained model (for mnist evaluate, predict, and the API)
              --metrics-out FILE  write the run's numbers as JSON
              --report DIR        write DIR/report.html (charts, confusion matrix, mistakes), loss.png
                                  and confusion.png; DIR is created if missing
              --show-index N      the test digit drawn at the end                             [0]
              --progress WHEN     auto (a live line on a terminal), always or never          [auto]
              --checkpoint FILE   save the run after every epoch (atomically), for --resume
              --resume FILE       continue a run from its checkpoint, with the flags it started with
                                  (only --threads, --progress, --save, --metrics-out, --checkpoint,
                                  --show-index and --report may be given too); it then keeps checkpointing
                                  to FILE, and ends exactly as the uninterrupted run would have
              --profile           time every kernel call of the epochs after the first, and print
                                  where the time of a training step goes (per kernel and shape)
              --help              show this help

            Options for mlp, cnn and cnn-fast:
              --hidden H1,H2,...  hidden layer widths (mlp)                             [256,128]
              --layers SPEC       any stack of layers, comma-separated, before the 10-way softmax:
                                  convKxC (C channels of KxC kernels, 'same' padding; convKxC:valid
                                  for none), pool2 (2x2 max-pooling), denseN, dropoutP (after a
                                  dense layer), e.g. conv5x16,pool2,dense64  [cnn: conv5x32:valid,pool2,
                                  conv3x64:valid,pool2,dense256,dropout0.5; cnn-fast: conv5x16:valid,
                                  pool2,conv3x32:valid,pool2,dense128]
              --activation NAME   relu or sigmoid                                            [relu]
              --init NAME         he or xavier                      [he for relu, xavier for sigmoid]
              --optimizer NAME    sgd, momentum or adam                                      [adam]
              --momentum M        momentum of the momentum optimizer                          [0.9]
              --batch N           samples per batch                             [128; cnn-fast 64]
              --weight-decay L    L2 weight decay on the weights                              [0]
              --schedule NAME     learning rate schedule: constant, cosine, step (per epoch) or
                                  onecycle (per step: up over the first 20%%, then a cosine down)
                                                           [mlp cosine; cnn, cnn-fast onecycle]
              --validation N      training images held out to pick the best epoch [5000; cnn-fast 0]
              --augment           distort every training image of every batch: turned by up to 10
                                  degrees, scaled by up to 10%%, shifted by up to 2 pixels (seeded:
                                  the same at any thread count)

            Options for the lecture's networks:
              --digit D           the digit logistic and hidden recognise ("is it a D?")       [0]
              --hidden H          units in the hidden layer of hidden and softmax              [64]

            With the lecture's networks and the defaults (--rng numpy --seed 1) each network starts
            from the lecture's own random numbers, so the printed losses are the lecture's.
            """;

    private static final Set<String> COMMON = Set.of("model", "epochs", "lr", "rng", "seed", "backend", "threads",
            "data", "metrics-out", "show-index", "hidden", "save", "progress", "checkpoint", "resume", "report",
            "classes");
    private static final Set<String> MLP_ONLY = Set.of("layers", "activation", "init", "optimizer", "momentum", "batch",
            "weight-decay", "schedule", "validation");
    private static final Set<String> LECTURE_ONLY = Set.of("digit");

    private final PrintStream out;
    /** The directory of --report, or null; with it, the mlp's extra per-epoch measurements. */
    private Path reportDir;
    private LearningCurves curves;

    TrainCommand(PrintStream out) {
        this.out = out;
    }

    /** What either kind of training hands to the evaluation. */
    private record Trained(Network network, List<String> classNames, int digit, Map<String, Object> metrics,
                           double medianSecondsPerEpoch) {
    }

    int run(String[] args) throws UsageException, IOException {
        Set<String> valued = new java.util.HashSet<>(COMMON);
        valued.addAll(MLP_ONLY);
        valued.addAll(LECTURE_ONLY);
        Options options = Options.parse(NAME, args, valued, Set.of("help", "profile", "augment"));
        int cores = Runtime.getRuntime().availableProcessors();
        if (options.flag("help")) {
            out.print(HELP.formatted(cores));
            return Main.OK;
        }
        RunFiles files = RunFiles.resolve(options, valued);
        options = files.options();
        String modelName = options.string("model", "mlp");
        LectureModel lecture = Trainer.Recipe.find(modelName) != null ? null : options.choice("model", null, name -> {
            try {
                return LectureModel.parse(name);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown model '" + name
                        + "' (expected mlp, cnn, cnn-fast, logistic, hidden or softmax)");
            }
        });
        for (String flag : lecture == null ? LECTURE_ONLY : MLP_ONLY) {
            if (options.has(flag)) {
                throw new UsageException(NAME, "--" + flag + " does not apply to --model " + modelName);
            }
        }
        if (lecture != null && options.flag("augment")) {
            throw new UsageException(NAME, "--augment does not apply to --model " + modelName);
        }
        String rngKind = options.choice("rng", "numpy", TrainCommand::rngKind);
        long seed = options.longInteger("seed", 1, 0, 4294967295L);
        Backend backend = BackendOption.parse(options, out);
        int threads = options.integer("threads", cores, 1, 1024);
        if (threads > cores) {
            out.println("Note: --threads " + threads + " is more than the " + cores + " cores of this machine;"
                    + " the extra threads only make each epoch slower.");
        }
        int showIndex = options.integer("show-index", 0, 0, Integer.MAX_VALUE);
        Progress progress = Progress.create(options.choice("progress", Progress.Mode.AUTO, Progress.Mode::parse), out);
        Path metricsOut = RunFiles.outputPath(options, "metrics-out");
        Path saveTo = files.saveTo();
        reportDir = ReportOption.parse(options, NAME);
        // Parse every model option before the data is loaded, so that a typo fails at once.
        MlpPlan mlp = lecture == null ? MlpPlan.parse(options, Trainer.Recipe.find(modelName), rngKind, seed) : null;
        LecturePlan plan = lecture == null ? null : LecturePlan.parse(options, lecture);

        List<String> classOption = null;
        if (options.has("classes")) {
            try {
                classOption = Mnist.checkClassNames(List.of(options.string("classes", "").split(",", -1)));
            } catch (IllegalArgumentException e) {
                throw new UsageException(NAME, "--classes: " + e.getMessage());
            }
        }
        boolean profile = options.flag("profile");
        Thread warmup = mlp == null || options.has("resume") ? null : warmUp(mlp, backend, threads);
        Mnist data = DataOption.load(options, out);
        LabeledImages test = data.test();
        String source = data.source();
        List<String> classes = classOption != null ? classOption : data.classNames();
        // The training set goes to the trainer alone: once it has made its shuffled copy, the original can go.
        List<LabeledImages> trainSet = new java.util.ArrayList<>(List.of(data.train()));
        data = null;
        if (showIndex >= test.size()) {
            throw new UsageException(NAME, "--show-index must be below " + test.size() + ", the size of the test set");
        }
        try (Kernels kernels = profile ? new ProfiledKernels(Kernels.create(backend, threads)) : Kernels.create(backend, threads)) {
            RandomSource random = RandomSource.create(rngKind, seed);
            String setup = backend.id() + " backend on " + threads + " thread" + (threads == 1 ? "" : "s")
                    + ", " + rngKind + " generator seed " + seed;
            Trained trained = mlp != null
                    ? trainMlp(mlp, trainSet, classes, kernels, setup, progress, files, warmup)
                    : trainLecture(plan, trainSet.removeFirst(), classes, kernels, random, setup, progress, files);
            if (kernels instanceof ProfiledKernels p) {
                p.print(out, trained.network().describe() + ", epochs after the first, " + setup);
                out.println();
            }
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("model", modelName);
            metrics.put("architecture", trained.network().describe());
            metrics.put("backend", backend.id());
            metrics.put("threads", threads);
            metrics.put("rng", rngKind);
            metrics.put("seed", seed);
            metrics.put("data", source);
            metrics.putAll(trained.metrics());
            Evaluation evaluation = evaluate(trained, test, kernels, showIndex, metrics, progress);
            if (saveTo != null) {
                Map<String, String> about = new LinkedHashMap<>();
                for (String key : List.of("model", "architecture", "test_accuracy", "epochs", "backend", "rng", "seed", "data")) {
                    about.put(key, String.valueOf(metrics.get(key)));
                }
                about.put("saved", java.time.Instant.now().toString());
                RunFiles.saveModel(new SavedModel(trained.network(), test.rows(), test.cols(), SavedModel.MNIST_PIXEL_SCALE,
                        trained.digit(), trained.classNames(), about), saveTo);
                out.println("Model saved to " + saveTo);
            }
            if (metricsOut != null) {
                AtomicFile.writeString(metricsOut, Json.write(metrics));
                out.println("Metrics written to " + metricsOut);
            }
            if (reportDir != null) {
                ReportOption.writeTrain(reportDir, metrics, curves, evaluation, out);
            }
        }
        return Main.OK;
    }

    // ---- the lecture's networks --------------------------------------------------------------------

    private record LecturePlan(LectureModel model, int digit, int hidden, int epochs, float lr) {
        static LecturePlan parse(Options options, LectureModel model) throws UsageException {
            int digit = options.integer("digit", 0, 0, 9);
            if (options.has("digit") && !model.isBinary()) {
                throw new UsageException(NAME, "--digit applies to the binary models (logistic, hidden), not to " + model.id());
            }
            if (options.has("hidden") && model == LectureModel.LOGISTIC) {
                throw new UsageException(NAME, "--hidden does not apply to logistic, which has no hidden layer");
            }
            int hidden = options.integer("hidden", 64, 1, 65536);
            int epochs = options.integer("epochs", model.defaultEpochs(), 1, 1_000_000);
            float lr = options.positiveNumber("lr", 1f);
            return new LecturePlan(model, digit, hidden, epochs, lr);
        }
    }

    private Trained trainLecture(LecturePlan plan, LabeledImages all, List<String> classes, Kernels kernels,
                                 RandomSource random, String setup,
                                 Progress progress, RunFiles files) throws UsageException, IOException {
        LectureModel model = plan.model();
        LectureModel.Start start = model.initialise(random, all.size(), all.features(), plan.hidden());
        Network network = start.network();
        LabeledImages train = all.permuted(start.shuffle());
        float[] targets = model.isBinary() ? train.binaryTargets(plan.digit()) : train.oneHot(LectureModel.DIGITS);
        out.printf("Training %s (%s) on %d images: %d epochs of full-batch gradient descent, learning rate %s, %s%n",
                model.id(), network.describe(), train.size(), plan.epochs(), trimmed(plan.lr()), setup);
        out.flush();
        TrainerState resume = files.restore(network, out, plan.epochs());
        if (resume != null) {
            for (int epoch = 0; epoch < resume.epochsDone(); epoch += 10) {
                out.println("Epoch " + epoch + " loss: " + resume.losses()[epoch]);
            }
        }
        int digit = model.isBinary() ? plan.digit() : -1;
        long began = System.nanoTime();
        TrainingHistory history;
        try {
            history = new FullBatchGradientDescent(kernels, plan.epochs(), plan.lr()).train(
                network, train.images(), targets, train.size(), (epoch, loss, seconds) -> {
                    if (epoch % 10 == 0) {
                        progress.println("Epoch " + epoch + " loss: " + loss);
                    }
                    if (kernels instanceof ProfiledKernels p && epoch == 0) {
                        p.reset();
                    }
                    double elapsed = (System.nanoTime() - began) / 1e9;
                    progress.update(String.format(java.util.Locale.ROOT, "epoch %d of %d  loss %.6f  %.3f s/epoch  %s left",
                            epoch, plan.epochs(), loss, seconds,
                            Progress.clock(elapsed / (epoch + 1) * (plan.epochs() - epoch - 1))));
                }, resume, files.checkpointer(network, digit));
        } catch (TrainingDivergedException e) {
            progress.clear();
            throw files.diverged(e, network, digit);
        }
        progress.println("Final loss: " + history.finalLoss());
        out.println();
        Map<String, Object> metrics = new LinkedHashMap<>();
        if (model.isBinary()) {
            metrics.put("digit", plan.digit());
        }
        metrics.put("learning_rate", Double.parseDouble(Float.toString(plan.lr())));
        metrics.put("epochs", plan.epochs());
        metrics.put("final_loss", history.finalLoss());
        metrics.put("losses", history.losses());
        metrics.put("seconds_per_epoch", history.secondsPerEpoch());
        List<String> names = model.isBinary() ? List.of("not " + classes.get(plan.digit()), classes.get(plan.digit())) : classes;
        return new Trained(network, names, model.isBinary() ? plan.digit() : -1, metrics, history.medianSecondsPerEpoch());
    }

    // ---- the multilayer perceptron -----------------------------------------------------------------

    /**
     * The flags of a minibatch-trained model, as the {@link Trainer} they describe (the API's defaults are
     * the command line's).
     */
    private record MlpPlan(String model, Trainer trainer) {
        static MlpPlan parse(Options options, Trainer.Recipe recipe, String rng, long seed) throws UsageException {
            if (options.has("hidden") && options.has("layers")) {
                throw new UsageException(NAME, "give --hidden or --layers, not both");
            }
            if (options.has("hidden") && recipe != Trainer.Recipe.MLP) {
                throw new UsageException(NAME, "--hidden applies to --model mlp; use --layers for " + recipe.id());
            }
            if (options.has("momentum") && options.choice("optimizer", Optimizer.ADAM, Optimizer::parse)
                    != Optimizer.MOMENTUM) {
                throw new UsageException(NAME, "--momentum applies to --optimizer momentum only");
            }
            Trainer t = Trainer.of(recipe).rng(rng).seed(seed)
                    .activation(options.choice("activation", Activation.RELU, Activation::parse));
            try {
                if (options.has("hidden")) {
                    t = t.hidden(options.choice("hidden", null, TrainCommand::layerList));
                }
                if (options.has("layers")) {
                    t = t.layers(options.string("layers", null));
                }
            } catch (IllegalArgumentException e) {
                throw new UsageException(NAME, "--" + e.getMessage());
            }
            if (options.has("init")) {
                t = t.init(options.choice("init", null, Initializer::parse));
            }
            if (options.has("optimizer")) {
                t = t.optimizer(options.choice("optimizer", null, Optimizer::parse));
            }
            t = t.epochs(options.integer("epochs", t.settings().epochs(), 1, 1_000_000))
                    .batchSize(options.integer("batch", t.settings().batchSize(), 1, 60000))
                    .learningRate(options.positiveNumber("lr", t.settings().learningRate()))
                    .schedule(options.choice("schedule", t.settings().schedule(), Schedule::parse))
                    .validation(options.integer("validation", t.validationSize(), 0, 59000))
                    .augment(options.flag("augment"));
            if (options.has("momentum")) {
                t = t.momentum(options.fraction("momentum"));
            }
            if (options.has("weight-decay")) {
                t = t.weightDecay(options.nonNegativeNumber("weight-decay"));
            }
            return new MlpPlan(recipe.id(), t);
        }
    }

    /**
     * Steps of the warm-up run while the data loads (see {@link Warmup}). 480: once the steps got faster
     * (aligned vectors, 2026-12-04), 96 steps no longer kept C2 busy until the data was ready, and epoch 1
     * took 1.7x to 1.9x the median at two threads; 192 steps 1.4x to 1.7x, 288 steps 1.19x to 1.52x, 480
     * steps 1.12x to 1.25x (7 interleaved default runs of each, AVX-512), the command 0.1 s longer.
     */
    static final int WARMUP_STEPS = Integer.getInteger("mnist.warmup.steps", 480);
    /** A convolutional network's warm-up takes WARMUP_STEPS / this many steps (32). */
    static final int CONV_WARMUP_DIVISOR = Integer.getInteger("mnist.warmup.conv.divisor", 15);

    /**
     * Starts the JIT's warm-up on a second thread: a throwaway copy of the network, trained on synthetic
     * digits with the same shapes, kernels and settings, while the data loads. A failed warm-up costs
     * only speed.
     */
    private static Thread warmUp(MlpPlan plan, Backend backend, int threads) {
        Trainer t = plan.trainer();
        // a convolutional step is heavier: fewer steps compile its kernels as well
        int steps = t.layerSpec() == null ? WARMUP_STEPS : WARMUP_STEPS / CONV_WARMUP_DIVISOR;
        if (steps <= 0) {
            return null;
        }
        return Thread.ofPlatform().daemon().name("mnist-warmup").start(() -> {
            try (Kernels k = Kernels.create(backend, threads)) {
                // the sizes of MNIST's sets (the data loads meanwhile): only their remainders matter
                Warmup.minibatch(k, t, 28, steps, 60_000 - t.validationSize(), t.validationSize(), 10_000);
            } catch (RuntimeException e) {
                // only speed is lost
            }
        });
    }

    /** Trains the mlp on the one training set in {@code trainSet}, which it takes out of the list. */
    private Trained trainMlp(MlpPlan plan, List<LabeledImages> trainSet, List<String> classes, Kernels kernels, String setup,
                             Progress progress, RunFiles files, Thread warmup) throws UsageException, IOException {
        LabeledImages all = trainSet.removeFirst();
        Trainer trainer = plan.trainer();
        if (trainer.validationSize() >= all.size()) {
            throw new UsageException(NAME, "--validation must be below " + all.size() + ", the size of the training set");
        }
        TrainingRun run;
        try {
            run = TrainingRun.start(trainer, all);
        } catch (IllegalArgumentException e) {
            throw new UsageException(NAME, "--" + e.getMessage());
        }
        all = null;   // 47 MB of MNIST: the run's training and validation sets are copies
        Network network = run.network();
        LabeledImages train = run.train();
        LabeledImages validation = run.validation();

        // While the warm-up finishes: the index of the training images' lit pixels, which the first
        // batch would otherwise wait for.
        train.nonZeroPixels();
        if (warmup != null) {
            try {
                warmup.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        MinibatchSettings s = trainer.settings();
        Augmentation augment = trainer.augmentation();
        curves = reportDir == null ? null : new LearningCurves(kernels, train, validation, LectureModel.DIGITS);
        out.printf("Training " + plan.model() + " (%s, %s, %s init) on %d images, validating on %d: %d epochs, %s, batch %d, "
                        + "learning rate %s (%s)%s, %s%n",
                network.describe(), trainer.activation().id(), trainer.initializer().id(), train.size(), validation.size(),
                s.epochs(), s.optimizer().id(), s.batchSize(), trimmed(s.learningRate()), s.schedule().id(),
                (s.weightDecay() > 0 ? ", weight decay " + s.weightDecay() : "")
                        + (augment != null ? ", augmented (±" + trimmed(augment.degrees()) + "°, ±"
                        + Math.round(augment.scale() * 100) + "%, ±" + trimmed(augment.shift()) + " px)" : ""),
                setup);
        out.flush();
        TrainerState resume = files.restore(network, out, s.epochs());
        if (resume != null && curves != null && !curves.restore(files.resumedFacts(), resume.epochsDone())) {
            out.println("Note: the checkpoint was written without --report: the report's validation loss and training"
                    + " accuracy have a gap for the " + resume.epochsDone() + " epochs before the resume.");
        }
        if (resume != null) {
            for (int e = 0; e < resume.epochsDone(); e++) {
                out.println(epochLine(new Epoch(e, resume.losses()[e], resume.validationAccuracies()[e],
                        resume.learningRates()[e], resume.seconds()[e]), s.epochs()));
            }
        }
        MinibatchTrainer.Result result;
        try {
            result = run.train(kernels,
                new MinibatchTrainer.Listener() {
                    private final long start = System.nanoTime();

                    @Override
                    public void batchDone(int epoch, int batch, int batches, double runningLoss) {
                        if (!progress.due()) {
                            return;
                        }
                        double elapsed = (System.nanoTime() - start) / 1e9;
                        long done = (long) epoch * batches + batch;
                        long total = (long) s.epochs() * batches;
                        // The first batches run before the JIT has compiled the kernels: no estimate from them.
                        String left = epoch == 0 && batch * 4 < batches ? "estimating time left"
                                : Progress.clock(elapsed / done * (total - done)) + " left";
                        progress.update(String.format(java.util.Locale.ROOT,
                                "epoch %d/%d  batch %d/%d  loss %.4f  %,.0f images/s  %s", epoch + 1, s.epochs(),
                                batch, batches, runningLoss, done * (double) train.size() / batches / elapsed, left));
                    }

                    @Override
                    public void epochDone(Epoch e) {
                        if (kernels instanceof ProfiledKernels p && e.epoch() == 0) {
                            p.reset();
                        }
                        if (curves != null) {
                            curves.measure(network);
                        }
                        progress.println(epochLine(e, s.epochs()));
                    }
                }, resume, files.checkpointer(network, -1, () -> curves == null ? Map.of() : curves.toMetadata()));
        } catch (TrainingDivergedException e) {
            progress.clear();
            throw files.diverged(e, network, -1);
        }
        out.printf("Best epoch: %d%s%n%n", result.bestEpoch() + 1, validation.size() == 0 ? " (the last; no validation set)"
                : String.format(" (validation accuracy %.4f)", result.best().validationAccuracy()));

        double[] losses = result.epochs().stream().mapToDouble(Epoch::trainLoss).toArray();
        double[] seconds = result.epochs().stream().mapToDouble(Epoch::seconds).toArray();
        double[] accuracies = result.epochs().stream().mapToDouble(Epoch::validationAccuracy).toArray();
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("activation", trainer.activation().id());
        metrics.put("init", trainer.initializer().id());
        metrics.put("optimizer", s.optimizer().id());
        metrics.put("learning_rate", Double.parseDouble(Float.toString(s.learningRate())));
        metrics.put("schedule", s.schedule().id());
        metrics.put("batch_size", s.batchSize());
        metrics.put("weight_decay", Double.parseDouble(Float.toString(s.weightDecay())));
        metrics.put("augment", augment == null ? "none" : augment.id());
        metrics.put("validation_size", validation.size());
        metrics.put("epochs", s.epochs());
        metrics.put("best_epoch", result.bestEpoch() + 1);
        metrics.put("losses", losses);
        metrics.put("validation_accuracy", accuracies);
        metrics.put("seconds_per_epoch", seconds);
        if (curves != null) {
            metrics.put("validation_loss", curves.validationLossPerEpoch());
            metrics.put("train_sample_accuracy", curves.trainAccuracyPerEpoch());
        }
        TrainingHistory history = new TrainingHistory(losses, seconds);
        return new Trained(network, classes, -1, metrics, history.medianSecondsPerEpoch());
    }

    private static String epochLine(Epoch e, int epochs) {
        return String.format(java.util.Locale.ROOT, "Epoch %d/%d  loss %.4f  validation accuracy %s  lr %.2e  %.2f s",
                e.epoch() + 1, epochs, e.trainLoss(), Double.isNaN(e.validationAccuracy()) ? "-"
                        : String.format(java.util.Locale.ROOT, "%.4f", e.validationAccuracy()), e.learningRate(), e.seconds());
    }

    // ---- evaluation, shared ------------------------------------------------------------------------

    /** Prints the evaluation on the test set (one pass through the model, which a report reuses) and returns it. */
    private Evaluation evaluate(Trained trained, LabeledImages test, Kernels kernels, int showIndex, Map<String, Object> metrics,
                                Progress progress) {
        List<String> classNames = trained.classNames();
        Evaluation evaluation = Evaluation.of(trained.network(), kernels, test, trained.digit(), classNames, Evaluation.GALLERY);
        ConfusionMatrix matrix = evaluation.matrix();
        ClassificationReport report = evaluation.report();
        int shownLabel = trained.digit() >= 0 ? (test.label(showIndex) == trained.digit() ? 1 : 0) : test.label(showIndex);
        out.println("Confusion matrix on the test set (rows: actual, columns: predicted):");
        out.print(matrix.format());
        out.println();
        out.print(report.format(2));
        out.println();
        out.println(progress.bold("Test accuracy: " + matrix.accuracy()));
        out.printf("Median seconds per epoch: %.4f%n", trained.medianSecondsPerEpoch());
        out.println();
        out.print(DigitArt.render(test.image(showIndex), 0, test.rows(), test.cols(), out.charset()));
        out.println("Test image " + showIndex + ": label " + classNames.get(shownLabel)
                + (trained.digit() >= 0 ? " (digit " + test.label(showIndex) + ")" : "")
                + ", predicted " + classNames.get(evaluation.predicted()[showIndex]));
        metrics.put("test_accuracy", matrix.accuracy());
        metrics.put("class_names", classNames);
        metrics.put("confusion_matrix", new ArrayList<>(List.of(matrix.rows())));
        metrics.put("median_seconds_per_epoch", trained.medianSecondsPerEpoch());
        return evaluation;
    }

    private static String rngKind(String name) {
        if (!name.equals("numpy") && !name.equals("java")) {
            throw new IllegalArgumentException("unknown generator '" + name + "' (expected numpy or java)");
        }
        return name;
    }

    /** Parses {@code 256,128} into layer widths, each from 1 to 65536. */
    static int[] layerList(String text) {
        String[] parts = text.split(",", -1);
        if (parts.length > 16) {
            throw new IllegalArgumentException("at most 16 hidden layers, got " + parts.length);
        }
        int[] sizes = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                sizes[i] = Integer.parseInt(parts[i].strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("expected layer widths like 256,128, got '" + text + "'");
            }
            if (sizes[i] < 1 || sizes[i] > 65536) {
                throw new IllegalArgumentException("layer widths must be between 1 and 65536, got " + sizes[i] + " in '" + text + "'");
            }
        }
        return sizes;
    }

    private static String trimmed(float value) {
        return value == (long) value ? Long.toString((long) value) : Float.toString(value);
    }
}
