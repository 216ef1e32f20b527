package dev.gatehouse.client;

import java.util.List;

/**
 * Where an {@link App} keeps its users' tokens between runs, as the SDKs keep them in
 * {@code localStorage} or a metadata file. {@link InMemoryCredentialStore} keeps nothing past the
 * process; {@link FileCredentialStore} keeps a file. Implementations must be thread-safe.
 */
public interface CredentialStore {
    /** Every stored user, in the order they were first saved. */
    List<StoredUser> load();

    /** Adds or replaces a user. */
    void save(StoredUser user);

    /** Forgets a user. */
    void remove(String userId);

    /** The current user's id, or null. */
    String currentUserId();

    /** Sets (or with null clears) the current user's id. */
    void setCurrentUserId(String userId);
}
