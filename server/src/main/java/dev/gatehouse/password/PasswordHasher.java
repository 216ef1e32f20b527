package dev.gatehouse.password;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Argon2id password hashing in PHC string form ({@code $argon2id$v=19$m=..,t=..,p=..$salt$hash}),
 * by the native reference code where it loads, else Bouncy Castle ({@link Argon2Choice}). At most
 * {@code concurrency} hashes and verifications run at once; the others queue ({@link HashPermits}).
 * Verification reads the parameters from the stored string, so hashes made
 * with older parameters keep working, and so do imported hashes of other schemes ({@link ForeignHashes}),
 * which {@link #needsRehash} tells the login to replace. Thread-safe.
 */
public final class PasswordHasher {
    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=(\\d{1,7}),t=(\\d{1,3}),p=(\\d{1,2})\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)");
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64_DECODE = Base64.getDecoder();

    private final HashParameters parameters;
    private final SecureRandom random;
    /** Verified against when a login names no user, so that unknown users cost as much as known ones. */
    private final String decoyHash;
    private final AtomicLong verifications = new AtomicLong();
    /** Argon2id is the dearest thing a request does; operators watch its time to tune the parameters. */
    private final Timer hashTimer;
    private final Timer verifyTimer;
    private final Argon2 argon2;
    private final HashPermits permits;

    /** A hasher that records nothing (tests, benchmarks): an empty composite registry makes no-op meters. */
    public PasswordHasher(HashParameters parameters, SecureRandom random) {
        this(parameters, random, new CompositeMeterRegistry());
    }

    /**
     * The default bound on concurrent hashes: one per processor. A hash is all CPU and memory
     * bandwidth, so more at once only makes each slower and holds more Argon2 memory.
     */
    public static int defaultConcurrency() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** A hasher running {@link #defaultConcurrency()} hashes at once. */
    public PasswordHasher(HashParameters parameters, SecureRandom random, MeterRegistry meters) {
        this(parameters, random, meters, defaultConcurrency());
    }

    /**
     * A hasher running at most {@code concurrency} hashes and verifications at once.
     *
     * @throws IllegalArgumentException when the {@code gatehouse.argon2} setting cannot be met
     *     (an unknown value, or {@code native} where the library does not load)
     */
    public PasswordHasher(HashParameters parameters, SecureRandom random, MeterRegistry meters, int concurrency) {
        this(parameters, random, meters, concurrency, Argon2Choice.selected());
    }

    PasswordHasher(HashParameters parameters, SecureRandom random, MeterRegistry meters, int concurrency,
            Argon2 argon2) {
        this.parameters = parameters;
        this.random = random;
        this.argon2 = argon2;
        this.permits = new HashPermits(concurrency, meters);
        this.hashTimer = timer(meters, "hash");
        this.verifyTimer = timer(meters, "verify");
        byte[] decoy = new byte[24];
        random.nextBytes(decoy);
        this.decoyHash = hashUntimed(B64.encodeToString(decoy));
    }

    private static Timer timer(MeterRegistry meters, String operation) {
        return Timer.builder("gatehouse.password.hash")
                .description("Argon2id time: hashing a new password, or verifying one (logins, decoys included)")
                .tag("operation", operation)
                .publishPercentileHistogram()
                .register(meters);
    }

    public String hash(String password) {
        return permits.run(() -> {
            // Timed inside the permit: the queue has its own timer (HashPermits).
            long start = System.nanoTime();
            try {
                return hashUntimed(password);
            } finally {
                hashTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            }
        });
    }

    private String hashUntimed(String password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] out = derive(password, salt, parameters, HASH_BYTES);
        return "$argon2id$v=19$m=" + parameters.memoryKib() + ",t=" + parameters.iterations() + ",p="
                + parameters.parallelism() + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(out);
    }

    /** Constant-time check of {@code password} against a stored PHC string; false for malformed ones. */
    public boolean verify(String password, String phc) {
        return permits.run(() -> {
            long start = System.nanoTime();
            try {
                return verifyUntimed(password, phc);
            } finally {
                verifyTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            }
        });
    }

    private boolean verifyUntimed(String password, String phc) {
        Matcher m = PHC.matcher(phc);
        // Costs out of bounds (m=9999999 is ten gigabytes) are never run, whoever stored them.
        if (!m.matches() || !storedParameters(m).problems().isEmpty()) {
            // An imported hash pays its own scheme's cost; only strings no scheme reads pay the decoy.
            ForeignHashes.Check foreign = ForeignHashes.parse(phc);
            if (foreign != null) {
                verifications.incrementAndGet();
                return foreign.matches(password.getBytes(StandardCharsets.UTF_8));
            }
            verifyUntimed(password, decoyHash);
            return false;
        }
        byte[] salt = decode(m.group(4));
        byte[] expected = decode(m.group(5));
        // The reference C code refuses salts under 8 bytes and tags under 4 (Bouncy Castle computes
        // them): malformed for both, as ForeignHashes' bounds already say for imported hashes.
        if (salt == null || expected == null || salt.length < 8 || expected.length < 4) {
            verifyUntimed(password, decoyHash);
            return false;
        }
        verifications.incrementAndGet();
        return MessageDigest.isEqual(expected, derive(password, salt, storedParameters(m), expected.length));
    }

    /** The bytes of unpadded base64, or null where the length cannot be base64 (one char too many). */
    private static byte[] decode(String base64) {
        try {
            return B64_DECODE.decode(base64);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Whether a stored hash should be replaced, after a successful verification, by one made with
     * the current parameters: it is a foreign format, or Argon2id with other costs.
     */
    public boolean needsRehash(String stored) {
        Matcher m = PHC.matcher(stored);
        return !m.matches() || !storedParameters(m).equals(parameters);
    }

    /** Whether {@link #verify} can check passwords against this string: ours, or a foreign format. */
    public static boolean readable(String stored) {
        // ForeignHashes reads our own format too, with its cost bounds, which an import must meet.
        return ForeignHashes.parse(stored) != null;
    }

    private static HashParameters storedParameters(Matcher phc) {
        return new HashParameters(Integer.parseInt(phc.group(1)), Integer.parseInt(phc.group(2)),
                Integer.parseInt(phc.group(3)));
    }

    /** Spends the time of one verification and fails: the path for logins that name no user. */
    public boolean verifyDecoy(String password) {
        verify(password, decoyHash);
        return false;
    }

    /** How many Argon2id verifications ran: tests use it to prove every login path pays one. */
    public long verifications() {
        return verifications.get();
    }

    /**
     * Which Argon2id implementation the public constructors' hashers use in this process, as logged
     * at start-up: "native (avx512)", "bouncycastle" (chooses and loads it on the first call).
     */
    public static String processImplementation() {
        return Argon2Choice.selected().name();
    }

    private byte[] derive(String password, byte[] salt, HashParameters p, int length) {
        byte[] bytes = password.getBytes(StandardCharsets.UTF_8);
        try {
            return argon2.argon2id(bytes, salt, null, null, p, length);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }
}
