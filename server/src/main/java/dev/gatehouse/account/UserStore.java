package dev.gatehouse.account;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/**
 * SQL for the {@code users} table. Stateless: every method runs on the caller's handle, so the
 * caller decides the transaction. Thread-safe.
 */
public final class UserStore {
    private static final String COLUMNS = "id, app_id, email, password_hash, identity_id, confirmed, disabled, created_at";

    /** Inserts a user; a second user with the same app and email fails with a unique violation. */
    public void insert(Handle h, User user) {
        h.createUpdate("INSERT INTO users (" + COLUMNS + ", confirmed_at) VALUES "
                        + "(:id, :appId, :email, :hash, :identityId, :confirmed, :disabled, :createdAt, :confirmedAt)")
                .bind("id", user.id())
                .bind("appId", user.appId())
                .bind("email", user.email())
                .bind("hash", user.passwordHash())
                .bind("identityId", user.identityId())
                .bind("confirmed", user.confirmed() ? 1 : 0)
                .bind("disabled", user.disabled() ? 1 : 0)
                .bind("createdAt", user.createdAt().toEpochMilli())
                .bind("confirmedAt", user.confirmed() ? user.createdAt().toEpochMilli() : null)
                .execute();
    }

    public Optional<User> findByEmail(Handle h, String appId, String email) {
        return h.createQuery("SELECT " + COLUMNS + " FROM users WHERE app_id = :appId AND email = :email")
                .bind("appId", appId)
                .bind("email", email)
                .map((rs, ctx) -> map(rs))
                .findOne();
    }

    public Optional<User> findById(Handle h, String id) {
        return h.createQuery("SELECT " + COLUMNS + " FROM users WHERE id = :id")
                .bind("id", id)
                .map((rs, ctx) -> map(rs))
                .findOne();
    }

    public void markConfirmed(Handle h, String id, Instant at) {
        h.createUpdate("UPDATE users SET confirmed = 1, confirmed_at = :at WHERE id = :id AND confirmed = 0")
                .bind("id", id)
                .bind("at", at.toEpochMilli())
                .execute();
    }

    public void updatePassword(Handle h, String id, String passwordHash) {
        h.createUpdate("UPDATE users SET password_hash = :hash WHERE id = :id")
                .bind("id", id)
                .bind("hash", passwordHash)
                .execute();
    }

    /**
     * Replaces the password hash only if it is still {@code expected}: a login's rehash must not
     * undo a reset that changed the password meanwhile.
     */
    public boolean replacePasswordHash(Handle h, String id, String expected, String passwordHash) {
        return h.createUpdate("UPDATE users SET password_hash = :hash WHERE id = :id AND password_hash = :expected")
                .bind("id", id)
                .bind("expected", expected)
                .bind("hash", passwordHash)
                .execute() == 1;
    }

    public void recordLogin(Handle h, String id, Instant at) {
        h.createUpdate("UPDATE users SET last_login_at = :at WHERE id = :id")
                .bind("id", id)
                .bind("at", at.toEpochMilli())
                .execute();
    }

    /** Deletes the user; its tokens and sessions go with it (foreign keys cascade). */
    public boolean delete(Handle h, String id) {
        return h.createUpdate("DELETE FROM users WHERE id = :id").bind("id", id).execute() == 1;
    }

    /** Deletes the user if it is still pending; false when it is gone or was confirmed meanwhile. */
    public boolean deletePending(Handle h, String id) {
        return h.createUpdate("DELETE FROM users WHERE id = :id AND confirmed = 0").bind("id", id).execute() == 1;
    }

    /**
     * One page of an app's users whose email contains {@code search} (ignoring ASCII case; null or
     * empty for all), ordered by email then id so that pages are stable. {@code pendingOnly} keeps
     * the users not yet confirmed. Scans the app's rows when searching: an operator's tool, not a
     * request path, and a substring match cannot use an index anyway.
     */
    public List<User> list(Handle h, String appId, String search, boolean pendingOnly, int limit, long offset) {
        return filtered(h.createQuery("SELECT " + COLUMNS + " FROM users WHERE " + filter(search, pendingOnly ? Status.PENDING : Status.ALL)
                        + " ORDER BY email, id LIMIT :limit OFFSET :offset"), appId, search)
                .bind("limit", limit)
                .bind("offset", offset)
                .map((rs, ctx) -> map(rs))
                .list();
    }

