package dev.gatehouse.password;

import dev.gatehouse.config.Urls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The optional check of new passwords against known breaches: a range API in HaveIBeenPwned's shape,
 * an offline list of SHA-1 hashes, both, or (the default) neither.
 *
 * @param apiBase the API's base URL ({@code <base>/range/<5 hex>}), or null for none
 * @param timeout how long one range query may take, connecting included
 * @param failClosed refuse new passwords while the API cannot be asked (else accept them)
 * @param file a list of SHA-1 hashes ({@code HEX} or {@code HEX:COUNT} lines), or null for none
 */
public record BreachedPasswordSettings(String apiBase, Duration timeout, boolean failClosed, Path file) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

    public static BreachedPasswordSettings off() {
        return new BreachedPasswordSettings(null, DEFAULT_TIMEOUT, false, null);
    }

    public boolean enabled() {
        return apiBase != null || file != null;
    }

    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (apiBase != null && !Urls.isHttpUrl(apiBase)) {
            problems.add("breached password API must be an absolute http(s) URL, got '" + apiBase + "'");
        }
        if (timeout == null || timeout.compareTo(Duration.ofMillis(100)) < 0 || timeout.compareTo(Duration.ofMinutes(1)) > 0) {
            problems.add("breached password timeout must be between 100ms and 1 minute, got " + timeout);
        }
        if (file != null && !Files.isReadable(file)) {
            problems.add("breached password file " + file + " cannot be read");
        }
        return problems;
    }
}
