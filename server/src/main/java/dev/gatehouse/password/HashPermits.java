package dev.gatehouse.password;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * At most {@code concurrency} Argon2id computations at once, the others waiting in arrival order:
 * each holds m KiB (19 MiB by default) for its whole run, so a burst of logins must queue rather
 * than take memory and CPU without bound. Thread-safe.
 */
final class HashPermits {
    private final Semaphore permits;
    private final Timer waits;

    HashPermits(int concurrency, MeterRegistry meters) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("hash concurrency must be at least 1, got " + concurrency);
        }
        this.permits = new Semaphore(concurrency, true);
        this.waits = Timer.builder("gatehouse.password.hash.queue")
                .description("Time a hash or verification waited for one of the --hash-concurrency permits")
                .publishPercentileHistogram()
                .register(meters);
        Gauge.builder("gatehouse.password.hash.queued", permits, Semaphore::getQueueLength)
                .description("Hashes and verifications waiting for a permit now")
                .register(meters);
    }

    <T> T run(Supplier<T> work) {
        long start = System.nanoTime();
        // Uninterruptibly: the wait is bounded by the hashes ahead, and a login half done has no
        // better answer to an interrupt than to finish.
        permits.acquireUninterruptibly();
        try {
            waits.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            return work.get();
        } finally {
            permits.release();
        }
    }
}
