package dev.gatehouse.ratelimit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.config.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Changes to a {@link RateLimitPolicy}, as read from a {@code rate_limits.json} file (the server's
 * {@code --rate-limits} file, or an app export's {@code gatehouse/rate_limits.json}). Fields left
 * out keep the server's value, so an app names only what it changes.
 *
 * @param enabled false turns the limits off (an app cannot turn on what the server turned off); null keeps them
 * @param rules changed fields by rule name
 */
public record RateLimitOverrides(Boolean enabled, Map<String, RuleOverride> rules) {
    public static final RateLimitOverrides NONE = new RateLimitOverrides(null, Map.of());
    private static final Set<String> RULE_FIELDS = Set.of("free", "window", "base_delay", "max_delay");

    public RateLimitOverrides {
        rules = Map.copyOf(rules);
    }

    public boolean isEmpty() {
        return enabled == null && rules.isEmpty();
    }

    /** One rule's changed fields; null keeps the field. */
    public record RuleOverride(Integer free, Duration window, Duration baseDelay, Duration maxDelay) {
        LimitRule applyTo(LimitRule rule) {
            return new LimitRule(free != null ? free : rule.free(), window != null ? window : rule.window(),
                    baseDelay != null ? baseDelay : rule.baseDelay(), maxDelay != null ? maxDelay : rule.maxDelay());
        }
    }

    /**
     * Parses the file's JSON; every mistake is added to {@code problems} (prefixed with {@code where})
     * and the result is then of no use. The overrides must also give valid rules when applied to the
     * defaults, so that an app's file is checked at start-up rather than on a request.
     */
    public static RateLimitOverrides parse(JsonNode root, String where, List<String> problems) {
        int before = problems.size();
        if (root == null || !root.isObject()) {
            problems.add(where + "must be a JSON object");
            return NONE;
        }
        Boolean enabled = null;
        Map<String, RuleOverride> rules = new LinkedHashMap<>();
        Set<String> known = RateLimitPolicy.DEFAULTS.rules().keySet();
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            String name = field.getKey();
            JsonNode value = field.getValue();
            if (name.equals("enabled")) {
                if (!value.isBoolean()) {
                    problems.add(where + "enabled must be true or false");
                } else {
                    enabled = value.asBoolean();
                }
            } else if (!known.contains(name)) {
                problems.add(where + "unknown rule '" + name + "' (known: enabled, " + String.join(", ", known) + ")");
            } else if (!value.isObject()) {
                problems.add(where + name + " must be an object with free, window, base_delay and/or max_delay");
            } else {
                rules.put(name, parseRule(value, where + name + ".", problems));
            }
        }
        RateLimitOverrides overrides = new RateLimitOverrides(enabled, rules);
        if (problems.size() == before) {
            RateLimitPolicy.DEFAULTS.with(overrides).problems().forEach(p -> problems.add(where + p));
        }
        return overrides;
    }

    private static RuleOverride parseRule(JsonNode node, String where, List<String> problems) {
        List<String> unknown = new ArrayList<>();
        node.properties().forEach(f -> {
            if (!RULE_FIELDS.contains(f.getKey())) {
                unknown.add(f.getKey());
            }
        });
        unknown.forEach(f -> problems.add(where + f + " is not a rule field (free, window, base_delay, max_delay)"));
        Integer free = null;
        if (node.has("free")) {
            if (!node.get("free").canConvertToInt() || !node.get("free").isIntegralNumber()) {
                problems.add(where + "free must be a whole number");
            } else {
                free = node.get("free").asInt();
            }
        }
        return new RuleOverride(free, duration(node, "window", where, problems),
                duration(node, "base_delay", where, problems), duration(node, "max_delay", where, problems));
    }

    private static Duration duration(JsonNode node, String field, String where, List<String> problems) {
        if (!node.has(field)) {
            return null;
        }
        if (!node.get(field).isTextual()) {
            problems.add(where + field + " must be a duration string such as \"90s\" or \"15m\"");
            return null;
        }
        return Durations.parse(where + field, node.get(field).asText(), problems);
    }
}
