/* Tiles of the low-precision accumulators with stochastic rounding
 * (`fp16:sr`, `bf16:sr`, `sr:R`) on binary32 lanes, and the scalar model's
 * step for the rare lanes the vector step leaves to it.  Why the binary32
 * step is exact: gemm_lowp.h.
 *
 * Random words.  Output (i, j) at step k uses word (idx & 3) of the Philox
 * call with block idx >> 2, idx = (i*N + j)*K + k (simd/philox_avx512.h,
 * include/precbench/rng.h).  A stream is the 16 outputs of one row and
 * panel; lane l runs its own counter, so one 16-lane Philox call gives each
 * lane the words of 4 consecutive steps.  When every lane's first index is
 * a multiple of 4 (K and k0 multiples of 4) the call's four outputs are the
 * words of steps k .. k+3 as they are, and the words of the next batch of
 * PB_LOWP_KC steps are made while this batch's steps run (Philox is
 * independent work for the issue slots the steps' long dependency chains
 * leave); otherwise lane l is o_l = idx & 3 words into its block, step
 * k + t takes word o_l + t of the concatenated calls (three blends by the
 * bits of o_l), and a batch's words are made before its steps.  Four
 * streams go through Philox together, which hides its latency.
 *
 * A batch runs first with the pass steps (no rare lanes); if the pass saw
 * one (gemm_lowp.h: pb_lowp_pass_rare), the batch is redone from its
 * saved start with the full steps, which leave the rare lanes to the
 * scalar model. */
#include <string.h>

#include "accum/accum_internal.h"
#include "simd/gemm_lowp.h"

enum { R = PB_LOWP_R_SR, V = PB_LOWP_V, W = PB_LOWP_W, S = PB_LOWP_S, KC = PB_LOWP_KC };
enum { NG = KC / 4 + 1 }; /* Philox calls per stream a batch can need */

_Static_assert(KC % 4 == 0, "a batch is whole Philox calls");
_Static_assert(S % 4 == 0, "streams go four at a time");
_Static_assert(V == 2, "the tile loads two panels");

void pb_lowp_fix_lanes(const pb_lowp_tile *t, const float *old, float *neu, float a,
                       const float *b, size_t i, size_t j0, size_t k, unsigned lanes)
{
    const pb_gemm_job *job = t->job;
    while (lanes) {
        const int l = __builtin_ctz(lanes);
        lanes &= lanes - 1;
        const double v = pb_accum_add_odd((double)old[l], (double)a * (double)b[l]);
        const uint64_t idx = ((uint64_t)i * job->n + j0 + (size_t)l) * job->k + k;
        neu[l] = (float)pb_format_round(t->fmt, v, t->round, idx); /* a value of F */
    }
}

/* Per stream: the 64-bit Philox block of every lane as two 32-bit halves,
 * and the lanes' offsets into their blocks. */
typedef struct sr_ctr {
    __m512i lo[S], hi[S];
    __mmask16 odd[S], two[S]; /* bit 0 and bit 1 of o_l */
} sr_ctr;

static void ctr_init(const pb_lowp_tile *t, sr_ctr *c, bool *aligned)
{
    const pb_gemm_job *job = t->job;
    uint32_t lo[W], hi[W];
    *aligned = true;
    for (int s = 0; s < S; s++) {
        const size_t i = t->i0 + (size_t)(s / V), j = t->j0 + (size_t)(s % V) * W;
        __mmask16 odd = 0, two = 0;
        for (int l = 0; l < W; l++) {
            const uint64_t idx = ((uint64_t)i * job->n + j + (size_t)l) * job->k + t->k0;
            const uint64_t block = idx >> 2;
            lo[l] = (uint32_t)block;
            hi[l] = (uint32_t)(block >> 32) & 0x3fffffffu;
            odd |= (__mmask16)((idx & 1) << l);
            two |= (__mmask16)(((idx >> 1) & 1) << l);
        }
        c->lo[s] = _mm512_loadu_si512(lo);
        c->hi[s] = _mm512_loadu_si512(hi);
        c->odd[s] = odd;
        c->two[s] = two;
        if (odd | two) *aligned = false;
    }
}

/* The next block of a stream's lanes, carrying into the high half (the
 * block number wraps mod 2^62, as indices wrap mod 2^64). */
