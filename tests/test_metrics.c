/* precbench tests: error metrics and classical bounds.
 *
 * Hand-made matrices whose metrics are known exactly: an exact C, a C one
 * ulp off in one entry, ulps of subnormals and of a low-precision output
 * format, the median of a known set, bounds computed by hand, non-finite
 * entries, norms near overflow; then random data against a direct
 * long-double computation, and thread-count independence. */
#include <float.h>
#include <math.h>
#include <omp.h>

#include "harness.h"
#include "precbench/format.h"
#include "precbench/metrics.h"

static const pb_format *fmt(const char *name)
{
    const pb_format *f = pb_format_by_name(name);
    if (!f) fprintf(stderr, "no format %s\n", name);
    return f;
}

static pb_metrics_input input(size_t m, size_t n, size_t k, const double *c, const double *cr)
{
    pb_metrics_input in;
    memset(&in, 0, sizeof in);
    in.m = m;
    in.n = n;
    in.k = k;
    in.c = c;
    in.c_ref = cr;
    return in;
}

static void test_ulp(void)
{
    const pb_format *f64 = fmt("fp64"), *f16 = fmt("fp16"), *e4m3 = fmt("e4m3");
    const pb_format *bf16 = fmt("bf16"), *i8 = fmt("int8"), *e2m1 = fmt("e2m1");
    PBT_REQUIRE(f64 && f16 && e4m3 && bf16 && i8 && e2m1, "formats");
    PBT_CHECK(pb_metrics_ulp(f64, 1.0) == 0x1p-52, "fp64 ulp(1)");
    PBT_CHECK(pb_metrics_ulp(f64, -1.5) == 0x1p-52, "fp64 ulp(-1.5)");
    PBT_CHECK(pb_metrics_ulp(f64, 0x1.fffffffffffffp-1) == 0x1p-53, "fp64 ulp(1-)");
    PBT_CHECK(pb_metrics_ulp(f64, DBL_MIN / 4) == 0x1p-1074, "fp64 subnormal");
    PBT_CHECK(pb_metrics_ulp(f64, 0.0) == 0x1p-1074, "fp64 ulp(0)");
    PBT_CHECK(pb_metrics_ulp(f64, DBL_MAX) == 0x1p971, "fp64 ulp(max)");
    PBT_CHECK(pb_metrics_ulp(f64, INFINITY) == 0x1p971, "fp64 ulp(inf)");
    PBT_CHECK(isnan(pb_metrics_ulp(f64, NAN)), "ulp(NaN)");
    PBT_CHECK(pb_metrics_ulp(f16, 65504.0) == 32.0, "fp16 ulp(max)");
    PBT_CHECK(pb_metrics_ulp(f16, 0x1p-20) == 0x1p-24, "fp16 subnormal");
    PBT_CHECK(pb_metrics_ulp(f16, 1e6) == 32.0, "fp16 beyond the range");
    PBT_CHECK(pb_metrics_ulp(bf16, 1.0) == 0x1p-7, "bf16 ulp(1)");
    PBT_CHECK(pb_metrics_ulp(bf16, 0x1p-130) == 0x1p-133, "bf16 subnormal");
    PBT_CHECK(pb_metrics_ulp(e4m3, 448.0) == 32.0, "e4m3 ulp(448)");
    PBT_CHECK(pb_metrics_ulp(e4m3, 0x1p-8) == 0x1p-9, "e4m3 subnormal");
    PBT_CHECK(pb_metrics_ulp(e4m3, 0x1p-6) == 0x1p-9, "e4m3 ulp(min normal)");
    PBT_CHECK(pb_metrics_ulp(e4m3, 0x1p-5) == 0x1p-8, "e4m3 ulp(2 min normal)");
    PBT_CHECK(pb_metrics_ulp(e2m1, 6.0) == 2.0, "e2m1 ulp(6)");
    PBT_CHECK(pb_metrics_ulp(e2m1, 0.25) == 0.5, "e2m1 ulp(0.25)");
    PBT_CHECK(pb_metrics_ulp(i8, 57.0) == 1.0, "int8 ulp");
}

