package dev.gatehouse.account;

import static dev.gatehouse.testing.TestServer.APP;
import static dev.gatehouse.testing.TestServer.body;
import static dev.gatehouse.testing.WireAssertions.assertEmpty;
import static dev.gatehouse.testing.WireAssertions.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.TestServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RegistrationTest {
    @RegisterExtension
    static final TestServer server = TestServer.perClass();

    private HttpResponse<String> register(String email, String password) {
        return server.post(server.userpass(APP) + "/register", body("email", email, "password", password));
    }

    @Test
    void registration_answers_201_with_no_body_and_no_content_type() {
        assertEmpty(register("new@example.com", "secret1"), 201);
    }

    @Test
    void registering_an_email_twice_is_refused_even_while_pending() {
        register("twice@example.com", "secret1");
        assertError(register("twice@example.com", "other-secret"), 409, "AccountNameInUse", "name already in use");
    }

    @Test
    void emails_are_case_sensitive() {
        assertEmpty(register("Case@example.com", "secret1"), 201);
        assertEmpty(register("case@example.com", "secret1"), 201);
    }

    @Test
    void passwords_must_have_6_to_128_characters() {
        String message = "password must be between 6 and 128 characters";
        assertError(register("short@example.com", "12345"), 400, "BadRequest", message);
        assertError(register("long@example.com", "x".repeat(129)), 400, "BadRequest", message);
        assertError(server.post(server.userpass(APP) + "/register", "{\"email\":\"none@example.com\"}"), 400, "BadRequest", message);
        assertEmpty(register("six@example.com", "123456"), 201);
        assertEmpty(register("max@example.com", "x".repeat(128)), 201);
        // Characters, not bytes: six emoji are six characters.
        assertEmpty(register("emoji@example.com", "\uD83D\uDD11".repeat(6)), 201);
    }

    @Test
    void an_empty_or_malformed_email_is_invalid() {
        assertError(register("", "secret1"), 400, "BadRequest", "email invalid");
        assertError(register("no-at-sign", "secret1"), 400, "BadRequest", "email invalid");
        assertError(register("with space@example.com", "secret1"), 400, "BadRequest", "email invalid");
        assertError(register("a\r\nBcc: x@evil.test", "secret1"), 400, "BadRequest", "email invalid");
        assertError(register("x".repeat(250) + "@e.co", "secret1"), 400, "BadRequest", "email invalid");
    }

    @Test
    void a_body_that_is_not_a_json_object_is_a_clear_400() {
        String url = server.userpass(APP) + "/register";
        assertError(server.post(url, "{not json"), 400, "BadRequest", "request body is not valid JSON");
        assertError(server.post(url, "[1,2]"), 400, "BadRequest", "request body must be a JSON object");
        assertError(server.post(url, ""), 400, "BadRequest", "request body must be a JSON object");
        assertError(server.post(url, "{\"email\":\"a@b.c\",\"email\":\"d@e.f\",\"password\":\"secret1\"}"), 400,
                "BadRequest", "request body is not valid JSON");
        assertError(server.post(url, "{\"email\":\"a@b.c\",\"password\":\"secret1\"} trailing"), 400,
                "BadRequest", "request body is not valid JSON");
        assertError(server.post(url, "{\"email\":42,\"password\":\"secret1\"}"), 400, "BadRequest", "email invalid");
    }

    @Test
    void an_oversized_body_is_a_413() {
        String huge = body("email", "big@example.com", "password", "secret1", "padding", "x".repeat(70_000));
        assertError(server.post(server.userpass(APP) + "/register", huge), 413, "RequestTooLarge",
                "request body is larger than 65536 bytes");
    }

    @Test
    void unknown_fields_and_an_authorization_header_are_ignored() {
        // realm-web sends the current user's access token on these routes too (spec T7).
        HttpResponse<String> response = server.send(HttpRequest.newBuilder(URI.create(server.userpass(APP) + "/register"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer not-a-valid-token")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"email\":\"extra@example.com\",\"password\":\"secret1\",\"favourite\":\"tea\"}")));
        assertEmpty(response, 201);
    }

    @Test
    void an_unknown_app_or_provider_is_a_404() {
        assertError(server.post(server.userpass("no-such-app") + "/register", body("email", "a@b.c", "password", "secret1")),
                404, "AppNotFound", "cannot find app using Client App ID 'no-such-app'");
        assertError(server.post(server.url() + "/api/client/v2.0/app/" + APP + "/auth/providers/anon-user/register",
                body("email", "a@b.c", "password", "secret1")), 404, "AuthProviderNotFound",
                "authentication via 'anon-user' is unsupported");
    }

    @Test
    void of_many_simultaneous_registrations_of_one_email_exactly_one_wins() throws Exception {
        int attempts = 8;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<HttpResponse<String>>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(attempts)) {
            for (int i = 0; i < attempts; i++) {
                String password = "password-" + i;
                results.add(pool.submit(() -> {
                    go.await();
                    return register("race@example.com", password);
                }));
            }
            go.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (Future<HttpResponse<String>> result : results) {
                statuses.add(result.get().statusCode());
            }
            assertThat(statuses).containsOnly(201, 409);
            assertThat(statuses).filteredOn(s -> s == 201).hasSize(1);
        }
        assertThat(TestServer.json(server.get(server.url() + "/dev/mailbox/" + APP + "?email=race@example.com", null))
                .path("messages")).hasSize(1);
    }

    @Test
    void registration_sends_a_confirmation_link_with_token_and_token_id() {
        register("linked@example.com", "secret1");
        var mail = server.latestMail(APP, "linked@example.com");
        assertThat(mail.path("kind").asText()).isEqualTo("confirmation");
        assertThat(mail.path("subject").asText()).isEqualTo("Confirm your email address");
        assertThat(mail.path("token").asText()).matches("[0-9a-f]{128}");
        assertThat(mail.path("tokenId").asText()).matches("[0-9a-f]{24}");
        assertThat(mail.path("link").asText()).isEqualTo(server.url() + "/app/" + APP + "/confirm?token="
                + mail.path("token").asText() + "&tokenId=" + mail.path("tokenId").asText());
    }
}
