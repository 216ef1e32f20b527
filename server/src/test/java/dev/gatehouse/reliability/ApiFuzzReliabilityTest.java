package dev.gatehouse.reliability;

import static dev.gatehouse.testing.TestServer.body;

import dev.gatehouse.Gatehouse;
import dev.gatehouse.password.HashParameters;
import dev.gatehouse.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tag;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Property-based fuzzing of every client route and every admin route over HTTP, unauthenticated and
 * authenticated (a real user's and a real admin's tokens), with malformed bodies, content types,
 * authorization headers, path segments, query parameters and other headers ({@link FuzzInputs}).
 * Whatever is sent, {@link Probe} requires an answer below 500, in the App Services error shape when
 * it is a 4xx, and within its timeout. Figures go to stdout (docs/reliability.md).
 */
@Tag("reliability")
class ApiFuzzReliabilityTest {
    static final String APP = TestServer.APP;
    static final String CLIENT = "/api/client/v2.0";
    static final String USERPASS = CLIENT + "/app/" + APP + "/auth/providers/local-userpass";
    static final String ADMIN = "/api/admin/v3.0";
    static final String ADMIN_APP = ADMIN + "/groups/" + Gatehouse.GROUP_ID + "/apps/" + APP;
    /** Where a route takes a value in its path; filled from {@link FuzzInputs#segments()}. */
    static final String SEGMENT = "{segment}";
    static final int TRIES = 2500;

    record Route(String method, String path) {
        String url(String base, String segment) {
            return base + path.replace(SEGMENT, URLEncoder.encode(segment, StandardCharsets.UTF_8));
        }
    }

    static final List<Route> CLIENT_ROUTES = List.of(
            new Route("POST", USERPASS + "/register"), new Route("POST", USERPASS + "/confirm"),
            new Route("POST", USERPASS + "/confirm/send"), new Route("POST", USERPASS + "/confirm/call"),
            new Route("POST", USERPASS + "/reset/send"), new Route("POST", USERPASS + "/reset"),
            new Route("POST", USERPASS + "/reset/call"), new Route("POST", USERPASS + "/login"),
            new Route("GET", CLIENT + "/app/" + APP + "/location"),
            new Route("POST", CLIENT + "/auth/session"), new Route("DELETE", CLIENT + "/auth/session"),
            new Route("GET", CLIENT + "/auth/profile"), new Route("DELETE", CLIENT + "/auth/delete"),
            new Route("POST", CLIENT + "/app/" + APP + "/auth/session"), new Route("GET", CLIENT + "/app/" + APP + "/auth/profile"),
            new Route("OPTIONS", USERPASS + "/login"),
            new Route("GET", CLIENT + "/app/" + SEGMENT + "/location"),
            new Route("POST", CLIENT + "/app/" + SEGMENT + "/auth/providers/local-userpass/login"),
            new Route("POST", CLIENT + "/app/" + APP + "/auth/providers/" + SEGMENT + "/register"));

    /**
     * Every admin route. Left out on purpose, as they would end the fuzzing's own access rather than
     * test anything: DELETE auth/session with the admin's token, and disabling the provider.
     */
    static final List<Route> ADMIN_ROUTES = List.of(
            new Route("POST", ADMIN + "/auth/providers/local-userpass/login"),
            new Route("POST", ADMIN + "/auth/providers/mongodb-cloud/login"),
            new Route("POST", ADMIN + "/auth/session"), new Route("GET", ADMIN + "/auth/profile"),
            new Route("GET", ADMIN + "/groups/" + Gatehouse.GROUP_ID + "/apps"), new Route("GET", ADMIN + "/groups/" + SEGMENT + "/apps"),
            new Route("GET", ADMIN_APP), new Route("GET", ADMIN + "/groups/" + Gatehouse.GROUP_ID + "/apps/" + SEGMENT),
            new Route("GET", ADMIN_APP + "/auth_providers"), new Route("GET", ADMIN_APP + "/auth_providers/" + SEGMENT),
            new Route("PATCH", ADMIN_APP + "/auth_providers/" + SEGMENT),
            new Route("PATCH", ADMIN_APP + "/auth_providers/local-userpass"),
            new Route("PUT", ADMIN_APP + "/auth_providers/" + SEGMENT + "/enable"),
            new Route("GET", ADMIN_APP + "/users?search=" + SEGMENT), new Route("GET", ADMIN_APP + "/users?limit=" + SEGMENT),
            new Route("GET", ADMIN_APP + "/users?after=" + SEGMENT + "&desc=" + SEGMENT),
            new Route("GET", ADMIN_APP + "/users_count?search=" + SEGMENT), new Route("POST", ADMIN_APP + "/users"),
            new Route("POST", ADMIN_APP + "/users/verify_token"), new Route("GET", ADMIN_APP + "/users/" + SEGMENT),
            new Route("DELETE", ADMIN_APP + "/users/" + SEGMENT), new Route("PUT", ADMIN_APP + "/users/" + SEGMENT + "/disable"),
            new Route("PUT", ADMIN_APP + "/users/" + SEGMENT + "/enable"), new Route("PUT", ADMIN_APP + "/users/" + SEGMENT + "/logout"),
            new Route("GET", ADMIN_APP + "/user_registrations/pending_users?limit=" + SEGMENT),
            new Route("GET", ADMIN_APP + "/user_registrations/pending_users_count?search=" + SEGMENT),
            new Route("DELETE", ADMIN_APP + "/user_registrations/by_email/" + SEGMENT),
            new Route("DELETE", ADMIN_APP + "/user_registrations/by_id/" + SEGMENT),
            new Route("POST", ADMIN_APP + "/user_registrations/by_email/" + SEGMENT + "/confirm"),
            new Route("POST", ADMIN_APP + "/user_registrations/by_email/" + SEGMENT + "/send_confirm"),
            new Route("POST", ADMIN_APP + "/user_registrations/by_email/" + SEGMENT + "/run_confirm"),
            new Route("GET", ADMIN_APP + "/dev_mailbox?email=" + SEGMENT), new Route("GET", ADMIN + "/outbox?status=" + SEGMENT),
            new Route("POST", ADMIN + "/outbox/requeue"));

