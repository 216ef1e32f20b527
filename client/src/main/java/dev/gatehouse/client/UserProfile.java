package dev.gatehouse.client;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A user's profile, as {@code GET /auth/profile} answers it.
 *
 * @param email {@code data.email}, or null
 * @param identities the user's identities
 * @param data the profile's {@code data} object
 */
public record UserProfile(String email, List<UserIdentity> identities, Map<String, Object> data) {
    public UserProfile {
        identities = List.copyOf(identities);
        // Not Map.copyOf: profile data may hold nulls.
        data = Collections.unmodifiableMap(new LinkedHashMap<>(data));
    }

    static UserProfile empty() {
        return new UserProfile(null, List.of(), Map.of());
    }
}
