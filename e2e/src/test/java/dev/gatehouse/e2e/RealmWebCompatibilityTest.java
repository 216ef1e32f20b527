package dev.gatehouse.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.gatehouse.config.FunctionSettings;
import dev.gatehouse.testing.AppExport;
import dev.gatehouse.testing.TestServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the realm-web compatibility suite ({@code realm-web/*.test.mjs}, Node's test runner) against
 * a real Gatehouse: one server with the default app (confirmation and reset by email), and one with
 * an exported app whose confirmation and reset are JavaScript functions ({@code realm-web/functions}).
 * A small loopback control endpoint, which exists only here in the test harness, moves the servers'
 * clocks and records the functions' calls.
 */
class RealmWebCompatibilityTest {
    static final String FUNCTION_APP = "gatehouse-functions";
    static final String FUNCTION_PROVIDER = "{\"autoConfirm\":false,"
            + "\"runConfirmationFunction\":true,\"confirmationFunctionName\":\"confirmFunc\","
            + "\"runResetFunction\":true,\"resetFunctionName\":\"resetFunc\"}";
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void realm_web_2_0_1_passes_the_compatibility_suite(@TempDir Path data) throws Exception {
        // Bound first: the function app's export needs the recorder's URL before its server starts.
        HttpServer control = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String controlUrl = "http://127.0.0.1:" + control.getAddress().getPort();
        try (TestServer server = TestServer.start(data.resolve("default-app"));
             TestServer functionServer = startFunctionApp(data, controlUrl + "/calls")) {
            control.createContext("/advance", exchange -> advance(exchange, server, functionServer));
            control.createContext("/calls", new Recorder()::handle);
            control.start();
            ProcessBuilder node = new ProcessBuilder(List.of("node", "--test", "--test-reporter=spec",
                    "--test-concurrency=1", "compat.test.mjs"))
                    .directory(Path.of("realm-web").toFile())
                    .redirectErrorStream(true);
            node.environment().put("GATEHOUSE_URL", server.url());
            node.environment().put("GATEHOUSE_APP_ID", TestServer.APP);
            node.environment().put("GATEHOUSE_CLOCK_URL", controlUrl);
            node.environment().put("GATEHOUSE_FUNCTION_URL", functionServer.url());
            node.environment().put("GATEHOUSE_FUNCTION_APP_ID", FUNCTION_APP);
            node.environment().put("GATEHOUSE_RECORDER_URL", controlUrl + "/calls");
            Process process = node.start();
            // Relayed through System.out (not inherited): Surefire owns the JVM's stdout channel.
            Thread relay = Thread.ofPlatform().daemon().start(() -> relay(process));
            boolean finished = process.waitFor(5, TimeUnit.MINUTES);
            if (!finished) {
                process.destroyForcibly();
            }
            assertThat(finished).as("node test run finished in time").isTrue();
            relay.join(10_000);
            assertThat(process.exitValue()).as("node --test exit code (see its report above)").isZero();
        } finally {
            control.stop(0);
        }
    }

    /**
     * A server with only the function app: its own export (the sources in {@code realm-web/functions},
     * the recorder's URL as the value {@code recorderUrl}) and a function allow-list of loopback only.
     * A second server rather than a second app, because exports replace the built-in default app that
     * the rest of the suite tests.
     */
    private static TestServer startFunctionApp(Path data, String recorderUrl) throws IOException {
        Path functions = Path.of("realm-web", "functions");
        Path export = AppExport.of(data.resolve("exports"), FUNCTION_APP)
                .provider(FUNCTION_PROVIDER)
                .function("confirmFunc", Files.readString(functions.resolve("confirmFunc.js")))
                .function("resetFunc", Files.readString(functions.resolve("resetFunc.js")))
                .value("recorderUrl", JSON.writeValueAsString(recorderUrl), false)
                .write();
        return TestServer.start(data.resolve("function-app"), c -> c.withAppDirs(List.of(export))
                .withFunctions(FunctionSettings.defaults().withHttpAllowList(List.of("127.0.0.1"))));
    }

    private static void relay(Process process) {
        try (BufferedReader out = process.inputReader(StandardCharsets.UTF_8)) {
            out.lines().forEach(System.out::println);
        } catch (IOException e) {
            System.out.println("(node output lost: " + e + ")");
        }
    }

    /** {@code POST /advance?seconds=N} moves both servers' clocks forward. */
    private static void advance(HttpExchange exchange, TestServer... servers) throws IOException {
        String query = exchange.getRequestURI().getQuery();
        long seconds = Long.parseLong(query.replaceFirst("^seconds=", ""));
        for (TestServer server : servers) {
            server.clock().advance(Duration.ofSeconds(seconds));
        }
        exchange.sendResponseHeaders(204, -1);
        exchange.close();
    }

    /**
     * The outside service the function app's functions report to. {@code POST /calls} with a JSON
     * object {@code {function, username, ...}} stores it and answers {@code {"calls": n}}, how many
     * calls of that function for that username it has seen so far; {@code GET /calls?username=U}
     * answers {@code {"calls": [...]}}, every stored object for U, oldest first.
     */
    private static final class Recorder {
        private final List<JsonNode> calls = new ArrayList<>();

        void handle(HttpExchange exchange) throws IOException {
            JsonNode reply;
            synchronized (calls) {
                if (exchange.getRequestMethod().equals("POST")) {
                    JsonNode call = JSON.readTree(exchange.getRequestBody());
                    calls.add(call);
                    long seen = calls.stream().filter(c -> c.path("username").equals(call.path("username"))
                            && c.path("function").equals(call.path("function"))).count();
                    reply = JSON.createObjectNode().put("calls", seen);
                } else {
                    String query = Objects.requireNonNullElse(exchange.getRequestURI().getRawQuery(), "");
                    String username = URLDecoder.decode(query.replaceFirst("^username=", ""), StandardCharsets.UTF_8);
                    ArrayNode matching = JSON.createArrayNode();
                    calls.stream().filter(c -> c.path("username").asText().equals(username)).forEach(matching::add);
                    reply = JSON.createObjectNode().set("calls", matching);
                }
            }
            byte[] body = JSON.writeValueAsBytes(reply);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        }
    }
}
