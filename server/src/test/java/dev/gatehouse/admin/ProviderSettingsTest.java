package dev.gatehouse.admin;

import static dev.gatehouse.testing.TestServer.body;
import static dev.gatehouse.testing.TestServer.expectStatus;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.config.InvalidConfigException;
import dev.gatehouse.testing.AppExport;
import dev.gatehouse.testing.TestServer;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provider's settings changed through the admin API: checked like start-up, used at once,
 * kept across restarts, written back to the export, and shared by nodes on one database.
 */
class ProviderSettingsTest {
    static final String APP = "settings-app";
    static final String PROVIDER = "{\"autoConfirm\":false,\"confirmEmailSubject\":\"Welcome\","
            + "\"resetPasswordUrl\":\"https://app.example.com/reset\"}";

    @TempDir
    Path dir;

    private Path export(String parent) {
        return AppExport.of(dir.resolve(parent), APP).provider(PROVIDER)
                .function("confirmFunc", "exports = () => ({status: 'success'});")
                .write();
    }

    private TestServer start(Path data, Path export) {
        return TestServer.start(data, c -> c.withAppDirs(List.of(export)));
    }

    private static String provider() {
        return AdminClient.app(APP) + "/auth_providers/local-userpass";
    }

    private static String subjectOfLatestMail(TestServer server, String email) {
        return server.latestMail(APP, email).path("subject").asText();
    }

    private static JsonNode providersFile(Path export) throws IOException {
        return TestServer.parse(Files.readString(export.resolve("auth/providers.json"))).path("local-userpass");
    }

    @Test
    void aChangeIsUsedAtOnceAndWrittenBackToTheExport() throws IOException {
        Path export = export("node");
        // An export key Gatehouse does not read must survive the write-back.
        Files.writeString(export.resolve("auth/providers.json"), Files.readString(export.resolve("auth/providers.json"))
                .replace("\"disabled\"", "\"metadata_fields\":[],\"disabled\""));
        try (TestServer server = start(dir.resolve("data"), export)) {
            AdminClient admin = AdminClient.signIn(server);
            JsonNode read = admin.json("GET", provider(), null, 200);
            assertThat(read.path("type").asText()).isEqualTo("local-userpass");
            assertThat(read.path("config").path("confirmEmailSubject").asText()).isEqualTo("Welcome");
            JsonNode listed = admin.json("GET", AdminClient.app(APP) + "/auth_providers", null, 200);
            assertThat(listed.get(0).path("_id").asText()).isEqualTo(read.path("_id").asText());
            // The provider's _id names it as well as its type does.
            admin.expect("GET", AdminClient.app(APP) + "/auth_providers/" + read.path("_id").asText(), null, 200);
            admin.expect("GET", AdminClient.app(APP) + "/auth_providers/anon-user", null, 404);

            admin.expect("PATCH", provider(), "{\"config\":{\"confirmEmailSubject\":\"Please confirm, {{email}}\"}}", 204);
            expectStatus(server.post(server.userpass(APP) + "/register", body("email", "a@example.com", "password", "secret123")), 201);
            assertThat(subjectOfLatestMail(server, "a@example.com")).isEqualTo("Please confirm, {{email}}");

            JsonNode file = providersFile(export);
            assertThat(file.path("config").path("confirmEmailSubject").asText()).isEqualTo("Please confirm, {{email}}");
            assertThat(file.path("config").path("resetPasswordUrl").asText()).isEqualTo("https://app.example.com/reset");
            assertThat(file.has("metadata_fields")).isTrue();
            assertThat(admin.json("GET", provider(), null, 200).path("config").path("confirmEmailSubject").asText())
                    .isEqualTo("Please confirm, {{email}}");
        }
    }

    @Test
    void invalidChangesAreRefusedWithEveryProblemAndChangeNothing() throws IOException {
        Path export = export("node");
        try (TestServer server = start(dir.resolve("data"), export)) {
            AdminClient admin = AdminClient.signIn(server);
            String before = Files.readString(export.resolve("auth/providers.json"));
            List<String[]> cases = List.of(
                    new String[] {"{\"config\":{\"autoConfirm\":true,\"runConfirmationFunction\":true,"
                            + "\"confirmationFunctionName\":\"confirmFunc\"}}", "cannot both be true"},
                    new String[] {"{\"config\":{\"emailConfirmationUrl\":\"ftp://x\"}}", "absolute http(s) URL"},
                    new String[] {"{\"config\":{\"runResetFunction\":true,\"resetFunctionName\":\"nope\"}}", "does not exist"},
                    new String[] {"{\"config\":{\"runResetFunction\":true}}", "is required"},
                    new String[] {"{\"config\":{\"autoConfirm\":\"yes\"}}", "must be true or false"},
                    new String[] {"{\"config\":{\"confirmEmailSubjct\":\"typo\"}}", "unknown config fields: confirmEmailSubjct"},
                    new String[] {"{\"config\":{\"confirmEmailSubject\":\"" + "x".repeat(257) + "\"}}", "longer than 256"},
                    new String[] {"{\"config\":[]}", "config must be an object"},
                    new String[] {"[]", "JSON object"});
            for (String[] c : cases) {
                HttpResponse<String> refused = admin.call("PATCH", provider(), c[0]);
                expectStatus(refused, 400);
                assertThat(TestServer.json(refused).path("error_code").asText()).isEqualTo("BadRequest");
                assertThat(TestServer.json(refused).path("error").asText()).as(c[0]).contains(c[1]);
            }
            assertThat(Files.readString(export.resolve("auth/providers.json"))).isEqualTo(before);
            assertThat(admin.json("GET", provider(), null, 200).path("config").path("confirmEmailSubject").asText())
                    .isEqualTo("Welcome");
        }
    }

