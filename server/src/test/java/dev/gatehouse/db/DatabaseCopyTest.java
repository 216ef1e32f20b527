package dev.gatehouse.db;

import static dev.gatehouse.testing.TestServer.APP;
import static dev.gatehouse.testing.TestServer.body;
import static dev.gatehouse.testing.TestServer.expectStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.testing.Cli;
import dev.gatehouse.testing.Cli.Run;
import dev.gatehouse.testing.EmbeddedPostgres;
import dev.gatehouse.testing.TestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gatehouse db copy}: a deployment on the embedded SQLite database moves to a real
 * PostgreSQL (embedded binaries), and a server there carries on where the old one stopped: same
 * passwords, the tokens it issued, its pending confirmation links, its mail sequence.
 */
class DatabaseCopyTest {
    @TempDir
    Path sqliteDir;
    @TempDir
    Path postgresDir;

    private static Run gatehouse(String... args) {
        return Cli.run(null, args);
    }

    private Run copyInto(DatabaseSettings target) {
        List<String> args = new ArrayList<>(List.of("db", "copy", "--data-dir", sqliteDir.toString(),
                "--to-database-url", target.url()));
        if (target.user() != null) {
            args.addAll(List.of("--to-database-user", target.user()));
        }
        return gatehouse(args.toArray(String[]::new));
    }

    @Test
    void a_sqlite_deployment_moves_to_postgresql_and_carries_on() {
        JsonNode session;
        JsonNode pending;
        try (TestServer old = TestServer.start(sqliteDir, c -> c.withDatabase(DatabaseSettings.embedded()))) {
            old.registerConfirmed("moved@example.com", "secret1");
            session = old.login("moved@example.com", "secret1");
            expectStatus(old.post(old.userpass(APP) + "/register", body("email", "pending@example.com", "password", "secret2")), 201);
            pending = old.latestMail(APP, "pending@example.com");
        }

        DatabaseSettings postgres = EmbeddedPostgres.shared().newDatabase();
        Run run = copyInto(postgres);
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("users: 2").contains("sessions: 1").contains("signing_keys: 1")
                .contains("user_tokens: ").contains("copied ");

        try (TestServer moved = TestServer.start(postgresDir, c -> c.withDatabase(postgres))) {
            // The old server's tokens, signed with its key, which came along.
            String app = moved.url() + "/api/client/v2.0/app/" + APP;
            expectStatus(moved.get(app + "/auth/profile", session.path("access_token").asText()), 200);
            expectStatus(moved.withBearer("POST", app + "/auth/session", session.path("refresh_token").asText()), 201);
            // The password, and the confirmation link emailed before the move.
            moved.login("moved@example.com", "secret1");
            expectStatus(moved.post(moved.userpass(APP) + "/confirm",
                    body("token", pending.path("token").asText(), "tokenId", pending.path("tokenId").asText())), 204);
            moved.login("pending@example.com", "secret2");
            // New rows after the copied ones: the dev mailbox's sequence went on past them.
            expectStatus(moved.post(moved.userpass(APP) + "/register", body("email", "new@example.com", "password", "secret3")), 201);
            assertThat(moved.latestMail(APP, "new@example.com").path("token").asText()).isNotEmpty();
        }

        // Never into a database that holds data: a second copy is refused and changes nothing.
        Run again = copyInto(postgres);
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).contains("already holds data");
    }

    /** A table from a newer migration that DatabaseCopy.TABLES lacks would be left behind: refused instead. */
    @Test
    void a_source_table_this_version_does_not_know_stops_the_copy_before_any_row() {
        try (Database source = Database.sqlite(sqliteDir);
             Database target = Database.postgres(EmbeddedPostgres.shared().newDatabase())) {
            source.useTransaction(h -> h.execute("CREATE TABLE mystery (x INTEGER)"));
            assertThatThrownBy(() -> DatabaseCopy.copy(source, target))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mystery");
            assertThatThrownBy(() -> DatabaseCopy.copy(source, source))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PostgreSQL");
        }
    }

    @Test
    void the_target_must_be_postgresql_and_reachable() {
        Run run = gatehouse("db", "copy", "--data-dir", sqliteDir.toString(), "--to-database-url", "jdbc:mysql://localhost/x");
        assertThat(run.exit()).isNotZero();
        assertThat(run.err()).isNotEmpty();
        Run unreachable = gatehouse("db", "copy", "--data-dir", sqliteDir.toString(), "--to-database-url",
                "jdbc:postgresql://127.0.0.1:1/nothing");
        assertThat(unreachable.exit()).isEqualTo(1);
        assertThat(unreachable.err()).contains("cannot connect");
    }
}
