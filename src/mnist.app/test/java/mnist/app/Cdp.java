package mnist.app;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A minimal Chrome DevTools Protocol client for tests, on {@link java.net.http.WebSocket} and nothing
 * else: it starts a headless Chromium on a free loopback port, opens one page (a flattened session),
 * sends commands and waits for their answers, and keeps the page's uncaught exceptions.
 */
final class Cdp implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final Process browser;
    private final HttpClient http;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<Map<String, Object>>> pending = new ConcurrentHashMap<>();
    private final List<String> exceptions = new CopyOnWriteArrayList<>();
    private String session;

    private Cdp(Process browser, HttpClient http, WebSocket.Builder builder, URI endpoint) throws IOException {
        this.browser = browser;
        this.http = http;
        try {
            this.socket = builder.buildAsync(endpoint, new Listener()).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new IOException("cannot open the DevTools WebSocket " + endpoint + ": " + e, e);
        }
    }

    /** Where Chromium is: $CHROMIUM, or chromium, chromium-browser, google-chrome on the PATH; null if none. */
    static Path findChromium() {
        String explicit = System.getenv("CHROMIUM");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String name : new String[] {"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                    return Path.of(dir, name);
                }
            }
        }
        return null;
    }

    /**
     * Starts headless Chromium with a fresh profile in {@code profile}, a window of width x height CSS
     * pixels, and opens one blank page to drive.
     */
    static Cdp start(Path chromium, Path profile, int width, int height) throws IOException, InterruptedException {
        Path log = profile.resolveSibling(profile.getFileName() + ".stderr.txt");
        List<String> command = List.of(chromium.toString(), "--headless", "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0", "--user-data-dir=" + profile, "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--no-default-browser-check", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-extensions", "--disable-dev-shm-usage", "--mute-audio", "--hide-scrollbars",
                "--window-size=" + width + "," + height, "about:blank");
        Process process = new ProcessBuilder(command).redirectErrorStream(false)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(log.toFile()).start();
        URI endpoint = null;
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (endpoint == null && System.nanoTime() < deadline && process.isAlive()) {
            Matcher m = LISTENING.matcher(Files.exists(log) ? Files.readString(log) : "");
            if (m.find()) {
                endpoint = URI.create(m.group(1));
            } else {
                Thread.sleep(50);
            }
        }
        if (endpoint == null) {
            stop(process, 0);
            String output = Files.exists(log) ? Files.readString(log) : "";
            throw new IOException("Chromium (" + chromium + ") did not print its DevTools address within " + TIMEOUT.toSeconds()
                    + " s" + (process.isAlive() ? "" : ", exit code " + process.exitValue()) + "; its stderr ends with: "
                    + output.substring(Math.max(0, output.length() - 2000)));
        }
        if (!"127.0.0.1".equals(endpoint.getHost())) {
            stop(process, 0);
            throw new IOException("Chromium listens on " + endpoint + ", not on the loopback address");
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        Cdp cdp;
        try {
            cdp = new Cdp(process, http, http.newWebSocketBuilder().connectTimeout(TIMEOUT), endpoint);
        } catch (IOException e) {
            http.close();
            stop(process, 0);
            throw e;
        }
        String target = (String) cdp.call(null, "Target.createTarget", Map.of("url", "about:blank")).get("targetId");
        cdp.session = (String) cdp.call(null, "Target.attachToTarget", Map.of("targetId", target, "flatten", true)).get("sessionId");
        cdp.page("Runtime.enable", Map.of());
        cdp.page("Page.enable", Map.of());
        cdp.page("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", false));
        return cdp;
    }

    /** A command to the page; its result. */
    Map<String, Object> page(String method, Map<String, Object> params) {
        return call(session, method, params);
    }

    /** The value of a JavaScript expression in the page (awaited if it is a promise), as JSON values. */
    Object evaluate(String expression) {
        Map<String, Object> result = page("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true, "awaitPromise", true));
        if (result.containsKey("exceptionDetails")) {
            throw new AssertionError("JavaScript failed: " + expression + ": " + result.get("exceptionDetails"));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> remote = (Map<String, Object>) result.get("result");
        return remote.get("value");
    }

    /** Commands sent so far. */
    int calls() {
        return ids.get();
    }

    /** Uncaught exceptions the page has thrown so far. */
    List<String> exceptions() {
        return List.copyOf(exceptions);
    }

    Map<String, Object> call(String sessionId, String method, Map<String, Object> params) {
        int id = ids.incrementAndGet();
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("id", id);
        if (sessionId != null) {
            message.put("sessionId", sessionId);
        }
        message.put("method", method);
        message.put("params", params);
        CompletableFuture<Map<String, Object>> answer = new CompletableFuture<>();
        pending.put(id, answer);
        try {
            socket.sendText(Json.write(message), true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            Map<String, Object> reply = answer.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (reply.containsKey("error")) {
                throw new AssertionError("DevTools refused " + method + " " + params + ": " + reply.get("error"));
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> result = (Map<String, Object>) reply.getOrDefault("result", Map.of());
            return result;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for " + method, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("no answer to " + method + " within " + TIMEOUT.toSeconds() + " s: " + e, e);
        } finally {
            pending.remove(id);
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String message = text.toString();
                text.setLength(0);
                Map<String, Object> json = TestJson.object(message);
                if (json.get("id") instanceof Double id) {
                    CompletableFuture<Map<String, Object>> f = pending.get(id.intValue());
                    if (f != null) {
                        f.complete(json);
                    }
                } else if ("Runtime.exceptionThrown".equals(json.get("method"))) {
                    exceptions.add(String.valueOf(json.get("params")));
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            pending.values().forEach(f -> f.completeExceptionally(error));
        }
    }

    /** Closes the browser (politely, then by force) and the connection. */
    @Override
    public void close() {
        try {
            call(null, "Browser.close", Map.of());
        } catch (AssertionError | RuntimeException e) {
            // it may close the connection before answering
        }
        socket.abort();
        http.close();
        stop(browser, 5);
    }

    /** Waits {@code grace} seconds for the browser to exit, then ends it and what it started. */
    private static void stop(Process process, int grace) {
        List<ProcessHandle> children = new ArrayList<>(process.descendants().toList());
        try {
            if (!process.waitFor(grace, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        children.forEach(ProcessHandle::destroyForcibly);
    }
}
