/* Operand preparation for the fast GEMM kernels (see gemm_pack_quant.h).
 *
 * The same values as pb_gemm_quantise (kernels/gemm/gemm_operand.c):
 *     y = (enc == 1) ? x : fl32(x * enc)       (binary64 product, exact)
 *     q = pb_round_f32(fmt, y, operand rounding, index r*K + kk)
 * computed a panel of rows at a time: the panel's rows view is gathered
 * into a thread-local buffer (through 16 x 16 register transposes when the
 * operand's rows are strided in memory), scaled in place, rounded by one
 * pb_round_f32 call (bit-identical to pb_format_round) and stored compactly.
 */
#include <immintrin.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "simd/gemm_pack_quant.h"
#include "simd/transpose_avx512.h"

/* Rows per panel: a multiple of 16 (the transpose tile), about PANEL_ELEMS
 * elements. */
enum { PANEL_ELEMS = 16384 };
/* Elements per pb_round_f32 call: below the size at which the bulk
 * conversion splits a call over threads (1 << 14 in kernels/format/convert.c). */
enum { ROUND_ELEMS = 4096 };

static size_t min_size(size_t a, size_t b) { return a < b ? a : b; }

/* buf (nrows x k, ld k) = rows r0 .. r0+nrows-1 of the operand's rows view,
 * element (r, kk) = x[r*rs + kk*ks]. */
static void gather_rows(const pb_gemm_operand *op, size_t r0, size_t nrows, float *buf)
{
    const size_t k = op->k;
    if (op->ks == 1) {
        for (size_t r = 0; r < nrows; r++) memcpy(buf + r * k, op->x + (r0 + r) * op->rs, k * 4);
        return;
    }
    /* rs == 1: element (r, kk) at x[kk*ks + r]; rows r0.. are contiguous
     * in each stored row kk. */
    const size_t ld = op->ks, kt = nrows == 16 ? k / 16 * 16 : 0;
    const float *x = op->x + r0;
    for (size_t k0 = 0; k0 < kt; k0 += 16) pb_simd_transpose16(x + k0 * ld, ld, buf + k0, k);
    for (size_t r = 0; r < nrows; r++)
        for (size_t kk = kt; kk < k; kk++) buf[r * k + kk] = x[kk * ld + r];
}

/* y = fl32(y * enc) for n elements (binary64 product: exact, both factors
 * having at most 24 significant bits; one rounding to float). */
static void scale_run(float *y, size_t n, double enc)
{
    if (enc == 1.0) return;
    const __m512d e = _mm512_set1_pd(enc);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m512d v = _mm512_cvtps_pd(_mm256_loadu_ps(y + i));
        _mm256_storeu_ps(y + i, _mm512_cvtpd_ps(_mm512_mul_pd(v, e)));
    }
    for (; i < n; i++) y[i] = (float)((double)y[i] * enc);
}

/* The encode multipliers of rows r0 .. r0+nrows-1 applied to buf. */
static void scale_rows(const pb_gemm_operand *op, size_t r0, size_t nrows, float *buf)
{
    const pb_scales *sc = &op->sc;
    const size_t k = op->k, blk = sc->block ? sc->block : k;
    for (size_t r = 0; r < nrows; r++)
        for (size_t b = 0; b * blk < k; b++) {
            size_t k0 = b * blk, len = min_size(k - k0, blk);
            scale_run(buf + r * k + k0, len, sc->enc[(r0 + r) * sc->nblocks + (sc->block ? b : 0)]);
        }
}

/* q (n floats, bf16 values) -> bf16 bits; a NaN becomes the quiet NaN
 * 0x7fc0 (a NaN payload in the low bits alone must not read as inf). */
static void store_bf16(const float *q, uint16_t *dst, size_t n)
{
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m512 v = _mm512_loadu_ps(q + i);
        __mmask16 nan = _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q);
        __m512i hi = _mm512_srli_epi32(_mm512_castps_si512(v), 16);
        hi = _mm512_mask_mov_epi32(hi, nan, _mm512_set1_epi32(0x7fc0));
        _mm256_storeu_si256((__m256i *)(dst + i), _mm512_cvtepi32_epi16(hi));
    }
    for (; i < n; i++) {
        uint32_t w;
        memcpy(&w, q + i, 4);
        dst[i] = isnan(q[i]) ? (uint16_t)0x7fc0u : (uint16_t)(w >> 16);
    }
}

/* q (n floats) -> int8 codes; false when one is not an integer in
 * [-128, 127] (NaN included). */
static bool store_i8(const float *q, int8_t *dst, size_t n)
{
    size_t i = 0;
    const __m512 lo = _mm512_set1_ps(-128.0f), hi = _mm512_set1_ps(127.0f);
    for (; i + 16 <= n; i += 16) {
        __m512 v = _mm512_loadu_ps(q + i);
        __m512i c = _mm512_cvttps_epi32(v);
        __mmask16 ok = _mm512_cmp_ps_mask(v, lo, _CMP_GE_OQ) & _mm512_cmp_ps_mask(v, hi, _CMP_LE_OQ) &
                       _mm512_cmp_ps_mask(v, _mm512_cvtepi32_ps(c), _CMP_EQ_OQ);
        if (ok != 0xffff) return false;
        _mm_storeu_si128((__m128i *)(dst + i), _mm512_cvtepi32_epi8(c));
    }
    for (; i < n; i++) {
        float v = q[i];
        if (!(v >= -128.0f && v <= 127.0f) || v != (float)(int)v) return false;
        dst[i] = (int8_t)(int)v;
    }
    return true;
}

