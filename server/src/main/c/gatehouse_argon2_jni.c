/*
 * JNI entry point of dev.gatehouse.password.NativeArgon2: one Argon2id computation with the
 * reference implementation (argon2/, vendored unchanged). The Java side validates the costs;
 * this file copies the arrays, calls argon2_ctx, turns a failure into an exception, and pools the
 * block memory between hashes.
 *
 * GATEHOUSE_JNI_CLASS names the Java class the function binds to, so that bench/run-hash can build
 * the same wrapper for its own baseline class.
 */
/* mmap's MAP_ANONYMOUS and madvise's MADV_HUGEPAGE under -std=c99. */
#define _DEFAULT_SOURCE
#include <jni.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "argon2.h"

#ifndef GATEHOUSE_JNI_CLASS
#define GATEHOUSE_JNI_CLASS dev_gatehouse_password_NativeArgon2
#endif
#define GATEHOUSE_CONCAT(a, b) a##b
#define GATEHOUSE_JNI_NAME(cls, method) GATEHOUSE_CONCAT(Java_, cls##_##method)
#define GATEHOUSE_JNI(cls, method) GATEHOUSE_JNI_NAME(cls, method)

/* A copy of a Java array (NULL stays NULL, length 0 gives a non-NULL 1-byte buffer). */
static uint8_t *copy(JNIEnv *env, jbyteArray array, jsize *length) {
    *length = array == NULL ? 0 : (*env)->GetArrayLength(env, array);
    if (array == NULL) {
        return NULL;
    }
    uint8_t *buffer = malloc(*length > 0 ? (size_t)*length : 1);
    if (buffer != NULL && *length > 0) {
        (*env)->GetByteArrayRegion(env, array, 0, *length, (jbyte *)buffer);
    }
    return buffer;
}

/* Wipes before freeing: the password and the secret must not linger in freed heap memory. */
static void release(uint8_t *buffer, jsize length) {
    if (buffer != NULL) {
        memset(buffer, 0, (size_t)length);
        free(buffer);
    }
}

/*
 * The block memory (m KiB: 19 MiB at the default costs) is mapped straight from the kernel and
 * kept in a small pool for the next hash, then handed back by trim() once hashing pauses.
 *
 * Not malloc: glibc raises its mmap threshold after the first such block is freed and from then on
 * keeps the blocks in its per-thread arenas, so the server's resident memory grew by a block for
 * every carrier thread that had ever hashed (bench/run-load: RSS after load). Not a fresh mapping
 * per hash either: faulting in 4,864 zeroed pages cost about 4 ms of a 13 ms hash, and two hashes
 * doing it at once took 14.6 ms each; with the pool a hash at the default costs takes 9 ms (AVX2)
 * and two side by side about the same (a C loop on a 2-vCPU machine, docs/performance.md).
 *
 * The pool holds only blocks that a finished hash returned, so it never holds more than the most
 * hashes that ran at once (the server bounds those: --hash-concurrency). argon2's free_memory wipes a
 * block before it comes back here (FLAG_clear_internal_memory), so a pooled block holds no
 * password-derived data.
 */
#define POOL_SIZE 64
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static struct { uint8_t *memory; size_t bytes; } pool[POOL_SIZE];
static int pooled;

/*
 * A fresh mapping of bytes, on transparent huge pages (2 MiB) where the kernel allows them.
 *
 * Each block that Argon2id computes reads one earlier block chosen at random from all m KiB, so
 * with 4 KiB pages nearly every such read misses the TLB and walks the page tables, whose entries
 * then compete for the cache with the blocks themselves. With huge pages 19 MiB takes ten TLB
 * entries. Measured with the reference code on a 2-vCPU AMD EPYC (Zen 4, 32 MiB L3) in alternating
 * rounds (docs/performance.md): a hash alone took the same time either way (7.2 ms), two at once
 * 8.8 ms instead of 9.5 ms each, since two 19 MiB arrays do not fit the shared L3 together.
 *
 * Huge pages need a 2 MiB-aligned range: map 2 MiB more, then unmap the unaligned head and the
 * tail. MADV_HUGEPAGE is advice: with transparent huge pages set to "never" (or a kernel without
 * them) it fails or does nothing and the block uses 4 KiB pages, as before. Under the common
 * "madvise" setting only ranges so marked get huge pages, so nothing else in the JVM changes.
 * Blocks under 2 MiB (cheap test costs) are mapped plainly.
 */
#define HUGE_PAGE ((size_t)2 << 20)
static uint8_t *map_huge(size_t bytes) {
    if (bytes < HUGE_PAGE) {
        void *plain = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        return plain == MAP_FAILED ? NULL : plain;
    }
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t length = (bytes + page - 1) / page * page;
    size_t span = length + HUGE_PAGE;
    void *raw = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) {
        return NULL;
    }
    uintptr_t start = ((uintptr_t)raw + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
    size_t head = start - (uintptr_t)raw;
    if (head > 0) {
        munmap(raw, head);
    }
    if (span - head > length) {
        munmap((void *)(start + length), span - head - length);
    }
    madvise((void *)start, length, MADV_HUGEPAGE);
    return (uint8_t *)start;
}

