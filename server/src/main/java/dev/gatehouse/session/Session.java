package dev.gatehouse.session;

import java.time.Instant;

/**
 * A login: one refresh token's server-side record. Its id is the access token's {@code iss} and
 * the refresh token's {@code baas_id}, as in App Services.
 *
 * @param id session id (ObjectId hex)
 * @param userId owner
 * @param deviceId the device id returned at login
 * @param refreshHash SHA-256 of the refresh token
 * @param createdAt login time
 * @param expiresAt refresh token expiry
 * @param revoked logged out, or revoked by a reset or an operator
 */
public record Session(String id, String userId, String deviceId, String refreshHash, Instant createdAt, Instant expiresAt,
               boolean revoked) {}