    @Test
    void disablingAndEnablingTheProvider() {
        Path export = export("node");
        try (TestServer server = start(dir.resolve("data"), export)) {
            AdminClient admin = AdminClient.signIn(server);
            admin.expect("PUT", provider() + "/disable", null, 204);
            HttpResponse<String> off = server.post(server.userpass(APP) + "/register", body("email", "b@example.com", "password", "secret123"));
            expectStatus(off, 404);
            assertThat(TestServer.json(off).path("error_code").asText()).isEqualTo("AuthProviderNotFound");
            assertThat(admin.json("GET", AdminClient.app(APP) + "/auth_providers", null, 200).get(0).path("disabled").asBoolean()).isTrue();
            admin.expect("PUT", provider() + "/enable", null, 204);
            expectStatus(server.post(server.userpass(APP) + "/register", body("email", "b@example.com", "password", "secret123")), 201);
        }
    }

    @Test
    void switchingToAFunctionPreparesItWithoutARestart() {
        Path export = export("node");
        try (TestServer server = start(dir.resolve("data"), export)) {
            AdminClient admin = AdminClient.signIn(server);
            admin.expect("PATCH", provider(), "{\"config\":{\"runConfirmationFunction\":true,"
                    + "\"confirmationFunctionName\":\"confirmFunc\"}}", 204);
            expectStatus(server.post(server.userpass(APP) + "/register", body("email", "fn@example.com", "password", "secret123")), 201);
            // The function said success: the user is confirmed and logs in.
            expectStatus(server.post(server.userpass(APP) + "/login", body("username", "fn@example.com", "password", "secret123")), 200);
        }
    }

    @Test
    void aRestartKeepsTheChangeEvenWithAnExportFromBeforeIt() throws IOException {
        Path data = dir.resolve("data");
        Path export = export("node");
        String original = Files.readString(export.resolve("auth/providers.json"));
        try (TestServer server = start(data, export)) {
            AdminClient.signIn(server).expect("PATCH", provider(), "{\"config\":{\"confirmEmailSubject\":\"Changed\"}}", 204);
        }
        // A node whose export was deployed before the change (or never written back) is behind.
        Files.writeString(export.resolve("auth/providers.json"), original);
        try (TestServer server = start(data, export)) {
            expectStatus(server.post(server.userpass(APP) + "/register", body("email", "c@example.com", "password", "secret123")), 201);
            assertThat(subjectOfLatestMail(server, "c@example.com")).isEqualTo("Changed");
            assertThat(providersFile(export).path("config").path("confirmEmailSubject").asText()).isEqualTo("Changed");
        }
    }

    @Test
    void anExportEditedSinceTheChangeWins() throws IOException {
        Path data = dir.resolve("data");
        Path export = export("node");
        try (TestServer server = start(data, export)) {
            AdminClient.signIn(server).expect("PATCH", provider(), "{\"config\":{\"confirmEmailSubject\":\"From the API\"}}", 204);
        }
        Files.writeString(export.resolve("auth/providers.json"), Files.readString(export.resolve("auth/providers.json"))
                .replace("From the API", "Edited by hand"));
        try (TestServer server = start(data, export)) {
            expectStatus(server.post(server.userpass(APP) + "/register", body("email", "d@example.com", "password", "secret123")), 201);
            assertThat(subjectOfLatestMail(server, "d@example.com")).isEqualTo("Edited by hand");
        }
        // ... and is what the database holds now, so a stale node follows it too.
        Files.writeString(export.resolve("auth/providers.json"), Files.readString(export.resolve("auth/providers.json"))
                .replace("Edited by hand", "From the API"));
        try (TestServer server = start(data, export)) {
            expectStatus(server.post(server.userpass(APP) + "/register", body("email", "e@example.com", "password", "secret123")), 201);
            assertThat(subjectOfLatestMail(server, "e@example.com")).isEqualTo("Edited by hand");
        }
    }

    @Test
    void anotherNodePicksUpTheChangeAndWritesItBack() throws IOException {
        Path data = dir.resolve("data");
        Path exportA = export("a");
        Path exportB = export("b");
        try (TestServer a = start(data, exportA); TestServer b = start(data, exportB)) {
            AdminClient.signIn(a).expect("PATCH", provider(), "{\"config\":{\"confirmEmailSubject\":\"Shared\"}}", 204);
            b.server().reloadProviderSettings();
            expectStatus(b.post(b.userpass(APP) + "/register", body("email", "f@example.com", "password", "secret123")), 201);
            assertThat(subjectOfLatestMail(b, "f@example.com")).isEqualTo("Shared");
            assertThat(providersFile(exportB).path("config").path("confirmEmailSubject").asText()).isEqualTo("Shared");
        }
    }

    @Test
    void aStoredChangeThatNoLongerFitsTheExportStopsTheStart() throws IOException {
        Path data = dir.resolve("data");
        Path export = export("node");
        String original = Files.readString(export.resolve("auth/providers.json"));
        try (TestServer server = start(data, export)) {
            AdminClient.signIn(server).expect("PATCH", provider(), "{\"config\":{\"runConfirmationFunction\":true,"
                    + "\"confirmationFunctionName\":\"confirmFunc\"}}", 204);
        }
        // The export is rolled back to before the change and loses the function the change uses.
        Files.writeString(export.resolve("auth/providers.json"), original);
        Files.writeString(export.resolve("functions/config.json"), "[]");
        Assertions.assertThatThrownBy(() -> start(data, export))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("changed through the admin API");
    }
}
