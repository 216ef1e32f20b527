package dev.gatehouse.maintenance;

import static dev.gatehouse.testing.TestServer.APP;
import static dev.gatehouse.testing.TestServer.body;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The janitor deletes what can no longer serve (expired tokens and sessions, old sent mail) and
 * nothing that still can: users stay, live sessions keep working, recent mail stays countable.
 */
class JanitorTest {
    @TempDir
    Path data;

    private static long count(TestServer server, String table) {
        return ((Number) server.rows("SELECT COUNT(*) FROM " + table).get(0).get(0)).longValue();
    }

    @Test
    void expired_rows_go_and_live_ones_stay() {
        try (TestServer server = TestServer.start(data)) {
            server.registerConfirmed("keep@example.com", "secret1");
            String refresh = server.login("keep@example.com", "secret1").path("refresh_token").asText();
            server.post(server.userpass(APP) + "/register", body("email", "pending@example.com", "password", "secret1"));
            server.post(server.userpass(APP) + "/reset/send", body("email", "keep@example.com"));
            // keep's used confirmation (kept, marked used, until it expires), the pending user's, and the reset.
            assertThat(count(server, "user_tokens")).isEqualTo(3);

            assertThat(server.server().purgeExpired()).as("nothing has expired yet").isZero();

            server.clock().advance(Duration.ofMinutes(31));
            assertThat(server.server().purgeExpired()).isEqualTo(3);
            assertThat(count(server, "user_tokens")).isZero();
            assertThat(count(server, "users")).as("users, pending ones too, are never the janitor's").isEqualTo(2);
            assertThat(server.withBearer("POST", server.url() + "/api/client/v2.0/auth/session", refresh).statusCode())
                    .as("a live session survives").isEqualTo(201);
            assertThat(count(server, "dev_mail")).as("mail within its retention stays").isEqualTo(3);

            server.clock().advance(Duration.ofDays(61));
            assertThat(server.server().purgeExpired()).as("the expired session and the week-old mail").isEqualTo(4);
            assertThat(count(server, "sessions")).isZero();
            assertThat(count(server, "dev_mail")).isZero();
            assertThat(server.login("keep@example.com", "secret1").path("access_token").asText()).isNotEmpty();
        }
    }

    @Test
    void a_backlog_larger_than_a_batch_is_deleted_in_batches() {
        try (TestServer server = TestServer.start(data)) {
            server.registerConfirmed("many@example.com", "secret1");
            String userId = server.rows("SELECT id FROM users").get(0).get(0).toString();
            long past = server.clock().instant().minusSeconds(60).toEpochMilli();
            int rows = Janitor.BATCH * 2 + 17;
            // One statement that both databases understand, rather than thousands of round trips.
            server.sql("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
                    + "INSERT INTO user_tokens (token_id, user_id, purpose, token_hash, created_at, expires_at) "
                    + "SELECT 't' || i, ?, 'reset', 'h', ?, ? FROM n", rows, userId, past, past);
            // Plus the used, unexpired confirmation, which stays until it expires.
            assertThat(count(server, "user_tokens")).isEqualTo(rows + 1);
            assertThat(server.server().purgeExpired()).isEqualTo(rows);
            assertThat(count(server, "user_tokens")).isEqualTo(1);
        }
    }
}
