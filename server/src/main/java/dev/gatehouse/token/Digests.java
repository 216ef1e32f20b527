package dev.gatehouse.token;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 digests of bearer secrets, which is all the database ever holds of them: the secrets are
 * 512-bit random values, so a fast digest is enough (unlike passwords, which get Argon2id).
 */
public final class Digests {
    private Digests() {}

    public static String sha256(String secret) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }

    /** Constant-time comparison of two hex digests. */
    public static boolean matches(String expectedDigest, String secret) {
        return MessageDigest.isEqual(expectedDigest.getBytes(StandardCharsets.US_ASCII),
                sha256(secret).getBytes(StandardCharsets.US_ASCII));
    }
}
