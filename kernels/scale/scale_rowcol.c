/* precbench scaling: per row of op(A) / per column of op(B): the tensor
 * rule applied to each K-long row.  With int8 elements this is absmax
 * int8 per-token scaling, enc = fl32(127 / amax_row) (docs/schemes.md). */
#include <stdio.h>
#include <stdlib.h>

#include "scale/scale_internal.h"

static int rowcol_print(const pb_scaling *s, char *buf, size_t size)
{
    return s->margin ? snprintf(buf, size, "margin=%d", s->margin)
                     : snprintf(buf, size, "%s", "");
}

static pb_status rowcol_compute(const pb_scaling *s, const pb_format *elem,
                                const pb_scale_view *v,
                              const pb_scaling_state *state, pb_scales *sc)
{
    double *amax = malloc((v->rows ? v->rows : 1) * sizeof *amax);
    if (!amax) return PB_ERR_NOMEM;
    pb_scale_view_amax_blocks(v, v->k, amax);
    for (size_t r = 0; r < v->rows; r++) {
        double enc = pb_scale_te_enc(elem->max_finite, amax[r], s->margin);
        sc->enc[r] = enc;
        sc->outer[r] = pb_scale_dec_of(enc);
    }
    free(amax);
    sc->amax = 0.0;
    return PB_OK;
}

static pb_status rowcol_check(const pb_scaling *s, const pb_format *elem)
{
    return elem->spec.kind == PB_FORMAT_KIND_POW2 ? PB_ERR_UNSUPPORTED : PB_OK;
}

const pb_scaling_method pb_scaling_rowcol = {
    .name = "rowcol",
    .saturate = true,
    .description = "per row of A / per column of B (per token, per channel): enc = fmax / amax of the row",
    .syntax = "[:margin=M]",
    .param = pb_scale_param_margin,
    .print = rowcol_print,
    .check_format = rowcol_check,
    .compute = rowcol_compute,
};
