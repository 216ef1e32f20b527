package dev.gatehouse.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.gatehouse.testing.TestServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the realm-web compatibility suite ({@code realm-web/*.test.mjs}, Node's test runner) against
 * a real Gatehouse. The suite moves the server's clock through a small loopback control endpoint
 * that exists only here, in the test harness.
 */
class RealmWebCompatibilityTest {

    @Test
    void realm_web_2_0_1_passes_the_compatibility_suite(@TempDir Path data) throws Exception {
        try (TestServer server = TestServer.start(data)) {
            HttpServer clockControl = clockControl(server);
            try {
                String clockUrl = "http://127.0.0.1:" + clockControl.getAddress().getPort();
                ProcessBuilder node = new ProcessBuilder(List.of("node", "--test", "--test-reporter=spec",
                        "--test-concurrency=1", "compat.test.mjs"))
                        .directory(Path.of("realm-web").toFile())
                        .redirectErrorStream(true);
                node.environment().put("GATEHOUSE_URL", server.url());
                node.environment().put("GATEHOUSE_APP_ID", TestServer.APP);
                node.environment().put("GATEHOUSE_CLOCK_URL", clockUrl);
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
                clockControl.stop(0);
            }
        }
    }

    private static void relay(Process process) {
        try (BufferedReader out = process.inputReader(StandardCharsets.UTF_8)) {
            out.lines().forEach(System.out::println);
        } catch (IOException e) {
            System.out.println("(node output lost: " + e + ")");
        }
    }

    /** {@code POST /advance?seconds=N} moves the server's clock forward. */
    private static HttpServer clockControl(TestServer server) throws IOException {
        HttpServer control = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        control.createContext("/advance", exchange -> {
            String query = exchange.getRequestURI().getQuery();
            long seconds = Long.parseLong(query.replaceFirst("^seconds=", ""));
            server.clock().advance(Duration.ofSeconds(seconds));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        control.start();
        return control;
    }
}
