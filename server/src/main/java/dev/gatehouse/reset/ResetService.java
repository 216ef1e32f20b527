package dev.gatehouse.reset;

import dev.gatehouse.account.Emails;
import dev.gatehouse.account.User;
import dev.gatehouse.account.UserStore;
import dev.gatehouse.app.Apps;
import dev.gatehouse.config.AppConfig;
import dev.gatehouse.config.ProviderConfig;
import dev.gatehouse.db.Database;
import dev.gatehouse.http.ApiException;
import dev.gatehouse.http.ErrorCode;
import dev.gatehouse.mail.MailComposer;
import dev.gatehouse.mail.MailQuota;
import dev.gatehouse.mail.Mailer;
import dev.gatehouse.password.PasswordHasher;
import dev.gatehouse.password.PasswordPolicy;
import dev.gatehouse.session.SessionStore;
import dev.gatehouse.token.IssuedToken;
import dev.gatehouse.token.Purpose;
import dev.gatehouse.token.UserTokens;
import java.time.Clock;

/**
 * Password reset by emailed link. A completed reset uses up every reset token of the user and
 * revokes all its sessions (someone who knew the old password is logged out). Thread-safe.
 */
public final class ResetService {
    private final Database database;
    private final UserStore users;
    private final UserTokens tokens;
    private final SessionStore sessions;
    private final PasswordHasher hasher;
    private final Mailer mailer;
    private final MailComposer composer;
    private final MailQuota quota;
    private final Clock clock;

    public ResetService(Database database, UserStore users, UserTokens tokens, SessionStore sessions,
                        PasswordHasher hasher, Mailer mailer, MailComposer composer, MailQuota quota,
                        Clock clock) {
        this.database = database;
        this.users = users;
        this.tokens = tokens;
        this.sessions = sessions;
        this.hasher = hasher;
        this.mailer = mailer;
        this.composer = composer;
        this.quota = quota;
        this.clock = clock;
    }

    /** Emails a reset link to a confirmed user; a pending user is not a user yet (App Services). */
    public void sendResetEmail(AppConfig app, String email, String acceptLanguage) {
        ProviderConfig provider = Apps.userpass(app);
        Emails.require(email, false);
        if (provider.runResetFunction()) {
            throw ApiException.badRequest("please use reset password via function");
        }
        database.useTransaction(h -> {
            User user = users.findByEmail(h, app.clientAppId(), email).filter(User::confirmed)
                    .orElseThrow(() -> new ApiException(ErrorCode.UserNotFound, "user not found"));
            quota.check(h, app.clientAppId(), email);
            IssuedToken token = tokens.reissue(h, user.id(), Purpose.RESET);
            mailer.enqueue(h, composer.reset(app, provider, email, token, acceptLanguage));
        });
    }

    /** Sets a new password with a reset token. */
    public void resetPassword(AppConfig app, String token, String tokenId, String password) {
        Apps.userpass(app);
        PasswordPolicy.require(password);
        // Refuse a bad token before paying for Argon2id, so invalid tokens cannot buy CPU time.
        database.withHandle(h -> tokens.check(h, token, tokenId, Purpose.RESET));
        String hash = hasher.hash(password);
        database.useTransaction(h -> {
            String userId = tokens.consume(h, token, tokenId, Purpose.RESET);
            users.findById(h, userId).filter(u -> u.appId().equals(app.clientAppId()))
                    .orElseThrow(() -> new ApiException(ErrorCode.UserpassTokenInvalid, "userpass token is expired or invalid"));
            users.updatePassword(h, userId, hash);
            tokens.revokeAll(h, userId, Purpose.RESET);
            sessions.revokeAllForUser(h, userId, clock.instant());
        });
    }

    /**
     * Runs the reset function. Until the function runtime exists (start-up refuses apps that turn
     * reset functions on), a known user gets the contract's failure, as if the function had failed.
     */
    public void callResetFunction(AppConfig app, String email, String password) {
        Apps.userpass(app);
        Emails.require(email, false);
        PasswordPolicy.require(password);
        database.withHandle(h -> users.findByEmail(h, app.clientAppId(), email).filter(User::confirmed)
                .orElseThrow(() -> new ApiException(ErrorCode.UserNotFound, "user not found")));
        throw ApiException.badRequest("failed to reset password for user \"" + email + "\"");
    }
}
