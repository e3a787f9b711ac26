package mnist.app.report;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import mnist.model.ClassificationReport;
import mnist.model.ConfusionMatrix;

/**
 * The report as one self-contained HTML file: inline CSS, inline SVG charts, the digits as PNG data
 * URIs; no script, no font or anything else fetched. It is also well-formed XML (XHTML syntax), so
 * that tests can read it with an XML parser.
 */
final class HtmlReport {
    private static final String CSS = """
            :root { color-scheme: light; }
            * { box-sizing: border-box; }
            body { margin: 0; background: #f4f5f7; color: #222; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
            main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 48px; }
            h1 { font-size: 26px; margin: 0 0 2px; }
            h2 { font-size: 19px; margin: 0 0 12px; }
            h3 { font-size: 15px; margin: 0 0 6px; color: #444; }
            .subtitle { color: #555; margin: 0 0 18px; }
            section { background: #fff; border: 1px solid #dde0e4; border-radius: 8px; padding: 18px 22px; margin: 0 0 18px; }
            .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 12px; margin: 0 0 18px; }
            .card { background: #fff; border: 1px solid #dde0e4; border-radius: 8px; padding: 12px 16px; }
            .card .value { font-size: 24px; font-weight: 650; }
            .card .label { color: #666; font-size: 13px; }
            .charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 16px; }
            svg.chart { width: 100%; height: auto; display: block; }
            svg.heat-map { margin: 0 auto; }
            .note { color: #555; font-size: 13px; margin: 8px 0 0; }
            table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
            th, td { padding: 4px 12px; text-align: right; border-bottom: 1px solid #eceef0; }
            th:first-child, td:first-child { text-align: left; }
            thead th { border-bottom: 2px solid #ccc; }
            tr.summary td { border-top: 2px solid #ccc; }
            table.facts td { text-align: left; vertical-align: top; }
            table.facts td:first-child { color: #555; white-space: nowrap; }
            table.facts td:last-child { overflow-wrap: anywhere; }
            .side { display: grid; grid-template-columns: minmax(0, 1fr) auto; gap: 22px; align-items: start; }
            .gallery { display: grid; grid-template-columns: repeat(auto-fill, minmax(96px, 1fr)); gap: 10px; }
            figure.digit { margin: 0; text-align: center; font-size: 13px; }
            figure.digit img { width: 56px; height: 56px; image-rendering: crisp-edges; image-rendering: pixelated; border: 1px solid #ccd; background: #fff; }
            figure.digit figcaption { line-height: 1.25; }
            .filters, .maps { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin: 8px 0; }
            img.filter { width: 40px; height: 40px; image-rendering: pixelated; border: 1px solid #ccd; }
            img.map { width: 48px; height: 48px; image-rendering: pixelated; border: 1px solid #ccd; }
            .wrong { color: #c0392b; font-weight: 650; }
            .confidence { color: #666; font-size: 12px; }
            .two { display: grid; grid-template-columns: repeat(auto-fit, minmax(380px, 1fr)); gap: 22px; }
            #classification-report td:first-child { white-space: nowrap; }
            footer { color: #777; font-size: 12px; text-align: center; }
            @media (max-width: 760px) { .side { grid-template-columns: 1fr; } .charts { grid-template-columns: 1fr; } }
            """;

    private HtmlReport() {
    }

