/* precbench reference: C = A * B for integer matrices in plain int64 loops.
 *
 * Blocked the BLIS way: B is packed once into panels NC columns wide (int16
 * when its values and the bound allow, else int64), A into rows padded to a
 * multiple of MR; each OpenMP task owns a 64-row block of C times one panel
 * and walks K in steps of kc, computing MR x NC blocks with the register-tiled
 * kernels of intgemm_i64_kernel.h and adding them into C.
 *
 *   narrow  max|A|, max|B| <= 2^15 - 1 and kc * max|A| * max|B| < 2^31:
 *           int32 products and sums inside a kc step, int64 across steps;
 *   wide    int64 products and sums throughout (the call has already proved
 *           K * max|A| * max|B| < 2^63, so no partial sum overflows).
 *
 * The kernels are compiled portably and with AVX-512; the AVX-512 ones run
 * when the CPU has every extension the build enables for *_avx512.c files.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define PB_IG_KERNEL(name) name##_portable
#include "intgemm_i64_kernel.h"

#include "precbench/intgemm.h"

enum { PB_IG_MB = 64 }; /* rows of C per task (a multiple of PB_IG_MR) */

static bool force_portable;

bool pb_intgemm_i64_force_portable(bool force)
{
    bool old = force_portable;
    force_portable = force;
    return old;
}

static bool cpu_has_avx512(void)
{
    // Every extension intgemm_i64_avx512.c may be compiled to use.
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("avx512vnni") && __builtin_cpu_supports("avx512bf16") &&
           __builtin_cpu_supports("fma") && __builtin_cpu_supports("bmi2") &&
           __builtin_cpu_supports("f16c");
}

static bool use_avx512(void) { return !force_portable && cpu_has_avx512(); }

const char *pb_intgemm_i64_backend(void) { return use_avx512() ? "avx512" : "portable"; }

static size_t round_up(size_t x, size_t to) { return (x + to - 1) / to * to; }

/* Add (or, on the first K step, store) an MR x NC block into C, clipped to
 * the rows and columns C has. */
#define PB_IG_STORE(acc, c, ldc, i0, rows, j0, cols, first)                     \
    do {                                                                        \
        for (size_t r_ = 0; r_ < (rows); r_++) {                                \
            int64_t *cr_ = (c) + ((i0) + r_) * (ldc) + (j0);                    \
            if (first)                                                          \
                for (size_t j_ = 0; j_ < (cols); j_++)                          \
                    cr_[j_] = (int64_t)(acc)[r_ * PB_IG_NC + j_];               \
            else                                                                \
                for (size_t j_ = 0; j_ < (cols); j_++)                          \
                    cr_[j_] += (int64_t)(acc)[r_ * PB_IG_NC + j_];              \
        }                                                                       \
    } while (0)

static pb_status gemm_narrow(const pb_int_matrix *a, const pb_int_matrix *b,
                             int64_t *c, size_t ldc, size_t kc)
{
    const size_t m = a->rows, n = b->cols, k = a->cols;
    const size_t mp = round_up(m, PB_IG_MR), panels = round_up(n, PB_IG_NC) / PB_IG_NC;
    if (mp > SIZE_MAX / sizeof(int32_t) / k || panels > SIZE_MAX / PB_IG_NC / sizeof(int16_t) / k)
        return PB_ERR_NOMEM;
    // A: mp x K int32, rows beyond M are zero.  B: panels of K x NC int16,
    // columns beyond N are zero.
    int32_t *ap = calloc(mp * k, sizeof *ap);
    int16_t *bp = calloc(panels * PB_IG_NC * k, sizeof *bp);
    if (!ap || !bp) {
        free(ap);
        free(bp);
        return PB_ERR_NOMEM;
    }
    for (size_t i = 0; i < m; i++)
        for (size_t p = 0; p < k; p++)
            ap[i * k + p] = (int32_t)pb_intgemm_load(a, i * a->ld + p);
    for (size_t p = 0; p < k; p++)
        for (size_t j = 0; j < n; j++)
            bp[(j / PB_IG_NC) * PB_IG_NC * k + p * PB_IG_NC + j % PB_IG_NC] =
                (int16_t)pb_intgemm_load(b, p * b->ld + j);

    void (*tile)(size_t, const int32_t *, size_t, const int16_t *, int32_t *) =
        use_avx512() ? pb_intgemm_tile32_avx512 : pb_intgemm_tile32_portable;
    const size_t blocks = round_up(mp, PB_IG_MB) / PB_IG_MB;

    #pragma omp parallel for collapse(2) schedule(dynamic, 1)
    for (size_t blk = 0; blk < blocks; blk++)
        for (size_t pan = 0; pan < panels; pan++) {
            int32_t acc[PB_IG_MR * PB_IG_NC];
            const size_t j0 = pan * PB_IG_NC;
            const size_t cols = n - j0 < PB_IG_NC ? n - j0 : PB_IG_NC;
            const int16_t *panel = bp + pan * PB_IG_NC * k;
            const size_t iend = (blk + 1) * PB_IG_MB < mp ? (blk + 1) * PB_IG_MB : mp;
            for (size_t p0 = 0; p0 < k; p0 += kc) {
                const size_t kk = k - p0 < kc ? k - p0 : kc;
                for (size_t i0 = blk * PB_IG_MB; i0 < iend; i0 += PB_IG_MR) {
                    if (i0 >= m) break;
                    tile(kk, ap + i0 * k + p0, k, panel + p0 * PB_IG_NC, acc);
                    const size_t rows = m - i0 < PB_IG_MR ? m - i0 : PB_IG_MR;
                    PB_IG_STORE(acc, c, ldc, i0, rows, j0, cols, p0 == 0);
                }
            }
        }
    free(ap);
    free(bp);
    return PB_OK;
}

