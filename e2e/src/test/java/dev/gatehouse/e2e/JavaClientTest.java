package dev.gatehouse.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.client.App;
import dev.gatehouse.client.AppConfiguration;
import dev.gatehouse.client.AppException;
import dev.gatehouse.client.Credentials;
import dev.gatehouse.client.EmailPasswordAuth;
import dev.gatehouse.client.ErrorCode;
import dev.gatehouse.client.User;
import dev.gatehouse.client.UserState;
import dev.gatehouse.function.FunctionCall;
import dev.gatehouse.function.FunctionStatus;
import dev.gatehouse.function.JavaFunctions;
import dev.gatehouse.testing.AppExport;
import dev.gatehouse.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java client against the real server on a free port: every method, the function modes (Java
 * functions registered with the server), token expiry through the server's clock, many threads at
 * once, and the error codes.
 */
class JavaClientTest {
    static final String FUNCTIONS_APP = "client-functions";
    @TempDir
    static Path dir;
    static TestServer mailServer;
    static TestServer functionServer;
    static App mailApp;
    static App functionApp;
    /** The last token each function call got, by username, as a real function would text it. */
    static final Map<String, FunctionCall> calls = new ConcurrentHashMap<>();
    static final Map<String, AtomicInteger> callCounts = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() {
        mailServer = TestServer.start(dir.resolve("mail"));
        Path export = AppExport.of(dir, FUNCTIONS_APP).provider("{\"runConfirmationFunction\":true,"
                + "\"confirmationFunctionName\":\"confirmFunc\",\"runResetFunction\":true,\"resetFunctionName\":\"resetFunc\"}").write();
        JavaFunctions functions = JavaFunctions.none()
                .with("confirmFunc", call -> {
                    int n = record(call);
                    String user = call.username();
                    return user.startsWith("fail") ? FunctionStatus.FAIL
                            : user.startsWith("pending") || user.startsWith("retry") && n == 1 ? FunctionStatus.PENDING
                            : FunctionStatus.SUCCESS;
                })
                .with("resetFunc", call -> {
                    record(call);
                    List<Object> args = call.argumentValues();
                    if (args.size() == 2 && "blue".equals(args.get(0)) && Integer.valueOf(42).equals(args.get(1))) {
                        return FunctionStatus.SUCCESS;
                    }
                    return args.size() == 1 && "later".equals(args.get(0)) ? FunctionStatus.PENDING : FunctionStatus.FAIL;
                });
        functionServer = TestServer.start(dir.resolve("functions-data"), c -> c.withAppDirs(List.of(export)), functions);
        mailApp = App.create(AppConfiguration.builder(TestServer.APP).baseUrl(mailServer.url()).build());
        functionApp = App.create(AppConfiguration.builder(FUNCTIONS_APP).baseUrl(functionServer.url()).build());
    }

    static int record(FunctionCall call) {
        calls.put(call.username(), call);
        return callCounts.computeIfAbsent(call.username(), u -> new AtomicInteger()).incrementAndGet();
    }

    @AfterAll
    static void stop() {
        mailApp.close();
        functionApp.close();
        mailServer.close();
        functionServer.close();
    }

    static JsonNode mail(String email) {
        return mailServer.latestMail(TestServer.APP, email);
    }

    static AppException failure(Runnable call) {
        try {
            call.run();
        } catch (AppException e) {
            return e;
        }
        throw new AssertionError("expected an AppException");
    }

