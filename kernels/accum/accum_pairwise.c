/* precbench accumulator: pairwise (recursive halving) summation in fp32 of
 * the fp32-rounded products p_k = fl32(a_k * b_k):
 *     P(p, 0) = +0,  P(p, 1) = p_0,
 *     P(p, n) = fl32(P(p, h) + P(p + h, n - h)),  h = the largest power of
 *               two strictly below n
 * (the tree of a binary counter: blocks of 2^j aligned from the start). */
#include "accum/accum_internal.h"

static float pairwise(const float *a, const float *b, size_t n)
{
    if (n == 0) return 0.0f;
    if (n == 1) return a[0] * b[0];
    size_t h = 1;
    while (h * 2 < n) h *= 2;
    float left = pairwise(a, b, h);
    float right = pairwise(a + h, b + h, n - h);
    return left + right;
}

static double pairwise_dot(const pb_accum *acc, const float *a,
                           const float *b, size_t n, const pb_accum_env *env)
{
    return pairwise(a, b, n);
}

const pb_accum_model pb_accum_pairwise = {
    .name = "pairwise",
    .description = "fp32 pairwise summation of fp32 products (power-of-two split)",
    .syntax = "",
    .dot = pairwise_dot,
};
