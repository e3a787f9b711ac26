package mnist.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import mnist.data.LabeledImages;
import mnist.model.Classifier;
import mnist.model.Prediction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The draw-a-digit page in a real browser: {@code mnist serve}'s server in-process on a free loopback
 * port, headless Chromium driven over the DevTools protocol ({@link Cdp}), digits drawn stroke by
 * stroke with mouse events, and the prediction read from the page as a user sees it.
 *
 * <p>Needs Chromium ({@code apt-get install -y chromium}, or $CHROMIUM). Without it the tests are
 * skipped on a developer's machine, and fail when the environment variable CI is set: CI must run them.
 */
class ServeBrowserTest {
    @TempDir
    static Path dir;
    static DigitServer server;
    static Cdp browser;
    static Classifier classifier;
    static LabeledImages test;
    /** Screenshots of the page go here. */
    static final Path SHOTS = Path.of("target", "serve-browser");

    @BeforeAll
    static void start() throws IOException, InterruptedException {
        Path chromium = Cdp.findChromium();
        if (chromium == null) {
            String why = "Chromium is not installed (apt-get install -y chromium, or set CHROMIUM to its path)";
            if (System.getenv("CI") != null) {
                fail(why + ", and CI is set: the browser tests must run in CI");
            }
            Assumptions.abort(why + ": the browser tests are skipped");
        }
        classifier = ServeTestModel.classifier();
        test = ServeTestModel.test();
        server = DigitServer.start(classifier, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 2, 64);
        browser = Cdp.start(chromium, dir.resolve("profile"), 900, 640);
        browser.page("Page.navigate", Map.of("url", server.uri().toString()));
        waitFor("the page to load", "document.readyState === 'complete' && document.body.dataset.state === 'idle'");
        Files.createDirectories(SHOTS);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private long started;
    private int callsBefore;

    @BeforeEach
    void startClock() {
        started = System.nanoTime();
        callsBefore = browser.calls();
        clearByClickingTheButton();
    }

    void clearByClickingTheButton() {
        double[] r = rect("clear");
        click(r[0] + r[2] / 2, r[1] + r[3] / 2);
        waitFor("the page to clear", "document.body.dataset.state === 'idle' && !('digit' in document.body.dataset)"
                + " && document.getElementById('digit').textContent === '?'");
    }

    @AfterEach
    void noJavaScriptErrors(org.junit.jupiter.api.TestInfo info) {
        System.out.printf("serve page: %s: %d DevTools commands in %.2f s%n", info.getDisplayName(),
                browser.calls() - callsBefore, (System.nanoTime() - started) / 1e9);
        assertEquals(List.of(), browser.exceptions(), "uncaught exceptions in the page");
    }

    // ---- driving the page ----

    private static void waitFor(String what, String condition) {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (Boolean.TRUE.equals(browser.evaluate("!!(" + condition + ")"))) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        fail("timed out waiting for " + what + "; page state: " + browser.evaluate(
                "JSON.stringify(document.body.dataset) + ' ' + document.getElementById('status').textContent"));
    }

    /** The element's left, top, width, height in CSS pixels of the viewport. */
    private static double[] rect(String id) {
        List<?> r = (List<?>) browser.evaluate("(() => { const r = document.getElementById('" + id
                + "').getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; })()");
        double[] out = new double[4];
        for (int i = 0; i < 4; i++) {
            out[i] = ((Number) r.get(i)).doubleValue();
        }
        return out;
    }

    private static void mouse(String type, double x, double y, int buttons) {
        browser.page("Input.dispatchMouseEvent", Map.of("type", type, "x", x, "y", y, "button", "left",
                "buttons", buttons, "clickCount", type.equals("mouseMoved") ? 0 : 1, "pointerType", "mouse"));
    }

    private static void click(double x, double y) {
        mouse("mouseMoved", x, y, 0);
        mouse("mousePressed", x, y, 1);
        mouse("mouseReleased", x, y, 0);
    }

    /**
     * One stroke with the mouse through points given in the drawing area's unit square (x right, y
     * down): pressed at the first, moved in steps of at most 10 CSS pixels, released at the last.
     */
    private static void stroke(double[][] points) {
        stroke(rect("pad"), points, 10);
    }

    /** A stroke on the drawing area at {@code pad}, with moves of at most {@code step} CSS pixels. */
    private static void stroke(double[] pad, double[][] points, double step) {
        double px = pad[0] + points[0][0] * pad[2], py = pad[1] + points[0][1] * pad[3];
        mouse("mouseMoved", px, py, 0);
        mouse("mousePressed", px, py, 1);
        for (int i = 1; i < points.length; i++) {
            double x = pad[0] + points[i][0] * pad[2], y = pad[1] + points[i][1] * pad[3];
            int steps = (int) Math.max(1, Math.ceil(Math.hypot(x - px, y - py) / step));
            for (int s = 1; s <= steps; s++) {
                mouse("mouseMoved", px + (x - px) * s / steps, py + (y - py) * s / steps, 1);
            }
            px = x;
            py = y;
        }
        mouse("mouseReleased", px, py, 0);
    }

    /** Waits until the page shows the prediction for all the ink drawn, and returns the digit it shows. */
    private static int shownDigit() {
        waitFor("the prediction of the last stroke", "document.body.dataset.state === 'idle'"
                + " && document.body.dataset.shown === document.body.dataset.drawn && 'digit' in document.body.dataset");
        String shown = (String) browser.evaluate("document.getElementById('digit').textContent");
        assertEquals(browser.evaluate("document.body.dataset.digit"), shown);
        return Integer.parseInt(shown);
    }

    /** The 28x28 input the page shows: how much ink it holds, and that the bars were drawn. */
    private static void checkResultPanel(int digit) {
        double ink = ((Number) browser.evaluate("(() => { const d = document.getElementById('seen').getContext('2d')"
                + ".getImageData(0, 0, 28, 28).data; let s = 0; for (let i = 0; i < d.length; i += 4) s += d[i]; return s / 255; })()"))
                .doubleValue();
        assertTrue(ink > 20 && ink < 500, "ink in the 28x28 image shown: " + ink);
        String top = (String) browser.evaluate("document.querySelector('#bars li.top .label').textContent");
        assertEquals(Integer.toString(digit), top, "the highlighted bar");
        String pct = (String) browser.evaluate("document.querySelector('#bars li.top .pct').textContent");
        assertTrue(pct.matches("\\d{1,3}\\.\\d%"), pct);
    }

    private static void screenshot(String name) throws IOException {
        String data = (String) browser.page("Page.captureScreenshot", Map.of("format", "png")).get("data");
        byte[] png = Base64.getDecoder().decode(data);
        assertTrue(png.length > 1000 && (png[0] & 0xFF) == 0x89 && png[1] == 'P', "a PNG screenshot");
        Files.write(SHOTS.resolve(name), png);
    }

    // ---- digits drawn by hand, as polylines ----

    private static double[][] ellipse(double cx, double cy, double rx, double ry, int n) {
        double[][] p = new double[n + 1][];
        for (int i = 0; i <= n; i++) {
            double a = -Math.PI / 2 + 2 * Math.PI * i / n;
            p[i] = new double[] {cx + rx * Math.cos(a), cy + ry * Math.sin(a)};
        }
        return p;
    }

    private static double[][] arc(double cx, double cy, double rx, double ry, double fromDegrees, double toDegrees, int n) {
        double[][] p = new double[n + 1][];
        for (int i = 0; i <= n; i++) {
            double a = Math.toRadians(fromDegrees + (toDegrees - fromDegrees) * i / n);
            p[i] = new double[] {cx + rx * Math.cos(a), cy + ry * Math.sin(a)};
        }
        return p;
    }

    private static double[][] concat(double[][]... parts) {
        List<double[]> all = new ArrayList<>();
        for (double[][] part : parts) {
            all.addAll(List.of(part));
        }
        return all.toArray(double[][]::new);
    }

    /** Each digit as the strokes a person might draw (angles in degrees, y down: 90 is straight down). */
    private static final Map<Integer, double[][][]> HAND = Map.of(
            0, new double[][][] {ellipse(0.5, 0.5, 0.2, 0.32, 48)},
            1, new double[][][] {{{0.46, 0.28}, {0.56, 0.17}, {0.54, 0.5}, {0.52, 0.84}}},
            2, new double[][][] {concat(arc(0.5, 0.36, 0.2, 0.18, 200, 380, 20), new double[][] {{0.3, 0.8}, {0.74, 0.8}})},
            3, new double[][][] {concat(arc(0.48, 0.33, 0.19, 0.15, 210, 450, 24), arc(0.48, 0.65, 0.21, 0.17, 270, 510, 24))},
            4, new double[][][] {{{0.5, 0.16}, {0.28, 0.58}, {0.74, 0.58}}, {{0.62, 0.3}, {0.62, 0.86}}},
            7, new double[][][] {{{0.28, 0.2}, {0.72, 0.2}, {0.46, 0.84}}});

    @Test
    void recognisesDigitsDrawnWithTheMouse() throws IOException {
        StringBuilder wrong = new StringBuilder();
        for (int digit : new int[] {0, 1, 2, 3, 4, 7}) {
            clearByClickingTheButton();
            for (double[][] s : HAND.get(digit)) {
                stroke(s);
            }
            int shown = shownDigit();
            System.out.println("serve page: drew a " + digit + " with the mouse, the page shows " + shown);
            if (shown != digit) {
                wrong.append(" drew ").append(digit).append(", shown ").append(shown).append(';');
                screenshot("hand-" + digit + "-shown-" + shown + ".png");
            } else {
                checkResultPanel(digit);
            }
        }
        assertEquals("", wrong.toString(), "screenshots in " + SHOTS.toAbsolutePath());
    }

    /**
     * Test digits traced with the mouse: every row of ink of the 28x28 image becomes one horizontal
     * stroke, 11 CSS pixels per MNIST pixel. Only digits the model names right (and surely) as MNIST
     * gives them: the question is whether the page's drawing, preparation and display keep the answer.
     */
    @Test
    void recognisesTestDigitsTracedWithTheMouse() throws IOException {
        int traced = 0, right = 0;
        StringBuilder report = new StringBuilder();
        for (int i = 0; traced < 5 && i < 200; i++) {
            float[] image = test.image(i);
            Prediction p = classifier.predict(image);
            if (p.label() != test.label(i) || p.confidence() < 0.95f) {
                continue;
            }
            clearByClickingTheButton();
            double[] pad = rect("pad");
            double cell = 11.0 / 280;
            double offset = (1 - 28 * cell) / 2;
            for (int y = 0; y < 28; y++) {
                int x = 0;
                while (x < 28) {
                    if (image[y * 28 + x] < 0.5f) {
                        x++;
                        continue;
                    }
                    int start = x;
                    while (x < 28 && image[y * 28 + x] >= 0.5f) {
                        x++;
                    }
                    double yy = offset + (y + 0.5) * cell;
                    stroke(pad, new double[][] {{offset + (start + 0.5) * cell, yy}, {offset + (x - 0.5) * cell, yy}}, 1e9);
                }
            }
            int shown = shownDigit();
            traced++;
            if (shown == test.label(i)) {
                right++;
                checkResultPanel(shown);
            } else {
                screenshot("test-" + i + "-label-" + test.label(i) + "-shown-" + shown + ".png");
            }
            report.append(" test image ").append(i).append(": label ").append(test.label(i)).append(", shown ").append(shown).append(';');
        }
        System.out.println("serve page: traced " + traced + " test digits with the mouse, " + right + " shown right:" + report);
        assertEquals(5, traced);
        assertTrue(right >= 4, right + " of " + traced + " right:" + report);
    }

    @Test
    void showsThePredictionWhileDrawingAndClears() throws IOException {
        // Half a 7: the page answers during the stroke and after it, without waiting for a second stroke.
        stroke(new double[][] {{0.28, 0.2}, {0.72, 0.2}, {0.46, 0.84}});
        int shown = shownDigit();
        assertEquals(7, shown);
        int requests = server.predictions();
        assertTrue(requests > 0);
        screenshot("serve.png");
        // Escape clears as the button does.
        browser.page("Input.dispatchKeyEvent", Map.of("type", "keyDown", "key", "Escape", "code", "Escape", "windowsVirtualKeyCode", 27));
        browser.page("Input.dispatchKeyEvent", Map.of("type", "keyUp", "key", "Escape", "code", "Escape", "windowsVirtualKeyCode", 27));
        waitFor("Escape to clear", "document.getElementById('digit').textContent === '?'");
        assertEquals("Draw something to start.", browser.evaluate("document.getElementById('confidence').textContent"));
    }

    @Test
    void drawsWithAFingerToo() {
        double[] pad = rect("pad");
        double x = pad[0] + 0.5 * pad[2];
        List<Map<String, Object>> at = new ArrayList<>();
        browser.page("Input.dispatchTouchEvent", Map.of("type", "touchStart",
                "touchPoints", List.of(Map.of("x", x, "y", pad[1] + 0.16 * pad[3]))));
        for (int s = 1; s <= 40; s++) {
            double y = pad[1] + (0.16 + 0.68 * s / 40) * pad[3];
            browser.page("Input.dispatchTouchEvent", Map.of("type", "touchMove", "touchPoints", List.of(Map.of("x", x, "y", y))));
        }
        browser.page("Input.dispatchTouchEvent", Map.of("type", "touchEnd", "touchPoints", at));
        assertEquals(1, shownDigit());
    }
}
