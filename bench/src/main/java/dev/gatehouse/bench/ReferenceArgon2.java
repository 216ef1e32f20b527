package dev.gatehouse.bench;

/**
 * The baseline of bench/run-hash: the reference C implementation built on this machine with
 * {@code -O3 -march=native} (its fastest form, unfit to ship) from the npm package's sources, loaded
 * from the path in the system property {@code gatehouse.bench.reference}. The JNI wrapper is the
 * server's own (server/src/main/c/gatehouse_argon2_jni.c, bound to this class), so the two native
 * paths differ in compiler flags only.
 */
public final class ReferenceArgon2 {
    static {
        System.load(System.getProperty("gatehouse.bench.reference"));
    }

    private ReferenceArgon2() {}

    public static byte[] argon2id(byte[] password, byte[] salt, int memoryKib, int iterations, int parallelism,
            int length) {
        return argon2id(password, salt, null, null, memoryKib, iterations, parallelism, length);
    }

    private static native byte[] argon2id(byte[] password, byte[] salt, byte[] secret, byte[] associatedData,
            int memoryKib, int iterations, int parallelism, int length);
}
