/* precbench accumulator: fp32 in index order, each product rounded to fp32
 * and then added (two roundings per term):
 *     s = +0;  for k: s = fl32(s + fl32(a_k * b_k))
 * exactly what a plain sequential float loop computes under
 * -ffp-contract=off. */
#include "accum/accum_internal.h"

static double fp32_dot(const pb_accum *acc, const float *a, const float *b,
                       size_t n, const pb_accum_env *env)
{
    float s = 0.0f;
    for (size_t k = 0; k < n; k++) {
        float p = a[k] * b[k];
        s = s + p;
    }
    return s;
}

const pb_accum_model pb_accum_fp32 = {
    .name = "fp32",
    .description = "fp32, index order, product rounded then added",
    .syntax = "",
    .dot = fp32_dot,
};