static int map_blocks(uint8_t **memory, size_t bytes) {
    *memory = NULL;
    pthread_mutex_lock(&pool_lock);
    for (int i = pooled - 1; i >= 0; i--) {
        if (pool[i].bytes == bytes) {
            *memory = pool[i].memory;
            pool[i] = pool[--pooled];
            break;
        }
    }
    pthread_mutex_unlock(&pool_lock);
    if (*memory != NULL) {
        return ARGON2_OK;
    }
    *memory = map_huge(bytes);
    return *memory == NULL ? ARGON2_MEMORY_ALLOCATION_ERROR : ARGON2_OK;
}

static void unmap_blocks(uint8_t *memory, size_t bytes) {
    pthread_mutex_lock(&pool_lock);
    int kept = pooled < POOL_SIZE;
    if (kept) {
        pool[pooled].memory = memory;
        pool[pooled].bytes = bytes;
        pooled++;
    }
    pthread_mutex_unlock(&pool_lock);
    if (!kept) {
        munmap(memory, bytes);
    }
}

/* Unmaps every pooled block (hashes running now keep theirs); returns the bytes handed back. */
JNIEXPORT jlong JNICALL GATEHOUSE_JNI(GATEHOUSE_JNI_CLASS, trim)(JNIEnv *env, jclass cls) {
    (void)env;
    (void)cls;
    pthread_mutex_lock(&pool_lock);
    jlong released = 0;
    while (pooled > 0) {
        pooled--;
        munmap(pool[pooled].memory, pool[pooled].bytes);
        released += (jlong)pool[pooled].bytes;
    }
    pthread_mutex_unlock(&pool_lock);
    return released;
}

JNIEXPORT jlong JNICALL GATEHOUSE_JNI(GATEHOUSE_JNI_CLASS, pooledBytes)(JNIEnv *env, jclass cls) {
    (void)env;
    (void)cls;
    pthread_mutex_lock(&pool_lock);
    jlong bytes = 0;
    for (int i = 0; i < pooled; i++) {
        bytes += (jlong)pool[i].bytes;
    }
    pthread_mutex_unlock(&pool_lock);
    return bytes;
}

static void fail(JNIEnv *env, const char *message) {
    jclass type = (*env)->FindClass(env, "java/lang/IllegalArgumentException");
    if (type != NULL) {
        (*env)->ThrowNew(env, type, message);
    }
}

JNIEXPORT jbyteArray JNICALL GATEHOUSE_JNI(GATEHOUSE_JNI_CLASS, argon2id)(
        JNIEnv *env, jclass cls, jbyteArray password, jbyteArray salt, jbyteArray secret,
        jbyteArray associated, jint memoryKib, jint iterations, jint parallelism, jint length) {
    (void)cls;
    if (length < ARGON2_MIN_OUTLEN) {
        fail(env, "output too short");
        return NULL;
    }
    jsize pwdlen, saltlen, secretlen, adlen;
    uint8_t *pwd = copy(env, password, &pwdlen);
    uint8_t *s = copy(env, salt, &saltlen);
    uint8_t *k = copy(env, secret, &secretlen);
    uint8_t *ad = copy(env, associated, &adlen);
    uint8_t *out = malloc((size_t)length);
    int result = ARGON2_MEMORY_ALLOCATION_ERROR;
    if ((password == NULL || pwd != NULL) && (salt == NULL || s != NULL) && (secret == NULL || k != NULL)
            && (associated == NULL || ad != NULL) && out != NULL) {
        argon2_context context = {
            .out = out, .outlen = (uint32_t)length,
            .pwd = pwd, .pwdlen = (uint32_t)pwdlen,
            .salt = s, .saltlen = (uint32_t)saltlen,
            .secret = k, .secretlen = (uint32_t)secretlen,
            .ad = ad, .adlen = (uint32_t)adlen,
            .t_cost = (uint32_t)iterations, .m_cost = (uint32_t)memoryKib,
            .lanes = (uint32_t)parallelism,
            /* One thread per hash: the server bounds concurrent hashes to the CPU count, and a
               hash that spawned p threads would overrun that bound. The output does not depend on it. */
            .threads = 1,
            .version = ARGON2_VERSION_13,
            .allocate_cbk = map_blocks, .free_cbk = unmap_blocks,
            .flags = ARGON2_DEFAULT_FLAGS,
        };
        result = argon2_ctx(&context, Argon2_id);
    }
    release(pwd, pwdlen);
    release(s, saltlen);
    release(k, secretlen);
    release(ad, adlen);
    jbyteArray hash = NULL;
    if (result == ARGON2_OK) {
        hash = (*env)->NewByteArray(env, length);
        if (hash != NULL) {
            (*env)->SetByteArrayRegion(env, hash, 0, length, (jbyte *)out);
        }
    } else {
        fail(env, argon2_error_message(result));
    }
    release(out, out == NULL ? 0 : length);
    return hash;
}
