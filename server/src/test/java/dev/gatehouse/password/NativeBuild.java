package dev.gatehouse.password;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;

/**
 * What the build did about the native library: build-native.sh writes "built" or "skipped: why"
 * into the jar beside it. Tests require the library exactly when it was built, so a machine without
 * gcc passes on Bouncy Castle while a built library that does not load fails the tests.
 */
final class NativeBuild {
    private NativeBuild() {}

    /** The BUILD file's text; "" where the build never ran the script (not a unix build). */
    static String status() {
        try (InputStream in = NativeBuild.class.getResourceAsStream("/native/linux-x86_64/BUILD")) {
            return in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean built() {
        return status().equals("built");
    }

    /**
     * Built, and the build this JVM was told to load ({@code gatehouse.argon2.variant}, set by the
     * argon2-* executions in server/pom.xml) is one this CPU runs: then the library must load.
     */
    static boolean usable() {
        String asked = System.getProperty(NativeArgon2.VARIANT_PROPERTY);
        if (!built() || asked == null) {
            return built();
        }
        try {
            NativeArgon2.requested(NativeArgon2.cpuFlags(), asked);
            return true;
        } catch (UnsupportedOperationException e) {
            return false;
        }
    }

    static String whyNot() {
        return built() ? "this CPU cannot run the " + System.getProperty(NativeArgon2.VARIANT_PROPERTY) + " build"
                : "native Argon2 not built: " + status();
    }

    /** Skips a jqwik container when there is no native library to compare. */
    static final class SkipUnlessBuilt implements SkipExecutionHook {
        @Override
        public SkipResult shouldBeSkipped(LifecycleContext context) {
            return usable() ? SkipResult.doNotSkip() : SkipResult.skip(whyNot());
        }
    }
}
