package dev.gatehouse.confirmation;

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
import dev.gatehouse.token.IssuedToken;
import dev.gatehouse.token.Purpose;
import dev.gatehouse.token.UserTokens;
import java.time.Clock;
import org.jdbi.v3.core.Handle;

/**
 * Confirming pending users: by token (from the email link or the confirmation function), by
 * re-sending the email, or by re-running the confirmation function. Thread-safe.
 */
public final class ConfirmationService {
    private final Database database;
    private final UserStore users;
    private final UserTokens tokens;
    private final Mailer mailer;
    private final MailComposer composer;
    private final MailQuota quota;
    private final ConfirmationFunction function;
    private final Clock clock;
    private final boolean privacyMode;

    /** @param privacyMode {@link #clientResend} answers success whatever the address (MailSettings) */
    public ConfirmationService(Database database, UserStore users, UserTokens tokens, Mailer mailer,
                               MailComposer composer, MailQuota quota, ConfirmationFunction function, Clock clock,
                               boolean privacyMode) {
        this.database = database;
        this.users = users;
        this.tokens = tokens;
        this.mailer = mailer;
        this.composer = composer;
        this.quota = quota;
        this.function = function;
        this.clock = clock;
        this.privacyMode = privacyMode;
    }

    /** Confirms the token's user; the token and its siblings are used up. */
    public void confirm(AppConfig app, String token, String tokenId) {
        Apps.userpass(app);
        database.useTransaction(h -> {
            String userId = tokens.consume(h, token, tokenId, Purpose.CONFIRM);
            // A token of another app is as good as unknown here; the rollback keeps it unused.
            users.findById(h, userId).filter(u -> u.appId().equals(app.clientAppId()))
                    .orElseThrow(() -> new ApiException(ErrorCode.UserpassTokenInvalid, "userpass token is expired or invalid"));
            users.markConfirmed(h, userId, clock.instant());
            tokens.useUpAll(h, userId, Purpose.CONFIRM);
        });
    }

    /**
     * Sends a new confirmation email. By default earlier unexpired links stay valid, so two emails
     * in flight both work (each once); the first used confirms the user and retires the others.
     */
    public void resend(AppConfig app, String email, String acceptLanguage) {
        ProviderConfig provider = Apps.userpass(app);
        Emails.require(email, false);
        database.useTransaction(h -> {
            User user = pendingUser(h, app, email);
            if (!provider.confirmsByEmail()) {
                throw ApiException.badRequest("cannot send confirmation for " + email
                        + ": the provider does not confirm users by email");
            }
            quota.check(h, app.clientAppId(), email);
            IssuedToken token = tokens.reissue(h, user.id(), Purpose.CONFIRM);
            mailer.enqueue(h, composer.confirmation(app, provider, email, token, acceptLanguage));
        });
    }

    /**
     * {@code confirm/send}: {@link #resend}, except that in privacy mode an unknown address, a confirmed
     * user or a full quota answers the same success as a sent email, with no email. The provider's own
     * refusal comes first there, as it does not depend on the address. Operators (the admin API) call
     * {@link #resend} and are told the truth.
     */
    public void clientResend(AppConfig app, String email, String acceptLanguage) {
        if (!privacyMode) {
            resend(app, email, acceptLanguage);
            return;
        }
        ProviderConfig provider = Apps.userpass(app);
        Emails.require(email, false);
        if (!provider.confirmsByEmail()) {
            throw ApiException.badRequest("cannot send confirmation for " + email
                    + ": the provider does not confirm users by email");
        }
        try {
            resend(app, email, acceptLanguage);
        } catch (ApiException e) {
            if (!revealsAccount(e.code())) {
                throw e;
            }
        }
    }

    /** The answers that would tell whether an address has an account (a quota only fills for real ones). */
    static boolean revealsAccount(ErrorCode code) {
        return code == ErrorCode.UserNotFound || code == ErrorCode.UserAlreadyConfirmed || code == ErrorCode.TooManyRequests;
    }

    /**
     * Re-runs the confirmation function for a pending user, with a fresh token (earlier ones stay or
     * go as for a resent email).
     */
    public void retryCustomConfirmation(AppConfig app, String email) {
        ProviderConfig provider = Apps.userpass(app);
        Emails.require(email, false);
        if (provider.autoConfirm()) {
            throw ApiException.badRequest("cannot run confirmation for " + email + ": automatic confirmation is enabled");
        }
        record Pending(User user, IssuedToken token) {}
        Pending pending = database.inTransaction(h -> {
            User user = pendingUser(h, app, email);
            if (!provider.runConfirmationFunction()) {
                throw ApiException.badRequest("cannot run confirmation for " + email + ": no confirmation function is configured");
            }
            return new Pending(user, tokens.reissue(h, user.id(), Purpose.CONFIRM));
        });
        function.run(app, provider, pending.user(), pending.token(), false);
    }

    private User pendingUser(Handle h, AppConfig app, String email) {
        User user = users.findByEmail(h, app.clientAppId(), email)
                .orElseThrow(() -> new ApiException(ErrorCode.UserNotFound, "user not found"));
        if (user.confirmed()) {
            throw new ApiException(ErrorCode.UserAlreadyConfirmed, "already confirmed");
        }
        return user;
    }
}
