/*
 * The machine's own Argon2id ceiling for bench/run-load: how many hashes per second the reference
 * C implementation (opt.c, built by bench/run-load with -O3 -march=native from the npm package
 * argon2's sources) computes with one thread, and with every CPU hashing at once.
 *
 *   hash_ceiling THREADS ROUNDS HASHES_PER_ROUND MEMORY_KIB ITERATIONS
 *
 * prints one JSON line: {"threads": N, "one_ms": [...], "all_ms": [...]}, each entry the mean time
 * of one hash in a round, rounds of one thread and of N threads alternating so that a noisy
 * neighbour falls on both alike. The N threads start out of step (round_of says why).
 *
 * Why it exists: "cores / single-thread hash time" assumes a hash takes as long beside others as
 * alone. Argon2id is memory-hard: two 19 MiB arrays at once can overflow a shared L3 that holds one,
 * and each hash waits longer for memory. The N-thread figure is what no server can beat on this
 * machine, whatever it spends beside the hash.
 *
 * Blocks are allocated as the server's library allocates them (gatehouse_argon2_jni.c): one mapping
 * per thread, kept between hashes, on 2 MiB transparent huge pages where the kernel allows them, and
 * wiped after each hash (the library's default). So the ceiling is the best the server's own
 * allocation could reach, not a slower baseline that would flatter the server.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "argon2.h"

#define HUGE_PAGE ((size_t)2 << 20)
#define MAX_HASHES 1000

static int hashes_per_round;
static uint32_t memory_kib, iterations;
static __thread uint8_t *kept;
static __thread size_t kept_bytes;

static int allocate(uint8_t **memory, size_t bytes) {
    if (kept == NULL || kept_bytes != bytes) {
        uint8_t *raw = mmap(NULL, bytes + HUGE_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (raw == MAP_FAILED) {
            return ARGON2_MEMORY_ALLOCATION_ERROR;
        }
        kept = (uint8_t *)(((uintptr_t)raw + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
        kept_bytes = bytes;
        madvise(kept, bytes, MADV_HUGEPAGE);
    }
    *memory = kept;
    return ARGON2_OK;
}

static void keep(uint8_t *memory, size_t bytes) {
    (void)memory;
    (void)bytes;
}

static double seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

/* One thread's hashes in a round: when each began and ended. */
typedef struct {
    double delay_s;
    double began[MAX_HASHES], ended[MAX_HASHES];
} run;

static void *hash_loop(void *arg) {
    run *r = arg;
    uint8_t out[32], salt[16] = "ceiling-salt-16", password[] = "load-Pa55word!";
    if (r->delay_s > 0) {
        struct timespec pause = {(time_t)r->delay_s, (long)((r->delay_s - (time_t)r->delay_s) * 1e9)};
        nanosleep(&pause, NULL);
    }
    for (int i = 0; i < hashes_per_round; i++) {
        salt[0] = (uint8_t)i;
        argon2_context context = {
            .out = out, .outlen = sizeof out, .pwd = password, .pwdlen = sizeof password - 1,
            .salt = salt, .saltlen = sizeof salt, .t_cost = iterations, .m_cost = memory_kib,
            .lanes = 1, .threads = 1, .version = ARGON2_VERSION_13,
            .allocate_cbk = allocate, .free_cbk = keep, .flags = ARGON2_DEFAULT_FLAGS,
        };
        r->began[i] = seconds();
        int rc = argon2_ctx(&context, Argon2_id);
        r->ended[i] = seconds();
        if (rc != ARGON2_OK) {
            fprintf(stderr, "argon2_ctx: %s\n", argon2_error_message(rc));
            exit(1);
        }
    }
    return NULL;
}

/*
 * Mean ms per hash with `threads` threads hashing at once. Thread i starts i/threads of a hash
 * (stagger_ms) after the first, so that the threads' hashes are out of step, as a server's are:
 * started together they would stay in step, all filling their arrays (pass 1, growing) and then all
 * reading them whole (pass 2) at the same moments, which is harder on a shared cache than the
 * server's mix and would put the ceiling too low. Only hashes that began and ended while every
 * thread was hashing count, so no hash that ran alone for a while flatters the figure.
 */
static double round_of(int threads, double stagger_ms) {
    static run runs[64];
    pthread_t thread[64];
    for (int i = 0; i < threads; i++) {
        runs[i].delay_s = stagger_ms / 1000 * i / threads;
        pthread_create(&thread[i], NULL, hash_loop, &runs[i]);
    }
    double from = 0, to = 1e300;
    for (int i = 0; i < threads; i++) {
        pthread_join(thread[i], NULL);
        from = runs[i].began[0] > from ? runs[i].began[0] : from;
        to = runs[i].ended[hashes_per_round - 1] < to ? runs[i].ended[hashes_per_round - 1] : to;
    }
    double sum = 0;
    int counted = 0;
    for (int i = 0; i < threads; i++) {
        for (int h = 0; h < hashes_per_round; h++) {
            if (runs[i].began[h] >= from && runs[i].ended[h] <= to) {
                sum += runs[i].ended[h] - runs[i].began[h];
                counted++;
            }
        }
    }
    return counted ? sum * 1000 / counted : 0;
}

int main(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: %s THREADS ROUNDS HASHES_PER_ROUND MEMORY_KIB ITERATIONS\n", argv[0]);
        return 2;
    }
    int threads = atoi(argv[1]), rounds = atoi(argv[2]);
    hashes_per_round = atoi(argv[3]);
    memory_kib = (uint32_t)atoi(argv[4]);
    iterations = (uint32_t)atoi(argv[5]);
    if (threads < 1 || threads > 64 || rounds < 1 || hashes_per_round < 2 || hashes_per_round > MAX_HASHES) {
        fprintf(stderr, "threads 1..64, rounds at least 1, hashes per round 2..%d\n", MAX_HASHES);
        return 2;
    }
    double *one = calloc((size_t)rounds, sizeof *one), *all = calloc((size_t)rounds, sizeof *all);
    double stagger_ms = round_of(1, 0); /* warm-up: page faults, clock frequency */
    round_of(threads, stagger_ms);
    for (int r = 0; r < rounds; r++) {
        one[r] = round_of(1, 0);
        all[r] = round_of(threads, one[r]);
    }
    printf("{\"threads\": %d, \"one_ms\": [", threads);
    for (int r = 0; r < rounds; r++) {
        printf("%s%.4f", r ? ", " : "", one[r]);
    }
    printf("], \"all_ms\": [");
    for (int r = 0; r < rounds; r++) {
        printf("%s%.4f", r ? ", " : "", all[r]);
    }
    printf("]}\n");
    free(one);
    free(all);
    return 0;
}
