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

    /** The implementation this process uses; the first call chooses, loads and logs. */
    static Argon2 selected() {
        return Holder.SELECTED;
    }

    private static final class Holder {
        static final Argon2 SELECTED = choose(mode());
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
                NativeArgon2 loaded = NativeArgon2.load();  // no fallback: the operator asked for this one
                log.info("Argon2id: {} ({}=native)", loaded.name(), PROPERTY);
                return loaded;
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