    @Test
    void the_email_flows_from_registration_to_deletion() {
        EmailPasswordAuth auth = mailApp.emailPasswordAuth();
        auth.registerUser("ada@example.com", "first-pass");
        assertThat(failure(() -> mailApp.logIn(Credentials.emailPassword("ada@example.com", "first-pass"))).errorCode())
                .isEqualTo(ErrorCode.AUTH_ERROR);
        auth.resendConfirmationEmail("ada@example.com");
        JsonNode confirm = mail("ada@example.com");
        auth.confirmUser(confirm.path("token").asText(), confirm.path("tokenId").asText());

        User user = mailApp.logIn(Credentials.emailPassword("ada@example.com", "first-pass"));
        assertThat(user.state()).isEqualTo(UserState.LOGGED_IN);
        assertThat(user.deviceId()).matches("[0-9a-f]{24}");
        assertThat(user.profile().email()).isEqualTo("ada@example.com");
        assertThat(user.profile().identities()).singleElement().satisfies(i -> assertThat(i.providerType()).isEqualTo("local-userpass"));
        assertThat(user.refreshProfile().email()).isEqualTo("ada@example.com");
        String access = user.accessToken();
        mailServer.clock().advance(Duration.ofSeconds(2));
        user.refreshAccessToken();
        assertThat(user.accessToken()).isNotEqualTo(access);
        assertThat(mailApp.currentUser()).isSameAs(user);

        auth.sendResetPasswordEmail("ada@example.com");
        JsonNode reset = mail("ada@example.com");
        auth.resetPassword("second-pass", reset.path("token").asText(), reset.path("tokenId").asText());
        assertThat(user.state()).as("nothing told the client yet").isEqualTo(UserState.LOGGED_IN);
        assertThatThrownBy(user::refreshProfile).isInstanceOf(AppException.class);
        assertThat(user.state()).as("the reset ended the session; the refused refresh logged out").isEqualTo(UserState.LOGGED_OUT);

        User again = mailApp.logIn(Credentials.emailPassword("ada@example.com", "second-pass"));
        assertThat(again).isSameAs(user);
        again.logOut();
        assertThat(mailApp.currentUser()).isNull();
        User last = mailApp.logIn(Credentials.emailPassword("ada@example.com", "second-pass"));
        mailApp.deleteUser(last);
        assertThat(last.state()).isEqualTo(UserState.REMOVED);
        assertThat(failure(() -> mailApp.logIn(Credentials.emailPassword("ada@example.com", "second-pass"))).errorCode())
                .isEqualTo(ErrorCode.INVALID_PASSWORD);
    }

    @Test
    void an_expired_access_token_is_refreshed_without_the_caller_noticing() {
        mailServer.registerConfirmed("expiry@example.com", "secret-pass");
        User user = mailApp.logIn(Credentials.emailPassword("expiry@example.com", "secret-pass"));
        String access = user.accessToken();
        mailServer.clock().advance(Duration.ofMinutes(31));
        assertThat(user.refreshProfile().email()).isEqualTo("expiry@example.com");
        assertThat(user.accessToken()).isNotEqualTo(access);

        mailServer.clock().advance(Duration.ofDays(61));
        AppException expired = failure(user::refreshProfile);
        assertThat(expired.errorCode()).isEqualTo(ErrorCode.INVALID_SESSION);
        assertThat(expired.statusCode()).isEqualTo(401);
        assertThat(user.state()).isEqualTo(UserState.LOGGED_OUT);
    }

