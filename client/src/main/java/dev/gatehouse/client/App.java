package dev.gatehouse.client;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.Document;

/**
 * An App Services app, as seen from Java: the entry point of this client, mirroring the Node.js
 * and .NET SDKs. Thread-safe: one {@code App} per app id is meant to be shared by every thread of
 * a program, and every method may be called from any thread at once. Every blocking method has an
 * {@code ...Async} twin returning a {@link CompletableFuture}; a failure is an {@link AppException}
 * (thrown, or completing the future exceptionally).
 *
 * <pre>{@code
 * App app = App.create(AppConfiguration.builder("myapp-abcde").baseUrl("https://auth.example.com").build());
 * app.emailPasswordAuth().registerUser("ada@example.com", "s3cret!");
 * User user = app.logIn(Credentials.emailPassword("ada@example.com", "s3cret!"));
 * }</pre>
 *
 * <p>Authenticated calls carry the user's access token. When the server answers 401
 * {@code InvalidSession} (the token expired), the client refreshes it once with the refresh token
 * and retries once; it never loops. If the refresh itself is refused, the user is logged out.
 */
public final class App implements AutoCloseable {
    private final AppConfiguration config;
    private final Transport transport;
    private final CredentialStore store;
    private final EmailPasswordAuth emailPasswordAuth;
    private final Map<String, User> users = new LinkedHashMap<>();
    private User current;

    private App(AppConfiguration config) {
        this.config = config;
        this.transport = new Transport(config);
        this.store = config.credentialStore();
        this.emailPasswordAuth = new EmailPasswordAuth(transport);
        for (StoredUser stored : store.load()) {
            User user = new User(this, stored.id());
            user.loggedIn(stored.deviceId(), stored.accessToken(), stored.refreshToken());
            if (stored.profileJson() != null) {
                user.setProfile(profile(stored.profileJson()), stored.profileJson());
            }
            users.put(user.id(), user);
        }
        User remembered = users.get(store.currentUserId());
        current = remembered != null && remembered.state() == UserState.LOGGED_IN ? remembered : null;
    }

    /** An app client; users kept by the configuration's credential store are loaded, logged in as they were. */
    public static App create(AppConfiguration config) {
        return new App(config);
    }

    public AppConfiguration configuration() {
        return config;
    }

    public EmailPasswordAuth emailPasswordAuth() {
        return emailPasswordAuth;
    }

    /** Logs in and makes the user current; the same user logging in again gets the same {@link User} object. */
    public User logIn(Credentials credentials) {
        return Transport.await(logInAsync(credentials));
    }

    public CompletableFuture<User> logInAsync(Credentials credentials) {
        String body = EmailPasswordAuth.body("username", credentials.email(), "password", credentials.password());
        return transport.send("POST", transport.appPath("/auth/providers/local-userpass/login"), body, null)
                .thenCompose(reply -> {
                    BsonDocument login = Transport.parse(reply);
                    String userId = Transport.string(login, "user_id");
                    String access = Transport.string(login, "access_token");
                    String refresh = Transport.string(login, "refresh_token");
                    if (userId == null || access == null || refresh == null) {
                        throw new CompletionException(new AppException("Login reply lacks user_id, access_token or "
                                + "refresh_token", null, 200, null, null));
                    }
                    User user;
                    synchronized (this) {
                        user = users.computeIfAbsent(userId, id -> new User(this, id));
                    }
                    user.loggedIn(Transport.string(login, "device_id"), access, refresh);
                    return fetchProfile(user).thenApply(profile -> {
                        synchronized (this) {
                            current = user;
                            store.setCurrentUserId(user.id());
                        }
                        return user;
                    });
                });
    }

    /** The current user: the last to log in or be switched to, while logged in; otherwise null. */
    public synchronized User currentUser() {
        return current != null && current.state() == UserState.LOGGED_IN ? current : null;
    }

