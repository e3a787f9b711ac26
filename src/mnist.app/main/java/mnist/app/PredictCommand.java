package mnist.app;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import mnist.data.DatasetException;
import mnist.data.LabeledImages;
import mnist.data.Mnist;
import mnist.data.image.DigitImages;
import mnist.math.Backend;
import mnist.model.Classifier;
import mnist.model.Prediction;
import mnist.model.internal.Classifiers;
import mnist.model.internal.SavedModel;

/** {@code mnist predict}: a saved model's answer for the user's own images, or for test-set digits. */
final class PredictCommand {
    private static final String NAME = "mnist predict";
    private static final String HELP = """
            Usage: mnist predict --model FILE [options] [IMAGE...]

            Classifies images with a saved model and prints, for each, the predicted class and the
            probability of every class. IMAGE is a PNG (gray, colour, palette, with or without alpha,
            interlaced or not) or PGM (P2, P5) file of any size holding one digit, dark on light or light
            on dark. It is prepared as MNIST's digits were: the ink cropped, scaled to fit 20x20
            keeping its aspect ratio, and centred by its centre of mass in 28x28.

            Options:
              --model FILE       the model file, from 'mnist train --save FILE'             (required)
              --index N          also classify test-set image N (with its label)
              --data DIR         the data set --index reads                                 [bundled MNIST]
              --show             draw the 28x28 image the model saw
              --json             print JSON instead of text
              --backend NAME     simd (Vector API) or scalar  [simd where it pays]
              --help             show this help
            """;

    private static final Set<String> VALUED = Set.of("model", "index", "data", "backend");
    private static final Set<String> SWITCHES = Set.of("help", "show", "json");

    private final PrintStream out;

    PredictCommand(PrintStream out) {
        this.out = out;
    }

    int run(String[] args) throws UsageException, IOException {
        List<String> flags = new ArrayList<>();
        List<String> inputs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--")) {
                inputs.addAll(List.of(args).subList(i + 1, args.length));
                break;
            }
            if (arg.startsWith("--") && arg.length() > 2) {
                flags.add(arg);
                if (VALUED.contains(arg.substring(2)) && i + 1 < args.length) {
                    flags.add(args[++i]);
                }
            } else {
                inputs.add(arg);
            }
        }
        Options options = Options.parse(NAME, flags.toArray(String[]::new), VALUED, SWITCHES);
        if (options.flag("help")) {
            out.print(HELP);
            return Main.OK;
        }
        Path file = ModelOption.path(options, NAME);
        if (inputs.isEmpty() && !options.has("index")) {
            throw new UsageException(NAME, "nothing to classify: give image files, or --index N for a test digit");
        }
        if (options.has("data") && !options.has("index")) {
            throw new UsageException(NAME, "--data applies only with --index");
        }
        Backend backend = BackendOption.parse(options, System.err);   // not out: it may be JSON
        int index = options.integer("index", 0, 0, Integer.MAX_VALUE); // checked before the model is read
        boolean json = options.flag("json");
        boolean show = options.flag("show");
        List<Path> images = new ArrayList<>();
        for (String input : inputs) {
            try {
                images.add(Path.of(input));
            } catch (InvalidPathException e) {
                throw new UsageException(NAME, "not a valid path: " + e.getMessage());
            }
        }
        SavedModel model = ModelOption.load(file);
        Classifier classifier = Classifiers.of(model, backend);

        List<Map<String, Object>> results = new ArrayList<>();
        if (!json) {
            out.println(ModelOption.describe(file, model));
        }
        if (options.has("index")) {
            Mnist data = DataOption.loadTest(options, json ? new PrintStream(OutputStream.nullOutputStream()) : out);
            LabeledImages test = data.test();
            if (index >= test.size()) {
                throw new UsageException(NAME, "--index must be below " + test.size() + ", the size of the test set");
            }
            if (test.features() != classifier.inputSize()) {
                throw new UsageException(NAME, "the model takes " + classifier.rows() + "x" + classifier.cols()
                        + " images, but " + data.source() + " has " + test.rows() + "x" + test.cols());
            }
            float[] pixels = test.image(index);
            Prediction p = classifier.predict(pixels);
            int label = test.label(index);
            String actual = model.isBinary() ? model.classNames().get(label == model.digit() ? 1 : 0) : model.classNames().get(label);
            report(results, "test image " + index, pixels, p, classifier, show, json, actual);
        }
        // A bad image does not stop the others: each gets its answer or its error, and the exit code says
        // whether all could be read.
        List<DatasetException> failures = new ArrayList<>();
        for (Path image : images) {
            float[] pixels;
            try {
                pixels = classifier.prepareImage(image);
            } catch (DatasetException e) {
                failures.add(e);
                if (json) {
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("input", image.toString());
                    r.put("error", e.problem());
                    results.add(r);
                } else {
                    out.println();
                    out.println(image + ": cannot classify: " + e.problem());
                }
                continue;
            }
            report(results, image.toString(), pixels, classifier.predict(pixels), classifier, show, json, null);
        }
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("model", file.toString());
            doc.put("architecture", model.network().describe());
            doc.put("classes", model.classNames());
            doc.put("predictions", results);
            out.print(Json.write(doc));
        }
        if (!failures.isEmpty()) {
            DatasetException first = failures.getFirst();
            throw new DatasetException(first.file(), first.problem()
                    + (failures.size() > 1 ? " (and " + (failures.size() - 1) + " more images could not be read)" : ""));
        }
        return Main.OK;
    }

    private void report(List<Map<String, Object>> results, String input, float[] pixels, Prediction p,
                        Classifier classifier, boolean show, boolean json, String actual) {
        List<String> names = classifier.classNames();
        if (json) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("input", input);
            r.put("predicted", p.className());
            r.put("class_index", p.label());
            r.put("confidence", (double) p.confidence());
            if (actual != null) {
                r.put("actual", actual);
            }
            double[] probabilities = new double[names.size()];
            for (int c = 0; c < probabilities.length; c++) {
                probabilities[c] = p.probability(c);
            }
            r.put("probabilities", probabilities);
            if (show) {
                double[] seen = new double[pixels.length];
                for (int i = 0; i < seen.length; i++) {
                    seen[i] = pixels[i];
                }
                r.put("input28", seen); // the name mnist serve's API uses for the same pixels
            }
            results.add(r);
            return;
        }
        out.println();
        if (show) {
            out.print(DigitArt.render(pixels, 0, classifier.rows(), classifier.cols(), out.charset()));
        }
        out.printf(Locale.ROOT, "%s: %s (probability %.4f)%s%n", input, p.className(), p.confidence(),
                actual == null ? "" : ", actual " + actual);
        StringBuilder line = new StringBuilder(" ");
        for (int c = 0; c < names.size(); c++) {
            line.append(String.format(Locale.ROOT, " %s: %.4f", names.get(c), p.probability(c)));
        }
        out.println(line);
    }
}
