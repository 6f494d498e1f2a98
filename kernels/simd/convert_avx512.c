/* AVX-512 bulk conversion of float32 arrays: 16 lanes at a time, 64
 * elements per Philox batch in the stochastic modes.
 *
 * The per-lane arithmetic is in convert_avx512_core.h; this file derives the
 * plan from a format and a rounding, runs the loops (one specialisation per
 * kind and rounding mode, so the mode's code is straight-line), and takes
 * the two hardware shortcuts that match the model bit for bit: vcvtps2ph for
 * fp16 under the IEEE-style modes, vcvtne2ps2bf16 for bf16 (in
 * convert_avx512bf16.c).  Lanes the vector code cannot decide (exact SR whose
 * first random word ties with a fraction longer than 32 bits) are redone by
 * the scalar model.
 */
#include <math.h>
#include <string.h>

#include "simd/convert_avx512_core.h"
#include "simd/convert_simd.h"

/* ---- the plan ------------------------------------------------------------ */

static float round_value(const pb_format *f, uint64_t code)
{
    return (float)pb_format_decode(f, code);
}

/* Fill *p for f and r (pb_convert_avx512_handles(f, r) holds).  Special
 * results (inf, NaN, overflow, zero and negatives in E8M0) are asked of the
 * scalar model once, so the lanes only blend them in. */
static void plan_make(pb_cv_plan *p, const pb_format *f, const pb_rounding *r)
{
    const pb_format_spec *s = &f->spec;
    memset(p, 0, sizeof *p);
    p->f = f;
    p->r = r;
    p->sr_shift = 32 - pb_sr_bits_of(r);
    const double big = ldexp(1.0, f->emax + 1); /* beyond max: overflow */
    for (int neg = 0; neg < 2; neg++) {
        double sg = neg ? -1.0 : 1.0;
        uint64_t inf = pb_format_encode(f, sg * (double)INFINITY, r, 0);
        uint64_t ovf = pb_format_encode(f, sg * big, r, 0);
        uint64_t nan = pb_format_encode(f, neg ? -(double)NAN : (double)NAN, r, 0);
        p->inf_code[neg] = (uint32_t)inf;
        p->inf_code64[neg] = inf;
        p->ovf_code[neg] = (uint32_t)ovf;
        p->inf_val[neg] = round_value(f, inf);
        p->ovf_val[neg] = round_value(f, ovf);
        p->nan_val[neg] = round_value(f, nan);
    }

    switch (s->kind) {
    case PB_FORMAT_KIND_FLOAT: {
        if (s->bits == 64) {
            p->kind = PB_CV_FP64;
            return;
        }
        if (s->man_bits == 23) {
            p->kind = PB_CV_FP32;
            p->nan_code = 0x00400000u; /* quiet bit; sign and payload kept */
            return;
        }
        const int m = s->man_bits, e = s->exp_bits;
        p->man = m;
        p->pad = pb_format_pad(f);
        p->kind = p->pad == 0 && s->subnormals && s->specials != PB_SPECIALS_FNUZ &&
                          s->bits <= 16
                      ? PB_CV_FLOAT : PB_CV_FLOATX;
        p->emin_b = f->emin + 127;
        p->c1 = 23 - m;
        p->c2 = 23 - m + p->emin_b;
        p->e1_lo = p->c2 - 31 > 1 ? p->c2 - 31 : 1;
        p->gadd = s->bias - 128;
        p->gmax = f->emax + s->bias;
        p->max_mag = (uint32_t)(f->max_code_finite >> p->pad);
        p->min_normal = s->subnormals ? 0 : 1u << m;
        p->sign = 1u << (s->bits - 1);
        p->neg_zero = s->specials != PB_SPECIALS_FNUZ;
        p->nan_shift = 23 - m;
        switch (s->specials) {
        case PB_SPECIALS_IEEE:
            p->nan_base = (uint32_t)((pb_bits_mask(e) << m) | (UINT64_C(1) << (m - 1)));
            p->nan_pay = (1u << m) - 1;
            p->nan_signed = true;
            break;
        case PB_SPECIALS_FN:
            p->nan_base = (uint32_t)pb_bits_mask(e + m);
            p->nan_signed = true;
            break;
        case PB_SPECIALS_FNUZ:
        case PB_SPECIALS_NONE:
            /* pad is 0 for these (pb_convert_avx512_handles). */
            p->nan_base = (uint32_t)f->nan_code;
            break;
        }
        p->dec_add = 127 - s->bias;
        p->dec_sub = (float)ldexp(1.0, f->emin - m);
        return;
    }
    case PB_FORMAT_KIND_POW2:
        p->kind = PB_CV_POW2;
        p->emin_b = f->emin + 127;
        p->c1 = 23; /* s = 23: the grid step is 2^e itself */
        p->c2 = 0;
        p->gadd = s->bias - 128;
        p->max_mag = (uint32_t)f->max_code_finite;
        p->low_code = (uint32_t)pb_format_encode(f, -1.0, r, 0);
        p->low_val = round_value(f, p->low_code);
        p->nan_code = (uint32_t)f->nan_code;
        p->dec_add = 127 - s->bias;
        return;
    case PB_FORMAT_KIND_INT:
        p->kind = PB_CV_INT;
        p->c1 = 8;   /* |x| < 2^16 here; larger saturate */
        p->c2 = 150; /* s = 150 - E: the grid step is 1 */
        p->e1_lo = 150 - 31;
        p->lim[0] = (uint32_t)s->int_max;
        p->lim[1] = (uint32_t)-(int64_t)s->int_min;
        p->code_mask = (uint32_t)pb_bits_mask(s->bits);
        return;
    }
}