    enum Auth { NONE, GARBAGE, USER, ADMIN }

    static Path dir;
    static TestServer server;
    static final Probe probe = new Probe();
    static String userAccess;
    static String userRefresh;
    static String adminAccess;
    static long started;

    @BeforeContainer
    static void start() throws IOException {
        dir = Files.createTempDirectory("gatehouse-fuzz");
        // Cheap Argon2id: well-formed logins and registrations do happen, thousands of them.
        server = TestServer.start(dir, c -> c.withHashing(new HashParameters(1024, 1, 1))
                .withMail(c.mail().withQuota(0, Duration.ofHours(1), true)));
        server.server().bootstrapAdmin("ops", "a long admin password");
        adminAccess = TestServer.json(TestServer.expectStatus(server.post(server.url() + ADMIN + "/auth/providers/local-userpass/login",
                body("username", "ops", "password", "a long admin password")), 200)).path("access_token").asText();
        signInUser();
        started = System.nanoTime();
    }

    /** A fuzzed DELETE auth/delete may delete the user: then there is a new one for the next tries. */
    static synchronized void signInUser() {
        String email = "fuzz-" + System.nanoTime() + "@example.com";
        server.registerConfirmed(email, "secret1");
        var login = server.login(email, "secret1");
        userAccess = login.path("access_token").asText();
        userRefresh = login.path("refresh_token").asText();
    }

    @AfterContainer
    static void stop() throws IOException {
        long millis = (System.nanoTime() - started) / 1_000_000;
        System.out.printf("reliability [%s]: fuzzing sent %d requests in %d ms, answers by status: %s; "
                        + "resent without body after a reset: %d%n",
                TestServer.onPostgres() ? "postgresql" : "sqlite", probe.requests(), millis, probe.byStatus(), probe.resets());
        server.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (UncheckedIOException e) {
            // A leftover temporary file is no test failure.
        }
    }

