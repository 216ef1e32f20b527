package dev.gatehouse.reliability;

import static dev.gatehouse.testing.TestServer.APP;
import static dev.gatehouse.testing.TestServer.body;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.password.HashParameters;
import dev.gatehouse.testing.Race;
import dev.gatehouse.testing.TestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many clients racing for one thing that only one may get: an email address, a confirmation
 * token, a reset token. Each race is {@value #RACERS} requests released together from virtual
 * threads; the database must pick exactly one winner and every loser must get the contract's error,
 * never a 5xx. Figures go to stdout (docs/reliability.md).
 */
@Tag("reliability")
class ConcurrencyReliabilityTest {
    static final int RACERS = 200;
    @TempDir
    static Path dir;
    static TestServer server;
    static final Probe probe = new Probe();

    @BeforeAll
    static void start() {
        // Cheap Argon2id: the race is about the database, not the hash; every racer still hashes.
        server = TestServer.start(dir, c -> c.withHashing(new HashParameters(1024, 1, 1))
                .withMail(c.mail().withQuota(0, Duration.ofHours(1), true)));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Releases all racers at once and returns their answers. */
    static List<HttpResponse<String>> race(String name, Supplier<HttpRequest.Builder> request) throws Exception {
        Race race = Race.run(RACERS, racer -> probe.check(request.get()));
        System.out.printf("reliability [%s]: %-26s %d concurrent requests in %d ms: %s%n",
                TestServer.onPostgres() ? "postgresql" : "sqlite", name, RACERS, race.millis(), race.byAnswer());
        return race.responses();
    }

    static long count(List<HttpResponse<String>> responses, int status, String errorCode) {
        return responses.stream().filter(r -> r.statusCode() == status)
                .filter(r -> errorCode == null || TestServer.json(r).path("error_code").asText().equals(errorCode)).count();
    }

    static HttpRequest.Builder post(String url, String json) {
        return Probe.request(url).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
    }

    @Test
    void one_email_registered_by_200_clients_at_once_makes_exactly_one_account() throws Exception {
        String email = "race@example.com";
        List<HttpResponse<String>> answers = race("register one email",
                () -> post(server.userpass(APP) + "/register", body("email", email, "password", "secret1")));
        assertThat(count(answers, 201, null)).isEqualTo(1);
        assertThat(count(answers, 409, "AccountNameInUse")).isEqualTo(RACERS - 1);
        assertThat(server.rows("SELECT COUNT(*) FROM users WHERE email = ?", email).get(0).get(0))
                .asString().isEqualTo("1");
    }

    @Test
    void one_confirmation_token_used_by_200_clients_at_once_confirms_exactly_once() throws Exception {
        String email = "confirm-race@example.com";
        TestServer.expectStatus(server.post(server.userpass(APP) + "/register", body("email", email, "password", "secret1")), 201);
        JsonNode mail = server.latestMail(APP, email);
        String json = body("token", mail.path("token").asText(), "tokenId", mail.path("tokenId").asText());
        List<HttpResponse<String>> answers = race("confirm with one token", () -> post(server.userpass(APP) + "/confirm", json));
        assertThat(count(answers, 204, null)).isEqualTo(1);
        assertThat(count(answers, 400, "UserpassTokenInvalid")).isEqualTo(RACERS - 1);
        server.login(email, "secret1");
    }

    @Test
    void one_reset_token_used_by_200_clients_at_once_resets_exactly_once() throws Exception {
        String email = "reset-race@example.com";
        server.registerConfirmed(email, "secret1");
        TestServer.expectStatus(server.post(server.userpass(APP) + "/reset/send", body("email", email)), 204);
        JsonNode mail = server.latestMail(APP, email);
        List<HttpResponse<String>> answers = race("reset with one token", () -> post(server.userpass(APP) + "/reset",
                body("token", mail.path("token").asText(), "tokenId", mail.path("tokenId").asText(), "password", "n3w-secret")));
        assertThat(count(answers, 204, null)).isEqualTo(1);
        assertThat(count(answers, 400, "UserpassTokenInvalid")).isEqualTo(RACERS - 1);
        server.login(email, "n3w-secret");
    }
}
