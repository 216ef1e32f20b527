package dev.gatehouse.admin;

import static dev.gatehouse.testing.TestServer.body;
import static dev.gatehouse.testing.TestServer.expectStatus;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Every admin API route over HTTP, on the default app: users, pending users, provider, tokens, mail. */
class AdminApiTest {
    @RegisterExtension
    static final TestServer server = TestServer.perClass();

    static AdminClient admin;
    static String app;

    @BeforeAll
    static void signIn() {
        admin = AdminClient.signIn(server);
        app = AdminClient.app(server.server().apps().find(TestServer.APP).orElseThrow().appObjectId());
    }

    /** Moves the server's clock on; the shared admin signs in again, as its token may have expired. */
    private static void advanceClock(Duration by) {
        server.clock().advance(by);
        admin = AdminClient.signIn(server);
    }

    /** Every admin route, with a body where it takes one. */
    static List<String[]> routes() {
        String u = app + "/users";
        String r = app + "/user_registrations";
        String p = app + "/auth_providers/local-userpass";
        String a = AdminClient.ADMIN;
        return List.of(
                new String[] {"GET", a + "/auth/profile", null},
                new String[] {"GET", a + "/groups/" + dev.gatehouse.Gatehouse.GROUP_ID + "/apps", null},
                new String[] {"GET", app, null},
                new String[] {"GET", u, null},
                new String[] {"GET", app + "/users_count", null},
                new String[] {"POST", u, body("email", "x@example.com", "password", "secret123")},
                new String[] {"GET", u + "/000000000000000000000001", null},
                new String[] {"DELETE", u + "/000000000000000000000001", null},
                new String[] {"PUT", u + "/000000000000000000000001/disable", null},
                new String[] {"PUT", u + "/000000000000000000000001/enable", null},
                new String[] {"PUT", u + "/000000000000000000000001/logout", null},
                new String[] {"POST", u + "/verify_token", body("token", "x")},
                new String[] {"GET", r + "/pending_users", null},
                new String[] {"GET", r + "/pending_users_count", null},
                new String[] {"DELETE", r + "/by_email/x@example.com", null},
                new String[] {"DELETE", r + "/by_id/000000000000000000000001", null},
                new String[] {"POST", r + "/by_email/x@example.com/confirm", null},
                new String[] {"POST", r + "/by_email/x@example.com/send_confirm", null},
                new String[] {"POST", r + "/by_email/x@example.com/run_confirm", null},
                new String[] {"GET", app + "/auth_providers", null},
                new String[] {"GET", p, null},
                new String[] {"PATCH", p, "{\"config\":{\"autoConfirm\":true}}"},
                new String[] {"PUT", p + "/disable", null},
                new String[] {"PUT", p + "/enable", null},
                new String[] {"GET", app + "/dev_mailbox", null},
                new String[] {"GET", a + "/outbox?status=parked", null},
                new String[] {"POST", a + "/outbox/requeue", null});
    }

    @Test
    void everyRouteRefusesCallersWithoutAValidAdminToken() {
        server.registerConfirmed("client@example.com", "secret123");
        String clientAccess = server.login("client@example.com", "secret123").path("access_token").asText();
        String clientRefresh = server.login("client@example.com", "secret123").path("refresh_token").asText();
        List<String> wrong = new ArrayList<>();
        for (String[] route : routes()) {
            check(wrong, route, null, 401, "MissingAuthReq");
            check(wrong, route, "not-a-token", 401, "InvalidSession");
            // A client's tokens are not admin tokens, whatever they say.
            check(wrong, route, clientAccess, 401, "InvalidSession");
            check(wrong, route, clientRefresh, 401, "InvalidSession");
        }
        assertThat(wrong).isEmpty();
        // Nothing was changed by the refused calls.
        assertThat(server.rows("SELECT COUNT(*) FROM users WHERE email = 'x@example.com'").get(0).get(0).toString()).isEqualTo("0");
    }

    private static void check(List<String> wrong, String[] route, String bearer, int status, String code) {
        HttpResponse<String> response = admin.call(route[0], route[1], route[2], bearer);
        String got = response.statusCode() + " " + TestServer.json(response).path("error_code").asText();
        if (!got.equals(status + " " + code)) {
            wrong.add(route[0] + " " + route[1] + " with " + bearer + ": " + got);
        }
    }

