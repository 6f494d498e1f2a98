/* The tensor-core accumulator model (docs/schemes.md, `tensorcore`) on
 * AVX-512.  Inputs that quantise to inf or NaN run the scalar model (its
 * special cases); the others take the fixed-point path (int32 sums of
 * binary32 products, gemm_tc_fixed_avx512.c) when the scheme and the
 * exponent range of the data allow it, and otherwise the general path of
 * this file: one vector holds the outputs of W consecutive columns of a
 * row, R = 8 rows at a time.
 *
 * Per output the model runs block FMA steps over `block` products:
 *   E  = max(ea + eb over nonzero products, ec if c != 0)          pass 1
 *   S  = sum of round_align(p * 2^(frac - E)), c's term included   pass 2
 *   c  = round_norm(S * 2^(E - frac)) to outfrac + 1 significant bits,
 *        quantum at least 2^(-126 - outfrac); |c| >= 2^128 -> inf
 * and adds c into a float accumulator every `promote` steps.  getexp gives
 * floor(log2 |x|), scalef multiplies by 2^n, roundscale truncates or rounds
 * to nearest even.  Every operation is exact, so the lanes give the model's
 * bits, in one of two lane types:
 *   binary64, W = 8: always.  A product of two floats has at most 48
 *     significant bits; an aligned term is below 2^(frac + 2) <= 2^42, a sum
 *     of at most 513 of them below 2^52; the rest are power-of-two scalings.
 *   binary32, W = 16: when tc_fits_float says so (the fp8 presets): products
 *     of the two formats exact in binary32, a step's sum below 2^24, and the
 *     smallest quantum 2^(E - frac) not below 2^-149.
 *
 * An accumulator that overflows to inf stays inf, as in the model.  A
 * step's sum starts from +0, so that a sum of zero terms is +0 as in the
 * model.
 *
 * Loops: a task is G groups of R rows; for each panel of W columns of B
 * (packed k-major, shared by all tasks) each group runs the model over K.
 * The task's A data (values and exponents) stays in L2 while the panels go
 * by, and each panel is reused by the G groups.
 */
#include <immintrin.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "accum/accum_internal.h"
#include "gemm/gemm_internal.h"
#include "simd/gemm_pack_finish.h"
#include "simd/gemm_pack_quant.h"
#include "simd/gemm_pack_run.h"
#include "simd/gemm_tc_fixed.h"

enum { R = 8, G = 4 }; /* rows per group, groups per task */

static size_t min_size(size_t a, size_t b) { return a < b ? a : b; }

/* Does any of n floats fail to be finite? */
static bool any_nonfinite(const float *x, size_t n)
{
    const __m512 inf = _mm512_set1_ps(INFINITY);
    size_t i = 0;
    for (; i + 16 <= n; i += 16)
        if (_mm512_cmp_ps_mask(_mm512_abs_ps(_mm512_loadu_ps(x + i)), inf, _CMP_NLT_UQ)) return true;
    for (; i < n; i++)
        if (!isfinite(x[i])) return true;
    return false;
}

/* The run's data, shared by every thread. */
typedef struct tc_plan {
    const pb_gemm_job *job;
    const pb_tensorcore *tc;
    const float *a;         /* quantised A, rows along K (M x K)             */
    const float *bpanel;    /* B in panels of W columns, k-major: [p][k][W]  */
    size_t w;               /* W                                             */
    const float *fa, *fb;   /* block factors (NULL without block scaling):
                               fa[i][b], fb[b][j] with row length npad      */
    size_t npad;            /* N rounded up to whole panels                  */
    double emin_a, emin_b;  /* the formats' minimum exponents                */
    pb_simd_finish_ctx fin;
} tc_plan;

/* TC_DEFINE(NAME, V, MASK, SFX, W, T, BIG, LOADB, STOREOUT): the kernel of
 * one lane type.  V: vector type, MASK its mask type, SFX the intrinsic
 * suffix (pd, ps), T the element type, BIG the magnitude from which a step
 * result is inf (2^128; binary32 lanes reach inf by themselves), LOADB(p)
 * W floats of B as V, STOREOUT(p, v) W results as floats. */
