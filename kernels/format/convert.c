/* precbench: bulk conversion of float32 arrays (pb_convert_f32,
 * pb_round_f32, pb_decode_f32).
 *
 * The arrays are cut into fixed chunks of CHUNK elements that OpenMP spreads
 * over the threads.  Element i is a pure function of (x[i], first_index + i,
 * r), so the result does not depend on the thread count or the schedule.
 * Each chunk goes through convert_chunk() (codes) or round_chunk() (rounded
 * values): the only places where a fast path (kernels/simd/) may take over
 * from the portable loop over the scalar model, unless
 * pb_convert_force_scalar(true) asked for the portable path.
 */
#include <stdatomic.h>

#include "format/encode_impl.h"
#include "simd/convert_simd.h"

/* Elements per parallel chunk: large enough to amortise the fork, small
 * enough to balance the threads.  Results never depend on it. */
enum { CHUNK = 1 << 14 };
/* Random words are generated for BLOCK elements at a time (stack buffer). */
enum { BLOCK = 512 };

static atomic_bool force_scalar;

bool pb_convert_force_scalar(bool force)
{
    return atomic_exchange(&force_scalar, force);
}

const char *pb_convert_backend(void)
{
    if (atomic_load(&force_scalar)) return "scalar";
    return pb_simd_level_name(pb_simd_level_detect());
}

/* May this chunk take the vector kernels (CPU, format and mode)? */
static inline bool use_simd(const pb_format *f, const pb_rounding *r)
{
    return !atomic_load_explicit(&force_scalar, memory_order_relaxed) &&
           pb_convert_simd_supported(f, r);
}

/* Little-endian store / load of a code of `bytes` bytes. */
static inline void store_code(unsigned char *p, int bytes, uint64_t c)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    switch (bytes) {
    case 1: *p = (unsigned char)c; return;
    case 2: { uint16_t v = (uint16_t)c; memcpy(p, &v, 2); return; }
    case 4: { uint32_t v = (uint32_t)c; memcpy(p, &v, 4); return; }
    default: memcpy(p, &c, 8); return;
    }
#else
    for (int b = 0; b < bytes; b++) p[b] = (unsigned char)(c >> (8 * b));
#endif
}

static inline uint64_t load_code(const unsigned char *p, int bytes)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    switch (bytes) {
    case 1: return *p;
    case 2: { uint16_t v; memcpy(&v, p, 2); return v; }
    case 4: { uint32_t v; memcpy(&v, p, 4); return v; }
    default: { uint64_t v; memcpy(&v, p, 8); return v; }
    }
#else
    uint64_t c = 0;
    for (int b = 0; b < bytes; b++) c |= (uint64_t)p[b] << (8 * b);
    return c;
#endif
}

/* The scalar model on one element, the kind and mode constants where the
 * caller makes them so. */
PB_ALWAYS_INLINE uint64_t encode_one(const pb_format *f, pb_format_kind kind, double x,
                                     const pb_rounding *r, pb_round_mode mode,
                                     uint64_t index, bool has_w0, uint32_t w0)
{
    switch (kind) {
    case PB_FORMAT_KIND_FLOAT: return pb_float_encode_at(f, x, r, mode, index, has_w0, w0);
    case PB_FORMAT_KIND_POW2: return pb_pow2_encode_at(f, x, r, mode, index, has_w0, w0);
    default: return pb_int_encode_at(f, x, r, mode, index, has_w0, w0);
    }
}

/* Codes of one block -> bytes, little-endian, `bytes` each. */
static void pack_codes(unsigned char *out, const uint64_t *c, size_t n, int bytes)
{
    switch (bytes) {
    case 1: for (size_t i = 0; i < n; i++) store_code(out + i, 1, c[i]); break;
    case 2: for (size_t i = 0; i < n; i++) store_code(out + 2 * i, 2, c[i]); break;
    case 4: for (size_t i = 0; i < n; i++) store_code(out + 4 * i, 4, c[i]); break;
    default: for (size_t i = 0; i < n; i++) store_code(out + 8 * i, 8, c[i]); break;
    }
}

/* The portable loop: the scalar model, element by element, with the first
 * random word of each element generated four at a time.  The codes of a
 * block are collected first and then stored (codes) or decoded (into y). */
PB_ALWAYS_INLINE void portable_loop(const pb_format *f, pb_format_kind kind,
                                    pb_round_mode mode, const float *x,
                                    unsigned char *codes, float *y, size_t n,
                                    const pb_rounding *r, uint64_t first_index)
{
    const bool sr = mode == PB_ROUND_SR || mode == PB_ROUND_SR_BITS;
    uint32_t words[BLOCK];
    uint64_t c[BLOCK];
    for (size_t b = 0; b < n; b += BLOCK) {
        size_t len = n - b < BLOCK ? n - b : BLOCK;
        if (sr) pb_rng_fill_u32(r->seed, r->stream, first_index + b, 0, words, len);
        for (size_t i = 0; i < len; i++)
            c[i] = encode_one(f, kind, (double)x[b + i], r, mode, first_index + b + i,
                              sr, sr ? words[i] : 0);
        if (codes)
            pack_codes(codes + b * (size_t)f->code_bytes, c, len, f->code_bytes);
        else
            for (size_t i = 0; i < len; i++) y[b + i] = (float)pb_format_decode(f, c[i]);
    }
}

/* One copy of the loop per (kind, mode), chosen once per chunk. */
#define PB_MODE_CASE(K, M)                                                    \
    case M: portable_loop(f, K, M, x, codes, y, n, r, first_index); return;
