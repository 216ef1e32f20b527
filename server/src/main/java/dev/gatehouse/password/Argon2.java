package dev.gatehouse.password;

/**
 * One Argon2id (version 0x13) computation. Implementations give the same bytes for the same input;
 * they differ in speed only ({@link Argon2Choice} picks one). Callers validate the costs first
 * ({@link HashParameters#problems}). Implementations are thread-safe.
 */
interface Argon2 {
    /**
     * The tag of {@code password} under {@code salt}; {@code secret} and {@code associatedData}
     * (RFC 9106's K and X) may be null, which Gatehouse's own hashes always pass.
     */
    byte[] argon2id(byte[] password, byte[] salt, byte[] secret, byte[] associatedData, HashParameters cost, int length);

    /** For the start-up log line and the metrics: "native (avx2)", "bouncycastle". */
    String name();
}
