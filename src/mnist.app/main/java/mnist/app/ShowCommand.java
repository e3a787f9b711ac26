package mnist.app;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Set;
import mnist.data.Mnist;
import mnist.data.LabeledImages;

/** {@code mnist show}: one digit of the data set drawn in the terminal, with its label. */
final class ShowCommand {
    private static final String NAME = "mnist show";
    private static final String HELP = """
            Usage: mnist show [--split train|test] --index N [--data DIR]

            Draws one image of the data set in the terminal, with its label.

            Options:
              --split NAME   train or test                                     [test]
              --index N      which image, from 0                               (required)
              --data DIR     a directory with the four MNIST IDX files         [bundled MNIST]
              --help         show this help
            """;

    private final PrintStream out;

    ShowCommand(PrintStream out) {
        this.out = out;
    }

    int run(String[] args) throws UsageException, IOException {
        Options options = Options.parse(NAME, args, Set.of("split", "index", "data"), Set.of("help"));
        if (options.flag("help")) {
            out.print(HELP);
            return Main.OK;
        }
        String splitName = options.choice("split", "test", name -> {
            if (!name.equals("train") && !name.equals("test")) {
                throw new IllegalArgumentException("expected train or test, got '" + name + "'");
            }
            return name;
        });
        if (!options.has("index")) {
            throw new UsageException(NAME, "--index is required");
        }
        int index = options.integer("index", 0, 0, Integer.MAX_VALUE);
        Mnist data = splitName.equals("train") ? DataOption.load(options, out) : DataOption.loadTest(options, out);
        LabeledImages split = splitName.equals("train") ? data.train() : data.test();
        if (index >= split.size()) {
            throw new UsageException(NAME, "--index must be below " + split.size() + ", the size of the " + splitName + " set");
        }
        out.print(DigitArt.render(split.image(index), 0, split.rows(), split.cols(), out.charset()));
        out.println(splitName + " image " + index + ": label " + split.label(index));
        return Main.OK;
    }
}
