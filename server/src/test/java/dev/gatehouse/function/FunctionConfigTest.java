package dev.gatehouse.function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.gatehouse.config.AppConfig;
import dev.gatehouse.config.AppExportLoader;
import dev.gatehouse.config.FunctionSettings;
import dev.gatehouse.config.InvalidConfigException;
import dev.gatehouse.testing.AppExport;
import dev.gatehouse.testing.TestServer;
import dev.gatehouse.token.Ids;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading functions from an export: webhook signing, values and secrets, and the problems start-up reports. */
class FunctionConfigTest {
    static final String PROVIDER = "{\"autoConfirm\":false,\"runConfirmationFunction\":true,\"confirmationFunctionName\":\"confirmFunc\"}";
    static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString(KEY);
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    Functions load(Path export, FunctionSettings settings, JavaFunctions java, List<String> problems) {
        AppConfig app = new AppExportLoader(java.names()).load(export, problems);
        return Functions.load(app == null ? List.of() : List.of(app), java, settings, CLOCK, new Ids(CLOCK, new SecureRandom()), problems);
    }

    AppConfig app(Path export) {
        return app(export, JavaFunctions.none());
    }

    AppConfig app(Path export, JavaFunctions java) {
        return new AppExportLoader(java.names()).load(export, new ArrayList<>());
    }

