/* Packing for the GEMM engine: sources -> micro-panels of 32-bit words
 * (layouts in gemm_pack.h).  Packing copies values exactly; quantisation
 * happened before (or, for F32, there is none).
 */
#include <immintrin.h>
#include <string.h>

#include "simd/gemm_pack.h"
#include "simd/transpose_avx512.h"

enum { MR = PB_SIMD_MR, NR = PB_SIMD_NR };

static inline uint32_t load_u32(const void *p)
{
    uint32_t w;
    memcpy(&w, p, 4);
    return w;
}

/* ---- A: MR rows, groups along k ------------------------------------------ */

static void pack_a_f32(const pb_simd_src *a, size_t i0, size_t mr, size_t k0, size_t kc,
                       uint32_t *dst)
{
    const float *src = a->p;
    if (a->trans) { /* op(A)(i, k) = src[k*ld + i]: each group is a contiguous run */
        for (size_t g = 0; g < kc; g++) {
            const float *row = src + (k0 + g) * a->ld + i0;
            memcpy(dst + g * MR, row, mr * sizeof(float));
            memset(dst + g * MR + mr, 0, (MR - mr) * sizeof(float));
        }
        return;
    }
    /* op(A)(i, k) = src[i*ld + k]: transpose 16 k at a time through registers. */
    size_t g = 0;
    if (mr == MR) {
        for (; g + 16 <= kc; g += 16) {
            __m512 r[MR];
            for (int i = 0; i < MR; i++) r[i] = _mm512_loadu_ps(src + (i0 + (size_t)i) * a->ld + k0 + g);
            float buf[MR][16] __attribute__((aligned(64)));
            for (int i = 0; i < MR; i++) _mm512_store_ps(buf[i], r[i]);
            for (int gg = 0; gg < 16; gg++)
                for (int i = 0; i < MR; i++) memcpy(dst + (g + (size_t)gg) * MR + i, &buf[i][gg], 4);
        }
    }
    for (; g < kc; g++) {
        for (size_t i = 0; i < mr; i++)
            dst[g * MR + i] = load_u32(src + (i0 + i) * a->ld + k0 + g);
        for (size_t i = mr; i < MR; i++) dst[g * MR + i] = 0;
    }
}

/* Words [g0, g0 + 16) of up to 16 rows (row r at rows + r*ld words, each
 * word xor `flip` and rotated left by `rot` bits) into a micro-panel:
 * word (g, r) at dst[g*width + r], through one register transpose. */
static inline void pack_words16(const uint32_t *rows, size_t ld, size_t nrows, size_t width,
                                uint32_t flip, int rot, uint32_t *dst)
{
    __m512 r[16];
    const __m512i vflip = _mm512_set1_epi32((int)flip);
    for (size_t i = 0; i < 16; i++) {
        __m512i w = i < nrows ? _mm512_loadu_si512(rows + i * ld) : _mm512_setzero_si512();
        w = _mm512_xor_si512(w, vflip);
        if (rot) w = _mm512_rol_epi32(w, 16);
        r[i] = _mm512_castsi512_ps(w);
    }
    pb_simd_transpose16_regs(r);
    const __mmask16 m = (__mmask16)(nrows >= 16 ? 0xffffu : (1u << nrows) - 1u);
    for (size_t t = 0; t < 16; t++) _mm512_mask_storeu_ps(dst + t * width, m, r[t]);
}

/* Compact sources (rows along K) -> micro-panel of `width` (MR or NR) rows:
 * word (g, r) at dst[g*width + r].  BF16: {hi = x[2g], lo = x[2g+1]} (the
 * little-endian load of two bf16 has them the other way round, hence the
 * rotation); the odd tail's lo is a_pad.  I8: bytes x[4g .. 4g+3], xor
 * `flip` (0x80808080 makes A's s8 into u8 + 128); the tail is padded with
 * pad bytes.  Rows past `count` get `fill`. */
static void pack_rows_bf16(const pb_simd_src *s, size_t r0, size_t count, size_t width,
                           size_t k0, size_t kc, uint16_t lo_pad, uint32_t *dst)
{
    const uint16_t *src = s->p;
    const size_t ng = (kc + 1) / 2, full = kc / 2, g16 = full / 16 * 16;
    /* whole runs of 16 groups: 16 rows at a time through a transpose (the
     * source rows are 4-byte aligned only if ld and k0 are even) */
    if (s->ld % 2 == 0 && k0 % 2 == 0)
        for (size_t rr = 0; rr < count; rr += 16)
            for (size_t g = 0; g < g16; g += 16)
                pack_words16((const uint32_t *)(src + (r0 + rr) * s->ld + k0 + 2 * g), s->ld / 2,
                             count - rr < 16 ? count - rr : 16, width, 0, 16, dst + g * width + rr);
    for (size_t r = 0; r < count; r++) {
        const uint16_t *row = src + (r0 + r) * s->ld + k0;
        size_t g = s->ld % 2 == 0 && k0 % 2 == 0 ? g16 : 0;
        for (; g < full; g++) {
            uint32_t w = load_u32(row + 2 * g);
            dst[g * width + r] = (w >> 16) | (w << 16);
        }
        if (full < ng) dst[full * width + r] = ((uint32_t)row[2 * full] << 16) | lo_pad;
    }
    for (size_t g = 0; g < ng; g++)
        for (size_t r = count; r < width; r++) dst[g * width + r] = 0;
}

