package dev.gatehouse.session;

import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** SQL for the {@code sessions} table; runs on the caller's handle. Thread-safe. */
public final class SessionStore {

    public void insert(Handle h, Session s) {
        h.createUpdate("INSERT INTO sessions (id, user_id, device_id, refresh_hash, created_at, expires_at) "
                        + "VALUES (:id, :userId, :deviceId, :hash, :createdAt, :expiresAt)")
                .bind("id", s.id())
                .bind("userId", s.userId())
                .bind("deviceId", s.deviceId())
                .bind("hash", s.refreshHash())
                .bind("createdAt", s.createdAt().toEpochMilli())
                .bind("expiresAt", s.expiresAt().toEpochMilli())
                .execute();
    }

    public Optional<Session> find(Handle h, String id) {
        return h.createQuery("SELECT id, user_id, device_id, refresh_hash, created_at, expires_at, revoked_at "
                        + "FROM sessions WHERE id = :id")
                .bind("id", id)
                .map((rs, ctx) -> new Session(rs.getString("id"), rs.getString("user_id"), rs.getString("device_id"),
                        rs.getString("refresh_hash"), Instant.ofEpochMilli(rs.getLong("created_at")),
                        Instant.ofEpochMilli(rs.getLong("expires_at")), rs.getObject("revoked_at") != null))
                .findOne();
    }

    public void revoke(Handle h, String id, Instant at) {
        h.createUpdate("UPDATE sessions SET revoked_at = :at WHERE id = :id AND revoked_at IS NULL")
                .bind("id", id)
                .bind("at", at.toEpochMilli())
                .execute();
    }

    /** Logs a user out everywhere: after a password reset, or by an operator. */
    public void revokeAllForUser(Handle h, String userId, Instant at) {
        h.createUpdate("UPDATE sessions SET revoked_at = :at WHERE user_id = :userId AND revoked_at IS NULL")
                .bind("userId", userId)
                .bind("at", at.toEpochMilli())
                .execute();
    }
}
