package dev.gatehouse.mail;

import dev.gatehouse.db.Database;
import dev.gatehouse.token.Ids;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.jdbi.v3.core.Handle;

/**
 * The SMTP outbox as a {@link Mailer}: messages are queued in the caller's transaction and the
 * delivery worker is woken once that transaction commits. Thread-safe.
 */
public final class Outbox implements Mailer, AutoCloseable {
    private final OutboxStore store;
    private final OutboxWorker worker;
    private final Ids ids;
    private final Clock clock;
    private static final long READING_REUSE_NANOS = 1_000_000_000L;
    private volatile Reading reading;

    private Outbox(OutboxStore store, OutboxWorker worker, Ids ids, Clock clock) {
        this.store = store;
        this.worker = worker;
        this.ids = ids;
        this.clock = clock;
    }

    /** An outbox delivering through {@code settings.smtp()}, its worker started. */
    public static Outbox start(Database database, MailSettings settings, Ids ids, Clock clock, RandomGenerator random) {
        OutboxStore store = new OutboxStore(database);
        OutboxWorker worker = new OutboxWorker(store, new SmtpTransport(settings.smtp()), settings, clock, random);
        worker.start();
        return new Outbox(store, worker, ids, clock);
    }

    /** Read-only view for operators (the CLI), without a worker. */
    public static List<Map<String, Object>> list(Database database, String status, int limit) {
        return new OutboxStore(database).list(status, limit);
    }

    /** Puts every parked message back in the queue (for an operator who fixed the cause). */
    public static int requeueParked(Database database, Instant now) {
        return new OutboxStore(database).requeueParked(now);
    }

    /**
     * Registers {@code gatehouse.outbox.depth} and {@code gatehouse.outbox.oldest.age.seconds} for the
     * queued and parked messages. They are read from the table at scrape time, never counted in
     * memory, so every node reports the shared table's state and nothing can drift; the four gauges
     * of one scrape share one query (a reading is reused for a second).
     */
    public void bindMetrics(MeterRegistry meters) {
        for (String status : List.of("queued", "parked")) {
            Gauge.builder("gatehouse.outbox.depth", () -> backlogs().get(status).count())
                    .description("Messages in the SMTP outbox by status (queued: waiting to be sent; parked: gave up)")
                    .tag("status", status)
                    .register(meters);
            Gauge.builder("gatehouse.outbox.oldest.age.seconds", () -> ageSeconds(backlogs().get(status).oldest()))
                    .description("Age of the oldest message in the SMTP outbox by status, 0 when there is none")
                    .tag("status", status)
                    .register(meters);
        }
    }

    /** The last reading of the table if it is under a second old (monotonic time), else a new one. */
    private Map<String, OutboxStore.Backlog> backlogs() {
        Reading last = reading;
        long now = System.nanoTime();
        if (last == null || now - last.nanos() > READING_REUSE_NANOS) {
            last = new Reading(store.backlogs(), now);
            reading = last;
        }
        return last.backlogs();
    }

    private record Reading(Map<String, OutboxStore.Backlog> backlogs, long nanos) {}

    private double ageSeconds(Instant oldest) {
        return oldest == null ? 0 : Math.max(0, Duration.between(oldest, clock.instant()).toMillis() / 1000.0);
    }

    @Override
    public void enqueue(Handle h, MailMessage message) {
        store.insert(h, ids.objectId(), message, clock.instant());
        h.afterCommit(worker::wake);
    }

    @Override
    public List<Instant> writtenSince(Handle h, String appId, String recipient, Instant since) {
        return store.writtenSince(h, appId, recipient, since);
    }

    @Override
    public void close() {
        worker.close();
    }
}
