/* AVX-512 EFT kernels of the fast exact path: the recurrences of
 * exact_kernel.c, eight lanes per register (bound: exact_decide.c).
 *
 * GEMM micro-kernel: a 4 x 16 block of C, two registers per row, three
 * states (s, c, b) each: 24 accumulators, plus B's two vectors and A's
 * broadcast.  Per product and lane: 1 multiply (+1 FMA for float64), the 6
 * additions of TwoSum, 1 (+1) addition into c, and |c| into b.
 */
#include <immintrin.h>
#include <stdalign.h>

#include "accum/exact_internal.h"

#define ABS_MASK 0x7fffffffffffffffLL

/* s, c, b += one product vector p (and its FMA error when two). */
#define EFT_STEP(S, C, B, P, Q, TWO)                                          \
    do {                                                                      \
        __m512d s1_ = _mm512_add_pd(S, P);                                    \
        __m512d z_ = _mm512_sub_pd(s1_, S);                                   \
        __m512d e_ = _mm512_add_pd(_mm512_sub_pd(S, _mm512_sub_pd(s1_, z_)),  \
                                   _mm512_sub_pd(P, z_));                     \
        if (TWO) e_ = _mm512_add_pd(Q, e_);                                   \
        S = s1_;                                                              \
        C = _mm512_add_pd(C, e_);                                             \
        B = _mm512_add_pd(B, _mm512_and_pd(C, absmask));                      \
    } while (0)

static inline __attribute__((always_inline)) void
kernel_body(size_t k, const double *a, const double *b, pb_exact_eft *st,
            const bool two)
{
    enum { MR = PB_EXACT_MR, NR = PB_EXACT_NR };
    const __m512d absmask = _mm512_castsi512_pd(_mm512_set1_epi64(ABS_MASK));
    __m512d s[MR][2], c[MR][2], bb[MR][2];
#pragma GCC unroll 4
    for (int r = 0; r < MR; r++)
        for (int h = 0; h < 2; h++)
            s[r][h] = c[r][h] = bb[r][h] = _mm512_setzero_pd();
    for (size_t kk = 0; kk < k; kk++) {
        const __m512d b0 = _mm512_loadu_pd(b + kk * NR);
        const __m512d b1 = _mm512_loadu_pd(b + kk * NR + 8);
#pragma GCC unroll 4
        for (int r = 0; r < MR; r++) {
            const __m512d ar = _mm512_set1_pd(a[kk * MR + r]);
            __m512d p0 = _mm512_mul_pd(ar, b0), p1 = _mm512_mul_pd(ar, b1);
            __m512d q0 = _mm512_setzero_pd(), q1 = _mm512_setzero_pd();
            if (two) {
                q0 = _mm512_fmsub_pd(ar, b0, p0);
                q1 = _mm512_fmsub_pd(ar, b1, p1);
            }
            EFT_STEP(s[r][0], c[r][0], bb[r][0], p0, q0, two);
            EFT_STEP(s[r][1], c[r][1], bb[r][1], p1, q1, two);
        }
    }
    alignas(64) double vs[8], vc[8], vb[8];
    for (int r = 0; r < MR; r++)
        for (int h = 0; h < 2; h++) {
            _mm512_store_pd(vs, s[r][h]);
            _mm512_store_pd(vc, c[r][h]);
            _mm512_store_pd(vb, bb[r][h]);
            for (int l = 0; l < 8; l++)
                st[r * NR + h * 8 + l] = (pb_exact_eft){vs[l], vc[l], vb[l]};
        }
}

void pb_exact_kernel_avx512(size_t k, const double *a, const double *b,
                            bool products2, pb_exact_eft *st)
{
    if (products2)
        kernel_body(k, a, b, st, true);
    else
        kernel_body(k, a, b, st, false);
}

/* Dot lanes: four registers of eight lanes, element i in lane i % 32. */
static inline __attribute__((always_inline)) void
dot_body(size_t n, const double *x, const double *y, pb_exact_eft *lanes,
         bool *small, const bool two)
{
    const __m512d absmask = _mm512_castsi512_pd(_mm512_set1_epi64(ABS_MASK));
    const __m512d tiny = _mm512_set1_pd(PB_EXACT_TINY_PRODUCT);
    alignas(64) double ls[32], lc[32], lb[32];
    for (int l = 0; l < 32; l++) {
        ls[l] = lanes[l].s;
        lc[l] = lanes[l].c;
        lb[l] = lanes[l].b;
    }
    __m512d s[4], c[4], bb[4];
    for (int v = 0; v < 4; v++) {
        s[v] = _mm512_load_pd(ls + 8 * v);
        c[v] = _mm512_load_pd(lc + 8 * v);
        bb[v] = _mm512_load_pd(lb + 8 * v);
    }
    __mmask8 sm = 0;
    for (size_t i = 0; i < n; i += 32) {
#pragma GCC unroll 4
        for (int v = 0; v < 4; v++) {
            size_t at = i + 8 * (size_t)v;
            __mmask8 m = at >= n ? 0 : n - at >= 8 ? 0xff : (__mmask8)((1u << (n - at)) - 1);
            if (!m) break;
            /* Masked-off lanes read 0: a zero product leaves a lane as it is. */
            __m512d xv = _mm512_maskz_loadu_pd(m, x + at);
            __m512d yv = _mm512_maskz_loadu_pd(m, y + at);
            __m512d p = _mm512_mul_pd(xv, yv), q = _mm512_setzero_pd();
            if (two) {
                q = _mm512_fmsub_pd(xv, yv, p);
                sm |= _mm512_mask_cmp_pd_mask(m, _mm512_and_pd(p, absmask), tiny, _CMP_LT_OQ);
            }
            EFT_STEP(s[v], c[v], bb[v], p, q, two);
        }
    }
    if (two && (sm & 0xff)) *small = true;
    for (int v = 0; v < 4; v++) {
        _mm512_store_pd(ls + 8 * v, s[v]);
        _mm512_store_pd(lc + 8 * v, c[v]);
        _mm512_store_pd(lb + 8 * v, bb[v]);
    }
    for (int l = 0; l < 32; l++) lanes[l] = (pb_exact_eft){ls[l], lc[l], lb[l]};
}

void pb_exact_dot_lanes_avx512(size_t n, const double *x, const double *y,
                               bool products2, pb_exact_eft *lanes,
                               bool *small)
{
    if (products2)
        dot_body(n, x, y, lanes, small, true);
    else
        dot_body(n, x, y, lanes, small, false);
}
