package dev.gatehouse.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.client.ReplayServer.Reply;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.bson.BsonDocument;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client against a server that is not Gatehouse: a recording server answering with the exact
 * replies of the wire contract (docs: ../shared/spec/app-services-wire.md, sections 2-6), so the
 * client depends on the contract, not on Gatehouse's reading of it.
 */
class ContractReplayTest {
    static final String APP_ID = "replay-abcde";
    static final String API = "/api/client/v2.0";
    static final String PROVIDER = API + "/app/" + APP_ID + "/auth/providers/local-userpass";
    static final String USER_ID = "5e6964e0afea63254581c1a1";
    static final String DEVICE_ID = "5e6964e0afea63254581c1a2";
    static final String PROFILE = """
            {"user_id":"5e6964e0afea63254581c1a1","domain_id":"000000000000000000000000",
             "identities":[{"id":"5e68f51ade5ba998bb17500d","provider_type":"local-userpass",
                            "provider_id":"000000000000000000000003","provider_data":{"email":"unique_user@domain.com"}}],
             "data":{"email":"unique_user@domain.com"},"type":"normal"}""";

    /** Where the location reply sends the client: a second server, so following hostname is visible. */
    ReplayServer location;
    ReplayServer server;
    App app;

    @TempDir
    Path dir;

    static String jwt(String userData) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String payload = "{\"sub\":\"" + USER_ID + "\",\"exp\":1900000000,\"iat\":1700000000"
                + (userData == null ? "" : ",\"user_data\":" + userData) + "}";
        return b64.encodeToString("{\"alg\":\"ES256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + ".c2lnbmF0dXJl";
    }

    static final String ACCESS = jwt("{\"plan\":\"pro\",\"seats\":3}");
    static final String REFRESH = jwt(null);

    @BeforeEach
    void start() {
        server = new ReplayServer();
        location = new ReplayServer();
        location.on("GET " + API + "/app/" + APP_ID + "/location", new Reply(200,
                "{\"deployment_model\":\"GLOBAL\",\"location\":\"US-VA\",\"hostname\":\"" + server.url()
                        + "\",\"ws_hostname\":\"ws://127.0.0.1\"}"));
        app = App.create(AppConfiguration.builder(APP_ID).baseUrl(location.url() + "/").build());
    }

    @AfterEach
    void stop() {
        app.close();
        server.close();
        location.close();
    }

    void scriptLogin() {
        server.on("POST " + PROVIDER + "/login", new Reply(200, "{\"access_token\":\"" + ACCESS + "\",\"refresh_token\":\""
                + REFRESH + "\",\"user_id\":\"" + USER_ID + "\",\"device_id\":\"" + DEVICE_ID + "\"}"));
        server.on("GET " + API + "/auth/profile", new Reply(200, PROFILE));
    }

    @Test
    void provider_calls_send_the_sdks_requests_to_the_located_host() {
        for (String route : List.of("/register", "/confirm", "/confirm/send", "/confirm/call", "/reset/send", "/reset", "/reset/call")) {
            server.on("POST " + PROVIDER + route, new Reply(route.equals("/register") ? 201 : 204, null));
        }
        EmailPasswordAuth auth = app.emailPasswordAuth();
        auth.registerUser("gilfoyle@testing.mongodb.com", "s3cr3t");
        auth.confirmUser("a-token", "5e6964e0afea63254581c1a3");
        auth.resendConfirmationEmail("gilfoyle@testing.mongodb.com");
        auth.retryCustomConfirmation("gilfoyle@testing.mongodb.com");
        auth.sendResetPasswordEmail("gilfoyle@testing.mongodb.com");
        auth.resetPassword("n3w-s3cr3t", "a-token", "5e6964e0afea63254581c1a3");
        auth.callResetPasswordFunction("gilfoyle@testing.mongodb.com", "n3w-s3cr3t");

        assertThat(location.requests()).hasSize(1);
        assertThat(location.requests().get(0).header("Content-type")).isNull();
        List<ReplayServer.Request> sent = server.requests();
        assertThat(sent).extracting(r -> r.path().substring(PROVIDER.length()))
                .containsExactly("/register", "/confirm", "/confirm/send", "/confirm/call", "/reset/send", "/reset", "/reset/call");
        assertThat(sent).allSatisfy(r -> {
            assertThat(r.header("Accept")).isEqualTo("application/json");
            assertThat(r.header("Content-type")).isEqualTo("application/json");
            assertThat(r.header("Authorization")).isNull();
        });
        assertThat(parse(sent.get(0).body())).isEqualTo(parse("{\"email\":\"gilfoyle@testing.mongodb.com\",\"password\":\"s3cr3t\"}"));
        assertThat(parse(sent.get(1).body())).isEqualTo(parse("{\"token\":\"a-token\",\"tokenId\":\"5e6964e0afea63254581c1a3\"}"));
        assertThat(parse(sent.get(5).body())).isEqualTo(parse(
                "{\"password\":\"n3w-s3cr3t\",\"token\":\"a-token\",\"tokenId\":\"5e6964e0afea63254581c1a3\"}"));
        assertThat(parse(sent.get(6).body())).isEqualTo(parse(
                "{\"email\":\"gilfoyle@testing.mongodb.com\",\"password\":\"n3w-s3cr3t\",\"arguments\":[]}"));
    }

