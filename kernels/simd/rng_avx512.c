/* Philox words for a run of consecutive indices, 64 per vector call: the
 * bits of pb_rng_fill_u32 (include/precbench/rng.h) at AVX-512 speed. */
#include <string.h>

#include "simd/philox_avx512.h"
#include "simd/rng_simd.h"

void pb_rng_fill_u32_avx512(uint64_t seed, uint32_t stream, uint64_t first_index,
                            uint32_t draw, uint32_t *out, size_t n)
{
    const pb_philox_keys keys = pb_philox_keys_make(seed);
    /* Start the batches on an index that is a multiple of 4 and drop the
     * words before first_index. */
    const size_t skip = (size_t)(first_index & 3);
    uint64_t base = first_index - skip;
    size_t done = 0;
    while (done < n) {
        __m512i w[4];
        pb_philox16_words64(base, stream, draw, &keys, w);
        uint32_t buf[64];
        size_t from = done == 0 ? skip : 0, len = 64 - from;
        if (len > n - done) len = n - done;
        if (from == 0 && len == 64) {
            for (int q = 0; q < 4; q++) _mm512_storeu_si512(out + done + 16 * q, w[q]);
        } else {
            for (int q = 0; q < 4; q++) _mm512_storeu_si512(buf + 16 * q, w[q]);
            memcpy(out + done, buf + from, len * sizeof *out);
        }
        done += len;
        base += 64;
    }
}
