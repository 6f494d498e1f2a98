/* precbench scaling: per tensor, from the current amax (Transformer Engine
 * "current scaling"): enc = fl32(fmax / amax) * 2^-margin, outer =
 * fl32(1 / enc) (docs/schemes.md, section 3). */
#include <stdio.h>

#include "scale/scale_internal.h"

static int tensor_print(const pb_scaling *s, char *buf, size_t size)
{
    return s->margin ? snprintf(buf, size, "margin=%d", s->margin)
                     : snprintf(buf, size, "%s", "");
}

static pb_status tensor_compute(const pb_scaling *s, const pb_format *elem,
                                const pb_scale_view *v,
                              const pb_scaling_state *state, pb_scales *sc)
{
    double amax = pb_scale_view_amax(v);
    double enc = pb_scale_te_enc(elem->max_finite, amax, s->margin);
    float dec = pb_scale_dec_of(enc);
    for (size_t r = 0; r < v->rows; r++) {
        sc->enc[r] = enc;
        sc->outer[r] = dec;
    }
    sc->amax = amax;
    return PB_OK;
}

static pb_status tensor_check(const pb_scaling *s, const pb_format *elem)
{
    return elem->spec.kind == PB_FORMAT_KIND_POW2 ? PB_ERR_UNSUPPORTED : PB_OK;
}

const pb_scaling_method pb_scaling_tensor = {
    .name = "tensor",
    .saturate = true,
    .description = "per tensor, current amax: enc = fmax / amax (Transformer Engine)",
    .syntax = "[:margin=M]",
    .param = pb_scale_param_margin,
    .print = tensor_print,
    .check_format = tensor_check,
    .compute = tensor_compute,
};
