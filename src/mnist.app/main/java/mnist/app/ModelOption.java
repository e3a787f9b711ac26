package mnist.app;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import mnist.model.ModelFile;
import mnist.model.ModelFileException;
import mnist.model.SavedModel;

/** The {@code --model FILE} option of evaluate and predict: required, loaded and checked. */
final class ModelOption {
    private ModelOption() {
    }

    static Path path(Options options, String command) throws UsageException {
        if (!options.has("model")) {
            throw new UsageException(command, "--model FILE is required (a model saved by 'mnist train --save FILE')");
        }
        try {
            return Path.of(options.string("model", ""));
        } catch (InvalidPathException e) {
            throw new UsageException(command, "--model: not a valid path: " + e.getMessage());
        }
    }

    static SavedModel load(Path file) throws ModelFileException {
        return ModelFile.load(file);
    }

    /** One line: architecture, output, classes, and the stored facts. */
    static String describe(Path file, SavedModel model) {
        StringBuilder line = new StringBuilder("Model ").append(file).append(": ")
                .append(model.network().describe()).append(", ")
                .append(model.network().activation().id()).append(" hidden, ")
                .append(model.isBinary() ? "sigmoid output (is it a " + model.digit() + "?)" : "softmax output");
        model.metadata().forEach((k, v) -> line.append(", ").append(k).append(' ').append(v));
        return line.toString();
    }
}
