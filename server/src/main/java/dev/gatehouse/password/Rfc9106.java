package dev.gatehouse.password;

import java.util.Arrays;

/** RFC 9106 section 5.3, the Argon2id test vector: the native library is checked against it on load. */
final class Rfc9106 {
    static final byte[] PASSWORD = filled(32, 0x01);
    static final byte[] SALT = filled(16, 0x02);
    static final byte[] SECRET = filled(8, 0x03);
    static final byte[] ASSOCIATED_DATA = filled(12, 0x04);
    static final HashParameters COST = new HashParameters(32, 3, 4);
    static final String TAG = "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659";

    private Rfc9106() {}

    private static byte[] filled(int length, int value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }
}
