package mnist.app;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import mnist.math.random.RandomSource;
import mnist.model.Activation;
import mnist.model.Initializer;
import mnist.model.internal.Classifiers;
import mnist.model.internal.Network;
import mnist.model.internal.Output;
import mnist.model.internal.SavedModel;

/**
 * mnist serve's request handling: any bytes sent as requests (one or several on the connection) get
 * well-formed HTTP answers (or none, for a connection that sent nothing) and never a 500, which would be
 * a bug of ours.
 */
class HttpFuzzTarget {
    private static DigitServer server;
    private static final java.util.regex.Pattern STATUS_500 = java.util.regex.Pattern.compile("(?m)^HTTP/1\\.1 500 ");

    private static synchronized DigitServer server() throws IOException {
        if (server == null) {
            Network network = new Network(new int[] {784, 16, 10}, Activation.RELU, Output.SOFTMAX);
            network.initialise(Initializer.HE, RandomSource.create("java", 1));
            server = DigitServer.start(Classifiers.of(SavedModel.digits(network, Map.of())),
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 2, 64);
        }
        return server;
    }

    @FuzzTest(maxDuration = "5m")
    @SuppressWarnings("try") // the allowance is scoped by the try, never read
    void request(byte[] data) throws IOException {
        DigitServer s = server();
        // the target's own connection to the server under test, which Jazzer's SSRF detector would report
        int port = s.address().getPort();
        try (SilentCloseable allowed = BugDetectors.allowNetworkConnections((host, p) -> p == port);
             Socket socket = new Socket()) {
            socket.connect(s.address(), 2000);
            socket.setSoTimeout(2000);
            socket.getOutputStream().write(data);
            socket.shutdownOutput();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = in.read(buf)) > 0 && got.size() < 1 << 20; ) {
                    got.write(buf, 0, n);
                }
            } catch (SocketTimeoutException | java.net.SocketException e) {
                // the server may keep or reset a connection it cannot parse
            }
            String answer = got.toString(StandardCharsets.ISO_8859_1);
            if (!answer.isEmpty()) {
                assertTrue(answer.startsWith("HTTP/1.1 "), "not an HTTP answer: " + answer.substring(0, Math.min(80, answer.length())));
                // a status line of 500 at the start of any answer (not in a message that echoes the request)
                assertTrue(!STATUS_500.matcher(answer).find(), "a 500: " + answer);
            }
        }
    }
}
