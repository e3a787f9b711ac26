package mnist.app;

import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import mnist.math.Backend;
import mnist.model.Classifier;
import mnist.model.internal.Classifiers;
import mnist.model.internal.SavedModel;

/** {@code mnist serve}: the draw-a-digit page and its prediction API, on the loopback address by default. */
final class ServeCommand {
    /** Requests that may wait for a worker before the server answers 503. */
    static final int QUEUE = 64;

    private static final String NAME = "mnist serve";
    private static final String HELP = """
            Usage: mnist serve --model FILE [options]

            Serves a page where you draw a digit with the mouse, a finger or a pen, and watch the model
            classify it as you draw: the predicted digit, the probability of each of the ten, and the
            28x28 image the model saw. The page is one self-contained file (it works offline). The same
            model answers POST /api/predict: the body is a PNG (Content-Type: image/png) or PGM
            (image/x-portable-graymap) image of a digit, the answer JSON with "digit", "confidence",
            "probabilities" and "input28". Ctrl-C stops the server.

            A client has %2$s to send a request's headers and %3$s more for its body (system
            properties mnist.serve.head.seconds and mnist.serve.body.seconds); a slower one is
            answered 408 (Request Timeout) and disconnected. At most %4$d connections are open at
            once, kept-alive idle ones included; the next is answered 503 at once.

            Options:
              --model FILE       the model file, from 'mnist train --save FILE'              (required)
              --port N           the TCP port; 0 picks a free one                          [8080]
              --host ADDR        the address to listen on; anything but a loopback address
                                 lets other machines use the page                          [127.0.0.1]
              --allow-host NAMES also answer requests for these host names, comma-separated (a
                                 reverse proxy's); without, only an IP address or localhost
                                 in the Host header is answered, so that other sites cannot
                                 reach the server through a name of theirs (DNS rebinding)
              --threads N        images decoded and classified at once; more wait in a queue
                                 of %1$d, beyond which the server answers 503 (busy); slow
                                 clients hold none of these                                [cores]
              --backend NAME     simd (Vector API) or scalar  [simd where it pays]
              --help             show this help
            """.formatted(QUEUE, HttpServer.duration(HttpServer.Limits.DEFAULT.head()),
            HttpServer.duration(HttpServer.Limits.DEFAULT.body()), HttpServer.Limits.DEFAULT.maxOpen());

    /** Seconds between two summary lines. */
    static final long SUMMARY_SECONDS = Long.getLong("mnist.serve.summary.seconds", 60);

    /**
     * The server's time limits, from the system properties {@code mnist.serve.head.seconds} (the request
     * line and headers), {@code mnist.serve.body.seconds} (the body), {@code mnist.serve.idle.seconds} (a
     * kept-alive connection between requests) and {@code mnist.serve.write.seconds} (the client taking
     * an answer), each {@link HttpServer.Limits#DEFAULT} when not set; fractions allowed.
     */
    static HttpServer.Limits limits() throws UsageException {
        HttpServer.Limits d = HttpServer.Limits.DEFAULT;
        return new HttpServer.Limits(d.maxOpen(), seconds("head", d.head()), seconds("body", d.body()),
                seconds("idle", d.idle()), seconds("write", d.write()));
    }

    private static java.time.Duration seconds(String name, java.time.Duration otherwise) throws UsageException {
        String property = "mnist.serve." + name + ".seconds";
        String value = System.getProperty(property);
        if (value == null) {
            return otherwise;
        }
        double s;
        try {
            s = Double.parseDouble(value.strip());
        } catch (NumberFormatException e) {
            s = Double.NaN;
        }
        if (!(s >= 0.001 && s <= 86_400)) {
            throw new UsageException(NAME, "-D" + property + "=" + value + ": a number of seconds from 0.001 to 86400 is needed");
        }
        return java.time.Duration.ofMillis(Math.round(s * 1000));
    }

    private static final Set<String> VALUED = Set.of("model", "port", "host", "threads", "backend", "allow-host");
    private static final Set<String> SWITCHES = Set.of("help");

    private final PrintStream out;

    ServeCommand(PrintStream out) {
        this.out = out;
    }

    /** Serves until the thread is interrupted or the JVM shuts down (Ctrl-C). */
    int run(String[] args) throws UsageException, IOException {
        Options options = Options.parse(NAME, args, VALUED, SWITCHES);
        if (options.flag("help")) {
            out.print(HELP);
            return Main.OK;
        }
        Path file = ModelOption.path(options, NAME);
        int port = options.integer("port", 8080, 0, 65535);
        int threads = options.integer("threads", Runtime.getRuntime().availableProcessors(), 1, 256);
        Backend backend = BackendOption.parse(options, out);
        HttpServer.Limits limits = limits();
        String host = options.string("host", "127.0.0.1");
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new UsageException(NAME, "--host: unknown address '" + host + "'");
        }
        SavedModel model = ModelOption.load(file);
        if (model.isBinary() || model.classNames().size() != 10 || model.rows() != 28 || model.cols() != 28) {
            throw new UsageException(NAME, "--model: the page needs a model of 28x28 images over the ten digits; "
                    + file + " is " + ModelOption.describe(file, model).substring(("Model " + file + ": ").length()));
        }
        Classifier classifier = Classifiers.of(model, backend);

        Set<String> allowed = new java.util.LinkedHashSet<>();
        if (options.has("allow-host")) {
            for (String name : options.string("allow-host", "").split(",", -1)) {
                String n = name.strip();
                if (!n.matches("[A-Za-z0-9.-]{1,253}")) {
                    throw new UsageException(NAME, "--allow-host: '" + name + "' is not a host name");
                }
                allowed.add(n);
            }
        }
        DigitServer server;
        try {
            server = DigitServer.start(classifier, new InetSocketAddress(address, port), threads, QUEUE, allowed, limits);
        } catch (BindException e) {
            throw new IOException("cannot listen on " + host + ":" + port + ": " + e.getMessage()
                    + (port != 0 ? " (another port: --port N, or any free one: --port 0)" : ""), e);
        }
        out.println(ModelOption.describe(file, model));
        if (!address.isLoopbackAddress()) {
            out.println("Warning: listening on " + address.getHostAddress() + ", not a loopback address: "
                    + "anyone who can reach this machine can use the page.");
        }
        // On a wildcard address the URL names the address given, which a browser on this machine can open.
        String url = address.isAnyLocalAddress()
                ? "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + server.uri().getPort() + "/"
                : server.uri().toString();
        out.println("Serving the draw-a-digit page at " + url + "  (Ctrl-C to stop)");
        out.flush();

        // A line a minute of what the server did, when it did anything.
        java.util.concurrent.ScheduledExecutorService minutes = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().daemon().name("mnist-serve-summary").unstarted(r));
        minutes.scheduleAtFixedRate(() -> {
            String line = server.summary();
            if (line != null) {
                out.println(java.time.LocalTime.now().withNano(0) + "  last minute: " + line);
                out.flush();
            }
        }, SUMMARY_SECONDS, SUMMARY_SECONDS, java.util.concurrent.TimeUnit.SECONDS);

        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            minutes.shutdownNow();
            server.close();
            out.println("Stopped.");
            out.flush();
            stopped.countDown();
        }, "mnist-serve-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
                server.close();
                out.println("Stopped.");
            } catch (IllegalStateException e) {
                // The JVM is shutting down: the hook stops the server.
            }
        }
        return Main.OK;
    }
}
