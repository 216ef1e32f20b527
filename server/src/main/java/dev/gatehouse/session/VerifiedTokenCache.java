package dev.gatehouse.session;

import com.nimbusds.jwt.JWTClaimsSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The claims of access tokens whose ES256 signature this node has already checked, by the token's
 * SHA-256. A P-256 verification is most of what an authenticated request costs (bench/run-load's
 * profile: 72% of the CPU of GET auth/profile), and a client sends the same token until it expires;
 * a token is immutable, so a byte-identical one needs no second check. Only tokens that passed are
 * kept, so forged ones cannot fill it; at its bound it is emptied and refills, which is cheaper than
 * an LRU and costs one verification per live token. What still runs on every request: the expiry
 * and issue time against the clock ({@link SessionTokens#verify}), and the database's session and
 * user checks, so logout, disable and delete act at once, and that the signing key is still known
 * (a removed key ends its tokens here too). Thread-safe.
 */
final class VerifiedTokenCache {
    /** A token's claims and the id of the key that signed it. */
    record Verified(JWTClaimsSet claims, String kid) {}

    private final int capacity;
    private final ConcurrentHashMap<String, Verified> claims = new ConcurrentHashMap<>();

    VerifiedTokenCache(int capacity) {
        this.capacity = capacity;
    }

    /** The claims of the token with this digest, if its signature was checked; else null. */
    Verified get(String digest) {
        return claims.get(digest);
    }

    void put(String digest, Verified verified) {
        if (claims.size() >= capacity) {
            claims.clear();
        }
        claims.put(digest, verified);
    }
}
