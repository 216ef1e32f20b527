package dev.gatehouse.maintenance;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the heap back to the operating system once the server has served no request for
 * {@link #QUIET_CHECKS} seconds: one full collection per quiet spell, which with the launcher's
 * {@code -XX:-ShrinkHeapInSteps} shrinks the committed heap to the live set and its free ratio.
 *
 * <p>Why: the serial collector (the launcher's choice for its small footprint, docs/deployment.md)
 * returns committed heap only at a full collection, which a server under load rarely reaches; after
 * a busy minute it kept 65-80 MB committed for 16 MB live, about a third of its resident memory.
 * G1 does the same thing itself with {@code -XX:G1PeriodicGCInterval} (JEP 346), but cost refresh
 * and profile 12-16% of their throughput here (docs/performance.md#memory). So this runs only under
 * the serial collector; {@code -XX:+DisableExplicitGC} turns it off. A full collection of this
 * server's heap takes about 50 ms, once per quiet spell of at least five seconds.
 *
 * <p>Thread-safe: one daemon thread calls {@link #check}.
 */
public final class IdleHeap implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IdleHeap.class);
    /** Checks (one a second) without a new request before the collection. */
    static final int QUIET_CHECKS = 5;

    private final LongSupplier served;
    private final Runnable collect;
    private final Thread thread;
    private long lastServed = -1;
    private int quietChecks;
    private boolean collected;

    /**
     * @param served requests served so far (any monotonic count of activity)
     * @param collect what collects: {@code System::gc} in the server
     */
    IdleHeap(LongSupplier served, Runnable collect) {
        this.served = served;
        this.collect = collect;
        this.thread = Thread.ofPlatform().name("gatehouse-idle-heap").daemon().unstarted(this::loop);
    }

    /** Started when the JVM runs the serial collector; otherwise one that does nothing. */
    public static IdleHeap startIfSerial(LongSupplier served) {
        IdleHeap idle = new IdleHeap(served, System::gc);
        if (serialCollector(ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(GarbageCollectorMXBean::getName).toList())) {
            idle.thread.start();
        }
        return idle;
    }

    /** The serial collector's old generation is "MarkSweepCompact"; G1, ZGC, Parallel name theirs otherwise. */
    static boolean serialCollector(List<String> collectors) {
        return collectors.contains("MarkSweepCompact");
    }

    /**
     * One check: collects when no request was served since the last {@link #QUIET_CHECKS} checks
     * and none has been collected for this quiet spell. Returns whether it collected.
     */
    synchronized boolean check() {
        long now = served.getAsLong();
        if (now != lastServed) {
            lastServed = now;
            quietChecks = 0;
            collected = false;
            return false;
        }
        quietChecks++;
        if (collected || quietChecks < QUIET_CHECKS) {
            return false;
        }
        collected = true;
        collect.run();
        return true;
    }

    private void loop() {
        while (true) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            try {
                check();
            } catch (RuntimeException e) {
                log.warn("idle heap collection failed", e);
            }
        }
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
