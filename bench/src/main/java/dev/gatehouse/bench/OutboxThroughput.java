package dev.gatehouse.bench;

import dev.gatehouse.Gatehouse;
import dev.gatehouse.config.ServerConfig;
import dev.gatehouse.mail.FixedIdMessage;
import dev.gatehouse.mail.MailSettings;
import dev.gatehouse.mail.SmtpSettings;
import dev.gatehouse.password.HashParameters;
import dev.gatehouse.ratelimit.RateLimitPolicy;
import dev.gatehouse.ratelimit.RateLimitSettings;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Outbox throughput to a local SMTP sink, in messages per second, against a baseline measured in
 * the same run: Angus Mail sending the same messages over one reused connection to the same kind
 * of sink, which is as fast as one SMTP client thread can go. Three figures:
 *
 * <ul>
 *   <li><b>baseline</b>: N messages sent directly, one {@link Transport}, one connection;</li>
 *   <li><b>outbox drain</b>: N messages queued first (registrations while SMTP is down), then the
 *       sink is started and the server's clock moved past the retry delay; timed from that moment
 *       until the sink holds N messages. This is the outbox alone;</li>
 *   <li><b>registration to inbox</b>: N users registered over HTTP (Argon2id with the default OWASP
 *       parameters) while the sink is up; timed from the first request until the sink holds N.</li>
 * </ul>
 *
 * Options: {@code --n 2000} messages per measured run, {@code --warmup 300} per warm-up run,
 * {@code --sink raw|greenmail}, {@code --concurrency <CPUs>} HTTP clients, {@code --only
 * baseline,drain,register}.
 */
public final class OutboxThroughput {
    private static final String FROM = "noreply@gatehouse.test";
    private static final String APP = "gatehouse-local";
    /** Argon2id for the untimed filling of the drain run: cheap, so that filling is quick. */
    private static final HashParameters CHEAP = new HashParameters(1024, 1, 1);

    private final String sinkKind;
    private final int concurrency;
    private final Path work;
    private final SecureRandom random = new SecureRandom();
    private Shape shape;
    private int runs;

    private OutboxThroughput(String sinkKind, int concurrency, Path work) {
        this.sinkKind = sinkKind;
        this.concurrency = concurrency;
        this.work = work;
    }

