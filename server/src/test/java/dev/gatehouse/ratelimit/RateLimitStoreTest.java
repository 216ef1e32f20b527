package dev.gatehouse.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.db.Database;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RateLimitStore.reserve, which the routes that count every attempt (register, sending mail) use:
 * the count and the check of the wait are one transaction, so a waiting key counts nothing, on any
 * key of the request. On SQLite; RateLimitTest runs the routes on both databases.
 */
class RateLimitStoreTest {
    private static final LimitRule TWO_FREE = new LimitRule(2, Duration.ofHours(1), Duration.ofSeconds(1), Duration.ofMinutes(1));
    private static final Instant NOW = Instant.parse("2026-12-02T16:00:00Z");

    @TempDir
    Path dir;
    Database database;
    RateLimitStore store;

    @BeforeEach
    void open() {
        database = Database.sqlite(dir);
        store = new RateLimitStore(database);
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void a_reservation_counts_until_a_key_waits_and_then_counts_nothing_on_any_key() {
        RateLimitStore.Counted ip = new RateLimitStore.Counted("ip", TWO_FREE);
        RateLimitStore.Counted email = new RateLimitStore.Counted("email", new LimitRule(100, Duration.ofHours(1),
                Duration.ofSeconds(1), Duration.ofMinutes(1)));
        assertThat(store.reserve(List.of(email, ip), NOW)).isEmpty();
        assertThat(store.reserve(List.of(email, ip), NOW)).isEmpty();  // the second sets ip's wait (1s)
        assertThat(store.reserve(List.of(email, ip), NOW)).contains(NOW.plusSeconds(1));
        assertThat(store.reserve(List.of(email, ip), NOW.plusMillis(500))).contains(NOW.plusSeconds(1));

        // The refused reservations rolled back whole: email, counted before ip in the same
        // transaction, shows two events, not four.
        var rows = store.rows(List.of("ip", "email"));
        assertThat(rows.get("email").hits()).isEqualTo(2);
        assertThat(rows.get("ip").hits()).isEqualTo(2);

        // Once the wait is over, the next one counts (the third: a 2s wait).
        assertThat(store.reserve(List.of(email, ip), NOW.plusSeconds(1))).isEmpty();
        assertThat(store.rows(List.of("ip")).get("ip").blockedUntil()).isEqualTo(NOW.plusSeconds(3));
    }

    @Test
    void a_row_whose_window_has_ended_counts_nothing_any_more() {
        RateLimitStore.Counted ip = new RateLimitStore.Counted("ip", TWO_FREE);
        store.hit(List.of(ip), NOW);
        RateLimitStore.Row row = store.rows(List.of("ip")).get("ip");
        assertThat(row.hitsAt(NOW.plus(Duration.ofMinutes(59)))).isEqualTo(1);
        assertThat(row.hitsAt(NOW.plus(Duration.ofHours(1)))).isZero();
    }
}
