package dev.gatehouse.password;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HashConcurrencyTest {
    /** Bouncy Castle behind a gate: counts how many computations are inside at once. */
    static final class GatedArgon2 implements Argon2 {
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger mostRunning = new AtomicInteger();
        final CountDownLatch gate = new CountDownLatch(1);
        volatile boolean gated;
        private final Argon2 real = new BouncyCastleArgon2();

        @Override
        public byte[] argon2id(byte[] password, byte[] salt, byte[] secret, byte[] ad, HashParameters cost, int length) {
            mostRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                if (gated) {
                    gate.await(30, TimeUnit.SECONDS);
                }
                return real.argon2id(password, salt, secret, ad, cost, length);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            } finally {
                running.decrementAndGet();
            }
        }

        @Override
        public String name() {
            return "gated";
        }
    }

    @Test
    void at_most_the_configured_number_of_hashes_run_at_once_and_the_rest_queue() throws Exception {
        GatedArgon2 argon2 = new GatedArgon2();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        PasswordHasher hasher = new PasswordHasher(new HashParameters(64, 1, 1), new SecureRandom(), meters, 2, argon2);
        String stored = hasher.hash("secret1");  // ungated
        argon2.mostRunning.set(0);
        argon2.gated = true;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                boolean verify = i % 2 == 0;
                results.add(pool.submit(() -> verify ? hasher.verify("secret1", stored) : hasher.hash("x") != null));
            }
            // Two are inside the gate, six wait for a permit: without the bound all eight would be inside.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (meters.get("gatehouse.password.hash.queued").gauge().value() < 6 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(meters.get("gatehouse.password.hash.queued").gauge().value()).isEqualTo(6);
            assertThat(argon2.running.get()).isEqualTo(2);
            argon2.gate.countDown();
            for (Future<Boolean> result : results) {
                assertThat(result.get(30, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            argon2.gate.countDown();
            pool.shutdownNow();
        }
        assertThat(argon2.mostRunning.get()).isEqualTo(2);
        assertThat(meters.get("gatehouse.password.hash.queue").timer().count()).isEqualTo(9);
        assertThat(meters.get("gatehouse.password.hash.queued").gauge().value()).isZero();
    }
}
