package dev.gatehouse.password;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/** Argon2id in pure Java: runs everywhere, about three times slower than {@link NativeArgon2}. Thread-safe. */
final class BouncyCastleArgon2 implements Argon2 {
    @Override
    public byte[] argon2id(byte[] password, byte[] salt, byte[] secret, byte[] associatedData, HashParameters cost,
            int length) {
        Argon2Parameters.Builder params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(cost.memoryKib())
                .withIterations(cost.iterations())
                .withParallelism(cost.parallelism())
                .withSalt(salt);
        if (secret != null) {
            params.withSecret(secret);
        }
        if (associatedData != null) {
            params.withAdditional(associatedData);
        }
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(params.build());
        byte[] out = new byte[length];
        generator.generateBytes(password, out);
        return out;
    }

    @Override
    public String name() {
        return "bouncycastle";
    }
}
