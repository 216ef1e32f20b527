package dev.gatehouse.reliability;

import static dev.gatehouse.mail.MailTestSupport.await;
import static dev.gatehouse.mail.MailTestSupport.freePort;
import static dev.gatehouse.testing.TestServer.body;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.gatehouse.testing.ChildServer;
import dev.gatehouse.testing.ClockOffsetServer;
import dev.gatehouse.testing.TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Killed with {@code kill -9} repeatedly under a load of registrations and resets; after restart
 * every acknowledged registration exists and every queued email is delivered." The server runs as
 * a child JVM ({@link ClockOffsetServer}) that the test kills with SIGKILL ({@link Process#destroyForcibly()}):
 * no shutdown hook, no {@code close()}, no flush. Four clients work through the whole life cycle at
 * once (register; confirm by the emailed link; twice ask for a reset and reset by the emailed link); a
 * request that dies with the process has an unknown outcome and is allowed either way, but every
 * acknowledged one must have happened in full, and nothing may be half done: every user row has its
 * confirmation email, every accepted reset request its reset email, and the outbox ends empty.
 * Runs on SQLite and, in the {@code reliability-on-postgresql} execution, on PostgreSQL (which is
 * not killed: the test is about Gatehouse's own acknowledgements). Figures go to stdout.
 */
@Tag("reliability")
class CrashReliabilityTest {
    private static final String APP = TestServer.APP;
    private static final java.util.regex.Pattern LINK =
            java.util.regex.Pattern.compile("token=([0-9a-f]{128})&tokenId=([0-9a-f]{24})");
    private static final int KILLS = 5;
    /**
     * Each restart sees the clock this much further ahead, beyond the two-minute lease that a killed
     * outbox worker leaves on the batch it was sending (OutboxWorker.LEASE, a constant): otherwise
     * those messages would wait two real minutes. Five restarts stay well inside the 30-minute life
     * of the confirmation and reset tokens.
     */
    private static final Duration CLOCK_STEP = Duration.ofMinutes(3);

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final ChildServer servers = new ChildServer();

    @Test
    void acknowledged_registrations_confirmations_and_resets_survive_repeated_kill_9() throws Throwable {
        Path data = dir.resolve("data");
        List<String> database = TestServer.databaseFlags(data);
        int httpPort = freePort();
        baseUrl = base(httpPort);
        GreenMail sink = new GreenMail(new ServerSetup(freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        Inbox inbox = new Inbox(sink);
        Traffic traffic = new Traffic(base(httpPort), inbox);
        long seed = System.nanoTime();
        Random random = new Random(seed);
        AtomicReference<Process> server = new AtomicReference<>();
        List<Long> restartMillis = new ArrayList<>();
        try {
            sink.start();
            server.set(start(data, httpPort, sink.getSmtp().getPort(), 0, restartMillis));
            traffic.start();
            for (int kill = 1; kill <= KILLS; kill++) {
                // Let the load run for a while, at a moment the test does not choose exactly.
                int before = traffic.acknowledged();
                Thread.sleep(1_500 + random.nextInt(2_000));
                await("requests acknowledged since the last restart", Duration.ofSeconds(60),
                        () -> traffic.acknowledged() >= before + 20 || traffic.failure.get() != null);
                assertThat(traffic.failure.get()).as("unexpected answer in the load").isNull();
                traffic.up(false);
                ChildServer.kill(server.get());
                System.out.printf("reliability [crash] kill %d: %s; %d mails received%n", kill, traffic.summary(),
                        sink.getReceivedMessages().length);
                server.set(start(data, httpPort, sink.getSmtp().getPort(), kill, restartMillis));
                traffic.up(true);
            }
            Thread.sleep(2_000);
            traffic.stop();
            assertThat(traffic.failure.get()).as("unexpected answer in the load").isNull();
            verify(traffic, inbox, data, database);
            System.out.printf("reliability [crash] after %d kills (seed %d): %s; %d mails received, %d sent twice "
                            + "(in flight at a kill); restart to first answer %s ms%n",
                    KILLS, seed, traffic.summary(), sink.getReceivedMessages().length, inbox.duplicates(), restartMillis);
        } catch (Throwable t) {
            throw servers.withLogs(t);
        } finally {
            traffic.stop();
            ChildServer.kill(server.get());
            sink.stop();
        }
    }

    /** What must hold once the last server has had time to deliver. */
    private void verify(Traffic traffic, Inbox inbox, Path data, List<String> database) throws Exception {
        Set<String> users = users(data, database);
        Set<String> mayExist = new HashSet<>(traffic.registered);
        mayExist.addAll(traffic.registerUnknown);
        assertThat(users).as("every acknowledged registration exists").containsAll(traffic.registered);
        assertThat(mayExist).as("no user that was never registered").containsAll(users);

        // Every user row was written with its confirmation email in one transaction: none without it.
        try {
            await("a confirmation email for every user, a reset email for every accepted reset request, "
                    + "and an empty outbox", Duration.ofSeconds(60), () -> inbox.recipients(Kind.CONFIRM).containsAll(users)
                    && traffic.resetRequested.entrySet().stream()
                            .allMatch(e -> inbox.count(Kind.RESET, e.getKey()) >= e.getValue().get())
                    && outboxPending(data, database) == 0);
        } catch (AssertionError e) {
            Set<String> missing = new HashSet<>(users);
            missing.removeAll(inbox.recipients(Kind.CONFIRM));
            List<String> outbox = new ArrayList<>();
            query(data, database, "SELECT recipient, kind, status, attempts, next_attempt_at, claimed_until, last_error "
                    + "FROM outbox WHERE status <> 'sent' ORDER BY seq LIMIT 20", rs -> outbox.add(
                    "%s %s %s attempts=%d next=%d claimed=%d error=%s".formatted(rs.getString(1), rs.getString(2),
                            rs.getString(3), rs.getInt(4), rs.getLong(5), rs.getLong(6), rs.getString(7))));
            List<String> kinds = new ArrayList<>();
            query(data, database, "SELECT kind, status, count(*) FROM outbox GROUP BY kind, status",
                    rs -> kinds.add(rs.getString(1) + "/" + rs.getString(2) + "=" + rs.getInt(3)));
            Map<String, Integer> subjects = new java.util.TreeMap<>();
            for (var message : inbox.sink.getReceivedMessages()) {
                subjects.merge(String.valueOf(message.getSubject()), 1, Integer::sum);
            }
            e.addSuppressed(new AssertionError("outbox by kind and status " + kinds + "; received subjects " + subjects));
            e.addSuppressed(new AssertionError("no confirmation email for " + missing + "; reset requests "
                    + traffic.resetRequested + "; outbox rows not sent (now " + System.currentTimeMillis() + "): " + outbox));
            throw e;
        }
        assertThat(inbox.recipients(Kind.CONFIRM)).as("confirmation emails only to users").isSubsetOf(users);

        int logins = 0;
        for (Account account : traffic.accounts.values()) {
            if (!account.confirmed) {
                continue;  // unconfirmed, or its confirmation's outcome is unknown
            }
            if (account.resetUnknown == null) {
                assertThat(login(account.email, account.password)).as("login of " + account.email + " with its "
                        + (account.resets > 0 ? "reset " : "") + "password").isEqualTo(200);
                logins++;
                if (account.previousPassword != null) {
                    assertThat(login(account.email, account.previousPassword))
                            .as("the password before an acknowledged reset no longer works").isEqualTo(401);
                }
            } else {
                // A reset that died with the server: one of the two passwords, never neither.
                int withOld = login(account.email, account.password);
                int withNew = login(account.email, account.resetUnknown);
                assertThat(List.of(withOld, withNew)).as("login of " + account.email + " after an unknown reset")
                        .containsExactlyInAnyOrder(200, 401);
                logins++;
            }
        }
        for (String email : traffic.registered) {
            Account account = traffic.accounts.get(email);
            if (!account.confirmed && !account.confirmAttempted) {
                assertThat(login(email, account.password)).as("a pending user cannot log in").isEqualTo(401);
            }
        }
        System.out.printf("reliability [crash] checked: %d users in the database, %d logins with the expected "
                + "password, %d confirmation and %d reset emails%n", users.size(), logins,
                inbox.recipients(Kind.CONFIRM).size(), inbox.count(Kind.RESET));
    }

    // ---------------------------------------------------------------------------------------------
    // The load: four clients, each a platform thread.
    // ---------------------------------------------------------------------------------------------

    /** One address's life as the clients saw it. Written by one client at a time (handed over through queues). */
    private static final class Account {
        final String email;
        volatile String password;
        volatile String previousPassword;
        /** A reset whose outcome is unknown: the password it asked for. */
        volatile String resetUnknown;
        volatile boolean confirmAttempted;
        volatile boolean confirmed;
        volatile int resets;

        Account(String email, String password) {
            this.email = email;
            this.password = password;
        }
    }

    private final class Traffic {
        final Map<String, Account> accounts = new ConcurrentHashMap<>();
        final Set<String> registered = ConcurrentHashMap.newKeySet();
        final Set<String> registerUnknown = ConcurrentHashMap.newKeySet();
        /** Acknowledged reset requests per address: each must bring its own email. */
        final Map<String, AtomicInteger> resetRequested = new ConcurrentHashMap<>();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final AtomicInteger acks = new AtomicInteger();
        private final AtomicInteger unknown = new AtomicInteger();
        private final AtomicInteger confirms = new AtomicInteger();
        private final AtomicInteger resetSends = new AtomicInteger();
        private final AtomicInteger resets = new AtomicInteger();
        private final java.util.concurrent.LinkedBlockingQueue<Account> toConfirm = new java.util.concurrent.LinkedBlockingQueue<>();
        private final java.util.concurrent.LinkedBlockingQueue<Account> toReset = new java.util.concurrent.LinkedBlockingQueue<>();
        private final String base;
        private final Inbox inbox;
        private final List<Thread> threads = new ArrayList<>();
        private volatile CountDownLatch up = new CountDownLatch(0);
        private volatile boolean running = true;

        Traffic(String base, Inbox inbox) {
            this.base = base;
            this.inbox = inbox;
        }

        void start() {
            // Two reset clients: each waits for its email, while registrations never wait.
            threads.add(client("register", this::register));
            threads.add(client("confirm", this::confirm));
            threads.add(client("reset-1", this::reset));
            threads.add(client("reset-2", this::reset));
            threads.forEach(Thread::start);
        }

        private Thread client(String name, Step step) {
            return Thread.ofPlatform().name(name).unstarted(() -> {
                try {
                    while (running && failure.get() == null) {
                        up.await();
                        if (running) {
                            step.run();
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            });
        }

        /** Server up: the clients send. Down: each waits after its current request. */
        void up(boolean isUp) {
            if (isUp) {
                up.countDown();
            } else {
                up = new CountDownLatch(1);
            }
        }

        void stop() throws InterruptedException {
            running = false;
            up.countDown();
            for (Thread thread : threads) {
                thread.join(30_000);
                assertThat(thread.isAlive()).as(thread.getName() + " stopped").isFalse();
            }
        }

        int acknowledged() {
            return acks.get();
        }

        String summary() {
            return "%d registrations, %d confirmations, %d reset requests, %d resets acknowledged; %d outcomes unknown"
                    .formatted(registered.size(), confirms.get(), resetSends.get(), resets.get(), unknown.get());
        }

        private final AtomicInteger next = new AtomicInteger();

        private void register() throws InterruptedException {
            int n = next.incrementAndGet();
            Account account = new Account("crash" + n + "@example.com", "password-" + n);
            accounts.put(account.email, account);
            Integer status = send("/register", body("email", account.email, "password", account.password));
            if (status == null) {
                registerUnknown.add(account.email);
            } else {
                expect("register " + account.email, status, 201);
                registered.add(account.email);
                acks.incrementAndGet();
                toConfirm.put(account);
            }
        }

        private void confirm() throws Exception {
            Account account = toConfirm.poll(200, TimeUnit.MILLISECONDS);
            if (account == null) {
                return;
            }
            String[] link = inbox.latest(Kind.CONFIRM, account.email);
            if (link == null) {
                toConfirm.put(account);  // not delivered yet (or queued across a kill): later
                return;
            }
            boolean retry = account.confirmAttempted;
            account.confirmAttempted = true;
            Integer status = send("/confirm", body("token", link[0], "tokenId", link[1]));
            if (status == null) {
                unknown.incrementAndGet();
                toConfirm.put(account);  // try again: either it took, or the token still works
            } else if (status == 400 && retry) {
                // The earlier attempt died with a server after its commit: the token is used up.
                Integer login = send("/login", body("username", account.email, "password", account.password));
                if (login == null) {
                    toConfirm.put(account);  // this server died too: ask the next one
                    return;
                }
                account.confirmed = login == 200;
                assertThat(account.confirmed).as("a used-up confirmation token means a confirmed user").isTrue();
                toReset.put(account);
            } else {
                expect("confirm " + account.email, status, 204);
                account.confirmed = true;
                confirms.incrementAndGet();
                acks.incrementAndGet();
                toReset.put(account);
            }
        }

        private void reset() throws Exception {
            Account account = toReset.poll(200, TimeUnit.MILLISECONDS);
            if (account == null) {
                return;
            }
            if (account.resetUnknown != null || account.resets >= 2) {
                return;  // done with this one (the mail quota allows five messages an hour per address)
            }
            int before = inbox.count(Kind.RESET, account.email);
            Integer status = send("/reset/send", body("email", account.email));
            if (status == null) {
                unknown.incrementAndGet();
                return;
            }
            expect("reset/send " + account.email, status, 204);
            resetRequested.computeIfAbsent(account.email, e -> new AtomicInteger()).incrementAndGet();
            resetSends.incrementAndGet();
            acks.incrementAndGet();
            String[] link = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (link == null && running && System.nanoTime() < deadline) {
                link = inbox.count(Kind.RESET, account.email) > before ? inbox.latest(Kind.RESET, account.email) : null;
                Thread.sleep(20);
            }
            if (link == null) {
                return;  // still queued, perhaps across a kill: the final check waits for it
            }
            String newPassword = account.password + "-r" + (account.resets + 1);
            status = send("/reset", body("token", link[0], "tokenId", link[1], "password", newPassword));
            if (status == null) {
                account.resetUnknown = newPassword;
                unknown.incrementAndGet();
                return;
            }
            expect("reset " + account.email, status, 204);
            account.previousPassword = account.password;
            account.password = newPassword;
            account.resets++;
            resets.incrementAndGet();
            acks.incrementAndGet();
            toReset.put(account);
        }

        /** The status, or null when the connection failed: the server died under the request. */
        private Integer send(String path, String json) throws InterruptedException {
            try {
                return post(base + "/auth/providers/local-userpass" + path, json).statusCode();
            } catch (IOException e) {
                return null;
            }
        }

        private void expect(String what, int status, int expected) {
            if (status != expected) {
                throw new AssertionError(what + ": " + status + ", expected " + expected);
            }
        }
    }

    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    // ---------------------------------------------------------------------------------------------
    // Mail as GreenMail received it.
    // ---------------------------------------------------------------------------------------------

    private enum Kind { CONFIRM, RESET }

    /**
     * The links received, per kind and recipient, in arrival order. GreenMail lists its messages
     * mailbox by mailbox, so a new message may appear anywhere in the list: each refresh walks all
     * of it and reads the messages whose Message-ID it has not seen.
     */
    private static final class Inbox {
        private final GreenMail sink;
        private final Map<Kind, Map<String, List<String[]>>> links = new ConcurrentHashMap<>();
        private final Set<String> messageIds = new HashSet<>();
        private int duplicates;

        Inbox(GreenMail sink) {
            this.sink = sink;
            for (Kind kind : Kind.values()) {
                links.put(kind, new ConcurrentHashMap<>());
            }
        }

        synchronized void refresh() {
            try {
                Map<String, Integer> copies = new java.util.HashMap<>();
                for (var message : sink.getReceivedMessages()) {
                    String id = message.getMessageID();
                    // One outbox row, one Message-ID: a second copy is a resend of a message in flight at a kill.
                    if (copies.merge(id, 1, Integer::sum) > 1 || !messageIds.add(id)) {
                        continue;
                    }
                    Kind kind = message.getSubject().startsWith("Confirm") ? Kind.CONFIRM : Kind.RESET;
                    var matcher = LINK.matcher(dev.gatehouse.mail.MailTestSupport.part(message, "text/plain"));
                    assertThat(matcher.find()).as("a link in " + message.getSubject()).isTrue();
                    String to = message.getAllRecipients()[0].toString();
                    links.get(kind).computeIfAbsent(to, t -> new ArrayList<>())
                            .add(new String[] {matcher.group(1), matcher.group(2)});
                }
                duplicates = copies.values().stream().mapToInt(n -> n - 1).sum();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        /** {token, tokenId} of the newest message of that kind to that address, or null. */
        synchronized String[] latest(Kind kind, String to) {
            refresh();
            List<String[]> list = links.get(kind).get(to);
            return list == null ? null : list.get(list.size() - 1);
        }

        synchronized int count(Kind kind, String to) {
            refresh();
            List<String[]> list = links.get(kind).get(to);
            return list == null ? 0 : list.size();
        }

        synchronized int count(Kind kind) {
            refresh();
            return links.get(kind).values().stream().mapToInt(List::size).sum();
        }

        synchronized Set<String> recipients(Kind kind) {
            refresh();
            return Set.copyOf(links.get(kind).keySet());
        }

        synchronized int duplicates() {
            refresh();
            return duplicates;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // The server in a child JVM.
    // ---------------------------------------------------------------------------------------------

    /**
     * Starts {@link ClockOffsetServer} in its own JVM on the same database and port, waits until it answers, and
     * records how long that took.
     */
    private Process start(Path data, int httpPort, int smtpPort, int restart, List<Long> millis) throws Exception {
        long started = System.nanoTime();
        Process process = servers.start(ClockOffsetServer.class.getName(),
                ClockOffsetServer.arguments(data, httpPort, smtpPort, CLOCK_STEP.multipliedBy(restart),
                        TestServer.databaseFlags(data)),
                dir.resolve("server-" + restart + ".log"), base(httpPort) + "/location", Duration.ofSeconds(60));
        millis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        return process;
    }

    private static String base(int httpPort) {
        return "http://127.0.0.1:" + httpPort + "/api/client/v2.0/app/" + APP;
    }

    private String baseUrl;

    private HttpResponse<String> post(String url, String json) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private int login(String email, String password) throws IOException, InterruptedException {
        return post(baseUrl + "/auth/providers/local-userpass/login", body("username", email, "password", password))
                .statusCode();
    }

    // ---------------------------------------------------------------------------------------------
    // The database the (dead or live) server left.
    // ---------------------------------------------------------------------------------------------

    private static Set<String> users(Path data, List<String> database) {
        Set<String> emails = new HashSet<>();
        query(data, database, "SELECT email FROM users", rs -> emails.add(rs.getString(1)));
        return emails;
    }

    private static int outboxPending(Path data, List<String> database) {
        int[] n = {0};
        query(data, database, "SELECT count(*) FROM outbox WHERE status <> 'sent'", rs -> n[0] = rs.getInt(1));
        return n[0];
    }

    @FunctionalInterface
    private interface Row {
        void read(ResultSet rs) throws SQLException;
    }

    private static void query(Path data, List<String> database, String sql, Row row) {
        try (Connection c = TestServer.onPostgres()
                ? DriverManager.getConnection(database.get(1), database.get(3), "")
                : DriverManager.getConnection("jdbc:sqlite:" + data.resolve("gatehouse.db") + "?busy_timeout=10000");
             PreparedStatement statement = c.prepareStatement(sql);
             ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                row.read(rs);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }
}
