/* precbench accumulator: fp32 in index order with fused multiply-add:
 *     s = +0;  for k: s = fmaf(a_k, b_k, s)
 * what a register-blocked FMA micro-kernel computes for each element of C
 * (one lane runs through K in order). */
#include "accum/accum_internal.h"

/* The hardware FMA where the CPU has one (chosen at run time by the
 * compiler's ifunc resolver), the library's fmaf elsewhere: the same
 * correctly rounded result either way. */
__attribute__((target_clones("fma", "default")))
static double fp32fma_dot(const pb_accum *acc, const float *a,
                          const float *b, size_t n, const pb_accum_env *env)
{
    float s = 0.0f;
    for (size_t k = 0; k < n; k++) s = fmaf(a[k], b[k], s);
    return s;
}

const pb_accum_model pb_accum_fp32fma = {
    .name = "fp32fma",
    .description = "fp32, index order, fused multiply-add (an FMA micro-kernel)",
    .syntax = "",
    .dot = fp32fma_dot,
};
