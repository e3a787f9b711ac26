package mnist.app;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Parsed {@code --name value} (or {@code --name=value}) flags of one command, checked against the
 * flags it accepts. Typed getters turn a bad value into a {@link UsageException} that names the flag.
 */
final class Options {
    private final String command;
    private final Map<String, String> values = new LinkedHashMap<>();
    private final Set<String> switches;

    private Options(String command, Set<String> switches) {
        this.command = command;
        this.switches = switches;
    }

    /**
     * Parses {@code args}. {@code valued} are the flags that take a value, {@code switches} those that
     * do not (such as --help). Positional arguments are refused: no command takes any yet.
     */
    static Options parse(String command, String[] args, Set<String> valued, Set<String> switches) throws UsageException {
        Options options = new Options(command, switches);
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new UsageException(command, "unexpected argument '" + arg + "'");
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (switches.contains(name)) {
                if (value != null) {
                    throw new UsageException(command, "--" + name + " takes no value");
                }
                value = "";
            } else if (valued.contains(name)) {
                if (value == null) {
                    if (i + 1 >= args.length) {
                        throw new UsageException(command, "--" + name + " needs a value");
                    }
                    value = args[++i];
                }
                if (value.isBlank()) { // --data= would otherwise mean the current directory
                    throw new UsageException(command, "--" + name + " needs a value, got an empty one");
                }
            } else {
                throw new UsageException(command, "unknown option --" + name + suggestion(name, valued, switches));
            }
            if (options.values.put(name, value) != null) {
                throw new UsageException(command, "--" + name + " is given twice");
            }
        }
        return options;
    }

    private static String suggestion(String name, Set<String> valued, Set<String> switches) {
        List<String> known = new ArrayList<>(valued);
        known.addAll(switches);
        String best = null;
        int bestDistance = 3;
        for (String candidate : known) {
            int d = editDistance(name, candidate);
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        return best == null ? "" : " (did you mean --" + best + "?)";
    }

    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    /** The flags given, by name, in the order given (a switch has the empty value). */
    Map<String, String> given() {
        return java.util.Collections.unmodifiableMap(values);
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    boolean flag(String name) {
        assert switches.contains(name);
        return values.containsKey(name);
    }

    String string(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    /** An integer flag within [min, max], or fallback when absent. */
    int integer(String name, int fallback, int min, int max) throws UsageException {
        return (int) longInteger(name, fallback, min, max);
    }

    /** A long flag within [min, max], or fallback when absent. */
    long longInteger(String name, long fallback, long min, long max) throws UsageException {
        if (!has(name)) {
            return fallback;
        }
        String text = values.get(name);
        String digits = text.strip();
        // ASCII digits only (Long.parseLong would take Arabic-Indic or full-width ones too)
        if (!digits.matches("[+-]?[0-9]+")) {
            throw new UsageException(command, "--" + name + " must be a whole number, got '" + text + "'");
        }
        long value;
        try {
            value = Long.parseLong(digits);
        } catch (NumberFormatException e) { // more digits than a long holds: out of range either way
            throw new UsageException(command, "--" + name + " must be between " + min + " and " + max + ", got " + digits);
        }
        if (value < min || value > max) {
            throw new UsageException(command, "--" + name + " must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    /** A finite number strictly above 0, or fallback when absent. */
    float positiveNumber(String name, float fallback) throws UsageException {
        if (!has(name)) {
            return fallback;
        }
        String text = values.get(name);
        float value = number(name);
        if (!(value > 0) || !Float.isFinite(value)) {
            throw new UsageException(command, "--" + name + " must be a positive number, got '" + text + "'");
        }
        return value;
    }

    /** A number in [0, 1) (such as a momentum). */
    float fraction(String name) throws UsageException {
        float value = number(name);
        if (!(value >= 0 && value < 1)) {
            throw new UsageException(command, "--" + name + " must be at least 0 and below 1, got " + values.get(name));
        }
        return value;
    }

    /** A finite number of at least 0. */
    float nonNegativeNumber(String name) throws UsageException {
        float value = number(name);
        if (!(value >= 0) || !Float.isFinite(value)) {
            throw new UsageException(command, "--" + name + " must be 0 or more, got " + values.get(name));
        }
        return value;
    }

    /**
     * A decimal number such as 0.001, 1e-3 or -2; also NaN and Infinity, for the callers to refuse by name.
     * Not Java's other spellings (0x1p-3, 1f, 1d). Negative zero is zero.
     */
    private float number(String name) throws UsageException {
        String text = values.get(name);
        String number = text.strip();
        if (!number.matches("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?|[+-]?(NaN|Infinity)")) {
            throw new UsageException(command, "--" + name + " must be a number, got '" + text + "'");
        }
        return Float.parseFloat(number) + 0f;
    }

    /** A flag whose value one of the parsers accepts (they throw IllegalArgumentException otherwise). */
    <T> T choice(String name, T fallback, Function<String, T> parser) throws UsageException {
        if (!has(name)) {
            return fallback;
        }
        try {
            return parser.apply(values.get(name));
        } catch (IllegalArgumentException e) {
            throw new UsageException(command, "--" + name + ": " + e.getMessage());
        }
    }
}
