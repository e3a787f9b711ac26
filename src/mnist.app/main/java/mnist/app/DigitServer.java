package mnist.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import mnist.app.HttpServer.Refusal;
import mnist.data.DatasetException;
import mnist.data.image.DigitImages;
import mnist.model.Classifier;
import mnist.model.Prediction;

/**
 * The HTTP side of {@code mnist serve}, on a small HTTP/1.1 server of our own ({@link HttpServer}).
 *
 * <ul>
 *   <li>{@code GET /}: the draw-a-digit page (one self-contained HTML file, {@code serve.html}).
 *   <li>{@code POST /api/predict}: the body is a PNG ({@code Content-Type: image/png}) or PGM
 *       ({@code image/x-portable-graymap}) image of one digit, at most {@value #MAX_BODY} bytes and
 *       {@value #MAX_SIDE} pixels a side; the answer is
 *       {@code {"digit": 7, "confidence": 0.98, "probabilities": [10 numbers], "input28": [784 numbers]}},
 *       input28 being the 28x28 image the model saw, row-major, ink 1.
 * </ul>
 *
 * Every failure is an answer with a JSON body {@code {"error": "..."}}: 400 bad image or malformed
 * request, 403 foreign Host, 404 unknown path, 405 wrong method, 408 too slow, 413 too large, 415 wrong
 * content type, 431 headers too large, 503 busy, 500 a bug of ours. None of them stops the server.
 *
 * <p>Work is bounded, and slow clients cannot stall it. Every connection runs on a virtual thread of its
 * own, so a client that trickles its request holds only that thread and its connection, never a worker,
 * and only until its deadline: the request line and headers must arrive within {@link HttpServer.Limits#head}
 * (10 s by default), the body within {@link HttpServer.Limits#body} (10 s) after them, or the answer is
 * 408 and the connection is closed. At most {@code maxOpen} connections are open at once (more get 503 at
 * once, without their request being read), and the CPU work, decoding and classifying, runs for at most
 * {@code workers} requests at a time, on bodies that have fully arrived, with {@code queue} more waiting
 * (more get 503). Nothing queues without bound.
 */
final class DigitServer implements AutoCloseable {
    /** The largest request body read, in bytes. */
    static final int MAX_BODY = 2 << 20;
    /** The largest width or height of an image, checked in the PNG header before decoding. */
    static final int MAX_SIDE = 2048;

    static final String PREDICT = "/api/predict";
    static final String PNG = "image/png";
    static final String PGM = "image/x-portable-graymap";

    private final Classifier classifier;
    private final HttpServer server;
    private final java.util.concurrent.Semaphore admitted;         // requests computing or waiting to
    private final java.util.concurrent.Semaphore computing;        // requests decoding and classifying
    private final Stats stats = new Stats();
    private final byte[] page;
    private final AtomicInteger served = new AtomicInteger();
    /** Host names allowed beyond IP literals and localhost (a reverse proxy's), lower case. */
    private final java.util.Set<String> allowedHosts;
    private final int port;

    private DigitServer(Classifier classifier, InetSocketAddress address, int workerCount, int queue,
                        java.util.Set<String> allowedHosts, HttpServer.Limits limits) throws IOException {
        if (classifier.isBinary() || classifier.classNames().size() != 10
                || classifier.rows() != DigitImages.SIZE || classifier.cols() != DigitImages.SIZE) {
            throw new IllegalArgumentException("the page needs a model of 28x28 images over the ten digits, not " + classifier);
        }
        this.classifier = classifier;
        this.allowedHosts = java.util.Set.copyOf(allowedHosts.stream().map(h -> h.toLowerCase(java.util.Locale.ROOT)).toList());
        this.page = loadPage();
        this.admitted = new java.util.concurrent.Semaphore(workerCount + queue);
        this.computing = new java.util.concurrent.Semaphore(workerCount, true);
        this.server = HttpServer.bind(address, limits, this::handle, stats::record);
        this.port = server.address().getPort();
    }

