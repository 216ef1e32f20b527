package dev.gatehouse.reliability;

import static dev.gatehouse.testing.TestServer.APP;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a Java HTTP client will not send: malformed request lines, bad chunking, bodies shorter than
 * their {@code Content-Length}, smuggling attempts, and slowloris clients, written byte by byte on a
 * raw socket. Every answer must be a 4xx in the App Services error shape (or, where the request
 * cannot be framed at all, a closed connection), never a hang, never a 5xx but Jetty's 505 for a
 * request line that is not HTTP/1.x (with {@code BadRequest} as its code), and the server must keep
 * serving everyone else. Figures go to stdout.
 */
@Tag("reliability")
class WireReliabilityTest {
    private static final Pattern STATUS = Pattern.compile("^HTTP/1\\.[01] (\\d{3}) ");
    private static final String LOGIN = "/api/client/v2.0/app/" + APP + "/auth/providers/local-userpass/login";
    private static final String LOCATION = "/api/client/v2.0/app/" + APP + "/location";
    @TempDir
    static Path dir;
    static TestServer server;
    static int port;

    @BeforeAll
    static void start() {
        server = TestServer.start(dir);
        port = URI.create(server.url()).getPort();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A raw request, and what it stands for. */
    record Raw(String name, String request, boolean halfClose) {
        Raw(String name, String request) {
            this(name, request, true);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static List<Raw> malformed() {
        String json = "{\"username\":\"a@example.com\",\"password\":\"secret1\"}";
        String post = "POST " + LOGIN + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n";
        return List.of(
                new Raw("garbage request line", "HELLO THERE\r\n\r\n"),
                new Raw("no version", "GET " + LOCATION + "\r\n\r\n"),
                new Raw("unknown version", "GET " + LOCATION + " HTTP/7.3\r\nHost: localhost\r\n\r\n"),
                new Raw("HTTP/2 preface on HTTP/1", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"),
                new Raw("lowercase method", "get " + LOCATION + " HTTP/1.1\r\nHost: localhost\r\n\r\n"),
                new Raw("space in the path", "GET /api/client/v2.0/app/x y/location HTTP/1.1\r\nHost: localhost\r\n\r\n"),
                new Raw("raw control byte in the path", "GET /api/\u0001/location HTTP/1.1\r\nHost: localhost\r\n\r\n"),
                new Raw("no Host on HTTP/1.1", "GET " + LOCATION + " HTTP/1.1\r\n\r\n"),
                new Raw("two Host headers", "GET " + LOCATION + " HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"),
                new Raw("header without a colon", "GET " + LOCATION + " HTTP/1.1\r\nHost: localhost\r\nNoColonHere\r\n\r\n"),
                new Raw("space before the colon", "GET " + LOCATION + " HTTP/1.1\r\nHost : localhost\r\n\r\n"),
                new Raw("bare CR in a header", "GET " + LOCATION + " HTTP/1.1\r\nHost: localhost\r\nX-A: b\rc\r\n\r\n"),
                new Raw("obsolete line folding", "GET " + LOCATION + " HTTP/1.1\r\nHost: localhost\r\nX-A: b\r\n c\r\n\r\n"),
                new Raw("two different Content-Lengths", post + "Content-Length: 5\r\nContent-Length: 50\r\n\r\n" + json),
                new Raw("negative Content-Length", post + "Content-Length: -1\r\n\r\n" + json),
                new Raw("Content-Length not a number", post + "Content-Length: 1e3\r\n\r\n" + json),
                new Raw("Content-Length past 2^63", post + "Content-Length: 99999999999999999999\r\n\r\n" + json),
                new Raw("chunked and Content-Length", post + "Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n"),
                new Raw("chunk size not hex", post + "Transfer-Encoding: chunked\r\n\r\nZZ\r\n" + json + "\r\n0\r\n\r\n"),
                new Raw("chunk longer than announced", post + "Transfer-Encoding: chunked\r\n\r\n2\r\n" + json + "\r\n0\r\n\r\n"),
                new Raw("chunk size past 2^63", post + "Transfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFF\r\n{}\r\n0\r\n\r\n"),
                new Raw("unknown transfer coding", post + "Transfer-Encoding: gzip, chunked, bogus\r\n\r\n0\r\n\r\n"),
                new Raw("chunk extension garbage", post + "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(json.length())
                        + ";\u0000\u0001=\r\n" + json + "\r\n0\r\n\r\n"),
                new Raw("body past the limit, announced", post + "Content-Length: 10000000\r\n\r\n{", false),
                new Raw("NUL in a header value", "GET " + LOCATION + " HTTP/1.1\r\nHost: localhost\r\nX-A: a\u0000b\r\n\r\n"),
                new Raw("8-bit bytes in the method", "G\u00c9T " + LOCATION + " HTTP/1.1\r\nHost: localhost\r\n\r\n"));
    }

    /**
     * Each malformed request on its own connection, then end of input: answered with a 4xx in the
     * error shape (or a well-formed answer where Jetty is lenient and the request makes sense), or
     * the connection closed without an answer; never a 5xx, never more than the read timeout.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformed_requests_get_a_4xx_or_a_closed_connection(Raw raw) throws Exception {
        Answer answer = exchange(raw.request().getBytes(StandardCharsets.ISO_8859_1), raw.halfClose());
        report(raw.name(), answer);
        assertThat(answer.timedOut()).as("answered or closed within 15 s").isFalse();
        if (answer.status() > 0) {
            // Jetty's one 5xx for a request line without HTTP/1.x, which keeps its status (ProtocolErrors).
            if (answer.status() == 505) {
                assertThat(errorCode(answer.text())).isEqualTo("BadRequest");
            } else {
                assertThat(answer.status()).as(answer.text()).isLessThan(500);
            }
            if (answer.status() >= 400) {
                assertThat(answer.text()).as("error shape").contains("Content-Type: application/json", "\"error_code\"");
                assertThat(answer.text()).doesNotContain("Exception", "at org.", "at dev.", "jetty");
            }
        }
        assertServes();
    }

    /** A body shorter than its Content-Length, then the client stops writing (half-close). */
    @Test
    void a_body_shorter_than_its_content_length_is_refused_when_the_client_stops() throws Exception {
        String request = "POST " + LOGIN + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: 100\r\n\r\n{\"username\":";
        Answer answer = exchange(request.getBytes(StandardCharsets.ISO_8859_1), true);
        report("body shorter than Content-Length", answer);
        assertThat(answer.timedOut()).isFalse();
        if (answer.status() > 0) {
            assertThat(answer.status()).isBetween(400, 499);
        }
        assertServes();
    }

    /**
     * Slowloris: many connections that each send a request's headers a few bytes at a time and never
     * finish. Jetty reads them without a thread each, so everyone else is served meanwhile.
     */
    @Test
    void slow_clients_holding_many_connections_do_not_stop_others() throws Exception {
        int slow = 200;
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < slow; i++) {
                Socket socket = new Socket("127.0.0.1", port);
                socket.getOutputStream().write(("POST " + LOGIN + " HTTP/1.1\r\nHost: localhost\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                sockets.add(socket);
            }
            long worst = 0;
            int served = 0;
            for (int round = 0; round < 10; round++) {
                for (Socket socket : sockets) {
                    if (!socket.isClosed()) {
                        try {
                            socket.getOutputStream().write(("X-Slow-" + round + ": x\r\n").getBytes(StandardCharsets.ISO_8859_1));
                        } catch (IOException closedByServer) {
                            socket.close();
                        }
                    }
                }
                long started = System.nanoTime();
                assertServes();
                served++;
                worst = Math.max(worst, (System.nanoTime() - started) / 1_000_000);
                Thread.sleep(200);
            }
            long open = sockets.stream().filter(s -> !s.isClosed()).count();
            System.out.printf("reliability [%s]: slowloris: %d slow connections (%d still open), %d other requests "
                    + "served meanwhile, slowest %d ms%n", database(), slow, open, served, worst);
            assertThat(served).isEqualTo(10);
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
        assertServes();
    }

    /** The server answers an ordinary request on a new connection. */
    private static void assertServes() throws IOException {
        Answer answer = exchange(("GET " + LOCATION + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1), false);
        assertThat(answer.status()).as("an ordinary request afterwards: " + answer.text()).isEqualTo(200);
    }

    record Answer(int status, String text, boolean timedOut) {}

    /**
     * Writes the bytes, optionally half-closes, and reads until the server closes or 15 s pass. A
     * reset while writing or reading counts as a close: the server may refuse mid-request.
     */
    private static Answer exchange(byte[] request, boolean halfClose) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(15_000);
            ByteArrayOutputStream read = new ByteArrayOutputStream();
            boolean timedOut = false;
            try {
                OutputStream out = socket.getOutputStream();
                out.write(request);
                out.flush();
                if (halfClose) {
                    socket.shutdownOutput();
                }
                InputStream in = socket.getInputStream();
                byte[] buffer = new byte[8192];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    read.write(buffer, 0, n);
                    if (!halfClose && complete(read.toString(StandardCharsets.ISO_8859_1))) {
                        break;
                    }
                }
            } catch (SocketTimeoutException e) {
                timedOut = true;
            } catch (IOException reset) {
                // Connection reset: refused mid-request; whatever was read stands.
            }
            String text = read.toString(StandardCharsets.ISO_8859_1);
            Matcher m = STATUS.matcher(text);
            return new Answer(m.find() ? Integer.parseInt(m.group(1)) : 0, text, timedOut);
        }
    }

    /** Whether a response with a Content-Length has arrived in full. */
    private static boolean complete(String text) {
        int end = text.indexOf("\r\n\r\n");
        Matcher length = Pattern.compile("(?i)content-length: (\\d+)").matcher(text);
        return end > 0 && length.find() && text.length() - end - 4 >= Integer.parseInt(length.group(1));
    }

    private static void report(String name, Answer answer) {
        String what = answer.timedOut() ? "no answer in 15 s" : answer.status() == 0 ? "closed without an answer"
                : answer.status() + " " + errorCode(answer.text());
        System.out.printf("reliability [%s]: wire: %-32s -> %s%n", database(), name, what);
    }

    private static String errorCode(String text) {
        Matcher m = Pattern.compile("\"error_code\":\"([^\"]*)\"").matcher(text);
        return m.find() ? m.group(1) : "";
    }

    private static String database() {
        return TestServer.onPostgres() ? "postgresql" : "sqlite";
    }
}
