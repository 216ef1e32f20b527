package dev.gatehouse.ratelimit;

import dev.gatehouse.config.AppConfig;
import dev.gatehouse.db.Database;
import dev.gatehouse.http.ApiException;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The one place that decides whether a request must wait. Routes name their group, the app and the
 * account (email or username) when there is one; this class picks the rules, the client IP, the
 * keys, and answers 429 {@code TooManyRequests} with {@code Retry-After} while a key waits.
 *
 * <p>Delays grow with each event past a rule's free allowance and lift on their own: nothing is ever
 * locked for good, so an attacker cannot lock an owner out of their account (see docs/rate-limits.md).
 * A request refused with 429 is not counted, so waiting out the delay always works. Cost: one
 * small query per request, plus one transaction when an event is counted; the attempts still
 * running are counted in memory. Thread-safe.
 */
public final class RateLimiter {
    /** The route groups, each with its own keys; the name tags the {@code gatehouse.rate_limited} metric. */
    public enum Group {
        /** Client login: failures per IP and per account. */
        LOGIN("login"),
        /** Admin API login (users and API keys): failures per IP and per account, under the server's policy. */
        ADMIN_LOGIN("admin_login"),
        /** Registration: every attempt per IP and per email. */
        REGISTER("register"),
        /** confirm/send, confirm/call, reset/send, reset/call: every attempt per IP and per email. */
        EMAIL("email"),
        /** confirm and reset with a token (API and hosted pages): failures per IP. */
        TOKEN("token");

        private final String tag;

        Group(String tag) {
            this.tag = tag;
        }
    }

    private static final String MESSAGE = "too many requests; try again later";

    private final RateLimitStore store;
    private final RateLimitSettings settings;
    private final Clock clock;
    private final Map<Group, Counter> limited = new EnumMap<>(Group.class);
    private final Map<RateLimitOverrides, RateLimitPolicy> policies = new ConcurrentHashMap<>();
    /** Per key, the guarded attempts running on this node now (guardFailures); no entry at zero. */
    private final ConcurrentHashMap<String, Integer> running = new ConcurrentHashMap<>();

    public RateLimiter(Database database, RateLimitSettings settings, Clock clock, MeterRegistry registry) {
        this.store = new RateLimitStore(database);
        this.settings = settings;
        this.clock = clock;
        for (Group group : Group.values()) {
            limited.put(group, Counter.builder("gatehouse.rate_limited")
                    .description("Requests refused with 429 because their client IP or account must wait")
                    .tag("group", group.tag)
                    .register(registry));
        }
    }

    /** The policy of {@code app} (null: the admin API's, the server's own). */
    public RateLimitPolicy policy(AppConfig app) {
        if (app == null) {
            return settings.policy();
        }
        return policies.computeIfAbsent(app.rateLimits(), o -> settings.policy().with(o));
    }

    /** The client IP of the request: the socket peer, or what a trusted proxy forwarded. */
    public String clientIp(Context ctx) {
        return settings.proxies().clientIp(ctx.req().getRemoteAddr(), ctx.header("X-Forwarded-For"));
    }

    /**
     * Runs an attempt whose failures count (login, token use): refused with 429 while a key waits;
     * an {@link ApiException} from {@code attempt} counts one failure for each key; success clears
     * the account's failures (the owner got in, so earlier failures were theirs or are moot).
     *
     * <p>A failure is only known after the attempt (a login's Argon2id hash, and its wait for a hash
     * permit), so every request that arrived before the first ones had failed passed the check and
     * ran, however long it queued. So this node also counts the attempts of each key that
     * are still running, and lets through only as many as the key has left before its first wait
     * (one at a time once past it); the rest get 429 for the rule's base delay. A burst therefore
     * gets what the same requests one after another would, per node.
     */
    public <T> T guardFailures(Context ctx, AppConfig app, Group group, String account, Supplier<T> attempt) {
        List<Keyed> keys = keys(ctx, app, group, account);
        if (keys.isEmpty()) {
            return attempt.get();
        }
        // Entered before the rows are read: an attempt that finished meanwhile counted its failure
        // before it left, so the read sees it. (Read first, a request could see no failures, wait for a
        // CPU while the attempts ahead failed and left, then enter as if none had run.)
        Map<String, Integer> entered = enter(keys);
        Map<String, RateLimitStore.Row> rows;
        try {
            rows = check(group, keys);
            admit(group, keys, rows, entered);
        } catch (RuntimeException e) {
            leave(entered);
            throw e;
        }
        T result;
        try {
            result = attempt.get();
        } catch (ApiException e) {
            store.hit(counted(keys), clock.instant());
            throw e;
        } finally {
            leave(entered);
        }
        // Only an account with failures has a row to clear: in the common case success costs no write.
        List<String> accountKeys = keys.stream().filter(Keyed::account).map(k -> k.counted().key())
                .filter(rows::containsKey).toList();
        if (!accountKeys.isEmpty()) {
            store.clear(accountKeys);
        }
        return result;
    }