    /**
     * Starts a server of the classifier (ten digits, 28x28) on the address (port 0 picks a free port),
     * with {@code workers} threads and room for {@code queue} waiting requests.
     */
    static DigitServer start(Classifier classifier, InetSocketAddress address, int workers, int queue) throws IOException {
        return start(classifier, address, workers, queue, java.util.Set.of());
    }

    /** Connections open at once by default (each a virtual thread; slow and idle ones included). */
    static final int MAX_OPEN = HttpServer.Limits.DEFAULT.maxOpen();

    static DigitServer start(Classifier classifier, InetSocketAddress address, int workers, int queue,
                             java.util.Set<String> allowedHosts) throws IOException {
        return start(classifier, address, workers, queue, allowedHosts, HttpServer.Limits.DEFAULT);
    }

    /**
     * As {@link #start(Classifier, InetSocketAddress, int, int)}, also answering requests whose Host header
     * names one of {@code allowedHosts} (a reverse proxy's names). Without them, only a Host that is an IP
     * address or localhost, with this server's port, is answered: a page on another site that points a
     * name of its own at this machine (DNS rebinding) gets 403.
     */
    static DigitServer start(Classifier classifier, InetSocketAddress address, int workers, int queue, int maxOpen,
                             java.util.Set<String> allowedHosts) throws IOException {
        return start(classifier, address, workers, queue, allowedHosts, HttpServer.Limits.DEFAULT.withMaxOpen(maxOpen));
    }

    /** As the others, with the connections' limits and time limits given. */
    static DigitServer start(Classifier classifier, InetSocketAddress address, int workers, int queue,
                             java.util.Set<String> allowedHosts, HttpServer.Limits limits) throws IOException {
        if (workers < 1 || queue < 1) {
            throw new IllegalArgumentException("workers " + workers + " and queue " + queue + " must be at least 1");
        }
        DigitServer s = new DigitServer(classifier, address, workers, queue, allowedHosts, limits);
        s.server.start();
        return s;
    }

    /** The address actually bound (with the port chosen when 0 was asked). */
    InetSocketAddress address() {
        return server.address();
    }

    /** The page's URL, e.g. {@code http://127.0.0.1:8080/}. */
    URI uri() {
        InetAddress a = server.address().getAddress();
        String host = a.getHostAddress();
        if (host.indexOf(':') >= 0) {
            int zone = host.indexOf('%');
            host = "[" + (zone >= 0 ? host.substring(0, zone) : host) + "]";
        }
        return URI.create("http://" + host + ":" + port + "/");
    }

    /** Connections open now, slow and idle ones included (for tests). */
    int load() {
        return server.open();
    }

    /** Predictions answered (or being answered) with 200 so far. */
    int predictions() {
        return served.get();
    }

    /** Stops listening, lets requests being answered finish for up to a second, and ends the threads. */
    @Override
    public void close() {
        server.close();
    }

    /**
     * What the server did since the last call, in one line (requests by status class, latency from the
     * request's arrival, its headers read, to its answer, p50 and p99; 0 for answers made before that,
     * such as a 408 for headers that did not arrive), and a fresh count; null when nothing happened.
     */
    String summary() {
        return stats.drain();
    }

    /** Counts and latencies of the answers since the last {@link #summary}. */
    private static final class Stats {
        private long[] millis = new long[64];
        private int n;
        private final int[] byClass = new int[6];

        synchronized void record(int status, long nanos) {
            if (n == millis.length) {
                if (n >= 1 << 20) {        // a million answers a minute: keep the counts, stop adding latencies
                    byClass[Math.min(5, status / 100)]++;
                    return;
                }
                millis = java.util.Arrays.copyOf(millis, 2 * n);
            }
            millis[n++] = nanos / 1_000_000;
            byClass[Math.min(5, status / 100)]++;
        }

