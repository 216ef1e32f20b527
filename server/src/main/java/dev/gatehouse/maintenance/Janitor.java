package dev.gatehouse.maintenance;

import dev.gatehouse.db.Database;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes rows that can no longer serve anyone, so that tables grow with users, not with time:
 * expired confirmation/reset tokens, expired sessions, and sent outbox and dev mailbox messages
 * older than the retention (kept that long for operators and for the per-address mail quota), and
 * stale rate-limit rows.
 * Every node runs one; the deletes are idempotent, so nodes need not agree on who does it. Each
 * delete takes at most {@value #BATCH} rows, so no transaction holds locks for long.
 * Thread-safe.
 */
public final class Janitor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Janitor.class);
    static final int BATCH = 1000;
    /** Per table per pass: a backlog larger than this is left to the next pass. */
    private static final int MAX_BATCHES = 100;

    private final Database database;
    private final Clock clock;
    private final Duration retention;
    private final Duration interval;
    private final Thread thread;
    private volatile boolean running = true;

    /** One table's rule: delete rows whose {@code column} is before a cutoff, matching {@code condition}. */
    private record Rule(String table, String key, String column, String condition, boolean afterRetention) {}

    private static final List<Rule> RULES = List.of(
            new Rule("user_tokens", "token_id", "expires_at", "", false),
            new Rule("sessions", "id", "expires_at", "", false),
            new Rule("admin_sessions", "id", "expires_at", "", false),
            new Rule("outbox", "seq", "sent_at", " AND status = 'sent'", true),
            new Rule("dev_mail", "seq", "created_at", "", true),
            // Quiet for a whole window and no longer waiting: the next event would start over anyway.
            new Rule("rate_limits", "key_hash", "expires_at", "", false));

    /**
     * @param retention how long sent mail is kept; at least the mail quota's window, which counts it
     * @param interval time between passes
     */
    public Janitor(Database database, Clock clock, Duration retention, Duration interval) {
        this.database = database;
        this.clock = clock;
        this.retention = retention;
        this.interval = interval;
        this.thread = Thread.ofPlatform().name("gatehouse-janitor").daemon().unstarted(this::loop);
    }

    public void start() {
        thread.start();
    }

    /** Runs one pass now; returns how many rows it deleted. */
    public int purge() {
        Instant now = clock.instant();
        int total = 0;
        for (Rule rule : RULES) {
            Instant cutoff = rule.afterRetention() ? now.minus(retention) : now;
            String sql = "DELETE FROM " + rule.table() + " WHERE " + rule.key() + " IN (SELECT " + rule.key() + " FROM "
                    + rule.table() + " WHERE " + rule.column() + " < :cutoff" + rule.condition() + " LIMIT " + BATCH + ")";
            for (int batch = 0; batch < MAX_BATCHES; batch++) {
                int deleted = database.inTransaction(h -> h.createUpdate(sql).bind("cutoff", cutoff.toEpochMilli()).execute());
                total += deleted;
                if (deleted < BATCH) {
                    break;
                }
            }
        }
        return total;
    }

    private void loop() {
        // Nodes started together spread their passes out instead of deleting in step.
        long delay = interval.toMillis() / 2 + ThreadLocalRandom.current().nextLong(interval.toMillis() / 2 + 1);
        while (running) {
            try {
                Thread.sleep(delay);
                int deleted = purge();
                if (deleted > 0) {
                    log.info("janitor: deleted {} expired row(s)", deleted);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("janitor pass failed; trying again next interval", e);
            }
            delay = interval.toMillis();
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
