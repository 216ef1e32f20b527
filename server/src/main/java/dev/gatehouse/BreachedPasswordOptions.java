package dev.gatehouse;

import dev.gatehouse.config.Durations;
import dev.gatehouse.password.BreachedPasswordSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/** The flags of the breached-password check, shared by {@code serve} and {@code users create}. */
final class BreachedPasswordOptions {
    @Option(names = "--breached-password-api", defaultValue = "${env:GATEHOUSE_BREACHED_PASSWORD_API}",
            description = "Base URL of a HaveIBeenPwned-style range API (e.g. https://api.pwnedpasswords.com); "
                    + "only 5 hex digits of each new password's SHA-1 are sent; unset: not asked "
                    + "(env GATEHOUSE_BREACHED_PASSWORD_API).")
    String api;

    @Option(names = "--breached-password-timeout", defaultValue = "${env:GATEHOUSE_BREACHED_PASSWORD_TIMEOUT:-2s}",
            description = "Time limit of one range query (env GATEHOUSE_BREACHED_PASSWORD_TIMEOUT, default ${DEFAULT-VALUE}).")
    String timeout;

    @Option(names = "--breached-password-fail", defaultValue = "${env:GATEHOUSE_BREACHED_PASSWORD_FAIL:-open}",
            description = "When the API cannot answer: open accepts the password, closed refuses it with 503 "
                    + "(env GATEHOUSE_BREACHED_PASSWORD_FAIL, default ${DEFAULT-VALUE}).")
    String fail;

    @Option(names = "--breached-password-file", defaultValue = "${env:GATEHOUSE_BREACHED_PASSWORD_FILE}",
            description = "Offline list of breached passwords' SHA-1, one HEX or HEX:COUNT per line, held in memory "
                    + "(8 bytes a line) (env GATEHOUSE_BREACHED_PASSWORD_FILE).")
    Path file;

    /** The settings, or null with the problems added. */
    BreachedPasswordSettings settings(List<String> problems) {
        Duration limit = Durations.parse("breached password timeout", timeout, problems);
        boolean failClosed = switch (fail == null ? "open" : fail.toLowerCase(Locale.ROOT)) {
            case "open" -> false;
            case "closed" -> true;
            default -> {
                problems.add("breached password fail mode must be open or closed, got '" + fail + "'");
                yield false;
            }
        };
        if (limit == null) {
            return null;
        }
        BreachedPasswordSettings settings = new BreachedPasswordSettings(api == null || api.isBlank() ? null : api.trim(),
                limit, failClosed, file == null || file.toString().isBlank() ? null : file);
        problems.addAll(settings.problems());
        return settings;
    }
}
