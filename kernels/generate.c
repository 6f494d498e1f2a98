/* precbench: random test matrices (see include/precbench/generate.h). */
#include <math.h>
#include <string.h>

#include "precbench/generate.h"
#include "precbench/rng.h"

static const char *const dist_names[PB_DIST_COUNT] = {
    [PB_DIST_NORMAL] = "normal",
    [PB_DIST_UNIFORM] = "uniform",
    [PB_DIST_UNIFORM01] = "uniform01",
    [PB_DIST_LOGNORMAL] = "lognormal",
    [PB_DIST_ILLCOND] = "illcond",
};

pb_status pb_dist_parse(const char *name, pb_dist *dist)
{
    if (!name || !dist) return PB_ERR_ARG;
    for (int d = 0; d < PB_DIST_COUNT; d++)
        if (strcmp(name, dist_names[d]) == 0) {
            *dist = (pb_dist)d;
            return PB_OK;
        }
    return PB_ERR_PARSE;
}

const char *pb_dist_name(pb_dist dist)
{
    return (unsigned)dist < PB_DIST_COUNT ? dist_names[dist] : NULL;
}

/* Elements are generated in blocks whose words come from one
 * pb_rng_fill_u32 call per draw; the block size only affects speed. */
enum { BLOCK = 256 };

/* 52 random bits of element first + i, from draws 0 (high 32) and 1 (the
 * top 20 of it). */
static void bits52(uint64_t seed, uint32_t stream, uint64_t first, size_t n,
                   uint64_t *m)
{
    uint32_t hi[BLOCK], lo[BLOCK];
    pb_rng_fill_u32(seed, stream, first, 0, hi, n);
    pb_rng_fill_u32(seed, stream, first, 1, lo, n);
    for (size_t i = 0; i < n; i++) m[i] = ((uint64_t)hi[i] << 20) | (lo[i] >> 12);
}

/* One block of at most BLOCK elements, as double. */
static void block_f64(pb_dist dist, uint64_t seed, uint32_t stream,
                      uint64_t first, double *x, size_t n)
{
    uint64_t m[BLOCK];
    switch (dist) {
    case PB_DIST_NORMAL:
        for (size_t i = 0; i < n; i++) x[i] = pb_rng_normal(seed, stream, first + i);
        break;
    case PB_DIST_LOGNORMAL:
        for (size_t i = 0; i < n; i++) x[i] = exp(pb_rng_normal(seed, stream, first + i));
        break;
    case PB_DIST_UNIFORM01:
        bits52(seed, stream, first, n, m);
        for (size_t i = 0; i < n; i++) x[i] = (double)(2 * m[i] + 1) * 0x1p-53;
        break;
    case PB_DIST_UNIFORM:
        // (2m + 1 - 2^52) 2^-52: an odd multiple of 2^-52 in (-1, 1), exact.
        bits52(seed, stream, first, n, m);
        for (size_t i = 0; i < n; i++)
            x[i] = ((double)(2 * m[i] + 1) - 0x1p52) * 0x1p-52;
        break;
    default:
        break;
    }
}

static void block_f32(pb_dist dist, uint64_t seed, uint32_t stream,
                      uint64_t first, float *x, size_t n)
{
    uint64_t m[BLOCK];
    double d[BLOCK];
    switch (dist) {
    case PB_DIST_NORMAL:
    case PB_DIST_LOGNORMAL:
        block_f64(dist, seed, stream, first, d, n);
        for (size_t i = 0; i < n; i++) x[i] = (float)d[i];
        break;
    case PB_DIST_UNIFORM01:
        bits52(seed, stream, first, n, m);
        for (size_t i = 0; i < n; i++) x[i] = (float)(2 * (m[i] >> 29) + 1) * 0x1p-24f;
        break;
    case PB_DIST_UNIFORM:
        bits52(seed, stream, first, n, m);
        for (size_t i = 0; i < n; i++)
            x[i] = ((float)(2 * (m[i] >> 29) + 1) - 0x1p23f) * 0x1p-23f;
        break;
    default:
        break;
    }
}

static pb_status check(pb_dist dist, const void *x, size_t n)
{
    if ((unsigned)dist >= PB_DIST_COUNT || (n && !x)) return PB_ERR_ARG;
    if (dist == PB_DIST_ILLCOND) return PB_ERR_UNSUPPORTED;
    return PB_OK;
}

pb_status pb_generate_f64(pb_dist dist, uint64_t seed, uint32_t stream,
                          uint64_t first_index, double *x, size_t n)
{
    pb_status st = check(dist, x, n);
    if (st != PB_OK) return st;
    const size_t blocks = (n + BLOCK - 1) / BLOCK;
    #pragma omp parallel for schedule(static) if (n >= 4 * BLOCK)
    for (size_t b = 0; b < blocks; b++) {
        const size_t i = b * BLOCK, len = n - i < BLOCK ? n - i : BLOCK;
        block_f64(dist, seed, stream, first_index + i, x + i, len);
    }
    return PB_OK;
}

