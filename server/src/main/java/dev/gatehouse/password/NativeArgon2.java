package dev.gatehouse.password;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Argon2id by the reference C implementation's optimized code (server/src/main/c), built into the
 * jar for Linux x86-64 and called through JNI. Two builds ship, and {@link #load} picks by the CPU's
 * flags: {@code avx2} (x86-64-v3) or the SSE {@code x86-64-v2} baseline, so the jar runs on any
 * x86-64 CPU of the last fifteen years without SIGILL. Thread-safe: the C code keeps no state.
 *
 * <p>JNI rather than the FFM API: the project compiles for Java 21, where FFM is a preview.
 */
final class NativeArgon2 implements Argon2 {
    /** What x86-64-v3 code may contain (gcc's definition), as /proc/cpuinfo spells them. */
    static final Set<String> V3_FLAGS = Set.of("avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "abm", "movbe", "xsave");
    static final Set<String> V2_FLAGS = Set.of("cx16", "lahf_lm", "popcnt", "sse4_1", "sse4_2", "ssse3");

    /** Loaded once per JVM: a second copy of the library would bind nothing new. */
    private static NativeArgon2 loaded;

    private final String variant;

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
        String variant = variant(cpuFlags());
        if (variant == null) {
            throw new UnsupportedOperationException("the CPU lacks SSE4.2/SSSE3 (x86-64-v2)");
        }
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
        return library;
    }

    /** The best build for these flags, null when neither runs. */
    static String variant(Set<String> flags) {
        if (flags.containsAll(V3_FLAGS)) {
            return "avx2";
        }
        return flags.containsAll(V2_FLAGS) ? "x86-64-v2" : null;
    }

    private static Set<String> cpuFlags() {
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
        return argon2id(password, salt, secret, associatedData, cost.memoryKib(), cost.iterations(),
                cost.parallelism(), length);
    }

    /** In gatehouse_argon2_jni.c; throws IllegalArgumentException when argon2_ctx refuses the input. */
    private static native byte[] argon2id(byte[] password, byte[] salt, byte[] secret, byte[] associatedData,
            int memoryKib, int iterations, int parallelism, int length);

    @Override
    public String name() {
        return "native (" + variant + ")";
    }
}
