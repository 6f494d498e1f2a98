/* precbench accumulator: Kahan compensated summation in fp32 of the
 * fp32-rounded products p_k = fl32(a_k * b_k):
 *     s = c = +0;  for k: y = p_k - c; t = s + y; c = (t - s) - y; s = t
 * every operation one fp32 rounding; the result is s. */
#include "accum/accum_internal.h"

static double kahan_dot(const pb_accum *acc, const float *a, const float *b,
                        size_t n, const pb_accum_env *env)
{
    float s = 0.0f, c = 0.0f;
    for (size_t k = 0; k < n; k++) {
        float p = a[k] * b[k];
        float y = p - c;
        float t = s + y;
        float d = t - s;
        c = d - y;
        s = t;
    }
    return s;
}

const pb_accum_model pb_accum_kahan = {
    .name = "kahan",
    .description = "fp32 Kahan compensated summation of fp32 products",
    .syntax = "",
    .dot = kahan_dot,
};
