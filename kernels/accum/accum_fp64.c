/* precbench accumulator: fp64 in index order, a wide model: it sums the
 * dequantised values (docs/schemes.md, section 1):
 *     s = +0;  for k: s = fl64(s + fl64(a_k * b_k))
 * and the GEMM then rounds s into the output format. */
#include "accum/accum_internal.h"

static double fp64_dot_wide(const pb_accum *acc, const double *a,
                            const double *b, size_t n,
                            const pb_accum_env *env)
{
    double s = 0.0;
    for (size_t k = 0; k < n; k++) {
        double p = a[k] * b[k];
        s = s + p;
    }
    return s;
}

static double fp64_dot(const pb_accum *acc, const float *a, const float *b,
                       size_t n, const pb_accum_env *env)
{
    double s = 0.0;
    for (size_t k = 0; k < n; k++) {
        double p = (double)a[k] * (double)b[k];
        s = s + p;
    }
    return s;
}

const pb_accum_model pb_accum_fp64 = {
    .name = "fp64",
    .description = "fp64 in index order over the dequantised values",
    .syntax = "",
    .wide = true,
    .dot = fp64_dot,
    .dot_wide = fp64_dot_wide,
};
