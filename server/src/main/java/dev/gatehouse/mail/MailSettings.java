package dev.gatehouse.mail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Email delivery settings.
 *
 * @param smtp the SMTP server, or null to deliver to the dev mailbox
 * @param maxAttempts attempts before a message is parked
 * @param initialBackoff delay after the first failure; doubled per attempt, with jitter
 * @param maxBackoff the longest delay between attempts
 * @param pollInterval how often the worker looks for due messages when not woken
 * @param quotaPerAddress most confirmation and reset emails to one address per window (0: no limit)
 * @param quotaWindow the window of that limit
 * @param resendKeepsEarlierLinks a resend leaves earlier unexpired links usable (App Services kept them)
 * @param privacyMode {@code confirm/send} and {@code reset/send} answer the same success whatever the
 *     address (unknown, pending, confirmed, over its quota), so they cannot be used to learn who has an
 *     account; off by default, where they answer App Services' {@code UserNotFound} and friends
 */
public record MailSettings(SmtpSettings smtp, int maxAttempts, Duration initialBackoff, Duration maxBackoff,
                           Duration pollInterval, int quotaPerAddress, Duration quotaWindow,
                           boolean resendKeepsEarlierLinks, boolean privacyMode) {

    public static MailSettings devMailbox() {
        return new MailSettings(null, 10, Duration.ofSeconds(5), Duration.ofHours(1), Duration.ofSeconds(1),
                5, Duration.ofHours(1), true, false);
    }

    public MailSettings withSmtp(SmtpSettings settings) {
        return new MailSettings(settings, maxAttempts, initialBackoff, maxBackoff, pollInterval, quotaPerAddress,
                quotaWindow, resendKeepsEarlierLinks, privacyMode);
    }

    public MailSettings withRetries(int attempts, Duration initial, Duration max, Duration poll) {
        return new MailSettings(smtp, attempts, initial, max, poll, quotaPerAddress, quotaWindow, resendKeepsEarlierLinks, privacyMode);
    }

    public MailSettings withQuota(int perAddress, Duration window, boolean keepEarlierLinks) {
        return new MailSettings(smtp, maxAttempts, initialBackoff, maxBackoff, pollInterval, perAddress, window, keepEarlierLinks,
                privacyMode);
    }

    public MailSettings withPrivacyMode(boolean on) {
        return new MailSettings(smtp, maxAttempts, initialBackoff, maxBackoff, pollInterval, quotaPerAddress, quotaWindow,
                resendKeepsEarlierLinks, on);
    }

    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (smtp != null) {
            problems.addAll(smtp.problems());
        }
        if (maxAttempts < 1 || maxAttempts > 100) {
            problems.add("mail attempts must be between 1 and 100, got " + maxAttempts);
        }
        if (initialBackoff.isNegative() || initialBackoff.isZero() || maxBackoff.compareTo(initialBackoff) < 0) {
            problems.add("mail retry backoff must be positive, and its maximum at least its initial value");
        }
        if (pollInterval.toMillis() < 10) {
            problems.add("mail poll interval must be at least 10ms");
        }
        if (quotaPerAddress < 0 || quotaWindow.isNegative() || quotaWindow.isZero()) {
            problems.add("mail quota must be 0 (off) or more per a positive window");
        }
        return problems;
    }
}
