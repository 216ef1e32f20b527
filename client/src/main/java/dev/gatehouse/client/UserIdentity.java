package dev.gatehouse.client;

/**
 * One identity of a user, from the profile.
 *
 * @param id the identity's id with its provider
 * @param providerType such as {@code local-userpass}
 */
public record UserIdentity(String id, String providerType) {}