static void pack_rows_i8(const pb_simd_src *s, size_t r0, size_t count, size_t width,
                         size_t k0, size_t kc, uint32_t flip, uint32_t *dst)
{
    const int8_t *src = s->p;
    const size_t ng = (kc + 3) / 4, full = kc / 4, g16 = full / 16 * 16;
    const bool aligned = s->ld % 4 == 0 && k0 % 4 == 0; /* rows of whole words */
    if (aligned)
        for (size_t rr = 0; rr < count; rr += 16)
            for (size_t g = 0; g < g16; g += 16)
                pack_words16((const uint32_t *)(src + (r0 + rr) * s->ld + k0 + 4 * g), s->ld / 4,
                             count - rr < 16 ? count - rr : 16, width, flip, 0, dst + g * width + rr);
    for (size_t r = 0; r < count; r++) {
        const int8_t *row = src + (r0 + r) * s->ld + k0;
        size_t g = aligned ? g16 : 0;
        for (; g < full; g++) dst[g * width + r] = load_u32(row + 4 * g) ^ flip;
        if (full < ng) {
            uint32_t w = 0; /* code 0 past K: B's zero makes the product 0 */
            for (size_t t = 0; t < kc - 4 * full; t++) w |= (uint32_t)(uint8_t)row[4 * full + t] << (8 * t);
            dst[full * width + r] = w ^ flip;
        }
    }
    for (size_t g = 0; g < ng; g++)
        for (size_t r = count; r < width; r++) dst[g * width + r] = flip;
}

void pb_simd_pack_a(pb_simd_kind kind, const pb_simd_src *a, size_t i0, size_t mr, size_t k0,
                    size_t kc, uint32_t *dst)
{
    switch (kind) {
    case PB_SIMD_KIND_F32: pack_a_f32(a, i0, mr, k0, kc, dst); break;
    case PB_SIMD_KIND_BF16: pack_rows_bf16(a, i0, mr, MR, k0, kc, 0x8000u, dst); break; /* lo: -0 */
    case PB_SIMD_KIND_I8: pack_rows_i8(a, i0, mr, MR, k0, kc, 0x80808080u, dst); break;
    }
}

/* ---- B: NR columns, groups along k ---------------------------------------- */

static void pack_b_f32(const pb_simd_src *b, size_t j0, size_t nr, size_t k0, size_t kc,
                       uint32_t *dst)
{
    const float *src = b->p;
    if (!b->trans) { /* op(B)(k, j) = src[k*ld + j]: rows are contiguous */
        const __mmask16 m0 = (__mmask16)(nr >= 16 ? 0xffff : (1u << nr) - 1);
        const __mmask16 m1 = (__mmask16)(nr >= 32 ? 0xffff : nr > 16 ? (1u << (nr - 16)) - 1 : 0);
        for (size_t g = 0; g < kc; g++) {
            const float *row = src + (k0 + g) * b->ld + j0;
            _mm512_storeu_ps(dst + g * NR, _mm512_maskz_loadu_ps(m0, row));
            _mm512_storeu_ps(dst + g * NR + 16, _mm512_maskz_loadu_ps(m1, row + 16));
        }
        return;
    }
    /* op(B)(k, j) = src[j*ld + k]: column j of op(B) is row j of src. */
    for (size_t j = 0; j < nr; j++) {
        const float *col = src + (j0 + j) * b->ld + k0;
        for (size_t g = 0; g < kc; g++) dst[g * NR + j] = load_u32(col + g);
    }
    for (size_t g = 0; g < kc; g++)
        for (size_t j = nr; j < NR; j++) dst[g * NR + j] = 0;
}

void pb_simd_pack_b(pb_simd_kind kind, const pb_simd_src *b, size_t j0, size_t nr, size_t k0,
                    size_t kc, uint32_t *dst)
{
    switch (kind) {
    case PB_SIMD_KIND_F32: pack_b_f32(b, j0, nr, k0, kc, dst); break;
    case PB_SIMD_KIND_BF16: pack_rows_bf16(b, j0, nr, NR, k0, kc, 0x0000u, dst); break; /* lo: +0 */
    case PB_SIMD_KIND_I8: pack_rows_i8(b, j0, nr, NR, k0, kc, 0, dst); break;
    }
}
