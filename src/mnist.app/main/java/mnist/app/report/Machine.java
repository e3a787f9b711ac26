package mnist.app.report;

import java.util.LinkedHashMap;
import java.util.Map;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** The machine a report was made on: what makes its timings comparable, or not, with another's. */
final class Machine {
    private Machine() {
    }

    static Map<String, String> describe() {
        Runtime runtime = Runtime.getRuntime();
        VectorSpecies<Float> species = FloatVector.SPECIES_PREFERRED;
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("cores", Integer.toString(runtime.availableProcessors()));
        facts.put("operating system", System.getProperty("os.name") + " " + System.getProperty("os.version")
                + " (" + System.getProperty("os.arch") + ")");
        facts.put("Java", Runtime.version() + " (" + System.getProperty("java.vm.name") + ", "
                + System.getProperty("java.vendor") + ")");
        facts.put("vector species", species.vectorBitSize() + " bits, " + species.length() + " float lanes");
        facts.put("maximum heap", String.format("%,d MiB", runtime.maxMemory() >> 20));
        return facts;
    }
}
