package dev.gatehouse.console;

import static dev.gatehouse.testing.TestServer.body;
import static dev.gatehouse.testing.TestServer.expectStatus;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.Gatehouse;
import dev.gatehouse.testing.Browser;
import dev.gatehouse.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

/**
 * The admin console in a real headless Chromium against a real server: sign in, find a user,
 * confirm a pending one, change the provider's subject, read the dev mailbox. Each page leaves a
 * screenshot in {@code server/target/screenshots/}.
 */
class ConsoleBrowserTest {
    static final String ADMIN = "ops";
    static final String PASSWORD = "console test password";

    @TempDir
    Path dir;

    @Test
    void anAdminSignsInFindsAUserConfirmsAPendingOneAndEditsTheProvider() {
        try (TestServer server = TestServer.start(dir); Browser browser = Browser.desktop()) {
            server.server().bootstrapAdmin(ADMIN, PASSWORD);
            server.registerConfirmed("someone@example.com", "secret123");
            server.registerConfirmed("findme@example.com", "secret123");
            expectStatus(server.post(server.userpass(TestServer.APP) + "/register",
                    body("email", "waiting@example.com", "password", "secret123")), 201);

            browser.open(server.url() + "/console");
            browser.waitForText("Sign in");
            browser.screenshot("console-sign-in");
            browser.type("Username", ADMIN).type("Password", "not the password").clickButton("Sign in");
            browser.waitForText("Wrong username or password.");
            browser.type("Password", PASSWORD).clickButton("Sign in");
            browser.waitForText("2 users");
            browser.screenshot("console-users");

            browser.type("Search by email", "FINDME").clickButton("Search");
            browser.waitForText("1 user match");
            assertThat(browser.findAll("tbody tr")).hasSize(1);
            assertThat(browser.textOf("tbody tr")).contains("findme@example.com");
            browser.screenshot("console-user-search");

            browser.find("a[href='#pending']").click();
            browser.waitForText("1 pending");
            assertThat(browser.textOf("tbody tr")).contains("waiting@example.com");
            browser.clickButton("Confirm");
            browser.waitForText("waiting@example.com confirmed");
            browser.waitForText("0 pending");
            browser.screenshot("console-pending-confirmed");
            server.login("waiting@example.com", "secret123");

            browser.find("a[href='#provider']").click();
            browser.waitForText("Email/Password provider");
            browser.type("Confirmation email subject", "Confirm your account, please").clickButton("Save");
            browser.waitForText("Provider settings saved");
            browser.screenshot("console-provider");
            expectStatus(server.post(server.userpass(TestServer.APP) + "/register",
                    body("email", "after-edit@example.com", "password", "secret123")), 201);
            assertThat(server.latestMail(TestServer.APP, "after-edit@example.com").path("subject").asText())
                    .isEqualTo("Confirm your account, please");

            browser.find("a[href='#mail']").click();
            browser.waitForText("Dev mailbox");
            browser.waitForText("after-edit@example.com");
            browser.screenshot("console-mail");

            browser.clickButton("Sign out");
            browser.waitForText("Sign in");
        }
    }

    @Test
    void textFromUsersIsShownAsTextAndAProviderErrorIsShownToTheAdmin() {
        try (TestServer server = TestServer.start(dir); Browser browser = Browser.desktop()) {
            server.server().bootstrapAdmin(ADMIN, PASSWORD);
            String hostile = "<img/src=x/onerror=document.title='owned'>@example.com";
            HttpResponse<String> login = expectStatus(server.post(server.url() + "/api/admin/v3.0/auth/providers/local-userpass/login",
                    body("username", ADMIN, "password", PASSWORD)), 200);
            String token = TestServer.json(login).path("access_token").asText();
            String appId = server.server().apps().find(TestServer.APP).orElseThrow().appObjectId();
            HttpResponse<String> created = server.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.url()
                            + "/api/admin/v3.0/groups/" + Gatehouse.GROUP_ID + "/apps/" + appId + "/users"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body("email", hostile, "password", "secret123"))));
            JsonNode user = TestServer.json(expectStatus(created, 201));
            assertThat(user.path("data").path("email").asText()).isEqualTo(hostile);

            browser.open(server.url() + "/console");
            browser.type("Username", ADMIN).type("Password", PASSWORD).clickButton("Sign in");
            browser.waitForText(hostile);
            assertThat(browser.driver().findElements(By.cssSelector("tbody img"))).isEmpty();
            assertThat(browser.title()).isEqualTo("Gatehouse console");

            browser.find("a[href='#provider']").click();
            browser.waitForText("Email/Password provider");
            browser.type("Email confirmation URL", "https://app.example.com/confirm");
            browser.find("#runResetFunction").click();
            browser.clickButton("Save");
            browser.waitForText("resetFunctionName is required");
            browser.screenshot("console-provider-error");
        }
    }
}
