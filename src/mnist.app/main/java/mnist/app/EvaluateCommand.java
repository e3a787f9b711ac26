package mnist.app;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import mnist.app.report.Evaluation;
import mnist.data.LabeledImages;
import mnist.data.Mnist;
import mnist.math.Backend;
import mnist.math.internal.Kernels;
import mnist.model.ConfusionMatrix;
import mnist.model.internal.SavedModel;

/** {@code mnist evaluate}: a saved model on the test set, reported as {@code mnist train} reports. */
final class EvaluateCommand {
    private static final String NAME = "mnist evaluate";
    private static final String HELP = """
            Usage: mnist evaluate --model FILE [options]

            Evaluates a saved model on the test set: confusion matrix (rows: actual class, columns:
            predicted), classification report and accuracy, as 'mnist train' prints them. A binary
            model ("is it a D?") is scored on the classes "not D" and "D".

            Options:
              --model FILE       the model file, from 'mnist train --save FILE'             (required)
              --data DIR         a directory with the four MNIST IDX files (.gz or not)     [bundled MNIST]
              --backend NAME     simd (Vector API) or scalar  [simd where it pays]
              --threads N        worker threads                                 [all cores: %d]
              --report DIR       write DIR/report.html (confusion matrix, mistakes) and confusion.png
              --help             show this help
            """;

    private final PrintStream out;

    EvaluateCommand(PrintStream out) {
        this.out = out;
    }

    int run(String[] args) throws UsageException, IOException {
        Options options = Options.parse(NAME, args, Set.of("model", "data", "backend", "threads", "report"), Set.of("help"));
        int cores = Runtime.getRuntime().availableProcessors();
        if (options.flag("help")) {
            out.print(HELP.formatted(cores));
            return Main.OK;
        }
        Path file = ModelOption.path(options, NAME);
        Backend backend = BackendOption.parse(options, out);
        int threads = options.integer("threads", cores, 1, 1024);
        Path reportDir = ReportOption.parse(options, NAME);
        SavedModel model = ModelOption.load(file);
        out.println(ModelOption.describe(file, model));
        Mnist data = DataOption.loadTest(options, out);
        LabeledImages test = data.test();
        if (test.features() != model.network().inputSize()) {
            throw new UsageException(NAME, "the model takes " + model.rows() + "x" + model.cols() + " images, but "
                    + data.source() + " has " + test.rows() + "x" + test.cols());
        }
        Kernels kernels = Kernels.create(backend, threads);
        try (kernels) {
            return evaluate(model, test, kernels, file, data, reportDir);
        }
    }

    private int evaluate(SavedModel model, LabeledImages test, Kernels kernels, Path file, Mnist data, Path reportDir)
            throws UsageException, IOException {
        for (int i = 0; i < test.size(); i++) {
            int actual = model.isBinary() ? (test.label(i) == model.digit() ? 1 : 0) : test.label(i);
            if (actual >= model.classNames().size()) {
                throw new UsageException(NAME, "test label " + actual + " is not one of the model's "
                        + model.classNames().size() + " classes");
            }
        }
        // one pass through the model: the printed matrix and the report's come from it
        Evaluation evaluation = Evaluation.of(model.network(), kernels, test, model.isBinary() ? model.digit() : -1,
                model.classNames(), Evaluation.GALLERY);
        ConfusionMatrix matrix = evaluation.matrix();
        out.println();
        out.println("Confusion matrix on the test set (rows: actual, columns: predicted):");
        out.print(matrix.format());
        out.println();
        out.print(evaluation.report().format(2));
        out.println();
        out.println("Test accuracy: " + matrix.accuracy());
        if (reportDir != null) {
            Map<String, Object> configuration = new LinkedHashMap<>();
            configuration.put("model_file", file.toString());
            model.metadata().forEach((k, v) -> configuration.put("model " + k, v));
            configuration.put("backend", kernels.backend().id());
            configuration.put("threads", kernels.threads());
            configuration.put("data", data.source());
            configuration.put("test_accuracy", matrix.accuracy());
            ReportOption.writeEvaluate(reportDir, file, configuration, model.network(), evaluation, out);
        }
        return Main.OK;
    }
}
