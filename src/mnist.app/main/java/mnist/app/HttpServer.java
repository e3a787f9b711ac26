package mnist.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The small HTTP/1.1 server under {@code mnist serve} ({@link DigitServer}): a {@link ServerSocket}, a
 * virtual thread per connection, and a limit on everything a client controls.
 *
 * <ul>
 *   <li>Connections: at most {@link Limits#maxOpen} open at once, kept-alive idle ones included. The next
 *       one is answered 503 at once, before any of its request is read, and closed.
 *   <li>Time: a request's line and headers must arrive within {@link Limits#head} (counted from the
 *       accept for the first request of a connection, from its first byte for the next ones), and its
 *       body within {@link Limits#body} after them; else the answer is 408 and the connection is closed.
 *       Each read waits only for the time left, so trickling a byte at a time does not stretch a
 *       deadline. A connection that sends no byte of a request in that time, or none within
 *       {@link Limits#idle} after an answer, is closed without an answer (it asked nothing). An answer
 *       that the client does not take within {@link Limits#write} is cut off by closing the connection.
 *   <li>Size: at most {@value HttpInput#MAX_HEAD} bytes of request line and headers (431 beyond); the
 *       body's limit is the handler's ({@link Exchange#readBody}: 413, from Content-Length before
 *       reading, or once a chunked body passes it).
 *   <li>Framing ({@link HttpInput}): Content-Length or {@code Transfer-Encoding: chunked}; anything
 *       ambiguous or malformed is 400, another transfer coding 501, an HTTP version other than 1.x 505.
 *       {@code Expect: 100-continue} is answered when the handler starts reading the body, so a request
 *       refused before (wrong type, too large) never sends it.
 *   <li>Persistent connections: an HTTP/1.1 connection serves one request after another (pipelined
 *       ones too, in order) until the client asks {@code Connection: close}, or an answer leaves some of
 *       its request unread (a refusal before the body, 408, 413), or is 503, or the server is closing:
 *       those answers say {@code Connection: close}. HTTP/1.0 connections close after one answer.
 * </ul>
 *
 * <p>Every answer carries {@code X-Content-Type-Options: nosniff} and {@code Cache-Control: no-store};
 * those the server makes itself have the form of the handler's refusals, a JSON body
 * {@code {"error": "..."}}. A connection closed after an answer is closed gently: the server stops
 * writing, then reads and discards what the client still sends, for up to {@value #LINGER_MILLIS} ms,
 * so that the client reads the answer (a socket closed with unread input resets the connection, and a
 * reset can discard the answer before the client has read it). Lingering holds no connection slot.
 */
final class HttpServer implements AutoCloseable {
    /** Time spent discarding a client's input after the answer that closes its connection. */
    static final int LINGER_MILLIS = 2000;
    private static final int LINGER_BYTES = 4 << 20;

    /**
     * How many connections the server keeps, and how long it waits for each.
     *
     * @param maxOpen connections open at once (more are answered 503)
     * @param head    the time for a request's line and headers
     * @param body    the time for a request's body, after its headers
     * @param idle    the time a kept-alive connection may stay silent between requests
     * @param write   the time for the client to take an answer
     */
    record Limits(int maxOpen, Duration head, Duration body, Duration idle, Duration write) {
        /** 256 connections; 10 s for the headers, 10 s for the body, 15 s idle, 10 s to take an answer. */
        static final Limits DEFAULT = new Limits(256, Duration.ofSeconds(10), Duration.ofSeconds(10),
                Duration.ofSeconds(15), Duration.ofSeconds(10));

        Limits {
            if (maxOpen < 1) {
                throw new IllegalArgumentException("open connections " + maxOpen + " must be at least 1");
            }
            for (Duration d : new Duration[] {head, body, idle, write}) {
                if (d.toMillis() < 1) {
                    throw new IllegalArgumentException("a time limit of " + d + " must be at least a millisecond");
                }
            }
        }

        Limits withMaxOpen(int n) {
            return new Limits(n, head, body, idle, write);
        }
    }

    /** Answers a request: {@link Exchange#send}, or a {@link Refusal} thrown. */
    interface Handler {
        void handle(Exchange exchange) throws Refusal, IOException;
    }

    /** Told of every answer: its status and the time from the request's arrival (its headers read). */
    interface Listener {
        void answered(int status, long nanos);
    }

    /** An answer other than 200: its status and the message of its JSON body. */
    static final class Refusal extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        Refusal(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private final ServerSocket listener;
    private final Limits limits;
    private final Handler handler;
    private final Listener answers;
    private final Semaphore open;                     // connections served now
    private final Semaphore lingering;                // connections answered and closing gently
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final ExecutorService threads;            // a virtual thread per connection
    private final ScheduledExecutorService cutoffs;   // closes connections whose answers are not taken in time
    private volatile boolean closed;
    private Thread acceptor;

    private HttpServer(ServerSocket listener, Limits limits, Handler handler, Listener answers) {
        this.listener = listener;
        this.limits = limits;
        this.handler = handler;
        this.answers = answers;
        this.open = new Semaphore(limits.maxOpen());
        this.lingering = new Semaphore(limits.maxOpen());
        this.threads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("mnist-serve-", 0).factory());
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
                r -> Thread.ofPlatform().daemon().name("mnist-serve-cutoff").unstarted(r));
        timer.setRemoveOnCancelPolicy(true);
        this.cutoffs = timer;
    }

    /** A server listening on the address (port 0 picks a free one), not yet accepting: {@link #start}. */
    static HttpServer bind(InetSocketAddress address, Limits limits, Handler handler, Listener answers) throws IOException {
        ServerSocket listener = new ServerSocket();
        try {
            listener.bind(address, 128);
        } catch (IOException e) {
            listener.close();
            throw e;
        }
        return new HttpServer(listener, limits, handler, answers);
    }

    /**
     * Starts accepting connections, on a platform thread: closing a socket that a virtual thread waits on
     * leaves the port open until that thread runs again, and a closed server must stop listening at once.
     */
    void start() {
        acceptor = Thread.ofPlatform().daemon().name("mnist-serve-accept").start(this::accept);
    }

    /** The address actually bound (with the port chosen when 0 was asked). */
    InetSocketAddress address() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    /** Connections open now, slow and idle ones included (not those closing gently). */
    int open() {
        return limits.maxOpen() - open.availablePermits();
    }

    /**
     * Stops accepting, closes idle connections, lets requests being answered finish for up to a second,
     * then closes what is left and ends the threads. Called on an interrupted thread, it still waits for
     * all that (and keeps the interrupt).
     */
    @Override
    public void close() {
        boolean interrupted = Thread.interrupted();
        closed = true;
        closeQuietly(listener);
        try {
            // The port is free only once the accepting thread has left accept(), which holds the socket.
            if (acceptor != null) {
                acceptor.join(1000);
            }
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            while (true) {
                for (Connection c : connections) {
                    if (c.idle) {
                        closeQuietly(c.socket);
                    }
                }
                if (connections.isEmpty() || System.nanoTime() > until) {
                    break;
                }
                Thread.sleep(10);
            }
            for (Connection c : connections) {
                closeQuietly(c.socket);
            }
            threads.shutdownNow();
            threads.awaitTermination(LINGER_MILLIS + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            interrupted = true;
            threads.shutdownNow();
        } finally {
            cutoffs.shutdownNow();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void accept() {
        while (!closed) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                if (!closed) {
                    pause();   // e.g. out of file descriptors: try again in a moment rather than spin
                }
                continue;
            }
            long accepted = System.nanoTime();
            if (!open.tryAcquire()) {
                busy(socket);
                continue;
            }
            Connection c = new Connection(socket, accepted);
            connections.add(c);
            try {
                threads.execute(c::run);
            } catch (RejectedExecutionException e) {   // closing
                connections.remove(c);
                open.release();
                closeQuietly(socket);
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A connection beyond the limit: 503 at once, without reading its request, and closed. */
    private void busy(Socket socket) {
        Map<String, String> headers = Map.of("Content-Type", "application/json", "Retry-After", "1");
        byte[] answer = response(503, headers, error("busy: too many connections at once, try again in a moment"), false, true);
        boolean gently = lingering.tryAcquire();
        Runnable reply = () -> {
            try {
                write(socket, answer);
            } catch (IOException e) {
                // gone already
            } finally {
                answers.answered(503, 0);
                if (gently) {
                    closeGently(socket);
                    lingering.release();
                } else {
                    closeQuietly(socket);
                }
            }
        };
        if (!gently) {
            reply.run();   // a few hundred bytes into a new connection's empty buffer: no wait
            return;
        }
        try {
            threads.execute(reply);
        } catch (RejectedExecutionException e) {
            lingering.release();
            closeQuietly(socket);
        }
    }

    /** One client's connection, on its own virtual thread: request after request until it closes. */
    private final class Connection {
        final Socket socket;
        final long accepted;
        volatile boolean idle = true;   // between requests: closing the server closes it at once

        Connection(Socket socket, long accepted) {
            this.socket = socket;
            this.accepted = accepted;
        }

        void run() {
            boolean gently = false;
            try {
                socket.setTcpNoDelay(true);
                HttpInput in = new HttpInput(socket);
                long waitUntil = accepted + limits.head().toNanos();    // the first request: from the accept
                for (boolean first = true; !closed && in.awaitRequest(waitUntil); first = false) {
                    idle = false;
                    if (!first) {
                        in.deadline(System.nanoTime() + limits.head().toNanos());
                    }
                    Exchange x = new Exchange(this, in);
                    exchange(x);
                    if (x.close) {
                        gently = true;
                        break;
                    }
                    idle = true;
                    waitUntil = System.nanoTime() + limits.idle().toNanos();
                }
            } catch (IOException e) {
                // The client went away, or did not take its answer in time: nothing more to say.
            } finally {
                connections.remove(this);
                open.release();
                if (gently && lingering.tryAcquire()) {
                    try {
                        closeGently(socket);
                    } finally {
                        lingering.release();
                    }
                } else {
                    closeQuietly(socket);
                }
            }
        }

        void write(byte[] bytes) throws IOException {
            HttpServer.this.write(socket, bytes);
        }
    }

    /** One request: its head read, the handler's answer, or a refusal. */
    private void exchange(Exchange x) throws IOException {
        try {
            try {
                x.head = x.in.readHead();
            } catch (HttpInput.Timeout t) {
                throw new Refusal(408, "timeout: the request line and headers did not arrive within " + duration(limits.head()));
            }
            x.arrived = System.nanoTime();
            x.bodyRead = !x.head.hasBody();
            handler.handle(x);
            if (x.status < 0) {
                throw new IllegalStateException("no answer to " + truncate(x.head.method()) + " " + truncate(x.head.path()));
            }
        } catch (Refusal r) {
            x.refuse(r.status, r.getMessage());
        } catch (RuntimeException | OutOfMemoryError e) {
            // A bug of ours, or a request too big for the heap: this request fails, the server goes on.
            x.refuse(500, "internal error: " + e);
        }
    }

    /**
     * A request as the handler sees it: method, path and headers; the body, read on demand; the answer.
     * Its answer's status and time are told to the {@link Listener}.
     */
    final class Exchange {
        private final Connection connection;
        private final HttpInput in;
        private HttpInput.Head head;                    // null until read (and when it could not be)
        private final Map<String, String> headers = new LinkedHashMap<>();
        private int status = -1;
        private boolean bodyRead;
        private boolean close;
        private long arrived = -1;

        private Exchange(Connection connection, HttpInput in) {
            this.connection = connection;
            this.in = in;
        }

        String method() {
            return head == null ? "" : head.method();
        }

        /** The path of the request target, without its query, as sent (not decoded). */
        String path() {
            return head == null ? "" : head.path();
        }

        /** The first value of a request header (any case), or null. */
        String header(String name) {
            return head == null ? null : head.header(name);
        }

        /** Sets a header of the answer (not Content-Length or Connection, which the server sets). */
        void setHeader(String name, String value) {
            if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("a line break in the value of " + name);
            }
            headers.put(name, value);
        }

        /** The status of the answer, or -1 before it is sent. */
        int status() {
            return status;
        }

        /**
         * The request's body, at most {@code max} bytes: refused with 413 from its Content-Length before
         * any of it is read, or as soon as a chunked body grows beyond; 408 if it does not arrive within
         * {@link Limits#body}. Empty when the request has none.
         */
        byte[] readBody(int max) throws Refusal, IOException {
            if (bodyRead) {
                return new byte[0];
            }
            if (!head.chunked() && head.contentLength() > max) {
                throw new Refusal(413, "the body of " + head.contentLength() + " bytes is larger than the limit of " + max + " bytes");
            }
            if (head.minor() == 1 && head.hasToken("expect", "100-continue")) {
                connection.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
            in.deadline(System.nanoTime() + limits.body().toNanos());
            byte[] body;
            try {
                body = head.chunked() ? in.readChunked(max) : in.readFixed(head.contentLength());
            } catch (HttpInput.Timeout t) {
                throw new Refusal(408, "timeout: the body did not arrive within " + duration(limits.body()) + " ("
                        + in.received() + (head.chunked() ? "" : " of " + head.contentLength()) + " bytes came)");
            }
            bodyRead = true;
            return body;
        }

        /**
         * Sends the answer: the headers set, and the body (only its length for a HEAD request). Says
         * {@code Connection: close}, and the connection closes after it, when the request asked so, was
         * HTTP/1.0, has a body not read, or the status is 503.
         */
        void send(int status, byte[] body) throws IOException {
            if (this.status >= 0) {
                throw new IllegalStateException("a second answer (" + status + ") to a request answered " + this.status);
            }
            this.status = status;
            close = head == null || head.minor() == 0 || head.hasToken("connection", "close") || !bodyRead
                    || status == 503 || closed;
            try {
                connection.write(response(status, headers, body, "HEAD".equals(method()), close));
            } finally {
                answers.answered(status, arrived < 0 ? 0 : System.nanoTime() - arrived);
            }
        }

        /** Answers with the status and a JSON body {@code {"error": message}}, unless answered already. */
        private void refuse(int status, String message) throws IOException {
            if (this.status >= 0) {
                close = true;   // the answer went out, or part of it: nothing more can be said
                return;
            }
            headers.put("Content-Type", "application/json");
            send(status, error(message));
        }
    }

    /** Writes the bytes, closing the socket if the client has not taken them within {@link Limits#write}. */
    private void write(Socket socket, byte[] bytes) throws IOException {
        ScheduledFuture<?> cutoff;
        try {
            cutoff = cutoffs.schedule(() -> closeQuietly(socket), limits.write().toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            throw new SocketException("the server is closing");
        }
        try {
            OutputStream out = socket.getOutputStream();
            out.write(bytes);
            out.flush();
        } finally {
            cutoff.cancel(false);
        }
    }

    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ROOT);

    /** Status line, headers and body of an answer, in one array (one write). */
    private static byte[] response(int status, Map<String, String> headers, byte[] body, boolean headersOnly, boolean close) {
        StringBuilder h = new StringBuilder(256);
        h.append("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
        h.append("Date: ").append(HTTP_DATE.format(ZonedDateTime.now(ZoneOffset.UTC))).append("\r\n");
        h.append("X-Content-Type-Options: nosniff\r\n");
        h.append("Cache-Control: no-store\r\n");
        headers.forEach((name, value) -> h.append(name).append(": ").append(value).append("\r\n"));
        h.append("Content-Length: ").append(body.length).append("\r\n");
        if (close) {
            h.append("Connection: close\r\n");
        }
        h.append("\r\n");
        byte[] head = h.toString().getBytes(StandardCharsets.ISO_8859_1);
        if (headersOnly) {
            return head;
        }
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 413 -> "Content Too Large";
            case 415 -> "Unsupported Media Type";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 503 -> "Service Unavailable";
            case 505 -> "HTTP Version Not Supported";
            default -> "Status " + status;
        };
    }

    private static byte[] error(String message) {
        return Json.write(Map.of("error", message)).getBytes(StandardCharsets.UTF_8);
    }

    /** {@code 10 s}, or {@code 500 ms} for what is not whole seconds. */
    static String duration(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }

    /** Request text echoed in a message, cut short. */
    static String truncate(String s) {
        String clean = s.replaceAll("[^\\x20-\\x7E]", "?");
        return clean.length() <= 60 ? clean : clean.substring(0, 60) + "...";
    }

    /**
     * Stops writing, then reads and discards what the client still sends (up to {@value #LINGER_MILLIS}
     * ms, or until it closes), then closes: the client reads the answer rather than a reset.
     */
    private static void closeGently(Socket socket) {
        try {
            socket.shutdownOutput();
            InputStream in = socket.getInputStream();
            byte[] discard = new byte[8192];
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LINGER_MILLIS);
            long total = 0;
            for (long left; total < LINGER_BYTES && (left = until - System.nanoTime()) > 0; ) {
                socket.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                int n = in.read(discard);
                if (n < 0) {
                    break;
                }
                total += n;
            }
        } catch (IOException e) {
            // timed out, or reset: close anyway
        } finally {
            closeQuietly(socket);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // closing anyway
        }
    }
}
