package dev.gatehouse.reliability;

import static dev.gatehouse.testing.TestServer.body;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.password.HashParameters;
import dev.gatehouse.testing.TestServer;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tag;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Property-based fuzzing of what browsers and people reach rather than SDKs: the hosted confirm and
 * reset pages (GET with query parameters, POST with forms), the console's files and the dev
 * mailbox. Besides the {@link Probe} rules (no 5xx, no hang, JSON errors in the error shape), an HTML
 * answer must carry the pages' Content-Security-Policy and must not echo markup it was sent: every
 * value may carry {@link #MARKUP}, and no answer may contain it unescaped.
 */
@Tag("reliability")
class PageFuzzReliabilityTest {
    static final String APP = TestServer.APP;
    static final String MARKUP = "\"'><svg onload=alert(1)>";
    static final int TRIES = 2000;

    record Target(String method, String path) {}

    static final List<Target> TARGETS = List.of(
            new Target("GET", "/app/" + APP + "/confirm"), new Target("POST", "/app/" + APP + "/confirm"),
            new Target("GET", "/app/" + APP + "/reset"), new Target("POST", "/app/" + APP + "/reset"),
            new Target("GET", "/app/{segment}/confirm"), new Target("POST", "/app/{segment}/reset"),
            new Target("GET", "/assets/pages.css"), new Target("GET", "/app/{segment}/style.css"), new Target("GET", "/console"), new Target("GET", "/console/{segment}"),
            new Target("GET", "/dev/mailbox/" + APP), new Target("GET", "/dev/mailbox/{segment}"));

    static Path dir;
    static TestServer server;
    static final Probe probe = new Probe();
    /** A real confirmation and a real reset link, so that some tries get past the token check. */
    static String confirmToken;
    static String confirmTokenId;
    static String resetToken;
    static String resetTokenId;
    static long started;

    @BeforeContainer
    static void start() throws IOException {
        dir = Files.createTempDirectory("gatehouse-page-fuzz");
        server = TestServer.start(dir, c -> c.withHashing(new HashParameters(1024, 1, 1))
                .withMail(c.mail().withQuota(0, Duration.ofHours(1), true)));
        TestServer.expectStatus(server.post(server.userpass(APP) + "/register",
                body("email", "pending@example.com", "password", "secret1")), 201);
        JsonNode confirm = server.latestMail(APP, "pending@example.com");
        confirmToken = confirm.path("token").asText();
        confirmTokenId = confirm.path("tokenId").asText();
        server.registerConfirmed("reset@example.com", "secret1");
        TestServer.expectStatus(server.post(server.userpass(APP) + "/reset/send", body("email", "reset@example.com")), 204);
        JsonNode reset = server.latestMail(APP, "reset@example.com");
        resetToken = reset.path("token").asText();
        resetTokenId = reset.path("tokenId").asText();
        started = System.nanoTime();
    }

    @AfterContainer
    static void stop() {
        System.out.printf("reliability [%s]: page fuzzing sent %d requests in %d ms, answers by status: %s%n",
                TestServer.onPostgres() ? "postgresql" : "sqlite", probe.requests(), (System.nanoTime() - started) / 1_000_000,
                probe.byStatus());
        server.close();
    }

    @Property(tries = TRIES, shrinking = ShrinkingMode.BOUNDED, edgeCases = EdgeCasesMode.MIXIN)
    void pages_console_and_mailbox_answer_anything_without_5xx_or_echoed_markup(@ForAll("targets") Target target,
            @ForAll("segments") String segment, @ForAll("parameters") List<Tuple.Tuple3<String, String, Boolean>> parameters,
            @ForAll("formBodies") byte[] form,
            @ForAll("contentTypes") String contentType, @ForAll("languages") String language) {
        String url = server.url() + target.path().replace("{segment}", URLEncoder.encode(segment, StandardCharsets.UTF_8))
                + (target.method().equals("GET") ? "?" + encode(parameters, true) : "");
        HttpRequest.Builder request = Probe.request(url).header("Accept-Language", language);
        if (target.method().equals("POST")) {
            request.header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(
                    form.length == 0 ? encode(parameters, false).getBytes(StandardCharsets.UTF_8) : form));
        } else {
            request.GET();
        }
        HttpResponse<String> response = probe.send(request);
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (type.startsWith("application/json")) {
            Probe.assertWellFormed(response);
            return;
        }
        if (response.statusCode() >= 500) {
            throw new AssertionError(target + " answered " + response.statusCode() + ": " + Probe.abbreviate(response.body()));
        }
        if (type.startsWith("text/html")) {
            if (response.headers().firstValue("Content-Security-Policy").isEmpty()) {
                throw new AssertionError(target + " answered HTML without a Content-Security-Policy");
            }
            if (response.body().contains("<svg onload")) {
                throw new AssertionError(target + " echoed markup: " + Probe.abbreviate(response.body()));
            }
        }
        if (response.body().contains("Exception") || response.body().contains("at dev.gatehouse")) {
            throw new AssertionError(target + " answered with internals: " + Probe.abbreviate(response.body()));
        }
    }

    @Provide
    Arbitrary<Target> targets() {
        return Arbitraries.of(TARGETS);
    }

    @Provide
    Arbitrary<String> segments() {
        return Arbitraries.frequencyOf(Tuple.of(3, FuzzInputs.segments()),
                Tuple.of(1, Arbitraries.of(APP, "console.js", "console.css", "index.html", "../pom.xml",
                        "%2e%2e%2fpom.xml", MARKUP)));
    }

    /** Query or form fields: the names the pages read, with real tokens, junk, markup, repeats, no value. */
    @Provide
    Arbitrary<List<Tuple.Tuple3<String, String, Boolean>>> parameters() {
        Arbitrary<String> name = Arbitraries.of("token", "tokenId", "password", "passwordAgain", "email", "limit", "lang",
                "token[]", "", "x");
        Arbitrary<String> value = Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.of(confirmToken, confirmTokenId, resetToken, resetTokenId, "new-secret-1", "")),
                Tuple.of(2, FuzzInputs.segments()),
                Tuple.of(1, Arbitraries.just(MARKUP)),
                Tuple.of(1, Arbitraries.strings().ofMinLength(0).ofMaxLength(300)));
        return Combinators.combine(name, value, Arbitraries.of(true, false)).as(Tuple::of).list().ofMaxSize(6);
    }

    /**
     * {@code a=b&c=d}; a URL needs every value encoded, a form body may also carry them raw (a
     * stray {@code %}, {@code &} or {@code =} is then the server's to make sense of).
     */
    static String encode(List<Tuple.Tuple3<String, String, Boolean>> parameters, boolean always) {
        return parameters.stream().map(p -> p.get1() + "=" + (always || p.get3()
                        ? URLEncoder.encode(p.get2(), StandardCharsets.UTF_8) : p.get2()))
                .collect(Collectors.joining("&"));
    }

    /** Empty (then the parameters are the form), or anything at all. */
    @Provide
    Arbitrary<byte[]> formBodies() {
        return Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(new byte[0])), Tuple.of(1, FuzzInputs.bodies()));
    }

    @Provide
    Arbitrary<String> contentTypes() {
        return Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.just("application/x-www-form-urlencoded")),
                Tuple.of(1, FuzzInputs.contentTypes()),
                Tuple.of(1, Arbitraries.of("multipart/form-data; boundary=x", "multipart/form-data",
                        "application/x-www-form-urlencoded; charset=ebcdic", "text/plain")));
    }

    @Provide
    Arbitrary<String> languages() {
        return Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.of("en", "de", "de-CH;q=0.9, en;q=0.1", "*", "")),
                Tuple.of(1, FuzzInputs.headerValues()));
    }
}
