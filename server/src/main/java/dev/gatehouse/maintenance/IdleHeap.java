package dev.gatehouse.maintenance;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the heap back to the operating system once the server has served no request for
 * {@link #QUIET_CHECKS} seconds: {@link #COLLECTIONS} full collections per quiet spell. The serial
 * collector shrinks the committed heap by 0, 10, 40 and then 100% of the excess over its free ratio
 * at successive full collections ({@code ShrinkHeapInSteps}, on by default), so the fourth brings it
 * down to the live set. Turning the steps off ({@code -XX:-ShrinkHeapInSteps}) would need only one,
 * but made the heap shrink at every full collection under load too: refresh ran at 0.82 of the
 * default's throughput in the same run (bench/run-load, docs/performance.md#memory).
 *
 * <p>Why: the serial collector (the launcher's choice for its small footprint, docs/deployment.md)
 * returns committed heap only at a full collection, which a server under load rarely reaches; after
 * a busy minute it kept 65-80 MB committed for 16 MB live, about a third of its resident memory.
 * G1 does the same thing itself with {@code -XX:G1PeriodicGCInterval} (JEP 346), but cost refresh
 * and profile 12-16% of their throughput here (docs/performance.md#memory). So this runs only under
 * the serial collector; {@code -XX:+DisableExplicitGC} turns it off. A full collection of this
 * server's heap took 50 ms and the next ones less, once per quiet spell of at least five seconds.
 *
 * <p>Thread-safe: one daemon thread calls {@link #check}.
 */
public final class IdleHeap implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IdleHeap.class);
    /** Checks (one a second) without a new request before the collection. */
    static final int QUIET_CHECKS = 5;
    /** Full collections per quiet spell: the steps of ShrinkHeapInSteps (0, 10, 40, 100%). */
    static final int COLLECTIONS = 4;

    private final LongSupplier served;
    private final Runnable collect;
    private final Thread thread;
    private long lastServed = -1;
    private int quietChecks;
    private boolean collected;

    /**
     * @param served requests served so far (any monotonic count of activity)
     * @param collect one full collection: {@code System::gc} in the server
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
        for (int i = 0; i < COLLECTIONS && served.getAsLong() == now; i++) {
            collect.run();
        }
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
