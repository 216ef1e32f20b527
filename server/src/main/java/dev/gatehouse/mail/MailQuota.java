package dev.gatehouse.mail;

import dev.gatehouse.db.Dialect;
import dev.gatehouse.http.ApiException;
import dev.gatehouse.http.ErrorCode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * Limits confirmation and reset emails per address: at most N in a sliding window, counted from the
 * mail table itself (so every node sharing the database sees the same count). Beyond it: 429 with
 * {@code Retry-After} set to when the oldest email leaves the window. The count and the email it
 * admits happen under one lock per address, so concurrent requests on several nodes cannot all
 * slip under the limit together. Thread-safe.
 */
public final class MailQuota {
    private final Mailer mailer;
    private final int limit;
    private final Duration window;
    private final Clock clock;
    private final Dialect dialect;

    public MailQuota(Mailer mailer, int limit, Duration window, Clock clock, Dialect dialect) {
        this.mailer = mailer;
        this.dialect = dialect;
        this.limit = limit;
        this.window = window;
        this.clock = clock;
    }

    /**
     * Throws 429 {@code TooManyRequests} when one more email to {@code recipient} would exceed the
     * limit. Call it in the transaction that then queues the email.
     */
    public void check(Handle transaction, String appId, String recipient) {
        if (limit == 0) {
            return;
        }
        dialect.lock(transaction, "gatehouse:mail-quota:" + appId + ":" + recipient);
        Instant now = clock.instant();
        List<Instant> recent = mailer.writtenSince(transaction, appId, recipient, now.minus(window));
        if (recent.size() >= limit) {
            Instant freed = recent.get(recent.size() - limit).plus(window);
            throw ApiException.tooManyRequests("too many emails to this address; try again later", Duration.between(now, freed));
        }
    }
}
