package dev.gatehouse.session;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.gatehouse.account.User;
import dev.gatehouse.config.AppConfig;
import dev.gatehouse.token.Digests;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Issues and verifies the access and refresh JWTs, with the claims App Services put in them (spec
 * 5.2): integer {@code exp} and {@code iat} in both (realm-core aborts on anything else), {@code sub},
 * {@code baas_device_id}, {@code user_data}, and the session id as the access token's {@code iss} and
 * the refresh token's {@code baas_id}. Access tokens are ES256, for anyone to verify with the JWKS;
 * refresh tokens HS256 ({@link RefreshMac}), for this server alone. Verification pins the algorithm
 * of each kind and the key id. Thread-safe.
 */
public final class SessionTokens {
    static final String ACCESS = "access";
    static final String REFRESH = "refresh";
    /**
     * How far apart the clocks of the node that issued a token and the node that checks it may be:
     * a token is good this long past its {@code exp}, and refused when issued further ahead of
     * this node's clock. Sessions are still checked in the database (logout, disable and delete
     * act at once), and refresh tokens also by their session's own expiry, which has no leeway.
     */
    static final Duration CLOCK_SKEW = Duration.ofSeconds(30);

    /**
     * Live access tokens remembered as verified: about 1 KB of heap each (the parsed claims and the
     * digest), so at most about 10 MB. Past it the cache starts over, which costs each live token
     * one more verification.
     */
    private static final int VERIFIED_CAPACITY = 10_000;

    private final SigningKeys keys;
    private final Clock clock;
    private final VerifiedTokenCache verified = new VerifiedTokenCache(VERIFIED_CAPACITY);
    /** ES256 verifications run; with the cache, about one per live access token (operators watch it). */
    private final Counter signatureChecks;
    private final Duration accessTtl;
    private final Duration refreshTtl;

    public SessionTokens(SigningKeys keys, Clock clock, Duration accessTtl, Duration refreshTtl, MeterRegistry meters) {
        this.signatureChecks = Counter.builder("gatehouse.token.signature.checks")
                .description("ES256 signature verifications of access tokens; a token already verified on this node is not checked again")
                .register(meters);
        this.keys = keys;
        this.clock = clock;
        this.accessTtl = accessTtl;
        this.refreshTtl = refreshTtl;
    }

    Duration refreshTtl() {
        return refreshTtl;
    }

    String access(AppConfig app, User user, String sessionId, String deviceId) {
        Instant now = clock.instant();
        JWTClaimsSet claims = common(app, user, deviceId, now, now.plus(accessTtl))
                .issuer(sessionId)
                .claim("typ", ACCESS)
                .claim("user_data", Map.of())
                .build();
        SigningKeys.Active active = keys.active();
        return sign(claims, SigningKeys.ALGORITHM, active.kid(), active.signer());
    }

    String refresh(AppConfig app, User user, String sessionId, String deviceId, Instant expiresAt) {
        Map<String, Object> identity = new LinkedHashMap<>();
        identity.put("id", user.identityId());
        identity.put("provider_type", "local-userpass");
        identity.put("provider_id", app.userpassProviderId());
        JWTClaimsSet claims = common(app, user, deviceId, clock.instant(), expiresAt)
                .claim("baas_id", sessionId)
                .claim("stitch_id", sessionId)
                .claim("baas_identity", identity)
                .claim("stitch_ident", identity)
                .claim("baas_data", null)
                .claim("stitch_data", null)
                .claim("typ", REFRESH)
                .serializeNullClaims(true)
                .build();
        SigningKeys.Active active = keys.active();
        return sign(claims, JWSAlgorithm.HS256, active.kid(), active.refreshSigner());
    }

    private static JWTClaimsSet.Builder common(AppConfig app, User user, String deviceId, Instant issued, Instant expires) {
        return new JWTClaimsSet.Builder()
                .subject(user.id())
                .issueTime(Date.from(issued))
                .expirationTime(Date.from(expires))
                .claim("baas_device_id", deviceId)
                .claim("stitch_devId", deviceId)
                .claim("baas_domain_id", app.appObjectId())
                .claim("stitch_domainId", app.appObjectId());
    }

