package dev.gatehouse.admin;

import dev.gatehouse.account.Emails;
import dev.gatehouse.account.User;
import dev.gatehouse.account.UserStore;
import dev.gatehouse.db.Database;
import dev.gatehouse.http.ApiException;
import dev.gatehouse.http.ErrorCode;
import dev.gatehouse.password.BreachedPasswords;
import dev.gatehouse.password.PasswordHasher;
import dev.gatehouse.password.PasswordPolicy;
import dev.gatehouse.session.SessionStore;
import dev.gatehouse.token.Ids;
import dev.gatehouse.token.Purpose;
import dev.gatehouse.token.UserTokens;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * What an operator does to users, for the {@code gatehouse users} commands and the admin API.
 * Users are named by email or id within one app. Thread-safe.
 */
public final class UserAdmin {
    private final Database database;
    private final UserStore users;
    private final SessionStore sessions;
    private final UserTokens tokens;
    private final PasswordHasher hasher;
    private final Ids ids;
    private final Clock clock;
    private final BreachedPasswords breached;

    public UserAdmin(Database database, UserStore users, SessionStore sessions, UserTokens tokens,
                     PasswordHasher hasher, Ids ids, Clock clock, BreachedPasswords breached) {
        this.database = database;
        this.users = users;
        this.sessions = sessions;
        this.tokens = tokens;
        this.hasher = hasher;
        this.ids = ids;
        this.clock = clock;
        this.breached = breached;
    }

    /** One page of users and how many match in all. */
    public record Page(List<User> users, long total) {}

    public Page list(String appId, String search, boolean pendingOnly, int limit, long offset) {
        if (limit < 1 || offset < 0) {
            throw new AdminException(AdminException.Reason.INVALID, "limit must be at least 1 and offset at least 0");
        }
        return database.withHandle(h -> new Page(users.list(h, appId, search, pendingOnly, limit, offset),
                users.count(h, appId, search, pendingOnly)));
    }

    /** One keyset page of an app's users of a status (see {@link UserStore#page}). */
    public List<UserStore.Listed> page(String appId, String search, UserStore.Status status, String afterId,
                                       boolean desc, int limit) {
        return database.withHandle(h -> users.page(h, appId, search, status, afterId, desc, limit));
    }

    public long count(String appId, String search, UserStore.Status status) {
        return database.withHandle(h -> users.count(h, appId, search, status));
    }

    /** The user named by email or id, with its confirmation and last login times. */
    public Optional<UserStore.Listed> listed(String appId, String emailOrId) {
        return database.withHandle(h -> find(h, appId, emailOrId).flatMap(u -> users.listed(h, u.id())));
    }

    /**
     * Creates a confirmed user. The email must be mailable (an {@code @} with text on both sides),
     * as registration requires when the provider sends mail: a user made by an operator may later
     * need a password reset link.
     */
    public User create(String appId, String email, String password) {
        try {
            Emails.require(email, true);
            PasswordPolicy.require(password);
            breached.require(password);
        } catch (ApiException e) {
            if (e.code() != ErrorCode.BadRequest) {
                throw e; // the breach check could not be made: not the operator's input at fault
            }
            throw new AdminException(AdminException.Reason.INVALID, e.getMessage());
        }
        User user = new User(ids.objectId(), appId, email, hasher.hash(password), ids.objectId(), true, false,
                clock.instant());
        try {
            database.useTransaction(h -> users.insert(h, user));
        } catch (RuntimeException e) {
            if (database.dialect().isUniqueViolation(e)) {
                throw new AdminException(AdminException.Reason.CONFLICT, "app " + appId + " already has a user " + email);
            }
            throw e;
        }
        return user;
    }

