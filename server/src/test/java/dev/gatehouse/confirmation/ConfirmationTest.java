package dev.gatehouse.confirmation;

import static dev.gatehouse.testing.TestServer.APP;
import static dev.gatehouse.testing.TestServer.body;
import static dev.gatehouse.testing.WireAssertions.assertEmpty;
import static dev.gatehouse.testing.WireAssertions.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.testing.TestServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ConfirmationTest {
    static final String UNKNOWN_TOKEN = "ab".repeat(64);
    static final String UNKNOWN_TOKEN_ID = "5f84057629c14b540462cd1d";

    @RegisterExtension
    static final TestServer server = TestServer.perClass();

    private void register(String email) {
        TestServer.expectStatus(server.post(server.userpass(APP) + "/register", body("email", email, "password", "secret1")), 201);
    }

    private HttpResponse<String> confirm(String token, String tokenId) {
        return server.post(server.userpass(APP) + "/confirm", body("token", token, "tokenId", tokenId));
    }

    private HttpResponse<String> confirm(JsonNode mail) {
        return confirm(mail.path("token").asText(), mail.path("tokenId").asText());
    }

    private HttpResponse<String> login(String email) {
        return server.post(server.userpass(APP) + "/login", body("username", email, "password", "secret1"));
    }

    private HttpResponse<String> resend(String email) {
        return server.post(server.userpass(APP) + "/confirm/send", body("email", email));
    }

    @Test
    void a_pending_user_cannot_log_in_until_confirmed() {
        register("pending@example.com");
        assertError(login("pending@example.com"), 401, "AuthError", "confirmation required");
        assertEmpty(confirm(server.latestMail(APP, "pending@example.com")), 204);
        assertThat(login("pending@example.com").statusCode()).isEqualTo(200);
    }

    @Test
    void a_confirmation_token_works_once() {
        register("once@example.com");
        JsonNode mail = server.latestMail(APP, "once@example.com");
        assertEmpty(confirm(mail), 204);
        assertError(confirm(mail), 400, "UserpassTokenInvalid", "userpass token is expired or invalid");
    }

    @Test
    void a_confirmation_token_expires_after_30_minutes() {
        register("late@example.com");
        JsonNode mail = server.latestMail(APP, "late@example.com");
        server.clock().advance(Duration.ofMinutes(30).plusSeconds(1));
        assertError(confirm(mail), 400, "UserpassTokenInvalid", "userpass token is expired or invalid");
        assertError(login("late@example.com"), 401, "AuthError", "confirmation required");
    }

    @Test
    void a_token_within_its_30_minutes_still_works() {
        register("intime@example.com");
        JsonNode mail = server.latestMail(APP, "intime@example.com");
        server.clock().advance(Duration.ofMinutes(29));
        assertEmpty(confirm(mail), 204);
    }

    @Test
    void a_malformed_token_pair_is_invalid_token_data() {
        String message = "invalid token data";
        assertError(confirm("abc", "123"), 400, "BadRequest", message);
        assertError(confirm("a_token", "a_token_id"), 400, "BadRequest", message);
        assertError(confirm("e30=", "some-token-id"), 400, "BadRequest", message);
        assertError(server.post(server.userpass(APP) + "/confirm", "{}"), 400, "BadRequest", message);
    }

    @Test
    void a_well_formed_but_unknown_pair_is_userpass_token_invalid() {
        assertError(confirm(UNKNOWN_TOKEN, UNKNOWN_TOKEN_ID), 400, "UserpassTokenInvalid", "userpass token is expired or invalid");
        register("wrongtoken@example.com");
        JsonNode mail = server.latestMail(APP, "wrongtoken@example.com");
        assertError(confirm(UNKNOWN_TOKEN, mail.path("tokenId").asText()), 400, "UserpassTokenInvalid",
                "userpass token is expired or invalid");
        // The failed attempt did not use the token up.
        assertEmpty(confirm(mail), 204);
    }

    @Test
    void a_resend_issues_a_new_token_and_leaves_the_earlier_one_valid() {
        register("resend@example.com");
        JsonNode first = server.latestMail(APP, "resend@example.com");
        assertEmpty(resend("resend@example.com"), 204);
        JsonNode second = server.latestMail(APP, "resend@example.com");
        assertThat(second.path("token").asText()).isNotEqualTo(first.path("token").asText());
        assertEmpty(confirm(first), 204);
        // Confirmed now: the sibling token has served its purpose.
        assertError(confirm(second), 400, "UserpassTokenInvalid", "userpass token is expired or invalid");
    }

    @Test
    void resend_for_a_confirmed_or_unknown_user_is_refused() {
        register("done@example.com");
        confirm(server.latestMail(APP, "done@example.com"));
        assertError(resend("done@example.com"), 400, "UserAlreadyConfirmed", "already confirmed");
        assertError(resend("nobody@example.com"), 404, "UserNotFound", "user not found");
        assertError(resend(""), 400, "BadRequest", "email invalid");
    }

    @Test
    void retrying_a_custom_confirmation_needs_a_confirmation_function() {
        register("custom@example.com");
        assertError(server.post(server.userpass(APP) + "/confirm/call", body("email", "custom@example.com")), 400,
                "BadRequest", "cannot run confirmation for custom@example.com: no confirmation function is configured");
        assertError(server.post(server.userpass(APP) + "/confirm/call", body("email", "ghost@example.com")), 404,
                "UserNotFound", "user not found");
    }

    @Test
    void of_many_simultaneous_confirms_with_one_token_exactly_one_succeeds() throws Exception {
        register("raceconfirm@example.com");
        JsonNode mail = server.latestMail(APP, "raceconfirm@example.com");
        int attempts = 8;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<HttpResponse<String>>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(attempts)) {
            for (int i = 0; i < attempts; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    return confirm(mail);
                }));
            }
            go.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (Future<HttpResponse<String>> r : results) {
                statuses.add(r.get().statusCode());
            }
            assertThat(statuses).filteredOn(s -> s == 204).hasSize(1);
            assertThat(statuses).filteredOn(s -> s == 400).hasSize(attempts - 1);
        }
    }
}
