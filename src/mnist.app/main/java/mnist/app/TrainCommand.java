package mnist.app;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mnist.data.Mnist;
import mnist.data.LabeledImages;
import mnist.math.Backend;
import mnist.math.Kernels;
import mnist.math.random.RandomSource;
import mnist.model.ClassificationReport;
import mnist.model.ConfusionMatrix;
import mnist.model.FullBatchGradientDescent;
import mnist.model.LectureModel;
import mnist.model.Network;
import mnist.model.Predictor;
import mnist.model.TrainingHistory;

/** {@code mnist train}: one of the lecture's networks, trained as the lecture does, then evaluated. */
final class TrainCommand {
    private static final String NAME = "mnist train";
    private static final String HELP = """
            Usage: mnist train [options]

            Trains one of the lecture's networks by full-batch gradient descent on the training set,
            printing the loss every 10 epochs, then evaluates it on the test set: confusion matrix
            (rows: actual class, columns: predicted), classification report, accuracy, and one test
            digit drawn with its label and the prediction.

            Options:
              --model NAME       logistic (784-1), hidden (784-H-1) or softmax (784-H-10)   [softmax]
              --digit D          the digit the binary models recognise ("is it a D?")      [0]
              --hidden H         units in the hidden layer                                  [64]
              --epochs N         epochs of training       [100 for logistic and hidden, 200 for softmax]
              --lr X             learning rate                                              [1]
              --rng NAME         numpy (NumPy's legacy generator, as the lecture) or java   [numpy]
              --seed S           seed of the generator                                      [1]
              --backend NAME     simd (Vector API) or scalar                                [simd]
              --threads N        worker threads                                 [all cores: %d]
              --data DIR         a directory with the four MNIST IDX files (.gz or not)     [bundled MNIST]
              --metrics-out FILE write the run's numbers as JSON
              --show-index N     the test digit drawn at the end                            [0]
              --help             show this help

            With the defaults (--rng numpy --seed 1) each network starts from the lecture's own
            random numbers, so the printed losses are the lecture's.
            """;

    private static final Set<String> VALUED = Set.of("model", "digit", "hidden", "epochs", "lr", "rng", "seed",
            "backend", "threads", "data", "metrics-out", "show-index");

    private final PrintStream out;

    TrainCommand(PrintStream out) {
        this.out = out;
    }

