package dev.gatehouse.client;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Keeps users for the life of the process only. The default store. Thread-safe. */
public final class InMemoryCredentialStore implements CredentialStore {
    private final Map<String, StoredUser> users = new LinkedHashMap<>();
    private String currentUserId;

    @Override
    public synchronized List<StoredUser> load() {
        return new ArrayList<>(users.values());
    }

    @Override
    public synchronized void save(StoredUser user) {
        users.put(user.id(), user);
    }

    @Override
    public synchronized void remove(String userId) {
        users.remove(userId);
        if (userId.equals(currentUserId)) {
            currentUserId = null;
        }
    }

    @Override
    public synchronized String currentUserId() {
        return currentUserId;
    }

    @Override
    public synchronized void setCurrentUserId(String userId) {
        currentUserId = userId;
    }
}
