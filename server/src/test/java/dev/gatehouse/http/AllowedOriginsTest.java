package dev.gatehouse.http;

import static dev.gatehouse.testing.TestServer.body;
import static dev.gatehouse.testing.WireAssertions.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.AppExport;
import dev.gatehouse.testing.TestServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An app's {@code allowed_request_origins} decides which browser origins may call its client routes. */
class AllowedOriginsTest {
    static final String LOCKED = "locked-abcde";
    static final String OPEN = "open-fghij";
    static final String ALLOWED = "https://shop.example";
    @TempDir
    static Path dir;
    static TestServer server;

    @BeforeAll
    static void start() {
        Path locked = AppExport.of(dir, LOCKED).allowedOrigins(ALLOWED, "http://localhost:3000/").write();
        Path open = AppExport.of(dir, OPEN).write();
        server = TestServer.start(dir.resolve("data"), c -> c.withAppDirs(List.of(locked, open)));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static HttpResponse<String> register(String app, String origin, String email) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.userpass(app) + "/register"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body("email", email, "password", "secret1")));
        if (origin != null) {
            request.header("Origin", origin);
        }
        return server.send(request);
    }

    static HttpResponse<String> preflight(String url, String origin) {
        return server.send(HttpRequest.newBuilder(URI.create(url))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", origin)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type"));
    }

    static java.util.Optional<String> allowOrigin(HttpResponse<String> response) {
        return response.headers().firstValue("Access-Control-Allow-Origin");
    }

    @Test
    void a_listed_origin_is_echoed() {
        HttpResponse<String> response = register(LOCKED, ALLOWED, "listed@example.com");
        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(allowOrigin(response)).hasValue(ALLOWED);
        assertThat(response.headers().allValues("Vary")).contains("Origin");
        // The export's trailing slash is not part of an origin a browser sends.
        assertThat(allowOrigin(register(LOCKED, "http://localhost:3000", "local@example.com"))).hasValue("http://localhost:3000");
    }

    @Test
    void another_origin_is_refused_before_the_route_runs() {
        HttpResponse<String> response = register(LOCKED, "https://evil.example", "refused@example.com");
        assertError(response, 403, "DomainNotAllowed", "requests from this origin are not allowed");
        assertThat(allowOrigin(response)).isEmpty();
        // Nothing was registered: the same address is still free for an allowed origin.
        assertThat(register(LOCKED, ALLOWED, "refused@example.com").statusCode()).isEqualTo(201);
        // An origin that only shares a prefix, or the literal "null" of sandboxed frames, is another origin.
        assertThat(register(LOCKED, ALLOWED + ".evil.example", "prefix@example.com").statusCode()).isEqualTo(403);
        assertThat(register(LOCKED, "null", "null@example.com").statusCode()).isEqualTo(403);
    }

    @Test
    void preflights_from_other_origins_get_no_allow_origin() {
        HttpResponse<String> refused = preflight(server.userpass(LOCKED) + "/login", "https://evil.example");
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(allowOrigin(refused)).isEmpty();
        HttpResponse<String> allowed = preflight(server.userpass(LOCKED) + "/login", ALLOWED);
        assertThat(allowed.statusCode()).isEqualTo(204);
        assertThat(allowOrigin(allowed)).hasValue(ALLOWED);
    }

    @Test
    void requests_without_an_origin_are_not_browser_requests_and_pass() {
        HttpResponse<String> response = register(LOCKED, null, "server-side@example.com");
        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(allowOrigin(response)).isEmpty();
    }

    @Test
    void an_app_with_an_empty_list_echoes_any_origin() {
        HttpResponse<String> response = register(OPEN, "https://evil.example", "open@example.com");
        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(allowOrigin(response)).hasValue("https://evil.example");
    }

    @Test
    void app_less_routes_allow_an_origin_some_app_allows() {
        // The open app accepts every origin, so the shared session routes do too; a server whose
        // apps all have lists is tested below.
        HttpResponse<String> response = preflight(server.url() + "/api/client/v2.0/auth/session", "https://evil.example");
        assertThat(allowOrigin(response)).hasValue("https://evil.example");
    }

    @Test
    void app_less_routes_refuse_an_origin_no_app_allows(@TempDir Path other) {
        Path only = AppExport.of(other, LOCKED).allowedOrigins(ALLOWED).write();
        try (TestServer locked = TestServer.start(other.resolve("data"), c -> c.withAppDirs(List.of(only)))) {
            String session = locked.url() + "/api/client/v2.0/auth/session";
            HttpResponse<String> refused = locked.send(HttpRequest.newBuilder(URI.create(session))
                    .header("Origin", "https://evil.example").header("Authorization", "Bearer nope")
                    .POST(HttpRequest.BodyPublishers.noBody()));
            assertError(refused, 403, "DomainNotAllowed", "requests from this origin are not allowed");
            HttpResponse<String> allowed = locked.send(HttpRequest.newBuilder(URI.create(session))
                    .header("Origin", ALLOWED).header("Authorization", "Bearer nope")
                    .POST(HttpRequest.BodyPublishers.noBody()));
            assertThat(allowed.statusCode()).isEqualTo(401);
            assertThat(allowOrigin(allowed)).hasValue(ALLOWED);
        }
    }

    @Test
    void an_unknown_app_is_answered_by_its_route() {
        HttpResponse<String> response = register("nobody-zzzzz", "https://evil.example", "x@example.com");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(TestServer.json(response).path("error_code").asText()).isEqualTo("AppNotFound");
    }
}
