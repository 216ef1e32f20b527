package dev.gatehouse.config;

import dev.gatehouse.db.DatabaseSettings;
import dev.gatehouse.mail.MailSettings;
import dev.gatehouse.password.BreachedPasswordSettings;
import dev.gatehouse.password.HashParameters;
import dev.gatehouse.password.PasswordHasher;
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
 * @param hashConcurrency most Argon2id hashes and verifications running at once, each holding
 *     {@code hashing.memoryKib()}; the others queue (default: the processor count)
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
        int hashConcurrency,
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

    /** The defaults, with the data directory given. */
    public static ServerConfig defaults(Path dataDir) {
        return new ServerConfig("127.0.0.1", 8080, null, dataDir, List.of(),
                Duration.ofMinutes(30), Duration.ofDays(60), Duration.ofMinutes(30),
                HashParameters.OWASP, PasswordHasher.defaultConcurrency(), 64 * 1024, false, false, MailSettings.devMailbox(),
                FunctionSettings.defaults(), DatabaseSettings.embedded(), Duration.ofSeconds(30),
                RateLimitSettings.defaults(), BreachedPasswordSettings.off());
    }
    public ServerConfig withPort(int value) {
        return toBuilder().port(value).build();
    }
    public ServerConfig withAppDirs(List<Path> value) {
        return toBuilder().appDirs(value).build();
    }
    public ServerConfig withHashing(HashParameters value) {
        return toBuilder().hashing(value).build();
    }
    public ServerConfig withMail(MailSettings value) {
        return toBuilder().mail(value).build();
    }
    public ServerConfig withFunctions(FunctionSettings value) {
        return toBuilder().functions(value).build();
    }
    public ServerConfig withDatabase(DatabaseSettings value) {
        return toBuilder().database(value).build();
    }
    public ServerConfig withPublicUrl(String value) {
        return toBuilder().publicUrl(value).build();
    }
    public ServerConfig withMetricsRemote(boolean value) {
        return toBuilder().metricsRemote(value).build();
    }
    public ServerConfig withSigningKeyRefresh(Duration value) {
        return toBuilder().signingKeyRefresh(value).build();
    }
    public ServerConfig withRateLimits(RateLimitSettings value) {
        return toBuilder().rateLimits(value).build();
    }
    public ServerConfig withBreachedPasswords(BreachedPasswordSettings value) {
        return toBuilder().breachedPasswords(value).build();
    }
    /**
     * A builder holding these settings: the one place besides the record header that lists every
     * field, so that adding a setting touches the header, the builder and nothing else.
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.host = host;
        b.port = port;
        b.publicUrl = publicUrl;
        b.dataDir = dataDir;
        b.appDirs = appDirs;
        b.accessTokenTtl = accessTokenTtl;
        b.refreshTokenTtl = refreshTokenTtl;
        b.userTokenTtl = userTokenTtl;
        b.hashing = hashing;
        b.hashConcurrency = hashConcurrency;
        b.maxRequestBytes = maxRequestBytes;
        b.devMailboxRemote = devMailboxRemote;
        b.metricsRemote = metricsRemote;
        b.mail = mail;
        b.functions = functions;
        b.database = database;
        b.signingKeyRefresh = signingKeyRefresh;
        b.rateLimits = rateLimits;
        b.breachedPasswords = breachedPasswords;
        return b;
    }

    /** Changes some settings of a copy; {@link #build} validates nothing (see {@link #problems}). */
    public static final class Builder {
        private String host;
        private int port;
        private String publicUrl;
        private Path dataDir;
        private List<Path> appDirs;
        private Duration accessTokenTtl;
        private Duration refreshTokenTtl;
        private Duration userTokenTtl;
        private HashParameters hashing;
        private int hashConcurrency;
        private long maxRequestBytes;
        private boolean devMailboxRemote;
        private boolean metricsRemote;
        private MailSettings mail;
        private FunctionSettings functions;
        private DatabaseSettings database;
        private Duration signingKeyRefresh;
        private RateLimitSettings rateLimits;
        private BreachedPasswordSettings breachedPasswords;

        private Builder() {}

        public Builder host(String value) {
            this.host = value;
            return this;
        }

        public Builder port(int value) {
            this.port = value;
            return this;
        }

        public Builder publicUrl(String value) {
            this.publicUrl = value;
            return this;
        }

        public Builder dataDir(Path value) {
            this.dataDir = value;
            return this;
        }

        public Builder appDirs(List<Path> value) {
            this.appDirs = value;
            return this;
        }

        public Builder accessTokenTtl(Duration value) {
            this.accessTokenTtl = value;
            return this;
        }

        public Builder refreshTokenTtl(Duration value) {
            this.refreshTokenTtl = value;
            return this;
        }

        public Builder userTokenTtl(Duration value) {
            this.userTokenTtl = value;
            return this;
        }

        public Builder hashing(HashParameters value) {
            this.hashing = value;
            return this;
        }

        public Builder hashConcurrency(int value) {
            this.hashConcurrency = value;
            return this;
        }

        public Builder maxRequestBytes(long value) {
            this.maxRequestBytes = value;
            return this;
        }

        public Builder devMailboxRemote(boolean value) {
            this.devMailboxRemote = value;
            return this;
        }

        public Builder metricsRemote(boolean value) {
            this.metricsRemote = value;
            return this;
        }

        public Builder mail(MailSettings value) {
            this.mail = value;
            return this;
        }

        public Builder functions(FunctionSettings value) {
            this.functions = value;
            return this;
        }

        public Builder database(DatabaseSettings value) {
            this.database = value;
            return this;
        }

        public Builder signingKeyRefresh(Duration value) {
            this.signingKeyRefresh = value;
            return this;
        }

        public Builder rateLimits(RateLimitSettings value) {
            this.rateLimits = value;
            return this;
        }

        public Builder breachedPasswords(BreachedPasswordSettings value) {
            this.breachedPasswords = value;
            return this;
        }

        public ServerConfig build() {
            return new ServerConfig(host, port, publicUrl, dataDir, appDirs, accessTokenTtl,
                    refreshTokenTtl, userTokenTtl, hashing, hashConcurrency, maxRequestBytes, devMailboxRemote, metricsRemote,
                    mail, functions, database, signingKeyRefresh, rateLimits, breachedPasswords);
        }
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
        if (hashConcurrency < 1 || hashConcurrency > 1024) {
            problems.add("hash concurrency must be between 1 and 1024, got " + hashConcurrency);
        }
        if (maxRequestBytes < 1024) {
            problems.add("max request size must be at least 1024 bytes, got " + maxRequestBytes);
        }
        return problems;
    }
}
