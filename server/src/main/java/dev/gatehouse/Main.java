package dev.gatehouse;

import dev.gatehouse.config.Durations;
import dev.gatehouse.config.FunctionSettings;
import dev.gatehouse.config.InvalidConfigException;
import dev.gatehouse.config.ServerConfig;
import dev.gatehouse.db.Database;
import dev.gatehouse.db.DatabaseUnavailableException;
import dev.gatehouse.http.Json;
import dev.gatehouse.mail.MailSettings;
import dev.gatehouse.mail.Outbox;
import dev.gatehouse.mail.SmtpSettings;
import dev.gatehouse.password.BreachedPasswordSettings;
import dev.gatehouse.password.HashParameters;
import dev.gatehouse.password.PasswordHasher;
import dev.gatehouse.ratelimit.RateLimitSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The {@code gatehouse} command line. Every flag has an environment variable of the same meaning. */
@Command(name = "gatehouse", mixinStandardHelpOptions = true, version = "Gatehouse 0.1.0",
        description = "Self-hosted App Services Email/Password authentication server.",
        subcommands = {Main.Serve.class, Main.OutboxCommand.class, KeysCommand.class, UsersCommand.class, DbCommand.class,
                AppCommand.class, HashCommand.class, AdminCommand.class, AotTraining.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main())
                .setExecutionExceptionHandler((e, commandLine, parsed) -> {
                    if (e instanceof DatabaseUnavailableException) {
                        // An operator's problem, said plainly: no stack trace.
                        commandLine.getErr().println("Gatehouse cannot start: " + e.getMessage());
                        return 1;
                    }
                    throw e;
                })
                .execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** {@code gatehouse outbox}: what the SMTP outbox holds, for operators; can requeue parked mail. */
    @Command(name = "outbox", mixinStandardHelpOptions = true,
            description = "List queued, parked or sent outbox messages (no bodies), or requeue parked ones.")
    static final class OutboxCommand implements Callable<Integer> {
        @Mixin
        DatabaseOptions database;

        @Option(names = "--status", defaultValue = "parked", description = "queued, parked or sent (default ${DEFAULT-VALUE}).")
        String status;

        @Option(names = "--limit", defaultValue = "50", description = "Most messages to list (default ${DEFAULT-VALUE}).")
        int limit;

        @Option(names = "--retry-parked", description = "Put every parked message back in the queue, due now.")
        boolean retryParked;

        @Override
        public Integer call() throws Exception {
            if (!List.of("queued", "parked", "sent").contains(status)) {
                System.err.println("--status must be queued, parked or sent");
                return 2;
            }
            if (!database.problems().isEmpty()) {
                database.problems().forEach(System.err::println);
                return 2;
            }
            try (Database db = database.open()) {
                if (retryParked) {
                    System.out.println(Outbox.requeueParked(db, java.time.Instant.now()) + " parked message(s) requeued");
                    return 0;
                }
                for (var row : Outbox.list(db, status, limit)) {
                    System.out.println(Json.MAPPER.writeValueAsString(row));
                }
            }
            return 0;
        }
    }

    /** {@code gatehouse serve}: runs the server until it is stopped. */
    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = "Run the server. With no --app, serves a default app 'gatehouse-local'.")
    static final class Serve implements Callable<Integer> {
        private static final String SECRET_PREFIX = "GATEHOUSE_SECRET_";

        @Option(names = "--host", defaultValue = "${env:GATEHOUSE_HOST:-127.0.0.1}",
                description = "Interface to bind (env GATEHOUSE_HOST, default ${DEFAULT-VALUE}).")
        String host;

        @Option(names = "--port", defaultValue = "${env:GATEHOUSE_PORT:-8080}",
                description = "Port; 0 picks a free one (env GATEHOUSE_PORT, default ${DEFAULT-VALUE}).")
        int port;

        @Option(names = "--public-url", defaultValue = "${env:GATEHOUSE_PUBLIC_URL}",
                description = "Externally reachable origin, sent to SDKs as 'hostname' and used in email links "
                        + "(env GATEHOUSE_PUBLIC_URL, default http://localhost:<port>).")
        String publicUrl;

        @Mixin
        DatabaseOptions database;

        @Mixin
        BreachedPasswordOptions breachedPasswords;

        @Option(names = "--signing-key-refresh", defaultValue = "${env:GATEHOUSE_SIGNING_KEY_REFRESH:-30s}",
                description = "How often this node reloads the signing keys, so a rotation made elsewhere is used "
                        + "here too (env GATEHOUSE_SIGNING_KEY_REFRESH, default ${DEFAULT-VALUE}).")
        String signingKeyRefresh;

        @Option(names = "--app", split = ",", defaultValue = "${env:GATEHOUSE_APPS}",
                description = "App Services export directory; repeat or comma-separate for several apps (env GATEHOUSE_APPS).")
        List<Path> apps = new ArrayList<>();

        @Option(names = "--access-token-ttl", defaultValue = "${env:GATEHOUSE_ACCESS_TOKEN_TTL:-30m}",
                description = "Access token lifetime (env GATEHOUSE_ACCESS_TOKEN_TTL, default ${DEFAULT-VALUE}).")
        String accessTtl;

        @Option(names = "--refresh-token-ttl", defaultValue = "${env:GATEHOUSE_REFRESH_TOKEN_TTL:-60d}",
                description = "Refresh token lifetime (env GATEHOUSE_REFRESH_TOKEN_TTL, default ${DEFAULT-VALUE}).")
        String refreshTtl;

        @Option(names = "--user-token-ttl", defaultValue = "${env:GATEHOUSE_USER_TOKEN_TTL:-30m}",
                description = "Confirmation and reset link lifetime (env GATEHOUSE_USER_TOKEN_TTL, default ${DEFAULT-VALUE}).")
        String userTokenTtl;

        @Option(names = "--argon2-memory-kib", defaultValue = "${env:GATEHOUSE_ARGON2_MEMORY_KIB:-19456}",
                description = "Argon2id memory in KiB (env GATEHOUSE_ARGON2_MEMORY_KIB, default ${DEFAULT-VALUE}).")
        int argonMemory;

        @Option(names = "--argon2-iterations", defaultValue = "${env:GATEHOUSE_ARGON2_ITERATIONS:-2}",
                description = "Argon2id iterations (env GATEHOUSE_ARGON2_ITERATIONS, default ${DEFAULT-VALUE}).")
        int argonIterations;

        @Option(names = "--argon2-parallelism", defaultValue = "${env:GATEHOUSE_ARGON2_PARALLELISM:-1}",
                description = "Argon2id lanes (env GATEHOUSE_ARGON2_PARALLELISM, default ${DEFAULT-VALUE}).")
        int argonParallelism;

        @Option(names = "--hash-concurrency", defaultValue = "${env:GATEHOUSE_HASH_CONCURRENCY:-0}",
                description = "Argon2id hashes and verifications run at once, each holding the Argon2 memory; the rest "
                        + "queue. 0 means the number of cores (env GATEHOUSE_HASH_CONCURRENCY).")
        int hashConcurrency;

        @Option(names = "--max-request-bytes", defaultValue = "${env:GATEHOUSE_MAX_REQUEST_BYTES:-65536}",
                description = "Largest request body (env GATEHOUSE_MAX_REQUEST_BYTES, default ${DEFAULT-VALUE}).")
        long maxRequestBytes;

        @Option(names = "--smtp-host", defaultValue = "${env:GATEHOUSE_SMTP_HOST}",
                description = "SMTP server; unset: emails go to the dev mailbox (env GATEHOUSE_SMTP_HOST).")
        String smtpHost;

        @Option(names = "--smtp-port", defaultValue = "${env:GATEHOUSE_SMTP_PORT:-587}",
                description = "SMTP port (env GATEHOUSE_SMTP_PORT, default ${DEFAULT-VALUE}).")
        int smtpPort;

        @Option(names = "--smtp-security", defaultValue = "${env:GATEHOUSE_SMTP_SECURITY:-starttls-required}",
                description = "none, starttls (opportunistic), starttls-required or tls (implicit, port 465) "
                        + "(env GATEHOUSE_SMTP_SECURITY, default ${DEFAULT-VALUE}).")
        String smtpSecurity;

        @Option(names = "--smtp-username", defaultValue = "${env:GATEHOUSE_SMTP_USERNAME}",
                description = "SMTP login; unset: no authentication (env GATEHOUSE_SMTP_USERNAME).")
        String smtpUsername;

        @Option(names = "--smtp-password", defaultValue = "${env:GATEHOUSE_SMTP_PASSWORD}",
                description = "SMTP password; prefer the environment variable GATEHOUSE_SMTP_PASSWORD, which "
                        + "other users of the machine cannot read from the process list.")
        String smtpPassword;

        @Option(names = "--smtp-from", defaultValue = "${env:GATEHOUSE_SMTP_FROM}",
                description = "Sender address (env GATEHOUSE_SMTP_FROM); required with --smtp-host.")
        String smtpFrom;

        @Option(names = "--smtp-from-name", defaultValue = "${env:GATEHOUSE_SMTP_FROM_NAME}",
                description = "Sender display name (env GATEHOUSE_SMTP_FROM_NAME).")
        String smtpFromName;

        @Option(names = "--smtp-connect-timeout", defaultValue = "${env:GATEHOUSE_SMTP_CONNECT_TIMEOUT:-10s}",
                description = "SMTP connect timeout (env GATEHOUSE_SMTP_CONNECT_TIMEOUT, default ${DEFAULT-VALUE}).")
        String smtpConnectTimeout;

        @Option(names = "--smtp-timeout", defaultValue = "${env:GATEHOUSE_SMTP_TIMEOUT:-30s}",
                description = "SMTP read/write timeout (env GATEHOUSE_SMTP_TIMEOUT, default ${DEFAULT-VALUE}).")
        String smtpTimeout;

        @Option(names = "--smtp-trust", defaultValue = "${env:GATEHOUSE_SMTP_TRUST}",
                description = "Hosts whose TLS certificate is trusted unchecked ('*' for all): test servers only "
                        + "(env GATEHOUSE_SMTP_TRUST).")
        String smtpTrust;

        @Option(names = "--mail-max-attempts", defaultValue = "${env:GATEHOUSE_MAIL_MAX_ATTEMPTS:-10}",
                description = "Delivery attempts before a message is parked (env GATEHOUSE_MAIL_MAX_ATTEMPTS, default ${DEFAULT-VALUE}).")
        int mailMaxAttempts;

        @Option(names = "--mail-retry-initial", defaultValue = "${env:GATEHOUSE_MAIL_RETRY_INITIAL:-5s}",
                description = "First retry delay, doubled per attempt with jitter (env GATEHOUSE_MAIL_RETRY_INITIAL, default ${DEFAULT-VALUE}).")
        String mailRetryInitial;

        @Option(names = "--mail-retry-max", defaultValue = "${env:GATEHOUSE_MAIL_RETRY_MAX:-1h}",
                description = "Longest retry delay (env GATEHOUSE_MAIL_RETRY_MAX, default ${DEFAULT-VALUE}).")
        String mailRetryMax;

        @Option(names = "--mail-poll-interval", defaultValue = "${env:GATEHOUSE_MAIL_POLL_INTERVAL:-1s}",
                description = "How often the outbox looks for due mail when not woken (env GATEHOUSE_MAIL_POLL_INTERVAL, default ${DEFAULT-VALUE}).")
        String mailPollInterval;

        @Option(names = "--mail-quota", defaultValue = "${env:GATEHOUSE_MAIL_QUOTA:-5}",
                description = "Most confirmation/reset emails per address per window, 0 for no limit (env GATEHOUSE_MAIL_QUOTA, default ${DEFAULT-VALUE}).")
        int mailQuota;

        @Option(names = "--mail-quota-window", defaultValue = "${env:GATEHOUSE_MAIL_QUOTA_WINDOW:-1h}",
                description = "Window of that limit (env GATEHOUSE_MAIL_QUOTA_WINDOW, default ${DEFAULT-VALUE}).")
        String mailQuotaWindow;

        @Option(names = "--resend-keeps-earlier-links", defaultValue = "${env:GATEHOUSE_RESEND_KEEPS_EARLIER_LINKS:-true}",
                arity = "1", description = "A resent confirmation or reset leaves earlier unexpired links usable "
                        + "(env GATEHOUSE_RESEND_KEEPS_EARLIER_LINKS, default ${DEFAULT-VALUE}).")
        boolean resendKeepsEarlierLinks;

        @Option(names = "--privacy-mode", defaultValue = "${env:GATEHOUSE_PRIVACY_MODE:-false}",
                description = "confirm/send and reset/send answer success for any address, so they do not tell who "
                        + "has an account (env GATEHOUSE_PRIVACY_MODE, default ${DEFAULT-VALUE}: App Services' UserNotFound).")
        boolean privacyMode;

        @Option(names = "--dev-mailbox-remote", defaultValue = "${env:GATEHOUSE_DEV_MAILBOX_REMOTE:-false}",
                description = "Serve the dev mailbox to non-loopback clients (env GATEHOUSE_DEV_MAILBOX_REMOTE, default ${DEFAULT-VALUE}).")
        boolean devMailboxRemote;

        @Option(names = "--metrics-remote", defaultValue = "${env:GATEHOUSE_METRICS_REMOTE:-false}",
                description = "Serve /metrics to non-loopback clients (env GATEHOUSE_METRICS_REMOTE, default ${DEFAULT-VALUE}).")
        boolean metricsRemote;

        @Option(names = "--rate-limits", defaultValue = "${env:GATEHOUSE_RATE_LIMITS:-on}",
                description = "Progressive delays per client IP and account: on, off, or a rate_limits.json file "
                        + "changing the defaults (env GATEHOUSE_RATE_LIMITS, default ${DEFAULT-VALUE}).")
        String rateLimits;

        @Option(names = "--trusted-proxies", split = ",", defaultValue = "${env:GATEHOUSE_TRUSTED_PROXIES}",
                description = "Reverse proxies whose X-Forwarded-For gives the client IP: IPs or CIDRs, comma-separated; "
                        + "none by default (env GATEHOUSE_TRUSTED_PROXIES).")
        List<String> trustedProxies = new ArrayList<>();

        @Option(names = "--function-timeout", defaultValue = "${env:GATEHOUSE_FUNCTION_TIMEOUT:-10s}",
                description = "Wall-clock limit of one confirmation/reset function call, of any kind "
                        + "(env GATEHOUSE_FUNCTION_TIMEOUT, default ${DEFAULT-VALUE}).")
        String functionTimeout;

        @Option(names = "--function-statement-limit", defaultValue = "${env:GATEHOUSE_FUNCTION_STATEMENT_LIMIT:-10000000}",
                description = "Most JavaScript statements per call (env GATEHOUSE_FUNCTION_STATEMENT_LIMIT, default ${DEFAULT-VALUE}).")
        long functionStatements;

        @Option(names = "--function-memory-mib", defaultValue = "${env:GATEHOUSE_FUNCTION_MEMORY_MIB:-256}",
                description = "Most MiB one JavaScript call may allocate (env GATEHOUSE_FUNCTION_MEMORY_MIB, default ${DEFAULT-VALUE}).")
        long functionMemoryMib;

        @Option(names = "--function-concurrency", defaultValue = "${env:GATEHOUSE_FUNCTION_CONCURRENCY:-0}",
                description = "JavaScript calls run at once; 0 means max(2, cores) (env GATEHOUSE_FUNCTION_CONCURRENCY).")
        int functionConcurrency;

        @Option(names = "--function-http-allow", split = ",", defaultValue = "${env:GATEHOUSE_FUNCTION_HTTP_ALLOW}",
                description = "Hosts context.http may reach: host, host:port or *.domain, comma-separated; "
                        + "none by default (env GATEHOUSE_FUNCTION_HTTP_ALLOW).")
        List<String> functionHttpAllow = new ArrayList<>();

        @Override
        public Integer call() throws InterruptedException {
            List<String> problems = new ArrayList<>();
            Duration access = Durations.parse("access token lifetime", accessTtl, problems);
            Duration refresh = Durations.parse("refresh token lifetime", refreshTtl, problems);
            Duration userToken = Durations.parse("confirmation/reset token lifetime", userTokenTtl, problems);
            MailSettings mail = mailSettings(problems);
            Duration timeout = Durations.parse("function timeout", functionTimeout, problems);
            Duration keyRefresh = Durations.parse("signing key refresh", signingKeyRefresh, problems);
            RateLimitSettings limits = RateLimitSettings.fromFlags(rateLimits, trustedProxies, problems);
            BreachedPasswordSettings breached = breachedPasswords.settings(problems);
            if (!problems.isEmpty()) {
                return refuse(problems);
            }
            FunctionSettings defaults = FunctionSettings.defaults();
            FunctionSettings functions = new FunctionSettings(timeout, functionStatements, functionMemoryMib * 1024 * 1024,
                    functionConcurrency == 0 ? defaults.concurrency() : functionConcurrency,
                    functionHttpAllow == null ? List.of() : functionHttpAllow.stream().map(String::trim)
                            .filter(h -> !h.isEmpty()).toList(),
                    secretsFromEnvironment(System.getenv()));
            ServerConfig config = new ServerConfig(host, port, blankToNull(publicUrl), database.dataDir,
                    apps == null ? List.of() : apps, access, refresh, userToken,
                    new HashParameters(argonMemory, argonIterations, argonParallelism),
                    hashConcurrency == 0 ? PasswordHasher.defaultConcurrency() : hashConcurrency, maxRequestBytes, devMailboxRemote, metricsRemote,
                    mail, functions, database.settings(), keyRefresh, limits, breached);
            Gatehouse server;
            try {
                server = Gatehouse.start(config);
            } catch (InvalidConfigException e) {
                return refuse(e.problems());
            }
            try {
                bootstrapAdmin(server);
            } catch (InvalidConfigException e) {
                server.close();
                return refuse(e.problems());
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                stopped.countDown();
            }, "gatehouse-shutdown"));
            // Serve until the JVM is asked to stop (Ctrl-C, SIGTERM); the hook closes the server.
            stopped.await();
            return 0;
        }

        private MailSettings mailSettings(List<String> problems) {
            Duration initial = Durations.parse("mail retry initial delay", mailRetryInitial, problems);
            Duration max = Durations.parse("mail retry maximum delay", mailRetryMax, problems);
            Duration poll = Durations.parse("mail poll interval", mailPollInterval, problems);
            Duration window = Durations.parse("mail quota window", mailQuotaWindow, problems);
            Duration connect = Durations.parse("SMTP connect timeout", smtpConnectTimeout, problems);
            Duration read = Durations.parse("SMTP timeout", smtpTimeout, problems);
            SmtpSettings.Security security = switch (smtpSecurity.toLowerCase(java.util.Locale.ROOT)) {
                case "none" -> SmtpSettings.Security.NONE;
                case "starttls" -> SmtpSettings.Security.STARTTLS_OPTIONAL;
                case "starttls-required" -> SmtpSettings.Security.STARTTLS_REQUIRED;
                case "tls" -> SmtpSettings.Security.TLS;
                default -> {
                    problems.add("SMTP security must be none, starttls, starttls-required or tls, got '" + smtpSecurity + "'");
                    yield null;
                }
            };
            if (!problems.isEmpty()) {
                return null;
            }
            SmtpSettings smtp = blankToNull(smtpHost) == null ? null : new SmtpSettings(smtpHost, smtpPort, security,
                    blankToNull(smtpUsername), smtpPassword, blankToNull(smtpFrom), blankToNull(smtpFromName), connect, read,
                    blankToNull(smtpTrust));
            return MailSettings.devMailbox().withSmtp(smtp).withRetries(mailMaxAttempts, initial, max, poll)
                    .withQuota(mailQuota, window, resendKeepsEarlierLinks).withPrivacyMode(privacyMode);
        }

        /**
         * Creates the admin named by {@code GATEHOUSE_ADMIN_USERNAME} (default {@code admin}) with
         * {@code GATEHOUSE_ADMIN_PASSWORD} when that variable is set and no such admin exists yet:
         * a container's first start then has an admin without a separate command. An existing
         * admin's password is never changed this way. Without the variable, only says how to make
         * an admin when there is none.
         */
        private static void bootstrapAdmin(Gatehouse server) {
            String password = System.getenv(AdminCommand.PASSWORD_VARIABLE);
            String username = System.getenv().getOrDefault("GATEHOUSE_ADMIN_USERNAME", "admin");
            server.bootstrapAdmin(username, password);
        }

        /** Secrets come from the environment only, never flags: flags show in the process list. */
        static Map<String, String> secretsFromEnvironment(Map<String, String> environment) {
            Map<String, String> secrets = new HashMap<>();
            environment.forEach((name, value) -> {
                if (name.startsWith(SECRET_PREFIX) && name.length() > SECRET_PREFIX.length()) {
                    secrets.put(name.substring(SECRET_PREFIX.length()), value);
                }
            });
            return secrets;
        }

        private static int refuse(List<String> problems) {
            System.err.println("Gatehouse cannot start; fix these problems:");
            problems.forEach(p -> System.err.println("  - " + p));
            return 2;
        }

        private static String blankToNull(String s) {
            return s == null || s.isBlank() ? null : s;
        }
    }
}