static pb_status gemm_wide(const pb_int_matrix *a, const pb_int_matrix *b,
                           int64_t *c, size_t ldc)
{
    const size_t m = a->rows, n = b->cols, k = a->cols;
    const size_t mp = round_up(m, PB_IG_MR), panels = round_up(n, PB_IG_NC) / PB_IG_NC;
    if (mp > SIZE_MAX / sizeof(int64_t) / k || panels > SIZE_MAX / PB_IG_NC / sizeof(int64_t) / k)
        return PB_ERR_NOMEM;
    int64_t *ap = calloc(mp * k, sizeof *ap);
    int64_t *bp = calloc(panels * PB_IG_NC * k, sizeof *bp);
    if (!ap || !bp) {
        free(ap);
        free(bp);
        return PB_ERR_NOMEM;
    }
    for (size_t i = 0; i < m; i++)
        for (size_t p = 0; p < k; p++) ap[i * k + p] = pb_intgemm_load(a, i * a->ld + p);
    for (size_t p = 0; p < k; p++)
        for (size_t j = 0; j < n; j++)
            bp[(j / PB_IG_NC) * PB_IG_NC * k + p * PB_IG_NC + j % PB_IG_NC] =
                pb_intgemm_load(b, p * b->ld + j);

    void (*tile)(size_t, const int64_t *, size_t, const int64_t *, int64_t *) =
        use_avx512() ? pb_intgemm_tile64_avx512 : pb_intgemm_tile64_portable;
    const size_t blocks = round_up(mp, PB_IG_MB) / PB_IG_MB;

    #pragma omp parallel for collapse(2) schedule(dynamic, 1)
    for (size_t blk = 0; blk < blocks; blk++)
        for (size_t pan = 0; pan < panels; pan++) {
            int64_t acc[PB_IG_MR * PB_IG_NC];
            const size_t j0 = pan * PB_IG_NC;
            const size_t cols = n - j0 < PB_IG_NC ? n - j0 : PB_IG_NC;
            const int64_t *panel = bp + pan * PB_IG_NC * k;
            const size_t iend = (blk + 1) * PB_IG_MB < mp ? (blk + 1) * PB_IG_MB : mp;
            for (size_t p0 = 0; p0 < k; p0 += PB_IG_KC) {
                const size_t kk = k - p0 < PB_IG_KC ? k - p0 : PB_IG_KC;
                for (size_t i0 = blk * PB_IG_MB; i0 < iend; i0 += PB_IG_MR) {
                    if (i0 >= m) break;
                    tile(kk, ap + i0 * k + p0, k, panel + p0 * PB_IG_NC, acc);
                    const size_t rows = m - i0 < PB_IG_MR ? m - i0 : PB_IG_MR;
                    PB_IG_STORE(acc, c, ldc, i0, rows, j0, cols, p0 == 0);
                }
            }
        }
    free(ap);
    free(bp);
    return PB_OK;
}

pb_status pb_intgemm_i64(const pb_int_matrix *a, const pb_int_matrix *b,
                         int64_t *c, size_t ldc)
{
    pb_status st = pb_intgemm_check(a, b, c, ldc);
    if (st != PB_OK) return st;
    const size_t m = a->rows, n = b->cols, k = a->cols;
    if (m == 0 || n == 0) return PB_OK;
    const uint64_t ma = pb_int_matrix_maxabs(a), mb = pb_int_matrix_maxabs(b);
    if (pb_intgemm_bound_bits_of(k, ma, mb) > 63) return PB_ERR_UNSUPPORTED;
    if (k == 0 || ma == 0 || mb == 0) {
        for (size_t i = 0; i < m; i++) memset(c + i * ldc, 0, n * sizeof *c);
        return PB_OK;
    }
    if (ma <= INT16_MAX && mb <= INT16_MAX) {
        // Products are below 2^30 here; keep a K step's sum below 2^31.
        const uint64_t kmax = (uint64_t)INT32_MAX / (ma * mb);
        const size_t kc = kmax < PB_IG_KC ? (size_t)kmax : PB_IG_KC;
        if (kc >= 16) return gemm_narrow(a, b, c, ldc, kc);
    }
    return gemm_wide(a, b, c, ldc);
}
