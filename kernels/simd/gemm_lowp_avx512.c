/* The low-precision accumulator models (docs/schemes.md: `fp16:MODE`,
 * `bf16:MODE`) on AVX-512.  The output is cut into tiles of 6 (RN) or 4
 * (SR) rows x 32 columns, tasks of a row group against up to 8 tiles
 * shared dynamically by the threads.  A tile runs on 16 binary32 lanes per
 * vector (gemm_lowp_rn_avx512.c, gemm_lowp_sr_avx512.c; gemm_lowp.h says
 * why that is exact) when its inputs meet condition P of gemm_lowp.h,
 * checked from statistics of every row of A and column of B (largest
 * exponent, lowest set bit, widest significand), and otherwise here, in the
 * model's own arithmetic on 8 binary64 lanes (exact for every input whose
 * product is exact in binary64, as the model's own):
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
 * which draws the further words.  Its random words come from the same
 * Philox4x32-10 calls as pb_rng_u32: 64 consecutive indices of one output
 * per call (simd/philox_avx512.h), then transposed so that a step reads the
 * words of 8 outputs at once.
 */
#include <immintrin.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "accum/accum_internal.h"
#include "gemm/gemm_internal.h"
#include "simd/gemm_lowp.h"
#include "simd/gemm_pack_finish.h"
#include "simd/gemm_pack_quant.h"
#include "simd/gemm_pack_run.h"

enum { RMAX = PB_LOWP_RMAX, V = PB_LOWP_V, W = PB_LOWP_W, TW = V * W };
/* The binary64 path: 4 rows x 8 lanes; steps per batch of random words
 * (with the first index of a batch moved down to a multiple of 4, one
 * 64-word Philox batch covers them). */
enum { R4 = 4, W8 = 8, NOUT = R4 * W8, KCH = 60 };
/* Panels per task: a task is a row group against this many tiles. */
enum { TILES_PER_TASK = 8 };

static size_t min_size(size_t a, size_t b) { return a < b ? a : b; }

/* What condition P needs to know of a row of A or a column of B (over all
 * of K; finite nonzero values): the largest exponent, the lowest set bit's
 * exponent, the most significant bits of one value; `odd` marks a NaN other
 * than the canonical quiet ones (the rounding of bf16 would carry out of
 * its payload). */
typedef struct lowp_stat {
    int emax, lmin, prec;
    bool odd;
} lowp_stat;

typedef struct lowp_plan {
    const pb_gemm_job *job;
    const pb_format *fmt;       /* the accumulator's format (fp16, bf16)     */
    pb_rounding round;          /* mode, sr_bits, seed, stream; overflow inf */
    bool sr, sr_bits;           /* exact SR, r-bit SR                        */
    bool fp16;                  /* the accumulator is fp16 (else bf16)       */
    size_t rows;                /* rows of a tile: PB_LOWP_R_RN or _SR       */
    int lmin_needed;            /* P: the lowest bit of a product            */
    const float *bpanel;        /* B in panels of W columns, k-major         */
    const float *fa, *fb;       /* block factors, fb with row length npad    */
    size_t npad, npanels;
    const lowp_stat *sa, *sb;   /* per row of A, per panel of B              */
    pb_philox_keys keys;
    pb_simd_finish_ctx fin;
} lowp_plan;

/* ---- statistics ----------------------------------------------------------- */

