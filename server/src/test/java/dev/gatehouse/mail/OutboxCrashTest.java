package dev.gatehouse.mail;

import static dev.gatehouse.mail.MailTestSupport.await;
import static dev.gatehouse.mail.MailTestSupport.freePort;
import static dev.gatehouse.mail.MailTestSupport.part;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.gatehouse.testing.ChildServer;
import dev.gatehouse.testing.ClockOffsetServer;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "A server killed with messages queued delivers them after restart", exactly once each: the real
 * server runs as a separate JVM ({@code dev.gatehouse.Main serve}) that the test kills with SIGKILL
 * ({@link Process#destroyForcibly()}), so no shutdown hook, no {@code close()} and no flush runs.
 * Mail goes to GreenMail on loopback; the outbox is read with the {@code outbox} CLI and over JDBC.
 */
class OutboxCrashTest {
    private static final String APP = "gatehouse-local";
    private static final String FROM = "noreply@gatehouse.test";
    private static final Pattern LINK = Pattern.compile("token=([0-9a-f]{128})&tokenId=([0-9a-f]{24})");
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * How far the last server of the load test sees the clock moved: beyond the two-minute lease
     * ({@code OutboxWorker.LEASE}) that a killed worker leaves on the message it was sending.
     */
    private static final Duration PAST_THE_LEASE = Duration.ofMinutes(3);

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final ChildServer servers = new ChildServer();
    private int starts;

    // ---------------------------------------------------------------------------------------------
    // 1. Killed while the SMTP server is down; restarted once it is back.
    // ---------------------------------------------------------------------------------------------

    @Test
    void messages_queued_when_the_server_is_killed_are_delivered_once_each_after_restart() throws Throwable {
        Path data = dir.resolve("data");
        int smtpPort = freePort();
        int httpPort = freePort();
        Process server = null;
        GreenMail sink = null;
        try {
            // SMTP is down: nothing listens on smtpPort.
            server = serve(data, httpPort, smtpPort, false);
            List<String> emails = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String email = "crash" + String.format("%02d", i) + "@example.com";
                assertThat(register(httpPort, email)).as("register " + email).isEqualTo(201);
                emails.add(email);
            }
            // Every message has already failed once against the dead SMTP server...
            Path db = data.resolve("gatehouse.db");
            await("a failed attempt for each of the 20 messages", Duration.ofSeconds(20),
                    () -> count(db, "SELECT count(*) FROM outbox WHERE status = 'queued' AND attempts >= 1") == 20);
            // ...and the kill comes between two retry rounds: a kill in the middle of an attempt would
            // leave a two-minute lease on that message, which the load test below deals with.
            await("a moment when the worker holds no lease and nothing is due for 100 ms", Duration.ofSeconds(20),
                    () -> count(db, "SELECT count(*) FROM outbox WHERE status <> 'queued' OR claimed_until IS NOT NULL "
                            + "OR next_attempt_at <= " + (System.currentTimeMillis() + 100)) == 0);
            ChildServer.kill(server);

            // After the crash: 20 messages queued, none leased, none sent.
            List<JsonNode> queued = outboxCli(data, "queued");
            assertThat(queued).hasSize(20);
            assertThat(queued).extracting(row -> row.path("to").asText()).containsExactlyInAnyOrderElementsOf(emails);
            assertThat(queued).allSatisfy(row -> {
                assertThat(row.path("status").asText()).isEqualTo("queued");
                assertThat(row.path("sent_at").isNull()).isTrue();
                assertThat(row.path("last_error").asText()).contains("MailConnectException");
            });
            assertThat(count(db, "SELECT count(*) FROM outbox WHERE claimed_until IS NOT NULL")).isZero();
            assertThat(count(db, "SELECT count(*) FROM outbox WHERE status <> 'queued'")).isZero();

            // SMTP comes back, then the server, on the same data directory.
            sink = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
            sink.start();
            server = serve(data, httpPort, smtpPort, false);
            assertThat(sink.waitForIncomingEmail(30_000, 20)).as("20 messages arrive").isTrue();
            await("the outbox to show 20 sent and none queued", Duration.ofSeconds(20),
                    () -> count(db, "SELECT count(*) FROM outbox WHERE status = 'sent'") == 20
                            && count(db, "SELECT count(*) FROM outbox WHERE status <> 'sent'") == 0);
            // A grace period for a late duplicate: none may come.
            assertThat(sink.waitForIncomingEmail(1_000, 21)).as("no 21st message").isFalse();

            MimeMessage[] received = sink.getReceivedMessages();
            assertThat(received).hasSize(20);
            assertThat(recipients(received)).containsExactlyInAnyOrderElementsOf(emails);
            assertThat(messageIds(received)).doesNotHaveDuplicates().hasSize(20)
                    .allSatisfy(id -> assertThat(id).matches("<[0-9a-f]{24}@gatehouse\\.test>"));
            for (MimeMessage message : received) {
                String to = recipient(message);
                assertThat(message.getAllRecipients()).hasSize(1);
                String text = part(message, "text/plain");
                assertThat(text).as("text part to " + to).contains("token=").contains("tokenId=");
                Matcher link = LINK.matcher(text);
                assertThat(link.find()).as("link in the mail to " + to).isTrue();
                assertThat(part(message, "text/html")).contains("token=" + link.group(1));
                // The link sent after the crash is live: it confirms the user.
                assertThat(post(httpPort, "/confirm", body("token", link.group(1), "tokenId", link.group(2))))
                        .as("confirm " + to).isEqualTo(204);
            }
            assertThat(outboxCli(data, "sent")).hasSize(20);
        } catch (Throwable t) {
            throw servers.withLogs(t);
        } finally {
            ChildServer.kill(server);
            if (sink != null) {
                sink.stop();
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // 2. Killed three times under a stream of registrations, SMTP up.
    // ---------------------------------------------------------------------------------------------

    @Test
    void every_acknowledged_registration_gets_its_mail_across_repeated_kills_under_load() throws Throwable {
        Path data = dir.resolve("data");
        Path db = data.resolve("gatehouse.db");
        int smtpPort = freePort();
        int httpPort = freePort();
        int kills = 3;
        int acksPerPhase = 60;
        GreenMail sink = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        AtomicReference<Process> server = new AtomicReference<>();
        Load load = new Load(httpPort);
        Thread loader = Thread.ofPlatform().name("registrations").unstarted(load);
        try {
            sink.start();
            server.set(serve(data, httpPort, smtpPort, false));
            load.up(true);
            loader.start();
            for (int kill = 1; kill <= kills; kill++) {
                load.awaitAcks(acksPerPhase);
                // Requests in flight when the process dies get an I/O error: their outcome is unknown.
                load.up(false);
                ChildServer.kill(server.get());
                int leasesLeft = count(db, "SELECT count(*) FROM outbox WHERE status = 'queued' AND claimed_until > "
                        + System.currentTimeMillis());
                System.out.printf("kill %d: %d acknowledged, %d unknown, %d received, %d lease(s) left by dead workers%n",
                        kill, load.acknowledged.size(), load.unknown.size(), sink.getReceivedMessages().length, leasesLeft);
                // The last restart happens, as far as the server can tell, after the dead workers' leases
                // ran out: without it, a message claimed at a kill would wait two real minutes.
                server.set(serve(data, httpPort, smtpPort, kill == kills));
                load.up(true);
            }
            load.awaitAcks(acksPerPhase);
            load.stop();
            loader.join(30_000);
            assertThat(loader.isAlive()).as("the registration loop stopped").isFalse();
            assertThat(load.failure.get()).as("unexpected answer or error in the registration loop").isNull();

            Set<String> acknowledged = Set.copyOf(load.acknowledged);
            System.out.printf("after %d kills: %d acknowledged, %d unknown outcome, %d rows in the outbox%n", kills,
                    acknowledged.size(), load.unknown.size(), count(db, "SELECT count(*) FROM outbox"));
            assertThat(acknowledged.size()).isGreaterThanOrEqualTo((kills + 1) * acksPerPhase);
            await("every acknowledged registration's mail, and an empty queue", Duration.ofSeconds(30),
                    () -> recipients(sink.getReceivedMessages()).containsAll(acknowledged)
                            && count(db, "SELECT count(*) FROM outbox WHERE status <> 'sent'") == 0);
            int sent = count(db, "SELECT count(*) FROM outbox WHERE status = 'sent'");
            // A grace period for a late duplicate.
            assertThat(sink.waitForIncomingEmail(1_000, sink.getReceivedMessages().length + 1)).isFalse();

            MimeMessage[] received = sink.getReceivedMessages();
            List<String> recipients = recipients(received);
            Set<String> distinctRecipients = new HashSet<>(recipients);
            Set<String> possible = new HashSet<>(acknowledged);
            possible.addAll(load.unknown);
            Map<String, Set<String>> idsByRecipient = new HashMap<>();
            for (MimeMessage message : received) {
                idsByRecipient.computeIfAbsent(recipient(message), r -> new HashSet<>()).add(messageId(message));
                assertThat(LINK.matcher(part(message, "text/plain")).find()).as("link to " + recipient(message)).isTrue();
            }
            Map<String, Long> copies = recipients.stream()
                    .collect(Collectors.groupingBy(r -> r, LinkedHashMap::new, Collectors.counting()));
            Map<String, Long> duplicated = new LinkedHashMap<>(copies);
            duplicated.values().removeIf(n -> n == 1);
            System.out.printf("received %d messages for %d recipients; duplicated: %s%n", received.length,
                    distinctRecipients.size(), duplicated);

            assertThat(distinctRecipients).as("every acknowledged registration got its mail").containsAll(acknowledged);
            assertThat(possible).as("no mail for a registration that was refused or never sent")
                    .containsAll(distinctRecipients);
            // Exactly one outbox row, so one Message-ID, per recipient: a duplicate is a resend of it.
            assertThat(idsByRecipient).allSatisfy((to, ids) -> assertThat(ids).as("Message-IDs to " + to).hasSize(1));
            assertThat(new HashSet<>(messageIds(received))).hasSameSizeAs(distinctRecipients);
            // Only a message in flight at a kill may come twice, and the single worker sends one at a time.
            assertThat(duplicated.values()).allSatisfy(n -> assertThat(n).isEqualTo(2L));
            assertThat(duplicated).hasSizeLessThanOrEqualTo(kills);
            assertThat(sent).isEqualTo(distinctRecipients.size());
        } catch (Throwable t) {
            throw servers.withLogs(t);
        } finally {
            load.stop();
            loader.interrupt();
            ChildServer.kill(server.get());
            sink.stop();
        }
    }

    /** Registers new users one after another, each address once, while the server is up. */
    private final class Load implements Runnable {
        final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        /** Requests that failed with an I/O error: the process died under them, committed or not. */
        final Set<String> unknown = ConcurrentHashMap.newKeySet();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final int httpPort;
        private final Semaphore acks = new Semaphore(0);
        private volatile CompletableFuture<Boolean> up = new CompletableFuture<>();
        private volatile boolean running = true;

        Load(int httpPort) {
            this.httpPort = httpPort;
        }

        /** Server up: the loop sends. Down: the loop waits after its current request. */
        void up(boolean isUp) {
            if (isUp) {
                up.complete(true);
            } else {
                up = new CompletableFuture<>();
            }
        }

        void awaitAcks(int n) throws InterruptedException {
            acks.drainPermits();
            if (!acks.tryAcquire(n, 20, TimeUnit.SECONDS)) {
                throw new AssertionError("fewer than " + n + " registrations acknowledged in 20 s; failure: " + failure.get());
            }
        }

        void stop() {
            running = false;
            up.complete(false);
        }

        @Override
        public void run() {
            int n = 0;
            try {
                while (running) {
                    if (!up.get()) {
                        return;
                    }
                    String email = "load" + n++ + "@example.com";
                    try {
                        int status = register(httpPort, email);
                        if (status != 201) {
                            failure.compareAndSet(null, new AssertionError("register " + email + ": " + status));
                            return;
                        }
                        acknowledged.add(email);
                        acks.release();
                    } catch (IOException e) {
                        unknown.add(email);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // The server in a child JVM.
    // ---------------------------------------------------------------------------------------------

    /**
     * Starts {@code gatehouse serve} in its own JVM and waits until it answers. With
     * {@code afterLeases}, starts the same server through {@link ClockOffsetServer} instead, whose clock
     * is {@link #PAST_THE_LEASE} ahead.
     */
    private Process serve(Path data, int httpPort, int smtpPort, boolean afterLeases) throws Exception {
        List<String> arguments;
        String main;
        if (afterLeases) {
            main = ClockOffsetServer.class.getName();
            arguments = ClockOffsetServer.arguments(data, httpPort, smtpPort, PAST_THE_LEASE,
                    List.of("--data-dir", data.toString()));  // SQLite: the test reads its file
        } else {
            main = "dev.gatehouse.Main";
            arguments = List.of("serve", "--port", Integer.toString(httpPort),
                    "--data-dir", data.toString(),
                    "--smtp-host", "127.0.0.1", "--smtp-port", Integer.toString(smtpPort), "--smtp-security", "none",
                    "--smtp-from", FROM,
                    "--mail-retry-initial", "1s", "--mail-retry-max", "2s", "--mail-poll-interval", "PT0.2S",
                    "--argon2-memory-kib", "1024", "--argon2-iterations", "1",
                    "--rate-limits", "off");  // a load of registrations from one IP is the point here
        }
        return servers.start(main, arguments, dir.resolve("server-" + ++starts + ".log"), base(httpPort) + "/location",
                Duration.ofSeconds(30));
    }

    /** {@code gatehouse outbox --status <status>} in its own JVM: one JSON object per message. */
    private List<JsonNode> outboxCli(Path data, String status) throws Exception {
        Path out = dir.resolve("outbox-" + status + "-" + ++starts + ".out");
        Process cli = new ProcessBuilder(ChildServer.java(), "-cp", System.getProperty("java.class.path"), "dev.gatehouse.Main",
                "outbox", "--data-dir", data.toString(), "--status", status, "--limit", "100")
                .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(cli.waitFor(60, TimeUnit.SECONDS)).as("the outbox command ends").isTrue();
        String output = Files.readString(out);
        assertThat(cli.exitValue()).as("outbox command exit status; output:\n" + output).isZero();
        List<JsonNode> rows = new ArrayList<>();
        for (String line : output.lines().filter(l -> l.startsWith("{")).toList()) {
            rows.add(JSON.readTree(line));
        }
        return rows;
    }

    private static String base(int httpPort) {
        return "http://127.0.0.1:" + httpPort + "/api/client/v2.0/app/" + APP;
    }

    private int register(int httpPort, String email) throws IOException, InterruptedException {
        return post(httpPort, "/register", body("email", email, "password", "secret1"));
    }

    /** POSTs to {@code .../auth/providers/local-userpass<path>}; the status code. */
    private int post(int httpPort, String path, String json) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base(httpPort) + "/auth/providers/local-userpass" + path)).timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static String body(String... namesAndValues) {
        var node = JSON.createObjectNode();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            node.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return node.toString();
    }

    /** One number from the database the (possibly dead) server left, on a short-lived connection. */
    private static int count(Path db, String query) {
        Properties properties = new Properties();
        properties.setProperty("busy_timeout", "10000");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db, properties);
             PreparedStatement statement = c.prepareStatement(query);
             ResultSet rs = statement.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            throw new IllegalStateException(query, e);
        }
    }

    private static List<String> recipients(MimeMessage[] messages) {
        List<String> recipients = new ArrayList<>();
        for (MimeMessage message : messages) {
            recipients.add(recipient(message));
        }
        return recipients;
    }

    private static String recipient(MimeMessage message) {
        try {
            return message.getAllRecipients()[0].toString();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> messageIds(MimeMessage[] messages) {
        List<String> ids = new ArrayList<>();
        for (MimeMessage message : messages) {
            ids.add(messageId(message));
        }
        return ids;
    }

    private static String messageId(MimeMessage message) {
        try {
            String[] ids = message.getHeader("Message-ID");
            assertThat(ids).as("Message-ID header").hasSize(1);
            return ids[0];
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
