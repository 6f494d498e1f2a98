/* precbench scaling: absmean (BitNet b1.58 weights): gamma = mean |x| over
 * the tensor, enc = fl32(1 / gamma), outer = gamma; with ternary elements
 * q = RoundClip(x / gamma, -1, 1) (docs/schemes.md, section 3). */
#include <math.h>

#include "scale/scale_internal.h"

static pb_status absmean_compute(const pb_scaling *s, const pb_format *elem,
                                 const float *x, size_t rows, size_t k,
                                 size_t ldx, const pb_scaling_state *state,
                                 pb_scales *sc)
{
    /* binary64 sum in index order (row by row): deterministic. */
    double sum = 0.0;
    for (size_t r = 0; r < rows; r++)
        for (size_t j = 0; j < k; j++) sum += fabs((double)x[r * ldx + j]);
    double count = (double)rows * (double)k;
    float gamma = count > 0 ? (float)(sum / count) : 0.0f;
    double enc = 1.0;
    float outer = 1.0f;
    if (gamma > 0.0f && isfinite(gamma)) {
        enc = (float)(1.0 / (double)gamma);
        outer = gamma;
    }
    for (size_t r = 0; r < rows; r++) {
        sc->enc[r] = enc;
        sc->outer[r] = outer;
    }
    sc->amax = 0.0;
    return PB_OK;
}

static pb_status absmean_check(const pb_scaling *s, const pb_format *elem)
{
    return elem->spec.kind == PB_FORMAT_KIND_POW2 ? PB_ERR_UNSUPPORTED : PB_OK;
}

const pb_scaling_method pb_scaling_absmean = {
    .name = "absmean",
    .saturate = true,
    .description = "per tensor, mean |x| (BitNet b1.58 ternary weights): enc = 1 / mean|x|",
    .syntax = "",
    .check_format = absmean_check,
    .compute = absmean_compute,
};