    @Test
    void wrongCredentialsAreRefusedAlike() {
        String login = server.url() + AdminClient.ADMIN + "/auth/providers/local-userpass/login";
        for (String json : List.of(body("username", AdminClient.USERNAME, "password", "wrong password!"),
                body("username", "nobody", "password", AdminClient.PASSWORD), "{}")) {
            HttpResponse<String> response = expectStatus(server.post(login, json), 401);
            assertThat(TestServer.json(response).path("error").asText()).isEqualTo("invalid username/password");
            assertThat(response.body()).doesNotContain(AdminClient.PASSWORD);
        }
        // A client user's credentials do not open the admin API.
        server.registerConfirmed("notadmin@example.com", "secret123");
        expectStatus(server.post(login, body("username", "notadmin@example.com", "password", "secret123")), 401);
    }

    @Test
    void sessionsRefreshAndEnd() {
        HttpResponse<String> login = expectStatus(server.post(server.url() + AdminClient.ADMIN
                + "/auth/providers/local-userpass/login", body("username", AdminClient.USERNAME, "password", AdminClient.PASSWORD,
                "provider", "userpass")), 200);
        JsonNode tokens = TestServer.json(login);
        String refresh = tokens.path("refresh_token").asText();
        JsonNode profile = TestServer.json(expectStatus(admin.call("GET", AdminClient.ADMIN + "/auth/profile", null,
                tokens.path("access_token").asText()), 200));
        assertThat(profile.path("roles").get(0).path("group_id").asText()).isEqualTo(dev.gatehouse.Gatehouse.GROUP_ID);

        String renewed = TestServer.json(expectStatus(admin.call("POST", AdminClient.ADMIN + "/auth/session", null, refresh), 201))
                .path("access_token").asText();
        // The renewed token works and the one it replaced does not.
        expectStatus(admin.call("GET", AdminClient.ADMIN + "/auth/profile", null, renewed), 200);
        expectStatus(admin.call("GET", AdminClient.ADMIN + "/auth/profile", null, tokens.path("access_token").asText()), 401);
        // Access tokens are not refresh tokens.
        expectStatus(admin.call("POST", AdminClient.ADMIN + "/auth/session", null, renewed), 401);

        expectStatus(admin.call("DELETE", AdminClient.ADMIN + "/auth/session", null, refresh), 204);
        expectStatus(admin.call("GET", AdminClient.ADMIN + "/auth/profile", null, renewed), 401);
        expectStatus(admin.call("POST", AdminClient.ADMIN + "/auth/session", null, refresh), 401);
    }

    @Test
    void accessTokensExpireAndSessionsOutliveThem() {
        HttpResponse<String> login = expectStatus(server.post(server.url() + AdminClient.ADMIN
                + "/auth/providers/local-userpass/login", body("username", AdminClient.USERNAME, "password", AdminClient.PASSWORD)), 200);
        String access = TestServer.json(login).path("access_token").asText();
        String refresh = TestServer.json(login).path("refresh_token").asText();
        advanceClock(AdminAccounts.ACCESS_TTL.plusSeconds(1));
        expectStatus(admin.call("GET", AdminClient.ADMIN + "/auth/profile", null, access), 401);
        expectStatus(admin.call("POST", AdminClient.ADMIN + "/auth/session", null, refresh), 201);
        advanceClock(AdminAccounts.SESSION_TTL);
        expectStatus(admin.call("POST", AdminClient.ADMIN + "/auth/session", null, refresh), 401);
    }

    @Test
    void apiKeysSignInThroughTheMongodbCloudProvider() {
        AdminAccounts.ApiKey key = server.server().admins().addApiKey();
        String login = server.url() + AdminClient.ADMIN + "/auth/providers/mongodb-cloud/login";
        JsonNode tokens = TestServer.json(expectStatus(server.post(login,
                body("username", key.publicKey(), "apiKey", key.privateKey())), 200));
        JsonNode apps = TestServer.json(expectStatus(admin.call("GET", AdminClient.ADMIN + "/groups/"
                + dev.gatehouse.Gatehouse.GROUP_ID + "/apps", null, tokens.path("access_token").asText()), 200));
        assertThat(apps.get(0).path("client_app_id").asText()).isEqualTo(TestServer.APP);
        expectStatus(server.post(login, body("username", key.publicKey(), "apiKey", key.privateKey() + "x")), 401);
        // A key's private part is no password for the user provider, and stored only as a hash.
        expectStatus(server.post(server.url() + AdminClient.ADMIN + "/auth/providers/local-userpass/login",
                body("username", key.publicKey(), "password", key.privateKey())), 401);
        assertThat(server.rows("SELECT secret_hash FROM admins WHERE name = ?", key.publicKey()).get(0).get(0).toString())
                .startsWith("$argon2id$").doesNotContain(key.privateKey());
    }

