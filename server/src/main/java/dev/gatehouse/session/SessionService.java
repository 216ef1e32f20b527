package dev.gatehouse.session;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.gatehouse.account.User;
import dev.gatehouse.account.UserStore;
import dev.gatehouse.app.Apps;
import dev.gatehouse.config.AppConfig;
import dev.gatehouse.db.Database;
import dev.gatehouse.http.ApiException;
import dev.gatehouse.http.ErrorCode;
import dev.gatehouse.password.PasswordHasher;
import dev.gatehouse.token.Digests;
import dev.gatehouse.token.Ids;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Login, refresh, logout and access-token authentication. A session row backs every refresh token,
 * so logout, delete and password reset revoke server-side; access tokens are checked against their
 * session too, so a revoked session stops working at once rather than when its access token expires.
 * Thread-safe.
 */
public final class SessionService {
    static final String UNAUTHORIZED = "unauthorized";

    private final Database database;
    private final UserStore users;
    private final SessionStore sessions;
    private final SessionTokens tokens;
    private final PasswordHasher hasher;
    // Built once: a login only increments. Unknown users count as bad passwords, as the client sees them.
    private final Counter loginSucceeded;
    private final Counter loginBadPassword;
    private final Counter loginPending;
    private final Counter loginDisabled;
    private final Apps apps;
    private final Ids ids;
    private final Clock clock;

    public SessionService(Database database, UserStore users, SessionStore sessions, SessionTokens tokens,
                          PasswordHasher hasher, Apps apps, Ids ids, Clock clock, MeterRegistry meters) {
        this.loginSucceeded = loginCounter(meters, "success", "none");
        this.loginBadPassword = loginCounter(meters, "failure", "bad_password");
        this.loginPending = loginCounter(meters, "failure", "pending");
        this.loginDisabled = loginCounter(meters, "failure", "disabled");
        this.database = database;
        this.users = users;
        this.sessions = sessions;
        this.tokens = tokens;
        this.hasher = hasher;
        this.apps = apps;
        this.ids = ids;
        this.clock = clock;
    }

    /**
     * Checks the password and opens a session. Unknown users, wrong passwords and pending users all
     * pay one Argon2id verification, so timing does not tell them apart; only a pending user whose
     * password is right learns that confirmation is required, as in App Services.
     */
    public LoginResult login(AppConfig app, String username, String password, String requestedDeviceId) {
        Apps.userpass(app);
        if (username == null || password == null) {
            loginBadPassword.increment();
            throw new ApiException(ErrorCode.InvalidPassword, UNAUTHORIZED);
        }
        Optional<User> found = database.withHandle(h -> users.findByEmail(h, app.clientAppId(), username));
        boolean passwordOk = found.isPresent()
                ? hasher.verify(password, found.get().passwordHash())
                : hasher.verifyDecoy(password);
        if (!passwordOk) {
            loginBadPassword.increment();
            throw new ApiException(ErrorCode.InvalidPassword, UNAUTHORIZED);
        }
        User user = found.get();
        if (!user.confirmed()) {
            loginPending.increment();
            throw new ApiException(ErrorCode.AuthError, "confirmation required");
        }
        if (user.disabled()) {
            loginDisabled.increment();
            throw new ApiException(ErrorCode.UserDisabled, "user disabled");
        }
        String deviceId = Ids.isObjectId(requestedDeviceId) && !Ids.ZERO_OBJECT_ID.equals(requestedDeviceId)
                ? requestedDeviceId : ids.objectId();
        String sessionId = ids.objectId();
        Instant now = clock.instant();
        Instant expires = now.plus(tokens.refreshTtl());
        String refresh = tokens.refresh(app, user, sessionId, deviceId, expires);
        // The password is known good only now, so this is where an imported or older-cost hash
        // becomes one with the current parameters; a login whose hash is current pays nothing more.
        String rehashed = hasher.needsRehash(user.passwordHash()) ? hasher.hash(password) : null;
        database.useTransaction(h -> {
            sessions.insert(h, new Session(sessionId, user.id(), deviceId, Digests.sha256(refresh), now, expires, false));
            users.recordLogin(h, user.id(), now);
            if (rehashed != null) {
                users.replacePasswordHash(h, user.id(), user.passwordHash(), rehashed);
            }
        });
        loginSucceeded.increment();
        return new LoginResult(tokens.access(app, user, sessionId, deviceId), refresh, user.id(), deviceId);
    }

