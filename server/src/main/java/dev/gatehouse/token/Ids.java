package dev.gatehouse.token;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Generates the ids and bearer secrets Gatehouse hands out, from an injected clock and random
 * source so that tests control both. Thread-safe ({@link SecureRandom} is).
 */
public final class Ids {
    private static final Pattern OBJECT_ID = Pattern.compile("[0-9a-f]{24}");
    /** The device id realm-web treats as "none". */
    public static final String ZERO_OBJECT_ID = "000000000000000000000000";

    private final Clock clock;
    private final SecureRandom random;

    public Ids(Clock clock, SecureRandom random) {
        this.clock = clock;
        this.random = random;
    }

    /** A MongoDB ObjectId-shaped id: 4 bytes of seconds, then 8 random bytes, as 24 lowercase hex. */
    public String objectId() {
        byte[] bytes = new byte[12];
        random.nextBytes(bytes);
        ByteBuffer.wrap(bytes).putInt((int) clock.instant().getEpochSecond());
        return HexFormat.of().formatHex(bytes);
    }

    /** A confirmation or reset token: 64 random bytes as 128 hex characters, the App Services shape. */
    public String userToken() {
        byte[] bytes = new byte[64];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    public static boolean isObjectId(String value) {
        return value != null && OBJECT_ID.matcher(value).matches();
    }
}