    @Test
    void many_threads_share_one_app() {
        List<CompletableFuture<User>> logins = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            String email = "crowd" + i + "@example.com";
            mailServer.registerConfirmed(email, "secret-pass");
            logins.add(mailApp.logInAsync(Credentials.emailPassword(email, "secret-pass")));
        }
        List<User> users = logins.stream().map(CompletableFuture::join).toList();
        assertThat(users).extracting(User::id).doesNotHaveDuplicates();
        mailServer.clock().advance(Duration.ofMinutes(31));
        // Every user's token has expired: each thread's call refreshes and retries on its own.
        List<CompletableFuture<?>> profiles = new ArrayList<>();
        for (User user : users) {
            for (int k = 0; k < 3; k++) {
                profiles.add(CompletableFuture.supplyAsync(user::refreshProfile));
            }
        }
        CompletableFuture.allOf(profiles.toArray(CompletableFuture[]::new)).join();
        assertThat(users).allSatisfy(u -> assertThat(u.state()).isEqualTo(UserState.LOGGED_IN));
        assertThat(mailApp.allUsers().keySet()).containsAll(users.stream().map(User::id).toList());
    }

    @Test
    void the_error_codes_arrive_as_the_enum() {
        EmailPasswordAuth auth = mailApp.emailPasswordAuth();
        mailServer.registerConfirmed("taken@example.com", "secret-pass");
        assertThat(failure(() -> auth.registerUser("taken@example.com", "secret-pass")).errorCode())
                .isEqualTo(ErrorCode.ACCOUNT_NAME_IN_USE);
        assertThat(failure(() -> auth.registerUser("short@example.com", "abc")).errorCode()).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(failure(() -> auth.resendConfirmationEmail("taken@example.com")).errorCode())
                .isEqualTo(ErrorCode.USER_ALREADY_CONFIRMED);
        assertThat(failure(() -> auth.sendResetPasswordEmail("nobody@example.com")).errorCode()).isEqualTo(ErrorCode.USER_NOT_FOUND);
        assertThat(failure(() -> auth.confirmUser("a".repeat(128), "5f1b2c3d4e5f60718293a4b5")).errorCode())
                .isEqualTo(ErrorCode.USERPASS_TOKEN_INVALID);
        AppException wrong = failure(() -> mailApp.logIn(Credentials.emailPassword("taken@example.com", "wrong-pass")));
        assertThat(wrong.errorCode()).isEqualTo(ErrorCode.INVALID_PASSWORD);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.link()).startsWith(mailServer.url() + "/logs?co_id=");
        App unknown = App.create(AppConfiguration.builder("no-such-app").baseUrl(mailServer.url()).build());
        assertThat(failure(() -> unknown.emailPasswordAuth().registerUser("a@example.com", "secret-pass")).errorCode())
                .isEqualTo(ErrorCode.APP_NOT_FOUND);
        unknown.close();
    }

    @Test
    void custom_confirmation_through_the_client() {
        EmailPasswordAuth auth = functionApp.emailPasswordAuth();
        auth.registerUser("success@example.com", "secret-pass");
        assertThat(functionApp.logIn(Credentials.emailPassword("success@example.com", "secret-pass")).state())
                .isEqualTo(UserState.LOGGED_IN);

        AppException failed = failure(() -> auth.registerUser("fail@example.com", "secret-pass"));
        assertThat(failed.errorCode()).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(failed.getMessage()).contains("failed to confirm user \"fail@example.com\"");

        auth.registerUser("pending@example.com", "secret-pass");
        FunctionCall pending = calls.get("pending@example.com");
        auth.confirmUser(pending.token(), pending.tokenId());
        functionApp.logIn(Credentials.emailPassword("pending@example.com", "secret-pass"));

        auth.registerUser("retry@example.com", "secret-pass");
        auth.retryCustomConfirmationAsync("retry@example.com").join();
        assertThat(callCounts.get("retry@example.com")).hasValue(2);
        functionApp.logIn(Credentials.emailPassword("retry@example.com", "secret-pass"));
        assertThat(failure(() -> auth.retryCustomConfirmation("retry@example.com")).errorCode())
                .isEqualTo(ErrorCode.USER_ALREADY_CONFIRMED);
        assertThat(failure(() -> auth.sendResetPasswordEmail("retry@example.com")).getMessage())
                .contains("please use reset password via function");
    }

    @Test
    void reset_by_function_with_extended_json_arguments() {
        EmailPasswordAuth auth = functionApp.emailPasswordAuth();
        auth.registerUser("reset@example.com", "first-pass");
        auth.callResetPasswordFunction("reset@example.com", "second-pass", "blue", 42);
        functionApp.logIn(Credentials.emailPassword("reset@example.com", "second-pass"));

        AppException wrong = failure(() -> auth.callResetPasswordFunction("reset@example.com", "third-pass", "blue", 42L));
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(wrong.getMessage()).contains("failed to reset password for user \"reset@example.com\"");

        auth.callResetPasswordFunction("reset@example.com", "third-pass", "later");
        FunctionCall later = calls.get("reset@example.com");
        assertThat(later.currentPasswordValid()).isFalse();
        auth.resetPassword("fourth-pass", later.token(), later.tokenId());
        functionApp.logIn(Credentials.emailPassword("reset@example.com", "fourth-pass"));
    }
}
