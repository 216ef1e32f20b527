package dev.gatehouse.function;

import static dev.gatehouse.testing.TestServer.body;
import static dev.gatehouse.testing.WireAssertions.assertEmpty;
import static dev.gatehouse.testing.WireAssertions.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.config.FunctionSettings;
import dev.gatehouse.function.Decider.Reply;
import dev.gatehouse.testing.AppExport;
import dev.gatehouse.testing.TestServer;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every status of the confirmation and reset functions, for each kind of function: JavaScript as
 * exported (reaching the test's {@link Decider} through {@code context.http}), a webhook (the
 * Decider is the endpoint), and a Java function (calling the Decider directly). The same scripted
 * replies must have the same effect on the wire, whatever the kind.
 */
class FunctionModesTest {
    static final String JS = "js-app";
    static final String HOOK = "hook-app";
    static final String JAVA = "java-app";
    static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());
    static final ObjectMapper JSON = new ObjectMapper();
    static final JsonWriterSettings CANONICAL = JsonWriterSettings.builder().outputMode(JsonMode.EXTENDED).build();
    static final String PROVIDER = "{\"autoConfirm\":false,\"runConfirmationFunction\":true,"
            + "\"confirmationFunctionName\":\"%s\",\"runResetFunction\":true,\"resetFunctionName\":\"%s\"}";
    // Sends the call to the Decider and returns its reply, as an App Services function that asks an
    // external service would.
    static final String JS_SOURCE = """
            exports = async function (details, ...extra) {
              const reply = await context.http.post({
                url: context.values.get('decider'),
                body: { function: '%s', app_id: 'js-app', arguments: [details, ...extra] },
                encodeBodyAsJSON: true,
              });
              if (reply.statusCode !== 200) throw new Error('the decider answered ' + reply.statusCode);
              return JSON.parse(reply.body.text());
            };
            """;

    @TempDir
    static Path dir;
    static Decider decider;
    static TestServer server;

    @BeforeAll
    static void start() {
        decider = new Decider();
        Path js = AppExport.of(dir, JS).provider(PROVIDER.formatted("confirmFunc", "resetFunc"))
                .function("confirmFunc", JS_SOURCE.formatted("confirmFunc"))
                .function("resetFunc", JS_SOURCE.formatted("resetFunc"))
                .value("decider", "\"" + decider.url() + "/js\"", false)
                .write();
        Path hook = AppExport.of(dir, HOOK).provider(PROVIDER.formatted("confirmHook", "resetHook"))
                .webhook("confirmHook", decider.url() + "/hook", "hookSecret")
                .webhook("resetHook", decider.url() + "/hook", "hookSecret")
                .write();
        Path java = AppExport.of(dir, JAVA).provider(PROVIDER.formatted("javaConfirm", "javaReset")).write();
        JavaFunctions functions = JavaFunctions.none().with("javaConfirm", FunctionModesTest::javaFunction)
                .with("javaReset", FunctionModesTest::javaFunction);
        server = TestServer.start(dir.resolve("data"), c -> c.withAppDirs(List.of(js, hook, java))
                .withFunctions(FunctionSettings.defaults().withTimeout(Duration.ofSeconds(4))
                        .withHttpAllowList(List.of("127.0.0.1")).withSecrets(Map.of("hookSecret", SECRET))), functions);
    }

    /** The Java function: the same request the others send, decided by the same Decider. */
    static FunctionStatus javaFunction(FunctionCall call) throws Exception {
        BsonArray arguments = new BsonArray();
        arguments.add(call.firstArgument());
        arguments.addAll(call.arguments());
        String body = new BsonDocument("function", new org.bson.BsonString(call.functionName()))
                .append("arguments", arguments).toJson(CANONICAL);
        Reply reply = decider.decide(JSON.readTree(body), Map.of());
        Thread.sleep(reply.delayMillis());
        if (reply.httpStatus() != 200) {
            throw new IOException("the decider answered " + reply.httpStatus());
        }
        JsonNode status = JSON.readTree(reply.body()).path("status");
        return FunctionStatus.parse(status.asText(null)).orElse(null);
    }

    @AfterAll
    static void stop() {
        server.close();
        decider.close();
    }

    static HttpResponse<String> register(String app, String email, String password) {
        return server.post(server.userpass(app) + "/register", body("email", email, "password", password));
    }

    static HttpResponse<String> login(String app, String email, String password) {
        return server.post(server.userpass(app) + "/login", body("username", email, "password", password));
    }

    static HttpResponse<String> resetCall(String app, String email, String password, String argumentsJson) {
        return server.post(server.userpass(app) + "/reset/call", "{\"email\":\"" + email + "\",\"password\":\""
                + password + "\",\"arguments\":" + argumentsJson + "}");
    }

    static int users(String app, String email) {
        return server.rows("SELECT id FROM users WHERE app_id = ? AND email = ?", app, email).size();
    }

    static void registerConfirmed(String app, String email, String password) {
        decider.script(email, Reply.status("success"));
        assertEmpty(register(app, email, password), 201);
    }

    // --- confirmation ---

    @ParameterizedTest
    @ValueSource(strings = {JS, HOOK, JAVA})
    void success_confirms_the_user_at_once(String app) {
        String email = app + "-success@example.com";
        decider.script(email, Reply.status("success"));
        assertEmpty(register(app, email, "secret1"), 201);
        assertThat(login(app, email, "secret1").statusCode()).isEqualTo(200);

        JsonNode first = decider.lastCall(email).first();
        assertThat(first.properties().stream().map(Map.Entry::getKey).toList()).containsExactly("username", "token", "tokenId");
        assertThat(first.path("username").asText()).isEqualTo(email);
        assertThat(first.path("token").asText()).matches("[0-9a-f]{128}");
        assertThat(first.path("tokenId").asText()).matches("[0-9a-f]{24}");
        assertThat(server.rows("SELECT token_id FROM user_tokens WHERE token_id = ?", first.path("tokenId").asText()))
                .as("a used-up confirmation token is gone").isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {JS, HOOK, JAVA})
    void pending_leaves_the_user_to_confirm_with_the_functions_token(String app) {
        String email = app + "-pending@example.com";
        decider.script(email, Reply.status("pending"));
        assertEmpty(register(app, email, "secret1"), 201);
        assertError(login(app, email, "secret1"), 401, "AuthError", "confirmation required");

        JsonNode first = decider.lastCall(email).first();
        assertEmpty(server.post(server.userpass(app) + "/confirm", body("token", first.path("token").asText(),
                "tokenId", first.path("tokenId").asText())), 204);
        assertThat(login(app, email, "secret1").statusCode()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {JS, HOOK, JAVA})
    void fail_deletes_the_pending_user_and_the_email_can_register_again(String app) {
        String email = app + "-fail@example.com";
        decider.script(email, Reply.status("fail"));
        assertError(register(app, email, "secret1"), 400, "BadRequest", "failed to confirm user \"" + email + "\"");
        assertThat(users(app, email)).isZero();

        decider.script(email, Reply.status("success"));
        assertEmpty(register(app, email, "secret1"), 201);
        assertThat(login(app, email, "secret1").statusCode()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {JS, HOOK, JAVA})
    void a_function_that_gives_no_status_is_a_fail_and_leaves_no_user(String app) {
        List<Reply> failures = List.of(
                new Reply(500, "{\"error\":\"down\"}", 0),        // JS: throws; webhook: HTTP 500; Java: throws
                new Reply(200, "{\"status\":\"maybe\"}", 0),      // not one of the three statuses
                new Reply(200, "{\"answer\":42}", 0),             // no status at all
                new Reply(200, "{\"status\":\"success\"}", 5_000)); // past the 4 s timeout
        for (int i = 0; i < failures.size(); i++) {
            String email = app + "-broken" + i + "@example.com";
            decider.script(email, failures.get(i));
            assertError(register(app, email, "secret1"), 400, "BadRequest", "failed to confirm user \"" + email + "\"");
            assertThat(users(app, email)).as("failure %d leaves no user", i).isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {JS, HOOK, JAVA})
    void retry_reruns_the_function_with_a_fresh_token(String app) {
        String email = app + "-retry@example.com";
        decider.script(email, Reply.status("pending"), Reply.status("pending"), new Reply(500, "{}", 0),
                Reply.status("success"));
        assertEmpty(register(app, email, "secret1"), 201);
        String firstToken = decider.lastCall(email).first().path("tokenId").asText();

        assertEmpty(server.post(server.userpass(app) + "/confirm/call", body("email", email)), 204);
        assertThat(decider.lastCall(email).first().path("tokenId").asText()).isNotEqualTo(firstToken);

        // A function that breaks on a retry keeps the user pending: the retry can be tried again.
        assertError(server.post(server.userpass(app) + "/confirm/call", body("email", email)), 400, "BadRequest",
                "failed to confirm user \"" + email + "\"");
        assertThat(users(app, email)).isOne();

        assertEmpty(server.post(server.userpass(app) + "/confirm/call", body("email", email)), 204);
        assertThat(login(app, email, "secret1").statusCode()).isEqualTo(200);
        assertError(server.post(server.userpass(app) + "/confirm/call", body("email", email)), 400,
                "UserAlreadyConfirmed", "already confirmed");
        assertError(server.post(server.userpass(app) + "/confirm/call", body("email", "nobody-" + email)), 404,
                "UserNotFound", "user not found");
        assertThat(decider.calls(email)).hasSize(4);
    }

    @ParameterizedTest
    @ValueSource(strings = {JS, HOOK, JAVA})
    void retry_answered_with_fail_deletes_the_pending_user(String app) {
        String email = app + "-retry-fail@example.com";
        decider.script(email, Reply.status("pending"), Reply.status("fail"));
        assertEmpty(register(app, email, "secret1"), 201);
        assertError(server.post(server.userpass(app) + "/confirm/call", body("email", email)), 400, "BadRequest",
                "failed to confirm user \"" + email + "\"");
        assertThat(users(app, email)).isZero();
    }

    // --- reset ---

    @ParameterizedTest
    @ValueSource(strings = {JS, HOOK, JAVA})
    void reset_success_sets_the_password_now_and_ends_every_session(String app) {
        String email = app + "-reset-ok@example.com";
        registerConfirmed(app, email, "old-pass");
        String refresh = TestServer.json(login(app, email, "old-pass")).path("refresh_token").asText();

        decider.script(email, Reply.status("success"));
        assertEmpty(resetCall(app, email, "new-pass", "[\"answer\",{\"$numberInt\":\"42\"}]"), 204);

        assertThat(login(app, email, "new-pass").statusCode()).isEqualTo(200);
        assertError(login(app, email, "old-pass"), 401, "InvalidPassword", "unauthorized");
        assertThat(server.withBearer("POST", server.url() + "/api/client/v2.0/auth/session", refresh).statusCode())
                .isEqualTo(401);

        JsonNode call = decider.lastCall(email).body();
        JsonNode first = call.path("arguments").get(0);
        assertThat(first.properties().stream().map(Map.Entry::getKey).toList())
                .containsExactly("username", "password", "token", "tokenId", "currentPasswordValid");
        assertThat(first.path("password").asText()).isEqualTo("new-pass");
        assertThat(first.path("currentPasswordValid").asBoolean()).isFalse();
        assertThat(call.path("arguments").get(1).asText()).isEqualTo("answer");
        JsonNode number = call.path("arguments").get(2);
        // JavaScript re-encodes the number as plain JSON; webhooks and Java send canonical EJSON.
        assertThat(number.isInt() ? number.asInt() : number.path("$numberInt").asInt()).isEqualTo(42);
    }

    @ParameterizedTest
    @ValueSource(strings = {JS, HOOK, JAVA})
    void reset_tells_the_function_whether_the_password_is_the_current_one(String app) {
        String email = app + "-reset-same@example.com";
        registerConfirmed(app, email, "same-pass");
        decider.script(email, Reply.status("fail"));
        assertError(resetCall(app, email, "same-pass", "[]"), 400, "BadRequest",
                "failed to reset password for user \"" + email + "\"");
        assertThat(decider.lastCall(email).first().path("currentPasswordValid").asBoolean()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {JS, HOOK, JAVA})
    void reset_pending_leaves_the_password_until_reset_with_the_token(String app) {
        String email = app + "-reset-pending@example.com";
        registerConfirmed(app, email, "old-pass");
        decider.script(email, Reply.status("pending"));
        assertEmpty(resetCall(app, email, "new-pass", "[]"), 204);
        assertThat(login(app, email, "old-pass").statusCode()).as("pending changes nothing yet").isEqualTo(200);

        JsonNode first = decider.lastCall(email).first();
        assertEmpty(server.post(server.userpass(app) + "/reset", body("token", first.path("token").asText(),
                "tokenId", first.path("tokenId").asText(), "password", "third-pass")), 204);
        assertThat(login(app, email, "third-pass").statusCode()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {JS, HOOK, JAVA})
    void reset_fail_or_no_status_changes_nothing_and_retires_the_token(String app) {
        String email = app + "-reset-fail@example.com";
        registerConfirmed(app, email, "old-pass");
        for (Reply reply : List.of(Reply.status("fail"), new Reply(500, "{}", 0), new Reply(200, "[]", 0))) {
            decider.script(email, reply);
            assertError(resetCall(app, email, "new-pass", "[]"), 400, "BadRequest",
                    "failed to reset password for user \"" + email + "\"");
            JsonNode first = decider.lastCall(email).first();
            assertError(server.post(server.userpass(app) + "/reset", body("token", first.path("token").asText(),
                    "tokenId", first.path("tokenId").asText(), "password", "other-pass")), 400,
                    "UserpassTokenInvalid", "userpass token is expired or invalid");
        }
        assertThat(login(app, email, "old-pass").statusCode()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {JS, HOOK, JAVA})
    void reset_function_mode_refuses_reset_emails_and_unknown_users(String app) {
        assertError(resetCall(app, "ghost-" + app + "@example.com", "new-pass", "[]"), 404, "UserNotFound", "user not found");
        assertError(server.post(server.userpass(app) + "/reset/send", body("email", "ghost@example.com")), 400,
                "BadRequest", "please use reset password via function");
        assertError(server.post(server.userpass(app) + "/confirm/send", body("email", "ghost@example.com")), 404,
                "UserNotFound", "user not found");
    }

    @ParameterizedTest
    @ValueSource(strings = {JS, HOOK, JAVA})
    void reset_arguments_that_are_not_extended_json_are_a_bad_request(String app) {
        String email = app + "-reset-args@example.com";
        registerConfirmed(app, email, "old-pass");
        assertError(resetCall(app, email, "new-pass", "{\"a\":1}"), 400, "BadRequest", "arguments must be an array");
        HttpResponse<String> bad = resetCall(app, email, "new-pass", "[{\"$numberInt\":\"forty-two\"}]");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(TestServer.json(bad).path("error").asText()).startsWith("arguments must be valid Extended JSON");
        assertThat(decider.calls(email)).as("only the registration ran the function").hasSize(1);
    }
}
