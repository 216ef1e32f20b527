package dev.gatehouse.password;

import static dev.gatehouse.testing.TestServer.body;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.gatehouse.Main;
import dev.gatehouse.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The breached-password check against a real local range API, and with an offline list. */
class BreachedPasswordsTest {
    static final String BREACHED = "password123";
    static final String CLEAN = "a-fine-unlisted-secret";

    @TempDir
    Path dir;

    HttpServer api;
    /** The paths the API was asked for, and the request bodies' sizes. */
    final List<String> asked = new CopyOnWriteArrayList<>();
    final AtomicInteger answerStatus = new AtomicInteger(200);

    static String sha1(String password) throws Exception {
        return HexFormat.of().withUpperCase().formatHex(
                MessageDigest.getInstance("SHA-1").digest(password.getBytes(StandardCharsets.UTF_8)));
    }

    @BeforeEach
    void startApi() throws Exception {
        String breached = sha1(BREACHED);
        String clean = sha1(CLEAN);
        api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        api.createContext("/hibp/range/", exchange -> {
            asked.add(exchange.getRequestURI().getPath() + (exchange.getRequestURI().getQuery() == null ? "" : "?")
                    + " body=" + exchange.getRequestBody().readAllBytes().length
                    + " padding=" + exchange.getRequestHeaders().getFirst("Add-Padding"));
            String prefix = exchange.getRequestURI().getPath().substring("/hibp/range/".length());
            StringBuilder answer = new StringBuilder("0018A45C4D1DEF81644B54AB7F969B88D65:1\r\n");
            if (prefix.equals(breached.substring(0, 5))) {
                answer.append(breached.substring(5)).append(":4242\r\n");
            }
            if (prefix.equals(clean.substring(0, 5))) {
                // A padding entry: count 0 means "not breached", as HaveIBeenPwned pads its answers.
                answer.append(clean.substring(5)).append(":0\r\n");
            }
            byte[] bytes = answer.toString().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answerStatus.get(), answerStatus.get() == 200 ? bytes.length : -1);
            if (answerStatus.get() == 200) {
                exchange.getResponseBody().write(bytes);
            }
            exchange.close();
        });
        api.start();
    }

    @AfterEach
    void stopApi() {
        api.stop(0);
    }

    private String base() {
        return "http://127.0.0.1:" + api.getAddress().getPort() + "/hibp";
    }

    private TestServer start(BreachedPasswordSettings settings) {
        return TestServer.start(dir, c -> c.withHashing(new HashParameters(256, 1, 1)).withBreachedPasswords(settings));
    }

    private static HttpResponse<String> register(TestServer server, String email, String password) {
        return server.post(server.userpass(TestServer.APP) + "/register", body("email", email, "password", password));
    }

    private static void assertRefused(HttpResponse<String> response, int status, String code, String message) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode json = TestServer.json(response);
        assertThat(json.path("error_code").asText()).isEqualTo(code);
        assertThat(json.path("error").asText()).isEqualTo(message);
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("at dev.gatehouse");
    }

    @Test
    void a_breached_password_is_refused_and_only_five_hex_digits_are_sent() throws Exception {
        try (TestServer server = start(new BreachedPasswordSettings(base(), Duration.ofSeconds(5), false, null))) {
            assertRefused(register(server, "breached@example.com", BREACHED), 400, "BadRequest", BreachedPasswords.BREACHED);
            assertThat(register(server, "clean@example.com", CLEAN).statusCode()).isEqualTo(201);

            assertThat(asked).containsExactly(
                    "/hibp/range/" + sha1(BREACHED).substring(0, 5) + " body=0 padding=true",
                    "/hibp/range/" + sha1(CLEAN).substring(0, 5) + " body=0 padding=true");
            assertThat(server.rows("SELECT email FROM users")).hasSize(1);
            assertThat(metrics(server)).contains("gatehouse_password_breach_checks_total{outcome=\"breached\"} 1.0",
                    "gatehouse_password_breach_checks_total{outcome=\"clean\"} 1.0");
        }
    }

    private static String metrics(TestServer server) {
        return TestServer.expectStatus(server.get(server.url() + "/metrics", null), 200).body();
    }

    @Test
    void a_reset_to_a_breached_password_is_refused() {
        try (TestServer server = start(new BreachedPasswordSettings(base(), Duration.ofSeconds(5), false, null))) {
            server.registerConfirmed("reset@example.com", CLEAN);
            TestServer.expectStatus(server.post(server.userpass(TestServer.APP) + "/reset/send",
                    body("email", "reset@example.com")), 204);
            JsonNode mail = server.latestMail(TestServer.APP, "reset@example.com");
            String reset = server.userpass(TestServer.APP) + "/reset";
            assertRefused(server.post(reset, body("token", mail.path("token").asText(), "tokenId",
                    mail.path("tokenId").asText(), "password", BREACHED)), 400, "BadRequest", BreachedPasswords.BREACHED);
            // The hosted reset page keeps its form and says why.
            String page = server.url() + "/app/" + TestServer.APP + "/reset";
            String form = "token=" + mail.path("token").asText() + "&tokenId=" + mail.path("tokenId").asText()
                    + "&password=" + BREACHED + "&passwordAgain=" + BREACHED;
            HttpResponse<String> hosted = server.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(page))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(form)));
            assertThat(hosted.statusCode()).isEqualTo(400);
            assertThat(hosted.body()).contains("This password has appeared in a data breach. Please choose another.")
                    .contains("name=\"password\"");
            // The token is still good for an acceptable password.
            TestServer.expectStatus(server.post(reset, body("token", mail.path("token").asText(), "tokenId",
                    mail.path("tokenId").asText(), "password", CLEAN + "2")), 204);
            server.login("reset@example.com", CLEAN + "2");
        }
    }

    @Test
    void an_api_that_cannot_answer_accepts_when_failing_open_and_refuses_with_503_when_failing_closed() {
        answerStatus.set(500);
        try (TestServer server = start(new BreachedPasswordSettings(base(), Duration.ofSeconds(5), false, null))) {
            assertThat(register(server, "open@example.com", BREACHED).statusCode()).isEqualTo(201);
        }
        api.stop(0); // now nothing listens: connection refused
        try (TestServer server = start(new BreachedPasswordSettings(base(), Duration.ofSeconds(5), true, null))) {
            assertRefused(register(server, "closed@example.com", CLEAN), 503, "ServiceUnavailable",
                    BreachedPasswords.UNAVAILABLE);
            assertThat(server.rows("SELECT email FROM users WHERE email = ?", "closed@example.com")).isEmpty();
            assertThat(metrics(server)).contains("gatehouse_password_breach_checks_total{outcome=\"unavailable_refused\"} 1.0");
        }
    }

    @Test
    void the_offline_list_refuses_listed_passwords_in_either_line_format() throws Exception {
        Path list = dir.resolve("pwned.txt");
        Files.writeString(list, "0018A45C4D1DEF81644B54AB7F969B88D65DDDDD:3\n"
                + sha1(BREACHED) + ":4242\n"
                + sha1("letmein1").toLowerCase() + "\n");
        try (TestServer server = start(new BreachedPasswordSettings(null, Duration.ofSeconds(5), false, list))) {
            assertRefused(register(server, "a@example.com", BREACHED), 400, "BadRequest", BreachedPasswords.BREACHED);
            assertRefused(register(server, "b@example.com", "letmein1"), 400, "BadRequest", BreachedPasswords.BREACHED);
            assertThat(register(server, "c@example.com", CLEAN).statusCode()).isEqualTo(201);
        }
        assertThat(asked).isEmpty();
    }

    @Test
    void a_malformed_offline_list_stops_start_up() throws IOException {
        Path list = dir.resolve("bad.txt");
        Files.writeString(list, "not-a-hash\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                        start(new BreachedPasswordSettings(null, Duration.ofSeconds(5), false, list)))
                .hasMessageContaining("line 1");
    }

    @Test
    void the_cli_refuses_to_create_a_user_with_a_breached_password() throws Exception {
        Path list = dir.resolve("pwned.txt");
        Files.writeString(list, sha1(BREACHED) + "\n");
        try (TestServer server = start(BreachedPasswordSettings.off())) {
            List<String> args = new ArrayList<>(List.of("users", "create", "--email", "op@example.com", "--password-stdin",
                    "--argon2-memory-kib", "64", "--argon2-iterations", "1", "--breached-password-file", list.toString()));
            args.addAll(TestServer.databaseFlags(dir));
            PrintStream err = System.err;
            java.io.InputStream in = System.in;
            ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
            int exit;
            try {
                System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
                System.setIn(new java.io.ByteArrayInputStream((BREACHED + "\n").getBytes(StandardCharsets.UTF_8)));
                exit = new CommandLine(new Main()).execute(args.toArray(String[]::new));
            } finally {
                System.setErr(err);
                System.setIn(in);
            }
            assertThat(exit).isEqualTo(2);
            assertThat(errBytes.toString(StandardCharsets.UTF_8)).contains(BreachedPasswords.BREACHED);
            assertThat(server.rows("SELECT email FROM users")).isEmpty();
        }
    }
}