static inline void ctr_next(sr_ctr *c, int s)
{
    const __m512i one = _mm512_set1_epi32(1);
    const __m512i lo = _mm512_add_epi32(c->lo[s], one);
    const __mmask16 carry = _mm512_cmpeq_epi32_mask(lo, _mm512_setzero_si512());
    c->lo[s] = lo;
    c->hi[s] = _mm512_and_si512(_mm512_mask_add_epi32(c->hi[s], carry, c->hi[s], one),
                                _mm512_set1_epi32(0x3fffffff));
}

/* One Philox round of one stream (x0..x3: its four counter words). */
#define PB_LOWP_ROUND(x0, x1, x2, x3)                                             \
    do {                                                                          \
        __m512i hi0_, lo0_, hi1_, lo1_;                                           \
        pb_philox_mulhilo16(x0, m0, &hi0_, &lo0_);                                \
        pb_philox_mulhilo16(x2, m1, &hi1_, &lo1_);                                \
        x0 = _mm512_ternarylogic_epi32(hi1_, x1, k0, 0x96);                       \
        x2 = _mm512_ternarylogic_epi32(hi0_, x3, k1, 0x96);                       \
        x1 = lo1_;                                                                \
        x3 = lo0_;                                                                \
    } while (0)

/* Philox4x32-10 for streams s0 .. s0+3 at their current blocks, which then
 * advance by one; word w of stream s0 + q goes to out[q * ostride + w *
 * wstride] (vectors).  Four streams at once keep the multipliers busy
 * during each other's latency, with every value in a register. */
static inline __attribute__((always_inline)) void philox4(sr_ctr *c, int s0, uint32_t stream,
                                                          const pb_philox_keys *k, __m512i *out,
                                                          size_t ostride, size_t wstride)
{
    const __m512i m0 = _mm512_set1_epi64(PB_PHILOX_M0), m1 = _mm512_set1_epi64(PB_PHILOX_M1);
    const __m512i st = _mm512_set1_epi32((int)stream), z = _mm512_setzero_si512();
    __m512i a0 = c->lo[s0], a1 = c->hi[s0], a2 = st, a3 = z; /* draw 0: the first word */
    __m512i b0 = c->lo[s0 + 1], b1 = c->hi[s0 + 1], b2 = st, b3 = z;
    __m512i c0 = c->lo[s0 + 2], c1 = c->hi[s0 + 2], c2 = st, c3 = z;
    __m512i d0 = c->lo[s0 + 3], d1 = c->hi[s0 + 3], d2 = st, d3 = z;
    for (int q = 0; q < 4; q++) ctr_next(c, s0 + q);
#pragma GCC unroll 10
    for (int r = 0; r < 10; r++) {
        const __m512i k0 = _mm512_set1_epi32((int)k->k0[r]), k1 = _mm512_set1_epi32((int)k->k1[r]);
        PB_LOWP_ROUND(a0, a1, a2, a3);
        PB_LOWP_ROUND(b0, b1, b2, b3);
        PB_LOWP_ROUND(c0, c1, c2, c3);
        PB_LOWP_ROUND(d0, d1, d2, d3);
    }
    const __m512i res[4][4] = {
        {a0, a1, a2, a3}, {b0, b1, b2, b3}, {c0, c1, c2, c3}, {d0, d1, d2, d3}};
    for (int q = 0; q < 4; q++)
        for (int w = 0; w < 4; w++) out[(size_t)q * ostride + (size_t)w * wstride] = res[q][w];
}

/* Unaligned streams: the words of steps [0, len) of the batch (len <= KC)
 * into wv[t*S + s], shifted right by `shift` (r-bit SR).  loc[s] holds the
 * stream's calls of the batch, call 0 being the last one of the batch
 * before (made one ahead). */
