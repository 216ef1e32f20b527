package dev.gatehouse.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class IdleHeapTest {
    private final AtomicLong served = new AtomicLong();
    private final AtomicInteger collections = new AtomicInteger();
    private final IdleHeap idle = new IdleHeap(served::get, collections::incrementAndGet);

    private void checks(int n) {
        for (int i = 0; i < n; i++) {
            idle.check();
        }
    }

    @Test
    void collects_once_per_quiet_spell_after_five_quiet_checks() {
        idle.check();  // the first check only learns the count
        checks(IdleHeap.QUIET_CHECKS - 1);
        assertThat(collections).hasValue(0);
        checks(1);
        assertThat(collections).hasValue(IdleHeap.COLLECTIONS);
        checks(20);
        assertThat(collections).as("once per quiet spell, however long").hasValue(IdleHeap.COLLECTIONS);

        served.addAndGet(3);  // traffic again, then quiet again
        checks(1 + IdleHeap.QUIET_CHECKS);
        assertThat(collections).hasValue(2 * IdleHeap.COLLECTIONS);
    }

    @Test
    void a_request_arriving_between_the_collections_stops_them() {
        IdleHeap interrupted = new IdleHeap(served::get, () -> {
            collections.incrementAndGet();
            served.incrementAndGet();  // a request lands during the first collection
        });
        for (int i = 0; i <= IdleHeap.QUIET_CHECKS; i++) {
            interrupted.check();
        }
        assertThat(collections).hasValue(1);
    }

    @Test
    void steady_traffic_never_collects() {
        for (int i = 0; i < 50; i++) {
            served.incrementAndGet();
            idle.check();
        }
        // A request every fourth second still keeps it from collecting.
        for (int i = 0; i < 50; i++) {
            if (i % 4 == 0) {
                served.incrementAndGet();
            }
            idle.check();
        }
        assertThat(collections).hasValue(0);
    }

    @Test
    void runs_only_under_the_serial_collector() {
        assertThat(IdleHeap.serialCollector(List.of("Copy", "MarkSweepCompact"))).isTrue();
        assertThat(IdleHeap.serialCollector(List.of("G1 Young Generation", "G1 Concurrent GC", "G1 Old Generation"))).isFalse();
        assertThat(IdleHeap.serialCollector(List.of("ZGC Minor Cycles", "ZGC Major Cycles"))).isFalse();
        assertThat(IdleHeap.serialCollector(List.of("PS Scavenge", "PS MarkSweep"))).isFalse();
    }
}
