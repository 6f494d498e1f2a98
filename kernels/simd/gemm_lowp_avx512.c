/* The low-precision accumulator models (docs/schemes.md: `fp16:MODE`,
 * `bf16:MODE`) on AVX-512: 8 outputs of a row per vector of doubles, 4 rows
 * at a time, in the model's own arithmetic:
 *
 *     s = +0;  for k:  v = add_odd(s, a_k * b_k)       (TwoSum in binary64,
 *                                                        rounded to odd)
 *                      s = round_F(v, mode, (i*N + j)*K + k)
 *
 * round_F on the lanes: e = floor(log2 |v|) (getexp), qe = max(e, emin),
 * r = v * 2^(man - qe) (exact), r rounded to an integer: to nearest even,
 * or up with probability frac(r) (exact SR: the first random word w against
 * the first 32 bits of frac; r-bit SR: the top r bits of w against the top
 * r bits of frac), then back by 2^(qe - man); above the largest finite
 * value: inf.  Zeros keep their sign, inf and NaN pass through, as in the
 * scalar model.  The rare exact-SR lane whose first word ties with frac's
 * first 32 bits (and frac has more bits) takes pb_format_round itself,
 * which draws the further words.
 *
 * The random words come from the same Philox4x32-10 calls as pb_rng_u32:
 * 64 consecutive indices of one output per call (simd/philox_avx512.h),
 * then transposed so that a step reads the words of 8 outputs at once.
 */
#include <immintrin.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "accum/accum_internal.h"
#include "gemm/gemm_internal.h"
#include "simd/gemm_pack_finish.h"
#include "simd/gemm_pack_quant.h"
#include "simd/gemm_pack_run.h"
#include "simd/philox_avx512.h"

enum { R = 4, W = 8, NOUT = R * W };
/* Steps per batch of random words: with the first index of a batch moved
 * down to a multiple of 4, one 64-word Philox batch covers them. */
enum { KCH = 60 };

static size_t min_size(size_t a, size_t b) { return a < b ? a : b; }

typedef struct lowp_plan {
    const pb_gemm_job *job;
    const pb_format *fmt;       /* the accumulator's format (fp16, bf16)     */
    pb_rounding round;          /* mode, sr_bits, seed, stream; overflow inf */
    bool sr, sr_bits;           /* exact SR, r-bit SR                        */
    const float *a;             /* quantised A, rows along K (M x K)         */
    const float *bpanel;        /* B in panels of W columns, k-major         */
    const float *fa, *fb;       /* block factors, fb with row length npad    */
    size_t npad;
    pb_philox_keys keys;
    pb_simd_finish_ctx fin;
} lowp_plan;

/* x + y rounded to odd at 53 bits (pb_accum_add_odd on 8 lanes): the
 * binary64 sum, and when inexact its neighbour toward zero of the exact sum
 * with the last bit forced to 1.  A non-finite sum is returned as it is. */
static inline __m512d add_odd(__m512d x, __m512d y)
{
    const __m512d s = _mm512_add_pd(x, y);
    const __m512d bp = _mm512_sub_pd(s, x);
    const __m512d t = _mm512_add_pd(_mm512_sub_pd(x, _mm512_sub_pd(s, bp)), _mm512_sub_pd(y, bp));
    /* t is NaN for a non-finite s: the ordered compare leaves those alone */
    const __mmask8 inexact = _mm512_cmp_pd_mask(t, _mm512_setzero_pd(), _CMP_NEQ_OQ);
    __m512i bits = _mm512_castpd_si512(s);
    /* the exact sum lies beyond s (farther from zero) when t has s's sign:
     * then s is the neighbour toward zero; otherwise step toward zero */
    const __m512i sx = _mm512_xor_si512(bits, _mm512_castpd_si512(t));
    const __mmask8 opposite = _mm512_mask_cmplt_epi64_mask(inexact, sx, _mm512_setzero_si512());
    bits = _mm512_mask_sub_epi64(bits, opposite, bits, _mm512_set1_epi64(1));
    bits = _mm512_mask_or_epi64(bits, inexact, bits, _mm512_set1_epi64(1));
    return _mm512_castsi512_pd(bits);
}

/* round_F of 8 values, the scalar model's bits (see the top of the file);
 * words: the first random word of each lane's index (SR modes).  The lanes
 * are the outputs (i, j0 .. j0+7) at step k. */