static void test_exact(void)
{
    double cr[6] = {1.0, -2.5, 3e10, 0.0, 1e-300, -7.0};
    pb_metrics_input in = input(2, 3, 4, cr, cr);
    in.c_ref_out = cr;
    pb_error_metrics m;
    PBT_REQUIRE(pb_error_metrics_compute(&in, &m) == PB_OK, "status");
    PBT_CHECK(m.normwise == 0 && m.max_rel == 0 && m.median_rel == 0 && m.max_ulp == 0,
              "exact C: %g %g %g %g", m.normwise, m.max_rel, m.median_rel, m.max_ulp);
    PBT_CHECK(m.frac_correctly_rounded == 1.0, "frac %g", m.frac_correctly_rounded);
    PBT_CHECK(m.nonfinite == 0, "nonfinite");
    PBT_CHECK(isnan(m.bound_det) && isnan(m.bound_prob) && isnan(m.kappa),
              "no |A||B|: bounds are NaN");
    PBT_CHECK(m.u == 0x1p-53, "u of fp64 = %g", m.u);
}

/* One entry one ulp off, in fp64. */
static void test_one_ulp(void)
{
    double cr[4] = {3.0, 5.0, -0.75, 6.0}, c[4];
    memcpy(c, cr, sizeof c);
    c[2] = nextafter(-0.75, 0.0); // -0.75 + 2^-53
    pb_metrics_input in = input(2, 2, 1, c, cr);
    in.c_ref_out = cr;
    pb_error_metrics m;
    PBT_REQUIRE(pb_error_metrics_compute(&in, &m) == PB_OK, "status");
    PBT_CHECK(m.max_ulp == 1.0, "max_ulp %.17g", m.max_ulp);
    PBT_CHECK(m.max_rel == 0x1p-53 / 0.75, "max_rel %.17g", m.max_rel);
    PBT_CHECK(m.median_rel == 0.0, "median %.17g", m.median_rel);
    PBT_CHECK(m.frac_correctly_rounded == 0.75, "frac %g", m.frac_correctly_rounded);
    // ||C - C_ref|| / ||C_ref|| = 2^-53 / sqrt(9 + 25 + 0.5625 + 36).
    const double want = 0x1p-53 / sqrt(70.5625);
    PBT_CHECK(fabs(m.normwise - want) <= 4 * DBL_EPSILON * want, "normwise %.17g, want %.17g",
              m.normwise, want);
}

/* A low-precision output: ulps of bf16 and e4m3, subnormals included, and
 * correct rounding judged against the rounded reference. */
static void test_output_format(void)
{
    const pb_format *bf16 = fmt("bf16"), *e4m3 = fmt("e4m3");
    PBT_REQUIRE(bf16 && e4m3, "formats");
    // Exact values and their bf16 roundings (RNE); C is one of the neighbours.
    double cr[3] = {1.0 + 0x1p-10, 3.0 + 0x1p-6, -0x1p-130};
    double out[3] = {1.0, 3.0 + 0x1p-6, -0x1p-130};
    double c[3] = {1.0, 3.0 + 0x1p-6 + 0x1p-6, -0x1p-130 - 0x1p-133};
    pb_metrics_input in = input(1, 3, 10, c, cr);
    in.c_ref_out = out;
    in.out = bf16;
    pb_error_metrics m;
    PBT_REQUIRE(pb_error_metrics_compute(&in, &m) == PB_OK, "status");
    // Errors: 2^-10 / 2^-7 = 1/8 ulp; 2^-6 / 2^-6 = 1 ulp; 2^-133 / 2^-133 = 1.
    PBT_CHECK(m.max_ulp == 1.0, "bf16 max_ulp %.17g", m.max_ulp);
    PBT_CHECK(m.frac_correctly_rounded == 1.0 / 3.0, "bf16 frac %.17g", m.frac_correctly_rounded);
    PBT_CHECK(m.u == 0x1p-8, "bf16 u %g", m.u);

    // e4m3 subnormals: ulp 2^-9 below 2^-6.  2.5 ulps off at 3 * 2^-9.
    double er[2] = {3 * 0x1p-9, 0.0}, ec[2] = {3 * 0x1p-9 + 2.5 * 0x1p-9, 0x1p-9};
    in = input(2, 1, 1, ec, er);
    in.out = e4m3;
    PBT_REQUIRE(pb_error_metrics_compute(&in, &m) == PB_OK, "status");
    PBT_CHECK(m.max_ulp == 2.5, "e4m3 max_ulp %.17g", m.max_ulp);
    PBT_CHECK(m.max_rel == INFINITY, "x/0 is inf: %g", m.max_rel);
    PBT_CHECK(isnan(m.frac_correctly_rounded), "no rounded reference: NaN");
}

