/* precbench: rounding modes and overflow policies: defaults, names, parsing. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "precbench/format.h"

pb_rounding pb_rounding_default(void)
{
    return (pb_rounding){.mode = PB_ROUND_RNE, .sr_bits = 0,
                         .overflow = PB_OVERFLOW_INF, .seed = 0, .stream = 0};
}

static const struct {
    const char *name, *description;
} modes[] = {
    [PB_ROUND_RNE] = {"rne", "to nearest, ties to even"},
    [PB_ROUND_RNA] = {"rna", "to nearest, ties away from zero"},
    [PB_ROUND_RTZ] = {"rtz", "toward zero"},
    [PB_ROUND_UP] = {"up", "toward +infinity"},
    [PB_ROUND_DOWN] = {"down", "toward -infinity"},
    [PB_ROUND_SR] = {"sr", "stochastic, exact: P(away from the lower neighbour) = distance / gap"},
    [PB_ROUND_SR_BITS] = {"sr:R", "stochastic with R = 1..24 random bits: that probability truncated to a multiple of 2^-R"},
};
enum { MODE_COUNT = sizeof modes / sizeof modes[0] };

static const struct {
    const char *name, *description;
} overflows[] = {
    [PB_OVERFLOW_INF] = {"inf", "to inf where the format has it, else NaN where it has it, else +-max; "
                                "rtz and the inward directed mode give +-max"},
    [PB_OVERFLOW_SAT] = {"sat", "clamp to +-max (infinite inputs too)"},
};

pb_status pb_round_mode_parse(const char *text, pb_rounding *r)
{
    if (!text || !r) return PB_ERR_ARG;
    if (strncmp(text, "sr:", 3) == 0) {
        const char *digits = text + 3;
        if (*digits < '0' || *digits > '9') return PB_ERR_UNKNOWN_MODE;
        char *end;
        errno = 0;
        long v = strtol(digits, &end, 10);
        if (errno || *end || v < 1 || v > 24) return PB_ERR_UNKNOWN_MODE;
        r->mode = PB_ROUND_SR_BITS;
        r->sr_bits = (int)v;
        return PB_OK;
    }
    for (int i = 0; i < MODE_COUNT; i++)
        if (i != PB_ROUND_SR_BITS && strcmp(text, modes[i].name) == 0) {
            r->mode = (pb_round_mode)i;
            r->sr_bits = 0;
            return PB_OK;
        }
    return PB_ERR_UNKNOWN_MODE;
}

pb_status pb_overflow_parse(const char *text, pb_overflow *o)
{
    if (!text || !o) return PB_ERR_ARG;
    for (int i = 0; i < (int)(sizeof overflows / sizeof overflows[0]); i++)
        if (strcmp(text, overflows[i].name) == 0) {
            *o = (pb_overflow)i;
            return PB_OK;
        }
    return PB_ERR_UNKNOWN_MODE;
}

const char *pb_round_mode_name(const pb_rounding *r, char *buf, size_t size)
{
    if (!buf || size == 0) return "";
    if (!r || (unsigned)r->mode >= MODE_COUNT)
        snprintf(buf, size, "?");
    else if (r->mode == PB_ROUND_SR_BITS)
        snprintf(buf, size, "sr:%d", r->sr_bits);
    else
        snprintf(buf, size, "%s", modes[r->mode].name);
    return buf;
}

const char *pb_round_mode_description(pb_round_mode mode)
{
    return (unsigned)mode < MODE_COUNT ? modes[mode].description : NULL;
}

const char *pb_round_mode_syntax(pb_round_mode mode)
{
    return (unsigned)mode < MODE_COUNT ? modes[mode].name : NULL;
}

const char *pb_overflow_name(pb_overflow o)
{
    return (unsigned)o < sizeof overflows / sizeof overflows[0] ? overflows[o].name : NULL;
}

const char *pb_overflow_description(pb_overflow o)
{
    return (unsigned)o < sizeof overflows / sizeof overflows[0] ? overflows[o].description : NULL;
}

pb_status pb_rounding_check(const pb_rounding *r)
{
    if (!r) return PB_ERR_ARG;
    if ((unsigned)r->mode >= MODE_COUNT) return PB_ERR_UNKNOWN_MODE;
    if (r->mode == PB_ROUND_SR_BITS && (r->sr_bits < 1 || r->sr_bits > 24))
        return PB_ERR_ARG;
    if (r->overflow != PB_OVERFLOW_INF && r->overflow != PB_OVERFLOW_SAT)
        return PB_ERR_UNKNOWN_MODE;
    return PB_OK;
}
