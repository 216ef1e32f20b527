package dev.gatehouse.password;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The native library keeps the block memory of finished hashes for the next ones and hands it back
 * to the kernel once hashing pauses. The library is one per process and its trimmer thread runs
 * throughout, so these tests read the pool rather than assume it is untouched between two lines.
 */
class NativeBlockPoolTest {
    private static final HashParameters COST = new HashParameters(1024, 1, 1);
    private static final byte[] SALT = "saltsaltsaltsalt".getBytes(StandardCharsets.US_ASCII);

    private NativeArgon2 argon2;

    @BeforeEach
    void load() {
        assumeTrue(NativeBuild.usable(), NativeBuild::whyNot);
        argon2 = NativeArgon2.load();
    }

    private byte[] hash(String password) {
        return argon2.argon2id(password.getBytes(StandardCharsets.UTF_8), SALT, null, null, COST, 32);
    }

    @Test
    void a_finished_hash_leaves_its_blocks_for_the_next_and_a_reused_block_gives_the_same_tags() {
        byte[] first = hash("correct horse");
        boolean seenPooled = false;
        // The trimmer may empty the pool between a hash and the read only after a second's pause;
        // five tries make a stall that long on every one of them implausible.
        for (int i = 0; i < 5 && !seenPooled; i++) {
            assertThat(hash("correct horse")).isEqualTo(first);
            seenPooled = NativeArgon2.pooledBytes() >= COST.memoryKib() * 1024L;
        }
        assertThat(seenPooled).as("a 1 MiB block pooled after a hash").isTrue();
        assertThat(hash("battery staple")).isNotEqualTo(first);
        assertThat(hash("correct horse")).isEqualTo(first);
    }

    @Test
    void the_trimmer_hands_the_pool_back_once_hashing_pauses() throws InterruptedException {
        hash("correct horse");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (NativeArgon2.pooledBytes() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(NativeArgon2.pooledBytes()).isZero();
    }

    /**
     * Blocks of 2 MiB and more are mapped on transparent huge pages (gatehouse_argon2_jni.c,
     * map_huge) wherever the kernel offers them. Under "madvise", the usual setting, nothing else in
     * this JVM asks for huge pages, so the process's AnonHugePages grows by the block's size only
     * if the library asked for them; under "never" there are none to ask for.
     */
    @Test
    void a_block_of_two_mebibytes_or_more_lies_on_huge_pages_where_the_kernel_offers_them() throws Exception {
        String setting = Files.readString(Path.of("/sys/kernel/mm/transparent_hugepage/enabled"));
        assumeTrue(!setting.contains("[never]"), "transparent huge pages are off here: " + setting.strip());
        HashParameters sixMiB = new HashParameters(6 * 1024, 1, 1);
        boolean seen = false;
        for (int i = 0; i < 5 && !seen; i++) {
            NativeArgon2.trim();
            long before = anonHugePagesKib();
            argon2.argon2id("correct horse".getBytes(StandardCharsets.UTF_8), SALT, null, null, sixMiB, 32);
            // Read while the block is pooled; the trimmer may hand it back after a second's pause.
            seen = anonHugePagesKib() - before >= sixMiB.memoryKib() && NativeArgon2.pooledBytes() > 0;
        }
        assertThat(seen).as("a pooled 6 MiB block on three 2 MiB huge pages (%s)", setting.strip()).isTrue();
    }

    private static long anonHugePagesKib() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/smaps_rollup"))) {
            if (line.startsWith("AnonHugePages:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new AssertionError("no AnonHugePages in /proc/self/smaps_rollup");
    }

    @Test
    void only_a_pause_of_a_full_second_with_no_hash_running_counts_as_idle() {
        long second = NativeArgon2.IDLE_NANOS;
        assertThat(NativeArgon2.idle(0, 1_000, 1_000 + second)).isTrue();
        assertThat(NativeArgon2.idle(0, 1_000, 1_000 + second - 1)).isFalse();
        assertThat(NativeArgon2.idle(1, 1_000, 1_000 + 10 * second)).isFalse();
        // System.nanoTime may be negative; the difference still counts.
        assertThat(NativeArgon2.idle(0, Long.MAX_VALUE - 10, Long.MAX_VALUE - 10 + second)).isTrue();
    }
}