    /** How many users {@link #list} would page through. */
    public long count(Handle h, String appId, String search, boolean pendingOnly) {
        return filtered(h.createQuery("SELECT COUNT(*) FROM users WHERE " + filter(search, pendingOnly ? Status.PENDING : Status.ALL)), appId, search)
                .mapTo(Long.class)
                .one();
    }

    /** A user as an operator sees it: with its confirmation and last login times (null when none). */
    public record Listed(User user, Instant confirmedAt, Instant lastLoginAt) {}

    /** Which users a listing keeps. */
    public enum Status { ALL, CONFIRMED, PENDING }

    /**
     * One page of an app's users of a status whose email contains {@code search} (as in
     * {@link #list}), ordered by id, after {@code afterId} (exclusive; null for the first page).
     * Keyset paging, as the App Services admin API pages with {@code after}: a page costs the same
     * at any depth, and rows added meanwhile neither repeat nor vanish. Ids are ObjectIds, which
     * start with their creation second, so id order is roughly registration order.
     */
    public List<Listed> page(Handle h, String appId, String search, Status status, String afterId, boolean desc, int limit) {
        String after = afterId == null ? "" : desc ? " AND id < :after" : " AND id > :after";
        Query query = filtered(h.createQuery("SELECT " + COLUMNS + ", confirmed_at, last_login_at FROM users WHERE "
                + filter(search, status) + after + " ORDER BY id " + (desc ? "DESC" : "ASC") + " LIMIT :limit"), appId, search);
        if (afterId != null) {
            query.bind("after", afterId);
        }
        return query.bind("limit", limit)
                .map((rs, ctx) -> new Listed(map(rs), instant(rs, "confirmed_at"), instant(rs, "last_login_at")))
                .list();
    }

    /** One user by id, as {@link #page} lists it. */
    public Optional<Listed> listed(Handle h, String id) {
        return h.createQuery("SELECT " + COLUMNS + ", confirmed_at, last_login_at FROM users WHERE id = :id")
                .bind("id", id)
                .map((rs, ctx) -> new Listed(map(rs), instant(rs, "confirmed_at"), instant(rs, "last_login_at")))
                .findOne();
    }

    /** How many users of a status match {@code search}. */
    public long count(Handle h, String appId, String search, Status status) {
        return filtered(h.createQuery("SELECT COUNT(*) FROM users WHERE " + filter(search, status)), appId, search)
                .mapTo(Long.class)
                .one();
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(value);
    }

    /** Switches the user off or on; false when there is no such user. */
    public boolean setDisabled(Handle h, String id, boolean disabled) {
        return h.createUpdate("UPDATE users SET disabled = :disabled WHERE id = :id")
                .bind("id", id)
                .bind("disabled", disabled ? 1 : 0)
                .execute() == 1;
    }

    private static String filter(String search, Status status) {
        // LOWER on both sides: SQLite's LIKE ignores ASCII case and PostgreSQL's does not, so the
        // portable way to one behaviour is to fold case ourselves. ESCAPE makes % and _ literal.
        String confirmed = switch (status) {
            case ALL -> "";
            case CONFIRMED -> " AND confirmed = 1";
            case PENDING -> " AND confirmed = 0";
        };
        return "app_id = :appId" + confirmed
                + (search == null || search.isEmpty() ? "" : " AND LOWER(email) LIKE LOWER(:pattern) ESCAPE '!'");
    }

    private static Query filtered(Query query, String appId, String search) {
        query.bind("appId", appId);
        if (search != null && !search.isEmpty()) {
            query.bind("pattern", "%" + search.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%");
        }
        return query;
    }

    static User map(ResultSet rs) throws SQLException {
        return new User(rs.getString("id"), rs.getString("app_id"), rs.getString("email"),
                rs.getString("password_hash"), rs.getString("identity_id"), rs.getInt("confirmed") == 1,
                rs.getInt("disabled") == 1, Instant.ofEpochMilli(rs.getLong("created_at")));
    }
}
