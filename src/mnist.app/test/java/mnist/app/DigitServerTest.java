package mnist.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mnist.data.LabeledImages;
import mnist.data.image.DigitImages;
import mnist.model.Classifier;
import mnist.model.internal.ModelFile;
import mnist.model.internal.Network;
import mnist.model.internal.Output;
import mnist.model.internal.SavedModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mnist serve}'s HTTP API, in-process on a free loopback port: answers, refusals, load. */
class DigitServerTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    static Path dir;
    static Classifier classifier;
    static LabeledImages test;
    static DigitServer server;
    static HttpClient client;

    @BeforeAll
    static void start() throws IOException {
        classifier = ServeTestModel.classifier();
        test = ServeTestModel.test();
        server = DigitServer.start(classifier, new InetSocketAddress(LOOPBACK, 0), 2, 64);
        client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (client != null) {
            client.close();
        }
    }

    private record Answer(int status, String body, HttpResponse<String> response) {
        Map<String, Object> json() {
            return TestJson.object(body);
        }
    }

    private static Answer send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> r = client.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body(), r);
    }

    private static HttpRequest.Builder post(String type, byte[] body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.uri().resolve(DigitServer.PREDICT))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        return type == null ? b : b.header("Content-Type", type);
    }

    /** Test image i as a PNG: 4x, black ink on white paper with margins, as a user's file might be. */
    private static byte[] png(int i) {
        return SavedModelCommandsTest.png(test.image(i), 4, 40, 20, 12, new int[] {0, 0, 0}, new int[] {255, 255, 255});
    }

    private static float[] floats(Object list) {
        List<?> values = (List<?>) list;
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Double) values.get(i)).floatValue();
        }
        return out;
    }

    /** The answer for test image i is the classifier's own for the same PNG, and names the label. */
    private static boolean checkPrediction(int i, Answer a) throws IOException {
        assertEquals(200, a.status(), a.body());
        assertEquals("application/json", a.response().headers().firstValue("Content-Type").orElse(""));
        Map<String, Object> json = a.json();
        float[] seen = DigitImages.prepare(DigitImages.decode(png(i), "test"), "test");
        int expected = classifier.predict(seen).label();
        assertEquals(expected, ((Double) json.get("digit")).intValue(), "test image " + i);
        float[] probabilities = floats(json.get("probabilities"));
        assertEquals(10, probabilities.length);
        assertArrayEquals(classifier.predict(seen).probabilities(), probabilities, 1e-6f);
        float sum = 0;
        for (float p : probabilities) {
            sum += p;
        }
        assertEquals(1, sum, 1e-4);
        assertEquals(probabilities[expected], ((Double) json.get("confidence")).floatValue(), 1e-6f);
        assertArrayEquals(seen, floats(json.get("input28")), 1e-4f);
        return expected == test.label(i);
    }

    @Test
    void predictsTestDigitsSentAsPng() throws Exception {
        int right = 0;
        for (int i = 0; i < 20; i++) {
            if (checkPrediction(i, send(post("image/png", png(i))))) {
                right++;
            }
        }
        System.out.println("serve API: " + right + " of 20 test digits sent as PNG named right");
        assertTrue(right >= 18, right + " of 20 right");
    }

    @Test
    void acceptsPgmAndMediaTypeParameters() throws Exception {
        float[] digit = test.image(0);
        ByteArrayOutputStream pgm = new ByteArrayOutputStream();
        pgm.writeBytes("P5\n28 28\n255\n".getBytes(StandardCharsets.US_ASCII));
        for (float v : digit) {
            pgm.write(255 - Math.round(255 * v));
        }
        Answer a = send(post("image/x-portable-graymap", pgm.toByteArray()));
        assertEquals(200, a.status(), a.body());
        assertEquals(7.0, a.json().get("digit"));
        Answer b = send(post("Image/PNG; charset=binary", png(0)));
        assertEquals(200, b.status(), b.body());
    }

    @Test
    void servesThePage() throws Exception {
        Answer a = send(HttpRequest.newBuilder(server.uri()).GET());
        assertEquals(200, a.status());
        assertEquals("text/html; charset=utf-8", a.response().headers().firstValue("Content-Type").orElse(""));
        assertTrue(a.body().contains("<canvas id=\"pad\""), a.body());
        assertTrue(a.body().contains("api/predict"));
        assertFalse(a.body().contains("http://") || a.body().contains("https://"), "the page loads nothing from elsewhere");
        assertTrue(a.response().headers().firstValue("Content-Security-Policy").orElse("").contains("default-src 'none'"));
        Answer head = send(HttpRequest.newBuilder(server.uri()).HEAD());
        assertEquals(200, head.status());
        assertEquals("", head.body());
        Answer query = send(HttpRequest.newBuilder(server.uri().resolve("/?x=1")).GET());
        assertEquals(200, query.status());
    }

    /** A 1x1 PNG header declaring a huge image (no pixel data needed to be refused). */
    private static byte[] hugePngHeader() {
        byte[] b = Arrays.copyOf(png(0), 33);
        java.nio.ByteBuffer.wrap(b, 16, 8).putInt(100_000).putInt(10);
        return b;
    }

    private static byte[] blankPng() {
        return SavedModelCommandsTest.png(new float[784], 2, 0, 0, 0, new int[] {0, 0, 0}, new int[] {0, 0, 0});
    }

    @Test
    void refusesBadRequestsAndKeepsServing() throws Exception {
        URI predict = server.uri().resolve(DigitServer.PREDICT);
        record Case(String name, HttpRequest.Builder request, int status, String message) {
        }
        List<Case> cases = List.of(
                new Case("GET on the API", HttpRequest.newBuilder(predict).GET(), 405, "method GET is not allowed here (only POST)"),
                new Case("PUT on the API", HttpRequest.newBuilder(predict).PUT(HttpRequest.BodyPublishers.ofByteArray(png(0)))
                        .header("Content-Type", "image/png"), 405, "only POST"),
                new Case("DELETE on the page", HttpRequest.newBuilder(server.uri()).DELETE(), 405, "only GET, HEAD"),
                new Case("POST on the page", HttpRequest.newBuilder(server.uri()).POST(HttpRequest.BodyPublishers.ofString("x")), 405, "only GET, HEAD"),
                new Case("unknown path", HttpRequest.newBuilder(server.uri().resolve("/api/predict/x")).GET(), 404, "no such page: /api/predict/x"),
                new Case("unknown page", HttpRequest.newBuilder(server.uri().resolve("/index.html")).GET(), 404, "no such page"),
                new Case("text", post("text/plain", "seven".getBytes(StandardCharsets.UTF_8)), 415, "not text/plain"),
                new Case("JSON", post("application/json", "{\"image\": []}".getBytes(StandardCharsets.UTF_8)), 415, "not application/json"),
                new Case("form", post("application/x-www-form-urlencoded", "a=b".getBytes(StandardCharsets.UTF_8)), 415, "not application/x-www-form-urlencoded"),
                new Case("no Content-Type", post(null, png(0)), 415, "a body without Content-Type"),
                new Case("PNG said to be PGM", post("image/x-portable-graymap", png(0)), 400, "not a PGM image"),
                new Case("not a PNG", post("image/png", "GIF89a....".getBytes(StandardCharsets.US_ASCII)), 400, "the body is not a PNG image"),
                new Case("empty", post("image/png", new byte[0]), 400, "the body is empty"),
                new Case("truncated PNG", post("image/png", Arrays.copyOf(png(0), 60)), 400, "the image"),
                new Case("blank PNG", post("image/png", blankPng()), 400, "no digit found"),
                new Case("huge PNG", post("image/png", hugePngHeader()), 413, "100000x10 pixels is larger than the limit of 2048x2048"));
        int before = server.predictions();
        for (Case c : cases) {
            Answer a = send(c.request());
            assertEquals(c.status(), a.status(), c.name() + ": " + a.body());
            assertEquals("application/json", a.response().headers().firstValue("Content-Type").orElse(""), c.name());
            String error = (String) a.json().get("error");
            assertTrue(error.contains(c.message()), c.name() + ": " + error);
            if (c.status() == 405) {
                assertTrue(a.response().headers().firstValue("Allow").isPresent(), c.name());
            }
            checkPrediction(3, send(post("image/png", png(3)))); // still serving
        }
        assertEquals(before + cases.size(), server.predictions());
    }

    /** Sends raw bytes on a socket of its own and returns what comes back until the server closes or answers. */
    private static String raw(String request, boolean readAll) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(server.address(), 5000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            int n;
            while ((n = in.read(buf)) > 0) {
                got.write(buf, 0, n);
                String text = got.toString(StandardCharsets.ISO_8859_1);
                if (!readAll && text.contains("\r\n\r\n") && text.endsWith("}\n")) {
                    break;
                }
            }
            return got.toString(StandardCharsets.ISO_8859_1);
        } catch (java.net.SocketException e) {
            return "closed: " + e.getMessage(); // the server may cut a bad connection short
        }
    }

    /**
     * DNS rebinding: a page on another site that points a name of its own at this machine reaches the
     * server with that name in Host, and is refused; IP addresses and localhost with our port are served.
     */
    @Test
    void answersOnlyForItsOwnHost() throws Exception {
        int port = server.address().getPort();
        for (String host : new String[] {"127.0.0.1:" + port, "localhost:" + port, "LOCALHOST", "127.0.0.1"}) {
            String ok = raw("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n", true);
            assertTrue(ok.startsWith("HTTP/1.1 200 "), host + ": " + ok.lines().findFirst().orElse(""));
        }
        for (String host : new String[] {"evil.example", "evil.example:" + port, "127.0.0.1:" + (port + 1), "localhost.evil.example"}) {
            String refused = raw("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n", true);
            assertTrue(refused.startsWith("HTTP/1.1 403 "), host + ": " + refused);
            assertTrue(refused.contains("does not answer for Host"), refused);
            assertFalse(refused.contains("<html"), "no page for " + host);
        }
        String none = raw("GET / HTTP/1.0\r\n\r\n", true);
        assertTrue(none.startsWith("HTTP/1.1 400 ") && none.contains("no Host header"), none);
        try (DigitServer proxied = DigitServer.start(classifier, new InetSocketAddress(LOOPBACK, 0), 1, 4,
                java.util.Set.of("digits.example.org"))) {
            try (Socket socket = new Socket()) {
                socket.connect(proxied.address(), 5000);
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: digits.example.org\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1));
                String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertTrue(answer.startsWith("HTTP/1.1 200 "), answer.lines().findFirst().orElse(""));
            }
        }
    }

    @Test
    void refusesOversizedBodiesBeforeReadingThem() throws Exception {
        String declared = raw("POST /api/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png\r\n"
                + "Content-Length: 3000000\r\n\r\n", false);
        assertTrue(declared.startsWith("HTTP/1.1 413 "), declared);
        assertTrue(declared.contains("the body of 3000000 bytes is larger than the limit of 2097152 bytes"), declared);

        // Chunked, so no Content-Length: read up to the limit, then refused.
        byte[] big = new byte[DigitServer.MAX_BODY + 1000];
        System.arraycopy(png(0), 0, big, 0, 8);
        Answer chunked;
        try {
            chunked = send(HttpRequest.newBuilder(server.uri().resolve(DigitServer.PREDICT)).header("Content-Type", "image/png")
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big))));
            assertEquals(413, chunked.status(), chunked.body());
            assertTrue(chunked.body().contains("larger than the limit"), chunked.body());
        } catch (IOException e) {
            // The server closes the connection after answering; the client may see that before the answer.
            System.out.println("chunked oversized body: the client saw " + e);
        }
        checkPrediction(1, send(post("image/png", png(1))));
    }

    @Test
    void survivesGarbageOnTheWire() throws Exception {
        for (String garbage : new String[] {"HELLO\r\n\r\n", "GET\r\n\r\n", "\u0000\u0001\u0002\r\n\r\n",
                "POST /api/predict HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n",
                "GET / HTTP/1.1\r\n" + "X: " + "a".repeat(500_000) + "\r\n\r\n"}) {
            String answer = raw(garbage, true);
            assertTrue(answer.matches("(?s)HTTP/1\\.1 4\\d\\d .*") && !errorOf(answer).isEmpty(), answer);
        }
        checkPrediction(2, send(post("image/png", png(2))));
    }

    @Test
    void answersManyConcurrentRequestsCorrectly() throws Exception {
        int requests = 200, threads = 16;
        int[] expected = new int[20];
        byte[][] bodies = new byte[20][];
        for (int i = 0; i < expected.length; i++) {
            bodies[i] = png(i);
            expected[i] = classifier.predict(DigitImages.prepare(DigitImages.decode(bodies[i], "t"), "t")).label();
        }
        AtomicInteger right = new AtomicInteger();
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int r = 0; r < requests; r++) {
                int i = r % expected.length;
                futures.add(pool.submit(() -> {
                    Answer a = send(post("image/png", bodies[i]));
                    assertEquals(200, a.status(), a.body());
                    assertEquals(expected[i], ((Double) a.json().get("digit")).intValue(), "request for test image " + i);
                    right.incrementAndGet();
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(requests, right.get());
        System.out.printf("serve API: %d concurrent requests from %d threads, all right, in %.2f s%n",
                requests, threads, (System.nanoTime() - start) / 1e9);
    }

    /** A client that sends its headers and then its body a byte at a time, for as long as it is let. */
    private static Socket slowClient(DigitServer target) throws IOException {
        Socket s = new Socket();
        s.connect(target.address(), 5000);
        OutputStream out = s.getOutputStream();
        out.write(("POST /api/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png\r\n"
                + "Content-Length: 100000\r\n\r\n\u0089PNG").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return s;
    }

    /** Sends a request and hangs up without waiting for the answer. */
    private static void fire(DigitServer target, String request) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(target.address(), 5000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
        }
    }

    private static HttpResponse<String> predictOn(DigitServer target, byte[] body) throws Exception {
        return client.send(HttpRequest.newBuilder(target.uri().resolve(DigitServer.PREDICT)).header("Content-Type", "image/png")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Limits with every time limit the same, and room for the connections of the load tests. */
    private static HttpServer.Limits deadlines(int millis) {
        Duration d = Duration.ofMillis(millis);
        return new HttpServer.Limits(DigitServer.MAX_OPEN, d, d, d, d);
    }

    /**
     * 50 slow clients trickling their bodies and a stream of malformed and oversized requests, against a
     * server of one worker: an honest request is still answered within a second, every time, and the
     * heap stays bounded; when their body's deadline (3 s here) passes, each slow client gets 408 and
     * its connection is closed.
     */
    @Test
    void slowAndHostileClientsDoNotStallHonestOnes() throws Exception {
        try (DigitServer small = DigitServer.start(classifier, new InetSocketAddress(LOOPBACK, 0), 1, 2, java.util.Set.of(),
                deadlines(3000))) {
            Runtime rt = Runtime.getRuntime();
            System.gc();
            long heapBefore = rt.totalMemory() - rt.freeMemory();
            List<Socket> slow = new ArrayList<>();
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            Thread hostile = Thread.ofPlatform().daemon().start(() -> {
                byte[] garbage = new byte[5000];
                while (!stop.get()) {
                    try {
                        predictOn(small, garbage);                               // not an image: 400
                        fire(small, "POST /api/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png\r\n"
                                + "Content-Length: 99999999\r\n\r\n");              // oversized: 413
                        fire(small, "GARBAGE / HTTP/9\r\n\r\n");                 // malformed
                        fire(small, "POST /api/predict HTTP/1.1\r\nHost: evil.example\r\n\r\n"); // foreign Host: 403
                    } catch (Exception ignored) {
                        // the server may cut these short; what matters is the honest client
                    }
                }
            });
            try {
                for (int k = 0; k < 50; k++) {
                    slow.add(slowClient(small));
                }
                Thread trickle = Thread.ofPlatform().daemon().start(() -> {
                    while (!stop.get()) {
                        for (Socket s : slow) {
                            try {
                                s.getOutputStream().write(0);
                                s.getOutputStream().flush();
                            } catch (IOException ignored) {
                                // cut off by the server: fine
                            }
                        }
                        try {
                            Thread.sleep(200);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (small.load() < 50 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertTrue(small.load() >= 50, "the slow clients are in: " + small.load());
                double worst = 0;
                for (int i = 0; i < 20; i++) {
                    long start = System.nanoTime();
                    HttpResponse<String> ok = predictOn(small, png(i % 10));
                    double seconds = (System.nanoTime() - start) / 1e9;
                    worst = Math.max(worst, seconds);
                    assertEquals(200, ok.statusCode(), ok.body());
                    assertTrue(seconds < 1.0, "honest request " + i + " took " + seconds + " s");
                }
                stop.set(true);
                trickle.join(2000);
                hostile.join(5000);
                System.gc();
                long heapAfter = rt.totalMemory() - rt.freeMemory();
                // The slow clients, none of which finished its body: each gets 408 at its deadline, then the end
                // of the connection (readAllBytes returns only there).
                for (Socket s : slow) {
                    s.setSoTimeout(10_000);
                    String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                    assertTrue(answer.startsWith("HTTP/1.1 408 Request Timeout\r\n"), answer);
                    assertTrue(answer.contains("\r\nConnection: close\r\n"), answer);
                    assertTrue(errorOf(answer).startsWith("timeout: the body did not arrive within 3 s ("), answer);
                }
                String summary = small.summary();
                System.out.printf("serve under 50 slow clients and a hostile stream: 20 honest requests, slowest %.3f s;"
                        + " heap %+d MB; the slow clients got 408; %s%n", worst, (heapAfter - heapBefore) >> 20, summary);
                Matcher counts = Pattern.compile("(\\d+) requests: \\d+ ok, (\\d+) refused.*").matcher(summary);
                assertTrue(counts.matches() && Integer.parseInt(counts.group(1)) >= 100,
                        "a stream of hostile requests went on meanwhile: " + summary);
                assertTrue(Integer.parseInt(counts.group(2)) >= 50, "the 408s are counted: " + summary);
                assertTrue(heapAfter - heapBefore < 64 << 20, "heap grew by " + ((heapAfter - heapBefore) >> 20) + " MB");
            } finally {
                stop.set(true);
                for (Socket s : slow) {
                    s.close();
                }
            }
        }
    }

    /** Open connections are bounded: beyond the limit, 503 at once (without reading the request); then 200 again. */
    @Test
    void answers503WhenTooManyExchangesAreOpen() throws Exception {
        try (DigitServer small = DigitServer.start(classifier, new InetSocketAddress(LOOPBACK, 0), 1, 1, 3, java.util.Set.of())) {
            List<Socket> slow = new ArrayList<>();
            try {
                for (int k = 0; k < 3; k++) {
                    slow.add(slowClient(small));
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (small.load() < 3 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertEquals(3, small.load(), "the slow clients fill the open exchanges");
                HttpResponse<String> busy = predictOn(small, png(0));
                assertEquals(503, busy.statusCode(), busy.body());
                assertEquals("1", busy.headers().firstValue("Retry-After").orElse(""));
                assertTrue(TestJson.object(busy.body()).get("error").toString().startsWith("busy"), busy.body());
                // At once, before the request is read: a client that has sent nothing yet gets it too.
                try (Socket silent = new Socket()) {
                    silent.connect(small.address(), 5000);
                    silent.setSoTimeout(5000);
                    long start = System.nanoTime();
                    String answer = new String(silent.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                    double seconds = (System.nanoTime() - start) / 1e9;
                    assertTrue(answer.startsWith("HTTP/1.1 503 ") && answer.contains("Connection: close")
                            && answer.contains("busy: too many connections at once"), answer);
                    assertTrue(seconds < 1, "503 after " + seconds + " s");
                }
                assertEquals(3, small.load(), "a refused connection takes no place");
            } finally {
                for (Socket s : slow) {
                    s.close();
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            HttpResponse<String> ok;
            do {
                ok = predictOn(small, png(0));
            } while (ok.statusCode() == 503 && System.nanoTime() < deadline);
            assertEquals(200, ok.statusCode(), ok.body());
            Thread.sleep(300);   // an exchange is counted as it closes, just after its answer went out
            String summary = small.summary();
            assertTrue(summary != null && summary.matches("\\d+ requests: \\d+ ok, \\d+ refused \\(4xx\\), [1-9]\\d* failed or busy"
                    + " \\(5xx\\); latency p50 \\d+ ms, p99 \\d+ ms"), summary);
            assertEquals(null, small.summary(), "counted once");
        }
    }

    // ---- time limits, framing, persistent connections ----

    /** The message of an answer's JSON body {"error": "..."}. */
    private static String errorOf(String answer) {
        Object error = TestJson.object(answer.substring(answer.indexOf("\r\n\r\n") + 4)).get("error");
        assertTrue(error instanceof String, answer);
        return (String) error;
    }

    /** What a client that trickled its request got: the answer (to the end of the connection), when, and how much it sent. */
    private record Trickled(String answer, double seconds, int sent) {
    }

    /**
     * Sends the bytes one at a time, one every {@code periodMillis}, until the server answers (or all are
     * sent and 10 s passed), then reads the answer to the end of the connection, which the server must
     * close within 5 s.
     */
    private static Trickled trickle(Socket socket, byte[] bytes, int periodMillis) throws IOException {
        long start = System.nanoTime();
        OutputStream out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        socket.setSoTimeout(periodMillis);
        int sent = 0;
        int first = -1;
        while (first < 0 && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10)) {
            if (sent < bytes.length) {
                out.write(bytes[sent++]);
                out.flush();
            }
            try {
                first = in.read();
                if (first < 0) {
                    break;
                }
            } catch (java.net.SocketTimeoutException e) {
                // nothing yet: the next byte
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        socket.setSoTimeout(5000);
        String rest = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        return new Trickled(first < 0 ? "" : (char) first + rest, seconds, sent);
    }

    private static Socket connect(DigitServer target) throws IOException {
        Socket s = new Socket();
        s.connect(target.address(), 5000);
        return s;
    }

    /** An honest prediction on the target, with the seconds it took. */
    private static double honest(DigitServer target) throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> ok = predictOn(target, png(5));
        assertEquals(200, ok.statusCode(), ok.body());
        return (System.nanoTime() - start) / 1e9;
    }

    /**
     * A client that sends its headers a byte every 50 ms gets 408 when the head's deadline (0.8 s here)
     * passes, and its connection is closed; meanwhile an honest client is answered at once. A client that
     * sends nothing at all is closed at the same deadline without an answer.
     */
    @Test
    void slowHeadersGet408AtTheirDeadline() throws Exception {
        try (DigitServer quick = DigitServer.start(classifier, new InetSocketAddress(LOOPBACK, 0), 1, 4, java.util.Set.of(),
                deadlines(800))) {
            byte[] request = ("POST /api/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png\r\n"
                    + "Content-Length: 8\r\n\r\n\u0089PNG\r\n\u001a\n").getBytes(StandardCharsets.ISO_8859_1);
            ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
            try (Socket slow = connect(quick); Socket silent = connect(quick)) {
                Future<Trickled> trickled = pool.submit(() -> trickle(slow, request, 50));
                Future<Double> nothing = pool.submit(() -> {
                    long start = System.nanoTime();
                    silent.setSoTimeout(5000);
                    assertEquals(-1, silent.getInputStream().read(), "no answer to a connection that asked nothing");
                    return (System.nanoTime() - start) / 1e9;
                });
                Thread.sleep(200);
                double honest = honest(quick);
                Trickled t = trickled.get(20, TimeUnit.SECONDS);
                double closed = nothing.get(20, TimeUnit.SECONDS);
                System.out.printf("serve: headers a byte per 50 ms: %s after %.2f s, %d of %d bytes sent; honest request"
                        + " meanwhile %.3f s; a silent connection closed after %.2f s%n",
                        t.answer().lines().findFirst().orElse(""), t.seconds(), t.sent(), request.length, honest, closed);
                assertTrue(t.answer().startsWith("HTTP/1.1 408 Request Timeout\r\n"), t.answer());
                assertTrue(t.answer().contains("\r\nConnection: close\r\n"), t.answer());
                assertTrue(t.answer().contains("Content-Type: application/json"), t.answer());
                assertEquals("timeout: the request line and headers did not arrive within 800 ms", errorOf(t.answer()));
                assertTrue(t.sent() < request.length - 8, "cut off in the middle of the headers: " + t.sent());
                assertTrue(t.seconds() > 0.7 && t.seconds() < 2.0, "408 after " + t.seconds() + " s");
                assertTrue(closed > 0.7 && closed < 2.0, "silent connection closed after " + closed + " s");
                assertTrue(honest < 1.0, "honest request took " + honest + " s");
            } finally {
                pool.shutdownNow();
            }
            assertEquals(200, predictOn(quick, png(0)).statusCode(), "still serving");
        }
    }

    /** A client that trickles its body gets 408 at the body's deadline; an honest client meanwhile is answered at once. */
    @Test
    void aTrickledBodyGets408AtItsDeadline() throws Exception {
        try (DigitServer quick = DigitServer.start(classifier, new InetSocketAddress(LOOPBACK, 0), 1, 4, java.util.Set.of(),
                deadlines(800))) {
            byte[] body = png(0);
            ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
            try (Socket slow = connect(quick)) {
                slow.getOutputStream().write(("POST /api/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png\r\n"
                        + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                Future<Trickled> trickled = pool.submit(() -> trickle(slow, body, 50));
                Thread.sleep(200);
                double honest = honest(quick);
                Trickled t = trickled.get(20, TimeUnit.SECONDS);
                System.out.printf("serve: a body a byte per 50 ms: %s after %.2f s, %d of %d bytes sent; honest request"
                        + " meanwhile %.3f s%n", t.answer().lines().findFirst().orElse(""), t.seconds(), t.sent(), body.length, honest);
                assertTrue(t.answer().startsWith("HTTP/1.1 408 Request Timeout\r\n"), t.answer());
                assertTrue(t.answer().contains("\r\nConnection: close\r\n"), t.answer());
                Matcher came = Pattern.compile("timeout: the body did not arrive within 800 ms \\((\\d+) of "
                        + body.length + " bytes came\\)").matcher(errorOf(t.answer()));
                assertTrue(came.matches(), t.answer());
                int received = Integer.parseInt(came.group(1));
                assertTrue(received > 0 && received <= t.sent() && t.sent() < body.length, received + " received, " + t.sent() + " sent");
                assertTrue(t.seconds() > 0.7 && t.seconds() < 2.0, "408 after " + t.seconds() + " s");
                assertTrue(honest < 1.0, "honest request took " + honest + " s");
            } finally {
                pool.shutdownNow();
            }
            String summary = quick.summary();
            assertTrue(summary.matches("2 requests: 1 ok, 1 refused \\(4xx\\), 0 failed or busy \\(5xx\\);.*"), summary);
        }
    }

    /** A client that never reads its answers is cut off when an answer is not taken within the time limit. */
    @Test
    void aClientThatDoesNotReadIsCutOff() throws Exception {
        try (DigitServer quick = DigitServer.start(classifier, new InetSocketAddress(LOOPBACK, 0), 1, 4, java.util.Set.of(),
                deadlines(500))) {
            try (Socket greedy = new Socket()) {
                greedy.setReceiveBufferSize(4096);
                greedy.connect(quick.address(), 5000);
                // 1,000 page requests in a row (12 MB of answers), never read: far more than the sockets' buffers hold.
                byte[] requests = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".repeat(1000).getBytes(StandardCharsets.ISO_8859_1);
                Thread writer = Thread.ofVirtual().start(() -> {
                    try {
                        greedy.getOutputStream().write(requests);
                    } catch (IOException e) {
                        // cut off by the server: expected
                    }
                });
                long start = System.nanoTime();
                while (quick.load() == 0 && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5)) {
                    Thread.sleep(5);
                }
                while (quick.load() > 0 && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10)) {
                    Thread.sleep(10);
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                assertEquals(0, quick.load(), "the connection is still open after " + seconds + " s");
                writer.join(5000);
                // What did arrive: some answers, then the end, long before the thousandth.
                int answers = 0;
                greedy.setSoTimeout(5000);
                try {
                    String got = new String(greedy.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                    answers = got.split("HTTP/1.1 200 OK\r\n", -1).length - 1;
                } catch (java.net.SocketException e) {
                    answers = -1;   // reset: the server closed with requests unread
                }
                System.out.printf("serve: a client that reads nothing was cut off after %.2f s (%s answers readable)%n",
                        seconds, answers < 0 ? "no" : Integer.toString(answers));
                assertTrue(answers < 1000, answers + " answers");
                assertTrue(seconds < 5, "cut off after " + seconds + " s");
            }
            assertEquals(200, predictOn(quick, png(0)).statusCode(), "still serving");
        }
    }

    /** Reads one answer (status line, headers, a body of its Content-Length) from the stream. */
    private static String readAnswer(InputStream in) throws IOException {
        return readAnswer(in, false);
    }

    /** Reads one answer: status line and headers, and unless {@code headersOnly} (HEAD) a body of its Content-Length. */
    private static String readAnswer(InputStream in, boolean headersOnly) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
            head.write(b);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        if (headersOnly || text.startsWith("HTTP/1.1 100 ")) {
            return text;
        }
        Matcher length = Pattern.compile("\r\nContent-Length: (\\d+)\r\n").matcher(text);
        assertTrue(length.find(), text);
        return text + new String(in.readNBytes(Integer.parseInt(length.group(1))), StandardCharsets.ISO_8859_1);
    }

    /**
     * HTTP/1.1 connections stay open for the next request (pipelined ones are answered in order) until the
     * client says Connection: close, or an answer leaves some of the request unread; HTTP/1.0 gets one
     * answer; a connection idle for longer than its limit is closed without an answer.
     */
    @Test
    void keepsConnectionsAliveUntilTheyEnd() throws Exception {
        try (DigitServer quick = DigitServer.start(classifier, new InetSocketAddress(LOOPBACK, 0), 1, 4, java.util.Set.of(),
                new HttpServer.Limits(8, Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMillis(600), Duration.ofSeconds(5)))) {
            byte[] digit = png(0);
            String predict = "POST /api/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png\r\nContent-Length: "
                    + digit.length + "\r\n\r\n";
            try (Socket s = connect(quick)) {
                s.setSoTimeout(5000);
                OutputStream out = s.getOutputStream();
                InputStream in = s.getInputStream();
                out.write(("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nHEAD / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" + predict)
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.write(digit);
                out.flush();
                String page = readAnswer(in);
                assertTrue(page.startsWith("HTTP/1.1 200 OK\r\n") && page.contains("<canvas id=\"pad\"")
                        && !page.contains("\r\nConnection: close\r\n"), page.lines().findFirst().orElse(""));
                String head = readAnswer(in, true);
                assertTrue(head.startsWith("HTTP/1.1 200 OK\r\n") && head.contains("Content-Security-Policy: default-src 'none'")
                        && !head.contains("\r\nConnection: close\r\n"), head);
                String answer = readAnswer(in);
                assertTrue(answer.startsWith("HTTP/1.1 200 OK\r\n") && answer.contains("\"digit\": "), answer);
                assertEquals(1, quick.load(), "one connection for three requests");

                out.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                String last = readAnswer(in);
                assertTrue(last.startsWith("HTTP/1.1 200 OK\r\n") && last.contains("\r\nConnection: close\r\n"), last);
                assertEquals(-1, in.read(), "closed after Connection: close");
            }
            // HTTP/1.0: one answer; a refusal before reading the body: closed (the body was not read).
            for (String request : new String[] {"GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n",
                "POST /api/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nseven"}) {
                try (Socket s = connect(quick)) {
                    s.setSoTimeout(5000);
                    s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
                    String answer = readAnswer(s.getInputStream());
                    assertTrue(answer.contains("\r\nConnection: close\r\n"), answer);
                    assertEquals(-1, s.getInputStream().read(), request.lines().findFirst().orElse(""));
                }
            }
            // Idle: closed without an answer once the idle limit (0.6 s) passes.
            try (Socket s = connect(quick)) {
                s.setSoTimeout(5000);
                s.getOutputStream().write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                assertTrue(readAnswer(s.getInputStream()).startsWith("HTTP/1.1 200 "));
                long start = System.nanoTime();
                assertEquals(-1, s.getInputStream().read(), "closed when idle, without an answer");
                double idle = (System.nanoTime() - start) / 1e9;
                assertTrue(idle > 0.5 && idle < 2.0, "closed after " + idle + " s idle");
            }
            assertEquals(0, quick.load());
        }
    }

    /** Sends the body in chunks of {@code size} bytes, the first with an extension, and a trailer field. */
    private static byte[] chunked(byte[] body, int size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int at = 0; at < body.length; at += size) {
            int n = Math.min(size, body.length - at);
            out.writeBytes((Integer.toHexString(n) + (at == 0 ? ";name=value" : "") + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(body, at, n);
            out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        out.writeBytes("0\r\nX-Checksum: none\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }

    /** Chunked bodies are read (and limited like the others); Expect: 100-continue is answered before the body. */
    @Test
    void readsChunkedBodiesAndAnswersExpectContinue() throws Exception {
        byte[] digit = png(0);
        try (Socket s = connect(server)) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /api/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(chunked(digit, 100));
            String answer = readAnswer(s.getInputStream());
            assertTrue(answer.startsWith("HTTP/1.1 200 OK\r\n"), answer);
            float[] seen = DigitImages.prepare(DigitImages.decode(digit, "test"), "test");
            assertEquals(classifier.predict(seen).label(),
                    ((Double) TestJson.object(answer.substring(answer.indexOf("\r\n\r\n") + 4)).get("digit")).intValue());

            // The same connection: Expect: 100-continue, answered once the body is wanted.
            out.write(("POST /api/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png\r\nExpect: 100-continue\r\n"
                    + "Content-Length: " + digit.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String proceed = readAnswer(s.getInputStream());
            assertTrue(proceed.startsWith("HTTP/1.1 100 Continue\r\n\r\n"), proceed);
            out.write(digit);
            String after = readAnswer(s.getInputStream());
            assertTrue(after.startsWith("HTTP/1.1 200 OK\r\n"), after);

            // Refused by its type: no 100, and closed (the body never came).
            out.write(("POST /api/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nExpect: 100-continue\r\n"
                    + "Content-Length: 5\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            String refused = readAnswer(s.getInputStream());
            assertTrue(refused.startsWith("HTTP/1.1 415 ") && refused.contains("\r\nConnection: close\r\n"), refused);
        }
        // The JDK's client sends a body of unknown length chunked.
        Answer streamed = send(HttpRequest.newBuilder(server.uri().resolve(DigitServer.PREDICT)).header("Content-Type", "image/png")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(digit))));
        checkPrediction(0, streamed);
    }

    /**
     * Request heads that are not HTTP/1.1 as RFC 9112 frames it, or too large, get their 4xx or 5xx with
     * a JSON message, and the connection is closed; the server goes on.
     */
    @Test
    void refusesMalformedAndOversizedHeads() throws Exception {
        String host = "Host: 127.0.0.1\r\n";
        String post = "POST /api/predict HTTP/1.1\r\n" + host + "Content-Type: image/png\r\n";
        record Case(String request, int status, String message) {
        }
        List<Case> cases = List.of(
                new Case("GET / HTTP/1.1\r\n" + host + "X-Big: " + "a".repeat(HttpInput.MAX_HEAD) + "\r\n\r\n", 431,
                        "the request line and headers are larger than the limit of 16384 bytes"),
                new Case("GET / HTTP/1.1\r\n" + (host + "X: " + "b".repeat(98) + "\r\n").repeat(200) + "\r\n", 431, "larger than the limit"),
                new Case("HELLO\r\n\r\n", 400, "malformed request line: HELLO"),
                new Case("GET /\r\n\r\n", 400, "malformed request line"),
                new Case("GET  / HTTP/1.1\r\n" + host + "\r\n", 400, "malformed request line"),
                new Case("GET / HTTP/2.0\r\n" + host + "\r\n", 505, "HTTP/2.0 is not supported"),
                new Case("GET * HTTP/1.1\r\n" + host + "\r\n", 400, "the request target must be a path"),
                new Case("GET / HTTP/1.1\r\n" + host + "X-Folded: a\r\n b\r\n\r\n", 400, "malformed header line"),
                new Case("GET / HTTP/1.1\r\n" + host + "Bad Name: x\r\n\r\n", 400, "malformed header line"),
                new Case("GET / HTTP/1.1\r\n" + host + "X: a\u0001b\r\n\r\n", 400, "a control character in the header X"),
                new Case("GET / HTTP/1.1\r\n" + host + "X: a\rb\r\n\r\n", 400, "a bare CR"),
                new Case("GET / HTTP/1.1\r\n" + host + "Host: 127.0.0.2\r\n\r\n", 400, "more than one Host header"),
                new Case(post + "Content-Length: nope\r\n\r\n", 400, "bad Content-Length: nope"),
                new Case(post + "Content-Length: -5\r\n\r\n", 400, "bad Content-Length: -5"),
                new Case(post + "Content-Length: 5, 6\r\n\r\n", 400, "bad Content-Length: 5, 6"),
                new Case(post + "Content-Length: 99999999999999999999\r\n\r\n", 400, "bad Content-Length"),
                new Case(post + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", 400, "both Content-Length and Transfer-Encoding"),
                new Case(post + "Transfer-Encoding: gzip, chunked\r\n\r\n", 501, "the transfer coding gzip, chunked is not supported"),
                new Case("POST /api/predict HTTP/1.0\r\n" + host + "Transfer-Encoding: chunked\r\n\r\n", 400, "Transfer-Encoding in an HTTP/1.0"),
                new Case(post + "Transfer-Encoding: chunked\r\n\r\nzz\r\n", 400, "bad chunk size: zz"),
                new Case(post + "Transfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n", 400, "a chunk longer than its size"),
                new Case(post + "Content-Length: 10\r\n\r\n\u0089PNG", 400, "the connection was closed after 4 of 10 bytes of the body"),
                new Case("GET / HTTP/1.1\r\nHo", 400, "the connection was closed in the middle of the request line and headers"),
                new Case("GET http://evil.example/ HTTP/1.1\r\n" + host + "\r\n", 403, "does not answer for Host 'evil.example'"));
        for (Case c : cases) {
            String answer;
            try (Socket s = connect(server)) {
                s.setSoTimeout(5000);
                s.getOutputStream().write(c.request().getBytes(StandardCharsets.ISO_8859_1));
                s.shutdownOutput();   // for the two cut short; the others are answered before
                answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            }
            String name = c.request().substring(0, Math.min(40, c.request().length())).replace("\r\n", "|");
            assertTrue(answer.startsWith("HTTP/1.1 " + c.status() + " "), name + ": " + answer);
            assertTrue(answer.contains("\r\nConnection: close\r\n") || c.status() == 403, name + ": " + answer);
            assertTrue(answer.contains("\r\nContent-Type: application/json\r\n"), name + ": " + answer);
            String error = errorOf(answer);
            assertTrue(error.contains(c.message()), name + ": " + error);
        }
        // Just under the limit, and the absolute form with our own address: answered.
        String big = raw("GET / HTTP/1.1\r\n" + host + "X-Big: " + "a".repeat(HttpInput.MAX_HEAD - 100) + "\r\nConnection: close\r\n\r\n", true);
        assertTrue(big.startsWith("HTTP/1.1 200 "), big.lines().findFirst().orElse(""));
        String absolute = raw("GET http://127.0.0.1:" + server.address().getPort() + "/?x=1 HTTP/1.1\r\nHost: evil.example\r\n"
                + "Connection: close\r\n\r\n", true);
        assertTrue(absolute.startsWith("HTTP/1.1 200 "), absolute.lines().findFirst().orElse(""));
        checkPrediction(4, send(post("image/png", png(4))));
    }

    // ---- the command ----

    private static Cli run(String... args) {
        return Cli.run(args);
    }

    @Test
    void commandServesUntilInterrupted() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        int[] code = {-1};
        Thread serving = new Thread(() -> code[0] = Main.run(new String[] {"serve", "--model", ServeTestModel.file().toString(),
                "--port", "0", "--threads", "2"}, print, print));
        serving.start();
        Pattern url = Pattern.compile("Serving the draw-a-digit page at (http://127\\.0\\.0\\.1:\\d+/)");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        Matcher m = url.matcher("");
        while (System.nanoTime() < deadline && !(m = url.matcher(out.toString(StandardCharsets.UTF_8))).find()) {
            Thread.sleep(20);
        }
        assertTrue(m.find(0), out.toString(StandardCharsets.UTF_8));
        URI page = URI.create(m.group(1));
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(page).timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        HttpResponse<String> p = client.send(HttpRequest.newBuilder(page.resolve("api/predict")).header("Content-Type", "image/png")
                .POST(HttpRequest.BodyPublishers.ofByteArray(png(0))).timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, p.statusCode(), p.body());
        serving.interrupt();
        serving.join(10_000);
        assertFalse(serving.isAlive());
        assertEquals(0, code[0], out.toString(StandardCharsets.UTF_8));
        assertTrue(out.toString(StandardCharsets.UTF_8).endsWith("Stopped.\n"), out.toString(StandardCharsets.UTF_8));
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(LOOPBACK, page.getPort()), 2000);
            throw new AssertionError("still listening after it stopped");
        } catch (IOException expected) {
            // refused: stopped
        }
    }

    @Test
    void commandUsageErrors() throws Exception {
        Network binary = new Network(new int[] {784, 1}, Output.SIGMOID);
        Path binaryFile = dir.resolve("binary.model");
        ModelFile.save(SavedModel.binary(binary, 3, Map.of()), binaryFile);
        String model = ServeTestModel.file().toString();
        String[][] cases = {
            {"serve"}, {"--model FILE is required"},
            {"serve", "--model", model, "--port", "65536"}, {"--port must be between 0 and 65535, got 65536"},
            {"serve", "--model", model, "--port", "http"}, {"--port must be a whole number"},
            {"serve", "--model", model, "--threads", "0"}, {"--threads must be between 1 and 256"},
            {"serve", "--model", model, "--prot", "80"}, {"unknown option --prot (did you mean --port?)"},
            {"serve", "--model", binaryFile.toString()}, {"the page needs a model of 28x28 images over the ten digits"},
        };
        for (int i = 0; i < cases.length; i += 2) {
            Cli r = run(cases[i]);
            assertEquals(2, r.code(), String.join(" ", cases[i]) + ": " + r.err());
            assertTrue(r.err().contains(cases[i + 1][0]), r.err());
            assertTrue(r.err().contains("Try 'mnist serve --help'."), r.err());
        }
        // The time limits, from system properties.
        try {
            System.setProperty("mnist.serve.body.seconds", "soon");
            Cli r = run("serve", "--model", model, "--port", "0");
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().contains("-Dmnist.serve.body.seconds=soon: a number of seconds from 0.001 to 86400 is needed"), r.err());
            System.setProperty("mnist.serve.body.seconds", "0.25");
            System.setProperty("mnist.serve.idle.seconds", "30");
            HttpServer.Limits limits = ServeCommand.limits();
            assertEquals(Duration.ofMillis(250), limits.body());
            assertEquals(Duration.ofSeconds(30), limits.idle());
            assertEquals(HttpServer.Limits.DEFAULT.head(), limits.head());
            assertEquals(256, limits.maxOpen());
        } finally {
            System.clearProperty("mnist.serve.body.seconds");
            System.clearProperty("mnist.serve.idle.seconds");
        }
        Cli help = run("serve", "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("Usage: mnist serve --model FILE"), help.out());
        assertTrue(help.out().contains("A client has 10 s to send a request's headers and 10 s more for its body"), help.out());
        assertTrue(run("--help").out().contains("serve    a web page to draw digits on"));
    }

    @Test
    void commandReportsAPortInUse() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, LOOPBACK)) {
            Cli r = run("serve", "--model", ServeTestModel.file().toString(), "--port", Integer.toString(taken.getLocalPort()));
            assertEquals(1, r.code(), r.err());
            assertTrue(r.err().contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()), r.err());
            assertTrue(r.err().contains("--port 0"), r.err());
        }
    }
}
