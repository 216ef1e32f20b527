package dev.gatehouse.ratelimit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The limits of one app (or of the admin API), by rule name as written in {@code rate_limits.json}.
 * Per-IP rules do the heavy lifting; per-account rules only slow down stuffing spread over many
 * addresses, and their delay is kept short so that an attacker cannot keep the owner out for long.
 *
 * @param enabled false turns every rule off
 * @param loginPerIp failed logins from one client IP
 * @param loginPerAccount failed logins for one username, from anywhere; a successful login clears it
 * @param registerPerIp registrations from one client IP
 * @param emailPerIp confirm/send, confirm/call, reset/send and reset/call from one client IP
 * @param emailPerAccount the same for one email address, from anywhere
 * @param tokenPerIp confirm and reset requests with a bad token, from one client IP (token guessing)
 */
public record RateLimitPolicy(boolean enabled, LimitRule loginPerIp, LimitRule loginPerAccount, LimitRule registerPerIp,
                              LimitRule emailPerIp, LimitRule emailPerAccount, LimitRule tokenPerIp) {

    /** Generous enough for a shared office NAT and for test suites; see docs/rate-limits.md. */
    public static final RateLimitPolicy DEFAULTS = new RateLimitPolicy(true,
            rule(50, Duration.ofHours(1), Duration.ofSeconds(1), Duration.ofMinutes(15)),
            rule(10, Duration.ofHours(1), Duration.ofSeconds(1), Duration.ofMinutes(1)),
            rule(100, Duration.ofHours(1), Duration.ofSeconds(1), Duration.ofMinutes(15)),
            rule(50, Duration.ofHours(1), Duration.ofSeconds(1), Duration.ofMinutes(15)),
            rule(10, Duration.ofHours(1), Duration.ofSeconds(1), Duration.ofMinutes(1)),
            rule(30, Duration.ofHours(1), Duration.ofSeconds(1), Duration.ofMinutes(15)));

    public static final RateLimitPolicy OFF = DEFAULTS.withEnabled(false);

    private static LimitRule rule(int free, Duration window, Duration base, Duration max) {
        return new LimitRule(free, window, base, max);
    }

    public RateLimitPolicy withEnabled(boolean on) {
        return new RateLimitPolicy(on, loginPerIp, loginPerAccount, registerPerIp, emailPerIp, emailPerAccount, tokenPerIp);
    }

    /** The rules by their file names, in file order. */
    public Map<String, LimitRule> rules() {
        Map<String, LimitRule> rules = new LinkedHashMap<>();
        rules.put("login_per_ip", loginPerIp);
        rules.put("login_per_account", loginPerAccount);
        rules.put("register_per_ip", registerPerIp);
        rules.put("email_per_ip", emailPerIp);
        rules.put("email_per_account", emailPerAccount);
        rules.put("token_per_ip", tokenPerIp);
        return rules;
    }

    static RateLimitPolicy of(boolean enabled, Map<String, LimitRule> rules) {
        return new RateLimitPolicy(enabled, rules.get("login_per_ip"), rules.get("login_per_account"),
                rules.get("register_per_ip"), rules.get("email_per_ip"), rules.get("email_per_account"),
                rules.get("token_per_ip"));
    }

    /** This policy with the overrides applied: an overridden field replaces this policy's. */
    public RateLimitPolicy with(RateLimitOverrides overrides) {
        if (overrides.isEmpty()) {
            return this;
        }
        Map<String, LimitRule> rules = rules();
        overrides.rules().forEach((name, override) -> rules.computeIfPresent(name, (n, rule) -> override.applyTo(rule)));
        return of(overrides.enabled() == null ? enabled : enabled && overrides.enabled(), rules);
    }

    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        rules().forEach((name, rule) -> problems.addAll(rule.problems("rate limit " + name)));
        return problems;
    }
}
