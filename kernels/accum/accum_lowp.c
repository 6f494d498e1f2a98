/* precbench accumulator: a low-precision accumulator (fp16 or bf16) rounded
 * after every addition, to nearest even (rn) or stochastically (sr, sr:R):
 *     s = +0;  for k: s = round_F(s + a_k * b_k, mode, index0 + k)
 * with the sum exact: one rounding per step, as a fused multiply-add in F.
 * The exact sum is rounded to odd at 53 bits first (TwoSum), which makes
 * every deterministic mode and r-bit SR exact (docs/schemes.md). */
#include <stdio.h>
#include <string.h>

#include "accum/accum_internal.h"

static pb_status lowp_parse(pb_accum *acc, const char *args, const char *fmt)
{
    acc->fmt = pb_format_by_name(fmt);
    if (!acc->fmt) return PB_ERR_UNKNOWN_FORMAT;
    acc->round = pb_rounding_default();
    if (!args || strcmp(args, "rn") == 0) return PB_OK;
    if (strcmp(args, "rne") == 0) return PB_ERR_PARSE; /* spelled rn here */
    pb_rounding r = pb_rounding_default();
    pb_status st = pb_round_mode_parse(args, &r);
    if (st != PB_OK) return st;
    if (r.mode != PB_ROUND_SR && r.mode != PB_ROUND_SR_BITS)
        return PB_ERR_UNKNOWN_MODE;
    acc->round = r;
    return PB_OK;
}

static pb_status fp16_parse(pb_accum *acc, const char *args)
{
    return lowp_parse(acc, args, "fp16");
}

static pb_status bf16_parse(pb_accum *acc, const char *args)
{
    return lowp_parse(acc, args, "bf16");
}

static void lowp_print(const pb_accum *acc, char *buf, size_t size)
{
    if (acc->round.mode == PB_ROUND_RNE) {
        snprintf(buf, size, "rn");
        return;
    }
    pb_round_mode_name(&acc->round, buf, size);
}

static bool lowp_stochastic(const pb_accum *acc)
{
    return acc->round.mode == PB_ROUND_SR || acc->round.mode == PB_ROUND_SR_BITS;
}

static double lowp_dot(const pb_accum *acc, const float *a, const float *b,
                       size_t n, const pb_accum_env *env)
{
    pb_rounding r = acc->round;
    r.overflow = PB_OVERFLOW_INF;
    r.seed = env->seed;
    r.stream = env->stream;
    double s = 0.0;
    for (size_t k = 0; k < n; k++) {
        double p = (double)a[k] * (double)b[k]; /* exact */
        double v = pb_accum_add_odd(s, p);
        s = pb_format_round(acc->fmt, v, &r, env->index0 + k);
    }
    return s;
}

const pb_accum_model pb_accum_lowp_fp16 = {
    .name = "fp16",
    .description = "fp16 accumulator rounded after every fused step (rn or sr)",
    .syntax = "[:rn|sr|sr:R]",
    .parse = fp16_parse,
    .print = lowp_print,
    .stochastic = lowp_stochastic,
    .dot = lowp_dot,
};

const pb_accum_model pb_accum_lowp_bf16 = {
    .name = "bf16",
    .description = "bf16 accumulator rounded after every fused step (rn or sr)",
    .syntax = "[:rn|sr|sr:R]",
    .parse = bf16_parse,
    .print = lowp_print,
    .stochastic = lowp_stochastic,
    .dot = lowp_dot,
};
