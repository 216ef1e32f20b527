package dev.gatehouse.password;

import static dev.gatehouse.testing.TestServer.body;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.Cli;
import dev.gatehouse.testing.Cli.Run;
import dev.gatehouse.testing.TestServer;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rehash on login when the costs change, and users imported with other systems' hashes. */
class PasswordUpgradeTest {
    static final HashParameters WEAK = new HashParameters(256, 1, 1);
    static final HashParameters STRONG = new HashParameters(512, 2, 2);

    @TempDir
    Path dir;

    private Run users(String... args) {
        List<String> all = new ArrayList<>(List.of("users"));
        all.addAll(List.of(args));
        all.addAll(TestServer.databaseFlags(dir));
        return Cli.run(null, all.toArray(String[]::new));
    }

    private static String storedHash(TestServer server, String email) {
        return (String) server.rows("SELECT password_hash FROM users WHERE email = ?", email).get(0).get(0);
    }

    private static HttpResponse<String> login(TestServer server, String email, String password) {
        return server.post(server.userpass(TestServer.APP) + "/login", body("username", email, "password", password));
    }

    @Test
    void a_login_after_the_costs_went_up_stores_a_hash_with_the_new_costs() {
        try (TestServer server = TestServer.start(dir, c -> c.withHashing(WEAK))) {
            server.registerConfirmed("weak@example.com", "secret-1");
            assertThat(storedHash(server, "weak@example.com")).contains("$m=256,t=1,p=1$");
        }
        try (TestServer server = TestServer.start(dir, c -> c.withHashing(STRONG))) {
            // A wrong password changes nothing.
            assertThat(login(server, "weak@example.com", "secret-2").statusCode()).isEqualTo(401);
            assertThat(storedHash(server, "weak@example.com")).contains("$m=256,t=1,p=1$");

            server.login("weak@example.com", "secret-1");
            String upgraded = storedHash(server, "weak@example.com");
            assertThat(upgraded).startsWith("$argon2id$v=19$m=512,t=2,p=2$");

            // The same password still works, and a current hash is left alone.
            server.login("weak@example.com", "secret-1");
            assertThat(storedHash(server, "weak@example.com")).isEqualTo(upgraded);
        }
    }

    @Test
    void imported_users_log_in_with_their_old_passwords_and_get_argon2id() throws IOException {
        Path file = dir.resolve("users.jsonl");
        Files.writeString(file, String.join("\n",
                "{\"email\":\"bcrypt@example.com\",\"password_hash\":\"$2b$04$6a1q9D/iL964saceP8c8De3ZYAghHinDVKn36bzKHVmvNmkh.S44.\"}",
                "{\"email\":\"django@example.com\",\"password_hash\":\"pbkdf2_sha256$1000$somesalt123$WU90yuNgXxuU/bddW4X1otoJcNYYCiyMN6UB/yUVV0c=\",\"confirmed\":true}",
                "",
                "{\"email\":\"scrypt@example.com\",\"password_hash\":\"$scrypt$ln=10,r=8,p=1$aI2x9t7be0/JeS8FoJRSig$nZmf5ZHxTiL+zRI1axO2MI41rDG+m4gh3PO7PUR1gJg\"}",
                "{\"email\":\"argon2i@example.com\",\"password_hash\":\"$argon2i$v=19$m=1024,t=2,p=2$c29tZXNhbHQxMjM0NTY3OA$VpRZDI5SaKPGVqaSzM3ujT+rPlhg0xNPwdKYFjntzA0\"}",
                "{\"email\":\"pending@example.com\",\"password_hash\":\"$pbkdf2-sha256$1000$WWvNOUdIifH.nzOGMKa09g$8W54./mwitALc5TH92yrkT0Q1CXiDkuOaDbHDvJu4Tg\",\"confirmed\":false}",
                ""));
        try (TestServer server = TestServer.start(dir, c -> c.withHashing(STRONG))) {
            Run imported = users("import", file.toString());
            assertThat(imported.exit()).as(imported.err()).isZero();
            assertThat(imported.out()).contains("imported 5 user(s)");
            assertThat(imported.out() + imported.err()).doesNotContain("$2b$").doesNotContain("pbkdf2_sha256");

            for (String email : List.of("bcrypt@example.com", "django@example.com", "scrypt@example.com", "argon2i@example.com")) {
                String before = storedHash(server, email);
                assertThat(login(server, email, "correct horsf").statusCode()).isEqualTo(401);
                assertThat(storedHash(server, email)).isEqualTo(before);
                server.login(email, ForeignHashesTest.PASSWORD);
                assertThat(storedHash(server, email)).as(email).startsWith("$argon2id$v=19$m=512,t=2,p=2$");
                server.login(email, ForeignHashesTest.PASSWORD);
            }
            // Imported unconfirmed: the right password learns that confirmation is required, as after registering.
            HttpResponse<String> pending = login(server, "pending@example.com", ForeignHashesTest.PASSWORD);
            assertThat(pending.statusCode()).isEqualTo(401);
            assertThat(TestServer.json(pending).path("error_code").asText()).isEqualTo("AuthError");

            // Unknown users still pay the one Argon2id decoy verification.
            long before = server.server().passwordVerifications();
            assertThat(login(server, "nobody@example.com", ForeignHashesTest.PASSWORD).statusCode()).isEqualTo(401);
            assertThat(server.server().passwordVerifications() - before).isEqualTo(1);
        }
    }

