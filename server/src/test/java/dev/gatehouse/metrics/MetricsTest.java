package dev.gatehouse.metrics;

import static dev.gatehouse.testing.TestServer.APP;
import static dev.gatehouse.testing.TestServer.body;
import static dev.gatehouse.testing.TestServer.expectStatus;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.mail.MailSettings;
import dev.gatehouse.mail.SmtpSettings;
import dev.gatehouse.testing.TestServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /metrics} after real requests: the meters, their tags and values, and what must not leak. */
class MetricsTest {
    private static final String EMAIL = "metrics-user@example.com";
    private static final String PASSWORD = "secret1";

    @TempDir
    Path data;

    @Test
    void counts_logins_times_requests_by_route_template_and_leaks_nothing() {
        try (TestServer server = TestServer.start(data)) {
            server.registerConfirmed(EMAIL, PASSWORD);
            String access = server.login(EMAIL, PASSWORD).path("access_token").asText();
            String refresh = server.login(EMAIL, PASSWORD).path("refresh_token").asText();
            expectStatus(server.post(server.userpass(APP) + "/login", body("username", EMAIL, "password", "wrong-one")), 401);
            expectStatus(server.get(server.url() + "/no/such/path/" + EMAIL, null), 404);

            HttpResponse<String> response = expectStatus(server.get(server.url() + "/metrics", null), 200);
            String text = response.body();
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("text/plain").contains("version=0.0.4"));

            assertThat(value(text, "gatehouse_logins_total", "reason=\"none\",result=\"success\"")).isEqualTo(2.0);
            assertThat(value(text, "gatehouse_logins_total", "reason=\"bad_password\",result=\"failure\"")).isEqualTo(1.0);
            assertThat(value(text, "gatehouse_logins_total", "reason=\"pending\",result=\"failure\"")).isEqualTo(0.0);

            // Registration hashes once; three logins verify once each.
            assertThat(value(text, "gatehouse_password_hash_seconds_count", "operation=\"hash\"")).isEqualTo(1.0);
            assertThat(value(text, "gatehouse_password_hash_seconds_count", "operation=\"verify\"")).isEqualTo(3.0);
            // Each of the four waited for a hash permit (not at all, here); none waits now.
            assertThat(text).containsPattern("(?m)^gatehouse_password_hash_queue_seconds_count 4$")
                    .containsPattern("(?m)^gatehouse_password_hash_queued 0\\.0$");

            String login = "/api/client/v2.0/app/{app}/auth/providers/{provider}/login";
            assertThat(value(text, "http_server_requests_seconds_count",
                    "error_code=\"none\",method=\"POST\",route=\"" + login + "\",status=\"200\"")).isEqualTo(2.0);
            assertThat(value(text, "http_server_requests_seconds_count",
                    "error_code=\"InvalidPassword\",method=\"POST\",route=\"" + login + "\",status=\"401\"")).isEqualTo(1.0);
            assertThat(value(text, "http_server_requests_seconds_count",
                    "error_code=\"NotFound\",method=\"GET\",route=\"NOT_FOUND\",status=\"404\"")).isEqualTo(1.0);
            assertThat(text).contains("http_server_requests_seconds_bucket{");  // percentile histogram on
            assertThat(text).contains("route=\"/dev/mailbox/{app}\"");

            // Every route tag is a template or NOT_FOUND: no app id, email or token from a raw path.
            Matcher routes = Pattern.compile("route=\"([^\"]*)\"").matcher(text);
            while (routes.find()) {
                assertThat(routes.group(1)).doesNotContain(APP).doesNotContain("example.com");
            }
            assertThat(text).doesNotContain(EMAIL).doesNotContain("example.com").doesNotContain(access)
                    .doesNotContain(refresh).doesNotContain(PASSWORD);

            // JVM basics from Micrometer's binders.
            assertThat(text).contains("jvm_memory_used_bytes{", "jvm_threads_live_threads", "process_cpu_usage",
                    "process_uptime_seconds", "jvm_gc_");

            // Without SMTP there is no outbox, so no outbox gauges.
            assertThat(text).doesNotContain("gatehouse_outbox_");
        }
    }

    @Test
    void outbox_gauges_read_the_queue_at_scrape_time() throws IOException {
        // An SMTP server that refuses connections: the message stays queued, retried later.
        SmtpSettings smtp = new SmtpSettings("127.0.0.1", freePort(), SmtpSettings.Security.NONE, null, null,
                "noreply@gatehouse.test", "Gatehouse Test", Duration.ofSeconds(5), Duration.ofSeconds(10), "*");
        try (TestServer server = TestServer.start(data, c -> c.withMail(MailSettings.devMailbox().withSmtp(smtp)
                .withRetries(10, Duration.ofHours(1), Duration.ofHours(1), Duration.ofMillis(50))))) {
            expectStatus(server.post(server.userpass(APP) + "/register", body("email", EMAIL, "password", PASSWORD)), 201);
            server.clock().advance(Duration.ofMinutes(2));

            String text = expectStatus(server.get(server.url() + "/metrics", null), 200).body();
            assertThat(value(text, "gatehouse_outbox_depth", "status=\"queued\"")).isEqualTo(1.0);
            assertThat(value(text, "gatehouse_outbox_depth", "status=\"parked\"")).isEqualTo(0.0);
            assertThat(value(text, "gatehouse_outbox_oldest_age_seconds", "status=\"queued\"")).isGreaterThanOrEqualTo(120.0);
            assertThat(value(text, "gatehouse_outbox_oldest_age_seconds", "status=\"parked\"")).isEqualTo(0.0);
            assertThat(text).doesNotContain(EMAIL);
        }
    }

    /** The value of the one sample of {@code name} whose labels are exactly {@code labels} (sorted, as Micrometer writes them). */
    private static double value(String text, String name, String labels) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name + "{" + labels + "}") + " (\\S+)$").matcher(text);
        if (!m.find()) {
            throw new AssertionError("no sample " + name + "{" + labels + "}");
        }
        return Double.parseDouble(m.group(1));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