    /**
     * Creates the users of an import file in one transaction: all of them, or none when any email is
     * taken already. Hashes are stored as given, and replaced by Argon2id at each user's first login.
     *
     * @param progress told how many users have been written, now and then, for large files
     */
    public int importUsers(String appId, List<UserImport.Entry> entries, java.util.function.IntConsumer progress) {
        java.time.Instant now = clock.instant();
        return database.inTransaction(h -> {
            List<String> taken = new java.util.ArrayList<>();
            int written = 0;
            for (UserImport.Entry entry : entries) {
                if (users.findByEmail(h, appId, entry.email()).isPresent()) {
                    taken.add("line " + entry.line() + ": app " + appId + " already has a user " + entry.email());
                    continue;
                }
                if (taken.isEmpty()) {
                    users.insert(h, new User(ids.objectId(), appId, entry.email(), entry.passwordHash(), ids.objectId(),
                            entry.confirmed(), false, now));
                    if (++written % 1000 == 0) {
                        progress.accept(written);
                    }
                }
            }
            if (!taken.isEmpty()) {
                // Rolls the transaction back: nothing of the file is imported.
                throw new AdminException(AdminException.Reason.CONFLICT, String.join("\n", taken.subList(0,
                        Math.min(taken.size(), UserImport.MAX_PROBLEMS))) + "\nnothing imported");
            }
            return written;
        });
    }

    /** Confirms a pending user, as its confirmation link would; false when it was confirmed already. */
    public boolean confirm(String appId, String emailOrId) {
        return database.inTransaction(h -> {
            User user = require(h, appId, emailOrId);
            if (user.confirmed()) {
                return false;
            }
            users.markConfirmed(h, user.id(), clock.instant());
            tokens.revokeAll(h, user.id(), Purpose.CONFIRM);
            return true;
        });
    }

    /** Deletes the user with its tokens and sessions; returns who it was. */
    public User delete(String appId, String emailOrId) {
        return database.inTransaction(h -> {
            User user = require(h, appId, emailOrId);
            users.delete(h, user.id());
            return user;
        });
    }

    /** Deletes a user that is still pending; a user confirmed meanwhile is not found. */
    public void deletePending(String appId, String emailOrId) {
        database.useTransaction(h -> {
            User user = require(h, appId, emailOrId);
            if (!users.deletePending(h, user.id())) {
                throw new AdminException(AdminException.Reason.NOT_FOUND, "app " + appId + " has no pending user " + emailOrId);
            }
        });
    }

    /** Ends every session of the user: its refresh and access tokens stop working at once. */
    public User logoutEverywhere(String appId, String emailOrId) {
        return database.inTransaction(h -> {
            User user = require(h, appId, emailOrId);
            sessions.revokeAllForUser(h, user.id(), clock.instant());
            return user;
        });
    }

    /** Switches the user off and logs it out everywhere: its refresh tokens stop working at once. */
    public User disable(String appId, String emailOrId) {
        return database.inTransaction(h -> {
            User user = require(h, appId, emailOrId);
            users.setDisabled(h, user.id(), true);
            sessions.revokeAllForUser(h, user.id(), clock.instant());
            return user;
        });
    }

    /** Lets the user log in again; sessions revoked when it was disabled stay revoked. */
    public User enable(String appId, String emailOrId) {
        return database.inTransaction(h -> {
            User user = require(h, appId, emailOrId);
            users.setDisabled(h, user.id(), false);
            return user;
        });
    }

    public Optional<User> find(String appId, String emailOrId) {
        return database.withHandle(h -> find(h, appId, emailOrId));
    }

    private Optional<User> find(Handle h, String appId, String emailOrId) {
        // An id first: ids are ObjectIds, which App Services would also accept as an email, so an
        // email that looks like one is still found by the fallback.
        Optional<User> byId = Ids.isObjectId(emailOrId)
                ? users.findById(h, emailOrId).filter(u -> u.appId().equals(appId))
                : Optional.empty();
        return byId.isPresent() ? byId : users.findByEmail(h, appId, emailOrId);
    }

    private User require(Handle h, String appId, String emailOrId) {
        return find(h, appId, emailOrId).orElseThrow(() ->
                new AdminException(AdminException.Reason.NOT_FOUND, "app " + appId + " has no user " + emailOrId));
    }
}