    static String render(ReportData data, boolean lossPng) {
        Evaluation e = data.evaluation();
        ConfusionMatrix matrix = e.matrix();
        List<String> names = matrix.classNames();
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n")
                .append("<title>").append(esc(data.command() + " report: " + data.heading())).append("</title>\n")
                .append("<style>\n").append(CSS).append("</style>\n</head>\n<body>\n<main>\n");
        h.append("<h1>").append(esc(data.command())).append(" report</h1>\n");
        h.append("<p class=\"subtitle\">").append(esc(data.heading())).append("</p>\n");

        // summary cards
        h.append("<div class=\"cards\">\n");
        card(h, "test-accuracy", String.format(Locale.ROOT, "%.2f%%", 100 * matrix.accuracy()), "test accuracy");
        card(h, "errors", String.format(Locale.ROOT, "%,d", e.mistakes()), String.format(Locale.ROOT, "misclassified of %,d test images", matrix.total()));
        if (data.curves() != null) {
            int epochs = data.curves().epochs();
            card(h, "epochs", Integer.toString(epochs), data.curves().bestEpoch() > 0 ? "epochs; kept epoch " + data.curves().bestEpoch() : "epochs");
        }
        String training = data.timings().get("training");
        if (training != null) {
            card(h, "training-time", training, "training time");
        }
        h.append("</div>\n");

        // training
        h.append("<section id=\"training\">\n<h2>Training</h2>\n");
        Curves curves = data.curves();
        if (curves == null) {
            h.append("<p class=\"no-training\">").append(esc(data.noTrainingNote())).append("</p>\n");
        } else {
            h.append("<div class=\"charts\">\n");
            if (!curves.loss().isEmpty()) {
                h.append("<figure style=\"margin: 0\">\n<h3>Loss per epoch</h3>\n")
                        .append(Svg.lineChart("loss-chart", "loss", curves.loss(), Svg.lossAxis(curves.loss()), curves.bestEpoch()))
                        .append("</figure>\n");
            }
            if (!curves.accuracy().isEmpty()) {
                h.append("<figure style=\"margin: 0\">\n<h3>Accuracy per epoch</h3>\n")
                        .append(Svg.lineChart("accuracy-chart", "accuracy", curves.accuracy(), Svg.accuracyAxis(curves.accuracy()),
                                curves.bestEpoch()))
                        .append("</figure>\n");
            }
            h.append("</div>\n<p class=\"note\">").append(esc(curves.note()));
            if (curves.accuracy().isEmpty()) {
                h.append(" No accuracy per epoch: the lecture's training loop measures the loss only.");
            }
            h.append("</p>\n");
        }
        h.append("</section>\n");

        // confusion matrix
        h.append("<section id=\"confusion\">\n<h2>Confusion matrix on the test set</h2>\n")
                .append(Svg.heatMap(matrix))
                .append("<p class=\"note\">Rows: the actual class; columns: the class predicted. The colour scale is logarithmic, so that ")
                .append("a handful of errors stands out against the diagonal; zero cells are left white.</p>\n</section>\n");

        // per class
        ClassificationReport report = e.report();
        h.append("<section id=\"per-class\">\n<h2>Precision and recall per class</h2>\n<div class=\"side\">\n<div>")
                .append(Svg.precisionRecall(report, names)).append("</div>\n<div>\n");
        h.append("<table id=\"classification-report\">\n<thead><tr><th>class</th><th>precision</th><th>recall</th><th>f1</th><th>support</th></tr></thead>\n<tbody>\n");
        for (int c = 0; c < names.size(); c++) {
            scoresRow(h, names.get(c), report.scores(c), "");
        }
        h.append("<tr class=\"summary\"><td>accuracy</td><td></td><td></td><td>").append(f4(report.accuracy()))
                .append("</td><td>").append(matrix.total()).append("</td></tr>\n");
        scoresRow(h, "macro avg", report.macroAverage(), "");
        scoresRow(h, "weighted avg", report.weightedAverage(), "");
        h.append("</tbody>\n</table>\n</div>\n</div>\n</section>\n");

        // misclassified digits
        h.append("<section id=\"misclassified\">\n<h2>Misclassified test digits</h2>\n<p class=\"note\">");
        if (e.mistakes() == 0) {
            h.append("None: every test image was classified correctly.");
        } else {
            h.append(e.shown().size() < e.mistakes()
                            ? String.format(Locale.ROOT, "The %d most confident of the %,d mistakes", e.shown().size(), e.mistakes())
                            : String.format(Locale.ROOT, "All %,d mistake%s", e.mistakes(), e.mistakes() == 1 ? "" : "s"))
                    .append(", most confident first: the actual class, then (in red) the class predicted and the probability ")
                    .append("the model gave it. Hover for the test index and the probability of the actual class.");
        }
        h.append("</p>\n<div class=\"gallery\">\n");
        for (Evaluation.Mistake m : e.shown()) {
            h.append("<figure class=\"digit\" data-index=\"").append(m.index()).append("\" data-actual=\"").append(m.actual())
                    .append("\" data-predicted=\"").append(m.predicted()).append("\" title=\"")
                    .append(esc(String.format(Locale.ROOT, "test image %d: actual %s, predicted %s with probability %.4f; "
                                    + "probability of %s: %.4f", m.index(), names.get(m.actual()), names.get(m.predicted()),
                            m.confidence(), names.get(m.actual()), m.actualProbability())))
                    .append("\"><img alt=\"test image ").append(m.index()).append("\" src=\"data:image/png;base64,")
                    .append(Base64.getEncoder().encodeToString(digitPng(m.pixels(), e.rows(), e.cols()))).append("\"/>")
                    .append("<figcaption>").append(esc(names.get(m.actual()))).append(" \u2192 <span class=\"wrong\">")
                    .append(esc(names.get(m.predicted()))).append("</span><br/><span class=\"confidence\">")
                    .append(esc(percent(m.confidence()))).append("</span></figcaption></figure>\n");
        }
        h.append("</div>\n</section>\n");

        // what a convolutional network's first layer learned
        Features f = e.features();
        if (f != null) {
            h.append("<section id=\"features\">\n<h2>What the first convolution learned</h2>\n<p class=\"note\">")
                    .append(String.format(Locale.ROOT, "Its %d filters of %dx%d (white: negative, mid grey: zero, dark: positive ",
                            f.filters().size(), f.kernel(), f.kernel()))
                    .append("weights, one scale for all), then, for the first test digits, its feature maps: the layer's ")
                    .append("output after the activation, one map per filter (dark: strong).</p>\n<div class=\"filters\">\n");
            for (int i = 0; i < f.filters().size(); i++) {
                h.append("<img class=\"filter\" alt=\"filter ").append(i).append("\" title=\"filter ").append(i)
                        .append("\" src=\"data:image/png;base64,").append(Base64.getEncoder().encodeToString(
                                digitPng(f.filters().get(i), f.kernel(), f.kernel()))).append("\"/>\n");
            }
            h.append("</div>\n");
            for (Features.Digit d : f.digits()) {
                h.append("<div class=\"maps\" data-index=\"").append(d.index()).append("\"><figure class=\"digit\"><img alt=\"test image ")
                        .append(d.index()).append("\" src=\"data:image/png;base64,")
                        .append(Base64.getEncoder().encodeToString(digitPng(d.pixels(), e.rows(), e.cols())))
                        .append("\"/><figcaption>test image ").append(d.index()).append(" (").append(esc(names.size() > d.label()
                                ? names.get(d.label()) : Integer.toString(d.label()))).append(")</figcaption></figure>\n");
                for (int c = 0; c < d.maps().size(); c++) {
                    h.append("<img class=\"map\" alt=\"map ").append(c).append("\" title=\"filter ").append(c)
                            .append("\" src=\"data:image/png;base64,").append(Base64.getEncoder().encodeToString(
                                    digitPng(d.maps().get(c), f.mapRows(), f.mapCols()))).append("\"/>\n");
                }
                h.append("</div>\n");
            }
            h.append("</section>\n");
        }

        // the run
        h.append("<section id=\"run\">\n<h2>The run</h2>\n<div class=\"two\">\n<div>\n<h3>Configuration</h3>\n");
        facts(h, "configuration", configuration(data.configuration()));
        h.append("</div>\n<div>\n<h3>Machine</h3>\n");
        facts(h, "machine", data.machine());
        h.append("<h3 style=\"margin-top: 18px\">Timings</h3>\n");
        facts(h, "timings", data.timings());
        h.append("</div>\n</div>\n</section>\n");

        h.append("<footer>mnist ").append(esc(data.version())).append(" \u00b7 ")
                .append(esc(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").format(data.generated().atOffset(ZoneOffset.UTC))))
                .append(" \u00b7 beside this file: ").append(lossPng ? "loss.png, " : "").append("confusion.png")
                .append(" \u00b7 one self-contained file: no scripts, nothing fetched</footer>\n");
        h.append("</main>\n</body>\n</html>\n");
        return h.toString();
    }

    private static void card(StringBuilder h, String id, String value, String label) {
        h.append("<div class=\"card\" id=\"").append(id).append("\"><div class=\"value\">").append(esc(value))
                .append("</div><div class=\"label\">").append(esc(label)).append("</div></div>\n");
    }

    private static void scoresRow(StringBuilder h, String name, ClassificationReport.Scores s, String cls) {
        h.append("<tr").append(cls.isEmpty() ? "" : " class=\"" + cls + "\"").append("><td>").append(esc(name)).append("</td><td>")
                .append(f4(s.precision())).append("</td><td>").append(f4(s.recall())).append("</td><td>").append(f4(s.f1()))
                .append("</td><td>").append(s.support()).append("</td></tr>\n");
    }

    private static void facts(StringBuilder h, String id, Map<String, String> facts) {
        h.append("<table class=\"facts\" id=\"").append(id).append("\">\n");
        facts.forEach((k, v) -> h.append("<tr><td>").append(esc(k)).append("</td><td>").append(esc(v)).append("</td></tr>\n"));
        h.append("</table>\n");
    }

    /** The flags and scalar metrics, as text; the per-epoch arrays and the matrix are charted instead. */
    static Map<String, String> configuration(Map<String, Object> configuration) {
        Map<String, String> shown = new java.util.LinkedHashMap<>();
        configuration.forEach((k, v) -> {
            String text = switch (v) {
                case null -> "none";
                case double[] ignored -> null;
                case long[] ignored -> null;
                case List<?> list when !list.isEmpty() && list.getFirst() instanceof long[] -> null;
                case List<?> list -> String.join(", ", list.stream().map(String::valueOf).toList());
                case Double d -> d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString(d.longValue())
                        : String.format(Locale.ROOT, "%.6g", d).replaceAll("(\\.\\d*?)0+(e|$)", "$1$2").replace(".e", "e")
                                .replaceAll("\\.$", "");
                default -> String.valueOf(v);
            };
            if (text != null) {
                shown.put(k.replace('_', ' '), text);
            }
        });
        return shown;
    }

    /** A probability as a percentage with one decimal; never rounded up to 100% unless it is 1. */
    static String percent(double p) {
        return p < 1 && p >= 0.9995 ? ">99.9%" : String.format(Locale.ROOT, "%.1f%%", 100 * p);
    }

    private static String f4(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    private static String esc(String s) {
        return Html.escape(s);
    }

    /** A digit as a grayscale PNG, dark ink on white (MNIST stores white ink on black). */
    static byte[] digitPng(float[] pixels, int rows, int cols) {
        byte[] gray = new byte[rows * cols];
        for (int i = 0; i < gray.length; i++) {
            gray[i] = (byte) (255 - Math.round(Math.clamp(pixels[i], 0f, 1f) * 255));
        }
        return PngWriter.encode(cols, rows, 1, gray);
    }
}
