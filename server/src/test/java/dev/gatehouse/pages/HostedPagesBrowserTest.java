package dev.gatehouse.pages;

import static dev.gatehouse.testing.TestServer.APP;
import static dev.gatehouse.testing.TestServer.body;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.gatehouse.mail.MailSettings;
import dev.gatehouse.mail.SmtpSettings;
import dev.gatehouse.testing.Browser;
import dev.gatehouse.testing.TestServer;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hosted pages the way a person meets them: the email goes over real SMTP (GreenMail), its
 * link opens in a real headless Chromium at phone size, and the outcome is checked by logging in
 * over the client API. Screenshots of every step land in {@code server/target/screenshots/}.
 * SQLite only: the pages' database behaviour is covered on both databases by HostedPagesTest.
 */
class HostedPagesBrowserTest {
    private static final Pattern LINK = Pattern.compile("https?://\\S+/app/" + APP
            + "/(confirm|reset)\\?token=[0-9a-f]{128}&tokenId=[0-9a-f]{24}");

    @TempDir
    Path data;
    GreenMail greenMail;
    TestServer server;

    @BeforeEach
    void start() {
        greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        greenMail.start();
        SmtpSettings smtp = new SmtpSettings("127.0.0.1", greenMail.getSmtp().getPort(), SmtpSettings.Security.NONE,
                null, null, "noreply@gatehouse.test", "Gatehouse Test", Duration.ofSeconds(5), Duration.ofSeconds(10), "*");
        server = TestServer.start(data, c -> c.withMail(MailSettings.devMailbox().withSmtp(smtp)
                .withRetries(10, Duration.ofSeconds(10), Duration.ofMinutes(1), Duration.ofMillis(50))));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (greenMail != null) {
            greenMail.stop();
        }
    }

    /** The link in the plain-text part of the {@code count}th email GreenMail received. */
    private String linkInMail(int count) throws Exception {
        assertThat(greenMail.waitForIncomingEmail(15_000, count)).as("email %d arrives", count).isTrue();
        MimeMessage message = greenMail.getReceivedMessages()[count - 1];
        Matcher link = LINK.matcher(textPart(message));
        assertThat(link.find()).as("a hosted-page link in the email").isTrue();
        return link.group();
    }

    private static String textPart(MimeMessage message) throws Exception {
        Multipart alternative = (Multipart) message.getContent();
        for (int i = 0; i < alternative.getCount(); i++) {
            Part part = alternative.getBodyPart(i);
            if (part.isMimeType("text/plain")) {
                return (String) part.getContent();
            }
        }
        throw new AssertionError("no text/plain part");
    }

    private int login(String email, String password) {
        return server.post(server.userpass(APP) + "/login", body("username", email, "password", password)).statusCode();
    }

    private static void assertFitsTheWindow(Browser browser) {
        Object overflow = browser.script("return document.documentElement.scrollWidth - window.innerWidth;");
        assertThat(((Number) overflow).longValue()).as("no sideways scrolling").isLessThanOrEqualTo(0);
    }

    @Test
    void confirm_then_reset_through_the_emailed_links() throws Exception {
        TestServer.expectStatus(server.post(server.userpass(APP) + "/register",
                body("email", "ada@example.com", "password", "secret1")), 201);
        String confirmLink = linkInMail(1);
        assertThat(confirmLink).contains("/confirm?");

        try (Browser browser = Browser.phone()) {
            browser.open(confirmLink);
            browser.waitForText("Confirm your email address");
            assertThat(browser.text()).contains("ada@example.com");
            assertFitsTheWindow(browser);
            browser.screenshot("confirm-1-opened");
            assertThat(login("ada@example.com", "secret1")).as("opening the link confirms nothing").isEqualTo(401);

            browser.clickButton("Confirm my email");
            browser.waitForText("Your email address is confirmed. You can now log in in the app.");
            browser.screenshot("confirm-2-confirmed");
            assertThat(login("ada@example.com", "secret1")).isEqualTo(200);

            TestServer.expectStatus(server.post(server.userpass(APP) + "/reset/send", body("email", "ada@example.com")), 204);
            String resetLink = linkInMail(2);
            assertThat(resetLink).contains("/reset?");
            browser.open(resetLink);
            browser.waitForText("Choose a new password");
            assertThat(browser.text()).contains("6 to 128 characters");
            assertFitsTheWindow(browser);
            browser.screenshot("reset-1-opened");

            browser.type("New password", "brand-new-secret").type("New password again", "brand-new-secreT");
            browser.clickButton("Change my password");
            browser.waitForText("The two passwords do not match.");
            browser.screenshot("reset-2-mismatch");

            browser.type("New password", "brand-new-secret").type("New password again", "brand-new-secret");
            browser.clickButton("Change my password");
            browser.waitForText("Your password has been changed.");
            browser.screenshot("reset-3-changed");
        }
        assertThat(login("ada@example.com", "brand-new-secret")).isEqualTo(200);
        assertThat(login("ada@example.com", "secret1")).isEqualTo(401);
    }

    @Test
    void a_confirm_link_opened_again_says_already_used() throws Exception {
        TestServer.expectStatus(server.post(server.userpass(APP) + "/register",
                body("email", "twice@example.com", "password", "secret1")), 201);
        String link = linkInMail(1);
        try (Browser browser = Browser.phone()) {
            browser.open(link).clickButton("Confirm my email");
            browser.waitForText("is confirmed");
            browser.open(link);
            browser.waitForText("This link has already been used.");
            assertThat(browser.textOf("h1")).isEqualTo("Link already used");
            browser.screenshot("confirm-3-already-used");
        }
    }

    @Test
    void a_browser_set_to_german_gets_the_pages_in_german() throws Exception {
        TestServer.expectStatus(server.post(server.userpass(APP) + "/register",
                body("email", "greta@example.com", "password", "secret1")), 201);
        try (Browser browser = Browser.phone("de-DE,de,en")) {
            browser.open(linkInMail(1));
            browser.waitForText("E-Mail-Adresse bestätigen");
            assertThat(browser.script("return document.documentElement.lang;")).isEqualTo("de");
            assertFitsTheWindow(browser);
            browser.screenshot("confirm-de-1-opened");
            browser.clickButton("E-Mail-Adresse bestätigen");
            browser.waitForText("Ihre E-Mail-Adresse ist bestätigt.");
            browser.screenshot("confirm-de-2-confirmed");
        }
        assertThat(login("greta@example.com", "secret1")).isEqualTo(200);
    }

    @Test
    void the_pages_also_work_on_a_desktop_window() throws Exception {
        TestServer.expectStatus(server.post(server.userpass(APP) + "/register",
                body("email", "desk@example.com", "password", "secret1")), 201);
        try (Browser browser = Browser.desktop()) {
            browser.open(linkInMail(1)).clickButton("Confirm my email");
            browser.waitForText("is confirmed");
            browser.screenshot("confirm-desktop");
        }
        assertThat(login("desk@example.com", "secret1")).isEqualTo(200);
    }
}
