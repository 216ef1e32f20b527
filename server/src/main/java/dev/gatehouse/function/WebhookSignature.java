package dev.gatehouse.function;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs webhook calls the Standard Webhooks way (standardwebhooks.com, also used by Supabase Auth
 * hooks), so receivers can verify them with an existing library: header {@code webhook-signature}
 * = {@code v1,} + base64(HMAC-SHA256(key, id + "." + timestamp + "." + body)). A secret written as
 * {@code whsec_<base64>} is that key base64-encoded; any other secret is used as its UTF-8 bytes.
 */
public final class WebhookSignature {
    /** Shortest key accepted: an HMAC key shorter than this is guessable offline from one signed call. */
    public static final int MIN_KEY_BYTES = 16;

    private WebhookSignature() {}

    /** The key bytes of a configured secret. */
    public static byte[] key(String secret) {
        if (secret.startsWith("whsec_")) {
            return Base64.getDecoder().decode(secret.substring("whsec_".length()));
        }
        return secret.getBytes(StandardCharsets.UTF_8);
    }

    /** The {@code webhook-signature} header value for one call. */
    public static String sign(byte[] key, String id, long timestampSeconds, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] digest = mac.doFinal((id + "." + timestampSeconds + "." + body).getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }
}
