/* The tensor-core accumulator model (docs/schemes.md, `tensorcore`) in
 * fixed point on AVX-512: 16 outputs of a row per vector, R x V vectors
 * (R rows, W = 16 V consecutive columns) in registers.
 *
 * Per output the model runs block FMA steps over `block` products:
 *   E = max(ea + eb over nonzero products, ec if c != 0)
 *   S = sum of align(p * 2^(frac - E)), c's term included
 *   c = norm(S * 2^(E - frac)) to outfrac + 1 significant bits
 * and here every one of those is an exact integer or binary32 operation:
 *
 *   pass 1   the exponents of A and B are computed once (floor(log2 |x|)
 *            clamped below at the format's emin, as the model says), then
 *            per step and output D = frac + 127 - max(ea + eb) is a min
 *            of int16 sums (one add and one min per product, 32 lanes);
 *            D is the biased exponent of the scale 2^(frac - E).
 *   c        ec comes from c's exponent field (c is always a normal float,
 *            see below), so 2^(frac - E) = min(2^D, 2^(frac - ec)), taken
 *            as a minimum of float bit patterns.
 *   pass 2   t = fl32(fl32(a * b) * 2^(frac - E)), then cvttps2dq (trunc)
 *            or cvtps2dq (rne) to an int32 added to S.  a * b is exact in
 *            binary32 (significands of at most 24 bits together, exponents
 *            inside the range, checked below) and 2^(frac - E) is a normal
 *            binary32, so t is the exact aligned product, or a value below
 *            2^-126 whose integer part (and nearest integer) is 0 anyway.
 *            c's term is the same conversion of fl32(c * 2^(frac - E)).
 *   step     S * 2^(E - frac) rounded to 24 bits by the int -> float
 *            conversion in the model's mode (rz, rne), to outfrac + 1 bits
 *            by clearing the low fraction bits (rz: truncations onto nested
 *            grids compose), then scaled by 2^(E - frac): exact, since
 *            every nonzero result is at least 2^(E - frac) >= 2^-126
 *            (normal, so the model's exponent floor of -126 never acts).
 *
 * S fits int32 when block terms below 2^(frac + 2) and c's term below
 * 2^(frac + 1) do (FX_NARROW).  Otherwise the products of a step are
 * summed in int32 runs short enough not to overflow, and the runs and c's
 * term are combined in int64 (FX_WIDE), or, when one run holds the whole
 * block, combined in int32 with an overflow test whose rare hits take the
 * int64 route (FX_CHECKED: bf16 on the h100 preset).
 *
 * A lane whose products in a step are all zero keeps c (the model: E = ec,
 * every term is exact since frac >= outfrac, and the normalisation gives
 * c back; a zero c stays +0): its D is a sentinel, and the step result is
 * written under the mask of lanes with a nonzero product.
 *
 * Range of the path (else PB_ERR_UNSUPPORTED, and the caller runs the
 * binary32 / binary64 lane paths): both formats floating point with
 * man_a + man_b <= 22, frac <= 29, outfrac <= frac, norm rz or (rne with
 * outfrac = 23); on the data: the smallest exponents of nonzero A and B
 * values sum to at least frac - 126 (so every E >= frac - 126, and the
 * scales 2^(frac - E), 2^(E - frac) are normal floats), and the largest to
 * at most 118 - bitlen(K), so that |c| and the promoted sums stay below
 * 2^120: nothing overflows, no scaling leaves the binary32 range.
 *
 * Loops: a task is G groups of R rows, whose values and exponents are laid
 * out k-major [k][R]; for each panel of W columns of B (values and
 * exponents, k-major [k][W], shared by all tasks) each group runs the model
 * over K (or over each scale block, merged as the model merges them).
 */
#include <immintrin.h>
#include <limits.h>
#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "accum/accum_internal.h"
#include "gemm/gemm_internal.h"
#include "simd/gemm_pack_finish.h"
#include "simd/gemm_pack_quant.h"
#include "simd/gemm_tc_fixed.h"

enum { R = 4, V = 2, W = 16 * V, G = 8 };
_Static_assert(V == 2, "pass 1 covers the W columns with one vector of int16");
_Static_assert((int)W == (int)PB_SIMD_NR, "a panel is one accumulator row of pb_simd_finish_row");

