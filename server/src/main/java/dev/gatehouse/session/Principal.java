package dev.gatehouse.session;

import dev.gatehouse.account.User;
import dev.gatehouse.config.AppConfig;

/**
 * The caller of an access-token request, once authenticated.
 *
 * @param app the user's app
 * @param user the user
 * @param sessionId the session the access token belongs to
 */
public record Principal(AppConfig app, User user, String sessionId) {}
