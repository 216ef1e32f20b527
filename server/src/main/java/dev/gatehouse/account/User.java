package dev.gatehouse.account;

import java.time.Instant;

/**
 * An Email/Password user of one app. A user that is not {@code confirmed} is what App Services
 * calls a pending user: it exists, holds its email, and cannot log in.
 *
 * @param id user id (ObjectId hex), the {@code sub} of its tokens
 * @param appId the client app id the user belongs to
 * @param email the login name, case-sensitive
 * @param passwordHash Argon2id PHC string
 * @param identityId the id of the user's local-userpass identity
 * @param confirmed false while pending
 * @param disabled an operator switched the user off
 * @param createdAt registration time
 */
public record User(String id, String appId, String email, String passwordHash, String identityId,
                   boolean confirmed, boolean disabled, Instant createdAt) {}