    /** Every user on this device by id, logged in or out, in the order they first logged in. */
    public synchronized Map<String, User> allUsers() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(users));
    }

    /** Makes a logged-in user of this app the current one. */
    public synchronized void switchUser(User user) {
        if (users.get(user.id()) != user || user.state() != UserState.LOGGED_IN) {
            throw new IllegalArgumentException("only a logged-in user of this app can be switched to: " + user);
        }
        current = user;
        store.setCurrentUserId(user.id());
    }

    /** Logs the user out and forgets it on this device. */
    public void removeUser(User user) {
        Transport.await(removeUserAsync(user));
    }

    public CompletableFuture<Void> removeUserAsync(User user) {
        return logOut(user).handle((done, failure) -> {
            forget(user);
            if (failure != null) {
                throw new CompletionException(Transport.unwrap(failure));
            }
            return null;
        });
    }

    /** Deletes the user on the server (its sessions end with it) and forgets it here. */
    public void deleteUser(User user) {
        Transport.await(deleteUserAsync(user));
    }

    public CompletableFuture<Void> deleteUserAsync(User user) {
        return authenticated(user, "DELETE", "/auth/delete", null).thenApply(reply -> {
            forget(user);
            return null;
        });
    }

    @Override
    public void close() {
        transport.close();
    }

    // --- what User and this class share ---

    CompletableFuture<UserProfile> fetchProfile(User user) {
        return authenticated(user, "GET", "/auth/profile", null).thenApply(json -> {
            UserProfile profile = profile(json);
            user.setProfile(profile, json);
            persist(user);
            return profile;
        });
    }

    /**
     * Sends with the user's access token; on 401 {@code InvalidSession} refreshes once and retries
     * once. A refused refresh returns the original error (and has logged the user out).
     */
    CompletableFuture<String> authenticated(User user, String method, String path, String body) {
        String access = user.accessToken();
        if (access == null) {
            return CompletableFuture.failedFuture(loggedOut(user));
        }
        return transport.send(method, path, body, access).exceptionallyCompose(failure -> {
            RuntimeException error = Transport.unwrap(failure);
            if (!(error instanceof AppException e) || e.statusCode() != 401 || e.errorCode() != ErrorCode.INVALID_SESSION) {
                return CompletableFuture.failedFuture(error);
            }
            return refresh(user)
                    .handle((fresh, refreshFailure) -> fresh)
                    .thenCompose(fresh -> fresh == null
                            ? CompletableFuture.failedFuture(error)
                            : transport.send(method, path, body, fresh));
        });
    }

    /** A new access token; concurrent refreshes of one user share one request. */
    CompletableFuture<String> refresh(User user) {
        CompletableFuture<String> running = user.refreshing.get();
        if (running != null && !running.isDone()) {
            return running;
        }
        String refreshToken = user.refreshToken();
        if (refreshToken == null) {
            return CompletableFuture.failedFuture(loggedOut(user));
        }
        CompletableFuture<String> refresh = transport.send("POST", "/auth/session", null, refreshToken)
                .handle((reply, failure) -> {
                    if (failure != null) {
                        RuntimeException error = Transport.unwrap(failure);
                        if (error instanceof AppException e && e.statusCode() == 401) {
                            // The session is gone (expired, revoked, user deleted): as the SDKs do, log out.
                            user.clearTokens();
                            persist(user);
                        }
                        throw new CompletionException(error);
                    }
                    String access = Transport.string(Transport.parse(reply), "access_token");
                    if (access == null) {
                        throw new CompletionException(new AppException("Refresh reply lacks access_token", null, 200, null, null));
                    }
                    user.setAccessToken(access);
                    persist(user);
                    return access;
                });
        return user.refreshing.compareAndSet(running, refresh) ? refresh : refresh(user);
    }

    CompletableFuture<Void> logOut(User user) {
        String refreshToken = user.refreshToken();
        user.clearTokens();
        persist(user);
        synchronized (this) {
            if (current == user) {
                current = null;
                store.setCurrentUserId(null);
            }
        }
        if (refreshToken == null) {
            return CompletableFuture.completedFuture(null);
        }
        return transport.send("DELETE", "/auth/session", null, refreshToken).handle((reply, failure) -> {
            if (failure != null) {
                RuntimeException error = Transport.unwrap(failure);
                // A session the server no longer knows is as logged out as it gets.
                boolean gone = error instanceof AppException e && (e.statusCode() == 401 || e.statusCode() == 404);
                if (!gone) {
                    throw new CompletionException(error);
                }
            }
            return null;
        });
    }

    private void forget(User user) {
        user.markRemoved();
        synchronized (this) {
            users.remove(user.id(), user);
            if (current == user) {
                current = null;
            }
            store.remove(user.id());
        }
    }

    private void persist(User user) {
        synchronized (this) {
            if (users.get(user.id()) == user && user.state() != UserState.REMOVED) {
                store.save(user.stored());
            }
        }
    }

    private static AppException loggedOut(User user) {
        return new AppException("User " + user.id() + " is logged out; log in again", null, 0, null, null);
    }

    static UserProfile profile(String json) {
        BsonDocument reply = Transport.parse(json);
        List<UserIdentity> identities = new ArrayList<>();
        for (BsonValue identity : reply.getArray("identities", new org.bson.BsonArray())) {
            if (identity.isDocument()) {
                identities.add(new UserIdentity(Transport.string(identity.asDocument(), "id"),
                        Transport.string(identity.asDocument(), "provider_type")));
            }
        }
        Document data = Document.parse(reply.getDocument("data", new BsonDocument()).toJson());
        return new UserProfile(data.get("email") instanceof String email ? email : null, identities, data);
    }
}
