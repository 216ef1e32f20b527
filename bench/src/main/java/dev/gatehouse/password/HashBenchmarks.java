package dev.gatehouse.password;

import de.mkammerer.argon2.Argon2Advanced;
import de.mkammerer.argon2.Argon2Factory;
import dev.gatehouse.bench.ReferenceArgon2;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One Argon2id at OWASP's costs (m = 19456 KiB, t = 2, p = 1, 32-byte tag), single-threaded, each
 * way (bench/run-hash, dev.gatehouse.bench.HashBench). In this package because the implementations
 * it compares are package-private in the server.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class HashBenchmarks {
    private static final HashParameters COST = HashParameters.OWASP;
    private static final byte[] PASSWORD = "correct horse battery staple".getBytes(StandardCharsets.UTF_8);
    private static final byte[] SALT = "sixteen byte slt".getBytes(StandardCharsets.US_ASCII);

    private Argon2 gatehouseNative;
    private Argon2 bouncyCastle;
    private Argon2Advanced argon2Jvm;
    private PasswordHasher hasher;
    private String stored;

    @Setup
    public void setUp() {
        gatehouseNative = NativeArgon2.load();
        bouncyCastle = new BouncyCastleArgon2();
        argon2Jvm = Argon2Factory.createAdvanced(Argon2Factory.Argon2Types.ARGON2id);
        hasher = new PasswordHasher(COST, new SecureRandom());
        stored = hasher.hash("correct horse battery staple");
    }

    @Benchmark
    public byte[] referenceMarchNative() {
        return ReferenceArgon2.argon2id(PASSWORD, SALT, COST.memoryKib(), COST.iterations(), COST.parallelism(), 32);
    }

    @Benchmark
    public byte[] gatehouseNative() {
        return gatehouseNative.argon2id(PASSWORD, SALT, null, null, COST, 32);
    }

    @Benchmark
    public byte[] bouncyCastle() {
        return bouncyCastle.argon2id(PASSWORD, SALT, null, null, COST, 32);
    }

    @Benchmark
    public byte[] argon2Jvm() {
        return argon2Jvm.rawHash(COST.iterations(), COST.memoryKib(), COST.parallelism(), PASSWORD, SALT);
    }

    /** PasswordHasher.verify as a login runs it: parse, permit, Argon2id (native here), compare. */
    @Benchmark
    public boolean passwordHasherVerify() {
        return hasher.verify("correct horse battery staple", stored);
    }
}
