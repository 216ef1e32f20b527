package dev.gatehouse.mail;

import static dev.gatehouse.testing.TestServer.APP;
import static dev.gatehouse.testing.TestServer.body;
import static dev.gatehouse.testing.WireAssertions.assertEmpty;
import static dev.gatehouse.testing.WireAssertions.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-address send limit and the resend link policy, through the dev mailbox. */
class MailQuotaTest {
    @TempDir
    Path data;

    private static HttpResponse<String> resend(TestServer server, String email) {
        return server.post(server.userpass(APP) + "/confirm/send", body("email", email));
    }

    @Test
    void more_than_the_quota_of_emails_to_one_address_is_a_429_with_retry_after() {
        try (TestServer server = TestServer.start(data, c -> c.withMail(MailSettings.devMailbox()
                .withQuota(3, Duration.ofHours(1), true)))) {
            server.post(server.userpass(APP) + "/register", body("email", "q@example.com", "password", "secret1"));
            server.clock().advance(Duration.ofMinutes(10));
            assertEmpty(resend(server, "q@example.com"), 204);
            assertEmpty(resend(server, "q@example.com"), 204);
            HttpResponse<String> refused = resend(server, "q@example.com");
            assertError(refused, 429, "TooManyRequests", "too many emails to this address; try again later");
            // The registration email leaves the window first, 50 minutes from now.
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("3000");
            // Other addresses are not affected.
            server.registerConfirmed("other@example.com", "secret1");
            server.clock().advance(Duration.ofMinutes(50).plusSeconds(1));
            assertEmpty(resend(server, "q@example.com"), 204);
            assertError(resend(server, "q@example.com"), 429, "TooManyRequests", "too many emails to this address; try again later");
            assertThat(TestServer.json(server.get(server.url() + "/dev/mailbox/" + APP + "?email=q@example.com&limit=100", null))
                    .path("messages")).hasSize(4);
        }
    }

    @Test
    void reset_emails_count_against_the_quota_too() {
        try (TestServer server = TestServer.start(data, c -> c.withMail(MailSettings.devMailbox()
                .withQuota(2, Duration.ofHours(1), true)))) {
            server.registerConfirmed("r@example.com", "secret1");
            assertEmpty(server.post(server.userpass(APP) + "/reset/send", body("email", "r@example.com")), 204);
            assertError(server.post(server.userpass(APP) + "/reset/send", body("email", "r@example.com")), 429,
                    "TooManyRequests", "too many emails to this address; try again later");
        }
    }

    @Test
    void with_earlier_links_retired_on_resend_only_the_newest_link_works() {
        try (TestServer server = TestServer.start(data, c -> c.withMail(MailSettings.devMailbox()
                .withQuota(5, Duration.ofHours(1), false)))) {
            server.post(server.userpass(APP) + "/register", body("email", "one@example.com", "password", "secret1"));
            JsonNode first = server.latestMail(APP, "one@example.com");
            resend(server, "one@example.com");
            JsonNode second = server.latestMail(APP, "one@example.com");
            assertError(server.post(server.userpass(APP) + "/confirm",
                    body("token", first.path("token").asText(), "tokenId", first.path("tokenId").asText())), 400,
                    "UserpassTokenInvalid", "userpass token is expired or invalid");
            assertEmpty(server.post(server.userpass(APP) + "/confirm",
                    body("token", second.path("token").asText(), "tokenId", second.path("tokenId").asText())), 204);
        }
    }
}