/* The statistics of n floats (16 at a time). */
static lowp_stat stat_of(const float *x, size_t n)
{
    const __m512i mag = _mm512_set1_epi32(0x7fffffff), expo = _mm512_set1_epi32(0x7f800000);
    __m512i emax = _mm512_set1_epi32(-1000), lmin = _mm512_set1_epi32(1000);
    __m512i prec = _mm512_setzero_si512();
    __mmask16 odd = 0;
    for (size_t k0 = 0; k0 < n; k0 += 16) {
        const __mmask16 in = (__mmask16)(n - k0 >= 16 ? 0xffff : (1u << (n - k0)) - 1);
        const __m512i u = _mm512_and_si512(_mm512_maskz_loadu_epi32(in, x + k0), mag);
        const __mmask16 nz = _mm512_mask_cmpneq_epi32_mask(in, u, _mm512_setzero_si512());
        const __mmask16 fin = _mm512_mask_cmplt_epu32_mask(nz, u, expo);
        odd |= _mm512_mask_cmpneq_epi32_mask(_mm512_mask_cmpgt_epu32_mask(nz, u, expo), u,
                                             _mm512_set1_epi32(0x7fc00000));
        /* top bit: getexp (subnormals too); lowest bit: the exponent of
         * sig & -sig, with sig = the significand as an integer */
        const __m512i top = _mm512_cvtps_epi32(_mm512_getexp_ps(_mm512_castsi512_ps(u)));
        const __m512i be = _mm512_srli_epi32(u, 23);
        const __mmask16 normal = _mm512_cmpneq_epi32_mask(be, _mm512_setzero_si512());
        const __m512i man = _mm512_and_si512(u, _mm512_set1_epi32(0x7fffff));
        const __m512i sig = _mm512_mask_or_epi32(man, normal, man, _mm512_set1_epi32(0x800000));
        const __m512i lowbit = _mm512_and_si512(sig, _mm512_sub_epi32(_mm512_setzero_si512(), sig));
        const __m512i tz = _mm512_sub_epi32(
            _mm512_srli_epi32(_mm512_castps_si512(_mm512_cvtepi32_ps(lowbit)), 23),
            _mm512_set1_epi32(127));
        /* value's lowest bit: 2^(max(be, 1) - 150 + tz) */
        const __m512i low = _mm512_add_epi32(
            _mm512_sub_epi32(_mm512_max_epi32(be, _mm512_set1_epi32(1)), _mm512_set1_epi32(150)),
            tz);
        emax = _mm512_mask_max_epi32(emax, fin, emax, top);
        lmin = _mm512_mask_min_epi32(lmin, fin, lmin, low);
        const __m512i bits = _mm512_add_epi32(_mm512_sub_epi32(top, low), _mm512_set1_epi32(1));
        prec = _mm512_mask_max_epi32(prec, fin, prec, bits);
    }
    return (lowp_stat){.emax = _mm512_reduce_max_epi32(emax),
                       .lmin = _mm512_reduce_min_epi32(lmin),
                       .prec = _mm512_reduce_max_epi32(prec),
                       .odd = odd != 0};
}

static lowp_stat stat_merge(lowp_stat x, lowp_stat y)
{
    return (lowp_stat){.emax = x.emax > y.emax ? x.emax : y.emax,
                       .lmin = x.lmin < y.lmin ? x.lmin : y.lmin,
                       .prec = x.prec > y.prec ? x.prec : y.prec,
                       .odd = x.odd || y.odd};
}

/* Condition P (gemm_lowp.h) for every product of a row group and a tile. */
static bool tile_fast(const lowp_plan *pl, lowp_stat a, lowp_stat b)
{
    return !a.odd && !b.odd && a.prec + b.prec <= 24 && a.emax + b.emax <= 125 &&
           a.lmin + b.lmin >= pl->lmin_needed;
}

/* ---- the binary64 path ---------------------------------------------------- */

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
            const int sb = pl->round.sr_bits, rb = sb < 1 ? 1 : sb > 24 ? 24 : sb;
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
 * rows i0.., columns j0..: words[t * NOUT + o], output o = r * W8 + l. */
static void fill_words(const lowp_plan *pl, size_t i0, size_t j0, size_t t0, size_t len,
                       uint32_t *words)
{
    const pb_gemm_job *job = pl->job;
    uint32_t batch[64] __attribute__((aligned(64)));
    for (size_t o = 0; o < NOUT; o++) {
        const size_t i = i0 + o / W8, j = j0 + o % W8;
        const uint64_t first = ((uint64_t)i * job->n + j) * job->k + t0;
        const uint64_t base = first & ~(uint64_t)3;
        __m512i out[4];
        pb_philox16_words64(base, pl->round.stream, 0, &pl->keys, out);
        for (int q = 0; q < 4; q++) _mm512_store_si512(batch + 16 * q, out[q]);
        const size_t off = (size_t)(first - base);
        for (size_t t = 0; t < len; t++) words[t * NOUT + o] = batch[off + t];
    }
}

/* The model over the tile's steps for its rows r0 .. r0+3 (those below
 * pl->rows) and the 8 columns from column c0 of panel v (column j0 of B);
 * out: rows x TW floats. */
static void slow_part(const lowp_plan *pl, const pb_lowp_tile *t, size_t r0, int v, size_t c0,
                      size_t j0, uint32_t *words)
{
    const bool random = pl->sr || pl->sr_bits;
    const float *bp = t->bp[v];
    const size_t rows = pl->rows, nr = min_size(R4, rows - r0);
    __m512d s[R4];
    for (int r = 0; r < R4; r++) s[r] = _mm512_setzero_pd();
    for (size_t t0 = t->k0; t0 < t->k1; t0 += KCH) {
        const size_t len = min_size(KCH, t->k1 - t0);
        if (random) fill_words(pl, t->i0 + r0, j0, t0, len, words);
        for (size_t tt = 0; tt < len; tt++) {
            const size_t k = t0 + tt;
            const __m512d bv = _mm512_cvtps_pd(_mm256_load_ps(bp + k * W + c0));
            for (size_t r = 0; r < nr; r++) {
                const __m512d a = _mm512_set1_pd((double)t->ap[k * rows + r0 + r]);
                const __m512d x = add_odd(s[r], _mm512_mul_pd(a, bv)); /* exact product */
                const __m256i w =
                    random ? _mm256_loadu_si256((const __m256i *)(words + tt * NOUT + r * W8))
                           : _mm256_setzero_si256();
                s[r] = round_lanes(pl, x, w, t->i0 + r0 + r, j0, k);
            }
        }
    }
    for (size_t r = 0; r < nr; r++)
        _mm256_storeu_ps(t->out + (r0 + r) * TW + (size_t)v * W + c0,
                         _mm512_cvtpd_ps(s[r])); /* exact */
}

