package mnist.app;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;
import mnist.model.internal.Onnx;
import mnist.model.internal.SavedModel;

/** {@code mnist export}: a saved model in another format (ONNX), for other runtimes. */
final class ExportCommand {
    private static final String NAME = "mnist export";
    private static final String HELP = """
            Usage: mnist export --model FILE --onnx OUT

            Writes a saved model as ONNX (opset 13), for ONNX Runtime, PyTorch, and the other tools that
            read it. The graph takes 'input', floats in [0, 1] with ink 1: (N, rows x cols) for a
            perceptron, (N, 1, rows, cols) for a convolutional network; it gives 'probabilities',
            (N, classes), or (N, 1) for a binary model (the probability of its digit). The class names
            and the model's facts go in the file's metadata.

            Options:
              --model FILE   the model file, from 'mnist train --save FILE'               (required)
              --onnx OUT     the ONNX file to write (atomically: replaced only once complete)  (required)
              --help         show this help
            """;

    private final PrintStream out;

    ExportCommand(PrintStream out) {
        this.out = out;
    }

    int run(String[] args) throws UsageException, IOException {
        Options options = Options.parse(NAME, args, Set.of("model", "onnx"), Set.of("help"));
        if (options.flag("help")) {
            out.print(HELP);
            return Main.OK;
        }
        Path modelFile = ModelOption.path(options, NAME);
        if (!options.has("onnx")) {
            throw new UsageException(NAME, "--onnx OUT is required (the ONNX file to write)");
        }
        Path target;
        try {
            target = Path.of(options.string("onnx", ""));
        } catch (java.nio.file.InvalidPathException e) {
            throw new UsageException(NAME, "--onnx: not a valid path: " + e.getMessage());
        }
        String problem = AtomicFile.problemWriting(target);
        if (problem != null) {
            throw new UsageException(NAME, "--onnx " + problem);
        }
        SavedModel model = ModelOption.load(modelFile);
        Onnx.save(model, target);
        out.println(ModelOption.describe(modelFile, model));
        out.println("Written as ONNX to " + target);
        return Main.OK;
    }
}