static void make_words_unaligned(const pb_lowp_tile *t, sr_ctr *c, size_t len, int shift,
                                 __m512i *wv, __m512i *loc)
{
    const __m128i sh = _mm_cvtsi32_si128(shift);
    const size_t ng = (len + 3 + 3) / 4; /* calls covering positions < len + 3 */
    for (size_t g = 1; g < ng; g++)
        for (int s0 = 0; s0 < S; s0 += 4)
            philox4(c, s0, t->round->stream, t->keys, loc + (size_t)s0 * NG * 4 + g * 4, NG * 4, 1);
    for (int s = 0; s < S; s++) {
        const __m512i *z = loc + (size_t)s * NG * 4;
        for (size_t tt = 0; tt < len; tt++) {
            const __m512i lo = _mm512_mask_blend_epi32(c->odd[s], z[tt], z[tt + 1]);
            const __m512i hi = _mm512_mask_blend_epi32(c->odd[s], z[tt + 2], z[tt + 3]);
            const __m512i w = _mm512_mask_blend_epi32(c->two[s], lo, hi);
            wv[tt * S + (size_t)s] = _mm512_srl_epi32(w, sh);
        }
        /* the call holding position len + (0..3) of a full batch starts the
         * next one */
        for (int w = 0; w < 4; w++)
            loc[(size_t)s * NG * 4 + (size_t)w] = z[(ng - 1) * 4 + (size_t)w];
    }
}

/* Aligned streams: call j (0 <= j < KC/4 * S/4) of a batch: group j / (S/4)
 * of streams 4 (j % (S/4)) .. +3 into wv[t*S + s]. */
static inline __attribute__((always_inline)) void make_words_call(const pb_lowp_tile *t,
                                                                  sr_ctr *c, size_t j, bool bits,
                                                                  int shift, __m512i *wv)
{
    const size_t g = j / (S / 4), s0 = 4 * (j % (S / 4));
    __m512i *o = wv + g * 4 * S + s0;
    philox4(c, (int)s0, t->round->stream, t->keys, o, 1, S);
    if (bits) {
        const __m128i sh = _mm_cvtsi32_si128(shift);
        for (int q = 0; q < 4; q++)
            for (int w = 0; w < 4; w++) o[q + w * S] = _mm512_srl_epi32(o[q + w * S], sh);
    }
}

/* The lanes of a step that the scalar model redoes (cold). */
static __attribute__((noinline, cold)) void fix_step(const pb_lowp_tile *t, size_t k,
                                                     const __m512 old[R][V], __m512 neu[R][V],
                                                     const __mmask16 fix[R][V])
{
    for (int r = 0; r < R; r++)
        for (int v = 0; v < V; v++) {
            if (!fix[r][v]) continue;
            float o[W], n[W];
            _mm512_storeu_ps(o, old[r][v]);
            _mm512_storeu_ps(n, neu[r][v]);
            pb_lowp_fix_lanes(t, o, n, t->ap[k * R + (size_t)r], t->bp[v] + k * W,
                              t->i0 + (size_t)r, t->j0 + (size_t)v * W, k, fix[r][v]);
            neu[r][v] = _mm512_loadu_ps(n);
        }
}

