package dev.gatehouse.client;

/**
 * What a {@link CredentialStore} keeps of one user between runs.
 *
 * @param id the user's id
 * @param deviceId the device id the server gave at login
 * @param accessToken null when logged out
 * @param refreshToken null when logged out
 * @param profileJson the last profile reply, as JSON, or null
 */
public record StoredUser(String id, String deviceId, String accessToken, String refreshToken, String profileJson) {
    /** Leaves the tokens out, so that logging a stored user cannot leak them. */
    @Override
    public String toString() {
        return "StoredUser[" + id + ", loggedIn=" + (refreshToken != null) + "]";
    }
}