/* ---- loops ------------------------------------------------------------------ */

typedef enum out_kind { OUT_U8, OUT_U16, OUT_U32, OUT_F32 } out_kind;

/* The first random words of 16 elements first .. first+15 for any first
 * (the loops use the 64-element batches, which need first % 4 == 0). */
static __m512i words_any(uint64_t first, const pb_rounding *r, const pb_philox_keys *k)
{
    uint32_t lo[16], hi[16], sel[16];
    for (int l = 0; l < 16; l++) {
        uint64_t idx = first + (uint64_t)l;
        lo[l] = (uint32_t)(idx >> 2);
        hi[l] = (uint32_t)(idx >> 34);
        sel[l] = (uint32_t)(idx & 3);
    }
    __m512i c0 = _mm512_loadu_si512(lo), c1 = _mm512_loadu_si512(hi);
    __m512i c2 = _mm512_set1_epi32((int)r->stream), c3 = _mm512_setzero_si512();
    pb_philox16(&c0, &c1, &c2, &c3, k);
    __m512i s = _mm512_loadu_si512(sel);
    __m512i w = c0;
    w = _mm512_mask_mov_epi32(w, _mm512_cmpeq_epi32_mask(s, _mm512_set1_epi32(1)), c1);
    w = _mm512_mask_mov_epi32(w, _mm512_cmpeq_epi32_mask(s, _mm512_set1_epi32(2)), c2);
    w = _mm512_mask_mov_epi32(w, _mm512_cmpeq_epi32_mask(s, _mm512_set1_epi32(3)), c3);
    return w;
}

/* Redo the lanes `fix` of the 16 elements at x[i..] (bits u, saved before
 * an in-place store) with the scalar model. */
static void fix_lanes(const pb_cv_plan *p, __m512i u, __mmask16 fix, void *out,
                      out_kind ok, size_t i, uint64_t first)
{
    float xs[16];
    _mm512_storeu_si512(xs, u);
    for (int l = 0; l < 16; l++) {
        if (!((fix >> l) & 1)) continue;
        uint64_t c = pb_format_encode(p->f, (double)xs[l], p->r, first + i + (size_t)l);
        switch (ok) {
        case OUT_U8: ((uint8_t *)out)[i + (size_t)l] = (uint8_t)c; break;
        case OUT_U16: { uint16_t v = (uint16_t)c; memcpy((uint16_t *)out + i + l, &v, 2); break; }
        case OUT_U32: { uint32_t v = (uint32_t)c; memcpy((uint32_t *)out + i + l, &v, 4); break; }
        case OUT_F32: ((float *)out)[i + (size_t)l] = round_value(p->f, c); break;
        }
    }
}