    @Test
    void reset_function_arguments_are_canonical_extended_json_as_realm_web_sends_them() {
        server.on("POST " + PROVIDER + "/reset/call", new Reply(204, null));
        app.emailPasswordAuth().callResetPasswordFunction("a@example.com", "secret1",
                "arg1", 42, 1.5, Map.of("nested", true), List.of(1, "two"), 7L, new Date(1_700_000_000_000L),
                new ObjectId("5f1b2c3d4e5f60718293a4b5"));
        // The first five as recorded from realm-web 2.0.1 (contract section 13), then the other types.
        assertThat(parse(server.requests().get(0).body()).getArray("arguments")).isEqualTo(parse("{\"a\":[\"arg1\","
                + "{\"$numberInt\":\"42\"},{\"$numberDouble\":\"1.5\"},{\"nested\":true},[{\"$numberInt\":\"1\"},\"two\"],"
                + "{\"$numberLong\":\"7\"},{\"$date\":{\"$numberLong\":\"1700000000000\"}},{\"$oid\":\"5f1b2c3d4e5f60718293a4b5\"}]}")
                .getArray("a"));
        assertThat(server.requests().get(0).body()).contains("{\"$numberInt\": \"42\"}");
    }

    @Test
    void login_reads_the_contracts_reply_profile_and_custom_data() {
        scriptLogin();
        User user = app.logIn(Credentials.emailPassword("unique_user@domain.com", "s3cr3t"));

        assertThat(user.id()).isEqualTo(USER_ID);
        assertThat(user.deviceId()).isEqualTo(DEVICE_ID);
        assertThat(user.accessToken()).isEqualTo(ACCESS);
        assertThat(user.refreshToken()).isEqualTo(REFRESH);
        assertThat(user.state()).isEqualTo(UserState.LOGGED_IN);
        assertThat(user.profile().email()).isEqualTo("unique_user@domain.com");
        assertThat(user.profile().identities()).containsExactly(new UserIdentity("5e68f51ade5ba998bb17500d", "local-userpass"));
        assertThat(user.customData()).containsEntry("plan", "pro").containsEntry("seats", 3);
        assertThat(app.currentUser()).isSameAs(user);
        assertThat(app.allUsers()).containsOnlyKeys(USER_ID);

        ReplayServer.Request login = server.requests("POST " + PROVIDER + "/login").get(0);
        assertThat(parse(login.body())).isEqualTo(parse("{\"username\":\"unique_user@domain.com\",\"password\":\"s3cr3t\"}"));
        assertThat(login.header("Authorization")).isNull();
        assertThat(server.requests("GET " + API + "/auth/profile").get(0).header("Authorization")).isEqualTo("Bearer " + ACCESS);
        assertThat(app.logIn(Credentials.emailPassword("unique_user@domain.com", "s3cr3t"))).as("one object per user").isSameAs(user);
    }