pb_status pb_generate_f32(pb_dist dist, uint64_t seed, uint32_t stream,
                          uint64_t first_index, float *x, size_t n)
{
    pb_status st = check(dist, x, n);
    if (st != PB_OK) return st;
    const size_t blocks = (n + BLOCK - 1) / BLOCK;
    #pragma omp parallel for schedule(static) if (n >= 4 * BLOCK)
    for (size_t b = 0; b < blocks; b++) {
        const size_t i = b * BLOCK, len = n - i < BLOCK ? n - i : BLOCK;
        block_f32(dist, seed, stream, first_index + i, x + i, len);
    }
    return PB_OK;
}

pb_status pb_generate_matrix_f64(pb_dist dist, uint64_t seed, uint32_t stream,
                                 size_t rows, size_t cols, double *x, size_t ld)
{
    if (ld < cols) return PB_ERR_ARG;
    pb_status st = check(dist, x, rows * cols);
    if (st != PB_OK || cols == 0) return st;
    if (ld == cols) return pb_generate_f64(dist, seed, stream, 0, x, rows * cols);
    for (size_t r = 0; r < rows; r++) {
        st = pb_generate_f64(dist, seed, stream, (uint64_t)r * cols, x + r * ld, cols);
        if (st != PB_OK) return st;
    }
    return PB_OK;
}

pb_status pb_generate_matrix_f32(pb_dist dist, uint64_t seed, uint32_t stream,
                                 size_t rows, size_t cols, float *x, size_t ld)
{
    if (ld < cols) return PB_ERR_ARG;
    pb_status st = check(dist, x, rows * cols);
    if (st != PB_OK || cols == 0) return st;
    if (ld == cols) return pb_generate_f32(dist, seed, stream, 0, x, rows * cols);
    for (size_t r = 0; r < rows; r++) {
        st = pb_generate_f32(dist, seed, stream, (uint64_t)r * cols, x + r * ld, cols);
        if (st != PB_OK) return st;
    }
    return PB_OK;
}

/* ---- integers ----------------------------------------------------------------- */

/* An unbiased integer in [0, range) (range in 1 .. 2^32) for element index:
 * word * range / 2^32, rejecting the words whose low half falls below
 * 2^32 mod range (Lemire 2019), the replacement from the next draw. */
static uint32_t bounded(uint64_t seed, uint32_t stream, uint64_t index,
                        uint32_t word, uint64_t range)
{
    if (range == (UINT64_C(1) << 32)) return word;
    uint64_t p = (uint64_t)word * range;
    if ((uint32_t)p < range) {
        const uint32_t reject_below = (uint32_t)((UINT64_C(1) << 32) % range);
        for (uint32_t draw = 1; (uint32_t)p < reject_below; draw++)
            p = (uint64_t)pb_rng_u32(seed, stream, index, draw) * range;
    }
    return (uint32_t)(p >> 32);
}

/* x[i] = lo + an integer in [0, hi - lo], as int64, for one block. */
static void block_int(uint64_t seed, uint32_t stream, uint64_t first, int64_t lo,
                      int64_t hi, int64_t *x, size_t n)
{
    uint32_t w[BLOCK];
    pb_rng_fill_u32(seed, stream, first, 0, w, n);
    const uint64_t range = (uint64_t)(hi - lo) + 1;
    for (size_t i = 0; i < n; i++) x[i] = lo + bounded(seed, stream, first + i, w[i], range);
}

pb_status pb_generate_i8(uint64_t seed, uint32_t stream, uint64_t first_index,
                         int8_t lo, int8_t hi, int8_t *x, size_t n)
{
    if (lo > hi || (n && !x)) return PB_ERR_ARG;
    const size_t blocks = (n + BLOCK - 1) / BLOCK;
    #pragma omp parallel for schedule(static) if (n >= 4 * BLOCK)
    for (size_t b = 0; b < blocks; b++) {
        int64_t v[BLOCK];
        const size_t i = b * BLOCK, len = n - i < BLOCK ? n - i : BLOCK;
        block_int(seed, stream, first_index + i, lo, hi, v, len);
        for (size_t t = 0; t < len; t++) x[i + t] = (int8_t)v[t];
    }
    return PB_OK;
}

pb_status pb_generate_i32(uint64_t seed, uint32_t stream, uint64_t first_index,
                          int32_t lo, int32_t hi, int32_t *x, size_t n)
{
    if (lo > hi || (n && !x)) return PB_ERR_ARG;
    const size_t blocks = (n + BLOCK - 1) / BLOCK;
    #pragma omp parallel for schedule(static) if (n >= 4 * BLOCK)
    for (size_t b = 0; b < blocks; b++) {
        int64_t v[BLOCK];
        const size_t i = b * BLOCK, len = n - i < BLOCK ? n - i : BLOCK;
        block_int(seed, stream, first_index + i, lo, hi, v, len);
        for (size_t t = 0; t < len; t++) x[i + t] = (int32_t)v[t];
    }
    return PB_OK;
}
