/*
 * The machine's own Argon2id ceiling for bench/run-load: how many hashes per second the reference
 * C implementation (opt.c, built by bench/run-load with -O3 -march=native from the npm package
 * argon2's sources) computes with one thread, and with every CPU hashing at once.
 *
 *   hash_ceiling THREADS ROUNDS HASHES_PER_ROUND MEMORY_KIB ITERATIONS
 *
 * prints one JSON line: {"threads": N, "one_ms": [...], "all_ms": [...]}, each entry the mean time
 * of one hash in a round, rounds of one thread and of N threads alternating so that a noisy
 * neighbour falls on both alike.
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

static void *hash_loop(void *result) {
    uint8_t out[32], salt[16] = "ceiling-salt-16", password[] = "load-Pa55word!";
    double t0 = seconds();
    for (int i = 0; i < hashes_per_round; i++) {
        salt[0] = (uint8_t)i;
        argon2_context context = {
            .out = out, .outlen = sizeof out, .pwd = password, .pwdlen = sizeof password - 1,
            .salt = salt, .saltlen = sizeof salt, .t_cost = iterations, .m_cost = memory_kib,
            .lanes = 1, .threads = 1, .version = ARGON2_VERSION_13,
            .allocate_cbk = allocate, .free_cbk = keep, .flags = ARGON2_DEFAULT_FLAGS,
        };
        int rc = argon2_ctx(&context, Argon2_id);
        if (rc != ARGON2_OK) {
            fprintf(stderr, "argon2_ctx: %s\n", argon2_error_message(rc));
            exit(1);
        }
    }
    *(double *)result = (seconds() - t0) * 1000 / hashes_per_round;
    return NULL;
}

/* Mean ms per hash over `threads` threads hashing at once. */
static double round_of(int threads) {
    pthread_t thread[64];
    double ms[64], sum = 0;
    for (int i = 0; i < threads; i++) {
        pthread_create(&thread[i], NULL, hash_loop, &ms[i]);
    }
    for (int i = 0; i < threads; i++) {
        pthread_join(thread[i], NULL);
        sum += ms[i];
    }
    return sum / threads;
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
    if (threads < 1 || threads > 64 || rounds < 1 || hashes_per_round < 1) {
        fprintf(stderr, "threads 1..64, rounds and hashes at least 1\n");
        return 2;
    }
    double *one = calloc((size_t)rounds, sizeof *one), *all = calloc((size_t)rounds, sizeof *all);
    round_of(threads); /* warm-up: page faults, clock frequency */
    for (int r = 0; r < rounds; r++) {
        one[r] = round_of(1);
        all[r] = round_of(threads);
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
