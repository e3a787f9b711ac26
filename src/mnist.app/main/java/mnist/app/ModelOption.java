package mnist.app;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import mnist.model.ModelFileException;
import mnist.model.internal.ModelFile;
import mnist.model.internal.SavedModel;

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
                .append(model.network().describe()).append(", ");
        if (model.network().layerCount() > 1) {
            line.append(model.network().activation().id()).append(" hidden, ");
        }
        line.append(model.isBinary() ? "sigmoid output (is it a " + model.digit() + "?)" : "softmax output");
        // the stored facts, but not the architecture again
        model.metadata().forEach((k, v) -> {
            if (!k.equals("architecture")) {
                line.append(", ").append(k.replace('_', ' ')).append(' ').append(v);
            }
        });
        return line.toString();
    }
}
