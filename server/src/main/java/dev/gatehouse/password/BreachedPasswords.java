package dev.gatehouse.password;

import dev.gatehouse.http.ApiException;
import dev.gatehouse.http.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses new passwords that appear in known breaches (register, reset, operator-created users).
 * Two sources, either or both: a range API in HaveIBeenPwned's shape, asked with k-anonymity (only
 * the first 5 hex digits of the password's SHA-1 leave the server, and the answer is padded), and an
 * offline list of SHA-1 hashes held in memory as the first 64 bits of each, sorted. Neither the
 * password nor its full hash is ever sent or logged. Thread-safe.
 */
public final class BreachedPasswords {
    static final String BREACHED = "password has appeared in a data breach; choose another";
    static final String UNAVAILABLE = "password cannot be checked against known breaches right now; try again later";
    private static final Logger LOG = LoggerFactory.getLogger(BreachedPasswords.class);
    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private final String rangeUrl;
    private final Duration timeout;
    private final boolean failClosed;
    private final HttpClient http;
    /** First 8 bytes of each listed SHA-1, sorted; a 64-bit prefix makes false alarms vanishingly rare. */
    private final long[] offline;
    /** Checks by outcome: an operator must see a fail-open API accepting unchecked passwords. */
    private final Counter clean;
    private final Counter breached;
    private final Counter unavailable;

    private BreachedPasswords(BreachedPasswordSettings settings, long[] offline, MeterRegistry meters) {
        this.rangeUrl = settings.apiBase() == null ? null : settings.apiBase().replaceAll("/+$", "") + "/range/";
        this.timeout = settings.timeout();
        this.failClosed = settings.failClosed();
        this.http = rangeUrl == null ? null : HttpClient.newBuilder().connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        this.offline = offline;
        this.clean = counter(meters, "clean");
        this.breached = counter(meters, "breached");
        this.unavailable = counter(meters, failClosed ? "unavailable_refused" : "unavailable_accepted");
    }

    private static Counter counter(MeterRegistry meters, String outcome) {
        return Counter.builder("gatehouse.password.breach.checks")
                .description("New passwords checked against known breaches, by outcome (unavailable: the range API "
                        + "could not answer, and the password was accepted or refused as configured)")
                .tag("outcome", outcome)
                .register(meters);
    }

    /** No check at all, the default. */
    public static BreachedPasswords off() {
        return new BreachedPasswords(BreachedPasswordSettings.off(), new long[0], new CompositeMeterRegistry());
    }

    /** The check these settings describe, counting nothing (the CLI). */
    public static BreachedPasswords open(BreachedPasswordSettings settings) throws IOException {
        return open(settings, new CompositeMeterRegistry());
    }

    /**
     * The check these settings describe, its outcomes counted in {@code meters}; reads the offline
     * list now, so a bad file stops start-up.
     */
    public static BreachedPasswords open(BreachedPasswordSettings settings, MeterRegistry meters) throws IOException {
        return new BreachedPasswords(settings, settings.file() == null ? new long[0] : load(settings.file()), meters);
    }

    /**
     * Returns quietly for a password not known to be breached; else 400 {@code BadRequest}. When the
     * API cannot answer, fail-open accepts and fail-closed answers 503 {@code ServiceUnavailable}.
     */
    public void require(String password) {
        if (rangeUrl == null && offline.length == 0) {
            return;
        }
        byte[] sha1 = sha1(password);
        if (offline.length > 0 && Arrays.binarySearch(offline, prefix64(sha1)) >= 0) {
            breached.increment();
            throw ApiException.badRequest(BREACHED);
        }
        if (rangeUrl != null) {
            Boolean found = askRange(HEX.formatHex(sha1));
            if (Boolean.TRUE.equals(found)) {
                breached.increment();
                throw ApiException.badRequest(BREACHED);
            }
            if (found == null) {
                unavailable.increment();
                if (failClosed) {
                    throw new ApiException(ErrorCode.ServiceUnavailable, UNAVAILABLE);
                }
                return;
            }
        }
        clean.increment();
    }

    /** Whether the API lists this SHA-1 (uppercase hex), or null when it could not be asked. */
    private Boolean askRange(String sha1Hex) {
        String prefix = sha1Hex.substring(0, 5);
        String suffix = sha1Hex.substring(5);
        HttpRequest request = HttpRequest.newBuilder(URI.create(rangeUrl + prefix))
                .timeout(timeout)
                .header("User-Agent", "gatehouse")
                // Every answer then has hundreds of entries, so its size does not hint at the prefix.
                .header("Add-Padding", "true")
                .GET()
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (response.statusCode() != 200) {
                LOG.warn("breached password API answered HTTP {}", response.statusCode());
                return null;
            }
            return response.body().lines().anyMatch(line -> listed(line, suffix));
        } catch (IOException e) {
            LOG.warn("breached password API cannot be reached: {}", e.toString());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** A {@code SUFFIX:COUNT} line for this suffix; padding lines have a count of 0 and do not count. */
    private static boolean listed(String line, String suffix) {
        int colon = line.indexOf(':');
        if (colon != suffix.length() || !line.regionMatches(true, 0, suffix, 0, colon)) {
            return false;
        }
        try {
            return Long.parseLong(line.substring(colon + 1).trim()) > 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Reads {@code HEX} or {@code HEX:COUNT} lines (HaveIBeenPwned's downloadable SHA-1 file). */
    static long[] load(Path file) throws IOException {
        long[] prefixes = new long[1024];
        int count = 0;
        int lineNumber = 0;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
            String line;
            while ((line = reader.readLine()) != null) {
                lineNumber++;
                line = line.strip();
                if (line.isEmpty()) {
                    continue;
                }
                int colon = line.indexOf(':');
                String hex = colon < 0 ? line : line.substring(0, colon);
                if (hex.length() != 40 || !hex.chars().allMatch(HexFormat::isHexDigit)) {
                    throw new IOException(file + " line " + lineNumber + ": expected 40 hex digits of SHA-1");
                }
                if (count == prefixes.length) {
                    prefixes = Arrays.copyOf(prefixes, count * 2);
                }
                prefixes[count++] = Long.parseUnsignedLong(hex.substring(0, 16), 16);
            }
        }
        long[] sorted = Arrays.copyOf(prefixes, count);
        Arrays.sort(sorted);
        return sorted;
    }

    private static long prefix64(byte[] sha1) {
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = (value << 8) | (sha1[i] & 0xff);
        }
        return value;
    }

    private static byte[] sha1(String password) {
        try {
            // SHA-1 because that is what the lists are keyed by; it protects nothing here.
            return MessageDigest.getInstance("SHA-1").digest(password.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether a service refused a new password because this check listed it (pages word it their own way). */
    public static boolean isBreachRefusal(ApiException e) {
        return e.code() == ErrorCode.BadRequest && BREACHED.equals(e.getMessage());
    }

    /** What is checked, for the start-up log: the API's URL (not secret: a public range endpoint) and the list's size. */
    public String describe() {
        if (rangeUrl == null && offline.length == 0) {
            return "off";
        }
        List<String> sources = new ArrayList<>();
        if (rangeUrl != null) {
            sources.add("range API " + rangeUrl + " (fail-" + (failClosed ? "closed" : "open") + ", timeout "
                    + timeout.toMillis() + " ms)");
        }
        if (offline.length > 0) {
            sources.add("offline list of " + offline.length + " hashes");
        }
        return String.join(" and ", sources);
    }
}