    @Test
    void an_expired_access_token_is_refreshed_once_and_the_call_retried_once() {
        scriptLogin();
        User user = app.logIn(Credentials.emailPassword("unique_user@domain.com", "s3cr3t"));
        String fresh = jwt("{\"plan\":\"team\"}");
        server.on("GET " + API + "/auth/profile", new Reply(401,
                "{\"error\":\"invalid session: access token expired\",\"error_code\":\"InvalidSession\"}"), new Reply(200, PROFILE));
        server.on("POST " + API + "/auth/session", new Reply(201, "{\"access_token\":\"" + fresh + "\"}"));

        assertThat(user.refreshProfile().email()).isEqualTo("unique_user@domain.com");
        List<ReplayServer.Request> profiles = server.requests("GET " + API + "/auth/profile");
        assertThat(profiles).hasSize(3);  // at login, the refused one, the retry
        assertThat(profiles.get(2).header("Authorization")).isEqualTo("Bearer " + fresh);
        assertThat(server.requests("POST " + API + "/auth/session").get(0).header("Authorization")).isEqualTo("Bearer " + REFRESH);
        assertThat(user.accessToken()).isEqualTo(fresh);
        assertThat(user.customData()).containsEntry("plan", "team");
    }

    @Test
    void a_server_that_keeps_refusing_is_not_asked_forever() {
        scriptLogin();
        User user = app.logIn(Credentials.emailPassword("unique_user@domain.com", "s3cr3t"));
        server.on("GET " + API + "/auth/profile", new Reply(401,
                "{\"error\":\"invalid session: access token expired\",\"error_code\":\"InvalidSession\"}"));
        server.on("POST " + API + "/auth/session", new Reply(201, "{\"access_token\":\"" + jwt(null) + "\"}"));

        assertThatThrownBy(user::refreshProfile).isInstanceOf(AppException.class)
                .satisfies(e -> assertThat(((AppException) e).errorCode()).isEqualTo(ErrorCode.INVALID_SESSION));
        assertThat(server.requests("POST " + API + "/auth/session")).hasSize(1);
        assertThat(server.requests("GET " + API + "/auth/profile")).hasSize(3);
        assertThat(user.state()).as("the refresh worked; only the call failed").isEqualTo(UserState.LOGGED_IN);
    }

    @Test
    void a_refused_refresh_logs_the_user_out_and_returns_the_original_error() {
        scriptLogin();
        User user = app.logIn(Credentials.emailPassword("unique_user@domain.com", "s3cr3t"));
        server.on("GET " + API + "/auth/profile", new Reply(401,
                "{\"error\":\"invalid session: access token expired\",\"error_code\":\"InvalidSession\",\"link\":\"http://x/logs?co_id=1\"}"));
        server.on("POST " + API + "/auth/session", new Reply(401, "{\"error\":\"invalid session\",\"error_code\":\"InvalidSession\"}"));

        assertThatThrownBy(user::refreshProfile).isInstanceOf(AppException.class)
                .hasMessageContaining("invalid session: access token expired")
                .satisfies(e -> assertThat(((AppException) e).link()).isEqualTo("http://x/logs?co_id=1"));
        assertThat(user.state()).isEqualTo(UserState.LOGGED_OUT);
        assertThat(user.accessToken()).isNull();
        assertThat(app.currentUser()).isNull();
        assertThat(app.allUsers()).containsKey(USER_ID);
    }