    @Test
    void a_file_with_any_bad_line_imports_nothing_and_names_every_bad_line() throws IOException {
        Path file = dir.resolve("bad.jsonl");
        Files.writeString(file, String.join("\n",
                "{\"email\":\"ok@example.com\",\"password_hash\":\"$2b$04$6a1q9D/iL964saceP8c8De3ZYAghHinDVKn36bzKHVmvNmkh.S44.\"}",
                "{\"email\":\"md5@example.com\",\"password_hash\":\"$1$abcdefgh$abcdefghijklmnopqrstuv\"}",
                "not json",
                "{\"email\":\"ok@example.com\",\"password_hash\":\"$2b$04$6a1q9D/iL964saceP8c8De3ZYAghHinDVKn36bzKHVmvNmkh.S44.\"}",
                "{\"email\":\"x@example.com\",\"passwordHash\":\"x\"}",
                "{\"email\":\"y@example.com\",\"password_hash\":\"$2b$04$6a1q9D/iL964saceP8c8De3ZYAghHinDVKn36bzKHVmvNmkh.S44.\",\"confirmed\":\"yes\"}"));
        try (TestServer server = TestServer.start(dir, c -> c.withHashing(WEAK))) {
            Run run = users("import", file.toString());
            assertThat(run.exit()).isEqualTo(2);
            assertThat(run.err()).contains("line 2: password_hash is not in a supported format")
                    .contains("line 3: not a JSON object")
                    .contains("line 4: email ok@example.com is also on line 1")
                    .contains("line 5: unknown field \"passwordHash\"")
                    .contains("line 6: confirmed must be true or false")
                    .contains("nothing imported")
                    .doesNotContain("$1$abcdefgh");
            assertThat(server.rows("SELECT COUNT(*) FROM users").get(0).get(0).toString()).isEqualTo("0");
        }
    }

    @Test
    void an_email_already_taken_imports_nothing() throws IOException {
        Path file = dir.resolve("users.jsonl");
        Files.writeString(file, String.join("\n",
                "{\"email\":\"new@example.com\",\"password_hash\":\"$2b$04$6a1q9D/iL964saceP8c8De3ZYAghHinDVKn36bzKHVmvNmkh.S44.\"}",
                "{\"email\":\"taken@example.com\",\"password_hash\":\"$2b$04$6a1q9D/iL964saceP8c8De3ZYAghHinDVKn36bzKHVmvNmkh.S44.\"}"));
        try (TestServer server = TestServer.start(dir, c -> c.withHashing(WEAK))) {
            server.registerConfirmed("taken@example.com", "secret-1");
            Run run = users("import", file.toString());
            assertThat(run.exit()).isEqualTo(1);
            assertThat(run.err()).contains("line 2: app gatehouse-local already has a user taken@example.com")
                    .contains("nothing imported");
            assertThat(server.rows("SELECT email FROM users")).hasSize(1);
            server.login("taken@example.com", "secret-1");
        }
    }
}
