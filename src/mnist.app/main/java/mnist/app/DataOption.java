package mnist.app;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import mnist.data.Mnist;

/** The {@code --data DIR} option shared by the commands: a directory of IDX files, or the bundled MNIST. */
final class DataOption {
    private DataOption() {
    }

    static Mnist load(Options options, PrintStream out) throws IOException, UsageException {
        long start = System.nanoTime();
        Mnist data;
        if (options.has("data")) {
            Path dir;
            try {
                dir = Path.of(options.string("data", ""));
            } catch (InvalidPathException e) {
                throw new UsageException("mnist", "--data: not a valid path: " + e.getMessage());
            }
            data = Mnist.load(dir);
        } else {
            data = Mnist.loadBundled();
        }
        out.printf("Loaded %s: %d training and %d test images of %dx%d (%.1f s)%n", data.source(),
                data.train().size(), data.test().size(), data.train().rows(), data.train().cols(),
                (System.nanoTime() - start) / 1e9);
        return data;
    }
}
