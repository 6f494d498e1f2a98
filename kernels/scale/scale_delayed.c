/* precbench scaling: per tensor, delayed (FP8 training recipes): the scale
 * comes from the largest amax of the last H calls, kept in a
 * pb_scaling_state; the current amax is recorded after the call
 * (docs/schemes.md, section 3). */
#include <stdio.h>
#include <string.h>

#include "scale/scale_internal.h"
#include "scheme/spec.h"

enum { PB_DELAYED_DEFAULT_H = 16, PB_DELAYED_MAX_H = 1 << 20 };

static void delayed_defaults(pb_scaling *s)
{
    s->history = PB_DELAYED_DEFAULT_H;
}

static pb_status delayed_param(pb_scaling *s, const char *key,
                               const char *value)
{
    if (strcmp(key, "h") == 0) {
        long v;
        if (!pb_spec_long(value, 1, PB_DELAYED_MAX_H, &v)) return PB_ERR_PARSE;
        s->history = (size_t)v;
        return PB_OK;
    }
    return pb_scale_param_margin(s, key, value);
}

static int delayed_print(const pb_scaling *s, char *buf, size_t size)
{
    /* parameters that differ from the defaults, in a fixed order */
    if (s->history != PB_DELAYED_DEFAULT_H && s->margin)
        return snprintf(buf, size, "h=%zu,margin=%d", s->history, s->margin);
    if (s->history != PB_DELAYED_DEFAULT_H)
        return snprintf(buf, size, "h=%zu", s->history);
    if (s->margin) return snprintf(buf, size, "margin=%d", s->margin);
    return snprintf(buf, size, "%s", "");
}

static pb_status delayed_compute(const pb_scaling *s, const pb_format *elem,
                                 const pb_scale_view *v,
                              const pb_scaling_state *state, pb_scales *sc)
{
    double current = pb_scale_view_amax(v);
    /* Without a state object the call falls back to current scaling. */
    double amax = state ? pb_scaling_state_amax(state) : current;
    double enc = pb_scale_te_enc(elem->max_finite, amax, s->margin);
    float dec = pb_scale_dec_of(enc);
    for (size_t r = 0; r < v->rows; r++) {
        sc->enc[r] = enc;
        sc->outer[r] = dec;
    }
    sc->amax = current;
    return PB_OK;
}

static pb_status delayed_check(const pb_scaling *s, const pb_format *elem)
{
    return elem->spec.kind == PB_FORMAT_KIND_POW2 ? PB_ERR_UNSUPPORTED : PB_OK;
}

const pb_scaling_method pb_scaling_delayed = {
    .name = "delayed",
    .saturate = true,
    .description = "per tensor, delayed: enc = fmax / max(amax history of H calls)",
    .syntax = "[:h=H,margin=M]",
    .defaults = delayed_defaults,
    .param = delayed_param,
    .print = delayed_print,
    .check_format = delayed_check,
    .compute = delayed_compute,
};