    int run(String[] args) throws UsageException, IOException {
        Options options = Options.parse(NAME, args, VALUED, Set.of("help"));
        int cores = Runtime.getRuntime().availableProcessors();
        if (options.flag("help")) {
            out.print(HELP.formatted(cores));
            return Main.OK;
        }
        LectureModel model = options.choice("model", LectureModel.SOFTMAX, LectureModel::parse);
        int digit = options.integer("digit", 0, 0, 9);
        if (options.has("digit") && !model.isBinary()) {
            throw new UsageException(NAME, "--digit applies to the binary models (logistic, hidden), not to " + model.id());
        }
        int hidden = options.integer("hidden", 64, 1, 65536);
        if (options.has("hidden") && model == LectureModel.LOGISTIC) {
            throw new UsageException(NAME, "--hidden does not apply to logistic, which has no hidden layer");
        }
        int epochs = options.integer("epochs", model.defaultEpochs(), 1, 1_000_000);
        float lr = options.positiveNumber("lr", 1f);
        String rngKind = options.choice("rng", "numpy", TrainCommand::rngKind);
        long seed = options.longInteger("seed", 1, 0, 4294967295L);
        Backend backend = options.choice("backend", Backend.SIMD, Backend::parse);
        int threads = options.integer("threads", cores, 1, 1024);
        int showIndex = options.integer("show-index", 0, 0, Integer.MAX_VALUE);
        Path metricsOut = options.has("metrics-out") ? Path.of(options.string("metrics-out", "")) : null;
        if (metricsOut != null) {
            String problem = AtomicFile.problemWriting(metricsOut);
            if (problem != null) {
                throw new UsageException(NAME, "--metrics-out " + problem);
            }
        }

        Mnist data = DataOption.load(options, out);
        LabeledImages test = data.test();
        if (showIndex >= test.size()) {
            throw new UsageException(NAME, "--show-index must be below " + test.size() + ", the size of the test set");
        }

        try (Kernels kernels = Kernels.create(backend, threads)) {
            RandomSource random = RandomSource.create(rngKind, seed);
            LectureModel.Start start = model.initialise(random, data.train().size(), data.train().features(), hidden);
            Network network = start.network();
            LabeledImages train = data.train().permuted(start.shuffle());
            float[] targets = model.isBinary() ? train.binaryTargets(digit) : train.oneHot(LectureModel.DIGITS);

            out.printf("Training %s (%s) on %d images for %d epochs, learning rate %s, %s backend on %d thread%s, %s generator seed %d%n",
                    model.id(), network.describe(), train.size(), epochs, trimmed(lr), backend.id(), threads,
                    threads == 1 ? "" : "s", rngKind, seed);
            out.flush();
            TrainingHistory history = new FullBatchGradientDescent(kernels, epochs, lr).train(
                    network, train.images(), targets, train.size(), (epoch, loss, seconds) -> {
                        if (epoch % 10 == 0) {
                            out.println("Epoch " + epoch + " loss: " + loss);
                            out.flush();
                        }
                    });
            out.println("Final loss: " + history.finalLoss());
            out.println();

            int[] predicted = Predictor.predict(network, kernels, test.images(), test.size());
            int[] actual = new int[test.size()];
            for (int i = 0; i < actual.length; i++) {
                actual[i] = model.isBinary() ? (test.label(i) == digit ? 1 : 0) : test.label(i);
            }
            List<String> classNames = classNames(model, digit);
            ConfusionMatrix matrix = ConfusionMatrix.of(actual, predicted, classNames);
            ClassificationReport report = new ClassificationReport(matrix);
            out.println("Confusion matrix on the test set (rows: actual, columns: predicted):");
            out.print(matrix.format());
            out.println();
            out.print(report.format(2));
            out.println();
            out.println("Test accuracy: " + matrix.accuracy());
            out.printf("Median seconds per epoch: %.4f%n", history.medianSecondsPerEpoch());
            out.println();

            out.print(DigitArt.render(test.images(), showIndex * test.features(), test.rows(), test.cols(), out.charset()));
            out.println("Test image " + showIndex + ": label " + classNames.get(actual[showIndex])
                    + (model.isBinary() ? " (digit " + test.label(showIndex) + ")" : "")
                    + ", predicted " + classNames.get(predicted[showIndex]));

            if (metricsOut != null) {
                Map<String, Object> metrics = new LinkedHashMap<>();
                metrics.put("model", model.id());
                metrics.put("architecture", network.describe());
                if (model.isBinary()) {
                    metrics.put("digit", digit);
                }
                metrics.put("backend", backend.id());
                metrics.put("threads", threads);
                metrics.put("rng", rngKind);
                metrics.put("seed", seed);
                metrics.put("learning_rate", (double) lr);
                metrics.put("epochs", epochs);
                metrics.put("data", data.source());
                metrics.put("test_accuracy", matrix.accuracy());
                metrics.put("final_loss", history.finalLoss());
                metrics.put("class_names", classNames);
                List<long[]> rows = new ArrayList<>(List.of(matrix.rows()));
                metrics.put("confusion_matrix", rows);
                metrics.put("losses", history.losses());
                metrics.put("seconds_per_epoch", history.secondsPerEpoch());
                metrics.put("median_seconds_per_epoch", history.medianSecondsPerEpoch());
                AtomicFile.writeString(metricsOut, Json.write(metrics));
                out.println("Metrics written to " + metricsOut);
            }
        }
        return Main.OK;
    }

    private static String rngKind(String name) {
        if (!name.equals("numpy") && !name.equals("java")) {
            throw new IllegalArgumentException("unknown generator '" + name + "' (expected numpy or java)");
        }
        return name;
    }

    /** The class names of the confusion matrix: "not D" and "D" for the binary models, else the digits. */
    static List<String> classNames(LectureModel model, int digit) {
        if (model.isBinary()) {
            return List.of("not " + digit, Integer.toString(digit));
        }
        List<String> names = new ArrayList<>();
        for (int d = 0; d < LectureModel.DIGITS; d++) {
            names.add(Integer.toString(d));
        }
        return names;
    }

    private static String trimmed(float value) {
        return value == (long) value ? Long.toString((long) value) : Float.toString(value);
    }
}