/* ---- tiles ----------------------------------------------------------------- */

static void run_tile(const lowp_plan *pl, const pb_lowp_tile *t, bool fast, uint32_t *words)
{
    if (!fast) {
        for (size_t r0 = 0; r0 < pl->rows && t->i0 + r0 < pl->job->m; r0 += R4)
            for (int v = 0; v < V; v++)
                for (size_t c0 = 0; c0 < W; c0 += W8)
                    if (t->j0 + (size_t)v * W + c0 < pl->job->n)
                        slow_part(pl, t, r0, v, c0, t->j0 + (size_t)v * W + c0, words);
        return;
    }
    if (!pl->sr && !pl->sr_bits)
        (pl->fp16 ? pb_lowp_tile_rn_fp16 : pb_lowp_tile_rn_bf16)(t);
    else
        (pl->fp16 ? pb_lowp_tile_sr_fp16 : pb_lowp_tile_sr_bf16)(t);
}

/* Rows i0 .. i0+rows-1 (A packed in ap) against tiles [q0, q1). */
static void lowp_task(const lowp_plan *pl, size_t i0, const float *ap, size_t q0, size_t q1,
                      uint32_t *words)
{
    const pb_gemm_job *job = pl->job;
    const size_t M = job->m, N = job->n, K = job->k, nr = min_size(pl->rows, M - i0);
    const size_t nblocks = job->block ? job->nblocks : 1, bsize = job->block ? job->block : K;
    lowp_stat sa = pl->sa[i0];
    for (size_t r = 1; r < nr; r++) sa = stat_merge(sa, pl->sa[i0 + r]);
    float out[RMAX * TW] __attribute__((aligned(64)));
    float acc[RMAX][PB_SIMD_NR] __attribute__((aligned(64)));
    _Static_assert((int)TW <= (int)PB_SIMD_NR, "a tile row fits the finishing row");
    memset(acc, 0, sizeof acc);
    for (size_t q = q0; q < q1; q++) {
        const size_t p0 = q * V, j0 = p0 * W, nj = min_size(TW, N - j0);
        lowp_stat sb = pl->sb[p0];
        const float *bp[V];
        for (int v = 0; v < V; v++) {
            /* a panel past the last one reads the last one (its columns are
             * past N: computed, never stored) */
            const size_t p = min_size(p0 + (size_t)v, pl->npanels - 1);
            bp[v] = pl->bpanel + p * K * W;
            sb = stat_merge(sb, pl->sb[p]);
        }
        const bool fast = tile_fast(pl, sa, sb);
        pb_lowp_tile t = {
            .job = job, .fmt = pl->fmt, .round = &pl->round, .keys = &pl->keys,
            .i0 = i0, .j0 = j0, .ap = ap, .bp = {bp[0], bp[1]}, .out = out, .words = words,
        };
        if (!job->block) {
            t.k0 = 0;
            t.k1 = K;
            run_tile(pl, &t, fast, words);
            for (size_t r = 0; r < nr; r++) memcpy(acc[r], out + r * TW, TW * sizeof(float));
        } else {
            /* acc = +0; acc = fmaf(partial, fl32(blkA * blkB), acc) per block */
            for (size_t r = 0; r < nr; r++)
                for (size_t l = 0; l < TW; l++) acc[r][l] = 0.0f;
            for (size_t b = 0; b < nblocks; b++) {
                t.k0 = b * bsize;
                t.k1 = min_size(K, (b + 1) * bsize);
                run_tile(pl, &t, fast, words);
                for (size_t r = 0; r < nr; r++)
                    for (size_t h = 0; h < TW && j0 + h < pl->npad; h += 16) {
                        const __m512 fb = _mm512_loadu_ps(pl->fb + b * pl->npad + j0 + h);
                        const __m512 fac =
                            _mm512_mul_ps(_mm512_set1_ps(pl->fa[(i0 + r) * nblocks + b]), fb);
                        const __m512 part = _mm512_loadu_ps(out + r * TW + h);
                        _mm512_store_ps(acc[r] + h,
                                        _mm512_fmadd_ps(part, fac, _mm512_load_ps(acc[r] + h)));
                    }
            }
        }
        for (size_t r = 0; r < nr; r++) pb_simd_finish_row(&pl->fin, i0 + r, j0, nj, acc[r]);
    }
}

