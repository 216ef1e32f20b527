package dev.gatehouse.reliability;

import static dev.gatehouse.testing.TestServer.APP;
import static dev.gatehouse.testing.TestServer.body;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.password.HashParameters;
import dev.gatehouse.ratelimit.LimitRule;
import dev.gatehouse.ratelimit.RateLimitPolicy;
import dev.gatehouse.ratelimit.RateLimitSettings;
import dev.gatehouse.ratelimit.TrustedProxies;
import dev.gatehouse.testing.TestServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Password guessing against the default limits (docs/rate-limits.md), over simulated hours: the
 * server's clock is moved by each {@code Retry-After} the attacker is told to wait, so a day of a
 * patient attacker takes seconds. Shows that the limits engage (guesses per day are bounded by what
 * the rules allow), that they lift (every wait that was asked for is enough: the next try is
 * answered), and that the owner is never locked out. Figures go to stdout.
 */
@Tag("reliability")
class BruteForceReliabilityTest {
    private static final String OWNER = "owner@example.com";
    private static final String PASSWORD = "the owner's password";
    private static final RateLimitPolicy DEFAULTS = RateLimitPolicy.DEFAULTS;
    private static final Duration GUESS = Duration.ofMillis(100);
    private static final int OWNER_EVERY = 100;

    @TempDir
    Path dir;
    private TestServer server;

