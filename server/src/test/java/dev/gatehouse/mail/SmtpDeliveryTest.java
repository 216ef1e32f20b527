package dev.gatehouse.mail;

import static dev.gatehouse.mail.MailTestSupport.freePort;
import static dev.gatehouse.mail.MailTestSupport.part;

import static dev.gatehouse.testing.TestServer.APP;
import static dev.gatehouse.testing.TestServer.body;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.gatehouse.testing.TestServer;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Delivery through real SMTP servers: GreenMail, and a small STARTTLS peer where GreenMail has none. */
class SmtpDeliveryTest {
    static final Pattern LINK = Pattern.compile("token=([0-9a-f]{128})&tokenId=([0-9a-f]{24})");

    @TempDir
    Path data;
    GreenMail greenMail;
    TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (greenMail != null) {
            greenMail.stop();
        }
    }

    static SmtpSettings smtp(int port, SmtpSettings.Security security, String user, String password) {
        return new SmtpSettings("127.0.0.1", port, security, user, password, "noreply@gatehouse.test", "Gatehouse Test",
                Duration.ofSeconds(5), Duration.ofSeconds(10), "*");
    }

    private TestServer start(SmtpSettings smtp, int maxAttempts) {
        server = TestServer.start(data, c -> c.withMail(MailSettings.devMailbox().withSmtp(smtp)
                .withRetries(maxAttempts, Duration.ofSeconds(10), Duration.ofMinutes(1), Duration.ofMillis(50))));
        return server;
    }

    private GreenMail greenMail(ServerSetup setup) {
        greenMail = new GreenMail(setup);
        greenMail.start();
        return greenMail;
    }

    private void register(String email, String acceptLanguage) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.userpass(APP) + "/register"))
                .POST(HttpRequest.BodyPublishers.ofString(body("email", email, "password", "secret1")));
        if (acceptLanguage != null) {
            request.header("Accept-Language", acceptLanguage);
        }
        TestServer.expectStatus(server.send(request), 201);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        MailTestSupport.await(what, Duration.ofSeconds(15), condition);
    }

    private List<Object> outboxRow(String email) {
        List<List<Object>> rows = server.rows("SELECT status, attempts, last_error, body_text FROM outbox WHERE recipient = ? "
                + "ORDER BY seq DESC", email);
        return rows.isEmpty() ? List.of() : rows.get(0);
    }

    @Test
    void the_confirmation_mail_arrives_with_both_parts_and_a_working_link() throws Exception {
        GreenMail sink = greenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        start(smtp(sink.getSmtp().getPort(), SmtpSettings.Security.NONE, null, null), 10);
        register("ada@example.com", null);
        assertThat(sink.waitForIncomingEmail(15_000, 1)).isTrue();
        MimeMessage message = sink.getReceivedMessages()[0];
        assertThat(message.getSubject()).isEqualTo("Confirm your email address");
        assertThat(message.getFrom()[0].toString()).isEqualTo("Gatehouse Test <noreply@gatehouse.test>");
        assertThat(message.getAllRecipients()[0].toString()).isEqualTo("ada@example.com");
        assertThat(message.getHeader("Message-ID")[0]).matches("<[0-9a-f]{24}@gatehouse\\.test>");
        assertThat(message.isMimeType("multipart/alternative")).isTrue();
        String text = part(message, "text/plain");
        String html = part(message, "text/html");
        Matcher link = LINK.matcher(text);
        assertThat(link.find()).isTrue();
        assertThat(html).contains("href=\"" + server.url() + "/app/" + APP + "/confirm?token=" + link.group(1)
                + "&amp;tokenId=" + link.group(2) + "\"");
        assertThat(html).contains("<a href=");

        await("the outbox to mark it sent", () -> "sent".equals(outboxRow("ada@example.com").get(0)));
        // Once sent, the live link no longer rests in the database.
        assertThat(outboxRow("ada@example.com").get(3)).isNull();
        TestServer.expectStatus(server.post(server.userpass(APP) + "/confirm",
                body("token", link.group(1), "tokenId", link.group(2))), 204);
        assertThat(sink.getReceivedMessages()).hasSize(1);
    }

    @Test
    void accept_language_picks_the_template_and_english_is_the_fallback() throws Exception {
        GreenMail sink = greenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        start(smtp(sink.getSmtp().getPort(), SmtpSettings.Security.NONE, null, null), 10);
        register("de@example.com", "de-CH,de;q=0.9,en;q=0.5");
        register("fr@example.com", "fr-FR,fr;q=0.9");
        register("junk@example.com", "!!not a language range");
        assertThat(sink.waitForIncomingEmail(15_000, 3)).isTrue();
        for (MimeMessage m : sink.getReceivedMessages()) {
            String to = m.getAllRecipients()[0].toString();
            if (to.equals("de@example.com")) {
                assertThat(m.getSubject()).isEqualTo("Bitte bestätigen Sie Ihre E-Mail-Adresse");
                assertThat(part(m, "text/plain")).contains("innerhalb von 30 Minuten");
                assertThat(part(m, "text/html")).contains("lang=\"de\"");
            } else {
                assertThat(m.getSubject()).isEqualTo("Confirm your email address");
            }
        }
    }

    @Test
    void an_smtp_server_that_is_down_gets_every_queued_message_once_it_is_back() throws Exception {
        int port = freePort();
        start(smtp(port, SmtpSettings.Security.NONE, null, null), 10);
        for (int i = 0; i < 3; i++) {
            register("down" + i + "@example.com", null);
        }
        await("three failed attempts", () -> List.of(0, 1, 2).stream()
                .allMatch(i -> ((Number) outboxRow("down" + i + "@example.com").get(1)).intValue() >= 1));
        assertThat(outboxRow("down0@example.com").get(0)).isEqualTo("queued");
        assertThat((String) outboxRow("down0@example.com").get(2)).contains("MailConnectException");

        GreenMail sink = greenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        server.clock().advance(Duration.ofMinutes(2));
        assertThat(sink.waitForIncomingEmail(15_000, 3)).isTrue();
        await("all sent", () -> List.of(0, 1, 2).stream().allMatch(i -> "sent".equals(outboxRow("down" + i + "@example.com").get(0))));
        assertThat(sink.getReceivedMessages()).hasSize(3)
                .extracting(m -> m.getAllRecipients()[0].toString())
                .containsExactlyInAnyOrder("down0@example.com", "down1@example.com", "down2@example.com");
    }

    @Test
    void transient_failures_park_the_message_after_the_configured_attempts() throws Exception {
        start(smtp(freePort(), SmtpSettings.Security.NONE, null, null), 3);
        register("parked@example.com", null);
        for (int attempt = 1; attempt <= 3; attempt++) {
            int expected = attempt;
            await("attempt " + attempt, () -> ((Number) outboxRow("parked@example.com").get(1)).intValue() >= expected);
            server.clock().advance(Duration.ofMinutes(2));
        }
        await("parking", () -> "parked".equals(outboxRow("parked@example.com").get(0)));
        assertThat(outboxRow("parked@example.com").get(1)).isEqualTo(3);
        assertThat((String) outboxRow("parked@example.com").get(2)).contains("MailConnectException");
        // Parked mail keeps its body so an operator can requeue it after fixing the cause.
        assertThat(outboxRow("parked@example.com").get(3)).isNotNull();
    }

    @Test
    void a_permanently_refused_recipient_is_parked_at_once_with_the_servers_reply() throws Exception {
        try (StartTlsSmtpServer smtp = new StartTlsSmtpServer(false, null, null, "refused@example.com")) {
            start(smtp(smtp.port(), SmtpSettings.Security.NONE, null, null), 10);
            register("refused@example.com", null);
            register("welcome@example.com", null);
            await("parking", () -> "parked".equals(outboxRow("refused@example.com").get(0)));
            assertThat(outboxRow("refused@example.com").get(1)).isEqualTo(1);
            assertThat((String) outboxRow("refused@example.com").get(2)).contains("550");
            await("the other one", () -> "sent".equals(outboxRow("welcome@example.com").get(0)));
            assertThat(smtp.received).extracting(r -> r.to().get(0)).containsExactly("<welcome@example.com>");
        }
    }

    @Test
    void starttls_and_authentication_are_used_when_configured() throws Exception {
        try (StartTlsSmtpServer smtp = new StartTlsSmtpServer(true, "mailer", "s3cret-pass", null)) {
            start(smtp(smtp.port(), SmtpSettings.Security.STARTTLS_REQUIRED, "mailer", "s3cret-pass"), 10);
            register("tls@example.com", null);
            await("delivery", () -> smtp.received.size() == 1);
            StartTlsSmtpServer.Received received = smtp.received.get(0);
            assertThat(received.tls()).isTrue();
            assertThat(received.user()).isEqualTo("mailer");
            MimeMessage parsed = new MimeMessage(null, new ByteArrayInputStream(received.data().getBytes(StandardCharsets.UTF_8)));
            assertThat(parsed.getSubject()).isEqualTo("Confirm your email address");
        }
    }

    @Test
    void wrong_credentials_do_not_send_and_are_retried() throws Exception {
        try (StartTlsSmtpServer smtp = new StartTlsSmtpServer(true, "mailer", "s3cret-pass", null)) {
            start(smtp(smtp.port(), SmtpSettings.Security.STARTTLS_REQUIRED, "mailer", "wrong-pass"), 10);
            register("badauth@example.com", null);
            await("a failed attempt", () -> ((Number) outboxRow("badauth@example.com").get(1)).intValue() >= 1);
            assertThat(outboxRow("badauth@example.com").get(0)).isEqualTo("queued");
            assertThat((String) outboxRow("badauth@example.com").get(2)).contains("AuthenticationFailedException")
                    .doesNotContain("wrong-pass");
            assertThat(smtp.received).isEmpty();
        }
    }

    @Test
    void starttls_required_refuses_a_server_that_does_not_offer_it() throws Exception {
        GreenMail sink = greenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        start(smtp(sink.getSmtp().getPort(), SmtpSettings.Security.STARTTLS_REQUIRED, null, null), 10);
        register("plain@example.com", null);
        await("a failed attempt", () -> ((Number) outboxRow("plain@example.com").get(1)).intValue() >= 1);
        assertThat((String) outboxRow("plain@example.com").get(2)).containsIgnoringCase("STARTTLS");
        assertThat(sink.getReceivedMessages()).isEmpty();
    }

    @Test
    void implicit_tls_with_authentication_delivers_to_greenmail() throws Exception {
        GreenMail sink = greenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTPS).dynamicPort());
        sink.setUser("mailer@gatehouse.test", "mailer", "s3cret-pass");
        start(smtp(sink.getSmtps().getPort(), SmtpSettings.Security.TLS, "mailer", "s3cret-pass"), 10);
        register("smtps@example.com", null);
        assertThat(sink.waitForIncomingEmail(15_000, 1)).isTrue();
        assertThat(sink.getReceivedMessages()[0].getAllRecipients()[0].toString()).isEqualTo("smtps@example.com");
    }
}
