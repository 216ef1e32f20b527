package dev.gatehouse.mail;

import dev.gatehouse.db.Database;
import dev.gatehouse.token.Ids;
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
