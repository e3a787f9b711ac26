package mnist.app.report;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** A report rendered to the bytes of its files, all in memory before any is written. */
public final class ReportFiles {
    public static final String HTML = "report.html";
    public static final String LOSS = "loss.png";
    public static final String CONFUSION = "confusion.png";

    private ReportFiles() {
    }

    /**
     * The report's files by name, in the order they should be written: the pictures first, report.html
     * (which names them) last. loss.png only when there was training.
     */
    public static Map<String, byte[]> render(ReportData data) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        boolean loss = data.curves() != null && !data.curves().loss().isEmpty();
        if (loss) {
            files.put(LOSS, RasterCharts.loss(data.curves().loss(), data.curves().bestEpoch()).png());
        }
        files.put(CONFUSION, RasterCharts.confusion(data.evaluation().matrix()).png());
        files.put(HTML, HtmlReport.render(data, loss).getBytes(StandardCharsets.UTF_8));
        return files;
    }
}
