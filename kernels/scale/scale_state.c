/* precbench: the delayed-scaling state: a ring of the last H amax values
 * of one operand, as FP8 training recipes keep it. */
#include <math.h>
#include <stdlib.h>

#include "scale/scale_internal.h"

enum { PB_STATE_MAX_H = 1 << 20 };

struct pb_scaling_state {
    size_t history;  /* H                                      */
    size_t count;    /* values held, <= H                      */
    size_t next;     /* ring position of the next value        */
    double *amax;    /* H slots                                */
};

pb_status pb_scaling_state_create(size_t history_len, pb_scaling_state **out)
{
    if (!out) return PB_ERR_ARG;
    *out = NULL;
    if (history_len < 1 || history_len > PB_STATE_MAX_H) return PB_ERR_ARG;
    pb_scaling_state *st = calloc(1, sizeof *st);
    if (!st) return PB_ERR_NOMEM;
    st->amax = calloc(history_len, sizeof *st->amax);
    if (!st->amax) {
        free(st);
        return PB_ERR_NOMEM;
    }
    st->history = history_len;
    *out = st;
    return PB_OK;
}

void pb_scaling_state_destroy(pb_scaling_state *st)
{
    if (!st) return;
    free(st->amax);
    free(st);
}

void pb_scaling_state_reset(pb_scaling_state *st)
{
    if (!st) return;
    st->count = 0;
    st->next = 0;
}

void pb_scaling_state_push(pb_scaling_state *st, double amax)
{
    if (!st || !isfinite(amax) || amax < 0.0) return;
    st->amax[st->next] = amax;
    st->next = (st->next + 1) % st->history;
    if (st->count < st->history) st->count++;
}

double pb_scaling_state_amax(const pb_scaling_state *st)
{
    double m = 0.0;
    if (!st) return m;
    for (size_t i = 0; i < st->count; i++)
        if (st->amax[i] > m) m = st->amax[i];
    return m;
}

size_t pb_scaling_state_count(const pb_scaling_state *st)
{
    return st ? st->count : 0;
}

size_t pb_scaling_state_history(const pb_scaling_state *st)
{
    return st ? st->history : 0;
}