static inline __m512d round_lanes(const lowp_plan *pl, __m512d v, __m256i words, size_t i,
                                  size_t j0, size_t k)
{
    const pb_format *f = pl->fmt;
    const __m512d man = _mm512_set1_pd(f->spec.man_bits);
    const __m512d e = _mm512_max_pd(_mm512_getexp_pd(v), _mm512_set1_pd(f->emin));
    const __m512d r = _mm512_scalef_pd(v, _mm512_sub_pd(man, e)); /* exact */
    __m512d n;
    __mmask8 tie = 0;
    if (!pl->sr && !pl->sr_bits) {
        n = _mm512_roundscale_pd(r, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    } else {
        const __m512d ar = _mm512_abs_pd(r);
        const __m512d kept = _mm512_roundscale_pd(ar, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
        const __m512d frac = _mm512_sub_pd(ar, kept); /* exact, in [0, 1) */
        __mmask8 up;
        if (pl->sr) {
            const __m512d f32 = _mm512_scalef_pd(frac, _mm512_set1_pd(32.0));
            const __m512d fl = _mm512_roundscale_pd(f32, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
            const __m256i fw = _mm512_cvttpd_epu32(fl);
            up = _mm256_cmplt_epu32_mask(words, fw);
            /* the first word ties with frac's first 32 bits, more to come */
            tie = _mm256_cmpeq_epu32_mask(words, fw) & _mm512_cmp_pd_mask(f32, fl, _CMP_NEQ_OQ);
        } else {
            const int rb = pl->round.sr_bits < 1 ? 1 : pl->round.sr_bits > 24 ? 24 : pl->round.sr_bits;
            const __m512d top = _mm512_roundscale_pd(_mm512_scalef_pd(frac, _mm512_set1_pd(rb)),
                                                     _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
            const __m256i w = _mm256_srli_epi32(words, 32 - rb);
            up = _mm256_cmplt_epu32_mask(w, _mm512_cvttpd_epu32(top));
        }
        n = _mm512_mask_blend_pd(up, kept, _mm512_add_pd(kept, _mm512_set1_pd(1.0)));
        n = _mm512_or_pd(n, _mm512_and_pd(r, _mm512_set1_pd(-0.0))); /* the sign back */
    }
    __m512d res = _mm512_scalef_pd(n, _mm512_sub_pd(e, man));
    /* beyond the largest finite value: inf */
    const __mmask8 ovf = _mm512_cmp_pd_mask(_mm512_abs_pd(res), _mm512_set1_pd(f->max_finite),
                                            _CMP_GT_OQ);
    res = _mm512_mask_mov_pd(res, ovf,
                             _mm512_or_pd(_mm512_set1_pd(INFINITY),
                                          _mm512_and_pd(res, _mm512_set1_pd(-0.0))));
    /* inf and NaN stay as they are (getexp and scalef would make NaN) */
    const __mmask8 fin = _mm512_cmp_pd_mask(_mm512_abs_pd(v), _mm512_set1_pd(INFINITY), _CMP_LT_OQ);
    res = _mm512_mask_mov_pd(v, fin, res);
    if (__builtin_expect(tie != 0, 0)) {
        /* the model itself draws the further words of these lanes */
        double vv[8], out[8];
        _mm512_storeu_pd(vv, v);
        _mm512_storeu_pd(out, res);
        const pb_gemm_job *job = pl->job;
        for (int l = 0; l < 8; l++)
            if (tie & (1u << l))
                out[l] = pb_format_round(f, vv[l], &pl->round,
                                         ((uint64_t)i * job->n + j0 + (size_t)l) * job->k + k);
        res = _mm512_loadu_pd(out);
    }
    return res;
}

/* Random words of steps [t0, t0 + len) (len <= KCH) of the NOUT outputs of
 * rows i0.., columns j0..: words[t * NOUT + o], output o = r * W + l. */
static void fill_words(const lowp_plan *pl, size_t i0, size_t j0, size_t t0, size_t len,
                       uint32_t *words)
{
    const pb_gemm_job *job = pl->job;
    uint32_t batch[64] __attribute__((aligned(64)));
    for (size_t o = 0; o < NOUT; o++) {
        const size_t i = i0 + o / W, j = j0 + o % W;
        const uint64_t first = ((uint64_t)i * job->n + j) * job->k + t0;
        const uint64_t base = first & ~(uint64_t)3;
        __m512i out[4];
        pb_philox16_words64(base, pl->round.stream, 0, &pl->keys, out);
        for (int q = 0; q < 4; q++) _mm512_store_si512(batch + 16 * q, out[q]);
        const size_t off = (size_t)(first - base);
        for (size_t t = 0; t < len; t++) words[t * NOUT + o] = batch[off + t];
    }
}

/* The model over k in [k0, k1) for the R rows from i0 (values av, [k][R])
 * and the W columns of panel p; out: R x W floats. */
static void lowp_range(const lowp_plan *pl, size_t i0, const double *av, size_t p, size_t k0,
                       size_t k1, uint32_t *words, float *out)
{
    const pb_gemm_job *job = pl->job;
    const size_t K = job->k, j0 = p * W;
    const bool random = pl->sr || pl->sr_bits;
    const float *bp = pl->bpanel + p * K * W;
    __m512d s[R];
    for (int r = 0; r < R; r++) s[r] = _mm512_setzero_pd();
    for (size_t t0 = k0; t0 < k1; t0 += KCH) {
        const size_t len = min_size(KCH, k1 - t0);
        if (random) fill_words(pl, i0, j0, t0, len, words);
        for (size_t t = 0; t < len; t++) {
            const size_t k = t0 + t;
            const __m512d bv = _mm512_cvtps_pd(_mm256_load_ps(bp + k * W));
            for (int r = 0; r < R; r++) {
                const __m512d prod = _mm512_mul_pd(_mm512_set1_pd(av[k * R + r]), bv); /* exact */
                const __m512d v = add_odd(s[r], prod);
                const __m256i w =
                    random ? _mm256_loadu_si256((const __m256i *)(words + t * NOUT + (size_t)r * W))
                           : _mm256_setzero_si256();
                s[r] = round_lanes(pl, v, w, i0 + (size_t)r, j0, k);
            }
        }
    }
    for (int r = 0; r < R; r++) _mm256_storeu_ps(out + r * W, _mm512_cvtpd_ps(s[r])); /* exact */
}

/* A group of R rows from i0 against every panel. */
static void lowp_rows(const lowp_plan *pl, size_t i0, double *av, uint32_t *words)
{
    const pb_gemm_job *job = pl->job;
    const size_t M = job->m, N = job->n, K = job->k, nr = min_size(R, M - i0);
    for (size_t k = 0; k < K; k++)
        for (size_t r = 0; r < R; r++) av[k * R + r] = r < nr ? pl->a[(i0 + r) * K + k] : 0.0;
    const size_t nblocks = job->block ? job->nblocks : 1, sb = job->block ? job->block : K;
    float out[R * W] __attribute__((aligned(64)));
    float acc[R][PB_SIMD_NR] __attribute__((aligned(64)));
    memset(acc, 0, sizeof acc);
    for (size_t p = 0; p * W < N; p++) {
        const size_t j0 = p * W, nj = min_size(W, N - j0);
        if (!job->block) {
            lowp_range(pl, i0, av, p, 0, K, words, out);
            for (size_t r = 0; r < nr; r++) memcpy(acc[r], out + r * W, W * sizeof(float));
        } else {
            /* acc = +0; acc = fmaf(partial, fl32(blkA * blkB), acc) per block */
            for (size_t r = 0; r < nr; r++)
                for (size_t l = 0; l < W; l++) acc[r][l] = 0.0f;
            for (size_t b = 0; b < nblocks; b++) {
                lowp_range(pl, i0, av, p, b * sb, min_size(K, (b + 1) * sb), words, out);
                for (size_t r = 0; r < nr; r++) {
                    const __m256 fb = _mm256_loadu_ps(pl->fb + b * pl->npad + j0);
                    const __m256 fac = _mm256_mul_ps(_mm256_set1_ps(pl->fa[(i0 + r) * nblocks + b]), fb);
                    _mm256_store_ps(acc[r], _mm256_fmadd_ps(_mm256_loadu_ps(out + r * W), fac,
                                                            _mm256_load_ps(acc[r])));
                }
            }
        }
        for (size_t r = 0; r < nr; r++) pb_simd_finish_row(&pl->fin, i0 + r, j0, nj, acc[r]);
    }
}

pb_status pb_simd_gemm_lowp(pb_gemm_job *job)
{
    const size_t M = job->m, K = job->k;
    const pb_accum *acc = &job->scheme->acc;
    pb_simd_operand a, b;
    pb_status st = pb_simd_operands_prepare(job, PB_SIMD_KIND_F32, true, &a, &b);
    if (st != PB_OK) return st == PB_ERR_UNSUPPORTED ? pb_gemm_model_run(job) : st;

    pb_simd_panels pan;
    st = pb_simd_panels_make(job, b.src.p, W, &pan);
    if (st != PB_OK) goto done;
    float *bpanel = pan.bpanel, *fa = pan.fa, *fb = pan.fb;
    const size_t npad = pan.npad;

    lowp_plan plan = {
        .job = job,
        .fmt = acc->fmt,
        .round = acc->round,
        .sr = acc->round.mode == PB_ROUND_SR,
        .sr_bits = acc->round.mode == PB_ROUND_SR_BITS,
        .a = a.src.p,
        .bpanel = bpanel,
        .fa = fa,
        .fb = fb,
        .npad = npad,
        .keys = pb_philox_keys_make(job->ctx->seed),
        .fin = {.job = job, .out_identity = pb_simd_out_identity(job)},
    };
    /* as the model: overflow to inf, the accumulator's seed and stream */
    plan.round.overflow = PB_OVERFLOW_INF;
    plan.round.seed = job->ctx->seed;
    plan.round.stream = job->acc_stream;
    bool nomem = false;
#pragma omp parallel num_threads(job->threads)
    {
        double *av = pb_simd_buf(PB_SIMD_BUF_APACK,
                                 K * R * sizeof(double) + KCH * NOUT * sizeof(uint32_t) + 128);
        uint32_t *words = av ? (uint32_t *)(av + K * R + 8) : NULL;
        if (!av) {
#pragma omp atomic write
            nomem = true;
        }
#pragma omp for schedule(dynamic, 1)
        for (size_t i0 = 0; i0 < M; i0 += R)
            if (av) lowp_rows(&plan, i0, av, words);
    }
    if (nomem) st = PB_ERR_NOMEM;

    pb_simd_panels_free(&pan);
done:
    pb_simd_operand_free(&a);
    pb_simd_operand_free(&b);
    return st;
}
