package dev.gatehouse.client;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.bson.Document;

/**
 * A user of an {@link App} on this device: its id, tokens, profile and state. Obtained from
 * {@link App#logIn}, {@link App#currentUser()} or {@link App#allUsers()}; there is one object per
 * user id per app. Thread-safe: its state may change under other threads' calls (a refresh, a
 * log-out), and every getter reads the latest.
 *
 * <pre>{@code
 * User user = app.logIn(Credentials.emailPassword("ada@example.com", "s3cret!"));
 * String email = user.profile().email();
 * user.logOut();
 * }</pre>
 */
public final class User {
    private final App app;
    private final String id;
    private String deviceId;
    private String accessToken;
    private String refreshToken;
    private UserProfile profile = UserProfile.empty();
    private String profileJson;
    private boolean removed;
    final AtomicReference<CompletableFuture<String>> refreshing = new AtomicReference<>();

    User(App app, String id) {
        this.app = app;
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** The device id the server gave at the last login. */
    public synchronized String deviceId() {
        return deviceId;
    }

    /** The current access token, or null when logged out. */
    public synchronized String accessToken() {
        return accessToken;
    }

    /** The refresh token, or null when logged out. */
    public synchronized String refreshToken() {
        return refreshToken;
    }

    /** The profile from the last login or {@link #refreshProfile()}. */
    public synchronized UserProfile profile() {
        return profile;
    }

    public synchronized UserState state() {
        return removed ? UserState.REMOVED : refreshToken != null ? UserState.LOGGED_IN : UserState.LOGGED_OUT;
    }

    /**
     * The custom user data carried by the access token ({@code user_data} claim), or an empty map.
     * Refresh the access token to see changes made on the server.
     */
    public Map<String, Object> customData() {
        String token = accessToken();
        if (token == null) {
            return Map.of();
        }
        String[] parts = token.split("\\.");
        if (parts.length != 3) {
            return Map.of();
        }
        try {
            // Either base64 alphabet, padded or not, as realm-core accepts.
            String payload = parts[1].replace('+', '-').replace('/', '_').replace("=", "");
            Document claims = Document.parse(new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8));
            Document data = claims.get("user_data", Document.class);
            return data == null ? Map.of() : java.util.Collections.unmodifiableMap(data);
        } catch (RuntimeException unreadable) {
            return Map.of();
        }
    }

    /** Gets a new access token with the refresh token. A refused refresh (401) logs the user out. */
    public void refreshAccessToken() {
        Transport.await(refreshAccessTokenAsync());
    }

    public CompletableFuture<Void> refreshAccessTokenAsync() {
        return app.refresh(this).thenApply(token -> null);
    }

    /** Fetches the profile again. */
    public UserProfile refreshProfile() {
        return Transport.await(refreshProfileAsync());
    }

    public CompletableFuture<UserProfile> refreshProfileAsync() {
        return app.fetchProfile(this);
    }

    /**
     * Ends the session on the server and forgets the tokens here. The tokens are forgotten even
     * when the server cannot be reached; the user stays in {@link App#allUsers()}, logged out.
     */
    public void logOut() {
        Transport.await(logOutAsync());
    }

    public CompletableFuture<Void> logOutAsync() {
        return app.logOut(this);
    }

    // --- state changes, made by App ---

    synchronized void loggedIn(String newDeviceId, String newAccessToken, String newRefreshToken) {
        deviceId = newDeviceId;
        accessToken = newAccessToken;
        refreshToken = newRefreshToken;
        removed = false;
    }

    synchronized void setAccessToken(String token) {
        accessToken = token;
    }

    synchronized void setProfile(UserProfile newProfile, String json) {
        profile = newProfile;
        profileJson = json;
    }

    synchronized void clearTokens() {
        accessToken = null;
        refreshToken = null;
    }

    synchronized void markRemoved() {
        clearTokens();
        removed = true;
    }

    synchronized StoredUser stored() {
        return new StoredUser(id, deviceId, accessToken, refreshToken, profileJson);
    }

    @Override
    public String toString() {
        return "User[" + id + ", " + state() + "]";
    }
}