    @Test
    void createGetListSearchAndCountUsers() {
        JsonNode created = admin.json("POST", app + "/users", body("email", "Ada@Example.com", "password", "secret123"), 201);
        assertThat(created.path("_id").asText()).hasSize(24);
        assertThat(created.path("type").asText()).isEqualTo("normal");
        assertThat(created.path("disabled").asBoolean()).isFalse();
        assertThat(created.path("data").path("email").asText()).isEqualTo("Ada@Example.com");
        assertThat(created.path("identities").get(0).path("provider_type").asText()).isEqualTo("local-userpass");
        assertThat(created.path("creation_date").asLong()).isPositive();
        // The created user is confirmed: it logs in.
        expectStatus(server.post(server.userpass(TestServer.APP) + "/login", body("username", "Ada@Example.com",
                "password", "secret123")), 200);
        JsonNode fetched = admin.json("GET", app + "/users/" + created.path("_id").asText(), null, 200);
        assertThat(fetched.path("last_authentication_date").asLong()).isPositive();

        admin.expect("POST", app + "/users", body("email", "Ada@Example.com", "password", "secret123"), 409);
        admin.expect("POST", app + "/users", body("email", "no-at-sign", "password", "secret123"), 400);
        admin.expect("POST", app + "/users", body("email", "short@example.com", "password", "123"), 400);
        admin.expect("POST", app + "/users", "not json", 400);

        for (int i = 0; i < 5; i++) {
            admin.expect("POST", app + "/users", body("email", "page" + i + "@paging.test", "password", "secret123"), 201);
        }
        assertThat(admin.json("GET", app + "/users_count?search=PAGING.test", null, 200).asLong()).isEqualTo(5);
        List<String> seen = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        String after = "";
        for (int pageNo = 0; pageNo < 4; pageNo++) {
            JsonNode page = admin.json("GET", app + "/users?search=paging.test&limit=2&after=" + after, null, 200);
            page.forEach(u -> seen.add(u.path("data").path("email").asText()));
            page.forEach(u -> ids.add(u.path("_id").asText()));
            if (page.isEmpty()) {
                break;
            }
            after = page.get(page.size() - 1).path("_id").asText();
        }
        // Ids within one second are random after their time part, so only the id order is certain.
        assertThat(seen).containsExactlyInAnyOrder("page0@paging.test", "page1@paging.test", "page2@paging.test",
                "page3@paging.test", "page4@paging.test");
        assertThat(ids).isSorted();
        List<String> descending = new ArrayList<>();
        admin.json("GET", app + "/users?search=paging.test&desc=true&sort=_id", null, 200)
                .forEach(u -> descending.add(u.path("_id").asText()));
        assertThat(descending).containsExactlyElementsOf(ids.reversed());

        admin.expect("GET", app + "/users?limit=0", null, 400);
        admin.expect("GET", app + "/users?after=garbage", null, 400);
        admin.expect("GET", app + "/users?sort=email", null, 400);
        admin.expect("GET", app + "/users/000000000000000000000000", null, 404);
        admin.expect("GET", AdminClient.ADMIN + "/groups/000000000000000000000000/apps", null, 404);
        admin.expect("GET", AdminClient.app("no-such-app") + "/users", null, 404);
        // The client app id names the app as well as its _id.
        assertThat(admin.json("GET", AdminClient.app(TestServer.APP) + "/users_count?search=paging.test", null, 200).asLong())
                .isEqualTo(5);
    }