static void test_median(void)
{
    double cr[4] = {1, 1, 1, 1}, c[4] = {1 + 0x1p-3, 1 + 0x1p-2, 1 + 0x1p-1, 1};
    pb_metrics_input in = input(2, 2, 1, c, cr);
    pb_error_metrics m;
    PBT_REQUIRE(pb_error_metrics_compute(&in, &m) == PB_OK, "status");
    PBT_CHECK(m.median_rel == 0.1875, "even count: median %.17g", m.median_rel);
    PBT_CHECK(m.max_rel == 0.5, "max_rel %.17g", m.max_rel);
    in = input(1, 3, 1, c, cr);
    PBT_REQUIRE(pb_error_metrics_compute(&in, &m) == PB_OK, "status");
    PBT_CHECK(m.median_rel == 0.25, "odd count: median %.17g", m.median_rel);
}

/*   A = [1 -1  2]   B = [1 2]   C = A B = [0  4]   |A||B| = [2 4]
 *       [0  3 -1]       [1 0]             [3 -1]            [3 1]
 *                       [0 1]
 * ||C||_F^2 = 26, || |A||B| ||_F^2 = 30, K = 3. */
static void test_bounds(void)
{
    const double a[6] = {1, -1, 2, 0, 3, -1}, b[6] = {1, 2, 1, 0, 0, 1};
    const double cr[4] = {0, 4, 3, -1}, s[4] = {2, 4, 3, 1};
    const pb_format *f32 = fmt("fp32");
    PBT_REQUIRE(f32, "fp32");
    double abs_ab[4];
    PBT_CHECK(pb_metrics_abs_product(2, 2, 3, a, b, abs_ab) == PB_OK &&
                  memcmp(abs_ab, s, sizeof s) == 0,
              "|A||B| = [%g %g; %g %g]", abs_ab[0], abs_ab[1], abs_ab[2], abs_ab[3]);

    const double u = 0x1p-24;
    const double gamma = 3 * u / (1 - 3 * u), kappa = sqrt(30.0 / 26.0);
    for (int from_ab = 0; from_ab < 2; from_ab++) {
        pb_metrics_input in = input(2, 2, 3, cr, cr);
        in.out = f32; // u = 0: that of fp32
        if (from_ab) {
            in.a = a;
            in.b = b;
        } else {
            in.abs_ab = s;
        }
        pb_error_metrics m;
        PBT_REQUIRE(pb_error_metrics_compute(&in, &m) == PB_OK, "status");
        PBT_CHECK(m.u == u, "u %g", m.u);
        PBT_CHECK(fabs(m.kappa - kappa) <= 4 * DBL_EPSILON * kappa, "kappa %.17g want %.17g",
                  m.kappa, kappa);
        PBT_CHECK(fabs(m.bound_det - gamma * kappa) <= 8 * DBL_EPSILON * gamma * kappa,
                  "bound_det %.17g want %.17g", m.bound_det, gamma * kappa);
        PBT_CHECK(fabs(m.bound_prob - sqrt(3.0) * u * kappa) <= 8 * DBL_EPSILON * u * kappa,
                  "bound_prob %.17g want %.17g", m.bound_prob, sqrt(3.0) * u * kappa);
        // C_00 = 0 with (|A||B|)_00 = 2: the componentwise bound is infinite.
        PBT_CHECK(m.bound_det_comp == INFINITY && m.bound_prob_comp == INFINITY,
                  "componentwise bounds %g %g", m.bound_det_comp, m.bound_prob_comp);
    }
    // Without the zero entry: max (|A||B|)_ij / |C_ij| = max(1, 1, 1) over
    // the last three = 1, so the componentwise bounds are gamma_K and sqrt(K) u.
    pb_metrics_input in = input(1, 3, 3, cr + 1, cr + 1);
    in.abs_ab = s + 1;
    in.u = u;
    pb_error_metrics m;
    PBT_REQUIRE(pb_error_metrics_compute(&in, &m) == PB_OK, "status");
    PBT_CHECK(m.bound_det_comp == gamma && m.bound_prob_comp == sqrt(3.0) * u,
              "componentwise %.17g %.17g", m.bound_det_comp, m.bound_prob_comp);
    // K u >= 1: gamma_K is infinite.
    in.u = 0.5;
    PBT_REQUIRE(pb_error_metrics_compute(&in, &m) == PB_OK, "status");
    PBT_CHECK(m.bound_det == INFINITY, "K u >= 1: bound_det %g", m.bound_det);
}

