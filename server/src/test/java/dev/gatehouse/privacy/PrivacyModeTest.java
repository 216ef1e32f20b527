package dev.gatehouse.privacy;

import static dev.gatehouse.testing.TestServer.APP;
import static dev.gatehouse.testing.TestServer.body;
import static dev.gatehouse.testing.WireAssertions.assertEmpty;
import static dev.gatehouse.testing.WireAssertions.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.TestServer;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --privacy-mode}: confirm/send and reset/send answer 204 whatever the address, and send mail
 * only where the default mode would have. Off (the default), they answer App Services' errors.
 */
class PrivacyModeTest {
    @TempDir
    Path dir;

    TestServer start(boolean privacy) {
        return TestServer.start(dir, c -> c.withMail(c.mail().withQuota(2, Duration.ofHours(1), true).withPrivacyMode(privacy)));
    }

    static HttpResponse<String> resend(TestServer server, String email) {
        return server.post(server.userpass(APP) + "/confirm/send", body("email", email));
    }

    static HttpResponse<String> sendReset(TestServer server, String email) {
        return server.post(server.userpass(APP) + "/reset/send", body("email", email));
    }

    static int mails(TestServer server, String email) {
        return TestServer.json(server.get(server.url() + "/dev/mailbox/" + APP + "?email="
                + URLEncoder.encode(email, StandardCharsets.UTF_8), null)).path("messages").size();
    }

    static void registerPending(TestServer server, String email) {
        assertEmpty(server.post(server.userpass(APP) + "/register", body("email", email, "password", "secret1")), 201);
    }

    @Test
    void in_privacy_mode_resend_answers_the_same_for_every_address_and_mails_only_pending_users() {
        try (TestServer server = start(true)) {
            registerPending(server, "pending@example.com");
            server.registerConfirmed("done@example.com", "secret1");
            int confirmedMails = mails(server, "done@example.com");

            assertEmpty(resend(server, "nobody@example.com"), 204);
            assertEmpty(resend(server, "done@example.com"), 204);
            assertEmpty(resend(server, "pending@example.com"), 204);

            assertThat(mails(server, "nobody@example.com")).isZero();
            assertThat(mails(server, "done@example.com")).isEqualTo(confirmedMails);
            assertThat(mails(server, "pending@example.com")).isEqualTo(2);
            // The quota (2) is full for the pending user: still the same answer, and no third email.
            HttpResponse<String> overQuota = resend(server, "pending@example.com");
            assertEmpty(overQuota, 204);
            assertThat(overQuota.headers().firstValue("Retry-After")).isEmpty();
            assertThat(mails(server, "pending@example.com")).isEqualTo(2);
            // Input errors do not depend on who has an account and are still told.
            assertError(resend(server, ""), 400, "BadRequest", "email invalid");
        }
    }

    @Test
    void in_privacy_mode_reset_send_answers_the_same_for_every_address_and_mails_only_confirmed_users() {
        try (TestServer server = start(true)) {
            registerPending(server, "pending@example.com");
            server.registerConfirmed("done@example.com", "secret1");
            int pendingMails = mails(server, "pending@example.com");
            int confirmedMails = mails(server, "done@example.com");

            assertEmpty(sendReset(server, "nobody@example.com"), 204);
            assertEmpty(sendReset(server, "pending@example.com"), 204);
            assertEmpty(sendReset(server, "done@example.com"), 204);

            assertThat(mails(server, "nobody@example.com")).isZero();
            assertThat(mails(server, "pending@example.com")).isEqualTo(pendingMails);
            assertThat(mails(server, "done@example.com")).isEqualTo(confirmedMails + 1);
        }
    }

    @Test
    void by_default_unknown_and_confirmed_addresses_are_told_as_app_services_did() {
        try (TestServer server = start(false)) {
            server.registerConfirmed("done@example.com", "secret1");
            registerPending(server, "pending@example.com");
            assertError(resend(server, "nobody@example.com"), 404, "UserNotFound", "user not found");
            assertError(resend(server, "done@example.com"), 400, "UserAlreadyConfirmed", "already confirmed");
            assertError(sendReset(server, "nobody@example.com"), 404, "UserNotFound", "user not found");
            assertError(sendReset(server, "pending@example.com"), 404, "UserNotFound", "user not found");
            assertEmpty(resend(server, "pending@example.com"), 204);
            assertThat(resend(server, "pending@example.com").statusCode()).isEqualTo(429);
        }
    }
}
