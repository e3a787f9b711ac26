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
            assertFalse(answer.startsWith("HTTP/1.1 200"), answer);
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

    /**
     * 50 slow clients trickling their bodies and a stream of malformed and oversized requests, against a
     * server of one worker: an honest request is still answered within a second, every time, and the
     * heap stays bounded.
     */
    @Test
    void slowAndHostileClientsDoNotStallHonestOnes() throws Exception {
        try (DigitServer small = DigitServer.start(classifier, new InetSocketAddress(LOOPBACK, 0), 1, 2)) {
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
                String summary = small.summary();
                System.out.printf("serve under 50 slow clients and a hostile stream: 20 honest requests, slowest %.3f s;"
                        + " heap %+d MB; %s%n", worst, (heapAfter - heapBefore) >> 20, summary);
                assertTrue(summary.matches("\\d{3,} requests.*"), "a stream of hostile requests went on meanwhile: " + summary);
                assertTrue(heapAfter - heapBefore < 64 << 20, "heap grew by " + ((heapAfter - heapBefore) >> 20) + " MB");
            } finally {
                stop.set(true);
                for (Socket s : slow) {
                    s.close();
                }
            }
        }
    }

    /** Open exchanges are bounded: beyond the limit, 503 at once (without reading the body); then 200 again. */
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
        Cli help = run("serve", "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("Usage: mnist serve --model FILE"), help.out());
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
