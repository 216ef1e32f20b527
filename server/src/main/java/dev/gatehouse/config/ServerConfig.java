package dev.gatehouse.config;

import dev.gatehouse.db.DatabaseSettings;
import dev.gatehouse.mail.MailSettings;
import dev.gatehouse.password.BreachedPasswordSettings;
import dev.gatehouse.password.HashParameters;
import dev.gatehouse.ratelimit.RateLimitSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Server-wide settings, immutable, validated once at start-up. Each has a flag and an environment
 * variable (see {@code dev.gatehouse.Main} and docs/configuration.md).
 *
 * @param host interface to bind
 * @param port TCP port; 0 picks a free one
 * @param publicUrl externally reachable origin, or null for {@code http://localhost:<port>}
 * @param dataDir where the embedded database lives
 * @param appDirs App Services export directories; empty starts the default app
 * @param accessTokenTtl access token lifetime (App Services: 30 minutes)
 * @param refreshTokenTtl refresh token lifetime (App Services default: 60 days)
 * @param userTokenTtl confirmation and reset token lifetime (App Services: 30 minutes)
 * @param hashing Argon2id parameters for new password hashes
 * @param maxRequestBytes largest request body accepted
 * @param devMailboxRemote serve the dev mailbox to non-loopback clients too
 * @param metricsRemote serve {@code /metrics} to non-loopback clients too
 * @param mail email delivery: SMTP (or the dev mailbox), retries, quota
 * @param functions limits and permissions of confirmation and reset functions
 * @param database the embedded SQLite file, or a PostgreSQL shared by several nodes
 * @param signingKeyRefresh how often a node reloads the signing keys, so that a rotation made
 *     anywhere is used everywhere within this time
 * @param rateLimits progressive delays per client IP and account, and the trusted proxies (docs/rate-limits.md)
 * @param breachedPasswords the optional check of new passwords against known breaches
 */
public record ServerConfig(
        String host,
        int port,
        String publicUrl,
        Path dataDir,
        List<Path> appDirs,
        Duration accessTokenTtl,
        Duration refreshTokenTtl,
        Duration userTokenTtl,
        HashParameters hashing,
        long maxRequestBytes,
        boolean devMailboxRemote,
        boolean metricsRemote,
        MailSettings mail,
        FunctionSettings functions,
        DatabaseSettings database,
        Duration signingKeyRefresh,
        RateLimitSettings rateLimits,
        BreachedPasswordSettings breachedPasswords) {

    public ServerConfig {
        Objects.requireNonNull(host);
        Objects.requireNonNull(dataDir);
        appDirs = List.copyOf(appDirs);
        Objects.requireNonNull(accessTokenTtl);
        Objects.requireNonNull(refreshTokenTtl);
        Objects.requireNonNull(userTokenTtl);
        Objects.requireNonNull(hashing);
        Objects.requireNonNull(mail);
        Objects.requireNonNull(functions);
        Objects.requireNonNull(database);
        Objects.requireNonNull(signingKeyRefresh);
        Objects.requireNonNull(rateLimits);
        Objects.requireNonNull(breachedPasswords);
    }

    /** The settings without a breached-password check (which {@link #withBreachedPasswords} adds). */
    public ServerConfig(String host, int port, String publicUrl, Path dataDir, List<Path> appDirs, Duration accessTokenTtl,
                        Duration refreshTokenTtl, Duration userTokenTtl, HashParameters hashing, long maxRequestBytes,
                        boolean devMailboxRemote, boolean metricsRemote, MailSettings mail, FunctionSettings functions,
                        DatabaseSettings database, Duration signingKeyRefresh, RateLimitSettings rateLimits) {
        this(host, port, publicUrl, dataDir, appDirs, accessTokenTtl, refreshTokenTtl, userTokenTtl, hashing, maxRequestBytes,
                devMailboxRemote, metricsRemote, mail, functions, database, signingKeyRefresh, rateLimits,
                BreachedPasswordSettings.off());
    }

    /** The defaults, with the data directory given. */
    public static ServerConfig defaults(Path dataDir) {
        return new ServerConfig("127.0.0.1", 8080, null, dataDir, List.of(),
                Duration.ofMinutes(30), Duration.ofDays(60), Duration.ofMinutes(30),
                HashParameters.OWASP, 64 * 1024, false, false, MailSettings.devMailbox(),
                FunctionSettings.defaults(), DatabaseSettings.embedded(), Duration.ofSeconds(30),
                RateLimitSettings.defaults());
    }

    public ServerConfig withPort(int newPort) {
        return new ServerConfig(host, newPort, publicUrl, dataDir, appDirs, accessTokenTtl, refreshTokenTtl,
                userTokenTtl, hashing, maxRequestBytes, devMailboxRemote, metricsRemote, mail, functions, database, signingKeyRefresh, rateLimits, breachedPasswords);
    }

    public ServerConfig withAppDirs(List<Path> dirs) {
        return new ServerConfig(host, port, publicUrl, dataDir, dirs, accessTokenTtl, refreshTokenTtl,
                userTokenTtl, hashing, maxRequestBytes, devMailboxRemote, metricsRemote, mail, functions, database, signingKeyRefresh, rateLimits, breachedPasswords);
    }

    public ServerConfig withHashing(HashParameters newHashing) {
        return new ServerConfig(host, port, publicUrl, dataDir, appDirs, accessTokenTtl, refreshTokenTtl,
                userTokenTtl, newHashing, maxRequestBytes, devMailboxRemote, metricsRemote, mail, functions, database, signingKeyRefresh, rateLimits, breachedPasswords);
    }

    public ServerConfig withMail(MailSettings newMail) {
        return new ServerConfig(host, port, publicUrl, dataDir, appDirs, accessTokenTtl, refreshTokenTtl,
                userTokenTtl, hashing, maxRequestBytes, devMailboxRemote, metricsRemote, newMail, functions, database, signingKeyRefresh, rateLimits, breachedPasswords);
    }

    public ServerConfig withFunctions(FunctionSettings newFunctions) {
        return new ServerConfig(host, port, publicUrl, dataDir, appDirs, accessTokenTtl, refreshTokenTtl,
                userTokenTtl, hashing, maxRequestBytes, devMailboxRemote, metricsRemote, mail, newFunctions, database, signingKeyRefresh, rateLimits, breachedPasswords);
    }

    public ServerConfig withDatabase(DatabaseSettings newDatabase) {
        return new ServerConfig(host, port, publicUrl, dataDir, appDirs, accessTokenTtl, refreshTokenTtl,
                userTokenTtl, hashing, maxRequestBytes, devMailboxRemote, metricsRemote, mail, functions, newDatabase, signingKeyRefresh, rateLimits, breachedPasswords);
    }

    public ServerConfig withPublicUrl(String newPublicUrl) {
        return new ServerConfig(host, port, newPublicUrl, dataDir, appDirs, accessTokenTtl, refreshTokenTtl,
                userTokenTtl, hashing, maxRequestBytes, devMailboxRemote, metricsRemote, mail, functions, database, signingKeyRefresh, rateLimits, breachedPasswords);
    }

    public ServerConfig withMetricsRemote(boolean newMetricsRemote) {
        return new ServerConfig(host, port, publicUrl, dataDir, appDirs, accessTokenTtl, refreshTokenTtl,
                userTokenTtl, hashing, maxRequestBytes, devMailboxRemote, newMetricsRemote, mail, functions, database,
                signingKeyRefresh, rateLimits, breachedPasswords);
    }

    public ServerConfig withSigningKeyRefresh(Duration newRefresh) {
        return new ServerConfig(host, port, publicUrl, dataDir, appDirs, accessTokenTtl, refreshTokenTtl,
                userTokenTtl, hashing, maxRequestBytes, devMailboxRemote, metricsRemote, mail, functions, database, newRefresh, rateLimits, breachedPasswords);
    }

    public ServerConfig withRateLimits(RateLimitSettings newRateLimits) {
        return new ServerConfig(host, port, publicUrl, dataDir, appDirs, accessTokenTtl, refreshTokenTtl,
                userTokenTtl, hashing, maxRequestBytes, devMailboxRemote, metricsRemote, mail, functions, database,
                signingKeyRefresh, newRateLimits, breachedPasswords);
    }

    public ServerConfig withBreachedPasswords(BreachedPasswordSettings newBreachedPasswords) {
        return new ServerConfig(host, port, publicUrl, dataDir, appDirs, accessTokenTtl, refreshTokenTtl,
                userTokenTtl, hashing, maxRequestBytes, devMailboxRemote, metricsRemote, mail, functions, database,
                signingKeyRefresh, rateLimits, newBreachedPasswords);
    }

    /** Every problem with these settings, so that start-up can report them together. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>(hashing.problems());
        problems.addAll(mail.problems());
        problems.addAll(functions.problems());
        problems.addAll(database.problems());
        problems.addAll(rateLimits.problems());
        if (signingKeyRefresh.compareTo(Duration.ofSeconds(1)) < 0 || signingKeyRefresh.compareTo(Duration.ofHours(1)) > 0) {
            problems.add("signing key refresh must be between 1 second and 1 hour, got " + signingKeyRefresh);
        }
        if (port < 0 || port > 65_535) {
            problems.add("port must be between 0 and 65535, got " + port);
        }
        if (publicUrl != null && !Urls.isHttpUrl(publicUrl)) {
            problems.add("public URL must be an absolute http(s) URL, got '" + publicUrl + "'");
        }
        if (accessTokenTtl.compareTo(Duration.ofMinutes(1)) < 0 || accessTokenTtl.compareTo(Duration.ofDays(1)) > 0) {
            problems.add("access token lifetime must be between 1 minute and 1 day, got " + accessTokenTtl);
        }
        // App Services allowed 30 minutes to 5 years (docs: users/sessions).
        if (refreshTokenTtl.compareTo(Duration.ofMinutes(30)) < 0 || refreshTokenTtl.compareTo(Duration.ofDays(5 * 366)) > 0) {
            problems.add("refresh token lifetime must be between 30 minutes and 5 years, got " + refreshTokenTtl);
        }
        if (userTokenTtl.compareTo(Duration.ofMinutes(1)) < 0 || userTokenTtl.compareTo(Duration.ofDays(7)) > 0) {
            problems.add("confirmation/reset token lifetime must be between 1 minute and 7 days, got " + userTokenTtl);
        }
        if (maxRequestBytes < 1024) {
            problems.add("max request size must be at least 1024 bytes, got " + maxRequestBytes);
        }
        return problems;
    }
}
