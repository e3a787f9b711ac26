package mnist.app;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The reading side of one connection of {@link HttpServer}: a request's line and headers (at most
 * {@value #MAX_HEAD} bytes together), then its body, by Content-Length or chunked; every read bounded by
 * a deadline.
 *
 * <p>A deadline is a {@link System#nanoTime} instant. Each read of the socket waits at most the time left
 * ({@link Socket#setSoTimeout}), and no read starts once it has passed: a client that trickles a byte a
 * second is cut off at the deadline like one that sends nothing, with {@link Timeout}.
 *
 * <p>What is not HTTP/1.1 as RFC 9112 frames it is refused (a {@link HttpServer.Refusal}) rather than
 * guessed at: 400 for a malformed request line or header (a folded one too), a bare CR, two Hosts, a
 * Content-Length that is not one number, both Content-Length and Transfer-Encoding, a bad chunk; 431
 * beyond the size limit; 501 for a transfer coding other than chunked; 505 for an HTTP version other
 * than 1.x. A line may end in CRLF or a lone LF.
 */
final class HttpInput {
    /** The largest request line and headers, together, in bytes (the trailer of a chunked body too). */
    static final int MAX_HEAD = 16 << 10;

    /** A deadline passed before what was being read had arrived. */
    static final class Timeout extends IOException {
        private static final long serialVersionUID = 1L;
        Timeout() {
            super("the deadline passed", null);
        }
    }

    /** A request's line and headers; header names in lower case, values stripped. */
    record Head(String method, String path, String query, int minor, Map<String, List<String>> headers,
                long contentLength, boolean chunked) {
        /** The first value of the header, or null. */
        String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? null : values.getFirst();
        }

        /** Whether the header's comma-separated values include the token (case-insensitive). */
        boolean hasToken(String name, String token) {
            for (String value : headers.getOrDefault(name, List.of())) {
                for (String t : value.split(",", -1)) {
                    if (t.strip().equalsIgnoreCase(token)) {
                        return true;
                    }
                }
            }
            return false;
        }

        /** Whether the request comes with a body to read: a positive Content-Length, or chunked. */
        boolean hasBody() {
            return chunked || contentLength > 0;
        }
    }

    private static final Pattern REQUEST_LINE = Pattern.compile("([!#$%&'*+.^_`|~0-9A-Za-z-]+) ([\\x21-\\x7E]+) HTTP/(\\d)\\.(\\d)");
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    private final Socket socket;
    private final InputStream in;
    private final byte[] buffer = new byte[8192];
    private int pos;
    private int end;
    private long deadline;
    private int lineBytes;          // bytes of the head (or trailer) read so far, against MAX_HEAD
    private long received;          // bytes of the current body read so far

    HttpInput(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
    }

    /** Sets the deadline of the reads that follow. */
    void deadline(long nanoTime) {
        this.deadline = nanoTime;
    }

    /** Bytes of the body being read that have arrived (for a message about a body that stopped coming). */
    long received() {
        return received;
    }

    /**
     * Waits until a byte of the next request has arrived (true), or the client closed the connection or
     * sent nothing before {@code until} (false).
     */
    boolean awaitRequest(long until) throws IOException {
        if (pos < end) {
            return true;
        }
        deadline = until;
        try {
            return fill();
        } catch (Timeout e) {
            return false;
        }
    }

    /** Reads more into the empty buffer, waiting no later than the deadline; false at the end of the stream. */
    private boolean fill() throws IOException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new Timeout();
        }
        socket.setSoTimeout(Math.clamp(TimeUnit.NANOSECONDS.toMillis(left + 999_999), 1, Integer.MAX_VALUE));
        int n;
        try {
            n = in.read(buffer, 0, buffer.length);
        } catch (SocketTimeoutException e) {
            throw new Timeout();
        }
        if (n < 0) {
            return false;
        }
        pos = 0;
        end = n;
        return true;
    }

    /**
     * The next request's line and headers, before the deadline (a {@link Timeout} after it). Empty lines
     * before the request line are skipped, as RFC 9112 asks.
     */
    Head readHead() throws HttpServer.Refusal, IOException {
        lineBytes = 0;
        String line;
        do {
            line = readLine("the request line and headers");
        } while (line.isEmpty());
        Matcher m = REQUEST_LINE.matcher(line);
        if (!m.matches()) {
            throw new HttpServer.Refusal(400, "malformed request line: " + HttpServer.truncate(line)
                    + " (expected METHOD /path HTTP/1.1)");
        }
        if (!m.group(3).equals("1")) {
            throw new HttpServer.Refusal(505, "HTTP/" + m.group(3) + "." + m.group(4) + " is not supported (only HTTP/1.1 and 1.0)");
        }
        Map<String, List<String>> headers = new HashMap<>();
        for (String field; !(field = readLine("the request line and headers")).isEmpty(); ) {
            int colon = field.indexOf(':');
            if (colon <= 0 || !TOKEN.matcher(field.substring(0, colon)).matches()) {
                throw new HttpServer.Refusal(400, "malformed header line: " + HttpServer.truncate(field));
            }
            String value = field.substring(colon + 1).strip();
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c < 0x20 && c != '\t' || c == 0x7F) {
                    throw new HttpServer.Refusal(400, "a control character in the header " + HttpServer.truncate(field.substring(0, colon)));
                }
            }
            headers.computeIfAbsent(field.substring(0, colon).toLowerCase(Locale.ROOT), k -> new ArrayList<>(1)).add(value);
        }
        int minor = Integer.parseInt(m.group(4));
        String target = m.group(2);
        if (target.regionMatches(true, 0, "http://", 0, 7) || target.regionMatches(true, 0, "https://", 0, 8)) {
            // The absolute form, which a server must accept (RFC 9112, 3.2.2): its authority replaces Host.
            URI uri;
            try {
                uri = new URI(target);
            } catch (URISyntaxException e) {
                throw new HttpServer.Refusal(400, "malformed request target: " + HttpServer.truncate(target));
            }
            if (uri.getRawAuthority() == null || uri.getRawUserInfo() != null) {
                throw new HttpServer.Refusal(400, "malformed request target: " + HttpServer.truncate(target));
            }
            headers.put("host", List.of(uri.getRawAuthority()));
            target = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                    + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        } else if (!target.startsWith("/")) {
            throw new HttpServer.Refusal(400, "the request target must be a path (/...), not " + HttpServer.truncate(target));
        }
        if (headers.getOrDefault("host", List.of()).size() > 1) {
            throw new HttpServer.Refusal(400, "more than one Host header");
        }
        int question = target.indexOf('?');
        String path = question >= 0 ? target.substring(0, question) : target;
        String query = question >= 0 ? target.substring(question + 1) : null;
        return new Head(m.group(1), path, query, minor, Map.copyOf(headers), contentLength(headers), chunked(headers, minor));
    }

    /** The body's length from Content-Length: 0 without it; every value the same number, or 400. */
    private static long contentLength(Map<String, List<String>> headers) throws HttpServer.Refusal {
        long length = -1;
        for (String value : headers.getOrDefault("content-length", List.of())) {
            for (String part : value.split(",", -1)) {
                String digits = part.strip();
                long n;
                try {
                    n = digits.chars().allMatch(c -> c >= '0' && c <= '9') ? Long.parseLong(digits) : -1;
                } catch (NumberFormatException e) {
                    n = -1;    // empty, or more than a long
                }
                if (n < 0 || length >= 0 && n != length) {
                    throw new HttpServer.Refusal(400, "bad Content-Length: " + HttpServer.truncate(value));
                }
                length = n;
            }
        }
        return Math.max(0, length);
    }

    /** Whether the body is chunked; any other transfer coding is refused (501), and so are ambiguous framings (400). */
    private static boolean chunked(Map<String, List<String>> headers, int minor) throws HttpServer.Refusal {
        List<String> codings = headers.get("transfer-encoding");
        if (codings == null) {
            return false;
        }
        if (headers.containsKey("content-length")) {
            // Two framings, which a proxy in front and this server might read differently (request smuggling).
            throw new HttpServer.Refusal(400, "both Content-Length and Transfer-Encoding: send one of them");
        }
        if (minor == 0) {
            throw new HttpServer.Refusal(400, "Transfer-Encoding in an HTTP/1.0 request");
        }
        String joined = String.join(",", codings);
        if (!joined.strip().equalsIgnoreCase("chunked")) {
            throw new HttpServer.Refusal(501, "the transfer coding " + HttpServer.truncate(joined) + " is not supported (only chunked)");
        }
        return true;
    }

    /**
     * The next line, without its CRLF (or LF), as ISO-8859-1; counted against {@link #MAX_HEAD} (431
     * beyond). The end of the stream before the line's end is a 400.
     */
    private String readLine(String what) throws HttpServer.Refusal, IOException {
        byte[] line = new byte[128];
        int n = 0;
        while (true) {
            if (pos == end && !fill()) {
                throw new HttpServer.Refusal(400, "the connection was closed in the middle of " + what);
            }
            int start = pos;
            while (pos < end && buffer[pos] != '\n') {
                pos++;
            }
            int count = pos - start;
            boolean found = pos < end;
            if (found) {
                pos++;   // the LF
            }
            lineBytes += count + (found ? 1 : 0);
            if (lineBytes > MAX_HEAD) {
                throw new HttpServer.Refusal(431, "the request line and headers are larger than the limit of " + MAX_HEAD + " bytes");
            }
            if (n + count > line.length) {
                line = Arrays.copyOf(line, Math.max(2 * line.length, n + count));
            }
            System.arraycopy(buffer, start, line, n, count);
            n += count;
            if (found) {
                break;
            }
        }
        if (n > 0 && line[n - 1] == '\r') {
            n--;
        }
        for (int i = 0; i < n; i++) {
            if (line[i] == '\r' || line[i] == 0) {
                throw new HttpServer.Refusal(400, "a bare CR or a NUL in " + what);
            }
        }
        return new String(line, 0, n, StandardCharsets.ISO_8859_1);
    }

    /** The body of {@code length} bytes; the end of the stream before it is a 400. */
    byte[] readFixed(long length) throws HttpServer.Refusal, IOException {
        received = 0;
        byte[] body = new byte[(int) Math.min(length, 16 << 10)];   // grown as the bytes arrive, not as promised
        while (received < length) {
            if (pos == end && !fill()) {
                throw new HttpServer.Refusal(400, "the connection was closed after " + received + " of " + length + " bytes of the body");
            }
            int n = (int) Math.min(end - pos, length - received);
            if (received + n > body.length) {
                body = Arrays.copyOf(body, (int) Math.min(length, Math.max(2L * body.length, received + n)));
            }
            System.arraycopy(buffer, pos, body, (int) received, n);
            pos += n;
            received += n;
        }
        return body;
    }

    /**
     * A chunked body, at most {@code max} bytes (413 beyond, before more is read); chunk extensions
     * and trailer fields are read and ignored.
     */
    byte[] readChunked(int max) throws HttpServer.Refusal, IOException {
        received = 0;
        byte[] body = new byte[1024];
        while (true) {
            lineBytes = 0;
            String line = readLine("a chunked body");
            int semicolon = line.indexOf(';');
            String size = (semicolon >= 0 ? line.substring(0, semicolon) : line).strip();
            if (size.isEmpty() || size.length() > 8 || !size.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                throw new HttpServer.Refusal(400, "bad chunk size: " + HttpServer.truncate(line));
            }
            long chunk = Long.parseLong(size, 16);
            if (chunk == 0) {
                break;
            }
            if (received + chunk > max) {
                throw new HttpServer.Refusal(413, "the body is larger than the limit of " + max + " bytes");
            }
            if (received + chunk > body.length) {
                body = Arrays.copyOf(body, (int) Math.min(max, Math.max(2L * body.length, received + chunk)));
            }
            for (long left = chunk; left > 0; ) {
                if (pos == end && !fill()) {
                    throw new HttpServer.Refusal(400, "the connection was closed in the middle of a chunk");
                }
                int n = (int) Math.min(end - pos, left);
                System.arraycopy(buffer, pos, body, (int) received, n);
                pos += n;
                received += n;
                left -= n;
            }
            lineBytes = 0;
            if (!readLine("a chunked body").isEmpty()) {
                throw new HttpServer.Refusal(400, "a chunk longer than its size");
            }
        }
        lineBytes = 0;
        while (!readLine("the trailer of a chunked body").isEmpty()) {
            // trailer fields: counted against MAX_HEAD together, otherwise ignored
        }
        return Arrays.copyOf(body, (int) received);
    }
}
