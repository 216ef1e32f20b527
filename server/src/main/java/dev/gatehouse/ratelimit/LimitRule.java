package dev.gatehouse.ratelimit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One limit: {@code free} counted events are allowed with no delay; from then on each event makes
 * the next attempt wait {@code baseDelay}, doubling per further event up to {@code maxDelay}. The
 * count starts over once the key has been quiet for {@code window}. There is no lock-out: the worst
 * a key ever waits is {@code maxDelay}.
 *
 * @param free events allowed before delays start (0 delays from the first)
 * @param window quiet time after which the count starts over
 * @param baseDelay the first delay
 * @param maxDelay the cap of the exponentially growing delay
 */
public record LimitRule(int free, Duration window, Duration baseDelay, Duration maxDelay) {
    private static final Duration LONGEST = Duration.ofDays(1);

    /** The wait imposed after the {@code hits}-th event in the window; zero while under {@code free}. */
    public Duration delayAfter(long hits) {
        if (hits < free) {
            return Duration.ZERO;
        }
        long doublings = Math.min(hits - free, 30);  // 2^30 seconds is far past any cap
        Duration delay = baseDelay.multipliedBy(1L << doublings);
        return delay.compareTo(maxDelay) > 0 ? maxDelay : delay;
    }

    /** Every problem with this rule, each prefixed with {@code name}. */
    public List<String> problems(String name) {
        List<String> problems = new ArrayList<>();
        if (free < 0 || free > 1_000_000) {
            problems.add(name + ".free must be between 0 and 1000000, got " + free);
        }
        if (window.compareTo(Duration.ofSeconds(1)) < 0 || window.compareTo(LONGEST) > 0) {
            problems.add(name + ".window must be between 1s and 1d, got " + window);
        }
        if (baseDelay.compareTo(Duration.ofMillis(1)) < 0 || baseDelay.compareTo(maxDelay) > 0) {
            problems.add(name + ".base_delay must be at least 1ms and at most max_delay, got " + baseDelay);
        }
        if (maxDelay.compareTo(LONGEST) > 0) {
            problems.add(name + ".max_delay must be at most 1d, got " + maxDelay);
        }
        return problems;
    }
}
