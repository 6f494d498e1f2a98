/* Per-thread scratch buffers of the packed GEMM engine (gemm_pack.h). */
#include <stdlib.h>
#include <string.h>
#include <threads.h>

#include "simd/gemm_pack.h"

typedef struct buf_set {
    void *p[PB_SIMD_BUF_COUNT];
    size_t size[PB_SIMD_BUF_COUNT];
} buf_set;

static tss_t key;
static once_flag key_once = ONCE_FLAG_INIT;
static bool key_ok;

static void set_free(void *v)
{
    buf_set *s = v;
    if (!s) return;
    for (int i = 0; i < PB_SIMD_BUF_COUNT; i++) free(s->p[i]);
    free(s);
}

static void key_make(void)
{
    key_ok = tss_create(&key, set_free) == thrd_success;
}

static buf_set *thread_set(void)
{
    call_once(&key_once, key_make);
    if (!key_ok) return NULL;
    buf_set *s = tss_get(key);
    if (!s) {
        s = calloc(1, sizeof *s);
        if (!s || tss_set(key, s) != thrd_success) {
            free(s);
            return NULL;
        }
    }
    return s;
}

void *pb_simd_buf(pb_simd_buf_slot slot, size_t bytes)
{
    buf_set *s = thread_set();
    if (!s) return NULL;
    if (bytes == 0) bytes = 1;
    if (s->size[slot] >= bytes) return s->p[slot];
    /* grow by at least a quarter, so that slowly growing sizes settle */
    size_t want = bytes + bytes / 4;
    want = (want + 63) / 64 * 64;
    void *p = aligned_alloc(64, want);
    if (!p) return NULL;
    free(s->p[slot]);
    s->p[slot] = p;
    s->size[slot] = want;
    return p;
}

void pb_simd_buf_release(void)
{
    call_once(&key_once, key_make);
    if (!key_ok) return;
    buf_set *s = tss_get(key);
    if (!s) return;
    for (int i = 0; i < PB_SIMD_BUF_COUNT; i++) {
        free(s->p[i]);
        s->p[i] = NULL;
        s->size[i] = 0;
    }
}
