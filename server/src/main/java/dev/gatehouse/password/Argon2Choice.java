package dev.gatehouse.password;

import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which {@link Argon2} the process uses, chosen once and logged in one line: the system property
 * {@code gatehouse.argon2} (or the environment variable {@code GATEHOUSE_ARGON2}) says
 * {@code auto} (the default: native where it loads, else Bouncy Castle), {@code native} (fail when
 * it does not load) or {@code bouncycastle}. A process-wide choice, not a config setting: the
 * library can be loaded only once per JVM, and the tests run each way in their own JVM. Thread-safe.
 */
final class Argon2Choice {
    static final String PROPERTY = "gatehouse.argon2";
    private static final Logger log = LoggerFactory.getLogger(Argon2Choice.class);

    private Argon2Choice() {}

    private static Argon2 selected;

    /**
     * The implementation this process uses; the first call chooses, loads and logs.
     *
     * @throws IllegalArgumentException for an unknown mode, or {@code native} when it does not load
     *     (again on the next call: nothing is chosen until a call succeeds)
     */
    static synchronized Argon2 selected() {
        if (selected == null) {
            selected = choose(mode());
        }
        return selected;
    }

    private static String mode() {
        String value = System.getProperty(PROPERTY);
        if (value == null || value.isBlank()) {
            value = System.getenv("GATEHOUSE_ARGON2");
        }
        return value == null || value.isBlank() ? "auto" : value.trim().toLowerCase(Locale.ROOT);
    }

    static Argon2 choose(String mode) {
        switch (mode) {
            case "bouncycastle" -> {
                log.info("Argon2id: bouncycastle ({}=bouncycastle)", PROPERTY);
                return new BouncyCastleArgon2();
            }
            case "native" -> {
                try {
                    NativeArgon2 loaded = NativeArgon2.load();
                    log.info("Argon2id: {} ({}=native)", loaded.name(), PROPERTY);
                    return loaded;
                } catch (UnsupportedOperationException e) {
                    // No fallback: the operator asked for this one.
                    throw new IllegalArgumentException(
                            PROPERTY + "=native, but the native library is unavailable: " + e.getMessage(), e);
                }
            }
            case "auto" -> {
                try {
                    NativeArgon2 loaded = NativeArgon2.load();
                    log.info("Argon2id: {}", loaded.name());
                    return loaded;
                } catch (UnsupportedOperationException e) {
                    log.info("Argon2id: bouncycastle, the native library is unavailable: {}", e.getMessage());
                    return new BouncyCastleArgon2();
                }
            }
            default -> throw new IllegalArgumentException(
                    PROPERTY + " must be auto, native or bouncycastle, got '" + mode + "'");
        }
    }
}