static void test_nonfinite(void)
{
    double cr[4] = {1.0, INFINITY, NAN, 2.0}, c[4] = {1.0, INFINITY, NAN, NAN};
    pb_metrics_input in = input(1, 4, 2, c, cr);
    pb_error_metrics m;
    PBT_REQUIRE(pb_error_metrics_compute(&in, &m) == PB_OK, "status");
    PBT_CHECK(m.nonfinite == 1 && m.normwise == INFINITY && m.max_rel == INFINITY &&
                  m.max_ulp == INFINITY,
              "NaN where finite: %zu %g %g", m.nonfinite, m.normwise, m.max_rel);
    c[3] = 2.0; // now the special entries all match
    PBT_REQUIRE(pb_error_metrics_compute(&in, &m) == PB_OK, "status");
    PBT_CHECK(m.nonfinite == 0 && m.normwise == 0 && m.max_rel == 0 && m.median_rel == 0,
              "matching specials: %zu %g %g", m.nonfinite, m.normwise, m.max_rel);
    c[1] = -INFINITY;
    PBT_REQUIRE(pb_error_metrics_compute(&in, &m) == PB_OK, "status");
    PBT_CHECK(m.nonfinite == 0 && m.normwise == INFINITY && m.max_rel == INFINITY,
              "wrong infinity: %zu %g %g", m.nonfinite, m.normwise, m.max_rel);
}

/* Norms near the top and the bottom of the range do not overflow or flush. */
static void test_extreme_norms(void)
{
    double cr[2] = {0x1p1000, 0x1p1000}, c[2] = {0x1p1000 + 0x1p948, 0x1p1000};
    pb_metrics_input in = input(1, 2, 1, c, cr);
    pb_error_metrics m;
    PBT_REQUIRE(pb_error_metrics_compute(&in, &m) == PB_OK, "status");
    const double want = 0x1p-52 / sqrt(2.0);
    PBT_CHECK(fabs(m.normwise - want) <= 4 * DBL_EPSILON * want, "huge: %.17g want %.17g",
              m.normwise, want);
    double tr[2] = {0x1p-1000, -0x1p-1000}, tc[2] = {0x1p-1000, -0x1p-1000 + 0x1p-1052};
    in = input(2, 1, 1, tc, tr);
    PBT_REQUIRE(pb_error_metrics_compute(&in, &m) == PB_OK, "status");
    PBT_CHECK(fabs(m.normwise - want) <= 4 * DBL_EPSILON * want, "tiny: %.17g want %.17g",
              m.normwise, want);
    double zr[2] = {0, 0}, zc[2] = {0, 1e-300};
    in = input(1, 2, 1, zc, zr);
    PBT_REQUIRE(pb_error_metrics_compute(&in, &m) == PB_OK, "status");
    PBT_CHECK(m.normwise == INFINITY && m.median_rel == INFINITY,
              "C_ref = 0: %g %g", m.normwise, m.median_rel);
}

static void test_arguments(void)
{
    double x[1] = {1};
    pb_metrics_input in = input(1, 1, 1, NULL, x);
    pb_error_metrics m;
    PBT_CHECK(pb_error_metrics_compute(&in, &m) == PB_ERR_ARG, "NULL C");
    in = input(1, 1, 1, x, x);
    in.u = -1;
    PBT_CHECK(pb_error_metrics_compute(&in, &m) == PB_ERR_ARG, "negative u");
    in.u = NAN;
    PBT_CHECK(pb_error_metrics_compute(&in, &m) == PB_ERR_ARG, "NaN u");
    in = input(0, 0, 0, NULL, NULL);
    PBT_CHECK(pb_error_metrics_compute(&in, &m) == PB_OK && m.normwise == 0 && m.max_rel == 0,
              "empty");
}