    @Test
    void disableEnableLogoutAndDelete() {
        server.registerConfirmed("switch@example.com", "secret123");
        JsonNode session = server.login("switch@example.com", "secret123");
        String id = session.path("user_id").asText();
        String access = session.path("access_token").asText();
        String refresh = session.path("refresh_token").asText();
        String profile = server.url() + "/api/client/v2.0/auth/profile";

        admin.expect("PUT", app + "/users/" + id + "/disable", null, 204);
        assertThat(admin.json("GET", app + "/users/" + id, null, 200).path("disabled").asBoolean()).isTrue();
        HttpResponse<String> refused = expectStatus(server.post(server.userpass(TestServer.APP) + "/login",
                body("username", "switch@example.com", "password", "secret123")), 401);
        assertThat(TestServer.json(refused).path("error_code").asText()).isEqualTo("UserDisabled");
        expectStatus(server.withBearer("POST", server.url() + "/api/client/v2.0/auth/session", refresh), 401);
        expectStatus(server.get(profile, access), 401);

        admin.expect("PUT", app + "/users/" + id + "/enable", null, 204);
        JsonNode again = server.login("switch@example.com", "secret123");
        expectStatus(server.get(profile, again.path("access_token").asText()), 200);

        admin.expect("PUT", app + "/users/" + id + "/logout", null, 204);
        expectStatus(server.get(profile, again.path("access_token").asText()), 401);
        expectStatus(server.withBearer("POST", server.url() + "/api/client/v2.0/auth/session",
                again.path("refresh_token").asText()), 401);

        admin.expect("DELETE", app + "/users/" + id, null, 204);
        admin.expect("GET", app + "/users/" + id, null, 404);
        admin.expect("DELETE", app + "/users/" + id, null, 404);
        admin.expect("PUT", app + "/users/" + id + "/disable", null, 404);
        expectStatus(server.post(server.userpass(TestServer.APP) + "/login",
                body("username", "switch@example.com", "password", "secret123")), 401);
    }

    @Test
    void verifyTokenDecodesAccessTokens() {
        server.registerConfirmed("verify@example.com", "secret123");
        JsonNode session = server.login("verify@example.com", "secret123");
        JsonNode claims = admin.json("POST", app + "/users/verify_token",
                body("token", session.path("access_token").asText()), 200);
        assertThat(claims.path("sub").asText()).isEqualTo(session.path("user_id").asText());
        assertThat(claims.path("exp").asLong()).isGreaterThan(claims.path("iat").asLong());

        HttpResponse<String> garbage = admin.call("POST", app + "/users/verify_token", body("token", "a.b.c"));
        expectStatus(garbage, 401);
        assertThat(TestServer.json(garbage).path("error").asText()).isEqualTo("invalid session");
        assertThat(TestServer.json(garbage).path("error_code").asText()).isEqualTo("InvalidSession");
        // A refresh token is no access token.
        admin.expect("POST", app + "/users/verify_token", body("token", session.path("refresh_token").asText()), 401);

        advanceClock(Duration.ofMinutes(31));
        JsonNode expired = admin.json("POST", app + "/users/verify_token", body("token", session.path("access_token").asText()), 200);
        assertThat(expired.asText()).isEqualTo("token expired");
    }

    @Test
    void pendingUsersAreListedConfirmedResentAndDeleted() {
        for (String email : List.of("p1@pending.test", "p2@pending.test", "p3@pending.test", "p4@pending.test")) {
            expectStatus(server.post(server.userpass(TestServer.APP) + "/register", body("email", email, "password", "secret123")), 201);
        }
        String r = app + "/user_registrations";
        JsonNode pending = admin.json("GET", r + "/pending_users?search=pending.test", null, 200);
        assertThat(pending).hasSize(4);
        JsonNode first = pending.get(0);
        assertThat(first.path("user_id").asText()).isEmpty();
        assertThat(first.path("login_ids").get(0).path("id_type").asText()).isEqualTo("email");
        assertThat(pending.findValuesAsText("id")).containsExactlyInAnyOrder("p1@pending.test", "p2@pending.test",
                "p3@pending.test", "p4@pending.test");
        assertThat(first.path("domain_id").asText()).hasSize(24);
        assertThat(admin.json("GET", r + "/pending_users_count?search=pending.test", null, 200).asLong()).isEqualTo(4);
        // Pending users are registrations, not users.
        admin.expect("GET", app + "/users/" + first.path("_id").asText(), null, 404);
        assertThat(admin.json("GET", r + "/pending_users?search=pending.test&limit=1&after=" + first.path("_id").asText(), null, 200)
                .get(0).path("_id").asText()).isEqualTo(pending.get(1).path("_id").asText());

        admin.expect("POST", r + "/by_email/p1@pending.test/confirm", null, 204);
        server.login("p1@pending.test", "secret123");
        admin.expect("POST", r + "/by_email/p1@pending.test/confirm", null, 404);

        String before = server.latestMail(TestServer.APP, "p2@pending.test").path("id").asText();
        admin.expect("POST", r + "/by_email/p2@pending.test/send_confirm", null, 200);
        assertThat(server.latestMail(TestServer.APP, "p2@pending.test").path("id").asText()).isNotEqualTo(before);
        // The default app confirms by email: there is no function to re-run.
        HttpResponse<String> noFunction = admin.call("POST", r + "/by_email/p2@pending.test/run_confirm", null);
        expectStatus(noFunction, 400);
        admin.expect("POST", r + "/by_email/nobody@pending.test/run_confirm", null, 404);
        admin.expect("POST", r + "/by_email/p1@pending.test/run_confirm", null, 400);

        admin.expect("DELETE", r + "/by_email/p2@pending.test", null, 204);
        String p3 = admin.json("GET", r + "/pending_users?search=p3@", null, 200).get(0).path("_id").asText();
        admin.expect("DELETE", r + "/by_id/" + p3, null, 204);
        admin.expect("DELETE", r + "/by_email/p2@pending.test", null, 404);
        // A confirmed user is not a pending one, so this route cannot delete it.
        admin.expect("DELETE", r + "/by_email/p1@pending.test", null, 404);
        assertThat(admin.json("GET", r + "/pending_users?search=pending.test", null, 200)).hasSize(1);
    }