#define TC_ROUND(SFX, x, rne)                                                                 \
    ((rne) ? _mm512_roundscale_##SFX((x), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)      \
           : _mm512_roundscale_##SFX((x), _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC))

#define TC_DEFINE(NAME, V, MASK, SFX, W, T, BIG, LOADB, STOREOUT)                                \
    /* floor(log2 |x|) clamped below at emin; -inf for x == 0 */                                \
    static inline V NAME##_exp(V x, V emin)                                                     \
    {                                                                                           \
        const V e = _mm512_getexp_##SFX(x);                                                     \
        const MASK nz = _mm512_cmp_##SFX##_mask(x, _mm512_setzero_##SFX(), _CMP_NEQ_OQ);        \
        return _mm512_mask_max_##SFX(e, nz, e, emin);                                           \
    }                                                                                           \
    /* The model over k in [k0, k1) for the R rows of one group (values av,    \
     * exponents ae, k-major [k][R]) and the W columns of panel p; out gets     \
     * R x W floats. */                                                                         \
    static inline __attribute__((always_inline)) void NAME##_range_at(                          \
        const tc_plan *pl, const T *av, const T *ae, size_t p, size_t k0, size_t k1, float *out, \
        const bool rne)                                                                         \
    {                                                                                           \
        const pb_tensorcore *tc = pl->tc;                                                       \
        const size_t K = pl->job->k, blk = (size_t)tc->block;                                   \
        const bool nrne = tc->norm_rne;                                                         \
        const V emin_b = _mm512_set1_##SFX((T)pl->emin_b);                                      \
        const V c126 = _mm512_set1_##SFX((T)-126.0);                                            \
        const V frac = _mm512_set1_##SFX((T)tc->frac);                                          \
        const V outfrac = _mm512_set1_##SFX((T)tc->outfrac);                                    \
        /* E of a step without a nonzero term: below every real exponent */                    \
        const V none = _mm512_set1_##SFX((T)-900.0);                                            \
        const V big = _mm512_set1_##SFX(BIG);                                                   \
        const V inf = _mm512_set1_##SFX((T)INFINITY), sign = _mm512_set1_##SFX((T)-0.0);       \
        const float *bp = pl->bpanel + p * K * W;                                               \
        V c[R], f[R];                                                                           \
        _Pragma("GCC unroll 8") for (int r = 0; r < R; r++) c[r] = f[r] = _mm512_setzero_##SFX();                       \
        int steps = 0;                                                                          \
        for (size_t t0 = k0; t0 < k1; t0 += blk) {                                              \
            const size_t t1 = min_size(k1, t0 + blk);                                           \
            V E[R], S[R];                                                                       \
            _Pragma("GCC unroll 8") for (int r = 0; r < R; r++) E[r] = none;                                            \
            for (size_t k = t0; k < t1; k++) { /* pass 1 */                                     \
                const V eb = NAME##_exp(LOADB(bp + k * W), emin_b);                             \
                _Pragma("GCC unroll 8") for (int r = 0; r < R; r++)                                                     \
                    E[r] = _mm512_max_##SFX(E[r],                                               \
                                            _mm512_add_##SFX(_mm512_set1_##SFX(ae[k * R + r]), eb)); \
            }                                                                                   \
            _Pragma("GCC unroll 8") for (int r = 0; r < R; r++) {                                                       \
                const MASK cnz = _mm512_cmp_##SFX##_mask(c[r], _mm512_setzero_##SFX(), _CMP_NEQ_OQ); \
                const V ec = _mm512_max_##SFX(_mm512_getexp_##SFX(c[r]), c126);                \
                E[r] = _mm512_mask_max_##SFX(E[r], cnz, E[r], ec);                              \
                E[r] = _mm512_sub_##SFX(frac, E[r]); /* now the alignment shift */              \
                /* +0 + term: a sum of zero terms is +0, as in the model */                    \
                S[r] = _mm512_add_##SFX(_mm512_setzero_##SFX(),                                  \
                                        TC_ROUND(SFX, _mm512_scalef_##SFX(c[r], E[r]), rne));    \
            }                                                                                   \
            for (size_t k = t0; k < t1; k++) { /* pass 2 */                                     \
                const V bv = LOADB(bp + k * W);                                                 \
                _Pragma("GCC unroll 8") for (int r = 0; r < R; r++) {                                                   \
                    const V prod = _mm512_mul_##SFX(_mm512_set1_##SFX(av[k * R + r]), bv);      \
                    S[r] = _mm512_add_##SFX(S[r], TC_ROUND(SFX, _mm512_scalef_##SFX(prod, E[r]), rne)); \
                }                                                                               \
            }                                                                                   \
            _Pragma("GCC unroll 8") for (int r = 0; r < R; r++) { /* normalise */                                       \
                const V v = _mm512_scalef_##SFX(S[r], _mm512_sub_##SFX(_mm512_setzero_##SFX(), E[r])); \
                const V e = _mm512_max_##SFX(_mm512_getexp_##SFX(v), c126);                     \
                const V m = TC_ROUND(SFX, _mm512_scalef_##SFX(v, _mm512_sub_##SFX(outfrac, e)), nrne); \
                V res = _mm512_scalef_##SFX(m, _mm512_sub_##SFX(e, outfrac));                   \
                const MASK ovf = _mm512_cmp_##SFX##_mask(_mm512_abs_##SFX(res), big, _CMP_GE_OQ); \
                res = _mm512_mask_mov_##SFX(res, ovf, _mm512_or_##SFX(inf, _mm512_and_##SFX(res, sign))); \
                /* an infinite c stays (the model's step 1) */                                  \
                const MASK cinf = _mm512_cmp_##SFX##_mask(_mm512_abs_##SFX(c[r]), inf, _CMP_EQ_OQ); \
                c[r] = _mm512_mask_mov_##SFX(res, cinf, c[r]);                                  \
            }                                                                                   \
            if (tc->promote > 0 && ++steps == tc->promote) {                                    \
                _Pragma("GCC unroll 8") for (int r = 0; r < R; r++) {                                                   \
                    f[r] = NAME##_fl32(_mm512_add_##SFX(f[r], c[r]));                           \
                    c[r] = _mm512_setzero_##SFX();                                              \
                }                                                                               \
                steps = 0;                                                                      \
            }                                                                                   \
        }                                                                                       \
        _Pragma("GCC unroll 8") for (int r = 0; r < R; r++)                                                             \
            STOREOUT(out + r * W, tc->promote > 0 ? _mm512_add_##SFX(f[r], c[r]) : c[r]);       \
    }                                                                                           \
    /* rne a constant in each copy, so that the inner loops do not test it */                   \
    static void NAME##_range(const tc_plan *pl, const T *av, const T *ae, size_t p, size_t k0,  \
                             size_t k1, float *out)                                             \
    {                                                                                           \
        if (pl->tc->round_rne) NAME##_range_at(pl, av, ae, p, k0, k1, out, true);              \
        else NAME##_range_at(pl, av, ae, p, k0, k1, out, false);                                \
    }

/* binary64 lanes: B converted on load, results rounded once to float
 * (fl32(f + c): the binary64 sum of two floats rounded once more is the
 * binary32 sum, 53 >= 2 * 24 + 2). */
static inline __m512d tc64_fl32(__m512d x) { return _mm512_cvtps_pd(_mm512_cvtpd_ps(x)); }
#define TC64_LOADB(p) _mm512_cvtps_pd(_mm256_load_ps(p))
#define TC64_STOREOUT(p, v) _mm256_storeu_ps((p), _mm512_cvtpd_ps(v))
TC_DEFINE(tc64, __m512d, __mmask8, pd, 8, double, 0x1p128, TC64_LOADB, TC64_STOREOUT)

/* binary32 lanes: every value is a float already. */
static inline __m512 tc32_fl32(__m512 x) { return x; }
#define TC32_LOADB(p) _mm512_load_ps(p)
#define TC32_STOREOUT(p, v) _mm512_storeu_ps((p), (v))
TC_DEFINE(tc32, __m512, __mmask16, ps, 16, float, INFINITY, TC32_LOADB, TC32_STOREOUT)

/* May the binary32 lanes run this scheme (see the top of the file)? */
static bool tc_fits_float(const pb_gemm_job *job)
{
    const pb_tensorcore *tc = &job->scheme->acc.tc;
    const pb_format *fa = job->op[0].fmt, *fb = job->op[1].fmt;
    if (fa->spec.kind != PB_FORMAT_KIND_FLOAT || fb->spec.kind != PB_FORMAT_KIND_FLOAT) return false;
    /* products: significands of at most 24 bits, exponents inside the
     * binary32 range (the smallest product's last bit >= 2^-149) */
    if (fa->spec.man_bits + fb->spec.man_bits + 2 > 24) return false;
    if (fa->emax + fb->emax + 2 > 127) return false;
    if (fa->emin - fa->spec.man_bits + fb->emin - fb->spec.man_bits < -149) return false;
    /* a step's sum of block + 1 terms below 2^(frac + 2) each: below 2^24 */
    double bound = ((double)tc->block + 1.0) * ldexp(1.0, tc->frac + 2);
    if (bound > 0x1p24) return false;
    /* the quantum 2^(E - frac), E >= min(emin_a + emin_b, -126) */
    int emin = fa->emin + fb->emin < -126 ? fa->emin + fb->emin : -126;
    return emin - tc->frac >= -149;
}

/* One group of R rows (i0 ..) against every panel; av/ae: the group's A
 * data, already laid out. */
#define TC_GROUP(NAME, V, SFX, T, W)                                                            \
    static void NAME##_group(const tc_plan *pl, size_t i0, const T *av, const T *ae, size_t p, \
                             float (*acc)[PB_SIMD_NR])                                          \
    {                                                                                           \
        const pb_gemm_job *job = pl->job;                                                       \
        const size_t K = job->k, nr = min_size(R, job->m - i0);                                 \
        const size_t nblocks = job->block ? job->nblocks : 1, sb = job->block ? job->block : K; \
        float out[R * W] __attribute__((aligned(64)));                                          \
        const size_t j0 = p * W;                                                                \
        if (!job->block) {                                                                      \
            NAME##_range(pl, av, ae, p, 0, K, out);                                             \
            for (size_t r = 0; r < nr; r++) memcpy(acc[r], out + r * W, W * sizeof(float));     \
            return;                                                                             \
        }                                                                                       \
        /* acc = +0; acc = fmaf(partial, fl32(blkA * blkB), acc) per block */                   \
        for (size_t r = 0; r < nr; r++)                                                         \
            for (size_t l = 0; l < W; l++) acc[r][l] = 0.0f;                                    \
        for (size_t b = 0; b < nblocks; b++) {                                                  \
            NAME##_range(pl, av, ae, p, b * sb, min_size(K, (b + 1) * sb), out);                \
            for (size_t r = 0; r < nr; r++)                                                     \
                for (size_t l = 0; l < W; l += 8) {                                             \
                    const __m256 fb = _mm256_loadu_ps(pl->fb + b * pl->npad + j0 + l);          \
                    const __m256 fac =                                                          \
                        _mm256_mul_ps(_mm256_set1_ps(pl->fa[(i0 + r) * nblocks + b]), fb);      \
                    _mm256_storeu_ps(acc[r] + l, _mm256_fmadd_ps(_mm256_loadu_ps(out + r * W + l), \
                                                                 fac, _mm256_loadu_ps(acc[r] + l))); \
                }                                                                               \
        }                                                                                       \
    }                                                                                           \
    /* A task: G groups from row i0, every panel. */                                           \
    static void NAME##_task(const tc_plan *pl, size_t i0, T *buf)                               \
    {                                                                                           \
        const pb_gemm_job *job = pl->job;                                                       \
        const size_t M = job->m, N = job->n, K = job->k;                                        \
        const V emin_a = _mm512_set1_##SFX((T)pl->emin_a);                                      \
        size_t ngroups = 0;                                                                     \
        for (size_t g = 0; g < G && i0 + g * R < M; g++, ngroups++) {                          \
            T *av = buf + g * 2 * K * R, *ae = av + K * R;                                      \
            const size_t ig = i0 + g * R, nr = min_size(R, M - ig);                             \
            for (size_t k = 0; k < K; k++)                                                      \
                for (size_t r = 0; r < R; r++) av[k * R + r] = r < nr ? (T)pl->a[(ig + r) * K + k] : (T)0; \
            for (size_t k = 0; k < K * R; k += W) {                                             \
                const size_t left = K * R - k;                                                  \
                const __mmask16 m = (__mmask16)(left >= W ? (1u << W) - 1 : (1u << left) - 1);  \
                _mm512_mask_storeu_##SFX(ae + k, m,                                             \
                                         NAME##_exp(_mm512_maskz_loadu_##SFX(m, av + k), emin_a)); \
            }                                                                                   \
        }                                                                                       \
        float acc[R][PB_SIMD_NR] __attribute__((aligned(64)));                                  \
        memset(acc, 0, sizeof acc);                                                             \
        for (size_t p = 0; p * W < N; p++) {                                                    \
            const size_t j0 = p * W, nj = min_size(W, N - j0);                                  \
            for (size_t g = 0; g < ngroups; g++) {                                              \
                const T *av = buf + g * 2 * K * R, *ae = av + K * R;                            \
                const size_t ig = i0 + g * R, nr = min_size(R, M - ig);                         \
                NAME##_group(pl, ig, av, ae, p, acc);                                           \
                for (size_t r = 0; r < nr; r++) pb_simd_finish_row(&pl->fin, ig + r, j0, nj, acc[r]); \
            }                                                                                   \
        }                                                                                       \
    }

TC_GROUP(tc64, __m512d, pd, double, 8)
TC_GROUP(tc32, __m512, ps, float, 16)

/* Tasks of pb_simd_run_tasks: the G groups of R rows of task t. */
static void tc32_run_task(const void *ctx, size_t t, void *buf)
{
    tc32_task(ctx, t * (size_t)G * R, buf);
}
static void tc64_run_task(const void *ctx, size_t t, void *buf)
{
    tc64_task(ctx, t * (size_t)G * R, buf);
}

pb_status pb_simd_gemm_tc(pb_gemm_job *job)
{
    const size_t M = job->m, N = job->n, K = job->k;
    pb_simd_operand a, b;
    pb_status st = pb_simd_operands_prepare(job, PB_SIMD_KIND_F32, true, &a, &b);
    if (st != PB_OK) return st == PB_ERR_UNSUPPORTED ? pb_gemm_model_run(job) : st;
    if (any_nonfinite(a.src.p, M * K) || any_nonfinite(b.src.p, N * K)) {
        pb_simd_operand_free(&a);
        pb_simd_operand_free(&b);
        return pb_gemm_model_run(job);
    }
    /* the fixed-point path where the scheme and the data allow it */
    st = pb_simd_gemm_tc_fixed(job, a.src.p, b.src.p);
    if (st != PB_ERR_UNSUPPORTED) goto done;

    const bool lanes32 = tc_fits_float(job);
    const size_t W = lanes32 ? 16 : 8;
    pb_simd_panels pan;
    st = pb_simd_panels_make(job, b.src.p, W, &pan);
    if (st != PB_OK) goto done;
    float *bpanel = pan.bpanel, *fa = pan.fa, *fb = pan.fb;
    const size_t npad = pan.npad;

    pb_accum_env env = pb_gemm_accum_env(job, 0, 0, 0);
    const tc_plan plan = {
        .job = job,
        .tc = &job->scheme->acc.tc,
        .a = a.src.p,
        .bpanel = bpanel,
        .w = W,
        .fa = fa,
        .fb = fb,
        .npad = npad,
        .emin_a = env.emin_a,
        .emin_b = env.emin_b,
        .fin = {.job = job, .out_identity = pb_simd_out_identity(job)},
    };
    const size_t elem = lanes32 ? sizeof(float) : sizeof(double), rows = (size_t)G * R;
    st = pb_simd_run_tasks(job->threads, (M + rows - 1) / rows, G * 2 * K * R * elem + 64,
                           lanes32 ? tc32_run_task : tc64_run_task, &plan);

    pb_simd_panels_free(&pan);
done:
    pb_simd_operand_free(&a);
    pb_simd_operand_free(&b);
    return st;
}
