package dev.gatehouse.token;

/**
 * A freshly issued confirmation or reset token. The plaintext {@code token} exists only here, on
 * its way into an email or a function call; the database keeps its digest.
 *
 * @param token 128 hex characters
 * @param tokenId the token's public id, an ObjectId
 */
public record IssuedToken(String token, String tokenId) {
    @Override
    public String toString() {
        return "IssuedToken[tokenId=" + tokenId + "]";
    }
}