pb_status pb_simd_gemm_lowp(pb_gemm_job *job)
{
    const size_t M = job->m, N = job->n, K = job->k;
    const pb_accum *acc = &job->scheme->acc;
    pb_simd_operand a, b;
    pb_status st = pb_simd_operands_prepare(job, PB_SIMD_KIND_F32, true, &a, &b);
    if (st != PB_OK) return st == PB_ERR_UNSUPPORTED ? pb_gemm_model_run(job) : st;

    pb_simd_panels pan;
    lowp_stat *stats = NULL;
    st = pb_simd_panels_make(job, b.src.p, W, &pan);
    if (st != PB_OK) goto done;
    /* fb is read 16 columns at a time: npad is a multiple of W */
    stats = malloc((M + pan.npanels + 1) * sizeof *stats);
    if (!stats) {
        st = PB_ERR_NOMEM;
        goto panels;
    }
    const float *aq = a.src.p, *bq = b.src.p;
#pragma omp parallel for schedule(static) num_threads(job->threads)
    for (size_t i = 0; i < M + pan.npanels; i++) {
        if (i < M) {
            stats[i] = stat_of(aq + i * K, K);
        } else {
            const size_t p = i - M, jn = min_size(W, N - p * W);
            lowp_stat s = stat_of(bq + p * W * K, K);
            for (size_t j = 1; j < jn; j++) s = stat_merge(s, stat_of(bq + (p * W + j) * K, K));
            stats[i] = s;
        }
    }

    lowp_plan plan = {
        .job = job,
        .fmt = acc->fmt,
        .round = acc->round,
        .sr = acc->round.mode == PB_ROUND_SR,
        .sr_bits = acc->round.mode == PB_ROUND_SR_BITS,
        .fp16 = acc->model == &pb_accum_lowp_fp16,
        .bpanel = pan.bpanel,
        .fa = pan.fa,
        .fb = pan.fb,
        .npad = pan.npad,
        .npanels = pan.npanels,
        .sa = stats,
        .sb = stats + M,
        .keys = pb_philox_keys_make(job->ctx->seed),
        .fin = {.job = job, .out_identity = pb_simd_out_identity(job)},
    };
    /* P: products exact in binary32; an fp16 accumulator's SR needs every
     * product's lowest bit at 2^-56 or above (gemm_lowp.h) */
    plan.lmin_needed = plan.fp16 && (plan.sr || plan.sr_bits) ? -56 : -149;
    /* as the model: overflow to inf, the accumulator's seed and stream */
    plan.round.overflow = PB_OVERFLOW_INF;
    plan.round.seed = job->ctx->seed;
    plan.round.stream = job->acc_stream;

    plan.rows = plan.sr || plan.sr_bits ? PB_LOWP_R_SR : PB_LOWP_R_RN;
    const size_t R = plan.rows;
    const size_t ngroups = (M + R - 1) / R, ntiles = (pan.npanels + V - 1) / V;
    const size_t tpt = min_size(TILES_PER_TASK, ntiles ? ntiles : 1);
    const size_t per_group = ntiles ? (ntiles + tpt - 1) / tpt : 0, ntasks = ngroups * per_group;
    bool nomem = false;
#pragma omp parallel num_threads(job->threads)
    {
        const size_t words_bytes = PB_LOWP_WORDS_BYTES > KCH * NOUT * sizeof(uint32_t)
                                       ? PB_LOWP_WORDS_BYTES
                                       : KCH * NOUT * sizeof(uint32_t);
        float *ap = pb_simd_buf(PB_SIMD_BUF_APACK, K * R * sizeof(float) + 64 + words_bytes);
        uint32_t *words = ap ? (uint32_t *)(ap + (K * R + 15) / 16 * 16) : NULL;
        size_t packed = (size_t)-1;
        if (!ap) {
#pragma omp atomic write
            nomem = true;
        }
#pragma omp for schedule(dynamic, 1)
        for (size_t task = 0; task < ntasks; task++) {
            if (!ap) continue;
            const size_t g = task / per_group, q0 = (task % per_group) * tpt;
            const size_t i0 = g * R, nr = min_size(R, M - i0);
            if (packed != g) {
                /* A rows i0 .. i0+R-1 as [k][R], zero past M */
                for (size_t k = 0; k < K; k++)
                    for (size_t r = 0; r < R; r++)
                        ap[k * R + r] = r < nr ? aq[(i0 + r) * K + k] : 0.0f;
                packed = g;
            }
            lowp_task(&plan, i0, ap, q0, min_size(ntiles, q0 + tpt), words);
        }
    }
    if (nomem) st = PB_ERR_NOMEM;

panels:
    pb_simd_panels_free(&pan);
done:
    free(stats);
    pb_simd_operand_free(&a);
    pb_simd_operand_free(&b);
    return st;
}
