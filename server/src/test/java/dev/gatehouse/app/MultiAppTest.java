package dev.gatehouse.app;

import static dev.gatehouse.testing.TestServer.body;
import static dev.gatehouse.testing.WireAssertions.assertEmpty;
import static dev.gatehouse.testing.WireAssertions.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.testing.AppExport;
import dev.gatehouse.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One server, several apps from App Services exports, each with its own provider settings and users. */
class MultiAppTest {
    @TempDir
    static Path dir;
    static TestServer server;

    static Path export(String clientAppId, boolean disabled, String config) {
        AppExport export = AppExport.of(dir, clientAppId).provider(config);
        return (disabled ? export.disabled() : export).write();
    }

    @BeforeAll
    static void start() throws IOException {
        Path auto = export("auto-abcde", false, "{\"autoConfirm\":true}");
        Path mail = export("mail-fghij", false, "{\"autoConfirm\":false,"
                + "\"emailConfirmationUrl\":\"https://mail.example/confirm?lang=en\",\"confirmEmailSubject\":\"Welcome aboard\","
                + "\"resetPasswordUrl\":\"https://mail.example/reset\",\"resetPasswordSubject\":\"New password\"}");
        Path off = export("off-klmno", true, "{\"autoConfirm\":true}");
        server = TestServer.start(dir.resolve("data"), c -> c.withAppDirs(List.of(auto, mail, off)));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void an_auto_confirm_app_lets_users_log_in_at_once_and_sends_no_mail() {
        assertEmpty(server.post(server.userpass("auto-abcde") + "/register", body("email", "a@example.com", "password", "secret1")), 201);
        assertThat(server.post(server.userpass("auto-abcde") + "/login", body("username", "a@example.com", "password", "secret1"))
                .statusCode()).isEqualTo(200);
        assertThat(TestServer.json(server.get(server.url() + "/dev/mailbox/auto-abcde?email=a@example.com", null))
                .path("messages")).isEmpty();
        assertError(server.post(server.userpass("auto-abcde") + "/confirm/call", body("email", "a@example.com")), 400,
                "BadRequest", "cannot run confirmation for a@example.com: automatic confirmation is enabled");
    }

    @Test
    void apps_keep_separate_users_links_and_subjects() {
        server.post(server.userpass("auto-abcde") + "/register", body("email", "both@example.com", "password", "secret1"));
        assertEmpty(server.post(server.userpass("mail-fghij") + "/register", body("email", "both@example.com", "password", "other1")), 201);
        JsonNode mail = server.latestMail("mail-fghij", "both@example.com");
        assertThat(mail.path("subject").asText()).isEqualTo("Welcome aboard");
        assertThat(mail.path("link").asText()).startsWith("https://mail.example/confirm?lang=en&token=");
        // A token of one app does not confirm in another.
        assertError(server.post(server.userpass("auto-abcde") + "/confirm",
                        body("token", mail.path("token").asText(), "tokenId", mail.path("tokenId").asText())), 400,
                "UserpassTokenInvalid", "userpass token is expired or invalid");
        assertError(server.post(server.userpass("mail-fghij") + "/login", body("username", "both@example.com", "password", "other1")),
                401, "AuthError", "confirmation required");

        JsonNode login = TestServer.json(server.post(server.userpass("auto-abcde") + "/login",
                body("username", "both@example.com", "password", "secret1")));
        String access = login.path("access_token").asText();
        assertThat(server.get(server.url() + "/api/client/v2.0/app/auto-abcde/auth/profile", access).statusCode()).isEqualTo(200);
        assertError(server.get(server.url() + "/api/client/v2.0/app/mail-fghij/auth/profile", access), 401,
                "InvalidSession", "invalid session: access token expired");
    }

    @Test
    void a_reset_email_uses_the_apps_url_and_subject() {
        server.post(server.userpass("mail-fghij") + "/register", body("email", "r@example.com", "password", "secret1"));
        JsonNode confirm = server.latestMail("mail-fghij", "r@example.com");
        server.post(server.userpass("mail-fghij") + "/confirm",
                body("token", confirm.path("token").asText(), "tokenId", confirm.path("tokenId").asText()));
        assertEmpty(server.post(server.userpass("mail-fghij") + "/reset/send", body("email", "r@example.com")), 204);
        JsonNode reset = server.latestMail("mail-fghij", "r@example.com");
        assertThat(reset.path("subject").asText()).isEqualTo("New password");
        assertThat(reset.path("link").asText()).startsWith("https://mail.example/reset?token=");
    }

    @Test
    void a_disabled_provider_refuses_its_routes() {
        assertError(server.post(server.userpass("off-klmno") + "/register", body("email", "x@example.com", "password", "secret1")),
                404, "AuthProviderNotFound", "authentication via 'local-userpass' is unsupported");
        assertError(server.post(server.userpass("off-klmno") + "/login", body("username", "x@example.com", "password", "secret1")),
                404, "AuthProviderNotFound", "authentication via 'local-userpass' is unsupported");
    }

    @Test
    void without_an_app_directory_the_default_app_is_not_served() {
        assertError(server.post(server.userpass("gatehouse-local") + "/register", body("email", "x@example.com", "password", "secret1")),
                404, "AppNotFound", "cannot find app using Client App ID 'gatehouse-local'");
    }
}
