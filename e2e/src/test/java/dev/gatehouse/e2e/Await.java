package dev.gatehouse.e2e;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Polls for an outcome that arrives asynchronously (a child process, the outbox workers, a key
 * reload). The bounds are generous on purpose: they only end a test that would otherwise hang,
 * they measure no speed.
 */
final class Await {
    private Await() {}

    static void until(String what, Duration timeout, BooleanSupplier condition) {
        until(what, timeout, condition, () -> "");
    }

    /** As {@link #until(String, Duration, BooleanSupplier)}; {@code state} describes what was seen last, for the failure. */
    static void until(String what, Duration timeout, BooleanSupplier condition, Supplier<String> state) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                String seen = state.get();
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what
                        + (seen.isEmpty() ? "" : "; last seen: " + seen));
            }
            sleep(Duration.ofMillis(25));
        }
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