    public static void main(String[] args) throws Exception {
        int n = 2000;
        int warmup = 300;
        String sink = "raw";
        // One HTTP client per CPU: enough to keep Argon2 busy on every core. More concurrent
        // registrations than the virtual-thread scheduler has carriers can stall the server for
        // SQLite's busy_timeout (see bench/README.md, "Known problem").
        int concurrency = Runtime.getRuntime().availableProcessors();
        List<String> only = List.of("baseline", "drain", "register");
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--n" -> n = Integer.parseInt(value);
                case "--warmup" -> warmup = Integer.parseInt(value);
                case "--sink" -> sink = value;
                case "--concurrency" -> concurrency = Integer.parseInt(value);
                case "--only" -> only = List.of(value.split(","));
                default -> {
                    System.err.println("usage: run-outbox [--n 2000] [--warmup 300] [--sink raw|greenmail] "
                            + "[--concurrency <CPUs>] [--only baseline,drain,register]");
                    System.exit(2);
                }
            }
            i++;
        }
        if (!List.of("raw", "greenmail").contains(sink)) {
            throw new IllegalArgumentException("--sink must be raw or greenmail");
        }
        Path work = Files.createTempDirectory("gatehouse-bench");
        try {
            new OutboxThroughput(sink, concurrency, work).run(n, warmup, only);
        } finally {
            try (Stream<Path> files = Files.walk(work)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(file);
                }
            }
        }
        System.exit(0);
    }

    private void run(int n, int warmup, List<String> only) throws Exception {
        System.out.printf(Locale.ROOT, "Outbox throughput: N=%d, warm-up %d, sink=%s, %d HTTP client(s), %d CPU(s), %s %s, %s%n",
                n, warmup, sinkKind, concurrency, Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                System.getProperty("java.version"), System.getProperty("os.name") + " " + System.getProperty("os.arch"));

        // Warm-up: every path once with fewer messages. The first also yields a real message, whose
        // subject and parts the baseline then sends, so both send the same shape.
        System.out.println("warm-up...");
        Result warm = register(warmup);
        System.out.println("  " + warm);
        System.out.println("  " + baseline(warmup));
        System.out.println("  " + drain(warmup));

        System.out.println("measured:");
        List<Result> baselines = new ArrayList<>();
        Result drain = null;
        Result register = null;
        if (only.contains("baseline")) {
            baselines.add(print(baseline(n)));
        }
        if (only.contains("drain")) {
            drain = print(drain(n));
        }
        if (only.contains("register")) {
            register = print(register(n));
        }
        if (only.contains("baseline")) {
            baselines.add(print(baseline(n)));
        }
        if (baselines.isEmpty()) {
            return;
        }
        double base = baselines.stream().mapToDouble(Result::perSecond).average().orElseThrow();
        System.out.println();
        System.out.printf(Locale.ROOT, "message size on the wire: %d bytes (outbox), %d bytes (baseline)%n",
                shape.wireBytes(), shape.baselineWireBytes());
        System.out.printf(Locale.ROOT, "%-34s %10.0f msg/s  (mean of %d runs)%n", "baseline (Angus, 1 connection)", base,
                baselines.size());
        for (Result r : new Result[] {drain, register}) {
            if (r != null) {
                System.out.printf(Locale.ROOT, "%-34s %10.1f msg/s  ratio outbox/baseline = %.3f%n", r.name(), r.perSecond(),
                        r.perSecond() / base);
            }
        }
    }

    private static Result print(Result r) {
        System.out.println("  " + r);
        return r;
    }

    // ---------------------------------------------------------------------------------------------

    /** Angus Mail over one connection, the same message shape as the outbox, built per message as the outbox does. */
    private Result baseline(int n) throws Exception {
        try (Sink sink = sink(0)) {
            Properties props = new Properties();
            props.put("mail.transport.protocol", "smtp");
            props.put("mail.smtp.host", "127.0.0.1");
            props.put("mail.smtp.port", Integer.toString(sink.port()));
            props.put("mail.smtp.auth", "false");
            props.put("mail.smtp.connectiontimeout", "5000");
            props.put("mail.smtp.timeout", "30000");
            props.put("mail.smtp.writetimeout", "30000");
            props.put("mail.smtp.from", FROM);
            Session session = Session.getInstance(props);
            InternetAddress from = new InternetAddress(FROM, "", StandardCharsets.UTF_8.name());
            String run = "b" + ++runs;
            long start = System.nanoTime();
            Transport transport = session.getTransport();
            transport.connect("127.0.0.1", sink.port(), null, null);
            try {
                for (int i = 0; i < n; i++) {
                    MimeMessage message = new FixedIdMessage(session, "<" + run + "-" + i + "@gatehouse.test>");
                    message.setFrom(from);
                    message.setRecipient(Message.RecipientType.TO, new InternetAddress(run + "-" + i + "@example.com", true));
                    message.setSubject(shape.subject(), StandardCharsets.UTF_8.name());
                    message.setHeader("Auto-Submitted", "auto-generated");
                    MimeBodyPart text = new MimeBodyPart();
                    text.setText(shape.text(), StandardCharsets.UTF_8.name(), "plain");
                    MimeBodyPart html = new MimeBodyPart();
                    html.setText(shape.html(), StandardCharsets.UTF_8.name(), "html");
                    message.setContent(new MimeMultipart("alternative", text, html));
                    message.saveChanges();
                    transport.sendMessage(message, message.getAllRecipients());
                }
            } finally {
                transport.close();
            }
            awaitSink(sink, n);
            long end = System.nanoTime();
            shape = shape.withBaselineSample(sink.sample());
            return new Result("baseline", n, end - start, "");
        }
    }

    /** Queue N messages with SMTP down, then start the sink and time only the drain. */
    private Result drain(int n) throws Exception {
        int smtpPort = freePort();
        Path data = work.resolve("drain-" + ++runs);
        SteppingClock clock = new SteppingClock(Instant.now());
        try (Gatehouse server = Gatehouse.start(config(data, smtpPort, CHEAP), clock, random)) {
            long fillStart = System.nanoTime();
            registerAll(server.port(), n, "d" + runs);
            // The clock stands still, so each message is tried once (connection refused) and then
            // waits for a retry time that does not come until the clock moves.
            waitFor(data, "every message tried once and waiting", Duration.ofMinutes(5),
                    "SELECT count(*) FROM outbox WHERE attempts = 0 OR status <> 'queued' OR claimed_until IS NOT NULL", 0);
            long fillEnd = System.nanoTime();
            try (Sink sink = sink(smtpPort)) {
                long start = System.nanoTime();
                clock.advance(Duration.ofDays(1));
                awaitSink(sink, n);
                long end = System.nanoTime();
                waitFor(data, "every message marked sent", Duration.ofMinutes(1),
                        "SELECT count(*) FROM outbox WHERE status <> 'sent'", 0);
                return new Result("outbox drain (queued, then SMTP up)", n, end - start,
                        String.format(Locale.ROOT, "; filling took %.1f s, untimed", (fillEnd - fillStart) / 1e9));
            }
        }
    }

    /** Register N users over HTTP with the sink up; time from the first request until the sink holds N. */
    private Result register(int n) throws Exception {
        Path data = work.resolve("register-" + ++runs);
        try (Sink sink = sink(0);
             Gatehouse server = Gatehouse.start(config(data, sink.port(), null), Clock.systemUTC(), random)) {
            long start = System.nanoTime();
            registerAll(server.port(), n, "r" + runs);
            long registered = System.nanoTime();
            awaitSink(sink, n);
            long end = System.nanoTime();
            if (shape == null) {
                shape = Shape.of(sink.sample());
            }
            return new Result("registration to inbox (OWASP Argon2)", n, end - start, String.format(Locale.ROOT,
                    "; registrations alone %.1f/s, last mail %.2f s after the last 201",
                    n / ((registered - start) / 1e9), (end - registered) / 1e9));
        }
    }

    // ---------------------------------------------------------------------------------------------

    /** The server as the brief of this benchmark gives it; {@code hashing} null keeps the OWASP default. */
    private static ServerConfig config(Path data, int smtpPort, HashParameters hashing) {
        ServerConfig c = ServerConfig.defaults(data).withPort(0)
                .withRateLimits(RateLimitSettings.defaults().withPolicy(RateLimitPolicy.OFF))  // one client IP, by design
                .withMail(MailSettings.devMailbox()
                .withSmtp(new SmtpSettings("127.0.0.1", smtpPort, SmtpSettings.Security.NONE, null, null, FROM, null,
                        Duration.ofSeconds(5), Duration.ofSeconds(30), null))
                .withRetries(10, Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofMillis(100))
                .withQuota(0, Duration.ofHours(1), true));
        return hashing == null ? c : c.withHashing(hashing);
    }

    private Sink sink(int port) {
        return sinkKind.equals("raw") ? new RawSmtpSink(port) : new GreenMailSink(port);
    }

    private static void awaitSink(Sink sink, int n) throws InterruptedException {
        Duration timeout = Duration.ofSeconds(120 + n / 5);
        if (!sink.await(n, timeout)) {
            throw new IllegalStateException("the sink got " + sink.received() + " of " + n + " messages in " + timeout);
        }
    }

    /** N registrations from {@link #concurrency} client threads, each expected to answer 201. */
    private void registerAll(int httpPort, int n, String prefix) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI uri = URI.create("http://127.0.0.1:" + httpPort + "/api/client/v2.0/app/" + APP
                + "/auth/providers/local-userpass/register");
        AtomicInteger next = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(concurrency);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < concurrency; c++) {
                done.add(clients.submit(() -> {
                    for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                        String body = "{\"email\":\"" + prefix + "-" + i + "@example.com\",\"password\":\"secret1\"}";
                        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                        if (response.statusCode() != 201) {
                            throw new IllegalStateException("register answered " + response.statusCode() + ": " + response.body());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            clients.shutdownNow();
        }
    }

    /** Polls one count on the server's database until it equals {@code expected} (the outbox state is not on the API). */
    private static void waitFor(Path data, String what, Duration timeout, String query, int expected)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int last;
        while ((last = count(data, query)) != expected) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for " + what + " (" + query + " = " + last + ")");
            }
            Thread.sleep(20);
        }
    }

    private static int count(Path data, String query) {
        Properties props = new Properties();
        props.setProperty("busy_timeout", "10000");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("gatehouse.db"), props);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            throw new IllegalStateException(query, e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------------------------------------

    record Result(String name, int n, long nanos, String note) {
        double perSecond() {
            return n / (nanos / 1e9);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%-38s %6d msgs in %7.2f s = %8.1f msg/s%s", name, n, nanos / 1e9,
                    perSecond(), note);
        }
    }

    /** The subject and parts of a real outbox message, which the baseline sends too. */
    record Shape(String subject, String text, String html, int wireBytes, int baselineWireBytes) {
        static Shape of(String wire) throws MessagingException, IOException {
            MimeMessage message = new MimeMessage(Session.getInstance(new Properties()),
                    new ByteArrayInputStream(wire.getBytes(StandardCharsets.ISO_8859_1)));
            Multipart parts = (Multipart) message.getContent();
            String text = null;
            String html = null;
            for (int i = 0; i < parts.getCount(); i++) {
                Part part = parts.getBodyPart(i);
                if (part.isMimeType("text/plain")) {
                    text = (String) part.getContent();
                } else if (part.isMimeType("text/html")) {
                    html = (String) part.getContent();
                }
            }
            if (!message.isMimeType("multipart/alternative") || text == null || html == null) {
                throw new IllegalStateException("unexpected outbox message shape:\n" + wire);
            }
            return new Shape(message.getSubject(), text, html, wire.length(), 0);
        }

        Shape withBaselineSample(String wire) {
            return new Shape(subject, text, html, wireBytes, wire == null ? 0 : wire.length());
        }
    }

    /** Stands still until moved: retry times come only when the benchmark says so. */
    static final class SteppingClock extends Clock {
        private volatile Instant now;

        SteppingClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }
}
