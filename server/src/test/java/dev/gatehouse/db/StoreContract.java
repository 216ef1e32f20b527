package dev.gatehouse.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.account.User;
import dev.gatehouse.account.UserStore;
import dev.gatehouse.http.ApiException;
import dev.gatehouse.mail.DevMailbox;
import dev.gatehouse.mail.MailKind;
import dev.gatehouse.mail.MailMessage;
import dev.gatehouse.mail.MailQuota;
import dev.gatehouse.mail.OutboxMessage;
import dev.gatehouse.mail.OutboxStore;
import dev.gatehouse.session.Session;
import dev.gatehouse.session.SessionStore;
import dev.gatehouse.session.SigningKeys;
import dev.gatehouse.testing.MutableClock;
import dev.gatehouse.token.IssuedToken;
import dev.gatehouse.token.Ids;
import dev.gatehouse.token.Purpose;
import dev.gatehouse.token.UserTokens;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every database Gatehouse runs on must do, checked on the stores themselves: one suite, run
 * by a subclass per dialect against a real server of that kind. Concurrency cases use several
 * threads on one pool, which on PostgreSQL means several connections writing at once.
 */
abstract class StoreContract {
    private static final String APP = "contract-app";

    // Whole milliseconds: the stores keep epoch milliseconds, and records read back must equal those written.
    final MutableClock clock = new MutableClock(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
    final SecureRandom random = new SecureRandom();
    final Ids ids = new Ids(clock, random);
    final UserStore users = new UserStore();
    final SessionStore sessions = new SessionStore();
    Database database;

    /** A fresh, migrated, empty database of the dialect under test. */
    abstract Database openFresh();

    /** The same database opened again, as a second node or a restart would. */
    abstract Database reopen();

    abstract Dialect expectedDialect();

    @BeforeEach
    void open() {
        database = openFresh();
    }

    @AfterEach
    void close() {
        database.close();
    }

    private User newUser(String email, boolean confirmed) {
        User user = new User(ids.objectId(), APP, email, "$argon2id$stub", ids.objectId(), confirmed, false, clock.instant());
        database.useTransaction(h -> users.insert(h, user));
        return user;
    }

    @Test
    void migrations_apply_once_and_reopening_is_a_no_op() {
        assertThat(database.dialect()).isEqualTo(expectedDialect());
        newUser("kept@example.com", true);
        int applied = appliedMigrations(database);
        assertThat(applied).isGreaterThanOrEqualTo(3);
        try (Database again = reopen()) {
            assertThat(byEmail(again, APP, "kept@example.com")).isPresent();
            assertThat(appliedMigrations(again)).isEqualTo(applied);
        }
    }

    private int appliedMigrations(Database db) {
        return db.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM flyway_schema_history WHERE success = "
                + (expectedDialect() == Dialect.SQLITE ? "1" : "true")).mapTo(Integer.class).one());
    }

    @Test
    void users_are_found_by_exact_email_and_by_id() {
        User user = newUser("Ada@example.com", false);
        assertThat(byEmail(database, APP, "Ada@example.com")).contains(user);
        assertThat(byId(user.id())).contains(user);
        // Emails are case-sensitive keys, as in App Services; other apps are separate namespaces.
        assertThat(byEmail(database, APP, "ada@example.com")).isEmpty();
        assertThat(byEmail(database, "other-app", "Ada@example.com")).isEmpty();
    }

    @Test
    void a_second_user_with_the_same_email_is_a_unique_violation_told_by_code() {
        newUser("twice@example.com", false);
        assertThatThrownBy(() -> newUser("twice@example.com", true))
                .satisfies(e -> assertThat(database.dialect().isUniqueViolation(e)).isTrue());
        User other = new User(ids.objectId(), "other-app", "twice@example.com", "h", ids.objectId(), false, false, clock.instant());
        database.useTransaction(h -> users.insert(h, other));
        // A failure of another kind is not mistaken for a conflict.
        assertThatThrownBy(() -> database.useTransaction(h -> h.createUpdate("INSERT INTO users (id) VALUES ('x')").execute()))
                .satisfies(e -> assertThat(database.dialect().isUniqueViolation(e)).isFalse());
    }

    @Test
    void concurrent_registrations_of_one_email_leave_exactly_one_user() throws Exception {
        AtomicInteger conflicts = new AtomicInteger();
        List<Boolean> inserted = concurrently(8, () -> {
            try {
                newUser("race@example.com", false);
                return true;
            } catch (RuntimeException e) {
                assertThat(database.dialect().isUniqueViolation(e)).as("only conflicts may fail: %s", e).isTrue();
                conflicts.incrementAndGet();
                return false;
            }
        });
        assertThat(inserted).containsOnlyOnce(true);
        assertThat(conflicts).hasValue(7);
    }

    @Test
    void confirm_delete_pending_and_password_update() {
        User pending = newUser("pending@example.com", false);
        database.useTransaction(h -> users.markConfirmed(h, pending.id(), clock.instant()));
        assertThat(byId(pending.id()).orElseThrow().confirmed()).isTrue();
        // A confirmed user is no longer pending, so deletePending leaves it alone.
        assertThat(database.<Boolean, RuntimeException>inTransaction(h -> users.deletePending(h, pending.id()))).isFalse();
        database.useTransaction(h -> users.updatePassword(h, pending.id(), "$argon2id$new"));
        assertThat(byId(pending.id()).orElseThrow().passwordHash()).isEqualTo("$argon2id$new");

        User stillPending = newUser("still@example.com", false);
        assertThat(database.<Boolean, RuntimeException>inTransaction(h -> users.deletePending(h, stillPending.id()))).isTrue();
        assertThat(byId(stillPending.id())).isEmpty();
    }

    @Test
    void deleting_a_user_takes_its_tokens_and_sessions() {
        User user = newUser("gone@example.com", true);
        UserTokens tokens = new UserTokens(clock, ids, Duration.ofMinutes(30), true);
        IssuedToken token = database.inTransaction(h -> tokens.issue(h, user.id(), Purpose.RESET));
        Session session = new Session(ids.objectId(), user.id(), ids.objectId(), "digest", clock.instant(),
                clock.instant().plus(Duration.ofDays(1)), false);
        database.useTransaction(h -> sessions.insert(h, session));

        assertThat(database.<Boolean, RuntimeException>inTransaction(h -> users.delete(h, user.id()))).isTrue();
        assertThat(session(session.id())).isEmpty();
        assertThatThrownBy(() -> database.inTransaction(h -> tokens.consume(h, token.token(), token.tokenId(), Purpose.RESET)))
                .isInstanceOf(ApiException.class);
    }

    @Test
    void a_token_is_used_once_even_by_concurrent_consumers() throws Exception {
        User user = newUser("token@example.com", false);
        UserTokens tokens = new UserTokens(clock, ids, Duration.ofMinutes(30), true);
        IssuedToken token = database.inTransaction(h -> tokens.issue(h, user.id(), Purpose.CONFIRM));
        List<Boolean> used = concurrently(8, () -> {
            try {
                return database.inTransaction(h -> tokens.consume(h, token.token(), token.tokenId(), Purpose.CONFIRM))
                        .equals(user.id());
            } catch (ApiException e) {
                return false;
            }
        });
        assertThat(used).containsOnlyOnce(true);
    }

    @Test
    void tokens_expire_and_are_bound_to_their_purpose() {
        User user = newUser("expiry@example.com", false);
        UserTokens tokens = new UserTokens(clock, ids, Duration.ofMinutes(30), true);
        IssuedToken token = database.inTransaction(h -> tokens.issue(h, user.id(), Purpose.CONFIRM));
        assertThatThrownBy(() -> database.withHandle(h -> tokens.check(h, token.token(), token.tokenId(), Purpose.RESET)))
                .isInstanceOf(ApiException.class);
        assertThat(database.<String, RuntimeException>withHandle(h -> tokens.check(h, token.token(), token.tokenId(), Purpose.CONFIRM))).isEqualTo(user.id());
        clock.advance(Duration.ofMinutes(31));
        assertThatThrownBy(() -> database.withHandle(h -> tokens.check(h, token.token(), token.tokenId(), Purpose.CONFIRM)))
                .isInstanceOf(ApiException.class);
    }

    @Test
    void sessions_revoke_one_or_all_of_a_user() {
        User user = newUser("sessions@example.com", true);
        Instant expires = clock.instant().plus(Duration.ofDays(60));
        Session a = new Session(ids.objectId(), user.id(), ids.objectId(), "a", clock.instant(), expires, false);
        Session b = new Session(ids.objectId(), user.id(), ids.objectId(), "b", clock.instant(), expires, false);
        Session c = new Session(ids.objectId(), user.id(), ids.objectId(), "c", clock.instant(), expires, false);
        database.useTransaction(h -> {
            sessions.insert(h, a);
            sessions.insert(h, b);
            sessions.insert(h, c);
        });
        assertThat(session(a.id())).contains(a);
        database.useTransaction(h -> sessions.revoke(h, a.id(), clock.instant()));
        assertThat(session(a.id()).orElseThrow().revoked()).isTrue();
        assertThat(session(b.id()).orElseThrow().revoked()).isFalse();
        database.useTransaction(h -> sessions.revokeAllForUser(h, user.id(), clock.instant()));
        assertThat(session(c.id()).orElseThrow().revoked()).isTrue();
    }

    @Test
    void outbox_claims_oldest_first_and_a_claim_excludes_others_until_its_lease_runs_out() {
        OutboxStore outbox = new OutboxStore(database);
        List<String> queued = queue(outbox, 5);
        Instant now = clock.instant();
        List<OutboxMessage> first = outbox.claimDue(now, now.plus(Duration.ofMinutes(2)), 3);
        assertThat(first).extracting(OutboxMessage::id).containsExactlyElementsOf(queued.subList(0, 3));
        assertThat(first.get(0).text()).isEqualTo("text 0");
        List<OutboxMessage> second = outbox.claimDue(now, now.plus(Duration.ofMinutes(2)), 10);
        assertThat(second).extracting(OutboxMessage::id).containsExactlyElementsOf(queued.subList(3, 5));
        assertThat(outbox.claimDue(now, now.plus(Duration.ofMinutes(2)), 10)).isEmpty();

        outbox.markSent(queued.get(0), now);
        clock.advance(Duration.ofMinutes(3));
        // A sender that died holding leases: once they run out, the unsent messages are claimable again.
        Instant later = clock.instant();
        assertThat(outbox.claimDue(later, later.plus(Duration.ofMinutes(2)), 10)).extracting(OutboxMessage::id)
                .containsExactlyElementsOf(queued.subList(1, 5));
        String sentBody = database.withHandle(h -> h.createQuery("SELECT body_text FROM outbox WHERE id = :id")
                .bind("id", queued.get(0)).mapTo(String.class).one());
        assertThat(sentBody).as("a sent message's body, which holds a live link, is dropped").isNull();
    }

    @Test
    void concurrent_claimers_take_every_message_exactly_once() throws Exception {
        OutboxStore outbox = new OutboxStore(database);
        List<String> queued = queue(outbox, 300);
        Set<String> taken = ConcurrentHashMap.newKeySet();
        AtomicInteger duplicates = new AtomicInteger();
        concurrently(6, () -> {
            while (true) {
                Instant now = clock.instant();
                List<OutboxMessage> batch = outbox.claimDue(now, now.plus(Duration.ofMinutes(2)), 7);
                if (batch.isEmpty()) {
                    return true;
                }
                for (OutboxMessage m : batch) {
                    if (!taken.add(m.id())) {
                        duplicates.incrementAndGet();
                    }
                    outbox.markSent(m.id(), now);
                }
            }
        });
        assertThat(duplicates).hasValue(0);
        assertThat(taken).containsExactlyInAnyOrderElementsOf(queued);
    }

    @Test
    void the_mail_quota_holds_under_concurrent_requests() throws Exception {
        DevMailbox mailbox = new DevMailbox(database, clock, ids);
        MailQuota quota = new MailQuota(mailbox, 3, Duration.ofHours(1), clock, database.dialect());
        List<Boolean> admitted = concurrently(10, () -> {
            try {
                database.useTransaction(h -> {
                    quota.check(h, APP, "quota@example.com");
                    mailbox.enqueue(h, message(0, "quota@example.com"));
                });
                return true;
            } catch (ApiException e) {
                return false;
            }
        });
        assertThat(admitted.stream().filter(b -> b).count()).isEqualTo(3);
        assertThat(mailbox.latest(APP, "quota@example.com", 10)).hasSize(3);
    }

    @Test
    void nodes_starting_together_create_one_signing_key_and_see_a_rotation() throws Exception {
        List<SigningKeys> loaded = concurrently(4, () -> SigningKeys.load(database, clock, ids, random, Duration.ofSeconds(30)));
        assertThat(SigningKeys.list(database)).hasSize(1);
        SigningKeys node = loaded.get(0);
        assertThat(keyIds(node)).hasSize(1);

        SigningKeys.KeyInfo rotated = SigningKeys.rotate(database, clock, ids, random);
        assertThat(SigningKeys.list(database)).extracting(SigningKeys.KeyInfo::kid).startsWith(rotated.kid()).hasSize(2);
        assertThat(SigningKeys.list(database).get(0).active()).isTrue();
        assertThat(SigningKeys.list(database).get(1).active()).isFalse();
        // Within the refresh interval the node keeps the keys it has; after it, it sees the new one.
        assertThat(keyIds(node)).hasSize(1);
        clock.advance(Duration.ofSeconds(31));
        assertThat(keyIds(node)).hasSize(2).contains(rotated.kid());

        assertThatThrownBy(() -> SigningKeys.remove(database, rotated.kid())).isInstanceOf(IllegalArgumentException.class);
        String old = SigningKeys.list(database).get(1).kid();
        assertThat(SigningKeys.remove(database, old)).isTrue();
        assertThat(SigningKeys.remove(database, old)).isFalse();
    }

    @Test
    void the_dev_mailbox_reads_newest_first() {
        DevMailbox mailbox = new DevMailbox(database, clock, ids);
        for (int i = 0; i < 3; i++) {
            int n = i;
            database.useTransaction(h -> mailbox.enqueue(h, message(n, "dev@example.com")));
        }
        assertThat(mailbox.latest(APP, "dev@example.com", 2)).extracting(m -> m.get("text")).containsExactly("text 2", "text 1");
    }

    private Optional<User> byEmail(Database db, String app, String email) {
        return db.withHandle(h -> users.findByEmail(h, app, email));
    }

    private Optional<User> byId(String id) {
        return database.withHandle(h -> users.findById(h, id));
    }

    private Optional<Session> session(String id) {
        return database.withHandle(h -> sessions.find(h, id));
    }

    @SuppressWarnings("unchecked")
    private static List<String> keyIds(SigningKeys keys) {
        return ((List<java.util.Map<String, Object>>) keys.jwks().get("keys")).stream().map(k -> (String) k.get("kid")).toList();
    }

    private List<String> queue(OutboxStore outbox, int count) {
        List<String> queued = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = ids.objectId();
            int n = i;
            database.useTransaction(h -> outbox.insert(h, id, message(n, "to" + n + "@example.com"), clock.instant()));
            queued.add(id);
        }
        return queued;
    }

    private static MailMessage message(int n, String to) {
        return new MailMessage(APP, to, MailKind.CONFIRMATION, "en", "subject " + n, "text " + n, "<p>html " + n + "</p>",
                "https://example.com/confirm?token=t" + n + "&tokenId=i" + n);
    }

    /** Runs {@code task} on {@code threads} threads released together; returns their results. */
    static <T> List<T> concurrently(int threads, Callable<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return task.call();
                }));
            }
            start.countDown();
            List<T> results = Collections.synchronizedList(new ArrayList<>());
            for (Future<T> f : futures) {
                results.add(f.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
