package dev.gatehouse.admin;

import dev.gatehouse.db.Database;
import dev.gatehouse.password.PasswordHasher;
import dev.gatehouse.token.Digests;
import dev.gatehouse.token.Ids;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Who may call the admin API, and their sessions. An admin is a user (username and password) or
 * an API key (public and private part); both secrets are stored as Argon2id hashes. There is no
 * admin until an operator creates one ({@code gatehouse admin add-user}, or
 * {@code GATEHOUSE_ADMIN_PASSWORD} at start): until then the admin API refuses everyone.
 *
 * <p>Sessions are opaque random tokens stored as SHA-256 digests rather than JWTs, so that an
 * admin token can never be mistaken for a client token (and back), and a logout or an admin's
 * removal ends its sessions on every node at once. Thread-safe.
 */
public final class AdminAccounts {
    /** An admin user's password: longer than a client's, as it guards every user. */
    public static final int MIN_PASSWORD = 12;
    static final Duration ACCESS_TTL = Duration.ofMinutes(30);
    static final Duration SESSION_TTL = Duration.ofHours(12);
    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9._@+-]{1,64}");

    public enum Kind { USER, API_KEY }

    public record Admin(String id, Kind kind, String name, Instant createdAt) {}

    /** A new API key; the private part is shown once and stored only as a hash. */
    public record ApiKey(Admin admin, String publicKey, String privateKey) {}

    /** What a login returns, in the App Services admin login shape. */
    public record Login(String accessToken, String refreshToken, String adminId, String sessionId) {}

    private final Database database;
    private final PasswordHasher hasher;
    private final Ids ids;
    private final Clock clock;

    public AdminAccounts(Database database, PasswordHasher hasher, Ids ids, Clock clock) {
        this.database = database;
        this.hasher = hasher;
        this.ids = ids;
        this.clock = clock;
    }

    public Admin addUser(String username, String password) {
        if (username == null || !USERNAME.matcher(username).matches()) {
            throw new AdminException(AdminException.Reason.INVALID,
                    "a username is 1 to 64 letters, digits or . _ @ + -");
        }
        if (password == null || password.length() < MIN_PASSWORD || password.length() > 256) {
            throw new AdminException(AdminException.Reason.INVALID,
                    "an admin password is " + MIN_PASSWORD + " to 256 characters");
        }
        return insert(Kind.USER, username, password);
    }

    public ApiKey addApiKey() {
        // The public part names the key (as a username would); the private part is the secret.
        String publicKey = ids.userToken().substring(0, 16);
        String privateKey = ids.userToken().substring(0, 64);
        return new ApiKey(insert(Kind.API_KEY, publicKey, privateKey), publicKey, privateKey);
    }

    private Admin insert(Kind kind, String name, String secret) {
        Admin admin = new Admin(ids.objectId(), kind, name, clock.instant());
        String hash = hasher.hash(secret);
        try {
            database.useTransaction(h -> h.createUpdate("INSERT INTO admins (id, kind, name, secret_hash, created_at) "
                            + "VALUES (:id, :kind, :name, :hash, :at)")
                    .bind("id", admin.id())
                    .bind("kind", column(kind))
                    .bind("name", name)
                    .bind("hash", hash)
                    .bind("at", admin.createdAt().toEpochMilli())
                    .execute());
        } catch (RuntimeException e) {
            if (database.dialect().isUniqueViolation(e)) {
                throw new AdminException(AdminException.Reason.CONFLICT, "an admin named " + name + " exists already");
            }
            throw e;
        }
        return admin;
    }

    public List<Admin> list() {
        return database.withHandle(h -> h.createQuery("SELECT id, kind, name, created_at FROM admins ORDER BY created_at, id")
                .map((rs, ctx) -> new Admin(rs.getString("id"), kind(rs.getString("kind")), rs.getString("name"),
                        Instant.ofEpochMilli(rs.getLong("created_at"))))
                .list());
    }

    public boolean exists() {
        return database.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM admins").mapTo(Long.class).one()) > 0;
    }

    /** Removes an admin by name or id; its sessions end with it. */
    public boolean remove(String nameOrId) {
        return database.inTransaction(h -> h.createUpdate("DELETE FROM admins WHERE name = :v OR id = :v")
                .bind("v", nameOrId).execute()) > 0;
    }

    /**
     * Opens a session for an admin of the given kind whose secret matches. Unknown names pay one
     * Argon2id verification too, so timing does not tell which names exist.
     */
    public Optional<Login> login(Kind kind, String name, String secret) {
        if (name == null || secret == null) {
            hasher.verifyDecoy("");
            return Optional.empty();
        }
        Optional<String[]> row = database.withHandle(h -> h.createQuery(
                        "SELECT id, secret_hash FROM admins WHERE name = :name AND kind = :kind")
                .bind("name", name)
                .bind("kind", column(kind))
                .map((rs, ctx) -> new String[] {rs.getString("id"), rs.getString("secret_hash")})
                .findOne());
        boolean ok = row.isPresent() ? hasher.verify(secret, row.get()[1]) : hasher.verifyDecoy(secret);
        if (!ok) {
            return Optional.empty();
        }
        String adminId = row.get()[0];
        String stored = row.get()[1];
        // As for users: a hash made with older Argon2id costs is replaced while the secret is at hand.
        // Only if unchanged since it was read, so a concurrent password change is never undone.
        String rehashed = hasher.needsRehash(stored) ? hasher.hash(secret) : null;
        String sessionId = ids.objectId();
        String access = ids.userToken();
        String refresh = ids.userToken();
        Instant now = clock.instant();
        database.useTransaction(h -> {
            if (rehashed != null) {
                h.createUpdate("UPDATE admins SET secret_hash = :new WHERE id = :id AND secret_hash = :old")
                        .bind("new", rehashed).bind("id", adminId).bind("old", stored).execute();
            }
            h.createUpdate("INSERT INTO admin_sessions (id, admin_id, access_hash, "
                    + "access_expires_at, refresh_hash, created_at, expires_at) "
                    + "VALUES (:id, :admin, :access, :accessExpires, :refresh, :now, :expires)")
                    .bind("id", sessionId)
                    .bind("admin", adminId)
                    .bind("access", Digests.sha256(access))
                    .bind("accessExpires", now.plus(ACCESS_TTL).toEpochMilli())
                    .bind("refresh", Digests.sha256(refresh))
                    .bind("now", now.toEpochMilli())
                    .bind("expires", now.plus(SESSION_TTL).toEpochMilli())
                    .execute();
        });
        return Optional.of(new Login(access, refresh, adminId, sessionId));
    }

    /**
     * The admin whose unexpired access token this is. Looked up by digest: the token has 512 random
     * bits, so its digest is as unguessable as the token and an equality lookup leaks nothing.
     */
    public Optional<Admin> authenticate(String accessToken) {
        long now = clock.instant().toEpochMilli();
        return database.withHandle(h -> h.createQuery("SELECT a.id, a.kind, a.name, a.created_at FROM admin_sessions s "
                        + "JOIN admins a ON a.id = s.admin_id "
                        + "WHERE s.access_hash = :hash AND s.access_expires_at > :now AND s.expires_at > :now")
                .bind("hash", Digests.sha256(accessToken))
                .bind("now", now)
                .map((rs, ctx) -> new Admin(rs.getString("id"), kind(rs.getString("kind")), rs.getString("name"),
                        Instant.ofEpochMilli(rs.getLong("created_at"))))
                .findOne());
    }

    /** A new access token for an unexpired refresh token; the session's earlier access token stops working. */
    public Optional<String> refresh(String refreshToken) {
        String access = ids.userToken();
        Instant now = clock.instant();
        int updated = database.inTransaction(h -> h.createUpdate("UPDATE admin_sessions SET access_hash = :access, "
                        + "access_expires_at = :accessExpires WHERE refresh_hash = :refresh AND expires_at > :now")
                .bind("access", Digests.sha256(access))
                .bind("accessExpires", now.plus(ACCESS_TTL).toEpochMilli())
                .bind("refresh", Digests.sha256(refreshToken))
                .bind("now", now.toEpochMilli())
                .execute());
        return updated == 1 ? Optional.of(access) : Optional.empty();
    }

    /** Ends the session of a refresh or access token; unknown tokens are ignored. */
    public void logout(String token) {
        String digest = Digests.sha256(token);
        database.useTransaction(h -> h.createUpdate(
                        "DELETE FROM admin_sessions WHERE refresh_hash = :digest OR access_hash = :digest")
                .bind("digest", digest).execute());
    }

    private static String column(Kind kind) {
        return kind == Kind.USER ? "user" : "api_key";
    }

    private static Kind kind(String column) {
        return "user".equals(column) ? Kind.USER : Kind.API_KEY;
    }
}
