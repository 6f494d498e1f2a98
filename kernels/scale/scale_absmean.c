/* precbench scaling: absmean (BitNet b1.58 weights): gamma = mean |x| over
 * the tensor (binary64 row sums in index order, added in row order), enc =
 * fl32(1 / gamma), outer = gamma; with ternary elements
 * q = RoundClip(x / gamma, -1, 1) (docs/schemes.md, section 3). */
#include <math.h>

#include "scale/scale_internal.h"

/* sum |x| over the operand: each row's binary64 sum in index order, then
 * the row sums in row order (deterministic, and the same whichever of the
 * operand's dimensions is contiguous: with rows strided, a run of rows is
 * summed side by side while K is walked). */
static double absmean_sum(const pb_scale_view *v)
{
    enum { RUN = 256 };
    double total = 0.0;
    if (v->rs == 1 && v->ks != 1) {
        double row[RUN];
        for (size_t r0 = 0; r0 < v->rows; r0 += RUN) {
            const size_t nr = v->rows - r0 < RUN ? v->rows - r0 : RUN;
            for (size_t r = 0; r < nr; r++) row[r] = 0.0;
            for (size_t kk = 0; kk < v->k; kk++) {
                const float *x = v->x + kk * v->ks + r0;
                for (size_t r = 0; r < nr; r++) row[r] += fabs((double)x[r]);
            }
            for (size_t r = 0; r < nr; r++) total += row[r];
        }
        return total;
    }
    for (size_t r = 0; r < v->rows; r++) {
        double row = 0.0;
        for (size_t kk = 0; kk < v->k; kk++) row += fabs((double)v->x[r * v->rs + kk * v->ks]);
        total += row;
    }
    return total;
}

static pb_status absmean_compute(const pb_scaling *s, const pb_format *elem,
                                 const pb_scale_view *v,
                              const pb_scaling_state *state, pb_scales *sc)
{
    double sum = absmean_sum(v);
    double count = (double)v->rows * (double)v->k;
    float gamma = count > 0 ? (float)(sum / count) : 0.0f;
    double enc = 1.0;
    float outer = 1.0f;
    if (gamma > 0.0f && isfinite(gamma)) {
        enc = (float)(1.0 / (double)gamma);
        outer = gamma;
    }
    for (size_t r = 0; r < v->rows; r++) {
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
