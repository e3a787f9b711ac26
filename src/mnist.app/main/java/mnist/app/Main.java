package mnist.app;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import mnist.data.DatasetException;
import mnist.model.ModelFileException;
import mnist.model.TrainingDivergedException;

/**
 * The {@code mnist} command: train the lecture's networks, show digits. Exit codes: 0 success, 1 a
 * failure during the work, 2 bad usage or bad input (flags, data files).
 */
public final class Main {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int BAD_INPUT = 2;

    private static final String HELP = """
            mnist %s: neural networks on MNIST, from scratch, in Java with the Vector API.

            Usage: mnist <command> [options]

            Commands:
              train    train a network (a modern MLP, or one of the lecture's) and evaluate it
              show     draw one digit of the data set in the terminal, with its label
              evaluate evaluate a saved model on the test set
              predict  classify your own digit images (PNG, PGM) or test digits with a saved model
              serve    a web page to draw digits on and watch a saved model classify them
              export   write a saved model as ONNX, for other runtimes
              bench    time the kernels and a training epoch, SIMD against scalar

            Options:
              --help       show this help (also: mnist <command> --help)
              --version    print the version

            Environment (bin/mnist of the runtime image):
              JLINK_VM_OPTIONS   extra JVM options, e.g. -Xmx8g
              MNIST_CDS=off      no class-data archive: the first run makes one (10 MB) in
                                 $XDG_CACHE_HOME/mnist or ~/.cache/mnist, and later starts
                                 map it (about 50 ms faster)

            Exit codes: 0 success, 1 failure during the work, 2 bad usage or bad input.
            """;

    private Main() {
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        ClassDataArchive.makeInBackgroundIfAsked(); // the image's first run: the faster start for the next ones
        System.exit(code);
    }

    /** Runs the command line and returns its exit code; never throws. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.print(HELP.formatted(Version.get()));
            return BAD_INPUT;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            return switch (args[0]) {
                case "--help", "-h", "help" -> {
                    if (rest.length > 0 && !rest[0].startsWith("-")) {
                        yield run(new String[] {rest[0], "--help"}, out, err); // mnist help train
                    }
                    out.print(HELP.formatted(Version.get()));
                    yield OK;
                }
                case "--version" -> {
                    if (rest.length > 0) {
                        throw new UsageException("mnist", "--version takes no arguments, got '" + rest[0] + "'");
                    }
                    out.println("mnist " + Version.get());
                    yield OK;
                }
                case "train" -> new TrainCommand(out).run(rest);
                case "show" -> new ShowCommand(out).run(rest);
                case "evaluate" -> new EvaluateCommand(out).run(rest);
                case "predict" -> new PredictCommand(out).run(rest);
                case "serve" -> new ServeCommand(out).run(rest);
                case "bench" -> new BenchCommand(out).run(rest);
                case "export" -> new ExportCommand(out).run(rest);
                default -> throw new UsageException("mnist", "unknown command '" + args[0]
                        + "' (expected train, show, evaluate, predict, serve, bench or export)");
            };
        } catch (UsageException e) {
            err.println("mnist: " + e.getMessage());
            err.println("Try '" + e.command() + " --help'.");
            return BAD_INPUT;
        } catch (DatasetException e) {
            err.println("mnist: bad data: " + e.getMessage());
            return BAD_INPUT;
        } catch (ModelFileException e) {
            err.println("mnist: " + e.getMessage()); // "file: problem", for model files and checkpoints alike
            return BAD_INPUT;
        } catch (TrainingDivergedException e) {
            err.println("mnist: " + e.getMessage());
            return FAILED;
        } catch (IOException | UncheckedIOException e) {
            err.println("mnist: " + e.getMessage());
            return FAILED;
        } catch (OutOfMemoryError e) {
            err.println("mnist: out of memory (" + e.getMessage() + "); give the JVM more memory, e.g. JLINK_VM_OPTIONS=-Xmx8g for the mnist binary (java -Xmx8g otherwise)");
            return FAILED;
        } catch (RuntimeException e) {
            // A bug of ours: still one line for the user, with the details for a bug report.
            err.println("mnist: internal error: " + e + (e.getStackTrace().length > 0 ? " at " + e.getStackTrace()[0] : ""));
            return FAILED;
        }
    }
}
