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
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 * small query per request, plus one transaction when an event is counted. Thread-safe.
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
     */
    public <T> T guardFailures(Context ctx, AppConfig app, Group group, String account, Supplier<T> attempt) {
        List<Keyed> keys = keys(ctx, app, group, account);
        if (keys.isEmpty()) {
            return attempt.get();
        }
        Map<String, Instant> rows = check(group, keys);
        T result;
        try {
            result = attempt.get();
        } catch (ApiException e) {
            store.hit(keys.stream().map(Keyed::counted).toList(), clock.instant());
            throw e;
        }
        // Only an account with failures has a row to clear: in the common case success costs no write.
        List<String> accountKeys = keys.stream().filter(Keyed::account).map(k -> k.counted().key())
                .filter(rows::containsKey).toList();
        if (!accountKeys.isEmpty()) {
            store.clear(accountKeys);
        }
        return result;
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
            store.hit(keys.stream().map(Keyed::counted).toList(), clock.instant());
        }
    }

    /** Counts one attempt whatever its outcome (register, sending mail): 429 while a key waits. */
    public void attempt(Context ctx, AppConfig app, Group group, String account) {
        List<Keyed> keys = keys(ctx, app, group, account);
        if (keys.isEmpty()) {
            return;
        }
        check(group, keys);
        store.hit(keys.stream().map(Keyed::counted).toList(), clock.instant());
    }

    /** Throws 429 while a key waits; returns the keys' rows (their wait ends) otherwise. */
    private Map<String, Instant> check(Group group, List<Keyed> keys) {
        if (keys.isEmpty()) {
            return Map.of();
        }
        Instant now = clock.instant();
        Map<String, Instant> rows = store.waits(keys.stream().map(k -> k.counted().key()).toList());
        Instant until = rows.values().stream().max(Instant::compareTo).orElse(now);
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