        synchronized String drain() {
            int total = byClass[2] + byClass[3] + byClass[4] + byClass[5];
            if (total == 0) {
                return null;
            }
            long[] sorted = java.util.Arrays.copyOf(millis, n);
            java.util.Arrays.sort(sorted);
            String line = String.format(java.util.Locale.ROOT, "%d requests: %d ok, %d refused (4xx), %d failed or busy (5xx);"
                            + " latency p50 %d ms, p99 %d ms", total, byClass[2] + byClass[3], byClass[4], byClass[5],
                    sorted[(n - 1) / 2], sorted[(int) Math.min(n - 1, Math.ceil(0.99 * n) - 1)]);
            n = 0;
            java.util.Arrays.fill(byClass, 0);
            return line;
        }
    }

    private static byte[] loadPage() {
        try (InputStream in = DigitServer.class.getResourceAsStream("serve.html")) {
            if (in == null) {
                throw new IllegalStateException("the page serve.html is missing from the mnist.app module");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final java.util.regex.Pattern IPV4 = java.util.regex.Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final java.util.regex.Pattern IPV6 = java.util.regex.Pattern.compile("\\[[0-9a-fA-F:.]+(%[0-9a-zA-Z]+)?]");

    /**
     * Refuses (403) a request whose Host is not this server: allowed are an IP address (which no other
     * site can point at this machine, unlike a name), localhost, and the names given to
     * {@link #start(Classifier, InetSocketAddress, int, int, java.util.Set)}; with a port, it must be ours
     * (except for the given names, which a proxy may serve on another port).
     */
    private void checkHost(String host) throws Refusal {
        if (host == null || host.isBlank()) {
            throw new Refusal(400, "no Host header");
        }
        String value = host.strip().toLowerCase(java.util.Locale.ROOT);
        String name = value;
        String port = null;
        int colon = value.lastIndexOf(':');
        if (colon > value.lastIndexOf(']')) {
            name = value.substring(0, colon);
            port = value.substring(colon + 1);
        }
        if (allowedHosts.contains(name)) {
            return;
        }
        boolean ours = name.equals("localhost") || IPV4.matcher(name).matches() || IPV6.matcher(name).matches();
        if (!ours || port != null && !port.equals(Integer.toString(this.port))) {
            throw new Refusal(403, "this server does not answer for Host '" + HttpServer.truncate(host.strip()) + "' (an IP address or"
                    + " localhost with port " + this.port + "; a reverse proxy's name: mnist serve --allow-host NAME)");
        }
    }

    private void handle(HttpServer.Exchange exchange) throws Refusal, IOException {
        checkHost(exchange.header("Host"));
        String path = exchange.path();
        if ("/".equals(path)) {
            allow(exchange, "GET", "HEAD");
            exchange.setHeader("Content-Type", "text/html; charset=utf-8");
            exchange.setHeader("Content-Security-Policy", "default-src 'none'; script-src 'unsafe-inline'; "
                    + "style-src 'unsafe-inline'; img-src data:; connect-src 'self'; base-uri 'none'; form-action 'none'");
            exchange.send(200, page);   // for HEAD, the headers only
        } else if (PREDICT.equals(path)) {
            allow(exchange, "POST");
            byte[] body = json(predict(exchange));
            exchange.setHeader("Content-Type", "application/json");
            served.incrementAndGet();   // before the answer goes out: a client that has it sees the count
            exchange.send(200, body);
        } else {
            throw new Refusal(404, "no such page: " + HttpServer.truncate(path) + " (the page is /, the API " + PREDICT + ")");
        }
    }

    private static void allow(HttpServer.Exchange exchange, String... methods) throws Refusal {
        String method = exchange.method();
        for (String m : methods) {
            if (m.equals(method)) {
                return;
            }
        }
        String list = String.join(", ", methods);
        exchange.setHeader("Allow", list);
        throw new Refusal(405, "method " + HttpServer.truncate(method) + " is not allowed here (only " + list + ")");
    }

    private Map<String, Object> predict(HttpServer.Exchange exchange) throws Refusal, IOException {
        String type = mediaType(exchange.header("Content-Type"));
        if (!type.equals(PNG) && !type.equals(PGM)) {
            throw new Refusal(415, "the body must be a PNG (Content-Type: " + PNG + ") or a PGM (" + PGM + "), not "
                    + (type.isEmpty() ? "a body without Content-Type" : HttpServer.truncate(type)));
        }
        // On this connection's own virtual thread, within the body's deadline: a slow client holds no worker.
        // Refused with 413 beyond MAX_BODY, by its Content-Length before any of it is read.
        byte[] body = exchange.readBody(MAX_BODY);
        if (body.length == 0) {
            throw new Refusal(400, "the body is empty: send the image's bytes");
        }
        checkFormat(body, type);
        if (!admitted.tryAcquire()) {
            exchange.setHeader("Retry-After", "1");
            throw new Refusal(503, "busy: too many requests at once, try again in a moment");
        }
        float[] pixels;
        Prediction p;
        try {
            computing.acquireUninterruptibly();
            try {
                pixels = DigitImages.prepare(DigitImages.decode(body, "the image"), "the image");
                p = classifier.predict(pixels);
            } finally {
                computing.release();
            }
        } catch (DatasetException e) {
            throw new Refusal(400, e.getMessage());
        } finally {
            admitted.release();
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("digit", p.label());
        answer.put("class", p.className());
        answer.put("classes", classifier.classNames());
        answer.put("confidence", round(p.confidence(), 1e6));
        double[] probabilities = new double[p.probabilities().length];
        for (int c = 0; c < probabilities.length; c++) {
            probabilities[c] = round(p.probability(c), 1e6);
        }
        answer.put("probabilities", probabilities);
        double[] input = new double[pixels.length];
        for (int i = 0; i < input.length; i++) {
            input[i] = round(pixels[i], 1e4);
        }
        answer.put("input28", input);
        return answer;
    }

    /** The body must be what its Content-Type says, and a PNG no larger than MAX_SIDE a side. */
    private static void checkFormat(byte[] body, String type) throws Refusal {
        boolean png = body.length >= 8 && (body[0] & 0xFF) == 0x89 && body[1] == 'P' && body[2] == 'N' && body[3] == 'G';
        boolean pgm = body.length >= 2 && body[0] == 'P' && (body[1] == '2' || body[1] == '5');
        if (type.equals(PNG) && !png) {
            throw new Refusal(400, "the body is not a PNG image");
        }
        if (type.equals(PGM) && !pgm) {
            throw new Refusal(400, "the body is not a PGM image (P2 or P5)");
        }
        // A PNG's IHDR chunk comes first: bytes 16..23 are the width and height. A small compressed body
        // can declare a huge image; refuse it before the decoder allocates anything.
        if (png && body.length >= 24 && body[12] == 'I' && body[13] == 'H' && body[14] == 'D' && body[15] == 'R') {
            long width = readInt(body, 16);
            long height = readInt(body, 20);
            if (width > MAX_SIDE || height > MAX_SIDE) {
                throw new Refusal(413, "the image of " + width + "x" + height + " pixels is larger than the limit of "
                        + MAX_SIDE + "x" + MAX_SIDE);
            }
        }
    }

    private static long readInt(byte[] b, int at) {
        return ((b[at] & 0xFFL) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }

    /** {@code image/png; charset=x} → {@code image/png}; absent → "". */
    static String mediaType(String header) {
        if (header == null) {
            return "";
        }
        int semicolon = header.indexOf(';');
        return (semicolon >= 0 ? header.substring(0, semicolon) : header).strip().toLowerCase(Locale.ROOT);
    }

    private static double round(float value, double scale) {
        return Math.round(value * scale) / scale;
    }

    private static byte[] json(Map<String, Object> value) {
        return Json.write(value).getBytes(StandardCharsets.UTF_8);
    }
}
