package dev.gatehouse.db;

import static dev.gatehouse.testing.TestServer.APP;
import static dev.gatehouse.testing.TestServer.body;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.password.HashParameters;
import dev.gatehouse.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many writers at once: all succeed, none stalls (run on SQLite, and on PostgreSQL in the build's second pass). It exercises the path of the stall that
 * {@code Database}'s write lock prevents (writers waiting inside SQLite's native code pinned the
 * virtual threads' carriers while the lock holder was descheduled), but cannot force that
 * interleaving; {@code bench/run-outbox --only drain --concurrency 8} reproduced it before the fix.
 * The per-request timeout detects a stall; it is not a speed threshold.
 */
class WriteConcurrencyTest {
    @TempDir
    Path data;

    @Test
    void many_simultaneous_writes_all_succeed_without_stalling() {
        // Cheap hashes, so that requests reach the database together rather than one by one.
        try (TestServer server = TestServer.start(data, c -> c.withHashing(new HashParameters(8, 1, 1)))) {
            HttpClient http = HttpClient.newBuilder().build();
            List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
            for (int round = 0; round < 4; round++) {
                for (int i = 0; i < 32; i++) {
                    HttpRequest request = HttpRequest.newBuilder(URI.create(server.userpass(APP) + "/register"))
                            .timeout(Duration.ofSeconds(20))
                            .POST(HttpRequest.BodyPublishers.ofString(body("email", "w" + round + "-" + i + "@example.com",
                                    "password", "secret1")))
                            .build();
                    responses.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
                }
            }
            List<Integer> statuses = responses.stream().map(f -> f.join().statusCode()).toList();
            assertThat(statuses).hasSize(128).containsOnly(201);
            assertThat(((Number) server.rows("SELECT COUNT(*) FROM dev_mail").get(0).get(0)).intValue()).isEqualTo(128);
        }
    }
}