    private void start() {
        // The defaults, behind a proxy on 127.0.0.1 whose X-Forwarded-For names the attacker's addresses.
        server = TestServer.start(dir, c -> c.withHashing(new HashParameters(1024, 1, 1))
                .withRateLimits(new RateLimitSettings(DEFAULTS, new TrustedProxies(List.of("127.0.0.1")))));
        server.registerConfirmed(OWNER, PASSWORD);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** The most failures a rule lets through in {@code span} of constant trying: the free ones, the doubling delays, then one per cap. */
    static long allowed(LimitRule rule, Duration span) {
        long guesses = rule.free();
        Duration delay = rule.baseDelay();
        Duration spent = Duration.ZERO;
        while (delay.compareTo(rule.maxDelay()) < 0 && spent.plus(delay).compareTo(span) <= 0) {
            spent = spent.plus(delay);
            guesses++;
            delay = delay.multipliedBy(2);
        }
        return guesses + 1 + span.minus(spent).dividedBy(rule.maxDelay());
    }

    @Test
    void one_ip_guessing_for_a_day_gets_a_bounded_number_of_tries_and_every_wait_lifts() {
        start();
        Duration day = Duration.ofDays(1);
        Attack attack = attack(day, i -> "203.0.113.7");
        long bound = allowed(DEFAULTS.loginPerIp(), day);
        System.out.printf("reliability [%s]: brute force from one IP for 24 h (waiting out every Retry-After): %d guesses "
                        + "answered, %d refused with 429, longest wait %d s; the rule allows at most %d%n",
                database(), attack.guesses, attack.refusals, attack.longestWait, bound);
        assertThat(attack.guesses).isGreaterThan(DEFAULTS.loginPerIp().free()).isLessThanOrEqualTo(bound);
        assertThat(attack.longestWait).isEqualTo(DEFAULTS.loginPerIp().maxDelay().toSeconds());

        // The owner, from their own address, is let in at the first try whatever the attacker's IP did,
        // once the account's own short delay (at most its cap, a minute) has passed.
        server.clock().advance(DEFAULTS.loginPerAccount().maxDelay());
        assertThat(login(OWNER, PASSWORD, "198.51.100.20").statusCode()).isEqualTo(200);
        // An hour of quiet and the attacker's IP starts over with its free allowance.
        server.clock().advance(DEFAULTS.loginPerIp().window());
        for (int i = 0; i < DEFAULTS.loginPerIp().free(); i++) {
            assertThat(login("someone" + i + "@example.com", "guess", "203.0.113.7").statusCode()).isEqualTo(401);
        }
    }

    @Test
    void guesses_from_a_new_ip_each_time_meet_the_per_account_rule_and_the_owner_waits_at_most_its_cap() {
        start();
        Duration hour = Duration.ofHours(1);
        int[] ownerWaits = {0};
        long[] ownerLongest = {0};
        Attack attack = attack(hour, i -> {
            // Every 100th request the owner logs in too, from home: they may wait, never longer than the cap.
            if (i % OWNER_EVERY == 0) {
                HttpResponse<String> owner = login(OWNER, PASSWORD, "198.51.100.20");
                if (owner.statusCode() == 429) {
                    long wait = retryAfter(owner);
                    ownerWaits[0]++;
                    ownerLongest[0] = Math.max(ownerLongest[0], wait);
                    server.clock().advance(Duration.ofSeconds(wait));
                    assertThat(login(OWNER, PASSWORD, "198.51.100.20").statusCode()).as("the owner after waiting").isEqualTo(200);
                } else {
                    assertThat(owner.statusCode()).isEqualTo(200);
                }
            }
            return "10." + (i / 65536 % 256) + "." + (i / 256 % 256) + "." + (i % 256);
        });
        long ownerLogins = attack.requests / OWNER_EVERY + 1;
        // Each of the owner's successful logins clears the account's count (docs/rate-limits.md), which
        // gives the attacker the free allowance again: more than one rule's worth in the hour.
        System.out.printf("reliability [%s]: stuffing from a new IP per guess for 1 h against one account: %d guesses "
                        + "answered, %d refused with 429, longest wait %d s; the owner logged in %d times meanwhile, "
                        + "waiting first %d times, at most %d s%n",
                database(), attack.guesses, attack.refusals, attack.longestWait, ownerLogins, ownerWaits[0],
                ownerLongest[0]);
        assertThat(attack.longestWait).isLessThanOrEqualTo(DEFAULTS.loginPerAccount().maxDelay().toSeconds());
        assertThat(attack.guesses).isLessThanOrEqualTo((ownerLogins + 1) * allowed(DEFAULTS.loginPerAccount(), hour));
        assertThat(ownerLongest[0]).isLessThanOrEqualTo(DEFAULTS.loginPerAccount().maxDelay().toSeconds());
        assertThat(attack.refusals).isPositive();
    }

    interface Addresses {
        String forRequest(int i);
    }

    record Attack(long guesses, long refusals, long longestWait, long requests) {}

    /**
     * Wrong passwords for the owner as fast as the server allows, for {@code span} of server time:
     * on a 429 the clock moves by its Retry-After, after which the next try must be answered (a wait
     * that was asked for always lifts); each answered guess moves it by {@link #GUESS} (about what a
     * guess costs the server: its hash).
     */
    private Attack attack(Duration span, Addresses addresses) {
        java.time.Instant end = server.clock().instant().plus(span);
        long guesses = 0;
        long refusals = 0;
        long longest = 0;
        int i = 0;
        boolean waited = false;
        while (server.clock().instant().isBefore(end)) {
            HttpResponse<String> response = login(OWNER, "guess-" + i, addresses.forRequest(i));
            i++;
            if (response.statusCode() == 429) {
                assertThat(waited).as("a try right after waiting out a Retry-After is answered").isFalse();
                long wait = retryAfter(response);
                longest = Math.max(longest, wait);
                refusals++;
                server.clock().advance(Duration.ofSeconds(wait));
                waited = true;
            } else {
                assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
                guesses++;
                waited = false;
                server.clock().advance(GUESS);
            }
        }
        return new Attack(guesses, refusals, longest, i);
    }

    private static long retryAfter(HttpResponse<String> response) {
        assertThat(response.body()).contains("\"error_code\":\"TooManyRequests\"");
        return Long.parseLong(response.headers().firstValue("Retry-After").orElseThrow());
    }

    private HttpResponse<String> login(String user, String password, String forwardedFor) {
        return server.send(HttpRequest.newBuilder(URI.create(server.userpass(APP) + "/login"))
                .header("Content-Type", "application/json").header("X-Forwarded-For", forwardedFor)
                .POST(HttpRequest.BodyPublishers.ofString(body("username", user, "password", password))));
    }

    private static String database() {
        return TestServer.onPostgres() ? "postgresql" : "sqlite";
    }
}
