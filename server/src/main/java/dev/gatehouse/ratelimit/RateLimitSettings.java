package dev.gatehouse.ratelimit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Server-wide rate limiting: the policy every app starts from (apps may change it in their export)
 * and the proxies whose {@code X-Forwarded-For} is believed.
 */
public record RateLimitSettings(RateLimitPolicy policy, TrustedProxies proxies) {
    public static RateLimitSettings defaults() {
        return new RateLimitSettings(RateLimitPolicy.DEFAULTS, TrustedProxies.NONE);
    }

    /**
     * The settings from the {@code --rate-limits} flag ({@code on}, {@code off}, or the path of a
     * {@code rate_limits.json} changing the defaults) and {@code --trusted-proxies}; problems are added.
     */
    public static RateLimitSettings fromFlags(String mode, List<String> trustedProxies, List<String> problems) {
        TrustedProxies proxies = new TrustedProxies(trustedProxies == null ? List.of() : trustedProxies);
        String value = mode == null ? "on" : mode.trim();
        if (value.isEmpty() || value.equals("on")) {
            return new RateLimitSettings(RateLimitPolicy.DEFAULTS, proxies);
        }
        if (value.equals("off")) {
            return new RateLimitSettings(RateLimitPolicy.OFF, proxies);
        }
        String where = "--rate-limits " + value + ": ";
        JsonNode json;
        try {
            json = new ObjectMapper().readTree(Files.readString(Path.of(value)));
        } catch (IOException | RuntimeException e) {
            problems.add(where + "must be on, off, or a readable JSON file (" + e.getMessage() + ")");
            return defaults();
        }
        return new RateLimitSettings(RateLimitPolicy.DEFAULTS.with(RateLimitOverrides.parse(json, where, problems)), proxies);
    }

    public RateLimitSettings withPolicy(RateLimitPolicy newPolicy) {
        return new RateLimitSettings(newPolicy, proxies);
    }

    public RateLimitSettings withProxies(TrustedProxies newProxies) {
        return new RateLimitSettings(policy, newProxies);
    }

    public List<String> problems() {
        List<String> problems = new ArrayList<>(policy.problems());
        problems.addAll(proxies.problems());
        return problems;
    }
}