/* Random data: every metric against a direct computation in long double. */
static uint64_t rng_state;
static double rand_normal(void)
{
    double s = 0;
    for (int i = 0; i < 12; i++) {
        rng_state = rng_state * 6364136223846793005u + 1442695040888963407u;
        s += (double)(rng_state >> 11) * 0x1p-53;
    }
    return s - 6;
}

static void test_random_against_direct(void)
{
    rng_state = pbt_seed();
    const size_t m = 23, n = 31, k = 40;
    double *a = malloc(m * k * sizeof *a), *b = malloc(k * n * sizeof *b);
    double *cr = malloc(m * n * sizeof *cr), *c = malloc(m * n * sizeof *c);
    for (size_t i = 0; i < m * k; i++) a[i] = rand_normal();
    for (size_t i = 0; i < k * n; i++) b[i] = rand_normal();
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < n; j++) {
            long double s = 0;
            float f = 0;
            for (size_t p = 0; p < k; p++) {
                s += (long double)a[i * k + p] * b[p * n + j];
                f += (float)(a[i * k + p] * b[p * n + j]);
            }
            cr[i * n + j] = (double)s;
            c[i * n + j] = f;
        }
    pb_metrics_input in = input(m, n, k, c, cr);
    in.a = a;
    in.b = b;
    in.u = 0x1p-24;
    pb_error_metrics got;
    PBT_REQUIRE(pb_error_metrics_compute(&in, &got) == PB_OK, "status");
    long double d2 = 0, r2 = 0, s2 = 0, max_rel = 0;
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < n; j++) {
            const long double d = (long double)c[i * n + j] - cr[i * n + j];
            long double s = 0;
            for (size_t p = 0; p < k; p++) s += fabsl((long double)a[i * k + p] * b[p * n + j]);
            d2 += d * d;
            r2 += (long double)cr[i * n + j] * cr[i * n + j];
            s2 += s * s;
            const long double rel = fabsl(d) / fabsl((long double)cr[i * n + j]);
            if (rel > max_rel) max_rel = rel;
        }
    const double normwise = (double)sqrtl(d2 / r2), kappa = (double)sqrtl(s2 / r2);
    PBT_CHECK(fabs(got.normwise - normwise) <= 1e-12 * normwise, "normwise %.17g vs %.17g",
              got.normwise, normwise);
    PBT_CHECK(fabs(got.max_rel - (double)max_rel) <= 1e-12 * (double)max_rel,
              "max_rel %.17g vs %.17g", got.max_rel, (double)max_rel);
    PBT_CHECK(fabs(got.kappa - kappa) <= 1e-12 * kappa, "kappa %.17g vs %.17g", got.kappa, kappa);
    // fp32 summation obeys the deterministic bound, componentwise and normwise.
    PBT_CHECK(got.normwise <= got.bound_det && got.max_rel <= got.bound_det_comp,
              "bound violated: %g > %g or %g > %g", got.normwise, got.bound_det, got.max_rel,
              got.bound_det_comp);

    // The same metrics with one thread and with several, bit for bit.
    const int threads = omp_get_max_threads();
    omp_set_num_threads(1);
    pb_error_metrics one;
    pb_error_metrics_compute(&in, &one);
    omp_set_num_threads(threads > 1 ? threads : 2);
    pb_error_metrics many;
    pb_error_metrics_compute(&in, &many);
    omp_set_num_threads(threads);
    PBT_CHECK(memcmp(&one, &many, sizeof one) == 0, "metrics depend on the thread count");
    free(a);
    free(b);
    free(c);
    free(cr);
}

int main(int argc, char **argv)
{
    pbt_init(argc, argv);
    PBT_RUN(test_ulp);
    PBT_RUN(test_exact);
    PBT_RUN(test_one_ulp);
    PBT_RUN(test_output_format);
    PBT_RUN(test_median);
    PBT_RUN(test_bounds);
    PBT_RUN(test_nonfinite);
    PBT_RUN(test_extreme_norms);
    PBT_RUN(test_arguments);
    PBT_RUN(test_random_against_direct);
    return pbt_finish();
}
