package dev.gatehouse.pages;

import dev.gatehouse.account.UserStore;
import dev.gatehouse.config.AppConfig;
import dev.gatehouse.db.Database;
import dev.gatehouse.token.Purpose;
import dev.gatehouse.token.TokenStatus;
import dev.gatehouse.token.UserTokens;

/**
 * Looks at an emailed link without using it up, so that a page can say why a link does not work
 * and a mail scanner's GET never spends a token. A token of another app's user is as good as
 * unknown, exactly as the services treat it. Thread-safe.
 */
final class LinkCheck {
    /** A link's state and, when the token is known, its user's email address. */
    record Link(TokenStatus.State state, String email) {
        static final Link INVALID = new Link(TokenStatus.State.INVALID, null);
    }

    private final Database database;
    private final UserStore users;
    private final UserTokens tokens;

    LinkCheck(Database database, UserStore users, UserTokens tokens) {
        this.database = database;
        this.users = users;
        this.tokens = tokens;
    }

    Link check(AppConfig app, String token, String tokenId, Purpose purpose) {
        return database.withHandle(h -> {
            TokenStatus status = tokens.status(h, token, tokenId, purpose);
            if (status.state() == TokenStatus.State.INVALID) {
                return Link.INVALID;
            }
            return users.findById(h, status.userId()).filter(u -> u.appId().equals(app.clientAppId()))
                    .map(u -> new Link(status.state(), u.email()))
                    .orElse(Link.INVALID);
        });
    }
}
