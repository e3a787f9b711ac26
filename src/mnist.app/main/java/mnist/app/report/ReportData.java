package mnist.app.report;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything one report shows. {@code curves} is null when there was no training ({@code mnist
 * evaluate}); {@code configuration} is the run's flags and metrics (arrays are shown as charts, not
 * listed); {@code timings} are already formatted.
 */
public record ReportData(String command, String heading, Map<String, Object> configuration, Curves curves,
                         String noTrainingNote, Evaluation evaluation, Map<String, String> timings,
                         Map<String, String> machine, String version, Instant generated) {

    public ReportData {
        configuration = new LinkedHashMap<>(configuration);
        timings = new LinkedHashMap<>(timings);
        machine = new LinkedHashMap<>(machine);
    }

    /** The facts of the machine this runs on. */
    public static Map<String, String> thisMachine() {
        return Machine.describe();
    }
}
