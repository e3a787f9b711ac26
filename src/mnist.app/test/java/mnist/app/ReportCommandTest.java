package mnist.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import mnist.app.report.PngCheck;
import mnist.app.report.XmlCheck;
import mnist.data.LabeledImages;
import mnist.data.Mnist;
import mnist.math.Backend;
import mnist.math.internal.Kernels;
import mnist.model.internal.ModelFile;
import mnist.model.internal.Predictor;
import mnist.model.internal.SavedModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --report DIR} of train and evaluate, end to end, in-process. */
class ReportCommandTest {
    @TempDir
    static Path dir;
    static LabeledImages test;

    private static Cli run(String... args) {
        return Cli.run(args);
    }

    @BeforeAll
    static void load() throws IOException {
        test = Mnist.loadBundled().test();
    }

    @Test
    void trainWritesTheReportOfAMinibatchRun() throws IOException {
        Path report = dir.resolve("mlp-report");          // does not exist yet: created at the end
        Path model = dir.resolve("mlp.bin");
        Path metrics = dir.resolve("mlp.json");
        Cli r = run("train", "--epochs", "2", "--hidden", "16", "--validation", "1000", "--save", model.toString(),
                "--metrics-out", metrics.toString(), "--report", report.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Report written to " + report.resolve("report.html")), r.out());
        assertEquals(Set.of("report.html", "loss.png", "confusion.png"), fileNames(report), "no temporary file left");

        String html = Files.readString(report.resolve("report.html"));
        XmlCheck.wellFormed(html);
        assertSelfContained(html);
        assertEquals(4, count(html, "<svg"), "loss, accuracy, confusion matrix, precision and recall");
        String json = Files.readString(metrics);
        String lossChart = element(html, "loss-chart");
        assertPolyline(lossChart, "training", numbers(json, "losses"));
        assertEquals(2, points(lossChart, "validation").length, "validation loss, one point per epoch");
        String accuracyChart = element(html, "accuracy-chart");
        assertPolyline(accuracyChart, "validation", numbers(json, "validation_accuracy"));
        assertEquals(2, points(accuracyChart, "training").length, "training accuracy, one point per epoch");
        assertEquals(confusion(json), cells(html), "heat map cells");

        int[][] mistakes = mistakes(model);
        assertTrue(mistakes.length > 100, "a 2-epoch 784-16-10 net makes more mistakes than the gallery shows");
        assertGallery(html, mistakes, 100);
        assertTrue(html.contains("The 100 most confident of the " + String.format("%,d", mistakes.length) + " mistakes"));

        PngCheck.Image loss = PngCheck.check(Files.readAllBytes(report.resolve("loss.png")));
        assertEquals(List.of(960, 560, 3), List.of(loss.width(), loss.height(), loss.channels()));
        PngCheck.Image confusion = PngCheck.check(Files.readAllBytes(report.resolve("confusion.png")));
        assertEquals(3, confusion.channels());
        System.out.printf("OK, mlp report: %d bytes of HTML, %d of %d mistakes shown, loss.png %dx%d, confusion.png %dx%d%n",
                html.length(), 100, mistakes.length, loss.width(), loss.height(), confusion.width(), confusion.height());
    }

    @Test
    void lectureNetworkAndEvaluateReports() throws IOException {
        Path model = dir.resolve("logistic.bin");
        Path metrics = dir.resolve("logistic.json");
        Path trainReport = dir.resolve("logistic-report");
        Cli r = run("train", "--model", "logistic", "--save", model.toString(), "--metrics-out", metrics.toString(),
                "--report", trainReport.toString());
        assertEquals(0, r.code(), r.err());
        String html = Files.readString(trainReport.resolve("report.html"));
        XmlCheck.wellFormed(html);
        assertEquals(3, count(html, "<svg"), "the loss only (the lecture measures no accuracy per epoch), matrix, bars");
        String json = Files.readString(metrics);
        assertPolyline(element(html, "loss-chart"), "training loss", numbers(json, "losses"));
        assertEquals(confusion(json), cells(html));

        // evaluate into an existing report directory: the old report is replaced, the stale loss chart removed
        Path evaluateReport = dir.resolve("evaluate-report");
        Files.createDirectories(evaluateReport);
        Files.writeString(evaluateReport.resolve("report.html"), "old");
        Files.writeString(evaluateReport.resolve("loss.png"), "stale");
        r = run("evaluate", "--model", model.toString(), "--report", evaluateReport.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(Set.of("report.html", "confusion.png"), fileNames(evaluateReport));
        html = Files.readString(evaluateReport.resolve("report.html"));
        XmlCheck.wellFormed(html);
        assertTrue(html.contains("No training in this run"), "says there was no training");
        assertEquals(2, count(html, "<svg"), "matrix and bars only");
        assertEquals(confusion(json), cells(html), "the same matrix as the training run's");
        int[][] mistakes = mistakes(model);
        assertTrue(mistakes.length > 0 && mistakes.length < 100, "the lecture's single neuron makes 89 mistakes");
        assertGallery(html, mistakes, 100);
        assertTrue(html.contains("All " + mistakes.length + " mistakes"));
        PngCheck.check(Files.readAllBytes(evaluateReport.resolve("confusion.png")));
    }

    @Test
    void aBadReportDirectoryFailsBeforeAnyWork() throws IOException {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        for (String bad : List.of(dir.resolve("no-such-parent").resolve("report").toString(), file.toString(), "")) {
            Cli r = run("train", "--report", bad);
            assertEquals(2, r.code(), bad + ": " + r.err());
            assertTrue(r.err().startsWith("mnist: --report"), r.err());
            assertEquals("", r.out(), "nothing loaded, nothing trained");
            r = run("evaluate", "--model", dir.resolve("no-model.bin").toString(), "--report", bad);
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().startsWith("mnist: --report"), "checked before the model is read: " + r.err());
        }
        assertFalse(Files.exists(dir.resolve("no-such-parent")));
    }

    // ---- reading the report ------------------------------------------------------------------------

    /** No script, nothing fetched: every src/href is a data: URI or a fragment. */
    private static void assertSelfContained(String html) {
        assertFalse(html.contains("<script"), "no script");
        Matcher m = Pattern.compile("(?:src|href)=\"([^\"]*)\"").matcher(html);
        while (m.find()) {
            assertTrue(m.group(1).startsWith("data:") || m.group(1).startsWith("#"), "external reference " + m.group(1));
        }
        assertFalse(html.contains("url(http") || html.contains("@import"), "nothing fetched from CSS");
    }

    /** The SVG element with this id. */
    private static String element(String html, String id) {
        int start = html.indexOf("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"" + id + "\"");
        assertTrue(start >= 0, "chart " + id);
        return html.substring(start, html.indexOf("</svg>", start) + 6);
    }

    private static double[][] points(String svg, String series) {
        Matcher m = Pattern.compile("<polyline class=\"series\" data-series=\"" + Pattern.quote(series) + "\"[^>]* points=\"([^\"]*)\"")
                .matcher(svg);
        assertTrue(m.find(), "a polyline for " + series);
        return Stream.of(m.group(1).split(" ")).map(p -> Stream.of(p.split(",")).mapToDouble(Double::parseDouble).toArray())
                .toArray(double[][]::new);
    }

    /** The polyline's points are the values: x equally spaced, y affine and decreasing in the value. */
    private static void assertPolyline(String svg, String series, double[] values) {
        double[][] p = points(svg, series);
        assertEquals(values.length, p.length, series + ": one point per epoch");
        int last = p.length - 1;
        double dx = (p[last][0] - p[0][0]) / last;
        double slope = (p[last][1] - p[0][1]) / (values[last] - values[0]);
        assertTrue(dx > 0 && slope < 0, series);
        double worst = 0;
        for (int i = 0; i < p.length; i++) {
            assertEquals(p[0][0] + i * dx, p[i][0], 0.011, series + ": x of epoch " + (i + 1));
            double expected = p[0][1] + slope * (values[i] - values[0]);
            assertEquals(expected, p[i][1], 0.011, series + ": y of epoch " + (i + 1) + ", value " + values[i]);
            worst = Math.max(worst, Math.abs(expected - p[i][1]));
        }
        System.out.printf("OK, %s: %d points match the values, max diff %.4f SVG units%n", series, p.length, worst);
    }

    private static List<List<Long>> cells(String html) {
        Map<Integer, Map<Integer, Long>> rows = new java.util.TreeMap<>();
        Matcher m = Pattern.compile("<g class=\"cell\" data-actual=\"(\\d+)\" data-predicted=\"(\\d+)\" data-count=\"(\\d+)\">.*?"
                + "<text [^>]*>(\\d+)</text></g>").matcher(html);
        while (m.find()) {
            assertEquals(m.group(3), m.group(4), "count written in the cell");
            rows.computeIfAbsent(Integer.parseInt(m.group(1)), k -> new java.util.TreeMap<>())
                    .put(Integer.parseInt(m.group(2)), Long.parseLong(m.group(3)));
        }
        return rows.values().stream().map(row -> List.copyOf(row.values())).toList();
    }

    /** The figures of the gallery: exactly the misclassified digits, at most cap of them, most confident first. */
    private static void assertGallery(String html, int[][] mistakes, int cap) {
        Map<Integer, int[]> expected = new LinkedHashMap<>();
        for (int[] m : mistakes) {
            expected.put(m[0], m);
        }
        Matcher m = Pattern.compile("<figure class=\"digit\" data-index=\"(\\d+)\" data-actual=\"(\\d+)\" data-predicted=\"(\\d+)\""
                + "[^>]*><img alt=\"[^\"]*\" src=\"data:image/png;base64,([^\"]+)\"/>.*?</span><br/><span class=\"confidence\">"
                + "(?:&gt;)?([0-9.]+)%</span>").matcher(html);
        Set<Integer> seen = new HashSet<>();
        double previous = 101;
        while (m.find()) {
            int index = Integer.parseInt(m.group(1));
            int[] truth = expected.get(index);
            assertTrue(truth != null, "test image " + index + " is in the gallery but was classified correctly");
            assertEquals(truth[1], Integer.parseInt(m.group(2)), "actual class of test image " + index);
            assertEquals(truth[2], Integer.parseInt(m.group(3)), "predicted class of test image " + index);
            assertTrue(seen.add(index), "test image " + index + " shown twice");
            PngCheck.Image digit = PngCheck.check(java.util.Base64.getDecoder().decode(m.group(4)));
            assertEquals(List.of(28, 28, 1), List.of(digit.width(), digit.height(), digit.channels()));
            double confidence = Double.parseDouble(m.group(5));
            assertTrue(confidence <= previous, "most confident first");
            previous = confidence;
        }
        assertEquals(Math.min(cap, mistakes.length), seen.size(), "digits in the gallery");
    }

    /** (index, actual, predicted) of every test digit the saved model gets wrong, worked out independently. */
    private static int[][] mistakes(Path modelFile) throws IOException {
        SavedModel model = ModelFile.load(modelFile);
        int[] predicted;
        try (Kernels kernels = Kernels.create(Backend.SCALAR, 1)) {
            predicted = Predictor.predict(model.network(), kernels, test.images(), test.size());
        }
        List<int[]> wrong = new ArrayList<>();
        for (int i = 0; i < test.size(); i++) {
            int actual = model.isBinary() ? (test.label(i) == model.digit() ? 1 : 0) : test.label(i);
            if (actual != predicted[i]) {
                wrong.add(new int[] {i, actual, predicted[i]});
            }
        }
        return wrong.toArray(int[][]::new);
    }

    private static double[] numbers(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\": \\[([^\\]]*)\\]").matcher(json);
        assertTrue(m.find(), key + " in the metrics");
        return Stream.of(m.group(1).split(",")).map(String::strip).mapToDouble(Double::parseDouble).toArray();
    }

    private static List<List<Long>> confusion(String json) {
        Matcher block = Pattern.compile("\"confusion_matrix\": \\[(.*?)\\n  \\]", Pattern.DOTALL).matcher(json);
        assertTrue(block.find(), "confusion_matrix in the metrics");
        List<List<Long>> rows = new ArrayList<>();
        Matcher row = Pattern.compile("\\[([^\\[\\]]*)\\]").matcher(block.group(1));
        while (row.find()) {
            rows.add(Stream.of(row.group(1).split(",")).map(String::strip).map(Long::parseLong).toList());
        }
        return rows;
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    private static Set<String> fileNames(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return new HashSet<>(files.map(p -> p.getFileName().toString()).toList());
        }
    }
}
