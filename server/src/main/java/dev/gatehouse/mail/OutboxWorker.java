package dev.gatehouse.mail;

import jakarta.mail.MessagingException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the outbox: one thread that sends due messages over one reused SMTP connection, retries
 * failures with exponential backoff and jitter, and parks a message after the last attempt or a
 * permanent refusal. It is woken when a transaction queues mail and otherwise polls, so messages
 * left by a crash or written by another node are sent too. Thread-safe.
 */
public final class OutboxWorker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OutboxWorker.class);
    /**
     * Messages leased per round. Small, because the lease covers the whole batch: a batch of slow
     * sends must end before its lease does, or another node could take the last messages too.
     */
    private static final int BATCH = 10;
    private static final Duration LEASE = Duration.ofMinutes(2);
    /** A claimed message is only sent while this much of its lease is left. */
    private static final Duration LEASE_MARGIN = Duration.ofMinutes(1);

    private final OutboxStore store;
    private final SmtpTransport transport;
    private final MailSettings settings;
    private final Clock clock;
    private final RandomGenerator random;
    private final Semaphore wake = new Semaphore(0);
    private final Thread thread;
    private volatile boolean running = true;

    OutboxWorker(OutboxStore store, SmtpTransport transport, MailSettings settings, Clock clock, RandomGenerator random) {
        this.store = store;
        this.transport = transport;
        this.settings = settings;
        this.clock = clock;
        this.random = random;
        this.thread = Thread.ofPlatform().name("gatehouse-outbox").daemon().unstarted(this::loop);
    }

    void start() {
        thread.start();
    }

    /** Asks the worker to look for due messages now. */
    public void wake() {
        wake.release();
    }

    private void loop() {
        while (running) {
            try {
                int handled = deliverDue();
                if (handled == 0) {
                    transport.close();
                    wake.tryAcquire(settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                    wake.drainPermits();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // A database hiccup must not kill delivery; the next round tries again.
                log.error("outbox round failed; retrying after the poll interval", e);
                sleepQuietly();
            }
        }
    }

    /** Sends what is due; returns how many messages it handled. */
    int deliverDue() {
        Instant claimedAt = clock.instant();
        Instant leaseUntil = claimedAt.plus(LEASE);
        List<OutboxMessage> claimed = store.claimDue(claimedAt, leaseUntil, BATCH);
        int handled = 0;
        for (OutboxMessage message : claimed) {
            if (!running || !clock.instant().isBefore(leaseUntil.minus(LEASE_MARGIN))) {
                // Too late to be sure the lease outlives the send: hand it back for the next round.
                store.release(message.id());
                continue;
            }
            handled++;
            try {
                transport.send(message);
                store.markSent(message.id(), clock.instant());
            } catch (MessagingException e) {
                failed(message, e);
            }
        }
        return handled;
    }

    private void failed(OutboxMessage message, MessagingException e) {
        int attempts = message.attempts() + 1;
        String error = describe(e);
        if (SmtpTransport.isPermanent(e) || attempts >= settings.maxAttempts()) {
            store.markParked(message.id(), error);
            log.warn("outbox: parked message {} to app {} after {} attempt(s): {}", message.id(), message.appId(), attempts, error);
        } else {
            Duration delay = backoff(attempts);
            store.markRetry(message.id(), clock.instant().plus(delay), error);
            log.info("outbox: message {} failed (attempt {}), retrying in {} ms: {}", message.id(), attempts, delay.toMillis(), error);
        }
    }

    /** Exponential backoff with "equal jitter": half the delay fixed, half random, so retries spread out. */
    Duration backoff(int attempts) {
        long initial = settings.initialBackoff().toMillis();
        long max = settings.maxBackoff().toMillis();
        long delay = Math.min(max, initial << Math.min(attempts - 1, 30));
        return Duration.ofMillis(delay / 2 + random.nextLong(delay / 2 + 1));
    }

    /** The failure as operators need it, without the message content. */
    private static String describe(MessagingException e) {
        StringBuilder text = new StringBuilder(e.getClass().getSimpleName()).append(": ").append(e.getMessage());
        Exception next = e.getNextException();
        if (next != null) {
            text.append(" / ").append(next.getClass().getSimpleName()).append(": ").append(next.getMessage());
        }
        return text.length() > 1000 ? text.substring(0, 1000) : text.toString();
    }

    private void sleepQuietly() {
        try {
            Thread.sleep(settings.pollInterval().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void close() {
        running = false;
        wake.release();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        transport.close();
    }
}
