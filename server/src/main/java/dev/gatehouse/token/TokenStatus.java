package dev.gatehouse.token;

/**
 * What a confirmation or reset link is worth right now, for pages that must tell a person why a
 * link does not work. Looking it up changes nothing.
 *
 * @param state the link's state
 * @param userId the token's user; null when {@link State#INVALID}
 */
public record TokenStatus(State state, String userId) {
    public enum State { VALID, USED, EXPIRED, INVALID }

    static final TokenStatus INVALID = new TokenStatus(State.INVALID, null);
}
