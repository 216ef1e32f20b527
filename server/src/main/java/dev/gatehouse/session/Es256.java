package dev.gatehouse.session;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.util.Base64URL;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Set;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.util.BigIntegers;

/**
 * ES256 (ECDSA on P-256 with SHA-256, the signature as JWS's 64-byte R || S) for nimbus-jose-jwt,
 * computed by Bouncy Castle's lightweight API instead of the JDK's SunEC, which nimbus's own
 * ECDSASigner and ECDSAVerifier call. On the benchmark machine SunEC took about 120 µs to sign and
 * 370 µs to verify, Bouncy Castle's P-256 (its custom field arithmetic, cached generator table) 65
 * and 155: signing was three quarters of a refresh's CPU (docs/decisions/0011-es256-bouncy-castle.md).
 * Not Bouncy Castle's JCA provider: constructing it costs about 215 ms of start-up.
 *
 * <p>Signatures are deterministic (RFC 6979): the nonce comes from the key and the message, so no
 * weak or repeated random number can leak the key. Verification refuses any other algorithm, any
 * {@code crit} header, a signature that is not 64 bytes, and (in Bouncy Castle) r or s outside
 * [1, n-1], the check whose absence was CVE-2022-21449. Both objects are immutable and thread-safe.
 */
final class Es256 {
    private static final ECDomainParameters P256 = new ECDomainParameters(CustomNamedCurves.getByName("secp256r1"));
    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.ES256);
    private static final int HALF = 32;

    private Es256() {}

    static JWSSigner signer(ECKey key) throws JOSEException {
        requireP256(key);
        return new Signer(new ECPrivateKeyParameters(key.toECPrivateKey().getS(), P256));
    }

    static JWSVerifier verifier(ECKey key) throws JOSEException {
        requireP256(key);
        try {
            // validatePoint refuses a point off the curve: a stored key is never taken on trust.
            return new Verifier(new ECPublicKeyParameters(
                    P256.getCurve().validatePoint(key.getX().decodeToBigInteger(), key.getY().decodeToBigInteger()), P256));
        } catch (IllegalArgumentException e) {
            throw new JOSEException("not a P-256 public key: " + e.getMessage(), e);
        }
    }

    private static void requireP256(ECKey key) throws JOSEException {
        if (!Curve.P_256.equals(key.getCurve())) {
            throw new JOSEException("ES256 needs a P-256 key, got " + key.getCurve());
        }
    }

    private static byte[] sha256(byte[] input) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(input);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private abstract static class Provider {
        private final JCAContext jca = new JCAContext();

        public Set<JWSAlgorithm> supportedJWSAlgorithms() {
            return ALGORITHMS;
        }

        /** Unused: nothing here goes through the JCA. Nimbus's interface asks for one. */
        public JCAContext getJCAContext() {
            return jca;
        }
    }

    private static final class Signer extends Provider implements JWSSigner {
        private final ECPrivateKeyParameters key;

        Signer(ECPrivateKeyParameters key) {
            this.key = key;
        }

        @Override
        public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
            if (!JWSAlgorithm.ES256.equals(header.getAlgorithm())) {
                throw new JOSEException("this key signs ES256 only, not " + header.getAlgorithm());
            }
            // ECDSASigner holds per-call state: one per signature (a few objects, no precomputation).
            ECDSASigner ecdsa = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
            ecdsa.init(true, key);
            BigInteger[] rs = ecdsa.generateSignature(sha256(signingInput));
            byte[] signature = new byte[2 * HALF];
            BigIntegers.asUnsignedByteArray(rs[0], signature, 0, HALF);
            BigIntegers.asUnsignedByteArray(rs[1], signature, HALF, HALF);
            return Base64URL.encode(signature);
        }
    }

    private static final class Verifier extends Provider implements JWSVerifier {
        private final ECPublicKeyParameters key;

        Verifier(ECPublicKeyParameters key) {
            this.key = key;
        }

        @Override
        public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) {
            if (!JWSAlgorithm.ES256.equals(header.getAlgorithm())
                    || (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty())) {
                return false;
            }
            byte[] rs = signature.decode();
            if (rs.length != 2 * HALF) {
                return false;
            }
            ECDSASigner ecdsa = new ECDSASigner();
            ecdsa.init(false, key);
            return ecdsa.verifySignature(sha256(signingInput),
                    new BigInteger(1, Arrays.copyOfRange(rs, 0, HALF)), new BigInteger(1, Arrays.copyOfRange(rs, HALF, 2 * HALF)));
        }
    }
}