/* Pass 1 runs on int16 lanes, W = 32 per vector, on negated exponents:
 * A holds frac + 127 - ea, B -eb, so that the minimum over a step of their
 * sums is D = frac + 127 - E, the biased exponent of the scale 2^(frac - E).
 * A zero input holds FX_ZERO, and a sum at or above FX_NONZERO_MAX means
 * "a zero product": real values are within [-127, 305], so real sums are
 * far below the threshold and sums with a sentinel far above it; two
 * sentinels sum to INT16_MAX - 1, below the start value, so nothing wraps. */
enum { FX_ZERO = (1 << 14) - 1, FX_NONZERO_MAX = 1 << 13, FX_NONE = (1 << 15) - 1 };

typedef enum fx_sum { FX_NARROW, FX_CHECKED, FX_WIDE } fx_sum;

static size_t min_size(size_t a, size_t b) { return a < b ? a : b; }

typedef struct fx_plan {
    const pb_gemm_job *job;
    size_t block;            /* products per step                            */
    int promote, frac, outfrac;
    bool rne, nrne;          /* alignment and normalisation to nearest       */
    fx_sum sum;
    size_t run;              /* FX_WIDE: products per int32 partial sum      */
    const float *a;          /* quantised A, M x K rows along K              */
    int emin_a;
    const float *bval;       /* B panels [p][k][W] (zero past N)             */
    const int16_t *bexp;     /* their exponents, same layout                 */
    const float *fa, *fb;    /* block factors (NULL without block scaling):
                                fa[i][b], fb[b][j] with row length npad     */
    size_t npad;
    pb_simd_finish_ctx fin;
} fx_plan;

/* base - max(floor(log2 |x|), emin); FX_ZERO for x == 0. */
static inline __m512i fx_negexp(__m512 x, __m512i emin, __m512i base)
{
    const __m512i e = _mm512_max_epi32(_mm512_cvttps_epi32(_mm512_getexp_ps(x)), emin);
    const __mmask16 zero = _mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_EQ_OQ);
    return _mm512_mask_mov_epi32(_mm512_sub_epi32(base, e), zero, _mm512_set1_epi32(FX_ZERO));
}

/* Smallest and largest clamped exponent of the nonzero values among n
 * floats (lo = INT_MAX, hi = INT_MIN when there is none). */
static void fx_exp_range(const float *x, size_t n, int emin, int *lo, int *hi)
{
    const __m512i vemin = _mm512_set1_epi32(emin);
    __m512i vlo = _mm512_set1_epi32(INT_MAX), vhi = _mm512_set1_epi32(INT_MIN);
    for (size_t i = 0; i < n; i += 16) {
        const __mmask16 m = (__mmask16)(n - i >= 16 ? 0xffff : (1u << (n - i)) - 1);
        const __m512 v = _mm512_maskz_loadu_ps(m, x + i);
        const __mmask16 nz = _mm512_mask_cmp_ps_mask(m, v, _mm512_setzero_ps(), _CMP_NEQ_OQ);
        const __m512i e = _mm512_max_epi32(_mm512_cvttps_epi32(_mm512_getexp_ps(v)), vemin);
        vlo = _mm512_mask_min_epi32(vlo, nz, vlo, e);
        vhi = _mm512_mask_max_epi32(vhi, nz, vhi, e);
    }
    *lo = _mm512_reduce_min_epi32(vlo);
    *hi = _mm512_reduce_max_epi32(vhi);
}

#define FX_ALIGN(x, rne)                                                                      \
    ((rne) ? _mm512_cvt_roundps_epi32((x), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)    \
           : _mm512_cvttps_epi32(x))

/* int32 lanes (16) as int64 (2 x 8). */
static inline void fx_widen(__m512i x, __m512i *lo, __m512i *hi)
{
    *lo = _mm512_cvtepi32_epi64(_mm512_castsi512_si256(x));
    *hi = _mm512_cvtepi32_epi64(_mm512_extracti64x4_epi64(x, 1));
}

