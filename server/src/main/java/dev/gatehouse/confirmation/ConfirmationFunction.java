package dev.gatehouse.confirmation;

import dev.gatehouse.account.User;
import dev.gatehouse.account.UserStore;
import dev.gatehouse.config.AppConfig;
import dev.gatehouse.config.ProviderConfig;
import dev.gatehouse.db.Database;
import dev.gatehouse.function.FunctionCall;
import dev.gatehouse.function.Functions;
import dev.gatehouse.http.ApiException;
import dev.gatehouse.token.IssuedToken;
import dev.gatehouse.token.Purpose;
import dev.gatehouse.token.UserTokens;
import java.time.Clock;

/**
 * Runs the provider's confirmation function for a pending user and applies its status: success
 * confirms, pending leaves the user to confirm with the token, fail deletes the pending user (the
 * email can register again). The function runs outside any transaction, since it may take seconds.
 * Thread-safe.
 */
public final class ConfirmationFunction {
    private final Database database;
    private final UserStore users;
    private final UserTokens tokens;
    private final Functions functions;
    private final Clock clock;

    public ConfirmationFunction(Database database, UserStore users, UserTokens tokens, Functions functions, Clock clock) {
        this.database = database;
        this.users = users;
        this.tokens = tokens;
        this.functions = functions;
        this.clock = clock;
    }

    /**
     * Runs the function with the user's fresh token. A function that produces no status (it threw,
     * timed out) is a fail at registration, so no user is left half-created; on a retry it leaves
     * the pending user as it was and only retires the token, so the retry can be tried again.
     *
     * @throws ApiException 400 {@code failed to confirm user "<email>"} unless the status is success or pending
     */
    public void run(AppConfig app, ProviderConfig provider, User user, IssuedToken token, boolean atRegistration) {
        FunctionCall call = FunctionCall.confirmation(app.clientAppId(), provider.confirmationFunctionName(),
                user.email(), token.token(), token.tokenId());
        switch (functions.run(app, provider.confirmationFunctionName(), call)) {
            case SUCCESS -> database.useTransaction(h -> {
                users.markConfirmed(h, user.id(), clock.instant());
                tokens.revokeAll(h, user.id(), Purpose.CONFIRM);
            });
            case PENDING -> { }
            case FAIL -> {
                database.useTransaction(h -> users.deletePending(h, user.id()));
                throw failed(user);
            }
            case ERROR -> {
                if (atRegistration) {
                    database.useTransaction(h -> users.deletePending(h, user.id()));
                } else {
                    database.useTransaction(h -> tokens.revoke(h, token.tokenId()));
                }
                throw failed(user);
            }
        }
    }

    private static ApiException failed(User user) {
        return ApiException.badRequest("failed to confirm user \"" + user.email() + "\"");
    }
}
