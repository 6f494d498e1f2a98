/* precbench reference: the register-tiled inner kernels of the int64 integer
 * GEMM, compiled twice from this one source: portably (intgemm_i64.c) and
 * with AVX-512 (intgemm_i64_avx512.c).  Integer arithmetic, so the two give
 * the same bits by construction; the tests still compare them.
 *
 * Define PB_IG_KERNEL(name) to give the functions their suffix, then include.
 *
 *   a:   PB_IG_MR rows of A, row stride lda, kc columns used
 *   b:   kc x PB_IG_NC panel of B (zero-padded columns), row stride PB_IG_NC
 *   acc: PB_IG_MR x PB_IG_NC, row stride PB_IG_NC, overwritten with A * B
 *
 * The MR x JT tile of C stays in registers for the whole kc loop; the loop
 * over j is what the compiler vectorises (omp simd).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "intgemm_internal.h"

/* int32 products and sums: the caller has proved kc * max|A| * max|B| < 2^31. */
void PB_IG_KERNEL(pb_intgemm_tile32)(size_t kc, const int32_t *a, size_t lda,
                                     const int16_t *b, int32_t *acc)
{
    for (size_t jt = 0; jt < PB_IG_NC; jt += PB_IG_JT) {
        int32_t t[PB_IG_MR][PB_IG_JT];
        memset(t, 0, sizeof t);
        for (size_t p = 0; p < kc; p++) {
            const int16_t *br = b + p * PB_IG_NC + jt;
            for (size_t r = 0; r < PB_IG_MR; r++) {
                const int32_t x = a[r * lda + p];
                #pragma omp simd
                for (size_t j = 0; j < PB_IG_JT; j++) t[r][j] += x * (int32_t)br[j];
            }
        }
        for (size_t r = 0; r < PB_IG_MR; r++)
            memcpy(acc + r * PB_IG_NC + jt, t[r], sizeof t[r]);
    }
}

/* int64 products and sums: the caller has proved K * max|A| * max|B| < 2^63. */
void PB_IG_KERNEL(pb_intgemm_tile64)(size_t kc, const int64_t *a, size_t lda,
                                     const int64_t *b, int64_t *acc)
{
    for (size_t jt = 0; jt < PB_IG_NC; jt += PB_IG_JT) {
        int64_t t[PB_IG_MR][PB_IG_JT];
        memset(t, 0, sizeof t);
        for (size_t p = 0; p < kc; p++) {
            const int64_t *br = b + p * PB_IG_NC + jt;
            for (size_t r = 0; r < PB_IG_MR; r++) {
                const int64_t x = a[r * lda + p];
                #pragma omp simd
                for (size_t j = 0; j < PB_IG_JT; j++) t[r][j] += x * br[j];
            }
        }
        for (size_t r = 0; r < PB_IG_MR; r++)
            memcpy(acc + r * PB_IG_NC + jt, t[r], sizeof t[r]);
    }
}