    private static Counter loginCounter(MeterRegistry meters, String result, String reason) {
        return Counter.builder("gatehouse.logins")
                .description("Email/password logins by result; reason says why one failed")
                .tags("result", result, "reason", reason)
                .register(meters);
    }

    /**
     * A new access token for a valid refresh token, else 401 {@code InvalidSession}.
     *
     * @param requiredAppId the client app id of an app-scoped route, or null
     */
    public String refresh(String refreshToken, String requiredAppId) {
        ActiveSession active = activeSession(refreshToken)
                .filter(a -> requiredAppId == null || a.app().clientAppId().equals(requiredAppId))
                .orElseThrow(() -> new ApiException(ErrorCode.InvalidSession, "invalid session"));
        return tokens.access(active.app(), active.user(), active.session().id(), active.session().deviceId());
    }

    /**
     * Revokes the refresh token's session. Succeeds whatever the token: realm-web logs out after
     * deleting a user, with the refresh token of a session that no longer exists (spec 13).
     */
    public void logout(String refreshToken) {
        activeSession(refreshToken).ifPresent(active ->
                database.useTransaction(h -> sessions.revoke(h, active.session().id(), clock.instant())));
    }

    /** The caller of an access-token request, else 401 {@code InvalidSession}. */
    public Principal authenticate(String accessToken) {
        JWTClaimsSet claims = tokens.verify(accessToken, SessionTokens.ACCESS).orElseThrow(ApiException::invalidSession);
        String sessionId = claims.getIssuer();
        return database.withHandle(h -> {
            Session session = sessions.find(h, sessionId)
                    .filter(s -> !s.revoked() && s.userId().equals(claims.getSubject()))
                    .orElseThrow(ApiException::invalidSession);
            User user = users.findById(h, session.userId()).filter(u -> !u.disabled())
                    .orElseThrow(ApiException::invalidSession);
            AppConfig app = apps.find(user.appId()).orElseThrow(ApiException::invalidSession);
            return new Principal(app, user, session.id());
        });
    }

    /**
     * The claims of an access token signed by this server (the admin API's {@code verify_token}),
     * with whether it has expired; empty for anything else. Sessions are not consulted: the
     * question is what the token says, as App Services answered it.
     */
    public Optional<VerifiedToken> inspectAccessToken(String accessToken) {
        return tokens.verifySignature(accessToken, SessionTokens.ACCESS)
                .map(claims -> new VerifiedToken(claims.toJSONObject(),
                        !clock.instant().isBefore(claims.getExpirationTime().toInstant())));
    }

    /** An access token's claims as JSON values, and whether it has expired. */
    public record VerifiedToken(Map<String, Object> claims, boolean expired) {}

    /** Deletes the caller's user; its sessions and tokens go with it. */
    public void deleteUser(Principal principal) {
        database.useTransaction(h -> users.delete(h, principal.user().id()));
    }

    /**
     * The live session of a refresh token. The token is proved genuine by its digest, stored with
     * the session when it was issued ({@link SessionTokens#refreshSessionId}); the session's own
     * expiry is the token's.
     */
    private Optional<ActiveSession> activeSession(String refreshToken) {
        Optional<String> named = tokens.refreshSessionId(refreshToken);
        if (named.isEmpty()) {
            return Optional.empty();
        }
        String sessionId = named.get();
        Instant now = clock.instant();
        return database.withHandle(h -> sessions.find(h, sessionId)
                .filter(s -> !s.revoked() && now.isBefore(s.expiresAt()) && Digests.matches(s.refreshHash(), refreshToken))
                .flatMap(s -> users.findById(h, s.userId()).filter(u -> !u.disabled())
                        .flatMap(u -> apps.find(u.appId()).map(app -> new ActiveSession(app, u, s)))));
    }

    private record ActiveSession(AppConfig app, User user, Session session) {}
}