/* One vector of 16 elements x[i..] under `mask`. */
PB_CV_INLINE void vec16(const pb_cv_plan *p, const pb_cv_vec *v, const pb_cv_kind kind,
                        const int mode, const out_kind ok, const float *x, void *out,
                        size_t i, __mmask16 mask, __m512i w, uint64_t first)
{
    __m512i u = _mm512_maskz_loadu_epi32(mask, x + i);
    pb_cv_out o = pb_cv_core(v, kind, mode, ok == OUT_F32, u, w);
    switch (ok) {
    case OUT_U8: _mm512_mask_cvtepi32_storeu_epi8((uint8_t *)out + i, mask, o.code); break;
    case OUT_U16: _mm512_mask_cvtepi32_storeu_epi16((uint16_t *)out + i, mask, o.code); break;
    case OUT_U32: _mm512_mask_storeu_epi32((uint32_t *)out + i, mask, o.code); break;
    case OUT_F32: _mm512_mask_storeu_ps((float *)out + i, mask, o.val); break;
    }
    if (mode == PB_ROUND_SR && (o.fix & mask))
        fix_lanes(p, u, o.fix & mask, out, ok, i, first);
}

PB_CV_INLINE __mmask16 tail_mask(size_t left)
{
    return left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
}

/* x[0..n) -> out, element i with index first + i. */
PB_CV_INLINE void run(const pb_cv_plan *p, const pb_cv_kind kind, const int mode,
                      const out_kind ok, const float *x, void *out, size_t n,
                      uint64_t first)
{
    pb_cv_vec v;
    pb_cv_vec_make(p, &v);
    const bool sr = mode == PB_ROUND_SR || mode == PB_ROUND_SR_BITS;
    pb_philox_keys keys;
    if (sr) keys = pb_philox_keys_make(p->r->seed);
    __m512i w[4] = {v.zero, v.zero, v.zero, v.zero};
    size_t i = 0;
    if (sr && (first & 3)) {
        /* Up to 3 elements bring the index to a multiple of 4. */
        size_t head = (size_t)(4 - (first & 3));
        if (head > n) head = n;
        vec16(p, &v, kind, mode, ok, x, out, 0, tail_mask(head),
              words_any(first, p->r, &keys), first);
        i = head;
    }
    /* Batches of 64 elements (one Philox call per 4 indices, 16 lanes);
     * the last one masked. */
    for (; i + 64 <= n; i += 64) {
        if (sr) pb_philox16_words64(first + i, p->r->stream, 0, &keys, w);
        vec16(p, &v, kind, mode, ok, x, out, i, 0xFFFF, w[0], first);
        vec16(p, &v, kind, mode, ok, x, out, i + 16, 0xFFFF, w[1], first);
        vec16(p, &v, kind, mode, ok, x, out, i + 32, 0xFFFF, w[2], first);
        vec16(p, &v, kind, mode, ok, x, out, i + 48, 0xFFFF, w[3], first);
    }
    if (i < n) {
        if (sr) pb_philox16_words64(first + i, p->r->stream, 0, &keys, w);
        for (size_t q = 0; q < 4 && i + 16 * q < n; q++)
            vec16(p, &v, kind, mode, ok, x, out, i + 16 * q, tail_mask(n - i - 16 * q),
                  w[q], first);
    }
}

/* One function per (kind, mode) and output; the code widths a kind never
 * has are left out (PB_CV_FLOAT and POW2 codes fit in 16 bits, FP32's are
 * 32 bits wide). */