    @Test
    void devMailboxAndOutboxAreReadable() {
        expectStatus(server.post(server.userpass(TestServer.APP) + "/register",
                body("email", "mailbox@example.com", "password", "secret123")), 201);
        JsonNode all = admin.json("GET", app + "/dev_mailbox", null, 200).path("messages");
        assertThat(all.findValuesAsText("to")).contains("mailbox@example.com");
        JsonNode one = admin.json("GET", app + "/dev_mailbox?email=mailbox@example.com", null, 200).path("messages");
        assertThat(one).hasSize(1);
        JsonNode outbox = admin.json("GET", AdminClient.ADMIN + "/outbox?status=queued", null, 200);
        assertThat(outbox.path("smtp").asBoolean()).isFalse();
        assertThat(outbox.path("messages")).isEmpty();
        admin.expect("GET", AdminClient.ADMIN + "/outbox?status=sent", null, 400);
        assertThat(admin.json("POST", AdminClient.ADMIN + "/outbox/requeue", null, 200).path("requeued").asInt()).isZero();
    }

    @Test
    void theConsoleIsServedWithAPolicyThatAllowsOnlyItsOwnScripts() {
        HttpResponse<String> page = expectStatus(server.get(server.url() + "/console", null), 200);
        assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("default-src 'none'", "script-src 'self'", "frame-ancestors 'none'");
        assertThat(page.headers().firstValue("Referrer-Policy")).contains("no-referrer");
        assertThat(page.body()).contains("/console/console.js").doesNotContain("<script>");
        expectStatus(server.get(server.url() + "/console/", null), 200);
        assertThat(expectStatus(server.get(server.url() + "/console/console.js", null), 200).headers()
                .firstValue("Content-Type").orElseThrow()).startsWith("text/javascript");
        expectStatus(server.get(server.url() + "/console/console.css", null), 200);
        expectStatus(server.get(server.url() + "/console/../pom.xml", null), 404);
        expectStatus(server.get(server.url() + "/console/nothing.js", null), 404);
    }

    @Test
    void unknownAdminRoutesAnswer404ToAdminsOnly() {
        admin.expect("GET", AdminClient.ADMIN + "/no/such/route", null, 404);
        expectStatus(admin.call("GET", AdminClient.ADMIN + "/no/such/route", null, null), 401);
    }

    @Test
    void theAdminApiIsClosedUntilAnAdminExists(@TempDir Path dir) {
        try (TestServer fresh = TestServer.start(dir)) {
            assertThat(fresh.server().admins().exists()).isFalse();
            expectStatus(fresh.post(fresh.url() + AdminClient.ADMIN + "/auth/providers/local-userpass/login",
                    body("username", "admin", "password", "")), 401);
            expectStatus(fresh.get(fresh.url() + AdminClient.ADMIN + "/groups/" + dev.gatehouse.Gatehouse.GROUP_ID + "/apps",
                    null), 401);
        }
    }
}
