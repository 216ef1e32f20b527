package dev.gatehouse.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations as operators write them: {@code 200ms}, {@code 90s}, {@code 30m}, {@code 12h}, {@code 60d}, or ISO-8601 {@code PT30M}. */
public final class Durations {
    private static final Pattern SHORT = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

    private Durations() {}

    /** The duration, or null with a problem added naming {@code setting}. */
    public static Duration parse(String setting, String value, List<String> problems) {
        String v = value == null ? "" : value.trim();
        Matcher m = SHORT.matcher(v);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(v);
        } catch (DateTimeParseException e) {
            problems.add(setting + " must be a duration such as 200ms, 90s, 30m, 12h, 60d or PT30M, got '" + value + "'");
            return null;
        }
    }
}
