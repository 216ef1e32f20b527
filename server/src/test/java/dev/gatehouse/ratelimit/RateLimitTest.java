package dev.gatehouse.ratelimit;

import static dev.gatehouse.testing.TestServer.APP;
import static dev.gatehouse.testing.TestServer.body;
import static dev.gatehouse.testing.TestServer.expectStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.config.InvalidConfigException;
import dev.gatehouse.config.ServerConfig;
import dev.gatehouse.password.HashParameters;
import dev.gatehouse.testing.AppExport;
import dev.gatehouse.testing.TestServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rate limiting over HTTP on a real server: progressive delays per client IP and per account, that
 * they lift, that they are shared through the database, trusted proxies, per-app files, the off switch.
 */
class RateLimitTest {
    private static final String PASSWORD = "correct horse battery";

    @TempDir
    Path dir;

    /** The defaults, with the given rules changed (free count, base delay 1s, cap, window 1h). */
    private static RateLimitPolicy strict(int loginIp, int loginAccount, int register, int emailIp, int tokenIp,
                                          Duration maxDelay) {
        LimitRule d = RateLimitPolicy.DEFAULTS.loginPerIp();
        return new RateLimitPolicy(true,
                new LimitRule(loginIp, Duration.ofHours(1), Duration.ofSeconds(1), maxDelay),
                new LimitRule(loginAccount, Duration.ofHours(1), Duration.ofSeconds(1), maxDelay),
                new LimitRule(register, d.window(), Duration.ofSeconds(1), maxDelay),
                new LimitRule(emailIp, d.window(), Duration.ofSeconds(1), maxDelay),
                RateLimitPolicy.DEFAULTS.emailPerAccount(),
                new LimitRule(tokenIp, d.window(), Duration.ofSeconds(1), maxDelay));
    }

    private static UnaryOperator<ServerConfig> with(RateLimitPolicy policy, String... trustedProxies) {
        return c -> c.withRateLimits(new RateLimitSettings(policy, new TrustedProxies(List.of(trustedProxies))));
    }