#define PB_CV_DEFINE(KIND, MODE, NAME)                                          \
    static void NAME(const pb_cv_plan *p, out_kind ok, const float *x,          \
                     void *out, size_t n, uint64_t first)                       \
    {                                                                           \
        const bool narrow = KIND == PB_CV_FLOAT || KIND == PB_CV_POW2;          \
        switch (ok) {                                                           \
        case OUT_U8:                                                            \
            if (KIND != PB_CV_FP32) run(p, KIND, MODE, OUT_U8, x, out, n, first); \
            break;                                                              \
        case OUT_U16:                                                           \
            if (KIND != PB_CV_FP32) run(p, KIND, MODE, OUT_U16, x, out, n, first); \
            break;                                                              \
        case OUT_U32:                                                           \
            if (!narrow) run(p, KIND, MODE, OUT_U32, x, out, n, first);         \
            break;                                                              \
        case OUT_F32: run(p, KIND, MODE, OUT_F32, x, out, n, first); break;     \
        }                                                                       \
    }
#define PB_CV_DEFINE_MODES(KIND, PFX)                                           \
    PB_CV_DEFINE(KIND, PB_ROUND_RNE, PFX##_rne)                                 \
    PB_CV_DEFINE(KIND, PB_ROUND_RNA, PFX##_rna)                                 \
    PB_CV_DEFINE(KIND, PB_ROUND_RTZ, PFX##_rtz)                                 \
    PB_CV_DEFINE(KIND, PB_ROUND_UP, PFX##_up)                                   \
    PB_CV_DEFINE(KIND, PB_ROUND_DOWN, PFX##_down)                               \
    PB_CV_DEFINE(KIND, PB_ROUND_SR, PFX##_sr)                                   \
    PB_CV_DEFINE(KIND, PB_ROUND_SR_BITS, PFX##_srb)                             \
    static void (*const PFX##_modes[])(const pb_cv_plan *, out_kind,            \
                                       const float *, void *, size_t,           \
                                       uint64_t) = {                            \
        [PB_ROUND_RNE] = PFX##_rne, [PB_ROUND_RNA] = PFX##_rna,                 \
        [PB_ROUND_RTZ] = PFX##_rtz, [PB_ROUND_UP] = PFX##_up,                   \
        [PB_ROUND_DOWN] = PFX##_down, [PB_ROUND_SR] = PFX##_sr,                 \
        [PB_ROUND_SR_BITS] = PFX##_srb};

PB_CV_DEFINE_MODES(PB_CV_FLOAT, cv_float)
PB_CV_DEFINE_MODES(PB_CV_FLOATX, cv_floatx)
PB_CV_DEFINE_MODES(PB_CV_POW2, cv_pow2)
PB_CV_DEFINE_MODES(PB_CV_INT, cv_int)

/* float32 itself: no rounding, one loop for every mode. */
PB_CV_DEFINE(PB_CV_FP32, PB_ROUND_RTZ, cv_fp32)

/* binary64: (double)x for every lane, NaNs quieted as the conversion does;
 * infinities become the policy's code (+-max under `sat`). */
static void cv_fp64(const pb_cv_plan *p, const float *x, uint64_t *codes, size_t n)
{
    const __m512i inf_p = _mm512_set1_epi64((long long)p->inf_code64[0]);
    const __m512i inf_n = _mm512_set1_epi64((long long)p->inf_code64[1]);
    for (size_t i = 0; i < n; i += 8) {
        __mmask8 m = n - i >= 8 ? (__mmask8)0xFF : (__mmask8)((1u << (n - i)) - 1);
        __m512d d = _mm512_cvtps_pd(_mm256_maskz_loadu_ps(m, x + i));
        __m512i c = _mm512_castpd_si512(d);
        /* fpclass 0x08: +inf, 0x10: -inf. */
        c = _mm512_mask_mov_epi64(c, _mm512_fpclass_pd_mask(d, 0x08), inf_p);
        c = _mm512_mask_mov_epi64(c, _mm512_fpclass_pd_mask(d, 0x10), inf_n);
        _mm512_mask_storeu_epi64(codes + i, m, c);
    }
}

/* fp16 under rne/rtz/up/down and the `inf` policy: vcvtps2ph rounds exactly
 * as the model does (IEEE 754 overflow, subnormals, NaN quieted with the
 * payload's top bits); `sat` and the other modes take the general loop. */
static bool fp16_hw(const pb_format *f, const pb_rounding *r)
{
    const pb_format_spec *s = &f->spec;
    return s->kind == PB_FORMAT_KIND_FLOAT && s->bits == 16 && s->exp_bits == 5 &&
           s->man_bits == 10 && s->bias == 15 && s->specials == PB_SPECIALS_IEEE &&
           s->subnormals && r->overflow == PB_OVERFLOW_INF &&
           (r->mode == PB_ROUND_RNE || r->mode == PB_ROUND_RTZ ||
            r->mode == PB_ROUND_UP || r->mode == PB_ROUND_DOWN);
}

#define PB_FP16_LOOP(IMM)                                                       \
    do {                                                                        \
        for (; i + 32 <= n; i += 32) {                                          \
            __m256i h0 = _mm512_cvtps_ph(_mm512_loadu_ps(x + i), IMM);          \
            __m256i h1 = _mm512_cvtps_ph(_mm512_loadu_ps(x + i + 16), IMM);     \
            _mm256_storeu_si256((__m256i *)(codes + i), h0);                    \
            _mm256_storeu_si256((__m256i *)(codes + i + 16), h1);               \
        }                                                                       \
        for (; i < n; i += 16) {                                                \
            __mmask16 m = tail_mask(n - i);                                     \
            __m256i h = _mm512_cvtps_ph(_mm512_maskz_loadu_ps(m, x + i), IMM);  \
            _mm256_mask_storeu_epi16(codes + i, m, h);                          \
        }                                                                       \
    } while (0)

static void cv_fp16_hw(const float *x, uint16_t *codes, size_t n, pb_round_mode mode)
{
    size_t i = 0;
    switch (mode) {
    case PB_ROUND_RTZ: PB_FP16_LOOP(_MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC); break;
    case PB_ROUND_UP: PB_FP16_LOOP(_MM_FROUND_TO_POS_INF | _MM_FROUND_NO_EXC); break;
    case PB_ROUND_DOWN: PB_FP16_LOOP(_MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC); break;
    default: PB_FP16_LOOP(_MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); break;
    }
}

/* ---- entry points ------------------------------------------------------------ */

static void dispatch(const pb_cv_plan *p, out_kind ok, const float *x, void *out,
                     size_t n, uint64_t first)
{
    const pb_round_mode mode = p->r->mode;
    switch (p->kind) {
    case PB_CV_FLOAT: cv_float_modes[mode](p, ok, x, out, n, first); break;
    case PB_CV_FLOATX: cv_floatx_modes[mode](p, ok, x, out, n, first); break;
    case PB_CV_POW2: cv_pow2_modes[mode](p, ok, x, out, n, first); break;
    case PB_CV_INT: cv_int_modes[mode](p, ok, x, out, n, first); break;
    case PB_CV_FP32: cv_fp32(p, ok, x, out, n, first); break;
    case PB_CV_FP64: break; /* handled by the callers */
    }
}

void pb_convert_f32_avx512(const pb_format *f, const float *x, void *codes,
                           size_t n, const pb_rounding *r, uint64_t first_index)
{
    if (n == 0) return;
    if (pb_convert_avx512bf16_takes(f, r)) {
        pb_convert_bf16_avx512bf16(x, codes, n);
        return;
    }
    if (fp16_hw(f, r)) {
        cv_fp16_hw(x, codes, n, r->mode);
        return;
    }
    pb_cv_plan p;
    plan_make(&p, f, r);
    if (p.kind == PB_CV_FP64) {
        cv_fp64(&p, x, codes, n);
        return;
    }
    out_kind ok = f->code_bytes == 1 ? OUT_U8 : f->code_bytes == 2 ? OUT_U16 : OUT_U32;
    dispatch(&p, ok, x, codes, n, first_index);
}

void pb_round_f32_avx512(const pb_format *f, const float *x, float *y,
                         size_t n, const pb_rounding *r, uint64_t first_index)
{
    if (n == 0) return;
    pb_cv_plan p;
    plan_make(&p, f, r);
    if (p.kind == PB_CV_FP64) { /* every float32 is a binary64 */
        if (y != x) memmove(y, x, n * sizeof *y);
        return;
    }
    dispatch(&p, OUT_F32, x, y, n, first_index);
}
