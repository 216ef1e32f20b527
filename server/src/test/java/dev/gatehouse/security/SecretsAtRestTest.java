package dev.gatehouse.security;

import static dev.gatehouse.testing.TestServer.APP;
import static dev.gatehouse.testing.TestServer.body;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Passwords and bearer secrets are stored only as hashes, and neither they nor tokens reach the
 * log or an error body. The dev mailbox is the one deliberate exception: it is a mailbox, so it
 * holds (and logs) the links it delivers, and it is for development only.
 */
class SecretsAtRestTest {
    static final String PASSWORD = "correct horse battery";
    static final String NEW_PASSWORD = "staple battery horse";

    @TempDir
    Path data;

    @Test
    void the_database_holds_no_password_or_token_in_plaintext_and_the_log_no_password_or_session_token() throws Exception {
        PrintStream originalErr = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        List<String> secrets = new ArrayList<>(List.of(PASSWORD, NEW_PASSWORD));
        TestServer server = TestServer.start(data);
        try (server) {
            server.post(server.userpass(APP) + "/register", body("email", "s@example.com", "password", PASSWORD));
            JsonNode confirm = server.latestMail(APP, "s@example.com");
            secrets.add(confirm.path("token").asText());
            server.post(server.userpass(APP) + "/confirm", body("token", confirm.path("token").asText(),
                    "tokenId", confirm.path("tokenId").asText()));
            JsonNode login = server.login("s@example.com", PASSWORD);
            secrets.add(login.path("refresh_token").asText());
            secrets.add(login.path("access_token").asText());
            server.post(server.userpass(APP) + "/reset/send", body("email", "s@example.com"));
            JsonNode reset = server.latestMail(APP, "s@example.com");
            secrets.add(reset.path("token").asText());
            server.post(server.userpass(APP) + "/reset", body("password", NEW_PASSWORD, "token", reset.path("token").asText(),
                    "tokenId", reset.path("tokenId").asText()));
            // Failed attempts must not echo what they were given either.
            String failed = server.post(server.userpass(APP) + "/login", body("username", "s@example.com", "password", PASSWORD)).body();
            assertThat(failed).doesNotContain(PASSWORD);
        } finally {
            System.setErr(originalErr);
        }

        List<String> stored = allValues(server, "users", "user_tokens", "sessions", "signing_keys");
        for (String secret : secrets) {
            assertThat(stored).noneSatisfy(v -> assertThat(v).contains(secret));
        }
        assertThat(allValues(server, "users")).anySatisfy(v -> assertThat(v).startsWith("$argon2id$v=19$m=19456,t=2,p=1$"));

        String logged = log.toString(StandardCharsets.UTF_8);
        assertThat(logged).contains("dev mailbox");
        assertThat(logged).doesNotContain(PASSWORD, NEW_PASSWORD, secrets.get(3), secrets.get(4));
    }

    /** Every value in the tables, read from the database the server wrote (SQLite or PostgreSQL). */
    private static List<String> allValues(TestServer server, String... tables) {
        List<String> values = new ArrayList<>();
        for (String table : tables) {
            server.rows("SELECT * FROM " + table).forEach(row -> row.forEach(v -> values.add(String.valueOf(v))));
        }
        return values;
    }
}
