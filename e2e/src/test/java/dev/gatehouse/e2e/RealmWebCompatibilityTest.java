package dev.gatehouse.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.gatehouse.config.FunctionSettings;
import dev.gatehouse.testing.TestServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
    @Test
    void realm_web_2_0_1_passes_the_compatibility_suite(@TempDir Path data) throws Exception {
        // Bound first: the function app's export needs the recorder's URL before its server starts.
        HttpServer control = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String controlUrl = "http://127.0.0.1:" + control.getAddress().getPort();
        try (TestServer server = TestServer.start(data.resolve("default-app"));
             TestServer functionServer = startFunctionApp(data, controlUrl + "/calls")) {
            control.createContext("/advance", exchange -> advance(exchange, server, functionServer));
            control.createContext("/calls", new FunctionCallRecorder()::handle);
            control.start();
            RealmWebSuite.Result result = RealmWebSuite.run(Map.of(
                    "GATEHOUSE_URL", server.url(),
                    "GATEHOUSE_APP_ID", TestServer.APP,
                    "GATEHOUSE_CLOCK_URL", controlUrl,
                    "GATEHOUSE_FUNCTION_URL", functionServer.url(),
                    "GATEHOUSE_FUNCTION_APP_ID", FunctionApp.ID,
                    "GATEHOUSE_RECORDER_URL", controlUrl + "/calls"));
            assertThat(result.exitCode()).as("node --test exit code (see its report above)").isZero();
            // Every variable is set here, so no test may skip itself.
            assertThat(result.count("skipped")).as("skipped tests (see the report above)").isZero();
            assertThat(result.count("pass")).as("passed tests").isPositive().isEqualTo(result.count("tests"));
        } finally {
            control.stop(0);
        }
    }

    /**
     * A server with only the function app: its own export (see {@link FunctionApp}) and a function
     * allow-list of loopback only. A second server rather than a second app, because exports replace
     * the built-in default app that the rest of the suite tests.
     */
    private static TestServer startFunctionApp(Path data, String recorderUrl) throws IOException {
        Path export = FunctionApp.export(data.resolve("exports"), recorderUrl);
        return TestServer.start(data.resolve("function-app"), c -> c.withAppDirs(List.of(export))
                .withFunctions(FunctionSettings.defaults().withHttpAllowList(List.of("127.0.0.1"))));
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
}
