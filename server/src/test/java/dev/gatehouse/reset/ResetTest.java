package dev.gatehouse.reset;

import static dev.gatehouse.testing.TestServer.APP;
import static dev.gatehouse.testing.TestServer.body;
import static dev.gatehouse.testing.WireAssertions.assertEmpty;
import static dev.gatehouse.testing.WireAssertions.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.testing.TestServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ResetTest {
    @RegisterExtension
    static final TestServer server = TestServer.perClass();

    private HttpResponse<String> sendReset(String email) {
        return server.post(server.userpass(APP) + "/reset/send", body("email", email));
    }

    private HttpResponse<String> reset(JsonNode mail, String password) {
        return server.post(server.userpass(APP) + "/reset",
                body("password", password, "token", mail.path("token").asText(), "tokenId", mail.path("tokenId").asText()));
    }

    private HttpResponse<String> login(String email, String password) {
        return server.post(server.userpass(APP) + "/login", body("username", email, "password", password));
    }

    @Test
    void a_reset_by_email_changes_the_password() {
        server.registerConfirmed("reset@example.com", "old-secret");
        assertEmpty(sendReset("reset@example.com"), 204);
        JsonNode mail = server.latestMail(APP, "reset@example.com");
        assertThat(mail.path("kind").asText()).isEqualTo("reset");
        assertThat(mail.path("subject").asText()).isEqualTo("Reset your password");
        assertThat(mail.path("link").asText()).startsWith(server.url() + "/app/" + APP + "/reset?token=");
        assertEmpty(reset(mail, "new-secret"), 204);
        assertError(login("reset@example.com", "old-secret"), 401, "InvalidPassword", "unauthorized");
        assertThat(login("reset@example.com", "new-secret").statusCode()).isEqualTo(200);
    }

    @Test
    void a_completed_reset_revokes_every_session_of_the_user() {
        server.registerConfirmed("revoke@example.com", "old-secret");
        JsonNode session = server.login("revoke@example.com", "old-secret");
        sendReset("revoke@example.com");
        assertEmpty(reset(server.latestMail(APP, "revoke@example.com"), "new-secret"), 204);
        assertError(server.withBearer("POST", server.url() + "/api/client/v2.0/auth/session",
                session.path("refresh_token").asText()), 401, "InvalidSession", "invalid session");
        assertError(server.get(server.url() + "/api/client/v2.0/auth/profile", session.path("access_token").asText()),
                401, "InvalidSession", "invalid session: access token expired");
    }

    @Test
    void a_reset_token_works_once_and_expires_after_30_minutes() {
        server.registerConfirmed("once@example.com", "old-secret");
        sendReset("once@example.com");
        JsonNode first = server.latestMail(APP, "once@example.com");
        assertEmpty(reset(first, "new-secret"), 204);
        assertError(reset(first, "third-secret"), 400, "UserpassTokenInvalid", "userpass token is expired or invalid");

        sendReset("once@example.com");
        JsonNode late = server.latestMail(APP, "once@example.com");
        server.clock().advance(Duration.ofMinutes(31));
        assertError(reset(late, "third-secret"), 400, "UserpassTokenInvalid", "userpass token is expired or invalid");
        assertThat(login("once@example.com", "new-secret").statusCode()).isEqualTo(200);
    }

    @Test
    void a_confirmation_token_cannot_reset_a_password() {
        TestServer.expectStatus(server.post(server.userpass(APP) + "/register",
                body("email", "mixed@example.com", "password", "old-secret")), 201);
        JsonNode confirmation = server.latestMail(APP, "mixed@example.com");
        assertError(reset(confirmation, "new-secret"), 400, "UserpassTokenInvalid", "userpass token is expired or invalid");
    }

    @Test
    void reset_checks_the_new_password_and_the_token_shape() {
        String message = "password must be between 6 and 128 characters";
        assertError(server.post(server.userpass(APP) + "/reset",
                body("password", "short", "token", "ab".repeat(64), "tokenId", "5f84057629c14b540462cd1d")), 400, "BadRequest", message);
        assertError(server.post(server.userpass(APP) + "/reset", body("password", "long-enough", "token", "abc", "tokenId", "123")),
                400, "BadRequest", "invalid token data");
    }

    @Test
    void a_reset_for_an_unknown_or_pending_user_is_user_not_found() {
        assertError(sendReset("nobody@example.com"), 404, "UserNotFound", "user not found");
        TestServer.expectStatus(server.post(server.userpass(APP) + "/register",
                body("email", "pendingreset@example.com", "password", "old-secret")), 201);
        assertError(sendReset("pendingreset@example.com"), 404, "UserNotFound", "user not found");
    }

    @Test
    void the_reset_function_route_needs_a_reset_function() {
        server.registerConfirmed("fn@example.com", "old-secret");
        assertError(server.post(server.userpass(APP) + "/reset/call",
                        "{\"email\":\"fn@example.com\",\"password\":\"new-secret\",\"arguments\":[{\"$numberInt\":\"42\"}]}"),
                400, "BadRequest", "failed to reset password for user \"fn@example.com\"");
        assertThat(login("fn@example.com", "old-secret").statusCode()).isEqualTo(200);
        assertError(server.post(server.userpass(APP) + "/reset/call",
                        "{\"email\":\"nobody@example.com\",\"password\":\"new-secret\",\"arguments\":[]}"),
                404, "UserNotFound", "user not found");
    }
}
