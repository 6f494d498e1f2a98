/* Ill-conditioned dot products with a chosen condition number (reference.h).
 *
 * GenDot of Ogita, Rump and Oishi (SIAM J. Sci. Comput. 26(6), 2005,
 * Algorithm 6.1), with the exact running dot product taken from the long
 * accumulator (kernels/accum) instead of a fixed-precision emulation:
 *
 *   b = log2(cond), n2 = n / 2
 *   pairs 1..n2:     x_i, y_i uniform in (-1, 1) times 2^e_i, e_i random
 *                    integers in [0, b/2], e_1 = b/2 + 1 and e_n2 = 0, so the
 *                    largest products reach about 2^b
 *   pairs n2+1..n:   e_i falls linearly from b/2 to 0; x_i as above and
 *                    y_i = (r_i 2^e_i - fl(exact dot of pairs 1..i-1)) / x_i,
 *                    r_i uniform in (-1, 1): each step cancels the running
 *                    sum down to about 2^e_i
 *   shuffle the pairs.
 * The last step aims the final sum at 2 sum |x_i y_i| / cond (the sum of
 * the earlier |products|), so the condition number 2 sum |x_i y_i| / |x^T y|
 * lands near cond: within a factor of about 10 while the arithmetic can
 * resolve it (*achieved gives it exactly).
 */
#include <math.h>
#include <stdlib.h>

#include "precbench/exact.h"
#include "precbench/reference.h"
#include "precbench/rng.h"

/* Uniform in (-1, 1) from draw `k` of the generator. */
typedef struct gen_rng {
    uint64_t seed;
    uint32_t stream;
    uint64_t next;
} gen_rng;

static double sym_uniform(gen_rng *g)
{
    double u = pb_rng_uniform(g->seed, g->stream, g->next++, 0);
    return 2.0 * u - 1.0;
}

static uint64_t below(gen_rng *g, uint64_t n)
{
    double u = pb_rng_uniform(g->seed, g->stream, g->next++, 0);
    uint64_t v = (uint64_t)(u * (double)n);
    return v < n ? v : n - 1;
}

/* The generator, on doubles, with every value rounded through `to_f32`. */
static pb_status gendot(size_t n, double cond, uint64_t seed, uint32_t stream,
                        bool to_f32, double *x, double *y)
{
    gen_rng g = {seed, stream, 0};
    const double b = log2(cond);
    const size_t n2 = n / 2;
#define FIT(v) (to_f32 ? (double)(float)(v) : (v))
    /* First half: random exponents over [0, b/2]. */
    for (size_t i = 0; i < n2; i++) {
        int e;
        if (i == 0) e = (int)lround(b / 2) + 1;
        else if (i == n2 - 1) e = 0;
        else e = (int)lround(pb_rng_uniform(seed, stream, g.next++, 0) * b / 2);
        x[i] = FIT(ldexp(sym_uniform(&g), e));
        y[i] = FIT(ldexp(sym_uniform(&g), e));
    }
    /* Second half: cancel the exact running sum step by step. */
    pb_longacc acc, abs_acc;
    pb_longacc_init(&acc);
    pb_longacc_init(&abs_acc);
    for (size_t i = 0; i < n2; i++) {
        pb_longacc_add_product(&acc, x[i], y[i]);
        pb_longacc_add_product(&abs_acc, fabs(x[i]), fabs(y[i]));
    }
    const size_t rest = n - n2;
    for (size_t i = n2; i < n; i++) {
        double t = rest > 1 ? (double)(i - n2) / (double)(rest - 1) : 1.0;
        int e = (int)lround(b / 2 * (1.0 - t));
        double xi = FIT(ldexp(sym_uniform(&g), e));
        if (xi == 0) xi = FIT(ldexp(1.0, e));
        /* The running sum itself need not fit a float32: only x and y must. */
        double d = pb_longacc_round_f64(&acc, PB_ROUND_RNE);
        double target = FIT(ldexp(sym_uniform(&g), e));
        if (i == n - 1) {
            /* The last step sets the final sum: aim it at 2 sum|x y| / cond
             * so that the condition number lands near the request. */
            double a = pb_longacc_round_f64(&abs_acc, PB_ROUND_RNE);
            target = FIT(copysign(2.0 * (a / cond), target));
        }
        double yi = FIT((target - d) / xi);
        x[i] = xi;
        y[i] = yi;
        pb_longacc_add_product(&acc, xi, yi);
        pb_longacc_add_product(&abs_acc, fabs(xi), fabs(yi));
    }
#undef FIT
    /* Shuffle the pairs (Fisher-Yates). */
    for (size_t i = n - 1; i > 0; i--) {
        size_t j = (size_t)below(&g, (uint64_t)i + 1);
        double tx = x[i], ty = y[i];
        x[i] = x[j];
        y[i] = y[j];
        x[j] = tx;
        y[j] = ty;
    }
    return PB_OK;
}

double pb_dot_condition_f64(size_t n, const double *x, const double *y)
{
    pb_longacc sum, abs_sum;
    pb_longacc_init(&sum);
    pb_longacc_init(&abs_sum);
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i]) || !isfinite(y[i])) return NAN;
        pb_longacc_add_product(&sum, x[i], y[i]);
        pb_longacc_add_product(&abs_sum, fabs(x[i]), fabs(y[i]));
    }
    double den = fabs(pb_longacc_round_f64(&sum, PB_ROUND_RNE));
    double num = pb_longacc_round_f64(&abs_sum, PB_ROUND_RNE);
    if (num == 0) return 0.0;
    if (den == 0) return INFINITY;
    return 2.0 * (num / den);
}

pb_status pb_gen_illcond_dot_f64(size_t n, double cond, uint64_t seed,
                                 uint32_t stream, double *x, double *y,
                                 double *achieved)
{
    if (n < 6 || !x || !y || !(cond >= 1 && cond <= 1e300)) return PB_ERR_ARG;
    pb_status st = gendot(n, cond, seed, stream, false, x, y);
    if (st == PB_OK && achieved) *achieved = pb_dot_condition_f64(n, x, y);
    return st;
}

pb_status pb_gen_illcond_dot_f32(size_t n, double cond, uint64_t seed,
                                 uint32_t stream, float *x, float *y,
                                 double *achieved)
{
    if (n < 6 || !x || !y || !(cond >= 1 && cond <= 1e60)) return PB_ERR_ARG;
    double *dx = malloc(n * sizeof(double)), *dy = malloc(n * sizeof(double));
    if (!dx || !dy) {
        free(dx);
        free(dy);
        return PB_ERR_NOMEM;
    }
    pb_status st = gendot(n, cond, seed, stream, true, dx, dy);
    if (st == PB_OK) {
        for (size_t i = 0; i < n; i++) {
            x[i] = (float)dx[i];
            y[i] = (float)dy[i];
        }
        if (achieved) *achieved = pb_dot_condition_f64(n, dx, dy);
    }
    free(dx);
    free(dy);
    return st;
}
