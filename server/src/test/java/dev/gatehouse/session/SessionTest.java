package dev.gatehouse.session;

import static dev.gatehouse.testing.TestServer.APP;
import static dev.gatehouse.testing.TestServer.body;
import static dev.gatehouse.testing.WireAssertions.assertEmpty;
import static dev.gatehouse.testing.WireAssertions.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import dev.gatehouse.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class SessionTest {
    static final String INVALID_ACCESS = "invalid session: access token expired";

    @TempDir
    static Path data;
    @RegisterExtension
    static final TestServer server = TestServer.perClass();

    private static String api() {
        return server.url() + "/api/client/v2.0";
    }

    static JsonNode payload(String jwt) {
        String[] parts = jwt.split("\\.");
        assertThat(parts).hasSize(3);
        return TestServer.parse(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    }

    static JsonNode header(String jwt) {
        return TestServer.parse(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[0]), StandardCharsets.UTF_8));
    }

    private HttpResponse<String> profile(String access) {
        return server.get(api() + "/auth/profile", access);
    }

    private HttpResponse<String> refresh(String refresh) {
        return server.withBearer("POST", api() + "/auth/session", refresh);
    }

    @Test
    void login_answers_tokens_user_id_and_device_id() {
        server.registerConfirmed("login@example.com", "secret1");
        HttpResponse<String> response = server.post(server.userpass(APP) + "/login",
                "{\"username\":\"login@example.com\",\"password\":\"secret1\",\"options\":{\"device\":{\"platform\":\"node\"}}}");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().allValues("Content-Type")).containsExactly("application/json");
        JsonNode body = TestServer.json(response);
        assertThat(body.path("user_id").asText()).matches("[0-9a-f]{24}");
        assertThat(body.path("device_id").asText()).matches("[0-9a-f]{24}");

        JsonNode access = payload(body.path("access_token").asText());
        JsonNode refresh = payload(body.path("refresh_token").asText());
        // Access tokens for anyone to verify with the JWKS; refresh tokens for this server alone.
        JsonNode accessHeader = header(body.path("access_token").asText());
        assertThat(accessHeader.path("alg").asText()).isEqualTo("ES256");
        assertThat(header(body.path("refresh_token").asText()).path("alg").asText()).isEqualTo("HS256");
        assertThat(header(body.path("refresh_token").asText()).path("kid").asText()).isEqualTo(accessHeader.path("kid").asText());
        for (JsonNode claims : new JsonNode[] {access, refresh}) {
            // realm-core aborts unless exp and iat are JSON integers in both tokens (spec T5).
            assertThat(claims.path("exp").isIntegralNumber()).isTrue();
            assertThat(claims.path("iat").isIntegralNumber()).isTrue();
            assertThat(claims.path("sub").asText()).isEqualTo(body.path("user_id").asText());
            assertThat(claims.path("baas_device_id").asText()).isEqualTo(body.path("device_id").asText());
        }
        assertThat(access.path("exp").asLong() - access.path("iat").asLong()).isEqualTo(1800);
        assertThat(refresh.path("exp").asLong() - refresh.path("iat").asLong()).isEqualTo(Duration.ofDays(60).toSeconds());
        assertThat(access.path("typ").asText()).isEqualTo("access");
        assertThat(refresh.path("typ").asText()).isEqualTo("refresh");
        assertThat(access.path("iss").asText()).isEqualTo(refresh.path("baas_id").asText());
        assertThat(access.path("user_data").isObject()).isTrue();
        assertThat(refresh.path("baas_identity").path("provider_type").asText()).isEqualTo("local-userpass");
    }

    @Test
    void the_device_id_sent_back_by_realm_web_is_kept() {
        server.registerConfirmed("device@example.com", "secret1");
        String first = server.login("device@example.com", "secret1").path("device_id").asText();
        HttpResponse<String> again = server.post(server.userpass(APP) + "/login",
                "{\"username\":\"device@example.com\",\"password\":\"secret1\",\"options\":{\"device\":{\"deviceId\":{\"$oid\":\""
                        + first + "\"}}}}");
        assertThat(TestServer.json(again).path("device_id").asText()).isEqualTo(first);
    }

    @Test
    void wrong_password_and_unknown_user_look_the_same_and_cost_the_same() {
        server.registerConfirmed("known@example.com", "secret1");
        long before = server.server().passwordVerifications();
        assertError(server.post(server.userpass(APP) + "/login", body("username", "known@example.com", "password", "wrong-1")),
                401, "InvalidPassword", "unauthorized");
        long afterKnown = server.server().passwordVerifications();
        assertError(server.post(server.userpass(APP) + "/login", body("username", "unknown@example.com", "password", "wrong-1")),
                401, "InvalidPassword", "unauthorized");
        long afterUnknown = server.server().passwordVerifications();
        TestServer.expectStatus(server.post(server.userpass(APP) + "/register",
                body("email", "pendingcost@example.com", "password", "secret1")), 201);
        long beforePending = server.server().passwordVerifications();
        assertError(server.post(server.userpass(APP) + "/login", body("username", "pendingcost@example.com", "password", "secret1")),
                401, "AuthError", "confirmation required");
        assertThat(afterKnown - before).isEqualTo(1);
        assertThat(afterUnknown - afterKnown).isEqualTo(1);
        assertThat(server.server().passwordVerifications() - beforePending).isEqualTo(1);
    }

    @Test
    void a_disabled_user_cannot_log_in_or_refresh() {
        server.registerConfirmed("disabled@example.com", "secret1");
        JsonNode login = server.login("disabled@example.com", "secret1");
        assertThat(server.sql("UPDATE users SET disabled = 1 WHERE email = ?", "disabled@example.com")).isEqualTo(1);
        assertError(server.post(server.userpass(APP) + "/login", body("username", "disabled@example.com", "password", "secret1")),
                401, "UserDisabled", "user disabled");
        assertError(server.post(server.userpass(APP) + "/login", body("username", "disabled@example.com", "password", "wrong-1")),
                401, "InvalidPassword", "unauthorized");
        assertError(refresh(login.path("refresh_token").asText()), 401, "InvalidSession", "invalid session");
        assertError(profile(login.path("access_token").asText()), 401, "InvalidSession", INVALID_ACCESS);
    }

    @Test
    void profile_has_the_shape_the_sdks_require() {
        server.registerConfirmed("profile@example.com", "secret1");
        JsonNode login = server.login("profile@example.com", "secret1");
        HttpResponse<String> response = profile(login.path("access_token").asText());
        assertThat(response.headers().allValues("Content-Type")).containsExactly("application/json");
        JsonNode body = TestServer.json(response);
        assertThat(body.path("user_id").asText()).isEqualTo(login.path("user_id").asText());
        assertThat(body.path("type").asText()).isEqualTo("normal");
        assertThat(body.path("data").path("email").asText()).isEqualTo("profile@example.com");
        JsonNode identity = body.path("identities").get(0);
        assertThat(identity.path("provider_type").asText()).isEqualTo("local-userpass");
        assertThat(identity.path("id").asText()).matches("[0-9a-f]{24}");
        assertThat(identity.path("provider_data").path("email").asText()).isEqualTo("profile@example.com");
        assertThat(body.path("domain_id").asText()).matches("[0-9a-f]{24}");
    }

    @Test
    void an_expired_access_token_is_invalid_session_and_refresh_gives_a_new_one() {
        server.registerConfirmed("expiry@example.com", "secret1");
        JsonNode login = server.login("expiry@example.com", "secret1");
        server.clock().advance(Duration.ofMinutes(31));
        assertError(profile(login.path("access_token").asText()), 401, "InvalidSession", INVALID_ACCESS);
        HttpResponse<String> refreshed = refresh(login.path("refresh_token").asText());
        assertThat(refreshed.statusCode()).isEqualTo(201);
        assertThat(refreshed.headers().allValues("Content-Type")).containsExactly("application/json");
        String access = TestServer.json(refreshed).path("access_token").asText();
        assertThat(profile(access).statusCode()).isEqualTo(200);
    }

    @Test
    void an_access_token_is_good_for_a_small_clock_skew_past_its_expiry_and_no_longer() {
        server.registerConfirmed("skew@example.com", "secret1");
        String access = server.login("skew@example.com", "secret1").path("access_token").asText();
        server.clock().advance(Duration.ofMinutes(30).plusSeconds(20));
        assertThat(profile(access).statusCode()).isEqualTo(200);
        server.clock().advance(Duration.ofSeconds(20));
        assertError(profile(access), 401, "InvalidSession", INVALID_ACCESS);
    }

    @Test
    void a_refresh_token_expires_after_60_days() {
        server.registerConfirmed("longexpiry@example.com", "secret1");
        JsonNode login = server.login("longexpiry@example.com", "secret1");
        server.clock().advance(Duration.ofDays(60).plusSeconds(1));
        assertError(refresh(login.path("refresh_token").asText()), 401, "InvalidSession", "invalid session");
    }

    @Test
    void tokens_of_the_wrong_type_or_tampered_or_unsigned_are_refused() {
        server.registerConfirmed("tamper@example.com", "secret1");
        JsonNode login = server.login("tamper@example.com", "secret1");
        String access = login.path("access_token").asText();
        String refreshToken = login.path("refresh_token").asText();
        assertError(profile(refreshToken), 401, "InvalidSession", INVALID_ACCESS);
        assertError(refresh(access), 401, "InvalidSession", "invalid session");

        String[] parts = access.split("\\.");
        String otherUser = Base64.getUrlEncoder().withoutPadding().encodeToString(new String(
                Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8).replace("\"sub\":\"", "\"sub\":\"0").getBytes(StandardCharsets.UTF_8));
        assertError(profile(parts[0] + "." + otherUser + "." + parts[2]), 401, "InvalidSession", INVALID_ACCESS);
        String none = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));
        assertError(profile(none + "." + parts[1] + "."), 401, "InvalidSession", INVALID_ACCESS);
        String hs256 = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"HS256\"}".getBytes(StandardCharsets.UTF_8));
        assertError(profile(hs256 + "." + parts[1] + "." + parts[2]), 401, "InvalidSession", INVALID_ACCESS);
        assertError(profile("garbage"), 401, "InvalidSession", INVALID_ACCESS);
        assertError(server.get(api() + "/auth/profile", null), 401, "MissingAuthReq", "must authenticate first");
    }

    /**
     * A token already verified is not verified again (the cache of SessionTokens), but everything
     * else still is: expiry, the session (logout) and tampering with any byte.
     */
    @Test
    void an_access_token_is_verified_once_and_still_expires_and_dies_with_its_session() {
        server.registerConfirmed("cached@example.com", "secret1");
        JsonNode login = server.login("cached@example.com", "secret1");
        String access = login.path("access_token").asText();
        assertThat(profile(access).statusCode()).isEqualTo(200);
        double checks = signatureChecks();
        for (int i = 0; i < 5; i++) {
            assertThat(profile(access).statusCode()).isEqualTo(200);
        }
        assertThat(signatureChecks()).as("no second verification of the same token").isEqualTo(checks);
        String tampered = access.substring(0, access.length() - 2) + (access.endsWith("A") ? "BA" : "AA");
        assertError(profile(tampered), 401, "InvalidSession", INVALID_ACCESS);
        assertThat(signatureChecks()).as("a different token is verified").isEqualTo(checks + 1);

        // Refresh proves its token by the session's stored digest: no signature check at all.
        HttpResponse<String> refreshed = refresh(login.path("refresh_token").asText());
        assertThat(refreshed.statusCode()).isEqualTo(201);
        assertThat(signatureChecks()).isEqualTo(checks + 1);
        String refreshToken = login.path("refresh_token").asText();
        String otherSignature = refreshToken.substring(0, refreshToken.lastIndexOf('.') + 1) + "AAAA";
        assertError(refresh(otherSignature), 401, "InvalidSession", "invalid session");

        server.clock().advance(Duration.ofMinutes(31));
        assertError(profile(access), 401, "InvalidSession", INVALID_ACCESS);
        String fresh = TestServer.json(refresh(refreshToken)).path("access_token").asText();
        assertThat(profile(fresh).statusCode()).isEqualTo(200);
        assertEmpty(server.withBearer("DELETE", api() + "/auth/session", refreshToken), 204);
        assertError(profile(fresh), 401, "InvalidSession", INVALID_ACCESS);
    }

    /** Neither the cache nor refresh's digest check outlives the key: `keys remove` ends its tokens. */
    @Test
    void removing_a_signing_key_ends_its_access_and_refresh_tokens_even_when_verified_before() {
        server.registerConfirmed("removed-key@example.com", "secret1");
        JsonNode login = server.login("removed-key@example.com", "secret1");
        String access = login.path("access_token").asText();
        assertThat(profile(access).statusCode()).isEqualTo(200);  // verified, so cached
        String kid = TestServer.parse(new String(Base64.getUrlDecoder().decode(access.split("\\.")[0]),
                StandardCharsets.UTF_8)).path("kid").asText();
        assertThat(keys("rotate")).isZero();
        assertThat(keys("remove", kid)).isZero();
        server.clock().advance(Duration.ofMinutes(1));  // past --signing-key-refresh: the server reloads its keys
        assertError(profile(access), 401, "InvalidSession", INVALID_ACCESS);
        assertError(refresh(login.path("refresh_token").asText()), 401, "InvalidSession", "invalid session");
        // Signed with the new key from now on.
        assertThat(profile(server.login("removed-key@example.com", "secret1").path("access_token").asText()).statusCode())
                .isEqualTo(200);
    }

    private static int keys(String... arguments) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("keys"));
        args.addAll(java.util.List.of(arguments));
        args.addAll(TestServer.databaseFlags(server.dataDir()));
        return new picocli.CommandLine(new dev.gatehouse.Main()).execute(args.toArray(String[]::new));
    }

    private double signatureChecks() {
        String metrics = server.get(server.url() + "/metrics", null).body();
        return metrics.lines().filter(l -> l.startsWith("gatehouse_token_signature_checks_total "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1))).findFirst().orElseThrow();
    }

    @Test
    void logout_revokes_the_session_and_always_answers_204() {
        server.registerConfirmed("logout@example.com", "secret1");
        JsonNode login = server.login("logout@example.com", "secret1");
        String refreshToken = login.path("refresh_token").asText();
        assertEmpty(server.withBearer("DELETE", api() + "/auth/session", refreshToken), 204);
        assertError(refresh(refreshToken), 401, "InvalidSession", "invalid session");
        assertError(profile(login.path("access_token").asText()), 401, "InvalidSession", INVALID_ACCESS);
        // Again, and with garbage: realm-web logs out with tokens of sessions that are gone.
        assertEmpty(server.withBearer("DELETE", api() + "/auth/session", refreshToken), 204);
        assertEmpty(server.withBearer("DELETE", api() + "/auth/session", "garbage"), 204);
    }

    @Test
    void delete_removes_the_user_and_its_sessions() {
        server.registerConfirmed("delete@example.com", "secret1");
        JsonNode login = server.login("delete@example.com", "secret1");
        assertEmpty(server.withBearer("DELETE", api() + "/auth/delete", login.path("access_token").asText()), 204);
        // realm-web's deleteUser then logs out with the old refresh token (spec 13).
        assertEmpty(server.withBearer("DELETE", api() + "/auth/session", login.path("refresh_token").asText()), 204);
        assertError(server.post(server.userpass(APP) + "/login", body("username", "delete@example.com", "password", "secret1")),
                401, "InvalidPassword", "unauthorized");
        assertError(refresh(login.path("refresh_token").asText()), 401, "InvalidSession", "invalid session");
        // The address is free again.
        assertThat(server.post(server.userpass(APP) + "/register", body("email", "delete@example.com", "password", "secret1"))
                .statusCode()).isEqualTo(201);
    }

    @Test
    void the_app_scoped_aliases_work_for_the_users_own_app_only() {
        server.registerConfirmed("alias@example.com", "secret1");
        JsonNode login = server.login("alias@example.com", "secret1");
        String scoped = api() + "/app/" + APP;
        assertThat(server.get(scoped + "/auth/profile", login.path("access_token").asText()).statusCode()).isEqualTo(200);
        assertThat(server.withBearer("POST", scoped + "/auth/session", login.path("refresh_token").asText()).statusCode())
                .isEqualTo(201);
        assertError(server.get(api() + "/app/other-app/auth/profile", login.path("access_token").asText()), 404,
                "AppNotFound", "cannot find app using Client App ID 'other-app'");
    }

    @Test
    void tokens_verify_against_the_published_jwks() throws Exception {
        server.registerConfirmed("jwks@example.com", "secret1");
        String access = server.login("jwks@example.com", "secret1").path("access_token").asText();
        HttpResponse<String> jwks = server.get(server.url() + "/.well-known/jwks.json", null);
        JWKSet set = JWKSet.parse(jwks.body());
        assertThat(jwks.body()).doesNotContain("\"d\"");
        SignedJWT jwt = SignedJWT.parse(access);
        ECKey key = (ECKey) set.getKeyByKeyId(jwt.getHeader().getKeyID());
        assertThat(jwt.verify(new ECDSAVerifier(key))).isTrue();
    }

    @Test
    void the_signing_key_survives_a_restart() {
        Path dir = data.resolve("restart");
        String refreshToken;
        try (TestServer first = TestServer.start(dir)) {
            first.registerConfirmed("restart@example.com", "secret1");
            refreshToken = first.login("restart@example.com", "secret1").path("refresh_token").asText();
        }
        try (TestServer second = TestServer.start(dir)) {
            assertThat(second.withBearer("POST", second.url() + "/api/client/v2.0/auth/session", refreshToken).statusCode())
                    .isEqualTo(201);
        }
    }
}
