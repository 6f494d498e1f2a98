/* precbench accumulator: exact, a wide model: the exact sum of the exact
 * products of the dequantised values, rounded once into the output format
 * (env->out under env->out_round, random index env->out_index), through
 * the long accumulator of precbench/exact.h (its rules for NaN, inf and
 * the sign of an exact zero). */
#include "accum/accum_internal.h"
#include "precbench/exact.h"

static double exact_round(const pb_longacc *la, const pb_accum_env *env)
{
    const pb_format *out = env->out ? env->out : pb_format_by_name("fp32");
    return pb_longacc_round(la, out, &env->out_round, env->out_index);
}

/* Stochastic output modes need the output's own random index, which only
 * the long accumulator's rounding takes; the others use the fast exact
 * dot product (error-free transformations, long accumulator fallback). */
static bool stochastic(const pb_accum_env *env)
{
    return env->out_round.mode == PB_ROUND_SR ||
           env->out_round.mode == PB_ROUND_SR_BITS;
}

static double exact_dot_wide(const pb_accum *acc, const double *a,
                             const double *b, size_t n,
                             const pb_accum_env *env)
{
    if (!stochastic(env)) {
        const pb_format *out = env->out ? env->out : pb_format_by_name("fp32");
        return pb_exact_dot_f64(n, a, 1, b, 1, out, &env->out_round);
    }
    pb_longacc la;
    pb_longacc_init(&la);
    for (size_t k = 0; k < n; k++) pb_longacc_add_product(&la, a[k], b[k]);
    return exact_round(&la, env);
}

static double exact_dot(const pb_accum *acc, const float *a, const float *b,
                        size_t n, const pb_accum_env *env)
{
    if (!stochastic(env)) {
        const pb_format *out = env->out ? env->out : pb_format_by_name("fp32");
        return pb_exact_dot_f32(n, a, 1, b, 1, out, &env->out_round);
    }
    pb_longacc la;
    pb_longacc_init(&la);
    for (size_t k = 0; k < n; k++)
        pb_longacc_add_product(&la, (double)a[k], (double)b[k]);
    return exact_round(&la, env);
}

const pb_accum_model pb_accum_exact = {
    .name = "exact",
    .description = "exact sum of the dequantised products, one rounding into the output format",
    .syntax = "",
    .wide = true,
    .dot = exact_dot,
    .dot_wide = exact_dot_wide,
};
