package dev.gatehouse.admin;

import static dev.gatehouse.testing.TestServer.body;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.password.HashParameters;
import dev.gatehouse.testing.AppExport;
import dev.gatehouse.testing.Cli;
import dev.gatehouse.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator commands, run in-process against a real data directory that a real server then
 * uses (or uses at the same time, as a server and an operator's shell would).
 */
class CliTest {
    private static final String APP = TestServer.APP;

    @TempDir
    Path dir;

    /** What one command printed and returned. */
    record Run(int exit, String out, String err) {
        List<JsonNode> rows() {
            return out.lines().filter(l -> l.startsWith("{")).map(TestServer::parse).toList();
        }
    }

    private Run gatehouse(String stdin, String... args) {
        Cli.Run run = Cli.run(stdin, args);
        return new Run(run.exit(), run.out(), run.err());
    }

    /** {@code gatehouse users <args> <database flags>} */
    private Run users(String stdin, String... args) {
        List<String> all = new ArrayList<>(List.of("users"));
        all.addAll(List.of(args));
        all.addAll(TestServer.databaseFlags(dir));
        return gatehouse(stdin, all.toArray(String[]::new));
    }

    private Run create(String email, String password) {
        // The cheapest hash the server accepts: the test is about the command, not Argon2's cost.
        return users(password + "\n", "create", "--email", email, "--password-stdin", "--argon2-memory-kib", "64",
                "--argon2-iterations", "1");
    }

    private static HttpResponse<String> login(TestServer server, String email, String password) {
        return server.post(server.userpass(APP) + "/login", body("username", email, "password", password));
    }

    @Test
    void a_created_user_is_listed_confirmed_and_logs_in_and_disable_enable_and_delete_take_effect() {
        Run created = create("made@example.com", "made-secret-1");
        assertThat(created.exit()).as(created.err()).isZero();
        assertThat(created.out() + created.err()).doesNotContain("made-secret-1").doesNotContain("argon2id");
        String id = created.rows().get(0).path("id").asText();

        Run list = users(null, "list");
        assertThat(list.exit()).isZero();
        assertThat(list.rows()).hasSize(1);
        JsonNode row = list.rows().get(0);
        assertThat(row.path("email").asText()).isEqualTo("made@example.com");
        assertThat(row.path("id").asText()).isEqualTo(id);
        assertThat(row.path("confirmed").asBoolean()).isTrue();
        assertThat(row.path("disabled").asBoolean()).isFalse();
        assertThat(row.has("created_at")).isTrue();
        assertThat(list.out()).doesNotContain("argon2").doesNotContain("password");

        try (TestServer server = TestServer.start(dir)) {
            JsonNode session = TestServer.json(TestServer.expectStatus(login(server, "made@example.com", "made-secret-1"), 200));
            assertThat(session.path("user_id").asText()).isEqualTo(id);

            // Disabled while the server runs: login is refused and the existing session ends.
            assertThat(users(null, "disable", "made@example.com").exit()).isZero();
            HttpResponse<String> refused = login(server, "made@example.com", "made-secret-1");
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(TestServer.json(refused).path("error_code").asText()).isEqualTo("UserDisabled");
            HttpResponse<String> refresh = server.withBearer("POST",
                    server.url() + "/api/client/v2.0/auth/session", session.path("refresh_token").asText());
            assertThat(refresh.statusCode()).isEqualTo(401);
            assertThat(users(null, "list").rows().get(0).path("disabled").asBoolean()).isTrue();

            // Named by id this time.
            assertThat(users(null, "enable", id).exit()).isZero();
            TestServer.expectStatus(login(server, "made@example.com", "made-secret-1"), 200);

            assertThat(users(null, "delete", "made@example.com").exit()).isZero();
            assertThat(login(server, "made@example.com", "made-secret-1").statusCode()).isEqualTo(401);
            assertThat(users(null, "list").rows()).isEmpty();
            assertThat(users(null, "delete", "made@example.com").exit()).isEqualTo(1);
        }
    }

    @Test
    void a_pending_user_registered_over_http_is_confirmed_by_the_command() {
        try (TestServer server = TestServer.start(dir)) {
            TestServer.expectStatus(server.post(server.userpass(APP) + "/register",
                    body("email", "pending@example.com", "password", "secret1")), 201);
            Run pending = users(null, "list", "--pending");
            assertThat(pending.rows()).extracting(r -> r.path("email").asText()).containsExactly("pending@example.com");
            assertThat(pending.rows().get(0).path("confirmed").asBoolean()).isFalse();
            assertThat(login(server, "pending@example.com", "secret1").statusCode()).isEqualTo(401);

            Run confirmed = users(null, "confirm", "pending@example.com");
            assertThat(confirmed.exit()).as(confirmed.err()).isZero();
            TestServer.expectStatus(login(server, "pending@example.com", "secret1"), 200);
            assertThat(users(null, "list", "--pending").rows()).isEmpty();
            // The emailed link was spent by the confirmation.
            assertThat(server.rows("SELECT COUNT(*) FROM user_tokens").get(0).get(0).toString()).isEqualTo("0");
            assertThat(users(null, "confirm", "nobody@example.com").exit()).isEqualTo(1);
        }
    }

    @Test
    void list_searches_and_pages_in_email_order() {
        for (String email : List.of("carol@b.example", "alice@a.example", "bob@a.example", "a_b@c.example", "dave@A.EXAMPLE")) {
            assertThat(create(email, "secret1").exit()).isZero();
        }
        assertThat(emails(users(null, "list", "--limit", "2"))).containsExactly("a_b@c.example", "alice@a.example");
        assertThat(emails(users(null, "list", "--limit", "2", "--offset", "2"))).containsExactly("bob@a.example", "carol@b.example");
        assertThat(emails(users(null, "list", "--limit", "2", "--offset", "4"))).containsExactly("dave@A.EXAMPLE");
        // Substring, ignoring ASCII case; wildcards in the search are plain characters.
        assertThat(emails(users(null, "list", "--search", "@a.example"))).containsExactly("alice@a.example", "bob@a.example",
                "dave@A.EXAMPLE");
        assertThat(emails(users(null, "list", "--search", "a_b"))).containsExactly("a_b@c.example");
        assertThat(emails(users(null, "list", "--search", "%"))).isEmpty();
        assertThat(users(null, "list", "--search", "a.example").err()).contains("of 3 user(s)");
        // Another app is another namespace.
        assertThat(emails(users(null, "list", "--app-id", "other-app"))).isEmpty();
    }

    private static List<String> emails(Run run) {
        assertThat(run.exit()).as(run.err()).isZero();
        return run.rows().stream().map(r -> r.path("email").asText()).toList();
    }

    @Test
    void create_refuses_a_duplicate_a_bad_email_a_short_password_and_a_password_flag() {
        assertThat(create("twice@example.com", "secret1").exit()).isZero();
        Run again = create("twice@example.com", "secret2");
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).contains("already has a user twice@example.com");
        assertThat(create("no-at-sign", "secret1").exit()).isEqualTo(2);
        Run shortPassword = create("short@example.com", "abc");
        assertThat(shortPassword.exit()).isEqualTo(2);
        assertThat(shortPassword.err()).contains("password must be between 6 and 128 characters");
        // There is no flag to put a password in the process list.
        Run flag = users(null, "create", "--email", "flag@example.com", "--password", "secret1");
        assertThat(flag.exit()).isEqualTo(2);
        assertThat(flag.err()).contains("Unknown option");
        assertThat(emails(users(null, "list"))).containsExactly("twice@example.com");
    }

    /** {@code gatehouse admin <args> <database flags>} */
    private Run admin(String stdin, String... args) {
        List<String> all = new ArrayList<>(List.of("admin"));
        all.addAll(List.of(args));
        all.addAll(TestServer.databaseFlags(dir));
        return gatehouse(stdin, all.toArray(String[]::new));
    }

    @Test
    void admin_users_and_keys_made_by_the_command_sign_in_to_a_server_and_removal_ends_their_sessions() {
        Run added = admin("a long admin password\n", "add-user", "ops", "--password-stdin");
        assertThat(added.exit()).as(added.err()).isZero();
        assertThat(admin("short\n", "add-user", "weak", "--password-stdin").exit()).isEqualTo(2);
        assertThat(admin("a long admin password\n", "add-user", "ops", "--password-stdin").exit()).isEqualTo(1);
        Run key = admin(null, "add-key");
        assertThat(key.exit()).isZero();
        Matcher pub = Pattern.compile("public key: +(\\S+)").matcher(key.out());
        Matcher priv = Pattern.compile("private key: +(\\S+)").matcher(key.out());
        assertThat(pub.find() && priv.find()).isTrue();
        Run list = admin(null, "list");
        assertThat(list.out()).contains("ops").contains(pub.group(1)).doesNotContain(priv.group(1)).doesNotContain("argon2");

        try (TestServer server = TestServer.start(dir)) {
            String admin = server.url() + "/api/admin/v3.0";
            HttpResponse<String> user = server.post(admin + "/auth/providers/local-userpass/login",
                    body("username", "ops", "password", "a long admin password"));
            assertThat(user.statusCode()).isEqualTo(200);
            HttpResponse<String> apiKey = server.post(admin + "/auth/providers/mongodb-cloud/login",
                    body("username", pub.group(1), "apiKey", priv.group(1)));
            assertThat(apiKey.statusCode()).isEqualTo(200);
            String access = TestServer.json(user).path("access_token").asText();
            assertThat(server.get(admin + "/auth/profile", access).statusCode()).isEqualTo(200);

            assertThat(admin(null, "remove", "ops").exit()).isZero();
            assertThat(admin(null, "remove", "ops").exit()).isEqualTo(1);
            assertThat(server.get(admin + "/auth/profile", access).statusCode()).isEqualTo(401);
        }
    }

    @Test
    void aot_training_walks_every_common_route_of_a_throw_away_server() {
        // ./gatehouse runs it under -XX:AOTCacheOutput; a route answering otherwise than it expects stops it.
        Run run = gatehouse(null, "aot-training", "--rounds", "2");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("aot-training: 2 rounds done");
    }

    @Test
    void app_validate_says_ok_for_a_good_export_and_lists_every_problem_of_a_bad_one() throws Exception {
        Path good = AppExport.of(dir, "good-app").function("confirm", "exports = () => ({status: 'success'});")
                .provider("{\"runConfirmationFunction\":true,\"confirmationFunctionName\":\"confirm\"}").write();
        Run ok = gatehouse(null, "app", "validate", good.toString());
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("ok").contains("good-app").contains("1 function(s)");

        Path bad = AppExport.of(dir, "bad-app").provider("{\"runConfirmationFunction\":true,"
                + "\"confirmationFunctionName\":\"missing\",\"runResetFunction\":true,\"resetFunctionName\":\"alsoMissing\"}").write();
        // And an export whose only fault is a page text that is not one (start-up would refuse it too).
        Path texts = AppExport.of(dir, "texts-app").write();
        Files.createDirectories(texts.resolve("page_texts"));
        Files.writeString(texts.resolve("page_texts/en.properties"), "confirm.buton=Yes\n");
        Run refused = gatehouse(null, "app", "validate", bad.toString(), texts.toString());
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.err()).contains("missing").contains("alsoMissing")
                .contains("texts-app: page_texts/en.properties: 'confirm.buton' is not a page text");
        assertThat(gatehouse(null, "app", "validate", dir.resolve("nowhere").toString()).exit()).isEqualTo(2);
        assertThat(Files.exists(dir.resolve("nowhere"))).isFalse();
    }

    @Test
    void hash_calibrate_never_proposes_less_than_the_minimum() {
        Run run = gatehouse(null, "hash", "calibrate", "--target", "1ms");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.err()).contains("measuring");
        Matcher flags = Pattern.compile("--argon2-memory-kib (\\d+) --argon2-iterations (\\d+) --argon2-parallelism (\\d+)")
                .matcher(run.out());
        assertThat(flags.find()).as(run.out()).isTrue();
        // Which Argon2id it timed: the figure holds only for that implementation.
        assertThat(run.out()).containsPattern("Argon2id (native \\((avx512|avx2|x86-64-v2)\\)|bouncycastle);");
        HashParameters chosen = new HashParameters(Integer.parseInt(flags.group(1)), Integer.parseInt(flags.group(2)),
                Integer.parseInt(flags.group(3)));
        assertThat(chosen.problems()).isEmpty();
        assertThat(chosen.memoryKib()).isGreaterThanOrEqualTo(HashParameters.OWASP.memoryKib());
        assertThat(chosen.iterations()).isGreaterThanOrEqualTo(HashParameters.OWASP.iterations());
        assertThat(gatehouse(null, "hash", "calibrate", "--max-memory-mib", "8").exit()).isEqualTo(2);
    }
}
