package dev.gatehouse.session;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.jwk.ECKey;
import java.nio.charset.StandardCharsets;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.util.BigIntegers;

/**
 * The HS256 key that signs refresh tokens, derived from a stored ES256 signing key by HKDF-SHA256,
 * so that every node sharing the database derives the same one and a rotation or removal of the
 * ES256 key carries it along (the refresh token names the same {@code kid}).
 *
 * <p>Why not ES256 as access tokens: nobody but Gatehouse reads a refresh token (OAuth keeps them
 * opaque to clients; the SDKs only decode {@code exp} and {@code iat}), so there is no one to give
 * a public key to, and a P-256 signature was a third of a login's CPU beside the hash. HMAC costs
 * microseconds. A refresh token is, besides, proved by the digest its session stored (SessionService),
 * which the MAC only precedes. App Services signed both tokens HS256.
 */
final class RefreshMac {
    /** HKDF's "info": binds the derived key to this one use, so it is no other key's twin. */
    private static final byte[] INFO = "gatehouse refresh-token HS256 v1".getBytes(StandardCharsets.US_ASCII);
    private static final int KEY_BYTES = 32;

    private RefreshMac() {}

    static JWSSigner signer(ECKey key) throws JOSEException {
        return new MACSigner(derive(key));
    }

    static JWSVerifier verifier(ECKey key) throws JOSEException {
        return new MACVerifier(derive(key));
    }

    /** HKDF-SHA256 of the private scalar (32 bytes, big-endian): a secret as strong as the key. */
    static byte[] derive(ECKey key) throws JOSEException {
        if (!key.isPrivate()) {
            throw new JOSEException("the refresh-token key derives from the private key; key " + key.getKeyID() + " has none");
        }
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(BigIntegers.asUnsignedByteArray(KEY_BYTES, key.toECPrivateKey().getS()), null, INFO));
        byte[] secret = new byte[KEY_BYTES];
        hkdf.generateBytes(secret, 0, KEY_BYTES);
        return secret;
    }
}
