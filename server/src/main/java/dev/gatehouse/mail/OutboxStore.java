package dev.gatehouse.mail;

import dev.gatehouse.db.Database;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * SQL of the {@code outbox} table. A message moves {@code queued -> sent} or {@code queued -> parked};
 * while one node sends it, {@code claimed_until} holds a lease so that no other node sends it too,
 * and a node that dies mid-send leaves a lease that simply runs out. Thread-safe.
 */
public final class OutboxStore {
    private final Database database;

    public OutboxStore(Database database) {
        this.database = database;
    }

    public void insert(Handle h, String id, MailMessage m, Instant now) {
        h.createUpdate("INSERT INTO outbox (id, app_id, recipient, kind, language, subject, body_text, body_html, status, "
                        + "next_attempt_at, created_at) VALUES (:id, :appId, :to, :kind, :language, :subject, :text, :html, "
                        + "'queued', :now, :now)")
                .bind("id", id)
                .bind("appId", m.appId())
                .bind("to", m.to())
                .bind("kind", m.kind().name())
                .bind("language", m.language())
                .bind("subject", m.subject())
                .bind("text", m.text())
                .bind("html", m.html())
                .bind("now", now.toEpochMilli())
                .execute();
    }

    /**
     * Leases up to {@code limit} queued messages that are due and not leased by a live sender,
     * oldest first, and returns them. On PostgreSQL the inner {@code SELECT} skips rows another
     * node is claiming at this moment ({@code FOR UPDATE SKIP LOCKED}), so nodes polling together
     * each take different messages instead of queueing on the same ones; on SQLite the claim is one
     * write transaction, which already excludes every other.
     */
    public List<OutboxMessage> claimDue(Instant now, Instant leaseUntil, int limit) {
        List<Claimed> claimed = database.inTransaction(h -> h.createQuery("UPDATE outbox SET claimed_until = :until "
                        + "WHERE seq IN (SELECT seq FROM outbox WHERE status = 'queued' AND next_attempt_at <= :now "
                        + "AND (claimed_until IS NULL OR claimed_until < :now) ORDER BY seq LIMIT :limit"
                        + database.dialect().skipLocked() + ") "
                        + "RETURNING seq, id, app_id, recipient, subject, body_text, body_html, attempts")
                .bind("now", now.toEpochMilli())
                .bind("until", leaseUntil.toEpochMilli())
                .bind("limit", limit)
                .map((rs, ctx) -> new Claimed(rs.getLong("seq"), new OutboxMessage(rs.getString("id"), rs.getString("app_id"),
                        rs.getString("recipient"), rs.getString("subject"), rs.getString("body_text"),
                        rs.getString("body_html"), rs.getInt("attempts"))))
                .list());
        // RETURNING promises no order; send the oldest first.
        return claimed.stream().sorted(Comparator.comparingLong(Claimed::seq)).map(Claimed::message).toList();
    }

    private record Claimed(long seq, OutboxMessage message) {}

    /** Gives back the lease on a message this node claimed but will not send now. */
    void release(String id) {
        database.inTransaction(h -> h.createUpdate("UPDATE outbox SET claimed_until = NULL WHERE id = :id AND status = 'queued'")
                .bind("id", id)
                .execute());
    }

    /** Sent: the bodies, which carry a live link, are dropped. */
    public void markSent(String id, Instant now) {
        database.inTransaction(h -> h.createUpdate("UPDATE outbox SET status = 'sent', sent_at = :now, attempts = attempts + 1, "
                        + "claimed_until = NULL, body_text = NULL, body_html = NULL, last_error = NULL WHERE id = :id")
                .bind("id", id)
                .bind("now", now.toEpochMilli())
                .execute());
    }

    void markRetry(String id, Instant nextAttempt, String error) {
        database.inTransaction(h -> h.createUpdate("UPDATE outbox SET attempts = attempts + 1, next_attempt_at = :next, "
                        + "claimed_until = NULL, last_error = :error WHERE id = :id")
                .bind("id", id)
                .bind("next", nextAttempt.toEpochMilli())
                .bind("error", error)
                .execute());
    }

    /** Parked: kept for operators with its last error; its bodies too, so it can be retried. */
    void markParked(String id, String error) {
        database.inTransaction(h -> h.createUpdate("UPDATE outbox SET status = 'parked', attempts = attempts + 1, "
                        + "claimed_until = NULL, last_error = :error WHERE id = :id")
                .bind("id", id)
                .bind("error", error)
                .execute());
    }

    /** Puts parked messages back in the queue, due now; returns how many. */
    int requeueParked(Instant now) {
        return database.inTransaction(h -> h.createUpdate("UPDATE outbox SET status = 'queued', attempts = 0, "
                        + "next_attempt_at = :now WHERE status = 'parked'")
                .bind("now", now.toEpochMilli())
                .execute());
    }

    List<Instant> writtenSince(Handle h, String appId, String recipient, Instant since) {
        return Mailer.writtenSince(h, "outbox", appId, recipient, since);
    }

    /**
     * How many messages are queued and parked and when the oldest of each was written, in one
     * query, for the metrics scrape: the {@code outbox_due} index starts with status, and queued
     * and parked messages are few unless delivery is failing, which is exactly what these show.
     */
    Map<String, Backlog> backlogs() {
        Map<String, Backlog> backlogs = new LinkedHashMap<>();
        backlogs.put("queued", Backlog.NONE);
        backlogs.put("parked", Backlog.NONE);
        database.withHandle(h -> h.createQuery("SELECT status, COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox "
                        + "WHERE status IN ('queued', 'parked') GROUP BY status")
                .map((rs, ctx) -> {
                    // getObject, not getLong + wasNull: SQLite's driver reports an empty MIN as 0, not null.
                    Object oldest = rs.getObject("oldest");
                    return Map.entry(rs.getString("status"), new Backlog(rs.getLong("n"),
                            oldest == null ? null : Instant.ofEpochMilli(((Number) oldest).longValue())));
                })
                .list())
                .forEach(e -> backlogs.put(e.getKey(), e.getValue()));
        return backlogs;
    }

    /** A status's message count and the creation time of its oldest message (null when it has none). */
    record Backlog(long count, Instant oldest) {
        static final Backlog NONE = new Backlog(0, null);
    }

    /** What operators see: messages in a status, newest first, without bodies. */
    List<Map<String, Object>> list(String status, int limit) {
        return database.withHandle(h -> h.createQuery("SELECT id, app_id, recipient, kind, status, attempts, "
                        + "next_attempt_at, last_error, created_at, sent_at FROM outbox WHERE status = :status "
                        + "ORDER BY seq DESC LIMIT :limit")
                .bind("status", status)
                .bind("limit", limit)
                .map((rs, ctx) -> {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("id", rs.getString("id"));
                    row.put("app_id", rs.getString("app_id"));
                    row.put("to", rs.getString("recipient"));
                    row.put("kind", rs.getString("kind"));
                    row.put("status", rs.getString("status"));
                    row.put("attempts", rs.getInt("attempts"));
                    row.put("next_attempt_at", Instant.ofEpochMilli(rs.getLong("next_attempt_at")).toString());
                    row.put("last_error", rs.getString("last_error"));
                    row.put("created_at", Instant.ofEpochMilli(rs.getLong("created_at")).toString());
                    long sent = rs.getLong("sent_at");
                    row.put("sent_at", rs.wasNull() ? null : Instant.ofEpochMilli(sent).toString());
                    return row;
                })
                .list());
    }
}
