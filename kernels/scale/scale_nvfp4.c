/* precbench scaling: NVFP4 (NVIDIA): blocks of 16 along K with an E4M3
 * scale, and an FP32 per-tensor scale that maps the block scales into the
 * E4M3 range:
 *     genc  = fl32(fmax * 448 / amax_tensor)     outer = fl32(1 / genc)
 *     s_b   = e4m3_rne_sat(fl32(fl32(amax_b / fmax) * genc))   blk = s_b
 *     enc_b = fl32(genc / s_b)                   (0 when s_b == 0)
 * fmax = 6 for e2m1 elements (docs/schemes.md, section 3). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "scale/scale_internal.h"
#include "scheme/spec.h"

enum { PB_NVFP4_DEFAULT_BLOCK = 16, PB_NVFP4_MAX_BLOCK = 4096 };

static void nvfp4_defaults(pb_scaling *s)
{
    s->block = PB_NVFP4_DEFAULT_BLOCK;
}

static pb_status nvfp4_param(pb_scaling *s, const char *key,
                             const char *value)
{
    long v;
    if (strcmp(key, "block") != 0) return PB_ERR_PARSE;
    if (!pb_spec_long(value, 1, PB_NVFP4_MAX_BLOCK, &v)) return PB_ERR_PARSE;
    s->block = (size_t)v;
    return PB_OK;
}

static int nvfp4_print(const pb_scaling *s, char *buf, size_t size)
{
    return s->block != PB_NVFP4_DEFAULT_BLOCK
               ? snprintf(buf, size, "block=%zu", s->block)
               : snprintf(buf, size, "%s", "");
}

static pb_status nvfp4_check(const pb_scaling *s, const pb_format *elem)
{
    return elem->spec.kind == PB_FORMAT_KIND_POW2 ? PB_ERR_UNSUPPORTED : PB_OK;
}

static pb_status nvfp4_compute(const pb_scaling *s, const pb_format *elem,
                               const pb_scale_view *v,
                              const pb_scaling_state *state, pb_scales *sc)
{
    const pb_format *e4m3 = pb_format_by_name("e4m3");
    if (!e4m3) return PB_ERR_UNKNOWN_FORMAT;
    pb_rounding sat = pb_rounding_default();
    sat.overflow = PB_OVERFLOW_SAT;
    double fmax = elem->max_finite;
    size_t nb = sc->nblocks, cells = v->rows * nb;
    /* the block maxima go into enc first, the e4m3 scales into blk: no
     * scratch memory (enc[cell] is last read where it is overwritten) */
    double *bamax = sc->enc;
    pb_scale_view_amax_blocks(v, sc->block, bamax);
    /* the tensor's amax: the largest block amax, NaN if any is NaN */
    double amax = 0.0;
    for (size_t cell = 0; cell < cells; cell++) {
        if (bamax[cell] != bamax[cell]) {
            amax = bamax[cell];
            break;
        }
        if (bamax[cell] > amax) amax = bamax[cell];
    }
    /* fmax * 448 is exact; the binary64 quotient of two floats rounds
     * correctly to float. */
    float genc = 1.0f;
    if (amax > 0.0 && isfinite(amax)) {
        float g = (float)(fmax * e4m3->max_finite / amax);
        if (isfinite(g) && g != 0.0f) genc = g;
    }
    float outer = (float)(1.0 / (double)genc);
    for (size_t r = 0; r < v->rows; r++) sc->outer[r] = outer;
    /* u = fl32(fl32(amax_b / fmax) * genc) for every block, then one bulk
     * e4m3 rounding (bit-identical to pb_format_round, element by element) */
    float *u = sc->blk;
    for (size_t cell = 0; cell < cells; cell++) {
        float t = (float)(bamax[cell] / fmax); /* fl32(amax_b / fmax) */
        u[cell] = (float)((double)t * (double)genc);
    }
    pb_status st = pb_round_f32(e4m3, u, u, cells, &sat, 0);
    if (st != PB_OK) return st;
    for (size_t cell = 0; cell < cells; cell++) {
        if (bamax[cell] != bamax[cell] || isinf(bamax[cell])) {
            sc->blk[cell] = NAN;
            sc->enc[cell] = NAN;
            continue;
        }
        float sb = u[cell]; /* sc->blk[cell] */
        sc->enc[cell] = sb == 0.0f ? 0.0 : (double)(float)((double)genc / sb);
    }
    sc->amax = amax;
    return PB_OK;
}

const pb_scaling_method pb_scaling_nvfp4 = {
    .name = "nvfp4",
    .saturate = true,
    .description = "NVFP4: blocks of 16 along K, E4M3 block scale and an FP32 tensor scale",
    .syntax = "[:block=B]",
    .block = true,
    .defaults = nvfp4_defaults,
    .param = nvfp4_param,
    .print = nvfp4_print,
    .check_format = nvfp4_check,
    .compute = nvfp4_compute,
};