    @Test
    void webhook_calls_are_signed_the_standard_webhooks_way() throws Exception {
        AtomicReference<Map<String, List<String>>> headers = new AtomicReference<>();
        AtomicReference<String> body = new AtomicReference<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            headers.set(Map.copyOf(exchange.getRequestHeaders()));
            body.set(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] reply = "{\"status\":\"pending\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, reply.length);
            exchange.getResponseBody().write(reply);
            exchange.close();
        });
        receiver.start();
        Path export = AppExport.of(dir, "hooked").provider(PROVIDER)
                .webhook("confirmFunc", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook", "hookKey").write();
        List<String> problems = new ArrayList<>();
        try (Functions functions = load(export, FunctionSettings.defaults().withSecrets(Map.of("hookKey", SECRET)),
                JavaFunctions.none(), problems)) {
            assertThat(problems).isEmpty();
            FunctionCall call = FunctionCall.confirmation("hooked", "confirmFunc", "ada@example.com", "t".repeat(128),
                    "5f1b2c3d4e5f60718293a4b5");
            assertThat(functions.run(app(export), "confirmFunc", call)).isEqualTo(Functions.Outcome.PENDING);
        } finally {
            receiver.stop(0);
        }
        String id = headers.get().get("Webhook-id").get(0);
        String timestamp = headers.get().get("Webhook-timestamp").get(0);
        assertThat(id).matches("msg_[0-9a-f]{24}");
        assertThat(timestamp).isEqualTo(Long.toString(CLOCK.instant().getEpochSecond()));
        assertThat(headers.get().get("Content-type")).containsExactly("application/json");
        // Verified as a receiver would, with its own HMAC, not with the server's signing code.
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
        String expected = "v1," + Base64.getEncoder().encodeToString(
                mac.doFinal((id + "." + timestamp + "." + body.get()).getBytes(StandardCharsets.UTF_8)));
        assertThat(headers.get().get("Webhook-signature")).containsExactly(expected);

        JsonNode sent = new ObjectMapper().readTree(body.get());
        assertThat(sent.path("function").asText()).isEqualTo("confirmFunc");
        assertThat(sent.path("app_id").asText()).isEqualTo("hooked");
        assertThat(sent.path("arguments").get(0).path("username").asText()).isEqualTo("ada@example.com");
        assertThat(sent.path("arguments").get(0).path("tokenId").asText()).isEqualTo("5f1b2c3d4e5f60718293a4b5");
    }

    @Test
    void functions_read_values_secrets_and_the_environment() {
        String source = """
                exports = () => {
                  const ok = context.values.get('greeting') === 'hello'
                    && context.values.get('limits').perHour === 5
                    && context.values.get('apiKey') === 'key-from-the-environment'
                    && context.values.get('absent') === undefined
                    && context.environment.tag === 'production'
                    && context.environment.values.region === 'eu-west';
                  context.values.get('limits').perHour = 99;  // a copy: the next get is unchanged
                  return {status: ok && context.values.get('limits').perHour === 5 ? 'success' : 'fail'};
                };
                """;
        Path export = AppExport.of(dir, "valued").provider(PROVIDER).function("confirmFunc", source)
                .value("greeting", "\"hello\"", false).value("limits", "{\"perHour\":5}", false)
                .value("apiKey", "\"partnerApiKey\"", true)
                .environment("production", "{\"region\":\"eu-west\"}").write();
        List<String> problems = new ArrayList<>();
        try (Functions functions = load(export, FunctionSettings.defaults()
                .withSecrets(Map.of("partnerApiKey", "key-from-the-environment")), JavaFunctions.none(), problems)) {
            assertThat(problems).isEmpty();
            FunctionCall call = FunctionCall.confirmation("valued", "confirmFunc", "ada@example.com", "t", "5f1b2c3d4e5f60718293a4b5");
            assertThat(functions.run(app(export), "confirmFunc", call)).isEqualTo(Functions.Outcome.SUCCESS);
        }
    }

    @Test
    void start_up_reports_every_function_problem() {
        Path insecure = AppExport.of(dir, "insecure").provider(PROVIDER)
                .webhook("confirmFunc", "http://hooks.example.com/confirm", "hookKey").write();
        Path unsigned = AppExport.of(dir, "unsigned").provider(PROVIDER)
                .webhook("confirmFunc", "https://hooks.example.com/confirm", "missingKey").write();
        Path weak = AppExport.of(dir, "weak").provider(PROVIDER)
                .webhook("confirmFunc", "https://hooks.example.com/confirm", "shortKey").write();
        Path secretless = AppExport.of(dir, "secretless").provider(PROVIDER)
                .function("confirmFunc", "exports = () => ({status: 'success'});").value("apiKey", "\"notSet\"", true).write();
        Path broken = AppExport.of(dir, "broken").provider(PROVIDER)
                .function("confirmFunc", "exports = ({username}) => { return {status: 'success' };").write();
        Path twice = AppExport.of(dir, "twice").provider(PROVIDER)
                .function("confirmFunc", "exports = () => ({status: 'success'});").write();
        FunctionSettings settings = FunctionSettings.defaults().withSecrets(Map.of("hookKey", SECRET, "shortKey", "short"));
        JavaFunctions java = JavaFunctions.none().with("confirmFunc", call -> FunctionStatus.SUCCESS);

        assertThatThrownBy(() -> TestServer.start(dir.resolve("data"), c -> c.withFunctions(settings)
                .withAppDirs(List.of(insecure, unsigned, weak, secretless, broken)), JavaFunctions.none()))
                .isInstanceOf(InvalidConfigException.class)
                .satisfies(e -> assertThat(((InvalidConfigException) e).problems()).hasSize(5).anySatisfy(p ->
                        assertThat(p).contains("insecure").contains("webhook.url must use https"))
                        .anySatisfy(p -> assertThat(p).contains("unsigned").contains("secret 'missingKey'")
                                .contains("GATEHOUSE_SECRET_missingKey"))
                        .anySatisfy(p -> assertThat(p).contains("weak").contains("shorter than 16 bytes"))
                        .anySatisfy(p -> assertThat(p).contains("secretless").contains("secret 'notSet' is not set"))
                        .anySatisfy(p -> assertThat(p).contains("broken").contains("has a syntax error")));
        assertThatThrownBy(() -> TestServer.start(dir.resolve("data2"), c -> c.withAppDirs(List.of(twice)), java))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("function 'confirmFunc' is defined both in functions/ and as a Java function");
    }

    @Test
    void java_functions_get_the_arguments_as_java_values() throws Exception {
        AtomicReference<FunctionCall> received = new AtomicReference<>();
        JavaFunctions java = JavaFunctions.none().with("resetFunc", call -> {
            received.set(call);
            return FunctionStatus.PENDING;
        });
        Path export = AppExport.of(dir, "javaapp").provider("{\"runResetFunction\":true,\"resetFunctionName\":\"resetFunc\"}").write();
        List<String> problems = new ArrayList<>();
        try (Functions functions = load(export, FunctionSettings.defaults(), java, problems)) {
            assertThat(problems).isEmpty();
            var arguments = FunctionArguments.parse(new ObjectMapper().readTree(
                    "[\"blue\",{\"$numberInt\":\"42\"},{\"$numberLong\":\"7\"},{\"$date\":{\"$numberLong\":\"0\"}},{\"a\":[true]}]"));
            FunctionCall call = FunctionCall.reset("javaapp", "resetFunc", "ada@example.com", "new-pass", "t",
                    "5f1b2c3d4e5f60718293a4b5", true, arguments);
            assertThat(functions.run(app(export, java), "resetFunc", call)).isEqualTo(Functions.Outcome.PENDING);
        }
        List<Object> values = received.get().argumentValues();
        assertThat(values).hasSize(5);
        assertThat(values.get(0)).isEqualTo("blue");
        assertThat(values.get(1)).isEqualTo(42);
        assertThat(values.get(2)).isEqualTo(7L);
        assertThat(values.get(3)).isEqualTo(new java.util.Date(0));
        assertThat(values.get(4)).isEqualTo(new org.bson.Document("a", List.of(true)));
        assertThat(received.get().toString()).doesNotContain("new-pass").doesNotContain("token=t");
    }
}
