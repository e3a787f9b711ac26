package mnist.model;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

/**
 * Precision, recall, f1 and support per class, with accuracy and macro and weighted averages, laid out
 * like scikit-learn's {@code classification_report}. As there, a ratio whose denominator is zero
 * (a class never predicted, or never present) counts as 0.
 */
public final class ClassificationReport {

    /** The scores of one class, or of one average (whose support is the number of samples). */
    public record Scores(double precision, double recall, double f1, long support) {
    }

    private final ConfusionMatrix matrix;
    private final Scores[] perClass;
    private final Scores macroAverage;
    private final Scores weightedAverage;

    public ClassificationReport(ConfusionMatrix matrix) {
        this.matrix = matrix;
        int classes = matrix.classCount();
        perClass = new Scores[classes];
        long total = matrix.total();
        double[] macro = new double[3];
        double[] weighted = new double[3];
        for (int c = 0; c < classes; c++) {
            long truePositives = matrix.count(c, c);
            long support = matrix.support(c);
            double precision = ratio(truePositives, matrix.predictedCount(c));
            double recall = ratio(truePositives, support);
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            perClass[c] = new Scores(precision, recall, f1, support);
            double[] scores = {precision, recall, f1};
            for (int s = 0; s < 3; s++) {
                macro[s] += scores[s] / classes;
                weighted[s] += total == 0 ? 0 : scores[s] * support / total;
            }
        }
        macroAverage = new Scores(macro[0], macro[1], macro[2], total);
        weightedAverage = new Scores(weighted[0], weighted[1], weighted[2], total);
    }

    private static double ratio(long numerator, long denominator) {
        return denominator == 0 ? 0 : (double) numerator / denominator;
    }

    public Scores scores(int c) {
        return perClass[c];
    }

    public Scores macroAverage() {
        return macroAverage;
    }

    public Scores weightedAverage() {
        return weightedAverage;
    }

    public double accuracy() {
        return matrix.accuracy();
    }

    /** The report as scikit-learn prints it with {@code digits} decimals (it uses 2 by default). */
    public String format(int digits) {
        List<String> names = matrix.classNames();
        int width = "weighted avg".length();
        for (String name : names) {
            width = Math.max(width, name.length());
        }
        width = Math.max(width, digits);
        StringBuilder out = new StringBuilder();
        out.append(" ".repeat(width)).append(' ');
        for (String header : new String[] {"precision", "recall", "f1-score", "support"}) {
            out.append(' ').append(right(header, 9));
        }
        out.append("\n\n");
        for (int c = 0; c < perClass.length; c++) {
            row(out, names.get(c), perClass[c], width, digits);
        }
        out.append('\n');
        out.append(right("accuracy", width)).append(' ')
                .append(' ').append(right("", 9))
                .append(' ').append(right("", 9))
                .append(' ').append(right(fixed(accuracy(), digits), 9))
                .append(' ').append(right(Long.toString(matrix.total()), 9)).append('\n');
        row(out, "macro avg", macroAverage, width, digits);
        row(out, "weighted avg", weightedAverage, width, digits);
        return out.toString();
    }

    private static void row(StringBuilder out, String name, Scores s, int width, int digits) {
        out.append(right(name, width)).append(' ')
                .append(' ').append(right(fixed(s.precision(), digits), 9))
                .append(' ').append(right(fixed(s.recall(), digits), 9))
                .append(' ').append(right(fixed(s.f1(), digits), 9))
                .append(' ').append(right(Long.toString(s.support()), 9)).append('\n');
    }

    /**
     * Rounds like Python's format: the exact binary value of the double, half to even. (Java's
     * {@code String.format} rounds half up from the shortest decimal, which differs on values such as 0.125.)
     */
    static String fixed(double value, int digits) {
        return new BigDecimal(value).setScale(digits, RoundingMode.HALF_EVEN).toPlainString();
    }

    private static String right(String s, int width) {
        return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
    }
}
