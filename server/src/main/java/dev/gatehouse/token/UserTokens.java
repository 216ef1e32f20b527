package dev.gatehouse.token;

import dev.gatehouse.http.ApiException;
import dev.gatehouse.http.ErrorCode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.jdbi.v3.core.Handle;

/**
 * Confirmation and reset tokens: issued as (token, tokenId), stored as a SHA-256 digest, valid for
 * a set time, usable once. Several unexpired tokens of a user may be valid at once (a resend does
 * not invalidate the email already in flight). Thread-safe.
 */
public final class UserTokens {
    static final String INVALID_DATA = "invalid token data";
    static final String EXPIRED_OR_INVALID = "userpass token is expired or invalid";

    private final Clock clock;
    private final Ids ids;
    private final Duration ttl;
    private final boolean keepEarlierOnReissue;

    /**
     * @param keepEarlierOnReissue whether {@link #reissue} leaves a user's earlier unexpired tokens
     *     valid (App Services did: two emails in flight both work), or retires them
     */
    public UserTokens(Clock clock, Ids ids, Duration ttl, boolean keepEarlierOnReissue) {
        this.clock = clock;
        this.ids = ids;
        this.ttl = ttl;
        this.keepEarlierOnReissue = keepEarlierOnReissue;
    }

    /** Issues another token of a purpose for a resend, retiring the earlier ones unless configured to keep them. */
    public IssuedToken reissue(Handle h, String userId, Purpose purpose) {
        if (!keepEarlierOnReissue) {
            revokeAll(h, userId, purpose);
        }
        return issue(h, userId, purpose);
    }

    public IssuedToken issue(Handle h, String userId, Purpose purpose) {
        IssuedToken issued = new IssuedToken(ids.userToken(), ids.objectId());
        Instant now = clock.instant();
        h.createUpdate("INSERT INTO user_tokens (token_id, user_id, purpose, token_hash, created_at, expires_at) "
                        + "VALUES (:tokenId, :userId, :purpose, :hash, :now, :expires)")
                .bind("tokenId", issued.tokenId())
                .bind("userId", userId)
                .bind("purpose", purpose.column())
                .bind("hash", Digests.sha256(issued.token()))
                .bind("now", now.toEpochMilli())
                .bind("expires", now.plus(ttl).toEpochMilli())
                .execute();
        return issued;
    }

    /**
     * Uses up a token and returns its user's id. A tokenId that is not an ObjectId is
     * {@code invalid token data} (400 BadRequest); a well-formed pair that is unknown, expired,
     * used or for the other purpose is {@code userpass token is expired or invalid}.
     */
    public String consume(Handle h, String token, String tokenId, Purpose purpose) {
        String userId = check(h, token, tokenId, purpose);
        // The conditional update is what makes the token single-use under concurrency: of two
        // transactions that both read it unused, only one changes the row.
        int used = h.createUpdate("UPDATE user_tokens SET used_at = :now WHERE token_id = :tokenId AND used_at IS NULL")
                .bind("now", clock.instant().toEpochMilli())
                .bind("tokenId", tokenId)
                .execute();
        if (used != 1) {
            throw invalid();
        }
        return userId;
    }

    /**
     * Checks a token without using it up and returns its user's id, with the same errors as
     * {@link #consume}; lets a caller refuse a bad token before it does expensive work.
     */
    public String check(Handle h, String token, String tokenId, Purpose purpose) {
        if (!Ids.isObjectId(tokenId) || token == null || token.isEmpty()) {
            throw ApiException.badRequest(INVALID_DATA);
        }
        long now = clock.instant().toEpochMilli();
        var row = h.createQuery("SELECT user_id, token_hash FROM user_tokens "
                        + "WHERE token_id = :tokenId AND purpose = :purpose AND used_at IS NULL AND expires_at > :now")
                .bind("tokenId", tokenId)
                .bind("purpose", purpose.column())
                .bind("now", now)
                .map((rs, ctx) -> new String[] {rs.getString("user_id"), rs.getString("token_hash")})
                .findOne();
        if (row.isEmpty() || !Digests.matches(row.get()[1], token)) {
            throw invalid();
        }
        return row.get()[0];
    }

    /**
     * Reads a token's state without using it up: {@code INVALID} unless tokenId and token match a
     * row of the purpose (so a guessed tokenId learns nothing), then {@code USED} before
     * {@code EXPIRED}, because "already used" is the more useful thing to tell.
     */
    public TokenStatus status(Handle h, String token, String tokenId, Purpose purpose) {
        if (!Ids.isObjectId(tokenId) || token == null || token.isEmpty()) {
            return TokenStatus.INVALID;
        }
        record Row(String userId, String hash, boolean used, long expiresAt) {}
        var row = h.createQuery("SELECT user_id, token_hash, used_at, expires_at FROM user_tokens "
                        + "WHERE token_id = :tokenId AND purpose = :purpose")
                .bind("tokenId", tokenId)
                .bind("purpose", purpose.column())
                .map((rs, ctx) -> new Row(rs.getString("user_id"), rs.getString("token_hash"),
                        rs.getObject("used_at") != null, rs.getLong("expires_at")))
                .findOne();
        if (row.isEmpty() || !Digests.matches(row.get().hash(), token)) {
            return TokenStatus.INVALID;
        }
        TokenStatus.State state = row.get().used() ? TokenStatus.State.USED
                : row.get().expiresAt() <= clock.instant().toEpochMilli() ? TokenStatus.State.EXPIRED
                : TokenStatus.State.VALID;
        return new TokenStatus(state, row.get().userId());
    }

    /**
     * Marks every unused token of a user's purpose used, once one of them has served it. The rows
     * stay (the janitor deletes them once expired), so that a link opened again can be told apart
     * from a wrong one: the hosted pages say "already used" instead of "invalid".
     */
    public void useUpAll(Handle h, String userId, Purpose purpose) {
        h.createUpdate("UPDATE user_tokens SET used_at = :now WHERE user_id = :userId AND purpose = :purpose "
                        + "AND used_at IS NULL")
                .bind("now", clock.instant().toEpochMilli())
                .bind("userId", userId)
                .bind("purpose", purpose.column())
                .execute();
    }

    /** Removes a user's tokens of one purpose, once they have served it. */
    public void revokeAll(Handle h, String userId, Purpose purpose) {
        h.createUpdate("DELETE FROM user_tokens WHERE user_id = :userId AND purpose = :purpose")
                .bind("userId", userId)
                .bind("purpose", purpose.column())
                .execute();
    }

    /** Removes one token, such as one issued for a function call that failed. */
    public void revoke(Handle h, String tokenId) {
        h.createUpdate("DELETE FROM user_tokens WHERE token_id = :tokenId").bind("tokenId", tokenId).execute();
    }

    private static ApiException invalid() {
        return new ApiException(ErrorCode.UserpassTokenInvalid, EXPIRED_OR_INVALID);
    }
}
