package dev.gatehouse.session;

/**
 * The login reply of spec 5.1, field names as on the wire.
 *
 * @param access_token access JWT
 * @param refresh_token refresh JWT
 * @param user_id the user's id
 * @param device_id a 24-hex device id (realm-web refuses anything else)
 */
public record LoginResult(String access_token, String refresh_token, String user_id, String device_id) {}
