package mnist.app;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import mnist.app.report.Curves;
import mnist.app.report.Evaluation;
import mnist.app.report.LearningCurves;
import mnist.app.report.ReportData;
import mnist.app.report.ReportFiles;
import mnist.model.internal.Network;

/**
 * The {@code --report DIR} option of train and evaluate: the directory is checked before any work
 * starts, created at the end if missing (its parent must exist), and receives report.html, loss.png and
 * confusion.png, each written atomically, report.html last.
 */
final class ReportOption {
    private ReportOption() {
    }

    /** The checked directory of {@code --report}, or null if the flag is absent. */
    static Path parse(Options options, String command) throws UsageException {
        if (!options.has("report")) {
            return null;
        }
        Path dir;
        try {
            dir = Path.of(options.string("report", ""));
        } catch (InvalidPathException e) {
            throw new UsageException(command, "--report: not a valid path: " + e.getMessage());
        }
        String problem = problem(dir);
        if (problem != null) {
            throw new UsageException(command, "--report " + dir + ": " + problem);
        }
        return dir;
    }

    private static String problem(Path dir) {
        if (dir.toString().isEmpty()) {
            return "needs a directory";
        }
        Path absolute = dir.toAbsolutePath().normalize();
        if (Files.exists(absolute)) {
            if (!Files.isDirectory(absolute)) {
                return "exists and is not a directory";
            }
            if (!Files.isWritable(absolute)) {
                return "the directory is not writable";
            }
            for (String name : List.of(ReportFiles.HTML, ReportFiles.LOSS, ReportFiles.CONFUSION)) {
                if (Files.isDirectory(absolute.resolve(name))) {
                    return name + " in it is a directory";
                }
            }
            return null;
        }
        Path parent = absolute.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            return "its parent directory " + parent + " does not exist";
        }
        if (!Files.isWritable(parent)) {
            return "its parent directory " + parent + " is not writable";
        }
        return null;
    }

    /** The report of a training run: its curves, the evaluation of the trained network, the run's metrics. */
    static void writeTrain(Path dir, Map<String, Object> metrics, LearningCurves measured, Evaluation evaluation,
                           PrintStream out) throws IOException {
        Curves curves = measured != null
                ? Curves.minibatch((double[]) metrics.get("losses"), (double[]) metrics.get("validation_accuracy"), measured,
                        (Integer) metrics.get("best_epoch"))
                : Curves.fullBatch((double[]) metrics.get("losses"));
        Map<String, String> timings = new LinkedHashMap<>();
        if (metrics.get("seconds_per_epoch") instanceof double[] seconds && seconds.length > 0) {
            double total = 0;
            for (double s : seconds) {
                total += s;
            }
            timings.put("training", seconds(total));
            timings.put("first epoch (with JIT compilation)", seconds(seconds[0]));
            timings.put("median epoch", seconds((Double) metrics.get("median_seconds_per_epoch")));
        }
        timings.put("evaluation of the test set", seconds(evaluation.seconds()));
        sinceStart(timings);
        String heading = metrics.get("model") + " " + metrics.get("architecture") + ", trained on " + metrics.get("data")
                + " (" + metrics.get("backend") + " backend, " + metrics.get("threads") + " threads)";
        write(dir, new ReportData("mnist train", heading, metrics, curves, null, evaluation, timings,
                ReportData.thisMachine(), Version.get(), Instant.now()), out);
    }

    /** The report of a saved model's evaluation: no training section. */
    static void writeEvaluate(Path dir, Path modelFile, Map<String, Object> configuration, Network network,
                              Evaluation evaluation, PrintStream out) throws IOException {
        Map<String, String> timings = new LinkedHashMap<>();
        timings.put("evaluation of the test set", seconds(evaluation.seconds()));
        sinceStart(timings);
        String heading = "the model in " + modelFile + " (" + network.describe() + "), on " + configuration.get("data");
        write(dir, new ReportData("mnist evaluate", heading, configuration, null,
                "No training in this run: mnist evaluate scores a model saved earlier. The facts stored in the model "
                        + "file (its training run's accuracy, data and date) are listed under The run.",
                evaluation, timings, ReportData.thisMachine(), Version.get(), Instant.now()), out);
    }

    private static void sinceStart(Map<String, String> timings) {
        ProcessHandle.current().info().startInstant().ifPresent(start ->
                timings.put("since the JVM started", seconds(Duration.between(start, Instant.now()).toMillis() / 1000.0)));
    }

    private static String seconds(double s) {
        return String.format(Locale.ROOT, s < 10 ? "%.2f s" : "%.1f s", s);
    }

    /** Renders all files in memory, then writes each atomically, report.html last. */
    private static void write(Path dir, ReportData data, PrintStream out) throws IOException {
        Map<String, byte[]> files = ReportFiles.render(data);
        Files.createDirectories(dir);
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            AtomicFile.write(dir.resolve(file.getKey()), file.getValue());
        }
        if (!files.containsKey(ReportFiles.LOSS)) {
            // a loss chart left by an earlier training report would not belong to this one
            Files.deleteIfExists(dir.resolve(ReportFiles.LOSS));
        }
        out.println("Report written to " + dir.resolve(ReportFiles.HTML));
    }
}
