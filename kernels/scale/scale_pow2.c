/* precbench scaling: a fixed power-of-two factor applied before
 * quantisation and removed after (static loss scaling as seen by a GEMM):
 * enc = 2^P, outer = 2^-P (docs/schemes.md, section 3). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "scale/scale_internal.h"
#include "scheme/spec.h"

static pb_status pow2_param(pb_scaling *s, const char *key, const char *value)
{
    long v;
    if (strcmp(key, "e") != 0) return PB_ERR_PARSE;
    /* |P| <= 126 keeps 2^-P a normal float. */
    if (!pb_spec_long(value, -126, 126, &v)) return PB_ERR_PARSE;
    s->exp = (int)v;
    return PB_OK;
}

static int pow2_print(const pb_scaling *s, char *buf, size_t size)
{
    return snprintf(buf, size, "e=%d", s->exp);
}

static pb_status pow2_compute(const pb_scaling *s, const pb_format *elem,
                              const pb_scale_view *v,
                              const pb_scaling_state *state, pb_scales *sc)
{
    for (size_t r = 0; r < v->rows; r++) {
        sc->enc[r] = ldexp(1.0, s->exp);
        sc->outer[r] = (float)ldexp(1.0, -s->exp);
    }
    sc->amax = 0.0;
    return PB_OK;
}

const pb_scaling_method pb_scaling_pow2 = {
    .name = "pow2",
    .description = "fixed factor 2^P before quantisation, removed after (static loss scale)",
    .syntax = ":e=P",
    .param = pow2_param,
    .print = pow2_print,
    .compute = pow2_compute,
};
