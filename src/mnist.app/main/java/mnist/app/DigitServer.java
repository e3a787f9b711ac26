package mnist.app;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mnist.data.DatasetException;
import mnist.data.image.DigitImages;
import mnist.model.Classifier;
import mnist.model.Prediction;

/**
 * The HTTP side of {@code mnist serve}, on the JDK's own {@code com.sun.net.httpserver}.
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
 * Every failure is an answer with a JSON body {@code {"error": "..."}}: 400 bad image, 404 unknown path,
 * 405 wrong method, 413 too large, 415 wrong content type, 503 busy, 500 a bug of ours. None of them
 * stops the server.
 *
 * <p>Work is bounded, and slow clients cannot stall it. Every exchange runs on a virtual thread of its
 * own, so a client that trickles its body holds only that thread and its connection (and is cut off by
 * the JDK server's request time limit, {@code sun.net.httpserver.maxReqTime}), never a worker: at most
 * {@code maxOpen} exchanges are open at once (more get 503 at once, without their body being read), and
 * the CPU work, decoding and classifying, runs for at most {@code workers} requests at a time with
 * {@code queue} more waiting (more get 503). Nothing queues without bound.
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
    private final java.util.concurrent.ExecutorService exchanges;   // a virtual thread per exchange
    private final java.util.concurrent.Semaphore open;             // exchanges open at once
    private final int openLimit;
    private final java.util.concurrent.Semaphore admitted;         // requests computing or waiting to
    private final java.util.concurrent.Semaphore computing;        // requests decoding and classifying
    private final Stats stats = new Stats();
    private final byte[] page;
    private final AtomicInteger served = new AtomicInteger();
    /** Host names allowed beyond IP literals and localhost (a reverse proxy's), lower case. */
    private final java.util.Set<String> allowedHosts;

    private DigitServer(Classifier classifier, InetSocketAddress address, int workerCount, int queue, int maxOpen,
                        java.util.Set<String> allowedHosts) throws IOException {
        if (classifier.isBinary() || classifier.classNames().size() != 10
                || classifier.rows() != DigitImages.SIZE || classifier.cols() != DigitImages.SIZE) {
            throw new IllegalArgumentException("the page needs a model of 28x28 images over the ten digits, not " + classifier);
        }
        this.classifier = classifier;
        this.allowedHosts = java.util.Set.copyOf(allowedHosts.stream().map(h -> h.toLowerCase(java.util.Locale.ROOT)).toList());
        this.page = loadPage();
        this.open = new java.util.concurrent.Semaphore(maxOpen);
        this.openLimit = maxOpen;
        this.admitted = new java.util.concurrent.Semaphore(workerCount + queue);
        this.computing = new java.util.concurrent.Semaphore(workerCount, true);
        this.exchanges = java.util.concurrent.Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("mnist-serve-", 0).factory());
        this.server = HttpServer.create(address, 128);
        server.createContext("/", this::handle);
        server.setExecutor(exchanges);
    }

    /**
     * Starts a server of the classifier (ten digits, 28x28) on the address (port 0 picks a free port),
     * with {@code workers} threads and room for {@code queue} waiting requests.
     */
    static DigitServer start(Classifier classifier, InetSocketAddress address, int workers, int queue) throws IOException {
        return start(classifier, address, workers, queue, java.util.Set.of());
    }

    /** Exchanges open at once by default (each a virtual thread and a connection; slow ones included). */
    static final int MAX_OPEN = 256;

    static DigitServer start(Classifier classifier, InetSocketAddress address, int workers, int queue,
                             java.util.Set<String> allowedHosts) throws IOException {
        return start(classifier, address, workers, queue, MAX_OPEN, allowedHosts);
    }

    /**
     * As {@link #start(Classifier, InetSocketAddress, int, int)}, also answering requests whose Host header
     * names one of {@code allowedHosts} (a reverse proxy's names). Without them, only a Host that is an IP
     * address or localhost, with this server's port, is answered: a page on another site that points a
     * name of its own at this machine (DNS rebinding) gets 403.
     */
    static DigitServer start(Classifier classifier, InetSocketAddress address, int workers, int queue, int maxOpen,
                             java.util.Set<String> allowedHosts) throws IOException {
        if (workers < 1 || queue < 1 || maxOpen < 1) {
            throw new IllegalArgumentException("workers " + workers + ", queue " + queue + " and open exchanges " + maxOpen
                    + " must be at least 1");
        }
        DigitServer s = new DigitServer(classifier, address, workers, queue, maxOpen, allowedHosts);
        s.server.start();
        return s;
    }

    /** The address actually bound (with the port chosen when 0 was asked). */
    InetSocketAddress address() {
        return server.getAddress();
    }

    /** The page's URL, e.g. {@code http://127.0.0.1:8080/}. */
    URI uri() {
        InetAddress a = server.getAddress().getAddress();
        String host = a.getHostAddress();
        if (host.indexOf(':') >= 0) {
            int zone = host.indexOf('%');
            host = "[" + (zone >= 0 ? host.substring(0, zone) : host) + "]";
        }
        return URI.create("http://" + host + ":" + server.getAddress().getPort() + "/");
    }

    /** Exchanges open now, slow ones included (for tests). */
    int load() {
        return openLimit - open.availablePermits();
    }

    /** Predictions answered (or being answered) with 200 so far. */
    int predictions() {
        return served.get();
    }

    /** Stops listening, lets running exchanges finish for up to a second, and ends the threads. */
    @Override
    public void close() {
        server.stop(1);
        exchanges.shutdownNow();
        try {
            exchanges.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * What the server did since the last call, in one line (requests by status class, latency from the
     * request's arrival to its answer, p50 and p99), and a fresh count; null when nothing happened.
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
        if (!ours || port != null && !port.equals(Integer.toString(server.getAddress().getPort()))) {
            throw new Refusal(403, "this server does not answer for Host '" + truncate(host.strip()) + "' (an IP address or"
                    + " localhost with port " + server.getAddress().getPort() + "; a reverse proxy's name: mnist serve --allow-host NAME)");
        }
    }

    /** An answer other than 200: its status and the message of its JSON body. */
    private static final class Refusal extends Exception {
        final int status;

        Refusal(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private void handle(HttpExchange exchange) {
        long arrived = System.nanoTime();
        boolean entered = open.tryAcquire();
        try (exchange) {
            Headers headers = exchange.getResponseHeaders();
            headers.set("X-Content-Type-Options", "nosniff");
            headers.set("Cache-Control", "no-store");
            try {
                if (!entered) {
                    headers.set("Retry-After", "1");
                    headers.set("Connection", "close");
                    throw new Refusal(503, "busy: too many connections at once, try again in a moment");
                }
                checkHost(exchange.getRequestHeaders().getFirst("Host"));
                String path = exchange.getRequestURI().getRawPath();
                String method = exchange.getRequestMethod();
                if ("/".equals(path)) {
                    allow(exchange, "GET", "HEAD");
                    headers.set("Content-Type", "text/html; charset=utf-8");
                    headers.set("Content-Security-Policy", "default-src 'none'; script-src 'unsafe-inline'; "
                            + "style-src 'unsafe-inline'; img-src data:; connect-src 'self'; base-uri 'none'; form-action 'none'");
                    if (method.equals("HEAD")) {
                        exchange.sendResponseHeaders(200, -1);
                    } else {
                        send(exchange, 200, page);
                    }
                } else if (PREDICT.equals(path)) {
                    allow(exchange, "POST");
                    byte[] body = json(predict(exchange));
                    headers.set("Content-Type", "application/json");
                    served.incrementAndGet();   // before the answer goes out: a client that has it sees the count
                    send(exchange, 200, body);
                } else {
                    throw new Refusal(404, "no such page: " + truncate(path) + " (the page is /, the API " + PREDICT + ")");
                }
            } catch (Refusal r) {
                refuse(exchange, r.status, r.getMessage());
            } catch (RuntimeException | OutOfMemoryError e) {
                // A bug of ours, or a request too big for the heap: this request fails, the server goes on.
                refuse(exchange, 500, "internal error: " + e);
            }
        } catch (IOException e) {
            // The client went away (or the response could not be written): nothing to answer.
        } finally {
            if (entered) {
                open.release();
            }
            int status = exchange.getResponseCode();
            stats.record(status < 0 ? 500 : status, System.nanoTime() - arrived);
        }
    }

    private static void allow(HttpExchange exchange, String... methods) throws Refusal {
        String method = exchange.getRequestMethod();
        for (String m : methods) {
            if (m.equals(method)) {
                return;
            }
        }
        String list = String.join(", ", methods);
        exchange.getResponseHeaders().set("Allow", list);
        throw new Refusal(405, "method " + truncate(method) + " is not allowed here (only " + list + ")");
    }

    private static void refuse(HttpExchange exchange, int status, String message) throws IOException {
        if (exchange.getResponseCode() != -1) {
            return; // headers already sent: nothing more can be said
        }
        if (status == 413 || status == 503) {
            exchange.getResponseHeaders().set("Connection", "close"); // the body was not read
        }
        byte[] body = Json.write(Map.of("error", message)).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        send(exchange, status, body);
    }

    /**
     * Sends the answer and closes its stream, which flushes it to the client at once. (Closing only the
     * exchange would first drain what is left of the request body, up to 64 KB, before flushing: a
     * client that announced a body too large and is still sending it would wait for that.)
     */
    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        if (exchange.getRequestMethod().equals("HEAD")) {   // the headers only, also for a refusal
            exchange.sendResponseHeaders(status, -1);
            exchange.getResponseBody().close();
            return;
        }
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private Map<String, Object> predict(HttpExchange exchange) throws Refusal, IOException {
        String type = mediaType(exchange.getRequestHeaders().getFirst("Content-Type"));
        if (!type.equals(PNG) && !type.equals(PGM)) {
            throw new Refusal(415, "the body must be a PNG (Content-Type: " + PNG + ") or a PGM (" + PGM + "), not "
                    + (type.isEmpty() ? "a body without Content-Type" : truncate(type)));
        }
        byte[] body = readBody(exchange);          // on this exchange's own virtual thread: a slow client holds no worker
        checkFormat(body, type);
        if (!admitted.tryAcquire()) {
            exchange.getResponseHeaders().set("Retry-After", "1");
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

    /** The body, refused with 413 beyond {@link #MAX_BODY} (by its Content-Length before reading any of it). */
    private static byte[] readBody(HttpExchange exchange) throws Refusal, IOException {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            long declared;
            try {
                declared = Long.parseLong(length.strip());
            } catch (NumberFormatException e) {
                throw new Refusal(400, "bad Content-Length: " + truncate(length));
            }
            if (declared > MAX_BODY) {
                throw new Refusal(413, "the body of " + declared + " bytes is larger than the limit of " + MAX_BODY + " bytes");
            }
        }
        byte[] body = exchange.getRequestBody().readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) {
            throw new Refusal(413, "the body is larger than the limit of " + MAX_BODY + " bytes");
        }
        if (body.length == 0) {
            throw new Refusal(400, "the body is empty: send the image's bytes");
        }
        return body;
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

    /** Request text echoed in a message, cut short. */
    private static String truncate(String s) {
        String clean = s.replaceAll("[^\\x20-\\x7E]", "?");
        return clean.length() <= 60 ? clean : clean.substring(0, 60) + "...";
    }
}