/* 16 int64 sums (2 x 8) to floats with 24 significant bits, rz or rne. */
static inline __m512 fx_cvt64(__m512i lo, __m512i hi, bool nrne)
{
    __m256 flo, fhi;
    if (nrne) {
        flo = _mm512_cvt_roundepi64_ps(lo, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
        fhi = _mm512_cvt_roundepi64_ps(hi, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    } else {
        flo = _mm512_cvt_roundepi64_ps(lo, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
        fhi = _mm512_cvt_roundepi64_ps(hi, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
    }
    return _mm512_insertf32x8(_mm512_castps256_ps512(flo), fhi, 1);
}

/* An int32 sum to a float with 24 significant bits, rz or rne. */
static inline __m512 fx_cvt32(__m512i s, bool nrne)
{
    return nrne ? _mm512_cvt_roundepi32_ps(s, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)
                : _mm512_cvt_roundepi32_ps(s, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
}

/* The model over k in [k0, k1) for the R rows of one group (values av,
 * exponents ae, k-major [k][R]) and the W columns of one panel (bv, be,
 * k-major [k][W]); out gets R x W accumulator values.  rne, nrne and sum
 * are constants in each copy, so that the inner loops do not test them. */
static inline __attribute__((always_inline)) void
fx_tile_at(const fx_plan *pl, const float *av, const int32_t *ae, const float *bv,
           const int16_t *be, size_t k0, size_t k1, float (*out)[W], const bool rne,
           const bool nrne, const fx_sum sum)
{
    const size_t blk = pl->block;
    /* 2^(frac - ec) = bits ((frac + 254) << 23) - (c's exponent field) */
    const __m512i cbase = _mm512_set1_epi32((int32_t)((uint32_t)(pl->frac + 254) << 23));
    const __m512i expfield = _mm512_set1_epi32(0x7f800000);
    const __m512i two254 = _mm512_set1_epi32(254 << 23);
    const __m512i none16 = _mm512_set1_epi16(FX_NONE), nzmax = _mm512_set1_epi32(FX_NONZERO_MAX);
    /* clears the fraction bits past outfrac (rz) */
    const __m512i keep = _mm512_set1_epi32((int32_t)(~0u << (23 - pl->outfrac)));
    const bool cut = pl->outfrac < 23;
    __m512 c[R][V], f[R][V];
#pragma GCC unroll 8
    for (int r = 0; r < R; r++)
#pragma GCC unroll 4
        for (int v = 0; v < V; v++) c[r][v] = f[r][v] = _mm512_setzero_ps();
    int steps = 0;
    for (size_t t0 = k0; t0 < k1; t0 += blk) {
        const size_t t1 = min_size(k1, t0 + blk);
        /* pass 1: D = frac + 127 - max(ea + eb), 32 int16 lanes (ae holds
         * its value twice) */
        __m512i D16[R];
#pragma GCC unroll 8
        for (int r = 0; r < R; r++) D16[r] = none16;
        for (size_t k = t0; k < t1; k++) {
            const __m512i eb = _mm512_load_si512(be + k * W);
#pragma GCC unroll 8
            for (int r = 0; r < R; r++)
                D16[r] = _mm512_min_epi16(D16[r], _mm512_add_epi16(_mm512_set1_epi32(ae[k * R + r]), eb));
        }
        __m512i D[R][V];
#pragma GCC unroll 8
        for (int r = 0; r < R; r++) {
            D[r][0] = _mm512_cvtepi16_epi32(_mm512_castsi512_si256(D16[r]));
            D[r][1] = _mm512_cvtepi16_epi32(_mm512_extracti64x4_epi64(D16[r], 1));
        }
        /* with c: the scale 2^(frac - E), c's term */
        __m512 iq[R][V];
        __m512i S[R][V], T[R][V];
        __mmask16 live[R][V];
#pragma GCC unroll 8
        for (int r = 0; r < R; r++)
#pragma GCC unroll 4
            for (int v = 0; v < V; v++) {
                live[r][v] = _mm512_cmp_epi32_mask(D[r][v], nzmax, _MM_CMPINT_LT);
                /* E = max(Ep, ec): the smaller scale, compared as unsigned
                 * bits (c = +0 gives (frac + 254) << 23, above every 2^D of
                 * a live lane, D <= 253; a tiny c gives a value past the
                 * exponent field, above them too) */
                const __m512i qc = _mm512_sub_epi32(
                    cbase, _mm512_and_si512(_mm512_castps_si512(c[r][v]), expfield));
                iq[r][v] = _mm512_castsi512_ps(
                    _mm512_min_epu32(_mm512_slli_epi32(D[r][v], 23), qc));
                T[r][v] = FX_ALIGN(_mm512_mul_ps(c[r][v], iq[r][v]), rne);
                S[r][v] = _mm512_setzero_si512();
            }
        /* pass 2: S += align(a * b * 2^(frac - E)) */
        __m512i lo[R][V], hi[R][V];
        if (sum == FX_WIDE)
#pragma GCC unroll 8
            for (int r = 0; r < R; r++)
#pragma GCC unroll 4
                for (int v = 0; v < V; v++) fx_widen(T[r][v], &lo[r][v], &hi[r][v]);
        const size_t run = sum == FX_WIDE ? pl->run : blk;
        for (size_t u0 = t0; u0 < t1; u0 += run) {
            const size_t u1 = min_size(t1, u0 + run);
            for (size_t k = u0; k < u1; k++) {
                __m512 b[V];
#pragma GCC unroll 4
                for (int v = 0; v < V; v++) b[v] = _mm512_load_ps(bv + k * W + 16 * v);
#pragma GCC unroll 8
                for (int r = 0; r < R; r++) {
                    const __m512 a = _mm512_set1_ps(av[k * R + r]);
#pragma GCC unroll 4
                    for (int v = 0; v < V; v++) {
                        const __m512 t = _mm512_mul_ps(_mm512_mul_ps(a, b[v]), iq[r][v]);
                        S[r][v] = _mm512_add_epi32(S[r][v], FX_ALIGN(t, rne));
                    }
                }
            }
            if (sum == FX_WIDE)
#pragma GCC unroll 8
                for (int r = 0; r < R; r++)
#pragma GCC unroll 4
                    for (int v = 0; v < V; v++) {
                        __m512i l, h;
                        fx_widen(S[r][v], &l, &h);
                        lo[r][v] = _mm512_add_epi64(lo[r][v], l);
                        hi[r][v] = _mm512_add_epi64(hi[r][v], h);
                        S[r][v] = _mm512_setzero_si512();
                    }
        }
        /* normalise: round to 24 bits, cut to outfrac + 1, scale back */
#pragma GCC unroll 8
        for (int r = 0; r < R; r++)
#pragma GCC unroll 4
            for (int v = 0; v < V; v++) {
                __m512 x;
                if (sum == FX_NARROW) {
                    x = fx_cvt32(_mm512_add_epi32(S[r][v], T[r][v]), nrne);
                } else if (sum == FX_CHECKED) {
                    const __m512i s = _mm512_add_epi32(S[r][v], T[r][v]);
                    /* overflow: both addends differ in sign from the sum */
                    const __m512i ovf = _mm512_ternarylogic_epi32(S[r][v], T[r][v], s, 0x42);
                    /* (lanes without products hold garbage: not tested) */
                    const __mmask16 bad = _mm512_movepi32_mask(ovf) & live[r][v];
                    if (__builtin_expect(bad != 0, 0)) {
                        __m512i l0, h0, l1, h1;
                        fx_widen(S[r][v], &l0, &h0);
                        fx_widen(T[r][v], &l1, &h1);
                        x = fx_cvt64(_mm512_add_epi64(l0, l1), _mm512_add_epi64(h0, h1), nrne);
                    } else {
                        x = fx_cvt32(s, nrne);
                    }
                } else {
                    x = fx_cvt64(lo[r][v], hi[r][v], nrne);
                }
                if (cut) x = _mm512_castsi512_ps(_mm512_and_si512(_mm512_castps_si512(x), keep));
                const __m512 q =
                    _mm512_castsi512_ps(_mm512_sub_epi32(two254, _mm512_castps_si512(iq[r][v])));
                c[r][v] = _mm512_mask_mul_ps(c[r][v], live[r][v], x, q);
            }
        if (pl->promote > 0 && ++steps == pl->promote) {
#pragma GCC unroll 8
            for (int r = 0; r < R; r++)
#pragma GCC unroll 4
                for (int v = 0; v < V; v++) {
                    f[r][v] = _mm512_add_ps(f[r][v], c[r][v]);
                    c[r][v] = _mm512_setzero_ps();
                }
            steps = 0;
        }
    }
#pragma GCC unroll 8
    for (int r = 0; r < R; r++)
#pragma GCC unroll 4
        for (int v = 0; v < V; v++)
            _mm512_store_ps(out[r] + 16 * v,
                            pl->promote > 0 ? _mm512_add_ps(f[r][v], c[r][v]) : c[r][v]);
}

typedef void fx_tile_fn(const fx_plan *pl, const float *av, const int32_t *ae, const float *bv,
                        const int16_t *be, size_t k0, size_t k1, float (*out)[W]);

#define FX_TILE(NAME, RNE, NRNE, SUM)                                                         \
    static void NAME(const fx_plan *pl, const float *av, const int32_t *ae, const float *bv,  \
                     const int16_t *be, size_t k0, size_t k1, float (*out)[W])                \
    {                                                                                         \
        fx_tile_at(pl, av, ae, bv, be, k0, k1, out, RNE, NRNE, SUM);                          \
    }
FX_TILE(fx_tile_tz_n, false, false, FX_NARROW)
FX_TILE(fx_tile_tz_c, false, false, FX_CHECKED)
FX_TILE(fx_tile_tz_w, false, false, FX_WIDE)
FX_TILE(fx_tile_tn_n, false, true, FX_NARROW)
FX_TILE(fx_tile_tn_c, false, true, FX_CHECKED)
FX_TILE(fx_tile_tn_w, false, true, FX_WIDE)
FX_TILE(fx_tile_nz_n, true, false, FX_NARROW)
FX_TILE(fx_tile_nz_c, true, false, FX_CHECKED)
FX_TILE(fx_tile_nz_w, true, false, FX_WIDE)
FX_TILE(fx_tile_nn_n, true, true, FX_NARROW)
FX_TILE(fx_tile_nn_c, true, true, FX_CHECKED)
FX_TILE(fx_tile_nn_w, true, true, FX_WIDE)

/* [rne][nrne][sum] */
static fx_tile_fn *const fx_tiles[2][2][3] = {
    {{fx_tile_tz_n, fx_tile_tz_c, fx_tile_tz_w}, {fx_tile_tn_n, fx_tile_tn_c, fx_tile_tn_w}},
    {{fx_tile_nz_n, fx_tile_nz_c, fx_tile_nz_w}, {fx_tile_nn_n, fx_tile_nn_c, fx_tile_nn_w}},
};

/* Rows i0 .. i0+nr-1 of A (nr <= R; zeros for the others) k-major: av[k][R]
 * the values, ae[k][R] frac + 127 - ea twice (two int16 halves) or the
 * zero sentinel; four k-values at a time, a 4 x 4 transpose per vector. */
static void fx_pack_a(const fx_plan *pl, size_t i0, size_t nr, float *av, int32_t *ae)
{
    _Static_assert(R == 4, "four rows of four k-values per vector");
    const size_t K = pl->job->k;
    const __m512i emin = _mm512_set1_epi32(pl->emin_a);
    const __m512i fr127 = _mm512_set1_epi32(pl->frac + 127), low = _mm512_set1_epi32(0xffff);
    /* x = [row 0: k..k+3 | row 1 | row 2 | row 3] -> [k: rows 0..3 | k+1 | ...] */
    const __m512i idx = _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
    for (size_t k = 0; k < K; k += 4) {
        const size_t nk = min_size(4, K - k);
        const __mmask8 mk = (__mmask8)((1u << nk) - 1);
        __m512 x = _mm512_setzero_ps();
        for (size_t r = 0; r < nr; r++)
            x = _mm512_mask_broadcast_f32x4(x, (__mmask16)(0xfu << (4 * r)),
                                            _mm_maskz_loadu_ps(mk, pl->a + (i0 + r) * K + k));
        x = _mm512_permutexvar_ps(idx, x);
        const __m512i e = fx_negexp(x, emin, fr127);
        const __mmask16 m = (__mmask16)((1u << (4 * nk)) - 1);
        _mm512_mask_storeu_ps(av + k * R, m, x);
        _mm512_mask_storeu_epi32(ae + k * R, m,
                                 _mm512_or_si512(_mm512_and_si512(e, low), _mm512_slli_epi32(e, 16)));
    }
}

/* A task: G groups of R rows from row i0, every panel.  buf: the thread's
 * scratch for the groups' values and exponents (G * K * R * 8 bytes, in L2
 * while the panels go by; each panel is reused by the G groups). */
static void fx_task(const fx_plan *pl, fx_tile_fn *tile, size_t i0, void *buf)
{
    const pb_gemm_job *job = pl->job;
    const size_t M = job->m, N = job->n, K = job->k;
    float *avb = buf;
    int32_t *aeb = (int32_t *)(avb + (size_t)G * K * R);
    size_t ngroups = 0;
    for (size_t g = 0; g < G && i0 + g * R < M; g++, ngroups++)
        fx_pack_a(pl, i0 + g * R, min_size(R, M - i0 - g * R), avb + g * K * R, aeb + g * K * R);
    /* segments of K: the scale blocks (each a dot product of its own,
     * merged as acc = fmaf(partial, fl32(blkA * blkB), acc)), or all of K */
    const size_t seg = job->block ? job->block : K, nseg = job->block ? job->nblocks : 1;
    float out[R][W] __attribute__((aligned(64)));
    float acc[R][PB_SIMD_NR] __attribute__((aligned(64)));
    for (size_t p = 0; p * W < N; p++) {
        const size_t j0 = p * W, nj = min_size(W, N - j0);
        const float *bv = pl->bval + p * K * W;
        const int16_t *be = pl->bexp + p * K * W;
        for (size_t g = 0; g < ngroups; g++) {
            const size_t ig = i0 + g * R, nr = min_size(R, M - ig);
            if (nseg == 0) memset(acc, 0, sizeof acc); /* K = 0 with scale blocks */
            for (size_t b = 0; b < nseg; b++) {
                tile(pl, avb + g * K * R, aeb + g * K * R, bv, be, b * seg,
                     min_size(K, (b + 1) * seg), out);
                for (size_t r = 0; r < nr; r++)
                    for (size_t l = 0; l < W; l += 16) {
                        const __m512 x = _mm512_load_ps(out[r] + l);
                        if (!job->block) {
                            _mm512_store_ps(acc[r] + l, x);
                            continue;
                        }
                        const __m512 fac =
                            _mm512_mul_ps(_mm512_set1_ps(pl->fa[(ig + r) * nseg + b]),
                                          _mm512_loadu_ps(pl->fb + b * pl->npad + j0 + l));
                        const __m512 prev = b ? _mm512_load_ps(acc[r] + l) : _mm512_setzero_ps();
                        _mm512_store_ps(acc[r] + l, _mm512_fmadd_ps(x, fac, prev));
                    }
            }
            for (size_t r = 0; r < nr; r++) pb_simd_finish_row(&pl->fin, ig + r, j0, nj, acc[r]);
        }
    }
}

/* A task of pb_simd_run_tasks: the rows of task t. */
typedef struct fx_run {
    const fx_plan *plan;
    fx_tile_fn *tile;
} fx_run;

static void fx_run_task(const void *ctx, size_t t, void *buf)
{
    const fx_run *run = ctx;
    fx_task(run->plan, run->tile, t * (size_t)G * R, buf);
}

/* Largest term of a step (an aligned product, below 2^(frac + 2)) as an
 * exact bound: floor(maxsig_a * maxsig_b * 2^frac), plus one for rne. */
static double fx_max_term(const pb_gemm_job *job, int frac, bool rne)
{
    const pb_format *fa = job->op[0].fmt, *fb = job->op[1].fmt;
    const double sa = 2.0 - ldexp(1.0, -fa->spec.man_bits);
    const double sb = 2.0 - ldexp(1.0, -fb->spec.man_bits);
    return floor(ldexp(sa * sb, frac)) + (rne ? 1.0 : 0.0);
}

bool pb_simd_tc_fixed_scheme(const pb_gemm_job *job)
{
    const pb_tensorcore *tc = &job->scheme->acc.tc;
    const pb_format *fa = job->op[0].fmt, *fb = job->op[1].fmt;
    if (fa->spec.kind != PB_FORMAT_KIND_FLOAT || fb->spec.kind != PB_FORMAT_KIND_FLOAT) return false;
    if (fa->spec.man_bits + fb->spec.man_bits > 22) return false; /* products exact */
    if (tc->frac > 29 || tc->outfrac > tc->frac) return false;     /* terms in int32 */
    return !tc->norm_rne || tc->outfrac == 23;
}

pb_status pb_simd_gemm_tc_fixed(pb_gemm_job *job, const float *aq, const float *bq)
{
    const pb_tensorcore *tc = &job->scheme->acc.tc;
    const size_t M = job->m, N = job->n, K = job->k;
    if (!pb_simd_tc_fixed_scheme(job)) return PB_ERR_UNSUPPORTED;
    const pb_accum_env env = pb_gemm_accum_env(job, 0, 0, 0);

    /* the data's exponent range (see the top of the file) */
    int lo_a, hi_a, lo_b, hi_b;
    fx_exp_range(aq, M * K, env.emin_a, &lo_a, &hi_a);
    fx_exp_range(bq, N * K, env.emin_b, &lo_b, &hi_b);
    if (hi_a != INT_MIN && hi_b != INT_MIN) {
        int bitlen = 0;
        while (bitlen < 64 && (K >> bitlen) != 0) bitlen++;
        if (lo_a + lo_b < tc->frac - 126 || hi_a + hi_b > 118 - bitlen) return PB_ERR_UNSUPPORTED;
    }

    /* how a step's sum stays exact in int32 */
    const double term = fx_max_term(job, tc->frac, tc->round_rne);
    const double cterm = ldexp(1.0, tc->frac + 1) + (tc->round_rne ? 1.0 : 0.0);
    const double limit = 0x1p31 - 1.0;
    fx_sum sum = FX_WIDE;
    size_t run = (size_t)floor(limit / term);
    if ((double)tc->block * term + cterm <= limit) sum = FX_NARROW;
    else if ((double)tc->block * term <= limit) sum = FX_CHECKED;
    if (run < 1) return PB_ERR_UNSUPPORTED;

    pb_simd_panels pan;
    pb_status st = pb_simd_panels_make(job, bq, W, &pan);
    if (st != PB_OK) return st;
    const size_t nvals = pan.npad * K;
    int16_t *bexp = pb_simd_buf(PB_SIMD_BUF_WORK, nvals * sizeof(int16_t) + 64);
    if (!bexp) {
        pb_simd_panels_free(&pan);
        return PB_ERR_NOMEM;
    }
    {
        const __m512i emin_b = _mm512_set1_epi32(env.emin_b), zero = _mm512_setzero_si512();
        const float *bp = pan.bpanel;
#pragma omp parallel for schedule(static) num_threads(job->threads)
        for (size_t i = 0; i < nvals; i += 16)
            _mm256_store_si256((__m256i *)(bexp + i),
                               _mm512_cvtepi32_epi16(fx_negexp(_mm512_load_ps(bp + i), emin_b, zero)));
    }

    const fx_plan plan = {
        .job = job,
        .block = (size_t)tc->block,
        .promote = tc->promote,
        .frac = tc->frac,
        .outfrac = tc->outfrac,
        .rne = tc->round_rne,
        .nrne = tc->norm_rne,
        .sum = sum,
        .run = run,
        .a = aq,
        .emin_a = env.emin_a,
        .bval = pan.bpanel,
        .bexp = bexp,
        .fa = pan.fa,
        .fb = pan.fb,
        .npad = pan.npad,
        .fin = {.job = job, .out_identity = pb_simd_out_identity(job)},
    };
    const fx_run tasks = {&plan, fx_tiles[plan.rne][plan.nrne][sum]};
    const size_t rows = (size_t)G * R;
    st = pb_simd_run_tasks(job->threads, (M + rows - 1) / rows, (size_t)G * K * R * 8 + 64,
                           fx_run_task, &tasks);
    pb_simd_panels_free(&pan);
    return st;
}
