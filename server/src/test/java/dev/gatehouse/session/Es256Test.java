package dev.gatehouse.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Gatehouse's ES256 (Bouncy Castle) against RFC 6979's test vector and against nimbus's own ES256
 * (the JDK's SunEC), both ways, and the signatures it must refuse.
 */
class Es256Test {
    private static final HexFormat HEX = HexFormat.of();
    /** The P-256 order n. */
    private static final BigInteger N = new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);
    private static final JWSHeader HEADER = new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("k1").build();

    private static Base64URL b64(String hex) {
        return Base64URL.encode(HEX.parseHex(hex));
    }

    /** RFC 6979 A.2.5: P-256, SHA-256, message "sample". */
    @Test
    void signs_rfc_6979s_deterministic_test_vector() throws JOSEException {
        ECKey key = new ECKey.Builder(Curve.P_256,
                b64("60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6"),
                b64("7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299"))
                .d(b64("C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721")).build();
        byte[] sample = "sample".getBytes(StandardCharsets.US_ASCII);
        Base64URL signature = Es256.signer(key).sign(HEADER, sample);
        assertThat(HEX.formatHex(signature.decode())).isEqualToIgnoringCase(
                "EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716"
                        + "F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8");
        assertThat(Es256.verifier(key.toPublicJWK()).verify(HEADER, sample, signature)).isTrue();
        assertThat(new ECDSAVerifier(key.toPublicJWK()).verify(HEADER, sample, signature)).isTrue();
    }

    @Test
    void what_one_signs_the_jdks_es256_verifies_and_the_other_way_round() throws Exception {
        Random random = new Random(42);
        for (int i = 0; i < 300; i++) {
            ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k" + i).generate();
            byte[] claims = new byte[random.nextInt(600)];
            random.nextBytes(claims);
            JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build();

            JWSObject ours = new JWSObject(header, new Payload(claims));
            ours.sign(Es256.signer(key));
            assertThat(JWSObject.parse(ours.serialize()).verify(new ECDSAVerifier(key.toPublicJWK()))).isTrue();

            JWSObject theirs = new JWSObject(header, new Payload(claims));
            theirs.sign(new ECDSASigner(key));
            assertThat(JWSObject.parse(theirs.serialize()).verify(Es256.verifier(key.toPublicJWK()))).isTrue();
        }
    }

    @Test
    void refuses_tampered_forged_and_malformed_signatures() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
        JWSVerifier verifier = Es256.verifier(key.toPublicJWK());
        byte[] input = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1In0".getBytes(StandardCharsets.US_ASCII);
        byte[] good = Es256.signer(key).sign(HEADER, input).decode();
        assertThat(verifier.verify(HEADER, input, Base64URL.encode(good))).isTrue();

        byte[] otherInput = input.clone();
        otherInput[otherInput.length - 1] ^= 1;
        assertThat(verifier.verify(HEADER, otherInput, Base64URL.encode(good))).isFalse();
        byte[] flipped = good.clone();
        flipped[40] ^= 1;
        assertThat(verifier.verify(HEADER, input, Base64URL.encode(flipped))).isFalse();
        // CVE-2022-21449: r = s = 0 verified everything in the JDK 15-18 SunEC.
        assertThat(verifier.verify(HEADER, input, Base64URL.encode(new byte[64]))).isFalse();
        assertThat(verifier.verify(HEADER, input, Base64URL.encode(concat(N, N)))).isFalse();
        // r = n: the range check, not the arithmetic (r mod n would be 0), must refuse it.
        assertThat(verifier.verify(HEADER, input, Base64URL.encode(concat(N, new BigInteger(1, slice(good, 32)))))).isFalse();
        assertThat(verifier.verify(HEADER, input, Base64URL.encode(slice(good, 1, 64)))).isFalse();
        assertThat(verifier.verify(HEADER, input, Base64URL.encode(new byte[65]))).isFalse();
        // DER, as the JCA returns it, is not JWS's form.
        assertThat(verifier.verify(HEADER, input, Base64URL.encode(new byte[72]))).isFalse();

        assertThat(verifier.verify(new JWSHeader.Builder(JWSAlgorithm.ES384).build(), input, Base64URL.encode(good))).isFalse();
        assertThat(verifier.verify(new JWSHeader.Builder(JWSAlgorithm.ES256).criticalParams(Set.of("exp")).build(),
                input, Base64URL.encode(good))).isFalse();
        ECKey other = new ECKeyGenerator(Curve.P_256).generate();
        assertThat(Es256.verifier(other.toPublicJWK()).verify(HEADER, input, Base64URL.encode(good))).isFalse();
    }

    @Test
    void keys_of_other_curves_and_other_algorithms_are_refused() throws JOSEException {
        ECKey p384 = new ECKeyGenerator(Curve.P_384).generate();
        assertThatThrownBy(() -> Es256.signer(p384)).isInstanceOf(JOSEException.class).hasMessageContaining("P-256");
        assertThatThrownBy(() -> Es256.verifier(p384.toPublicJWK())).isInstanceOf(JOSEException.class);
        JWSSigner signer = Es256.signer(new ECKeyGenerator(Curve.P_256).generate());
        assertThatThrownBy(() -> signer.sign(new JWSHeader(JWSAlgorithm.HS256), new byte[1])).isInstanceOf(JOSEException.class);
    }

    private static byte[] concat(BigInteger r, BigInteger s) {
        byte[] out = new byte[64];
        byte[] rb = r.toByteArray();
        byte[] sb = s.toByteArray();
        System.arraycopy(rb, Math.max(0, rb.length - 32), out, 32 - Math.min(32, rb.length), Math.min(32, rb.length));
        System.arraycopy(sb, Math.max(0, sb.length - 32), out, 64 - Math.min(32, sb.length), Math.min(32, sb.length));
        return out;
    }

    private static byte[] slice(byte[] bytes, int from) {
        return slice(bytes, from, from + 32);
    }

    private static byte[] slice(byte[] bytes, int from, int to) {
        return java.util.Arrays.copyOfRange(bytes, from, to);
    }
}
