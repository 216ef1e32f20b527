package dev.gatehouse.registration;

import dev.gatehouse.account.Emails;
import dev.gatehouse.account.User;
import dev.gatehouse.account.UserStore;
import dev.gatehouse.app.Apps;
import dev.gatehouse.config.AppConfig;
import dev.gatehouse.config.ProviderConfig;
import dev.gatehouse.confirmation.ConfirmationFunction;
import dev.gatehouse.db.Database;
import dev.gatehouse.http.ApiException;
import dev.gatehouse.http.ErrorCode;
import dev.gatehouse.mail.MailComposer;
import dev.gatehouse.mail.Mailer;
import dev.gatehouse.password.BreachedPasswords;
import dev.gatehouse.password.PasswordHasher;
import dev.gatehouse.password.PasswordPolicy;
import dev.gatehouse.token.Ids;
import dev.gatehouse.token.IssuedToken;
import dev.gatehouse.token.Purpose;
import dev.gatehouse.token.UserTokens;
import java.time.Clock;

/**
 * Registration: creates the user (confirmed at once under {@code autoConfirm}, else pending) and,
 * in the same transaction, the confirmation token and its email; or, under
 * {@code runConfirmationFunction}, the token that the confirmation function then receives.
 * Thread-safe.
 */
public final class RegistrationService {
    private final Database database;
    private final UserStore users;
    private final UserTokens tokens;
    private final PasswordHasher hasher;
    private final Mailer mailer;
    private final MailComposer composer;
    private final ConfirmationFunction confirmationFunction;
    private final Ids ids;
    private final Clock clock;
    private final BreachedPasswords breached;

    public RegistrationService(Database database, UserStore users, UserTokens tokens, PasswordHasher hasher,
                               Mailer mailer, MailComposer composer, ConfirmationFunction confirmationFunction,
                               Ids ids, Clock clock, BreachedPasswords breached) {
        this.database = database;
        this.users = users;
        this.tokens = tokens;
        this.hasher = hasher;
        this.mailer = mailer;
        this.composer = composer;
        this.confirmationFunction = confirmationFunction;
        this.ids = ids;
        this.clock = clock;
        this.breached = breached;
    }

    /** Registers a user; {@code acceptLanguage} (the request's header, may be null) picks the email's language. */
    public void register(AppConfig app, String email, String password, String acceptLanguage) {
        ProviderConfig provider = Apps.userpass(app);
        Emails.require(email, provider.confirmsByEmail());
        PasswordPolicy.require(password);
        breached.require(password);
        // Hash before the transaction: Argon2 takes tens of milliseconds and needs no lock.
        User user = new User(ids.objectId(), app.clientAppId(), email, hasher.hash(password), ids.objectId(),
                provider.autoConfirm(), false, clock.instant());
        IssuedToken functionToken;
        try {
            functionToken = database.inTransaction(h -> {
                users.insert(h, user);
                if (provider.confirmsByEmail()) {
                    IssuedToken token = tokens.issue(h, user.id(), Purpose.CONFIRM);
                    mailer.enqueue(h, composer.confirmation(app, provider, email, token, acceptLanguage));
                }
                return provider.runConfirmationFunction() ? tokens.issue(h, user.id(), Purpose.CONFIRM) : null;
            });
        } catch (RuntimeException e) {
            if (database.dialect().isUniqueViolation(e)) {
                throw new ApiException(ErrorCode.AccountNameInUse, "name already in use");
            }
            throw e;
        }
        if (functionToken != null) {
            // The user is committed as pending first: the function may take seconds, and holding
            // the write lock for them would stall every other registration.
            confirmationFunction.run(app, provider, user, functionToken, true);
        }
    }
}
