package mnist.app;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import mnist.data.LabeledImages;
import mnist.data.Mnist;

/** The {@code --data DIR} option shared by the commands: a directory of IDX files, or the bundled MNIST. */
final class DataOption {
    private DataOption() {
    }

    static Mnist load(Options options, PrintStream out) throws IOException, UsageException {
        return load(options, out, true);
    }

    /** The test split only (evaluating, predicting): a sixth of the bytes to unpack. */
    static Mnist loadTest(Options options, PrintStream out) throws IOException, UsageException {
        return load(options, out, false);
    }

    private static Mnist load(Options options, PrintStream out, boolean withTrain) throws IOException, UsageException {
        long start = System.nanoTime();
        Mnist data;
        if (options.has("data")) {
            Path dir;
            try {
                dir = Path.of(options.string("data", ""));
            } catch (InvalidPathException e) {
                throw new UsageException("mnist", "--data: not a valid path: " + e.getMessage());
            }
            data = withTrain ? Mnist.load(dir) : Mnist.loadTest(dir);
        } else {
            data = withTrain ? Mnist.loadBundled() : Mnist.loadBundledTest();
        }
        LabeledImages test = data.test();
        out.printf("Loaded %s: %s%d test images of %dx%d (%.1f s)%n", data.source(),
                data.hasTrain() ? data.train().size() + " training and " : "", test.size(), test.rows(), test.cols(),
                (System.nanoTime() - start) / 1e9);
        return data;
    }
}