    static HttpRequest.Builder request(Route route, String segment, byte[] body, String contentType, Auth auth, String garbage) {
        HttpRequest.Builder request = Probe.request(route.url(server.url(), segment))
                .method(route.method(), body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        switch (auth) {
            case NONE -> { }
            case GARBAGE -> request.header("Authorization", garbage);
            case USER -> request.header("Authorization", "Bearer " + (garbage.length() % 3 == 0 ? userRefresh : userAccess));
            case ADMIN -> request.header("Authorization", "Bearer " + adminAccess);
        }
        return request;
    }

    static void afterwards(Route route, Auth auth) {
        if (auth == Auth.USER && route.path().endsWith("/auth/delete")) {
            signInUser();
        }
    }

    @Property(tries = TRIES, shrinking = ShrinkingMode.BOUNDED, edgeCases = EdgeCasesMode.MIXIN)
    void client_routes_answer_malformed_bodies_with_4xx(@ForAll("clientRoutes") Route route, @ForAll("segments") String segment,
            @ForAll("bodies") byte[] body, @ForAll("contentTypes") String contentType, @ForAll Auth auth,
            @ForAll("authorizations") String garbage) {
        probe.check(request(route, segment, body, contentType, auth == Auth.ADMIN ? Auth.USER : auth, garbage));
        afterwards(route, auth);
    }

    @Property(tries = TRIES, shrinking = ShrinkingMode.BOUNDED, edgeCases = EdgeCasesMode.MIXIN)
    void admin_routes_answer_malformed_bodies_with_4xx(@ForAll("adminRoutes") Route route, @ForAll("segments") String segment,
            @ForAll("bodies") byte[] body, @ForAll("contentTypes") String contentType, @ForAll Auth auth,
            @ForAll("authorizations") String garbage) {
        probe.check(request(route, segment, body, contentType, auth, garbage));
    }

    @Property(tries = TRIES, shrinking = ShrinkingMode.BOUNDED, edgeCases = EdgeCasesMode.MIXIN)
    void authenticated_admin_routes_answer_odd_paths_and_queries_with_4xx(@ForAll("adminRoutes") Route route,
            @ForAll("segments") String segment, @ForAll("objects") String json) {
        probe.check(request(route, segment, json.getBytes(StandardCharsets.UTF_8), "application/json", Auth.ADMIN, ""));
    }

    @Property(tries = TRIES, shrinking = ShrinkingMode.BOUNDED, edgeCases = EdgeCasesMode.MIXIN)
    void any_route_answers_garbage_headers_with_4xx(@ForAll("anyRoute") Route route, @ForAll("segments") String segment,
            @ForAll("objects") String json, @ForAll("headerValues") String value, @ForAll("headerNames") String name,
            @ForAll("authorizations") String authorization) {
        HttpRequest.Builder request = request(route, segment, json.getBytes(StandardCharsets.UTF_8), "application/json", Auth.GARBAGE,
                authorization);
        request.header(name, value);
        probe.check(request);
    }

    @Example
    void headers_past_the_size_limit_are_refused_with_the_error_shape() {
        for (int size : List.of(9_000, 20_000, 60_000)) {
            probe.check(request(CLIENT_ROUTES.get(7), "", FuzzInputs.utf8("{}"), "application/json", Auth.GARBAGE,
                    "Bearer " + "x".repeat(size)));
            HttpRequest.Builder many = request(CLIENT_ROUTES.get(0), "", FuzzInputs.utf8("{}"), "application/json", Auth.NONE, "");
            for (int i = 0; i < size / 100; i++) {
                many.header("X-Fuzz-" + i, "y".repeat(90));
            }
            probe.check(many);
        }
    }

    /** What the fuzzing found once, kept as fixed cases (docs/reliability.md lists them). */
    @Example
    void regressions_found_by_fuzzing() {
        String search = ADMIN_APP + "/users?search=%00";
        expect(Probe.request(server.url() + search).header("Authorization", "Bearer " + adminAccess).GET(), 400, "BadRequest");
        expect(Probe.request(server.url() + CLIENT + "/app/%00/location").GET(), 400, "BadRequest");
        expect(Probe.request(server.url() + ADMIN + "/auth/providers/local-userpass/login")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"a\\u0000\",\"password\":\"p\"}")), 400, "BadRequest");
        expect(Probe.request(server.url() + USERPASS + "/register").header("Transfer-Encoding", "chunked")
                .POST(HttpRequest.BodyPublishers.ofString("{}")), 400, "BadRequest");
    }

    static void expect(HttpRequest.Builder request, int status, String errorCode) {
        var response = probe.check(request);
        if (response.statusCode() != status || !TestServer.json(response).path("error_code").asText().equals(errorCode)) {
            throw new AssertionError("expected " + status + " " + errorCode + ", got " + response.statusCode() + ": " + response.body());
        }
    }

    @Provide
    Arbitrary<Route> clientRoutes() {
        return Arbitraries.of(CLIENT_ROUTES);
    }

    @Provide
    Arbitrary<Route> adminRoutes() {
        return Arbitraries.of(ADMIN_ROUTES);
    }

    @Provide
    Arbitrary<Route> anyRoute() {
        List<Route> all = new ArrayList<>(CLIENT_ROUTES);
        all.addAll(ADMIN_ROUTES);
        return Arbitraries.of(all);
    }

    @Provide
    Arbitrary<String> segments() {
        return FuzzInputs.segments();
    }

    @Provide
    Arbitrary<byte[]> bodies() {
        return FuzzInputs.bodies();
    }

    @Provide
    Arbitrary<String> objects() {
        return FuzzInputs.objects();
    }

    @Provide
    Arbitrary<String> contentTypes() {
        return FuzzInputs.contentTypes();
    }

    @Provide
    Arbitrary<String> authorizations() {
        return FuzzInputs.authorizations();
    }

    @Provide
    Arbitrary<String> headerValues() {
        return FuzzInputs.headerValues();
    }

    /** Headers the server reads (language, origin, forwarding, content negotiation) and one it does not. */
    @Provide
    Arbitrary<String> headerNames() {
        return Arbitraries.of("Accept-Language", "Origin", "Accept", "Accept-Charset", "Content-Encoding", "Transfer-Encoding",
                "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "Forwarded", "X-Request-Id", "Cookie",
                "Access-Control-Request-Method", "Access-Control-Request-Headers", "Range", "If-None-Match", "X-Fuzz");
    }
}