    /**
     * Counts this request among the running attempts of each key; returns, per key, how many were
     * running with it at that moment (its place in line), and is what {@link #leave} takes.
     */
    private Map<String, Integer> enter(List<Keyed> keys) {
        Map<String, Integer> places = new HashMap<>();
        for (Keyed keyed : keys) {
            places.put(keyed.counted().key(), running.merge(keyed.counted().key(), 1, Integer::sum));
        }
        return places;
    }

    private void leave(Map<String, Integer> entered) {
        entered.keySet().forEach(key -> running.computeIfPresent(key, (k, n) -> n > 1 ? n - 1 : null));
    }

    /**
     * Refuses with 429 (for the rule's base delay) where this request's place among a key's running
     * attempts is past what the key has left before its first wait, or past the first once beyond
     * it. An attempt that failed and has not yet left counts twice here, in its row and as running:
     * that errs towards refusing, for the moment between its write and its leaving.
     */
    private void admit(Group group, List<Keyed> keys, Map<String, RateLimitStore.Row> rows, Map<String, Integer> places) {
        Instant now = clock.instant();
        for (Keyed keyed : keys) {
            RateLimitStore.Row row = rows.get(keyed.counted().key());
            LimitRule rule = keyed.counted().rule();
            long left = Math.max(1, rule.free() - (row == null ? 0 : row.hitsAt(now)));
            if (places.get(keyed.counted().key()) > left) {
                limited.get(group).increment();
                throw ApiException.tooManyRequests(MESSAGE, rule.baseDelay());
            }
        }
    }

    /** The same for an attempt with no result. */
    public void guardFailuresRun(Context ctx, AppConfig app, Group group, String account, Runnable attempt) {
        guardFailures(ctx, app, group, account, () -> {
            attempt.run();
            return null;
        });
    }

    /** Refuses with 429 while a key of this request waits (for routes that count failures themselves). */
    public void check(Context ctx, AppConfig app, Group group, String account) {
        check(group, keys(ctx, app, group, account));
    }

    /** Counts one failure for this request's keys (for routes that tell failure themselves). */
    public void failed(Context ctx, AppConfig app, Group group, String account) {
        List<Keyed> keys = keys(ctx, app, group, account);
        if (!keys.isEmpty()) {
            store.hit(counted(keys), clock.instant());
        }
    }

    /** Counts one attempt whatever its outcome (register, sending mail): 429 while a key waits. */
    public void attempt(Context ctx, AppConfig app, Group group, String account) {
        List<Keyed> keys = keys(ctx, app, group, account);
        if (keys.isEmpty()) {
            return;
        }
        check(group, keys);  // a waiting key is refused without a write
        // The count and its check again, as one step: requests checked above together all passed.
        Instant now = clock.instant();
        Optional<Instant> waiting = store.reserve(counted(keys), now);
        if (waiting.isPresent()) {
            limited.get(group).increment();
            throw ApiException.tooManyRequests(MESSAGE, Duration.between(now, waiting.get()));
        }
    }

    private static List<RateLimitStore.Counted> counted(List<Keyed> keys) {
        return keys.stream().map(Keyed::counted).toList();
    }

    /** Throws 429 while a key waits; returns the keys' rows otherwise. One read. */
    private Map<String, RateLimitStore.Row> check(Group group, List<Keyed> keys) {
        if (keys.isEmpty()) {
            return Map.of();
        }
        Instant now = clock.instant();
        Map<String, RateLimitStore.Row> rows = store.rows(keys.stream().map(k -> k.counted().key()).toList());
        Instant until = rows.values().stream().map(RateLimitStore.Row::blockedUntil).max(Instant::compareTo).orElse(now);
        if (until.isAfter(now)) {
            limited.get(group).increment();
            throw ApiException.tooManyRequests(MESSAGE, Duration.between(now, until));
        }
        return rows;
    }

    private List<Keyed> keys(Context ctx, AppConfig app, Group group, String account) {
        RateLimitPolicy policy = policy(app);
        if (!policy.enabled()) {
            return List.of();
        }
        String scope = group.tag + "|" + (app == null ? "" : app.clientAppId()) + "|";
        List<Keyed> keys = new ArrayList<>(2);
        LimitRule perIp = switch (group) {
            case LOGIN, ADMIN_LOGIN -> policy.loginPerIp();
            case REGISTER -> policy.registerPerIp();
            case EMAIL -> policy.emailPerIp();
            case TOKEN -> policy.tokenPerIp();
        };
        keys.add(new Keyed(new RateLimitStore.Counted(digest(scope + "ip|" + clientIp(ctx)), perIp), false));
        LimitRule perAccount = switch (group) {
            case LOGIN, ADMIN_LOGIN -> policy.loginPerAccount();
            case REGISTER, EMAIL -> policy.emailPerAccount();
            case TOKEN -> null;
        };
        if (perAccount != null && account != null && !account.isBlank()) {
            // Case and spaces folded, so that an attacker gains nothing by varying them.
            String normalized = account.strip().toLowerCase(Locale.ROOT);
            keys.add(new Keyed(new RateLimitStore.Counted(digest(scope + "account|" + normalized), perAccount), true));
        }
        return keys;
    }

    /** Keys are digests, so that the table holds no email address or IP in clear. */
    private static String digest(String key) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Keyed(RateLimitStore.Counted counted, boolean account) {}
}
