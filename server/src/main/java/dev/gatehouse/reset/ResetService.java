package dev.gatehouse.reset;

import dev.gatehouse.account.Emails;
import dev.gatehouse.account.User;
import dev.gatehouse.account.UserStore;
import dev.gatehouse.app.Apps;
import dev.gatehouse.config.AppConfig;
import dev.gatehouse.config.ProviderConfig;
import dev.gatehouse.db.Database;
import dev.gatehouse.function.FunctionCall;
import dev.gatehouse.function.Functions;
import dev.gatehouse.http.ApiException;
import dev.gatehouse.http.ErrorCode;
import dev.gatehouse.mail.MailComposer;
import dev.gatehouse.mail.MailQuota;
import dev.gatehouse.mail.Mailer;
import dev.gatehouse.password.BreachedPasswords;
import dev.gatehouse.password.PasswordHasher;
import dev.gatehouse.password.PasswordPolicy;
import dev.gatehouse.session.SessionStore;
import dev.gatehouse.token.IssuedToken;
import dev.gatehouse.token.Purpose;
import dev.gatehouse.token.UserTokens;
import java.time.Clock;
import org.bson.BsonArray;

/**
 * Password reset by emailed link or by the provider's reset function. A completed reset uses up
 * every reset token of the user and revokes all its sessions (someone who knew the old password is
 * logged out). Thread-safe.
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
    private final Functions functions;
    private final Clock clock;
    private final BreachedPasswords breached;
    private final boolean privacyMode;

    /** @param privacyMode {@link #sendResetEmail} answers success whatever the address (MailSettings) */
    public ResetService(Database database, UserStore users, UserTokens tokens, SessionStore sessions,
                        PasswordHasher hasher, Mailer mailer, MailComposer composer, MailQuota quota,
                        Functions functions, Clock clock, BreachedPasswords breached,
                        boolean privacyMode) {
        this.database = database;
        this.users = users;
        this.tokens = tokens;
        this.sessions = sessions;
        this.hasher = hasher;
        this.mailer = mailer;
        this.composer = composer;
        this.quota = quota;
        this.functions = functions;
        this.clock = clock;
        this.breached = breached;
        this.privacyMode = privacyMode;
    }

    /**
     * Emails a reset link to a confirmed user; a pending user is not a user yet (App Services). In
     * privacy mode an unknown or pending address, or a full quota, answers the same success with no
     * email, so the route does not tell who has an account.
     */
    public void sendResetEmail(AppConfig app, String email, String acceptLanguage) {
        ProviderConfig provider = Apps.userpass(app);
        Emails.require(email, false);
        if (provider.runResetFunction()) {
            throw ApiException.badRequest("please use reset password via function");
        }
        try {
            queueResetEmail(app, provider, email, acceptLanguage);
        } catch (ApiException e) {
            boolean revealsAccount = e.code() == ErrorCode.UserNotFound || e.code() == ErrorCode.TooManyRequests;
            if (!privacyMode || !revealsAccount) {
                throw e;
            }
        }
    }

    private void queueResetEmail(AppConfig app, ProviderConfig provider, String email, String acceptLanguage) {
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
        breached.require(password);
        String hash = hasher.hash(password);
        database.useTransaction(h -> {
            String userId = tokens.consume(h, token, tokenId, Purpose.RESET);
            users.findById(h, userId).filter(u -> u.appId().equals(app.clientAppId()))
                    .orElseThrow(() -> new ApiException(ErrorCode.UserpassTokenInvalid, "userpass token is expired or invalid"));
            users.updatePassword(h, userId, hash);
            tokens.useUpAll(h, userId, Purpose.RESET);
            sessions.revokeAllForUser(h, userId, clock.instant());
        });
    }

    /**
     * Runs the reset function with {@code ({username, password, token, tokenId, currentPasswordValid},
     * ...arguments)}. Success sets the password now; pending leaves it to {@code reset} with the
     * token; fail, or no status at all, answers the contract's error and retires the token.
     */
    public void callResetFunction(AppConfig app, String email, String password, BsonArray arguments) {
        ProviderConfig provider = Apps.userpass(app);
        Emails.require(email, false);
        PasswordPolicy.require(password);
        User user = database.withHandle(h -> users.findByEmail(h, app.clientAppId(), email).filter(User::confirmed)
                .orElseThrow(() -> new ApiException(ErrorCode.UserNotFound, "user not found")));
        if (!provider.runResetFunction()) {
            throw failed(email);
        }
        // Before the function runs: its success sets this password at once.
        breached.require(password);
        // Argon2id runs outside any lock: the check the function is told about now, the new hash
        // only once the function answers success (pending and fail, the common answers, need none).
        boolean currentPasswordValid = hasher.verify(password, user.passwordHash());
        IssuedToken token = database.inTransaction(h -> tokens.reissue(h, user.id(), Purpose.RESET));
        FunctionCall call = FunctionCall.reset(app.clientAppId(), provider.resetFunctionName(), email, password,
                token.token(), token.tokenId(), currentPasswordValid, arguments);
        switch (functions.run(app, provider.resetFunctionName(), call)) {
            case SUCCESS -> {
                String hash = hasher.hash(password);
                try {
                    database.useTransaction(h -> {
                        // Using the token up proves nothing else (a reset, a deletion) got there first.
                        tokens.consume(h, token.token(), token.tokenId(), Purpose.RESET);
                        users.updatePassword(h, user.id(), hash);
                        tokens.useUpAll(h, user.id(), Purpose.RESET);
                        sessions.revokeAllForUser(h, user.id(), clock.instant());
                    });
                } catch (ApiException e) {
                    throw failed(email);
                }
            }
            case PENDING -> { }
            case FAIL, ERROR -> {
                database.useTransaction(h -> tokens.revoke(h, token.tokenId()));
                throw failed(email);
            }
        }
    }

    private static ApiException failed(String email) {
        return ApiException.badRequest("failed to reset password for user \"" + email + "\"");
    }
}