    private static HttpResponse<String> login(TestServer server, String app, String user, String password, String forwardedFor) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.userpass(app) + "/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body("username", user, "password", password)));
        if (forwardedFor != null) {
            request.header("X-Forwarded-For", forwardedFor);
        }
        return server.send(request);
    }

    private static HttpResponse<String> login(TestServer server, String user, String password, String forwardedFor) {
        return login(server, APP, user, password, forwardedFor);
    }

    private static void expectWait(HttpResponse<String> response, long seconds) {
        expectStatus(response, 429);
        assertThat(response.body()).contains("\"error_code\":\"TooManyRequests\"");
        assertThat(response.headers().firstValue("Retry-After")).hasValue(Long.toString(seconds));
    }

    @Test
    void failed_logins_per_ip_bring_growing_delays_that_lift() {
        try (TestServer server = TestServer.start(dir, with(strict(3, 1000, 100, 100, 100, Duration.ofSeconds(4))))) {
            // Different usernames: only the per-IP rule can engage.
            for (int i = 0; i < 3; i++) {
                expectStatus(login(server, "user" + i + "@example.com", "wrong", null), 401);
            }
            expectWait(login(server, "other@example.com", "wrong", null), 1);
            server.clock().advance(Duration.ofSeconds(1));
            expectStatus(login(server, "other@example.com", "wrong", null), 401);
            expectWait(login(server, "other@example.com", "wrong", null), 2);
            server.clock().advance(Duration.ofSeconds(2));
            expectStatus(login(server, "other@example.com", "wrong", null), 401);
            expectWait(login(server, "other@example.com", "wrong", null), 4);
            server.clock().advance(Duration.ofSeconds(4));
            expectStatus(login(server, "other@example.com", "wrong", null), 401);
            expectWait(login(server, "other@example.com", "wrong", null), 4);  // capped, never a lock-out

            // Refused requests are not counted, and a quiet window starts the count over.
            server.clock().advance(Duration.ofHours(1));
            for (int i = 0; i < 3; i++) {
                expectStatus(login(server, "again" + i + "@example.com", "wrong", null), 401);
            }
            expectWait(login(server, "again@example.com", "wrong", null), 1);

            String metrics = server.get(server.url() + "/metrics", null).body();
            assertThat(metrics).containsPattern("gatehouse_rate_limited_total\\{group=\"login\"[^}]*} [1-9]");

            // The table holds digests only, and the janitor deletes rows once they are stale.
            List<List<Object>> rows = server.rows("SELECT key_hash FROM rate_limits");
            assertThat(rows).isNotEmpty().allSatisfy(r -> assertThat((String) r.get(0)).matches("[0-9a-f]{64}"));
            server.clock().advance(Duration.ofHours(2));
            server.server().purgeExpired();
            assertThat(server.rows("SELECT key_hash FROM rate_limits")).isEmpty();
        }
    }

    @Test
    void an_attacked_ip_does_not_keep_the_owner_out_and_per_account_delays_stay_short() {
        try (TestServer server = TestServer.start(dir, with(strict(3, 5, 100, 100, 100, Duration.ofSeconds(2)),
                "127.0.0.1"))) {
            server.registerConfirmed("owner@example.com", PASSWORD);
            for (int i = 0; i < 3; i++) {
                expectStatus(login(server, "owner@example.com", "guess" + i, "203.0.113.1"), 401);
            }
            expectWait(login(server, "owner@example.com", "guess", "203.0.113.1"), 1);
            // The owner, elsewhere, is not affected by the attacker's IP being slowed down.
            expectStatus(login(server, "owner@example.com", PASSWORD, "198.51.100.7"), 200);

            // Stuffing spread over many IPs meets the per-account rule: a short delay for everyone...
            for (int i = 0; i < 5; i++) {
                expectStatus(login(server, "OWNER@example.com ", "guess" + i, "192.0.2." + (10 + i)), 401);
            }
            expectWait(login(server, "owner@example.com", PASSWORD, "198.51.100.7"), 1);
            server.clock().advance(Duration.ofSeconds(1));
            expectStatus(login(server, "owner@example.com", "guess", "192.0.2.99"), 401);
            expectWait(login(server, "owner@example.com", PASSWORD, "198.51.100.7"), 2);
            // ...which the owner waits out (capped at 2s here), and their success clears the account's count.
            server.clock().advance(Duration.ofSeconds(2));
            expectStatus(login(server, "owner@example.com", PASSWORD, "198.51.100.7"), 200);
            expectStatus(login(server, "owner@example.com", "guess", "192.0.2.100"), 401);
            expectStatus(login(server, "owner@example.com", PASSWORD, "198.51.100.7"), 200);
        }
    }

    /**
     * Guesses sent all at once, not one after another. Real Argon2id costs, so each attempt runs for
     * milliseconds after the limiter has let it through: counted only once it had failed, guesses of
     * the burst passed the check before the first was counted (4 of 24 got a 401 before the fix).
     */
    @Test
    void a_burst_of_simultaneous_guesses_gets_the_free_allowance_and_no_more() throws Exception {
        UnaryOperator<ServerConfig> limits = with(strict(1000, 3, 100, 100, 100, Duration.ofSeconds(30)));
        try (TestServer server = TestServer.start(dir, c -> limits.apply(c).withHashing(HashParameters.OWASP))) {
            server.registerConfirmed("owner@example.com", PASSWORD);
            int burst = 24;
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> statuses = new ArrayList<>();
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < burst; i++) {
                    String guess = "guess" + i;
                    statuses.add(clients.submit(() -> {
                        go.await();
                        return login(server, "owner@example.com", guess, null).statusCode();
                    }));
                }
                go.countDown();
            }
            Map<Integer, Long> counts = new TreeMap<>();
            for (Future<Integer> status : statuses) {
                counts.merge(status.get(), 1L, Long::sum);
            }
            assertThat(counts).as("statuses of %d simultaneous guesses", burst).isEqualTo(Map.of(401, 3L, 429, 21L));

            // The 21 refused guesses (429 for the base delay, 1s) were not counted: after the first wait (1s) the next failure is
            // the fourth, whose wait is 2s; 24 counted failures would have meant the 30s cap.
            server.clock().advance(Duration.ofSeconds(1));
            expectStatus(login(server, "owner@example.com", "guess", null), 401);
            expectWait(login(server, "owner@example.com", "guess", null), 2);
            // The owner waits that out like anyone, and a success gives back its own count too.
            server.clock().advance(Duration.ofSeconds(2));
            expectStatus(login(server, "owner@example.com", PASSWORD, null), 200);
            expectStatus(login(server, "owner@example.com", "guess", null), 401);
        }
    }

    /**
     * Successful logins from one IP (an office behind one address) never count against it, though
     * each is counted among the running attempts while it runs.
     */
    @Test
    void successful_logins_never_slow_an_ip_down() {
        try (TestServer server = TestServer.start(dir, with(strict(3, 1000, 100, 100, 100, Duration.ofSeconds(30))))) {
            server.registerConfirmed("owner@example.com", PASSWORD);
            for (int i = 0; i < 10; i++) {
                expectStatus(login(server, "owner@example.com", PASSWORD, null), 200);
            }
            for (int i = 0; i < 3; i++) {
                expectStatus(login(server, "someone" + i + "@example.com", "wrong", null), 401);
            }
            expectWait(login(server, "owner@example.com", PASSWORD, null), 1);
        }
    }

    @Test
    void register_and_reset_send_are_limited_per_ip() {
        try (TestServer server = TestServer.start(dir, with(strict(100, 100, 2, 2, 100, Duration.ofMinutes(15))))) {
            String url = server.userpass(APP);
            expectStatus(server.post(url + "/register", body("email", "a@example.com", "password", PASSWORD)), 201);
            expectStatus(server.post(url + "/register", body("email", "b@example.com", "password", PASSWORD)), 201);
            expectWait(server.post(url + "/register", body("email", "c@example.com", "password", PASSWORD)), 1);

            for (String email : List.of("a@example.com", "b@example.com")) {
                assertThat(server.post(url + "/reset/send", body("email", email)).statusCode()).isNotEqualTo(429);
            }
            expectWait(server.post(url + "/reset/send", body("email", "a@example.com")), 1);
            // confirm/send is in the same group (one budget of emails per IP).
            expectWait(server.post(url + "/confirm/send", body("email", "a@example.com")), 1);
            server.clock().advance(Duration.ofSeconds(1));
            assertThat(server.post(url + "/reset/send", body("email", "a@example.com")).statusCode()).isNotEqualTo(429);
            expectWait(server.post(url + "/reset/send", body("email", "a@example.com")), 2);
        }
    }

    @Test
    void bad_tokens_are_limited_per_ip_on_the_api_and_the_hosted_pages() {
        try (TestServer server = TestServer.start(dir, with(strict(100, 100, 100, 100, 2, Duration.ofMinutes(15))))) {
            String url = server.userpass(APP);
            String guess = body("token", "0".repeat(64), "tokenId", "0".repeat(24));
            expectStatus(server.post(url + "/confirm", guess), 400);
            expectStatus(server.post(url + "/reset", body("token", "1".repeat(64), "tokenId", "1".repeat(24),
                    "password", PASSWORD)), 400);
            expectWait(server.post(url + "/confirm", guess), 1);
            HttpResponse<String> page = server.send(HttpRequest.newBuilder(URI.create(server.url() + "/app/" + APP + "/confirm"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("token=x&tokenId=y")));
            expectStatus(page, 429);
            assertThat(page.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(page.body()).contains("Too many attempts");
        }
    }

    @Test
    void bad_links_posted_to_the_hosted_pages_count_too() {
        try (TestServer server = TestServer.start(dir, with(strict(100, 100, 100, 100, 2, Duration.ofMinutes(15))))) {
            for (String page : List.of("confirm", "reset")) {
                HttpResponse<String> response = server.send(HttpRequest.newBuilder(URI.create(server.url() + "/app/" + APP + "/" + page))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("token=" + "2".repeat(64) + "&tokenId=" + "2".repeat(24)
                                + "&password=" + "x".repeat(10) + "&passwordAgain=" + "x".repeat(10))));
                expectStatus(response, 400);
            }
            expectWait(server.post(server.userpass(APP) + "/confirm", body("token", "3".repeat(64), "tokenId", "3".repeat(24))), 1);
        }
    }

    @Test
    void admin_login_failures_are_limited_with_the_server_rules() {
        try (TestServer server = TestServer.start(dir, with(strict(100, 2, 100, 100, 100, Duration.ofSeconds(30))))) {
            server.server().admins().addUser("root", "a long admin password");
            String url = server.url() + "/api/admin/v3.0/auth/providers/local-userpass/login";
            expectStatus(server.post(url, body("username", "root", "password", "wrong one")), 401);
            expectStatus(server.post(url, body("username", "root", "password", "wrong two")), 401);
            expectWait(server.post(url, body("username", "root", "password", "a long admin password")), 1);
            server.clock().advance(Duration.ofSeconds(1));
            expectStatus(server.post(url, body("username", "root", "password", "a long admin password")), 200);
            // Success cleared the account's failures.
            expectStatus(server.post(url, body("username", "root", "password", "wrong three")), 401);
            expectStatus(server.post(url, body("username", "root", "password", "a long admin password")), 200);
        }
    }

    @Test
    void forwarded_for_is_ignored_from_an_untrusted_peer() {
        try (TestServer server = TestServer.start(dir, with(strict(1, 1000, 100, 100, 100, Duration.ofMinutes(15))))) {
            expectStatus(login(server, "a@example.com", "wrong", "198.51.100.1"), 401);
            // Another forwarded address changes nothing: the socket address is the client.
            expectWait(login(server, "b@example.com", "wrong", "198.51.100.2"), 1);
        }
    }

    @Test
    void forwarded_for_is_honoured_from_a_trusted_proxy_right_most_untrusted_first() {
        try (TestServer server = TestServer.start(dir, with(strict(1, 1000, 100, 100, 100, Duration.ofMinutes(15)),
                "127.0.0.0/8", "10.0.0.0/8"))) {
            // The client forged the left entry; the proxies appended the real one and an inner proxy.
            expectStatus(login(server, "a@example.com", "wrong", "192.0.2.66, 198.51.100.1, 10.1.2.3"), 401);
            expectWait(login(server, "b@example.com", "wrong", "198.51.100.1"), 1);
            expectStatus(login(server, "c@example.com", "wrong", "198.51.100.2"), 401);
            // Forging a different left entry does not escape: the right-most untrusted address is the same.
            expectWait(login(server, "d@example.com", "wrong", "192.0.2.77, 198.51.100.2"), 1);
        }
    }

    @Test
    void two_nodes_on_one_database_share_the_counts() {
        RateLimitPolicy policy = strict(2, 1000, 100, 100, 100, Duration.ofMinutes(15));
        try (TestServer first = TestServer.start(dir, with(policy)); TestServer second = TestServer.start(dir, with(policy))) {
            expectStatus(login(first, "a@example.com", "wrong", null), 401);
            expectStatus(login(second, "b@example.com", "wrong", null), 401);
            expectWait(login(second, "c@example.com", "wrong", null), 1);
            // Each test node has its own clock, started a moment apart: the wait is counted on the second's.
            expectStatus(login(first, "c@example.com", "wrong", null), 429);
        }
    }

    @Test
    void an_app_export_can_change_its_limits_and_a_bad_file_refuses_start() throws Exception {
        Path strictApp = AppExport.of(dir.resolve("apps"), "strict-app").write();
        Files.createDirectories(strictApp.resolve("gatehouse"));
        Files.writeString(strictApp.resolve("gatehouse/rate_limits.json"),
                "{\"login_per_ip\": {\"free\": 1, \"max_delay\": \"30s\"}}");
        Path offApp = AppExport.of(dir.resolve("apps"), "off-app").write();
        Files.createDirectories(offApp.resolve("gatehouse"));
        Files.writeString(offApp.resolve("gatehouse/rate_limits.json"), "{\"enabled\": false}");
        try (TestServer server = TestServer.start(dir.resolve("data"), c -> c.withAppDirs(List.of(strictApp, offApp))
                .withRateLimits(new RateLimitSettings(strict(2, 1000, 100, 100, 100, Duration.ofMinutes(15)),
                        TrustedProxies.NONE)))) {
            expectStatus(login(server, "strict-app", "a@example.com", "wrong", null), 401);
            expectWait(login(server, "strict-app", "a@example.com", "wrong", null), 1);
            for (int i = 0; i < 5; i++) {
                expectStatus(login(server, "off-app", "a@example.com", "wrong", null), 401);
            }
        }

        Path badApp = AppExport.of(dir.resolve("bad"), "bad-app").write();
        Files.createDirectories(badApp.resolve("gatehouse"));
        Files.writeString(badApp.resolve("gatehouse/rate_limits.json"),
                "{\"login_per_ip\": {\"free\": -1, \"window\": \"soon\"}, \"logins\": {}}");
        assertThatThrownBy(() -> TestServer.start(dir.resolve("data2"), c -> c.withAppDirs(List.of(badApp))))
                .isInstanceOf(InvalidConfigException.class)
                .satisfies(e -> assertThat(((InvalidConfigException) e).problems())
                        .anySatisfy(p -> assertThat(p).contains("gatehouse/rate_limits.json: login_per_ip.window must be a duration"))
                        .anySatisfy(p -> assertThat(p).contains("unknown rule 'logins'")));
    }

    @Test
    void off_switch_turns_every_limit_off() {
        try (TestServer server = TestServer.start(dir, with(strict(0, 0, 0, 0, 0, Duration.ofMinutes(15)).withEnabled(false)))) {
            for (int i = 0; i < 5; i++) {
                expectStatus(login(server, "a@example.com", "wrong", null), 401);
                expectStatus(server.post(server.userpass(APP) + "/register",
                        body("email", "u" + i + "@example.com", "password", PASSWORD)), 201);
            }
            assertThat(server.rows("SELECT key_hash FROM rate_limits")).isEmpty();
        }
    }

    @Test
    void flags_parse_on_off_and_files_and_report_bad_proxies() throws Exception {
        List<String> problems = new java.util.ArrayList<>();
        assertThat(RateLimitSettings.fromFlags("on", List.of(), problems).policy()).isEqualTo(RateLimitPolicy.DEFAULTS);
        assertThat(RateLimitSettings.fromFlags("off", List.of(), problems).policy().enabled()).isFalse();
        Path file = Files.writeString(dir.resolve("limits.json"), "{\"register_per_ip\": {\"free\": 7}}");
        assertThat(RateLimitSettings.fromFlags(file.toString(), List.of(), problems).policy().registerPerIp().free()).isEqualTo(7);
        assertThat(problems).isEmpty();
        RateLimitSettings proxies = RateLimitSettings.fromFlags("on", List.of("10.0.0.0/8", " ::1 ", "proxy.example", "10.0.0.0/33"), problems);
        assertThat(proxies.problems()).containsExactly(
                "trusted proxy 'proxy.example' must be an IP address or CIDR such as 10.0.0.0/8",
                "trusted proxy '10.0.0.0/33' must be an IP address or CIDR such as 10.0.0.0/8");
        RateLimitSettings.fromFlags(dir.resolve("missing.json").toString(), List.of(), problems);
        assertThat(problems).singleElement().asString().startsWith("--rate-limits");
        TrustedProxies v6 = new TrustedProxies(List.of("2001:db8::/32"));
        assertThat(v6.clientIp("2001:db8::1", "2001:db9::5")).isEqualTo("2001:db9::5");
        assertThat(v6.clientIp("2001:db9::1", "192.0.2.1")).isEqualTo("2001:db9::1");
        assertThat(v6.clientIp("[2001:db8::1]", "192.0.2.1")).isEqualTo("192.0.2.1");
        // Host names are never resolved, so a forwarded name is just an untrusted client string.
        assertThat(new TrustedProxies(List.of("127.0.0.1")).clientIp("127.0.0.1", "localhost")).isEqualTo("localhost");
    }
}
