package mnist.app;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress of long work. On a terminal, one line that updates in place (batch, running loss, rate,
 * time left); elsewhere (a pipe, a log file, CI) nothing but the plain lines the command prints anyway,
 * with no carriage returns. Colour is used only on a terminal and never when NO_COLOR is set.
 */
final class Progress {

    /** The {@code --progress} choices. */
    enum Mode {
        AUTO, ALWAYS, NEVER;

        static Mode parse(String name) {
            return switch (name) {
                case "auto" -> AUTO;
                case "always" -> ALWAYS;
                case "never" -> NEVER;
                default -> throw new IllegalArgumentException("expected auto, always or never, got '" + name + "'");
            };
        }
    }

    /** Redrawing more often than this only costs time: a terminal cannot show it. */
    private static final long MIN_REDRAW_NANOS = 100_000_000L;

    private final PrintStream out;
    private final boolean live;
    private final boolean colour;
    private long lastDraw;
    private boolean lineShown;

    private Progress(PrintStream out, boolean live, boolean colour) {
        this.out = out;
        this.live = live;
        this.colour = colour;
    }

    /** Live updates when mode is ALWAYS, or AUTO and out is the terminal. */
    static Progress create(Mode mode, PrintStream out) {
        boolean terminal = out == System.out && System.console() != null && System.console().isTerminal();
        boolean live = mode == Mode.ALWAYS || (mode == Mode.AUTO && terminal);
        String noColor = System.getenv("NO_COLOR");
        return new Progress(out, live, terminal && (noColor == null || noColor.isEmpty()));
    }

    /**
     * Whether {@link #update} would draw now: false when not live or drawn less than a tenth of a second
     * ago. Callers check it before building the status line (a training step calls once per batch).
     */
    boolean due() {
        return live && (!lineShown || System.nanoTime() - lastDraw >= MIN_REDRAW_NANOS);
    }

    /** Shows {@code status} on the live line (at most ten times a second); does nothing when not live. */
    void update(String status) {
        if (!live) {
            return;
        }
        long now = System.nanoTime();
        if (lineShown && now - lastDraw < MIN_REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        out.print("\r" + status + "\033[K");
        out.flush();
        lineShown = true;
    }

    /** Prints a permanent line, clearing the live line first so that the two never mix. */
    void println(String line) {
        clear();
        out.println(line);
        out.flush();
    }

    /** Removes the live line, if one is shown. */
    void clear() {
        if (lineShown) {
            out.print("\r\033[K");
            lineShown = false;
        }
    }

    /** {@code text} in bold on a colour terminal, else unchanged. */
    String bold(String text) {
        return colour ? "\033[1m" + text + "\033[0m" : text;
    }

    /** A duration as m:ss (or h:mm:ss), for times left. */
    static String clock(double seconds) {
        long s = Math.max(0, Math.round(seconds));
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
