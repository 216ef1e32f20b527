package dev.gatehouse.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.password.HashParameters;
import dev.gatehouse.testing.TestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An admin's password hash follows the server's Argon2id costs, as users' hashes do: replaced at sign-in. */
class AdminRehashTest {
    @TempDir
    Path dir;

    @Test
    void an_admin_hash_made_with_older_costs_is_replaced_at_sign_in_and_still_works() {
        try (TestServer server = TestServer.start(dir, c -> c.withHashing(new HashParameters(256, 1, 1)))) {
            AdminClient.signIn(server);
            assertThat(secretHash(server)).startsWith("$argon2id$v=19$m=256,t=1,p=1$");
        }
        try (TestServer server = TestServer.start(dir, c -> c.withHashing(new HashParameters(512, 2, 1)))) {
            AdminClient.signIn(server);
            String rehashed = secretHash(server);
            assertThat(rehashed).startsWith("$argon2id$v=19$m=512,t=2,p=1$");
            AdminClient.signIn(server);
            assertThat(secretHash(server)).as("no rehash once the costs match").isEqualTo(rehashed);
        }
    }

    private static String secretHash(TestServer server) {
        return (String) server.rows("SELECT secret_hash FROM admins WHERE name = ?", AdminClient.USERNAME).get(0).get(0);
    }
}
