package dev.gatehouse.account;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

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

    static User map(ResultSet rs) throws SQLException {
        return new User(rs.getString("id"), rs.getString("app_id"), rs.getString("email"),
                rs.getString("password_hash"), rs.getString("identity_id"), rs.getInt("confirmed") == 1,
                rs.getInt("disabled") == 1, Instant.ofEpochMilli(rs.getLong("created_at")));
    }
}
