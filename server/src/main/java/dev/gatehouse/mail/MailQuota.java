package dev.gatehouse.mail;

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
 * {@code Retry-After} set to when the oldest email leaves the window. Thread-safe.
 */
public final class MailQuota {
    private final Mailer mailer;
    private final int limit;
    private final Duration window;
    private final Clock clock;

    public MailQuota(Mailer mailer, int limit, Duration window, Clock clock) {
        this.mailer = mailer;
        this.limit = limit;
        this.window = window;
        this.clock = clock;
    }

    /** Throws 429 {@code TooManyRequests} when one more email to {@code recipient} would exceed the limit. */
    public void check(Handle h, String appId, String recipient) {
        if (limit == 0) {
            return;
        }
        Instant now = clock.instant();
        List<Instant> recent = mailer.writtenSince(h, appId, recipient, now.minus(window));
        if (recent.size() >= limit) {
            Instant freed = recent.get(recent.size() - limit).plus(window);
            throw ApiException.tooManyRequests("too many emails to this address; try again later", Duration.between(now, freed));
        }
    }
}
