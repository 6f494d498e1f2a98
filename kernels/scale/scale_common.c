/* precbench: pieces shared by the scaling methods. */
#include <float.h>
#include <math.h>
#include <omp.h>
#include <stdbool.h>

#include "scale/scale_internal.h"
#include "simd/amax_simd.h"
#include "simd/convert_simd.h"
#include "scheme/spec.h"

/* Lanes of the amax loops: a fixed count the compiler turns into vector
 * registers.  A lane keeps max(|x|), a NaN winning and staying (no value
 * is greater than a NaN). */
enum { AMAX_LANES = 16 };
/* Operands smaller than this are scanned by the calling thread alone. */
enum { PAR_MIN = 1 << 16 };

static inline float amax_step(float m, float x)
{
    float v = fabsf(x);
    return (v > m || v != v) ? v : m;
}

/* max |x[i]| over n contiguous floats, NaN if one is NaN. */
static float amax_run(const float *restrict x, size_t n)
{
    float m[AMAX_LANES] = {0};
    size_t i = 0;
    for (; i + AMAX_LANES <= n; i += AMAX_LANES)
        for (int j = 0; j < AMAX_LANES; j++) m[j] = amax_step(m[j], x[i + j]);
    float r = 0.0f;
    for (; i < n; i++) r = amax_step(r, x[i]);
    for (int j = 0; j < AMAX_LANES; j++) r = amax_step(r, m[j]);
    return r;
}

/* Whether the AVX-512 scans may run (the detection is cached). */
static bool simd_ok(void)
{
    return pb_simd_level_detect() != PB_SIMD_NONE;
}

double pb_scale_amax(const float *x, size_t n, size_t stride)
{
    if (stride == 1) return (double)(simd_ok() ? pb_amax_avx512(x, n) : amax_run(x, n));
    float m = 0.0f;
    for (size_t i = 0; i < n; i++) m = amax_step(m, x[i * stride]);
    return (double)m;
}

double pb_scale_view_amax(const pb_scale_view *v)
{
    if (v->rows == 0 || v->k == 0) return 0.0;
    /* memory order: the contiguous dimension inside */
    const bool by_row = v->ks == 1 || v->rs != 1;
    const size_t outer = by_row ? v->rows : v->k, inner = by_row ? v->k : v->rows;
    const size_t so = by_row ? v->rs : v->ks, si = by_row ? v->ks : v->rs;
    double m = 0.0;
    bool nan = false;
#pragma omp parallel for schedule(static) reduction(max : m) reduction(|| : nan) \
    num_threads(v->threads > 0 ? v->threads : omp_get_max_threads()) \
    if (v->rows * v->k >= PAR_MIN)
    for (size_t o = 0; o < outer; o++) {
        double a = pb_scale_amax(v->x + o * so, inner, si);
        if (a != a) nan = true;
        else if (a > m) m = a;
    }
    return nan ? NAN : m;
}

/* Per-row block maxima of a view whose rows are strided and whose columns
 * are contiguous (rs == 1): for each k, the rows r0 .. r1 of element k are
 * contiguous, so the maxima of a run of rows are kept in lanes side by
 * side.  out as in pb_scale_view_amax_blocks. */
static void amax_blocks_by_column(const pb_scale_view *v, size_t block, size_t nb,
                                  double *out)
{
    enum { RUN = 256 }; /* rows per run: their maxima stay in L1 */
    const size_t nruns = (v->rows + RUN - 1) / RUN;
#pragma omp parallel for schedule(static) \
    num_threads(v->threads > 0 ? v->threads : omp_get_max_threads()) \
    if (v->rows * v->k >= PAR_MIN)
    for (size_t run = 0; run < nruns; run++) {
        const size_t r0 = run * RUN, nr = v->rows - r0 < RUN ? v->rows - r0 : RUN;
        float m[RUN];
        for (size_t b = 0; b < nb; b++) {
            const size_t k0 = b * block, k1 = k0 + block < v->k ? k0 + block : v->k;
            for (size_t r = 0; r < nr; r++) m[r] = 0.0f;
            if (simd_ok()) {
                pb_amax_cols_avx512(v->x + k0 * v->ks + r0, v->ks, k1 - k0, nr, m);
            } else {
                for (size_t kk = k0; kk < k1; kk++) {
                    const float *x = v->x + kk * v->ks + r0;
                    for (size_t r = 0; r < nr; r++) m[r] = amax_step(m[r], x[r]);
                }
            }
            for (size_t r = 0; r < nr; r++) out[(r0 + r) * nb + b] = (double)m[r];
        }
    }
}

void pb_scale_view_amax_blocks(const pb_scale_view *v, size_t block, double *out)
{
    const size_t nb = v->k && block ? (v->k + block - 1) / block : 1;
    if (v->k == 0 || block == 0) {
        for (size_t r = 0; r < v->rows; r++) out[r * nb] = 0.0;
        return;
    }
    if (v->rs == 1 && v->ks != 1) {
        amax_blocks_by_column(v, block, nb, out);
        return;
    }
#pragma omp parallel for schedule(static) \
    num_threads(v->threads > 0 ? v->threads : omp_get_max_threads()) \
    if (v->rows * v->k >= PAR_MIN)
    for (size_t r = 0; r < v->rows; r++) {
        if (v->ks == 1 && simd_ok()) {
            pb_amax_blocks_avx512(v->x + r * v->rs, v->k, block, out + r * nb);
            continue;
        }
        for (size_t b = 0; b < nb; b++) {
            const size_t k0 = b * block, len = v->k - k0 < block ? v->k - k0 : block;
            out[r * nb + b] = pb_scale_amax(v->x + r * v->rs + k0 * v->ks, len, v->ks);
        }
    }
}

double pb_scale_te_enc(double fmax, double amax, int margin)
{
    if (!(amax > 0.0) || !isfinite(amax)) return 1.0;
    /* fmax and amax are floats, so the binary64 quotient rounds correctly
     * to binary32 (53 >= 2 * 24 + 2): this is fl32(fmax / amax). */
    float enc = (float)(fmax / amax);
    if (!isfinite(enc) || enc == 0.0f) return 1.0;
    /* The margin scales by a power of two: exact in binary64 even where
     * the multiplier leaves the float range (|margin| <= 64). */
    return ldexp((double)enc, -margin);
}

float pb_scale_dec_of(double enc)
{
    return (float)(1.0 / enc);
}

pb_status pb_scale_param_margin(pb_scaling *s, const char *key,
                                const char *value)
{
    long v;
    if (strcmp(key, "margin") != 0) return PB_ERR_PARSE;
    if (!pb_spec_long(value, -64, 64, &v)) return PB_ERR_PARSE;
    s->margin = (int)v;
    return PB_OK;
}

double pb_scale_quantise(const pb_scales *sc, const pb_format *elem,
                         const pb_rounding *r, size_t row, size_t kk,
                         float x, uint64_t index)
{
    size_t b = sc->block ? kk / sc->block : 0;
    double enc = sc->enc[row * sc->nblocks + b];
    pb_rounding rr = *r;
    if (sc->saturate) rr.overflow = PB_OVERFLOW_SAT;
    float y = (float)((double)x * enc);
    return pb_format_round(elem, (double)y, &rr, index);
}
