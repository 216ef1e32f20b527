package dev.gatehouse.ratelimit;

import dev.gatehouse.db.Database;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * The {@code rate_limits} table: one row per key (a SHA-256 digest, never the address or email
 * itself) with its count in the current window and how long it must wait. Every node reads and
 * writes the same rows, so the limits hold across a cluster. Thread-safe.
 */
final class RateLimitStore {
    /**
     * One atomic increment that also starts the count over when the row outlived its window. On a
     * conflict the right-hand sides read the old row, on SQLite as on PostgreSQL.
     */
    private static final String HIT = """
            INSERT INTO rate_limits (key_hash, window_start, hits, blocked_until, expires_at)
            VALUES (:key, :now, 1, 0, :expires)
            ON CONFLICT (key_hash) DO UPDATE SET
                hits = CASE WHEN rate_limits.expires_at <= :now THEN 1 ELSE rate_limits.hits + 1 END,
                window_start = CASE WHEN rate_limits.expires_at <= :now THEN :now ELSE rate_limits.window_start END,
                blocked_until = CASE WHEN rate_limits.expires_at <= :now THEN 0 ELSE rate_limits.blocked_until END,
                expires_at = :expires
            RETURNING hits, blocked_until""";

    private final Database database;

    RateLimitStore(Database database) {
        this.database = database;
    }

    /** The keys among {@code keys} that have a row, with their count and wait. One query. */
    Map<String, Row> rows(List<String> keys) {
        if (keys.isEmpty()) {
            return Map.of();
        }
        return database.withHandle(h -> {
            Map<String, Row> rows = new HashMap<>();
            h.createQuery("SELECT key_hash, hits, blocked_until, expires_at FROM rate_limits WHERE key_hash IN (<keys>)")
                    .bindList("keys", keys)
                    .map((rs, ctx) -> Map.entry(rs.getString(1), new Row(rs.getLong(2),
                            Instant.ofEpochMilli(rs.getLong(3)), Instant.ofEpochMilli(rs.getLong(4)))))
                    .forEach(e -> rows.put(e.getKey(), e.getValue()));
            return rows;
        });
    }

    /** Counts one event for each key, and sets how long each must now wait; one transaction. */
    void hit(List<Counted> events, Instant now) {
        database.useTransaction(h -> {
            for (Counted event : events) {
                count(h, event, now);
            }
        });
    }

    /**
     * Counts one event for each key unless one of them waits: then nothing is counted (the
     * transaction rolls back) and the end of the wait comes back. The check and the count are one
     * step, so requests that arrive together cannot all pass a check made before any of them was
     * counted. One transaction, as {@link #hit} is.
     */
    Optional<Instant> reserve(List<Counted> events, Instant now) {
        try {
            database.useTransaction(h -> {
                for (Counted event : events) {
                    Instant waitedUntil = count(h, event, now);
                    if (waitedUntil.isAfter(now)) {
                        throw new Waiting(waitedUntil);
                    }
                }
            });
            return Optional.empty();
        } catch (Waiting waiting) {
            return Optional.of(waiting.until);
        }
    }

    /**
     * Counts one event in the open transaction and sets the key's wait if the count calls for one;
     * returns until when the key waited before this event (in the past, or zero, when it did not).
     */
    private static Instant count(Handle h, Counted event, Instant now) {
        Map<String, Object> row = h.createQuery(HIT)
                .bind("key", event.key())
                .bind("now", now.toEpochMilli())
                .bind("expires", now.plus(event.rule().window()).toEpochMilli())
                .mapToMap()
                .one();
        long hits = ((Number) row.get("hits")).longValue();
        var delay = event.rule().delayAfter(hits);
        if (!delay.isZero()) {
            Instant until = now.plus(delay);
            Instant expires = now.plus(event.rule().window());
            h.createUpdate("UPDATE rate_limits SET blocked_until = :until, expires_at = :expires WHERE key_hash = :key")
                    .bind("until", until.toEpochMilli())
                    .bind("expires", (until.isAfter(expires) ? until : expires).toEpochMilli())
                    .bind("key", event.key())
                    .execute();
        }
        return Instant.ofEpochMilli(((Number) row.get("blocked_until")).longValue());
    }

    /** Thrown inside {@link #reserve}'s transaction to roll it back. */
    private static final class Waiting extends RuntimeException {
        private final Instant until;

        Waiting(Instant until) {
            super(null, null, false, false);
            this.until = until;
        }
    }

    /** Forgets keys (an account's failures after it logged in). */
    void clear(List<String> keys) {
        database.useTransaction(h -> h.createUpdate("DELETE FROM rate_limits WHERE key_hash IN (<keys>)")
                .bindList("keys", keys).execute());
    }

    /** One event to count under {@code rule}. */
    record Counted(String key, LimitRule rule) {}

    /** A key's row: events counted in its window, until when it waits, when the window ends. */
    record Row(long hits, Instant blockedUntil, Instant expiresAt) {
        /** Events that still count at {@code now}: none once the window has ended. */
        long hitsAt(Instant now) {
            return expiresAt.isAfter(now) ? hits : 0;
        }
    }
}