    @Test
    void errors_carry_the_enum_the_raw_code_the_status_and_the_link() {
        server.on("POST " + PROVIDER + "/register", new Reply(409, "{\"error\":\"name already in use\","
                + "\"error_code\":\"AccountNameInUse\",\"link\":\"https://services.cloud.mongodb.com/logs?co_id=abc\"}"));
        server.on("POST " + PROVIDER + "/confirm", new Reply(400, "{\"error\":\"brand new\",\"error_code\":\"SomethingNew\"}"));
        server.on("POST " + PROVIDER + "/reset/send", new Reply(502, "<html>Bad Gateway</html>"));

        AppException inUse = catchApp(() -> app.emailPasswordAuth().registerUser("a@example.com", "secret1"));
        assertThat(inUse.errorCode()).isEqualTo(ErrorCode.ACCOUNT_NAME_IN_USE);
        assertThat(inUse.rawErrorCode()).isEqualTo("AccountNameInUse");
        assertThat(inUse.statusCode()).isEqualTo(409);
        assertThat(inUse.link()).isEqualTo("https://services.cloud.mongodb.com/logs?co_id=abc");
        assertThat(inUse.getMessage()).isEqualTo("Request failed (POST " + server.url() + PROVIDER
                + "/register): name already in use (status 409, AccountNameInUse)");

        AppException unknown = catchApp(() -> app.emailPasswordAuth().confirmUser("t", "5e6964e0afea63254581c1a3"));
        assertThat(unknown.errorCode()).isEqualTo(ErrorCode.UNKNOWN);
        assertThat(unknown.rawErrorCode()).isEqualTo("SomethingNew");

        AppException gateway = catchApp(() -> app.emailPasswordAuth().sendResetPasswordEmail("a@example.com"));
        assertThat(gateway.errorCode()).isEqualTo(ErrorCode.UNKNOWN);
        assertThat(gateway.statusCode()).isEqualTo(502);

        // The async twin completes exceptionally with the same exception type.
        assertThatThrownBy(() -> app.emailPasswordAuth().registerUserAsync("a@example.com", "secret1").join())
                .isInstanceOf(CompletionException.class).hasCauseInstanceOf(AppException.class);
    }

    @Test
    void an_unreachable_server_is_an_app_exception_with_status_zero() {
        App offline = App.create(AppConfiguration.builder(APP_ID).baseUrl("http://127.0.0.1:1").build());
        AppException e = catchApp(() -> offline.emailPasswordAuth().registerUser("a@example.com", "secret1"));
        assertThat(e.statusCode()).isZero();
        assertThat(e.errorCode()).isEqualTo(ErrorCode.UNKNOWN);
        offline.close();
    }

    @Test
    void log_out_remove_and_delete_call_the_sessions_routes() {
        scriptLogin();
        server.on("DELETE " + API + "/auth/session", new Reply(204, null));
        server.on("DELETE " + API + "/auth/delete", new Reply(204, null));
        User user = app.logIn(Credentials.emailPassword("unique_user@domain.com", "s3cr3t"));
        user.logOut();
        assertThat(server.requests("DELETE " + API + "/auth/session").get(0).header("Authorization")).isEqualTo("Bearer " + REFRESH);
        assertThat(user.state()).isEqualTo(UserState.LOGGED_OUT);
        assertThat(app.currentUser()).isNull();
        assertThatThrownBy(() -> app.switchUser(user)).isInstanceOf(IllegalArgumentException.class);

        User again = app.logIn(Credentials.emailPassword("unique_user@domain.com", "s3cr3t"));
        app.deleteUser(again);
        assertThat(server.requests("DELETE " + API + "/auth/delete").get(0).header("Authorization")).isEqualTo("Bearer " + ACCESS);
        assertThat(again.state()).isEqualTo(UserState.REMOVED);
        assertThat(app.allUsers()).isEmpty();
    }

    @Test
    void a_file_store_keeps_users_logged_in_across_runs() throws Exception {
        scriptLogin();
        Path file = dir.resolve("gatehouse/users.json");
        App first = App.create(AppConfiguration.builder(APP_ID).baseUrl(location.url())
                .credentialStore(new FileCredentialStore(file)).build());
        User user = first.logIn(Credentials.emailPassword("unique_user@domain.com", "s3cr3t"));
        first.close();
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));

        App second = App.create(AppConfiguration.builder(APP_ID).baseUrl(location.url())
                .credentialStore(new FileCredentialStore(file)).build());
        User restored = second.currentUser();
        assertThat(restored).isNotNull();
        assertThat(restored.id()).isEqualTo(user.id());
        assertThat(restored.refreshToken()).isEqualTo(REFRESH);
        assertThat(restored.profile().email()).isEqualTo("unique_user@domain.com");
        second.removeUser(restored);
        assertThat(new FileCredentialStore(file).load()).isEmpty();
        second.close();
    }

    static AppException catchApp(Runnable call) {
        try {
            call.run();
        } catch (AppException e) {
            return e;
        }
        throw new AssertionError("expected an AppException");
    }

    static BsonDocument parse(String json) {
        return BsonDocument.parse(json);
    }
}
