/* precbench: counter-based random words (Random123 Philox4x32-10).
 * The counter/key layout is the contract in include/precbench/rng.h; a GPU
 * backend calling Random123's philox4x32 with the same layout gets the same
 * words. */
#include <math.h>
#include <string.h>

#include <Random123/philox.h>

#include "precbench/rng.h"
#include "simd/convert_simd.h"
#include "simd/rng_simd.h"

static inline __attribute__((always_inline)) philox4x32_ctr_t block(uint64_t seed, uint32_t stream,
                                     uint64_t index, uint32_t draw)
{
    philox4x32_ctr_t ctr = {{(uint32_t)(index >> 2), (uint32_t)(index >> 34),
                             stream, draw}};
    philox4x32_key_t key = {{(uint32_t)seed, (uint32_t)(seed >> 32)}};
    return philox4x32(ctr, key);
}

uint32_t pb_rng_u32(uint64_t seed, uint32_t stream, uint64_t index, uint32_t draw)
{
    return block(seed, stream, index, draw).v[index & 3];
}

static void fill_portable(uint64_t seed, uint32_t stream, uint64_t first_index,
                          uint32_t draw, uint32_t *out, size_t n)
{
    size_t i = 0;
    /* Up to the first index that is a multiple of 4. */
    while (i < n && ((first_index + i) & 3)) {
        out[i] = pb_rng_u32(seed, stream, first_index + i, draw);
        i++;
    }
    /* Four independent Philox calls per step: their multiply chains
     * overlap, where one call alone waits on its own latency. */
    for (; i + 16 <= n; i += 16) {
        uint64_t index = first_index + i;
        philox4x32_ctr_t w0 = block(seed, stream, index, draw);
        philox4x32_ctr_t w1 = block(seed, stream, index + 4, draw);
        philox4x32_ctr_t w2 = block(seed, stream, index + 8, draw);
        philox4x32_ctr_t w3 = block(seed, stream, index + 12, draw);
        memcpy(out + i, w0.v, 16);
        memcpy(out + i + 4, w1.v, 16);
        memcpy(out + i + 8, w2.v, 16);
        memcpy(out + i + 12, w3.v, 16);
    }
    for (; i < n; i++) out[i] = pb_rng_u32(seed, stream, first_index + i, draw);
}

/* The same words, 16 Philox lanes at a time where the CPU has AVX-512
 * (tests/test_convert_simd.c checks the two agree). */
void pb_rng_fill_u32(uint64_t seed, uint32_t stream, uint64_t first_index,
                     uint32_t draw, uint32_t *out, size_t n)
{
    if (pb_simd_level_detect() != PB_SIMD_NONE)
        pb_rng_fill_u32_avx512(seed, stream, first_index, draw, out, n);
    else
        fill_portable(seed, stream, first_index, draw, out, n);
}

double pb_rng_uniform(uint64_t seed, uint32_t stream, uint64_t index, uint32_t draw)
{
    /* 32 bits from `draw`, the top 21 of `draw + 1`. */
    uint64_t hi = pb_rng_u32(seed, stream, index, draw);
    uint64_t lo = pb_rng_u32(seed, stream, index, draw + 1);
    return (double)((hi << 21) | (lo >> 11)) * 0x1p-53;
}

double pb_rng_normal(uint64_t seed, uint32_t stream, uint64_t index)
{
    /* Box-Muller; 1 - u lies in (0, 1], so the logarithm is finite. */
    double u1 = pb_rng_uniform(seed, stream, index, 0);
    double u2 = pb_rng_uniform(seed, stream, index, 2);
    return sqrt(-2.0 * log(1.0 - u1)) * cos(6.283185307179586 * u2);
}
