package mnist.model;

import java.util.List;

/**
 * Counts of (actual, predicted) class pairs: rows are the actual classes, columns the predicted ones,
 * as the lecture defines it in words (and as scikit-learn's {@code confusion_matrix(y_true, y_pred)}).
 */
public final class ConfusionMatrix {
    private final List<String> classNames;
    private final long[][] counts;

    private ConfusionMatrix(List<String> classNames, long[][] counts) {
        this.classNames = classNames;
        this.counts = counts;
    }

    /** Tallies the pairs {@code (actual[i], predicted[i])}; every value must be a class index. */
    public static ConfusionMatrix of(int[] actual, int[] predicted, List<String> classNames) {
        if (actual.length != predicted.length) {
            throw new IllegalArgumentException(actual.length + " labels but " + predicted.length + " predictions");
        }
        int classes = classNames.size();
        long[][] counts = new long[classes][classes];
        for (int i = 0; i < actual.length; i++) {
            if (actual[i] < 0 || actual[i] >= classes || predicted[i] < 0 || predicted[i] >= classes) {
                throw new IllegalArgumentException("sample " + i + ": class out of range 0.." + (classes - 1)
                        + " (actual " + actual[i] + ", predicted " + predicted[i] + ")");
            }
            counts[actual[i]][predicted[i]]++;
        }
        return new ConfusionMatrix(List.copyOf(classNames), counts);
    }

    public int classCount() {
        return classNames.size();
    }

    public List<String> classNames() {
        return classNames;
    }

    /** How many samples of class {@code actual} were predicted as {@code predicted}. */
    public long count(int actual, int predicted) {
        return counts[actual][predicted];
    }

    /** The matrix as rows (actual) of columns (predicted); a copy. */
    public long[][] rows() {
        long[][] copy = new long[counts.length][];
        for (int r = 0; r < counts.length; r++) {
            copy[r] = counts[r].clone();
        }
        return copy;
    }

    public long total() {
        long total = 0;
        for (long[] row : counts) {
            for (long c : row) {
                total += c;
            }
        }
        return total;
    }

    /** The samples on the diagonal: predicted as what they are. */
    public long correct() {
        long correct = 0;
        for (int c = 0; c < counts.length; c++) {
            correct += counts[c][c];
        }
        return correct;
    }

    /** The fraction of samples predicted correctly; 0 for an empty matrix. */
    public double accuracy() {
        long total = total();
        return total == 0 ? 0 : (double) correct() / total;
    }

    /** Samples whose actual class is c: the row sum, scikit-learn's "support". */
    public long support(int c) {
        long sum = 0;
        for (long n : counts[c]) {
            sum += n;
        }
        return sum;
    }

    /** Samples predicted as class c: the column sum. */
    public long predictedCount(int c) {
        long sum = 0;
        for (long[] row : counts) {
            sum += row[c];
        }
        return sum;
    }

    /** A text table with class names on both axes, actual classes down the side. */
    public String format() {
        int width = 1;
        for (String name : classNames) {
            width = Math.max(width, name.length());
        }
        for (long[] row : counts) {
            for (long c : row) {
                width = Math.max(width, Long.toString(c).length());
            }
        }
        int labelWidth = Math.max("actual \\ predicted".length(), width);
        StringBuilder out = new StringBuilder();
        out.append(pad("actual \\ predicted", labelWidth, false));
        for (String name : classNames) {
            out.append("  ").append(pad(name, width, true));
        }
        out.append('\n');
        for (int r = 0; r < counts.length; r++) {
            out.append(pad(classNames.get(r), labelWidth, true));
            for (long c : counts[r]) {
                out.append("  ").append(pad(Long.toString(c), width, true));
            }
            out.append('\n');
        }
        return out.toString();
    }

    private static String pad(String s, int width, boolean right) {
        String spaces = " ".repeat(Math.max(0, width - s.length()));
        return right ? spaces + s : s + spaces;
    }
}
