package dev.gatehouse.bench;

import java.time.Duration;

/** An SMTP server on loopback that accepts and counts messages. */
interface Sink extends AutoCloseable {
    int port();

    /** Messages accepted so far. */
    int received();

    /** Waits until {@code count} messages have been accepted in all; false at the timeout. */
    boolean await(int count, Duration timeout) throws InterruptedException;

    /** One accepted message as it came over the wire (RFC 5322), or null before the first. */
    String sample();

    @Override
    void close();
}
