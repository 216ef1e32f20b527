package dev.gatehouse.testing;

import dev.gatehouse.Gatehouse;
import dev.gatehouse.config.ServerConfig;
import dev.gatehouse.db.DatabaseSettings;
import dev.gatehouse.mail.MailSettings;
import dev.gatehouse.mail.SmtpSettings;
import dev.gatehouse.password.HashParameters;
import dev.gatehouse.ratelimit.RateLimitPolicy;
import dev.gatehouse.ratelimit.RateLimitSettings;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The main class of a {@link ChildServer} for the crash tests: the server {@code gatehouse serve}
 * would build, with cheap hashing (the CPUs are few and hashing is not under test), rate limits off
 * (every client is 127.0.0.1), SMTP to a test server with quick retries, and a clock ahead of the
 * system's. The offset stands for a restart after the leases a killed outbox worker left (two
 * minutes, OutboxWorker.LEASE, a constant with no flag) ran out. Serves until killed.
 */
public final class ClockOffsetServer {
    public static final String FROM = "noreply@gatehouse.test";

    private ClockOffsetServer() {}

    /**
     * The arguments of {@link #main}, on the database that {@code databaseFlags} name:
     * {@link TestServer#databaseFlags} of the data directory, or {@code --data-dir} for SQLite.
     */
    public static List<String> arguments(Path data, int httpPort, int smtpPort, Duration clockOffset,
                                         List<String> databaseFlags) {
        List<String> arguments = new ArrayList<>(List.of(data.toString(), Integer.toString(httpPort),
                Integer.toString(smtpPort), Long.toString(clockOffset.toSeconds())));
        if (databaseFlags.get(0).equals("--database-url")) {
            arguments.addAll(List.of(databaseFlags.get(1), databaseFlags.get(3)));  // --database-url U --database-user N
        }
        return arguments;
    }

    /** Data directory, HTTP port, SMTP port, clock offset in seconds, and on PostgreSQL its URL and user. */
    public static void main(String[] args) throws InterruptedException {
        MailSettings mail = MailSettings.devMailbox()
                .withSmtp(new SmtpSettings("127.0.0.1", Integer.parseInt(args[2]), SmtpSettings.Security.NONE, null,
                        null, FROM, null, Duration.ofSeconds(10), Duration.ofSeconds(30), null))
                .withRetries(20, Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofMillis(100));
        ServerConfig config = ServerConfig.defaults(Path.of(args[0])).withPort(Integer.parseInt(args[1]))
                .withHashing(new HashParameters(1024, 1, 1)).withMail(mail)
                .withRateLimits(RateLimitSettings.defaults().withPolicy(RateLimitPolicy.OFF));
        if (args.length > 4) {
            config = config.withDatabase(DatabaseSettings.postgres(args[4], args[5], "", 4));
        }
        Gatehouse.start(config, Clock.offset(Clock.systemUTC(), Duration.ofSeconds(Long.parseLong(args[3]))),
                new SecureRandom());
        new CountDownLatch(1).await();
    }
}