static inline __attribute__((always_inline)) void sr_tile(const pb_lowp_tile *t, bool fp16,
                                                          bool bits)
{
    enum { CALLS = KC / 4 * (S / 4) }; /* philox4 calls per batch */
    const int rb = t->round->sr_bits < 1 ? 1 : t->round->sr_bits > 24 ? 24 : t->round->sr_bits;
    const int shift = bits ? 32 - rb : 0;
    /* two batches of words (the steps read one while the next is made),
     * then the unaligned streams' calls */
    __m512i *wbuf[2] = {(__m512i *)t->words, (__m512i *)t->words + KC * S};
    __m512i *loc = (__m512i *)t->words + 2 * KC * S;
    sr_ctr c;
    bool aligned;
    ctr_init(t, &c, &aligned);
    if (aligned) {
        for (size_t j = 0; j < CALLS; j++) make_words_call(t, &c, j, bits, shift, wbuf[0]);
    } else {
        /* the pending call of the first batch: the block of step k0 */
        for (int s0 = 0; s0 < S; s0 += 4)
            philox4(&c, s0, t->round->stream, t->keys, loc + (size_t)s0 * NG * 4, NG * 4, 1);
    }
    __m512 s[R][V];
    for (int r = 0; r < R; r++)
        for (int v = 0; v < V; v++) s[r][v] = _mm512_setzero_ps();
    const float *ap = t->ap;
    int cur = 0;
    for (size_t kc = t->k0; kc < t->k1; kc += KC, cur ^= 1) {
        const size_t len = t->k1 - kc < KC ? t->k1 - kc : KC;
        const bool more = kc + KC < t->k1;
        __m512i *wv = wbuf[cur];
        if (!aligned) make_words_unaligned(t, &c, len, shift, wv, loc);
        /* first pass: no rare lanes expected */
        __m512 s0[R][V];
        __m512i tie = _mm512_set1_epi32(-1), lo = tie, hi = _mm512_setzero_si512();
#pragma GCC unroll 16
        for (int r = 0; r < R; r++)
#pragma GCC unroll 4
            for (int v = 0; v < V; v++) s0[r][v] = s[r][v];
        for (size_t tt = 0; tt < len; tt++) {
            const size_t k = kc + tt;
            /* the next batch's words, spread over this one's steps: Philox
             * fills the issue slots the steps' long dependency chains leave */
            if (aligned && more && (tt * CALLS) / KC != ((tt + 1) * CALLS) / KC)
                make_words_call(t, &c, (tt * CALLS) / KC, bits, shift, wbuf[cur ^ 1]);
            const __m512 b[V] = {_mm512_load_ps(t->bp[0] + k * W),
                                 _mm512_load_ps(t->bp[1] + k * W)};
#pragma GCC unroll 16
            for (int r = 0; r < R; r++) {
                const __m512 a = _mm512_set1_ps(ap[k * R + (size_t)r]);
#pragma GCC unroll 4
                for (int v = 0; v < V; v++) {
                    const __m512 p = _mm512_mul_ps(a, b[v]); /* exact (P) */
                    const __m512i w = _mm512_load_si512(wv + tt * S + (size_t)(r * V + v));
                    s[r][v] = fp16
                                  ? pb_lowp_sr_fp16_pass(s[r][v], p, w, bits, shift, &tie, &lo, &hi)
                                  : pb_lowp_sr_bf16_pass(s[r][v], p, w, bits, shift, &tie);
                }
            }
        }
        bool rare = !bits && _mm512_cmpeq_epi32_mask(tie, _mm512_setzero_si512());
        for (int r = 0; r < R; r++)
            for (int v = 0; v < V; v++) rare = rare || pb_lowp_pass_rare(fp16, s[r][v], lo, hi);
        if (__builtin_expect(!rare, 1)) continue;
        /* again, step by step, the rare lanes by the scalar model */
#pragma GCC unroll 16
        for (int r = 0; r < R; r++)
#pragma GCC unroll 4
            for (int v = 0; v < V; v++) s[r][v] = s0[r][v];
        for (size_t tt = 0; tt < len; tt++) {
            const size_t k = kc + tt;
            const __m512 b[V] = {_mm512_load_ps(t->bp[0] + k * W),
                                 _mm512_load_ps(t->bp[1] + k * W)};
            __m512 n[R][V];
            __mmask16 fix[R][V];
            unsigned any = 0;
            for (int r = 0; r < R; r++) {
                const __m512 a = _mm512_set1_ps(ap[k * R + (size_t)r]);
                for (int v = 0; v < V; v++) {
                    const __m512 p = _mm512_mul_ps(a, b[v]);
                    const __m512i w = _mm512_load_si512(wv + tt * S + (size_t)(r * V + v));
                    n[r][v] = fp16 ? pb_lowp_sr_fp16(s[r][v], p, w, bits, shift, &fix[r][v])
                                   : pb_lowp_sr_bf16(s[r][v], p, w, bits, shift, &fix[r][v]);
                    any |= fix[r][v];
                }
            }
            if (any) fix_step(t, k, s, n, fix);
            for (int r = 0; r < R; r++)
                for (int v = 0; v < V; v++) s[r][v] = n[r][v];
        }
    }
    for (int r = 0; r < R; r++)
        for (int v = 0; v < V; v++)
            _mm512_storeu_ps(t->out + (size_t)r * V * W + (size_t)v * W, s[r][v]);
}

void pb_lowp_tile_sr_bf16(const pb_lowp_tile *t)
{
    if (t->round->mode == PB_ROUND_SR_BITS)
        sr_tile(t, false, true);
    else
        sr_tile(t, false, false);
}

void pb_lowp_tile_sr_fp16(const pb_lowp_tile *t)
{
    if (t->round->mode == PB_ROUND_SR_BITS)
        sr_tile(t, true, true);
    else
        sr_tile(t, true, false);
}
