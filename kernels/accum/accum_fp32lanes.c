/* precbench accumulator: fp32 in W interleaved lanes along K, then a fixed
 * halving reduction tree:
 *     lane l sums k = l, l + W, l + 2W, ... with fmaf, from +0;
 *     for h = W/2, W/4, ..., 1:  lane[l] = fl32(lane[l] + lane[l + h]), l < h
 *     result lane[0]
 * (for W = 16 the order of _mm512_reduce_add_ps: 256-bit halves, then
 * 128-bit halves, then pairs). */
#include <stdio.h>

#include "accum/accum_internal.h"
#include "scheme/spec.h"

enum { PB_LANES_MAX = 64 };

static pb_status lanes_parse(pb_accum *acc, const char *args)
{
    long w;
    if (!args || !pb_spec_long(args, 1, PB_LANES_MAX, &w)) return PB_ERR_PARSE;
    if (w & (w - 1)) return PB_ERR_PARSE; /* a power of two */
    acc->lanes = (int)w;
    return PB_OK;
}

static void lanes_print(const pb_accum *acc, char *buf, size_t size)
{
    snprintf(buf, size, "%d", acc->lanes);
}

/* The hardware FMA where the CPU has one (chosen at run time by the
 * compiler's ifunc resolver), the library's fmaf elsewhere: the same
 * correctly rounded result either way. */
__attribute__((target_clones("fma", "default")))
static double lanes_dot(const pb_accum *acc, const float *a, const float *b,
                        size_t n, const pb_accum_env *env)
{
    float lane[PB_LANES_MAX];
    size_t W = (size_t)acc->lanes;
    for (size_t l = 0; l < W; l++) lane[l] = 0.0f;
    for (size_t k = 0; k < n; k++) lane[k % W] = fmaf(a[k], b[k], lane[k % W]);
    for (size_t h = W / 2; h >= 1; h /= 2)
        for (size_t l = 0; l < h; l++) lane[l] = lane[l] + lane[l + h];
    return lane[0];
}

const pb_accum_model pb_accum_fp32lanes = {
    .name = "fp32lanes",
    .description = "fp32 in W interleaved FMA lanes, then a halving reduction tree",
    .syntax = ":W (a power of two, 1..64)",
    .parse = lanes_parse,
    .print = lanes_print,
    .dot = lanes_dot,
};
