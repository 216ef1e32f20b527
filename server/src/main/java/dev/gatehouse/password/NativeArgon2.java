package dev.gatehouse.password;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Argon2id by the reference C implementation's optimized code (server/src/main/c), built into the
 * jar for Linux x86-64 and called through JNI. Three builds ship, and {@link #load} picks by the
 * CPU's flags: {@code avx512} (x86-64-v4), {@code avx2} (x86-64-v3) or the SSE {@code x86-64-v2}
 * baseline, so the jar runs on any x86-64 CPU of the last fifteen years without SIGILL.
 *
 * <p>The C side keeps the block memory of finished hashes for the next ones (a fresh mapping per
 * hash cost a third of its time in page faults); a daemon thread hands it back to the kernel once
 * no hash has run for {@link #IDLE_NANOS}, so an idle server does not hold 19 MiB per core.
 * Thread-safe.
 *
 * <p>JNI rather than the FFM API: the project compiles for Java 21, where FFM is a preview.
 */
final class NativeArgon2 implements Argon2 {
    /** What x86-64-v3 code may contain (gcc's definition), as /proc/cpuinfo spells them. */
    static final Set<String> V3_FLAGS = Set.of("avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "abm", "movbe", "xsave");
    static final Set<String> V2_FLAGS = Set.of("cx16", "lahf_lm", "popcnt", "sse4_1", "sse4_2", "ssse3");
    /** And what x86-64-v4 adds. The kernel lists them only when it saves the AVX-512 registers too. */
    static final Set<String> V4_FLAGS = Set.of("avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl");
    /** Each build, best first, with the flags it needs (each level includes the ones below). */
    static final Map<String, Set<String>> VARIANTS = variants();
    static final String VARIANT_PROPERTY = "gatehouse.argon2.variant";
    /** How long hashing must pause before the pooled blocks go back; also the trimmer's period. */
    static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** Loaded once per JVM: a second copy of the library would bind nothing new. */
    private static NativeArgon2 loaded;

    private final String variant;
    /** Hashes running now, and when the last one finished: what {@link #trimIfIdle} decides by. */
    private final AtomicInteger running = new AtomicInteger();
    private volatile long idleSince = System.nanoTime();

    private static Map<String, Set<String>> variants() {
        Set<String> v3 = new HashSet<>(V2_FLAGS);
        v3.addAll(V3_FLAGS);
        Set<String> v4 = new HashSet<>(v3);
        v4.addAll(V4_FLAGS);
        Map<String, Set<String>> variants = new LinkedHashMap<>();
        variants.put("avx512", Set.copyOf(v4));
        variants.put("avx2", Set.copyOf(v3));
        variants.put("x86-64-v2", V2_FLAGS);
        return Collections.unmodifiableMap(variants);
    }

    private NativeArgon2(String variant) {
        this.variant = variant;
    }

    /**
     * Loads the build this CPU can run, once, and checks it against RFC 9106's test vector.
     *
     * @throws UnsupportedOperationException with the reason, when there is none to load or it
     *     computes wrong tags (then the caller falls back to {@link BouncyCastleArgon2})
     */
    static synchronized NativeArgon2 load() {
        if (loaded == null) {
            loaded = loadLibrary();
        }
        return loaded;
    }

    private static NativeArgon2 loadLibrary() {
        String os = System.getProperty("os.name", "");
        String arch = System.getProperty("os.arch", "");
        if (!os.equals("Linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            throw new UnsupportedOperationException("no native build for " + os + "/" + arch);
        }
        Set<String> flags = cpuFlags();
        String variant = requested(flags, System.getProperty(VARIANT_PROPERTY, System.getenv("GATEHOUSE_ARGON2_VARIANT")));
        String resource = "/native/linux-x86_64/libgatehouse-argon2-" + variant + ".so";
        try (InputStream in = NativeArgon2.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new UnsupportedOperationException("the jar holds no " + resource + " (built without gcc?)");
            }
            Path file = Files.createTempFile("gatehouse-argon2-", ".so");
            try {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                System.load(file.toAbsolutePath().toString());
            } finally {
                // Once loaded, the mapping outlives the file: nothing is left in /tmp.
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (UnsatisfiedLinkError e) {
            throw new UnsupportedOperationException("cannot load " + resource + ": " + e.getMessage(), e);
        }
        NativeArgon2 library = new NativeArgon2(variant);
        // A miscompiled library would lock every user out: refuse it rather than hash with it.
        if (!Arrays.equals(library.rfc9106Tag(), HexFormat.of().parseHex(Rfc9106.TAG))) {
            throw new UnsupportedOperationException("the " + variant + " build fails RFC 9106's test vector");
        }
        // System.nanoTime rather than the server's Clock: this is memory housekeeping, no state a
        // test or a user sees depends on when it runs, and the library is one per process.
        Thread.ofPlatform().name("gatehouse-argon2-trim").daemon().start(() -> {
            while (true) {
                try {
                    TimeUnit.NANOSECONDS.sleep(IDLE_NANOS);
                } catch (InterruptedException e) {
                    return;
                }
                library.trimIfIdle(System.nanoTime());
            }
        });
        return library;
    }

    /**
     * The build to load: the one asked for ({@code gatehouse.argon2.variant}: an operator may prefer
     * avx2 where AVX-512 lowers the clock of the rest of the server, as on some Skylake-SP parts;
     * the tests force each build this way), else the best one these flags run.
     *
     * @throws UnsupportedOperationException for an unknown name, a build the CPU cannot run, or a CPU
     *     that runs none
     */
    static String requested(Set<String> flags, String asked) {
        String name = asked == null ? "auto" : asked.trim().toLowerCase(Locale.ROOT);
        if (name.isEmpty() || name.equals("auto")) {
            String best = variant(flags);
            if (best == null) {
                throw new UnsupportedOperationException("the CPU lacks SSE4.2/SSSE3 (x86-64-v2)");
            }
            return best;
        }
        if (!VARIANTS.containsKey(name)) {
            throw new UnsupportedOperationException(
                    VARIANT_PROPERTY + " must be auto, " + String.join(", ", VARIANTS.keySet()) + ", got '" + asked + "'");
        }
        if (!runs(name, flags)) {
            throw new UnsupportedOperationException(VARIANT_PROPERTY + "=" + name + ", but this CPU lacks "
                    + VARIANTS.get(name).stream().filter(f -> !flags.contains(f)).sorted().toList());
        }
        return name;
    }

    /** The best build for these flags, null when none runs. */
    static String variant(Set<String> flags) {
        return VARIANTS.keySet().stream().filter(name -> runs(name, flags)).findFirst().orElse(null);
    }

    static boolean runs(String variant, Set<String> flags) {
        return flags.containsAll(VARIANTS.get(variant));
    }

    static Set<String> cpuFlags() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
            return lines.stream().filter(l -> l.startsWith("flags")).findFirst()
                    .map(l -> Set.of(l.substring(l.indexOf(':') + 1).trim().toLowerCase(Locale.ROOT).split("\\s+")))
                    .orElse(Set.of());
        } catch (IOException e) {
            return Set.of();
        }
    }

    private byte[] rfc9106Tag() {
        return argon2id(Rfc9106.PASSWORD, Rfc9106.SALT, Rfc9106.SECRET, Rfc9106.ASSOCIATED_DATA, Rfc9106.COST, 32);
    }

    @Override
    public byte[] argon2id(byte[] password, byte[] salt, byte[] secret, byte[] associatedData, HashParameters cost,
            int length) {
        running.incrementAndGet();
        try {
            return argon2id(password, salt, secret, associatedData, cost.memoryKib(), cost.iterations(),
                    cost.parallelism(), length);
        } finally {
            if (running.decrementAndGet() == 0) {
                idleSince = System.nanoTime();
            }
        }
    }

    /**
     * Hands the pooled block memory back to the kernel when no hash runs now and none has for
     * {@link #IDLE_NANOS} before {@code now} (a System.nanoTime value). A hash starting meanwhile is
     * safe: the C side takes a block from the pool or maps a new one under the pool's lock.
     *
     * @return the bytes handed back (0 when not idle, or nothing was pooled)
     */
    long trimIfIdle(long now) {
        return idle(running.get(), idleSince, now) ? trim() : 0;
    }

    static boolean idle(int running, long idleSince, long now) {
        return running == 0 && now - idleSince >= IDLE_NANOS;
    }

    /**
     * In gatehouse_argon2_jni.c: unmaps every pooled block; returns their bytes. Package-private for
     * NativeBlockPoolTest, which needs an empty pool to see a fresh block's pages.
     */
    static native long trim();

    /** In gatehouse_argon2_jni.c: the bytes of block memory pooled now. */
    static native long pooledBytes();

    /** In gatehouse_argon2_jni.c; throws IllegalArgumentException when argon2_ctx refuses the input. */
    private static native byte[] argon2id(byte[] password, byte[] salt, byte[] secret, byte[] associatedData,
            int memoryKib, int iterations, int parallelism, int length);

    @Override
    public String name() {
        return "native (" + variant + ")";
    }
}
