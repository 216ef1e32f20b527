package dev.gatehouse.ratelimit;

import dev.gatehouse.db.Database;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
            RETURNING hits""";

    private final Database database;

    RateLimitStore(Database database) {
        this.database = database;
    }

    /** The keys among {@code keys} that have a row, with until when they wait (maybe past). One query. */
    Map<String, Instant> waits(List<String> keys) {
        if (keys.isEmpty()) {
            return Map.of();
        }
        return database.withHandle(h -> {
            Map<String, Instant> blocked = new HashMap<>();
            h.createQuery("SELECT key_hash, blocked_until FROM rate_limits WHERE key_hash IN (<keys>)")
                    .bindList("keys", keys)
                    .map((rs, ctx) -> Map.entry(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2))))
                    .forEach(e -> blocked.put(e.getKey(), e.getValue()));
            return blocked;
        });
    }

    /** Counts one event for each key, and sets how long each must now wait; one transaction. */
    void hit(List<Counted> events, Instant now) {
        database.useTransaction(h -> {
            for (Counted event : events) {
                long hits = h.createQuery(HIT)
                        .bind("key", event.key())
                        .bind("now", now.toEpochMilli())
                        .bind("expires", now.plus(event.rule().window()).toEpochMilli())
                        .mapTo(Long.class)
                        .one();
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
            }
        });
    }

    /** Forgets keys (an account's failures after it logged in). */
    void clear(List<String> keys) {
        database.useTransaction(h -> h.createUpdate("DELETE FROM rate_limits WHERE key_hash IN (<keys>)")
                .bindList("keys", keys).execute());
    }

    /** One event to count under {@code rule}. */
    record Counted(String key, LimitRule rule) {}
}