#define PB_MODE_SWITCH(K)                                                     \
    switch (r->mode) {                                                        \
        PB_MODE_CASE(K, PB_ROUND_RNE)                                         \
        PB_MODE_CASE(K, PB_ROUND_RNA)                                         \
        PB_MODE_CASE(K, PB_ROUND_RTZ)                                         \
        PB_MODE_CASE(K, PB_ROUND_UP)                                          \
        PB_MODE_CASE(K, PB_ROUND_DOWN)                                        \
        PB_MODE_CASE(K, PB_ROUND_SR)                                          \
        PB_MODE_CASE(K, PB_ROUND_SR_BITS)                                     \
    }                                                                         \
    return;

static void portable_chunk(const pb_format *fmt, const float *x, unsigned char *codes,
                           float *y, size_t n, const pb_rounding *rnd, uint64_t first_index)
{
    /* Local copies: the byte stores of the codes could alias the caller's
     * structs, which would make the compiler reload every field per element. */
    const pb_format fl = *fmt;
    const pb_rounding rl = *rnd;
    const pb_format *f = &fl;
    const pb_rounding *r = &rl;
    switch (f->spec.kind) {
    case PB_FORMAT_KIND_FLOAT: PB_MODE_SWITCH(PB_FORMAT_KIND_FLOAT)
    case PB_FORMAT_KIND_POW2: PB_MODE_SWITCH(PB_FORMAT_KIND_POW2)
    case PB_FORMAT_KIND_INT: PB_MODE_SWITCH(PB_FORMAT_KIND_INT)
    }
}

static void convert_chunk_scalar(const pb_format *f, const float *x,
                                 unsigned char *codes, size_t n,
                                 const pb_rounding *r, uint64_t first_index)
{
    portable_chunk(f, x, codes, NULL, n, r, first_index);
}

/* One chunk of float32 -> codes: x[0..n) to codes[0..n) (code_bytes each),
 * element i with index first_index + i.  The dispatch to fast paths. */
static void convert_chunk(const pb_format *f, const float *x,
                          unsigned char *codes, size_t n,
                          const pb_rounding *r, uint64_t first_index)
{
    if (use_simd(f, r))
        pb_convert_f32_avx512(f, x, codes, n, r, first_index);
    else
        convert_chunk_scalar(f, x, codes, n, r, first_index);
}

/* The portable path of pb_round_f32: encode, then decode (y may equal x). */
static void round_chunk_scalar(const pb_format *f, const float *x, float *y,
                               size_t n, const pb_rounding *r, uint64_t first_index)
{
    portable_chunk(f, x, NULL, y, n, r, first_index);
}

/* One chunk of float32 -> rounded float32; the dispatch to fast paths. */
static void round_chunk(const pb_format *f, const float *x, float *y, size_t n,
                        const pb_rounding *r, uint64_t first_index)
{
    if (use_simd(f, r))
        pb_round_f32_avx512(f, x, y, n, r, first_index);
    else
        round_chunk_scalar(f, x, y, n, r, first_index);
}

static pb_status check_args(const pb_format *f, const void *in, const void *out,
                            size_t n, const pb_rounding *r)
{
    if (!f || (n && (!in || !out))) return PB_ERR_ARG;
    return r ? pb_rounding_check(r) : PB_OK;
}

pb_status pb_convert_f32(const pb_format *f, const float *x, void *codes,
                         size_t n, const pb_rounding *r, uint64_t first_index)
{
    pb_status st = check_args(f, x, codes, n, r);
    if (st != PB_OK) return st;
    if (!r) return PB_ERR_ARG;
    unsigned char *out = codes;
    const size_t chunks = (n + CHUNK - 1) / CHUNK;
    const size_t bytes = (size_t)f->code_bytes;
#pragma omp parallel for schedule(static) if (chunks > 1)
    for (size_t c = 0; c < chunks; c++) {
        size_t begin = c * CHUNK, len = n - begin < CHUNK ? n - begin : CHUNK;
        convert_chunk(f, x + begin, out + begin * bytes, len, r, first_index + begin);
    }
    return PB_OK;
}

pb_status pb_round_f32(const pb_format *f, const float *x, float *y, size_t n,
                       const pb_rounding *r, uint64_t first_index)
{
    pb_status st = check_args(f, x, y, n, r);
    if (st != PB_OK) return st;
    if (!r) return PB_ERR_ARG;
    if (f->spec.kind == PB_FORMAT_KIND_FLOAT && f->spec.man_bits == 52) {
        if (y != x) memmove(y, x, n * sizeof *y); /* fp64 holds every float */
        return PB_OK;
    }
    const size_t chunks = (n + CHUNK - 1) / CHUNK;
#pragma omp parallel for schedule(static) if (chunks > 1)
    for (size_t c = 0; c < chunks; c++) {
        size_t begin = c * CHUNK, len = n - begin < CHUNK ? n - begin : CHUNK;
        round_chunk(f, x + begin, y + begin, len, r, first_index + begin);
    }
    return PB_OK;
}

pb_status pb_decode_f32(const pb_format *f, const void *codes, float *y, size_t n)
{
    pb_status st = check_args(f, codes, y, n, NULL);
    if (st != PB_OK) return st;
    const unsigned char *in = codes;
    const int bytes = f->code_bytes;
    const size_t chunks = (n + CHUNK - 1) / CHUNK;
#pragma omp parallel for schedule(static) if (chunks > 1)
    for (size_t c = 0; c < chunks; c++) {
        size_t begin = c * CHUNK, end = n - begin < CHUNK ? n : begin + CHUNK;
        for (size_t i = begin; i < end; i++)
            y[i] = (float)pb_format_decode(f, load_code(in + i * (size_t)bytes, bytes));
    }
    return PB_OK;
}