pb_status pb_simd_operand_prepare(const pb_gemm_job *job, int which, pb_simd_kind kind,
                                  bool copy, pb_simd_operand *op)
{
    memset(op, 0, sizeof *op);
    const pb_gemm_operand *x = &job->op[which];
    const size_t rows = x->rows, k = x->k;

    if (!copy && kind == PB_SIMD_KIND_F32 && pb_scaling_is_none(&job->scheme->scale[which]) &&
        strcmp(x->fmt->spec.name, "fp32") == 0) {
        /* rows view (r, kk) = x[r*rs + kk*ks]; the engine's A reads
         * (i, k) at trans ? p[k*ld + i] : p[i*ld + k], its B (k, j) at
         * trans ? p[j*ld + k] : p[k*ld + j]. */
        bool contiguous = x->ks == 1;
        bool trans = which == 0 ? !contiguous : contiguous;
        op->src = (pb_simd_src){x->x, contiguous ? x->rs : x->ks, trans};
        return PB_OK;
    }

    const size_t elem = kind == PB_SIMD_KIND_F32 ? 4 : kind == PB_SIMD_KIND_BF16 ? 2 : 1;
    op->buf = pb_simd_buf(which == 0 ? PB_SIMD_BUF_A : PB_SIMD_BUF_B, rows * k * elem + 64);
    if (!op->buf) return PB_ERR_NOMEM;
    size_t step = k ? PANEL_ELEMS / k / 16 * 16 : rows; /* rows per panel */
    if (step < 16) step = 16;
    const size_t npanels = rows && step ? (rows + step - 1) / step : 0;
    bool fits = true, nomem = false;
#pragma omp parallel num_threads(job->threads) reduction(&& : fits) reduction(|| : nomem)
    {
        float *y = npanels ? pb_simd_buf(PB_SIMD_BUF_PANEL, step * k * sizeof(float) + 64) : NULL;
        if (npanels && !y) nomem = true;
#pragma omp for schedule(static)
        for (size_t p = 0; p < npanels; p++) {
            if (!y) continue;
            const size_t r0 = p * step, nr = min_size(rows - r0, step), n = nr * k;
            for (size_t s = 0; s < nr; s += 16)
                gather_rows(x, r0 + s, min_size(nr - s, 16), y + s * k);
            scale_rows(x, r0, nr, y);
            /* Pieces of ROUND_ELEMS: pb_round_f32 then runs on this thread
             * alone (a larger call would open a nested OpenMP team). */
            for (size_t off = 0; off < n; off += ROUND_ELEMS)
                if (pb_round_f32(x->fmt, y + off, y + off, min_size(n - off, ROUND_ELEMS),
                                 &x->round, (uint64_t)r0 * k + off) != PB_OK)
                    fits = false;
            switch (kind) {
            case PB_SIMD_KIND_F32: memcpy((float *)op->buf + r0 * k, y, n * sizeof(float)); break;
            case PB_SIMD_KIND_BF16: store_bf16(y, (uint16_t *)op->buf + r0 * k, n); break;
            case PB_SIMD_KIND_I8:
                if (!store_i8(y, (int8_t *)op->buf + r0 * k, n)) fits = false;
                break;
            }
        }
    }
    if (nomem || !fits) {
        pb_simd_operand_free(op);
        return nomem ? PB_ERR_NOMEM : PB_ERR_UNSUPPORTED;
    }
    /* rows along K: the F32 packers read B's rows view as its transpose */
    op->src = (pb_simd_src){op->buf, k, kind == PB_SIMD_KIND_F32 && which == 1};

    if (kind == PB_SIMD_KIND_I8 && which == 1) {
        const size_t nb = job->nblocks ? job->nblocks : 1;
        const size_t blk = job->block ? job->block : k;
        op->colsum = malloc((rows * nb + 1) * sizeof(int32_t));
        if (!op->colsum) {
            pb_simd_operand_free(op);
            return PB_ERR_NOMEM;
        }
        const int8_t *codes = op->buf;
#pragma omp parallel for schedule(static) num_threads(job->threads)
        for (size_t r = 0; r < rows; r++)
            for (size_t b = 0; b < nb; b++) {
                const int8_t *row = codes + r * k;
                size_t kk = b * blk;
                const size_t end = min_size(k, (b + 1) * blk);
                __m512i acc = _mm512_setzero_si512();
                for (; kk + 16 <= end; kk += 16)
                    acc = _mm512_add_epi32(acc, _mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)(row + kk))));
                uint32_t s = (uint32_t)_mm512_reduce_add_epi32(acc); /* modulo 2^32 */
                for (; kk < end; kk++) s += (uint32_t)(int32_t)row[kk];
                op->colsum[r * nb + b] = (int32_t)s;
            }
    }
    return PB_OK;
}

void pb_simd_operand_free(pb_simd_operand *op)
{
    free(op->colsum); /* buf is the thread's cached scratch (pb_simd_buf) */
    memset(op, 0, sizeof *op);
}

pb_status pb_simd_operands_prepare(const pb_gemm_job *job, pb_simd_kind kind, bool copy,
                                   pb_simd_operand *a, pb_simd_operand *b)
{
    pb_status st = pb_simd_operand_prepare(job, 0, kind, copy, a);
    if (st != PB_OK) return st;
    st = pb_simd_operand_prepare(job, 1, kind, copy, b);
    if (st != PB_OK) pb_simd_operand_free(a);
    return st;
}
