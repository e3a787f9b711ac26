package mnist.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ClassificationReportTest {

    /** The example of scikit-learn's documentation for classification_report, and what it prints. */
    @Test
    void formatsLikeScikitLearn() {
        int[] actual = {0, 1, 2, 2, 2};
        int[] predicted = {0, 0, 2, 2, 1};
        ConfusionMatrix matrix = ConfusionMatrix.of(actual, predicted, List.of("class 0", "class 1", "class 2"));
        String expected = """
                              precision    recall  f1-score   support

                     class 0       0.50      1.00      0.67         1
                     class 1       0.00      0.00      0.00         1
                     class 2       1.00      0.67      0.80         3

                    accuracy                           0.60         5
                   macro avg       0.50      0.56      0.49         5
                weighted avg       0.70      0.60      0.61         5
                """;
        assertEquals(expected, new ClassificationReport(matrix).format(2));
    }

    @Test
    void roundsHalfToEvenOnTheExactBinaryValue() {
        // 0.125 is exact in binary: Python prints 0.12; 0.375 prints 0.38; 0.135 is really 0.13500000000000000888.
        assertEquals("0.12", ClassificationReport.fixed(0.125, 2));
        assertEquals("0.38", ClassificationReport.fixed(0.375, 2));
        assertEquals("0.14", ClassificationReport.fixed(0.135, 2));
        assertEquals("1.00", ClassificationReport.fixed(1.0, 2));
    }

    /** Every number of the report against a direct count over the raw label lists, for random predictions. */
    @Test
    void agreesWithAnIndependentComputation() {
        SplittableRandom random = new SplittableRandom(7);
        for (int trial = 0; trial < 50; trial++) {
            int classes = 2 + random.nextInt(9);
            int n = 1 + random.nextInt(300);
            int[] actual = new int[n];
            int[] predicted = new int[n];
            for (int i = 0; i < n; i++) {
                actual[i] = random.nextInt(classes);
                // mostly right, sometimes a class is never predicted at all
                predicted[i] = random.nextInt(4) == 0 ? random.nextInt(Math.max(1, classes - 1)) : actual[i];
            }
            List<String> names = new ArrayList<>();
            for (int c = 0; c < classes; c++) {
                names.add("c" + c);
            }
            ConfusionMatrix matrix = ConfusionMatrix.of(actual, predicted, names);
            ClassificationReport report = new ClassificationReport(matrix);

            int correct = 0;
            for (int i = 0; i < n; i++) {
                correct += actual[i] == predicted[i] ? 1 : 0;
            }
            assertEquals((double) correct / n, report.accuracy(), 1e-15, "accuracy");
            double[] macro = new double[3];
            double[] weighted = new double[3];
            for (int c = 0; c < classes; c++) {
                int tp = 0, fp = 0, fn = 0;
                for (int i = 0; i < n; i++) {
                    if (predicted[i] == c && actual[i] == c) {
                        tp++;
                    } else if (predicted[i] == c) {
                        fp++;
                    } else if (actual[i] == c) {
                        fn++;
                    }
                }
                double precision = tp + fp == 0 ? 0 : tp / (double) (tp + fp);
                double recall = tp + fn == 0 ? 0 : tp / (double) (tp + fn);
                // f1 as 2tp / (2tp + fp + fn): equal to the harmonic mean, computed another way
                double f1 = tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
                ClassificationReport.Scores s = report.scores(c);
                assertEquals(precision, s.precision(), 1e-12, "precision of class " + c);
                assertEquals(recall, s.recall(), 1e-12, "recall of class " + c);
                assertEquals(f1, s.f1(), 1e-12, "f1 of class " + c);
                assertEquals(tp + fn, s.support(), "support of class " + c);
                assertEquals(tp + fn, matrix.support(c));
                assertEquals(tp + fp, matrix.predictedCount(c));
                double[] v = {precision, recall, f1};
                for (int k = 0; k < 3; k++) {
                    macro[k] += v[k];
                    weighted[k] += v[k] * (tp + fn);
                }
            }
            double[] macroReport = {report.macroAverage().precision(), report.macroAverage().recall(), report.macroAverage().f1()};
            double[] weightedReport = {report.weightedAverage().precision(), report.weightedAverage().recall(), report.weightedAverage().f1()};
            for (int k = 0; k < 3; k++) {
                assertEquals(macro[k] / classes, macroReport[k], 1e-12, "macro average " + k);
                assertEquals(weighted[k] / n, weightedReport[k], 1e-12, "weighted average " + k);
            }
            assertEquals(n, report.macroAverage().support());
        }
    }

    @Test
    void confusionMatrixHasActualClassesInRows() {
        ConfusionMatrix m = ConfusionMatrix.of(new int[] {0, 0, 1, 1, 1}, new int[] {0, 1, 1, 1, 0}, List.of("not 0", "0"));
        assertEquals(1, m.count(0, 0));
        assertEquals(1, m.count(0, 1)); // an actual "not 0" predicted as "0"
        assertEquals(1, m.count(1, 0));
        assertEquals(2, m.count(1, 1));
        assertEquals(0.6, m.accuracy(), 1e-15);
        assertEquals("""
                actual \\ predicted  not 0      0
                             not 0      1      1
                                 0      1      2
                """, m.format());
    }
}
