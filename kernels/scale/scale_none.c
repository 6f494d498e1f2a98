/* precbench scaling: none.  Values are quantised as they are (enc = 1),
 * with the format's own overflow policy (docs/schemes.md, section 3). */
#include "scale/scale_internal.h"

static pb_status none_compute(const pb_scaling *s, const pb_format *elem,
                              const pb_scale_view *v,
                              const pb_scaling_state *state, pb_scales *sc)
{
    for (size_t r = 0; r < v->rows; r++) {
        sc->enc[r] = 1.0;
        sc->outer[r] = 1.0f;
    }
    sc->amax = 0.0;
    return PB_OK;
}

const pb_scaling_method pb_scaling_none = {
    .name = "none",
    .description = "no scaling: values quantised as they are, the format's overflow policy",
    .syntax = "",
    .compute = none_compute,
};
