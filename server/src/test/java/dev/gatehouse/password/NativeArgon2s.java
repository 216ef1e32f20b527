package dev.gatehouse.password;

/** The native library for tests that compare it with Bouncy Castle, whatever the process chose. */
final class NativeArgon2s {
    private static NativeArgon2 loaded;

    private NativeArgon2s() {}

    /** Loads once per JVM (a second System.load of the same library is refused by the JVM). */
    static synchronized NativeArgon2 loaded() {
        if (loaded == null) {
            loaded = Argon2Choice.selected() instanceof NativeArgon2 selected ? selected : NativeArgon2.load();
        }
        return loaded;
    }
}