    private static String sign(JWTClaimsSet claims, JWSAlgorithm algorithm, String kid, JWSSigner signer) {
        JWSHeader header = new JWSHeader.Builder(algorithm)
                .keyID(kid)
                .type(JOSEObjectType.JWT)
                .build();
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a token", e);
        }
        return jwt.serialize();
    }

    /**
     * The claims of a token that is well-formed, signed by one of our keys with ES256, of the
     * expected {@code typ}, and not expired (allowing {@link #CLOCK_SKEW}); empty otherwise.
     * Never throws on bad input.
     */
    Optional<JWTClaimsSet> verify(String token, String expectedType) {
        Instant now = clock.instant();
        return verifySignature(token, expectedType).filter(claims -> claims.getExpirationTime() != null
                && now.isBefore(claims.getExpirationTime().toInstant().plus(CLOCK_SKEW))
                && (claims.getIssueTime() == null || !claims.getIssueTime().toInstant().isAfter(now.plus(CLOCK_SKEW))));
    }

    /** As {@link #verify}, but also for an expired token: the admin API tells expired from forged. */
    Optional<JWTClaimsSet> verifySignature(String token, String expectedType) {
        if (token == null) {
            return Optional.empty();
        }
        String digest = Digests.sha256(token);
        VerifiedTokenCache.Verified known = verified.get(digest);
        if (known != null) {
            return keys.verifier(known.kid()).map(key -> known.claims())
                    .filter(claims -> expectedType.equals(claims.getClaim("typ")));
        }
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            if (!SigningKeys.ALGORITHM.equals(jwt.getHeader().getAlgorithm())) {
                return Optional.empty();
            }
            Optional<JWSVerifier> verifier = keys.verifier(jwt.getHeader().getKeyID());
            if (verifier.isEmpty()) {
                return Optional.empty();
            }
            signatureChecks.increment();
            if (!jwt.verify(verifier.get())) {
                return Optional.empty();
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            if (!expectedType.equals(claims.getStringClaim("typ")) || claims.getSubject() == null) {
                return Optional.empty();
            }
            verified.put(digest, new VerifiedTokenCache.Verified(claims, jwt.getHeader().getKeyID()));
            return Optional.of(claims);
        } catch (ParseException | JOSEException | RuntimeException e) {
            // Garbage tokens are an expected input, not an error: the caller answers 401.
            return Optional.empty();
        }
    }

    /**
     * The session id ({@code baas_id}) a refresh token names, once its HS256 signature checks out
     * with the key its {@code kid} names. The caller then compares the whole token, in constant
     * time, with the digest its session stored when the token was issued, which proves it byte for
     * byte the one this server issued (and still holds if a signing key leaks).
     *
     * <p>Refresh tokens issued before they were HS256 (ES256, signed with the same keys) are taken
     * on that digest and a known {@code kid} alone, without a P-256 verification (half of a
     * refresh's CPU): they expire within the refresh TTL of the upgrade.
     *
     * @return empty for anything else: not a JWT, another algorithm, an unknown or removed key, a
     *     bad MAC, not {@code typ} refresh. Never throws on bad input.
     */
    Optional<String> refreshSessionId(String token) {
        if (token == null) {
            return Optional.empty();
        }
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            JWSAlgorithm algorithm = jwt.getHeader().getAlgorithm();
            String kid = jwt.getHeader().getKeyID();
            boolean genuine;
            if (JWSAlgorithm.HS256.equals(algorithm)) {
                Optional<JWSVerifier> mac = keys.refreshVerifier(kid);
                genuine = mac.isPresent() && jwt.verify(mac.get());
            } else {
                // The key must still be known: removing a key (gatehouse keys remove) ends its tokens.
                genuine = SigningKeys.ALGORITHM.equals(algorithm) && keys.verifier(kid).isPresent();
            }
            if (!genuine) {
                return Optional.empty();
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            if (!REFRESH.equals(claims.getStringClaim("typ"))) {
                return Optional.empty();
            }
            return Optional.ofNullable(claims.getStringClaim("baas_id"));
        } catch (ParseException | JOSEException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
