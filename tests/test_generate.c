/* precbench tests: random matrix generators.
 *
 * Names parse and print back; each distribution has the right support, mean,
 * variance and a few probabilities (tolerances of 6 standard errors, so a
 * correct generator fails about once in 10^8 runs); values are exact grid
 * points where promised; the same (seed, stream, index) gives the same value
 * whatever the thread count, the split into calls or the leading dimension,
 * and other seeds or streams give other values. */
#include <math.h>
#include <omp.h>

#include "harness.h"
#include "precbench/generate.h"

static const pb_dist real_dists[] = {PB_DIST_NORMAL, PB_DIST_UNIFORM, PB_DIST_UNIFORM01,
                                     PB_DIST_LOGNORMAL};
enum { REAL_DISTS = sizeof real_dists / sizeof real_dists[0] };

static void test_names(void)
{
    for (int d = 0; d < PB_DIST_COUNT; d++) {
        pb_dist got = PB_DIST_COUNT;
        const char *name = pb_dist_name((pb_dist)d);
        PBT_CHECK(name && pb_dist_parse(name, &got) == PB_OK && got == (pb_dist)d,
                  "round trip of %d", d);
    }
    pb_dist d;
    PBT_CHECK(pb_dist_parse("Normal", &d) == PB_ERR_PARSE, "case-sensitive");
    PBT_CHECK(pb_dist_parse("gauss", &d) == PB_ERR_PARSE, "unknown name");
    PBT_CHECK(pb_dist_parse("", &d) == PB_ERR_PARSE, "empty name");
    PBT_CHECK(pb_dist_parse(NULL, &d) == PB_ERR_ARG, "NULL name");
    PBT_CHECK(pb_dist_name(PB_DIST_COUNT) == NULL, "no name past the end");
    PBT_CHECK(strcmp(pb_dist_name(PB_DIST_UNIFORM01), "uniform01") == 0, "uniform01");
    PBT_CHECK(pb_dist_parse("illcond", &d) == PB_OK && d == PB_DIST_ILLCOND, "illcond parses");
    double x[4];
    float y[4];
    PBT_CHECK(pb_generate_f64(PB_DIST_ILLCOND, 1, 0, 0, x, 4) == PB_ERR_UNSUPPORTED,
              "illcond is not generated here");
    PBT_CHECK(pb_generate_f32(PB_DIST_ILLCOND, 1, 0, 0, y, 4) == PB_ERR_UNSUPPORTED,
              "illcond f32");
    PBT_CHECK(pb_generate_f64((pb_dist)17, 1, 0, 0, x, 4) == PB_ERR_ARG, "invalid dist");
    PBT_CHECK(pb_generate_f64(PB_DIST_NORMAL, 1, 0, 0, NULL, 4) == PB_ERR_ARG, "NULL x");
    PBT_CHECK(pb_generate_matrix_f64(PB_DIST_NORMAL, 1, 0, 2, 3, x, 2) == PB_ERR_ARG, "ld < cols");
}

/* Sample mean and variance. */
static void moments(const double *x, size_t n, double *mean, double *var)
{
    long double s = 0, s2 = 0;
    for (size_t i = 0; i < n; i++) s += x[i];
    const long double mu = s / n;
    for (size_t i = 0; i < n; i++) s2 += (x[i] - mu) * (x[i] - mu);
    *mean = (double)mu;
    *var = (double)(s2 / (n - 1));
}

/* Share of x below t, against probability p, within 6 standard errors. */
static void check_cdf(const char *what, const double *x, size_t n, double t, double p)
{
    size_t below = 0;
    for (size_t i = 0; i < n; i++) below += x[i] < t;
    const double share = (double)below / n, se = sqrt(p * (1 - p) / n);
    PBT_CHECK(fabs(share - p) <= 6 * se, "%s: P(x < %g) = %.5f, expected %.5f", what, t, share, p);
}

static void test_moments(void)
{
    const size_t n = pbt_count(400000) < 2000 ? 2000 : pbt_count(400000);
    double *x = malloc(n * sizeof *x);
    const double e = exp(1.0);
    // mean, variance, 4th central moment (for the variance's standard error)
    static const struct {
        pb_dist d;
        double mean, var, mu4;
    } want[] = {
        {PB_DIST_NORMAL, 0, 1, 3},
        {PB_DIST_UNIFORM, 0, 1.0 / 3, 1.0 / 5},
        {PB_DIST_UNIFORM01, 0.5, 1.0 / 12, 1.0 / 80},
    };
    for (size_t t = 0; t < sizeof want / sizeof want[0]; t++) {
        PBT_REQUIRE(pb_generate_f64(want[t].d, pbt_seed(), 3, 0, x, n) == PB_OK, "status");
        double mean, var;
        moments(x, n, &mean, &var);
        const double se_mean = sqrt(want[t].var / n);
        const double se_var = sqrt((want[t].mu4 - want[t].var * want[t].var) / n);
        PBT_CHECK(fabs(mean - want[t].mean) <= 6 * se_mean, "%s: mean %.5f",
                  pb_dist_name(want[t].d), mean);
        PBT_CHECK(fabs(var - want[t].var) <= 6 * se_var, "%s: variance %.5f",
                  pb_dist_name(want[t].d), var);
    }
    // Supports, and a few probabilities.
    PBT_REQUIRE(pb_generate_f64(PB_DIST_NORMAL, pbt_seed(), 4, 0, x, n) == PB_OK, "status");
    check_cdf("normal", x, n, 0.0, 0.5);
    check_cdf("normal", x, n, 1.0, 0.8413447460685429);
    check_cdf("normal", x, n, -2.0, 0.022750131948179195);
    PBT_REQUIRE(pb_generate_f64(PB_DIST_UNIFORM, pbt_seed(), 4, 0, x, n) == PB_OK, "status");
    size_t outside = 0;
    for (size_t i = 0; i < n; i++) outside += !(x[i] > -1 && x[i] < 1);
    PBT_CHECK(outside == 0, "uniform: %zu values outside (-1, 1)", outside);
    check_cdf("uniform", x, n, -0.5, 0.25);
    check_cdf("uniform", x, n, 0.9, 0.95);
    PBT_REQUIRE(pb_generate_f64(PB_DIST_UNIFORM01, pbt_seed(), 4, 0, x, n) == PB_OK, "status");
    outside = 0;
    for (size_t i = 0; i < n; i++) outside += !(x[i] > 0 && x[i] < 1);
    PBT_CHECK(outside == 0, "uniform01: %zu values outside (0, 1)", outside);
    check_cdf("uniform01", x, n, 0.1, 0.1);
    check_cdf("uniform01", x, n, 0.7, 0.7);
    // Lognormal: positive, log is standard normal, mean e^(1/2).
    PBT_REQUIRE(pb_generate_f64(PB_DIST_LOGNORMAL, pbt_seed(), 4, 0, x, n) == PB_OK, "status");
    outside = 0;
    for (size_t i = 0; i < n; i++) outside += !(x[i] > 0);
    PBT_CHECK(outside == 0, "lognormal: %zu values <= 0", outside);
    double mean, var;
    moments(x, n, &mean, &var);
    PBT_CHECK(fabs(mean - sqrt(e)) <= 6 * sqrt((e - 1) * e / n), "lognormal: mean %.5f", mean);
    check_cdf("lognormal", x, n, 1.0, 0.5);
    check_cdf("lognormal", x, n, e, 0.8413447460685429);
    for (size_t i = 0; i < n; i++) x[i] = log(x[i]);
    moments(x, n, &mean, &var);
    PBT_CHECK(fabs(mean) <= 6 * sqrt(1.0 / n) && fabs(var - 1) <= 6 * sqrt(2.0 / n),
              "log of lognormal: mean %.5f, variance %.5f", mean, var);
    free(x);
}

/* The uniforms are odd multiples of their grid step; float32 versions are the
 * centres of the 2^23 cells of the same draws. */
static void test_grid(void)
{
    enum { N = 4096 };
    double u[N], v[N];
    float uf[N], vf[N];
    PBT_REQUIRE(pb_generate_f64(PB_DIST_UNIFORM01, 9, 1, 100, u, N) == PB_OK &&
                    pb_generate_f64(PB_DIST_UNIFORM, 9, 1, 100, v, N) == PB_OK &&
                    pb_generate_f32(PB_DIST_UNIFORM01, 9, 1, 100, uf, N) == PB_OK &&
                    pb_generate_f32(PB_DIST_UNIFORM, 9, 1, 100, vf, N) == PB_OK,
                "status");
    size_t bad = 0, bad_f = 0, bad_pair = 0;
    for (size_t i = 0; i < N; i++) {
        const double a = ldexp(u[i], 53), b = ldexp(v[i], 52);
        bad += a != floor(a) || fmod(a, 2) != 1 || b != floor(b) || fabs(fmod(b, 2)) != 1;
        bad_pair += v[i] != 2 * u[i] - 1; // the same draw
        // float: (2 m' + 1) 2^-24 with m' the top 23 bits of the same draw.
        const double cell = floor(ldexp(u[i], 23));
        bad_f += (double)uf[i] != (2 * cell + 1) * 0x1p-24 || !(uf[i] > 0 && uf[i] < 1);
        bad_f += (double)vf[i] != (2 * cell + 1) * 0x1p-23 - 1 || !(vf[i] > -1 && vf[i] < 1);
    }
    PBT_CHECK(bad == 0, "%zu values off the grid", bad);
    PBT_CHECK(bad_pair == 0, "%zu uniform values are not 2 u - 1", bad_pair);
    PBT_CHECK(bad_f == 0, "%zu float32 values are not their cell's centre", bad_f);
    // normal and lognormal in float32: the float64 value rounded to nearest.
    for (int t = 0; t < 2; t++) {
        const pb_dist d = t ? PB_DIST_LOGNORMAL : PB_DIST_NORMAL;
        PBT_REQUIRE(pb_generate_f64(d, 9, 2, 7, u, N) == PB_OK &&
                        pb_generate_f32(d, 9, 2, 7, uf, N) == PB_OK,
                    "status");
        bad = 0;
        for (size_t i = 0; i < N; i++) bad += uf[i] != (float)u[i];
        PBT_CHECK(bad == 0, "%s: %zu float32 values differ", pb_dist_name(d), bad);
    }
}

/* Same inputs, same values: across calls, thread counts, splits and leading
 * dimensions; different seeds and streams, different values. */
static void test_determinism(void)
{
    enum { R = 37, C = 53, N = R * C };
    const int threads = omp_get_max_threads();
    for (size_t t = 0; t < REAL_DISTS; t++) {
        const pb_dist d = real_dists[t];
        const char *name = pb_dist_name(d);
        double *one = malloc(N * sizeof *one), *two = malloc(N * sizeof *two);
        double *pieces = malloc(N * sizeof *pieces), *other = malloc(N * sizeof *other);
        double *wide = malloc(R * (C + 5) * sizeof *wide);
        omp_set_num_threads(1);
        pb_generate_f64(d, 42, 5, 0, one, N);
        omp_set_num_threads(threads > 1 ? threads : 2);
        pb_generate_f64(d, 42, 5, 0, two, N);
        omp_set_num_threads(threads);
        PBT_CHECK(memcmp(one, two, N * sizeof *one) == 0, "%s: depends on the thread count", name);
        // Pieces of awkward lengths, each starting at its own first index.
        static const size_t lens[] = {1, 3, 255, 257, 1024, 2};
        size_t at = 0;
        for (size_t p = 0; at < N; p++) {
            size_t len = lens[p % 6];
            if (len > N - at) len = N - at;
            pb_generate_f64(d, 42, 5, at, pieces + at, len);
            at += len;
        }
        PBT_CHECK(memcmp(one, pieces, N * sizeof *one) == 0, "%s: depends on the split", name);
        // A matrix with a leading dimension: the same elements, padding untouched.
        for (size_t i = 0; i < R * (C + 5); i++) wide[i] = -99;
        PBT_REQUIRE(pb_generate_matrix_f64(d, 42, 5, R, C, wide, C + 5) == PB_OK, "status");
        size_t bad = 0;
        for (size_t r = 0; r < R; r++)
            for (size_t c = 0; c < C + 5; c++)
                bad += c < C ? wide[r * (C + 5) + c] != one[r * C + c] : wide[r * (C + 5) + c] != -99;
        PBT_CHECK(bad == 0, "%s: leading dimension changes %zu values", name, bad);
        // Another seed, another stream: (almost) all values differ.
        size_t same = 0;
        pb_generate_f64(d, 43, 5, 0, other, N);
        for (size_t i = 0; i < N; i++) same += other[i] == one[i];
        pb_generate_f64(d, 42, 6, 0, other, N);
        for (size_t i = 0; i < N; i++) same += other[i] == one[i];
        PBT_CHECK(same == 0, "%s: %zu values repeat across seeds or streams", name, same);
        // float32 matrices too.
        float *f1 = malloc(N * sizeof *f1), *f2 = malloc(R * (C + 1) * sizeof *f2);
        pb_generate_f32(d, 42, 5, 0, f1, N);
        pb_generate_matrix_f32(d, 42, 5, R, C, f2, C + 1);
        bad = 0;
        for (size_t r = 0; r < R; r++)
            for (size_t c = 0; c < C; c++) bad += f2[r * (C + 1) + c] != f1[r * C + c];
        PBT_CHECK(bad == 0, "%s: float32 matrix differs in %zu values", name, bad);
        free(f1);
        free(f2);
        free(one);
        free(two);
        free(pieces);
        free(other);
        free(wide);
    }
}

static void test_integers(void)
{
    const size_t n = pbt_count(256000) < 25600 ? 25600 : pbt_count(256000);
    int8_t *x = malloc(n);
    // Full int8 range: every value, frequencies within 6 standard errors.
    PBT_REQUIRE(pb_generate_i8(pbt_seed(), 0, 0, -128, 127, x, n) == PB_OK, "status");
    size_t count[256] = {0};
    for (size_t i = 0; i < n; i++) count[(uint8_t)x[i]]++;
    const double p = 1.0 / 256, se = sqrt(p * (1 - p) / n);
    size_t off = 0;
    for (int v = 0; v < 256; v++) off += fabs((double)count[v] / n - p) > 6 * se;
    PBT_CHECK(off == 0, "int8: %zu values with a frequency off by > 6 standard errors", off);
    // Ternary, with a range that is not a power of two.
    PBT_REQUIRE(pb_generate_i8(pbt_seed(), 1, 0, -1, 1, x, n) == PB_OK, "status");
    size_t t3[3] = {0}, outside = 0;
    for (size_t i = 0; i < n; i++) {
        if (x[i] < -1 || x[i] > 1)
            outside++;
        else
            t3[x[i] + 1]++;
    }
    const double se3 = sqrt((1.0 / 3) * (2.0 / 3) / n);
    PBT_CHECK(outside == 0, "ternary: %zu outside", outside);
    for (int v = 0; v < 3; v++)
        PBT_CHECK(fabs((double)t3[v] / n - 1.0 / 3) <= 6 * se3, "ternary: P(%d) = %.4f", v - 1,
                  (double)t3[v] / n);
    PBT_CHECK(pb_generate_i8(1, 0, 0, 5, 5, x, 100) == PB_OK && x[0] == 5 && x[99] == 5,
              "lo == hi");
    PBT_CHECK(pb_generate_i8(1, 0, 0, 5, 4, x, 100) == PB_ERR_ARG, "lo > hi");
    // int32: a range just over 2^31 rejects almost half the first words, so
    // the replacement draws are exercised; every value must stay in range.
    int32_t *y = malloc(n * sizeof *y), *y2 = malloc(n * sizeof *y2);
    const int32_t lo = -1073741825, hi = 1073741824;
    PBT_REQUIRE(pb_generate_i32(pbt_seed(), 2, 0, lo, hi, y, n) == PB_OK, "status");
    size_t negative = 0;
    outside = 0;
    for (size_t i = 0; i < n; i++) {
        outside += y[i] < lo || y[i] > hi;
        negative += y[i] < 0;
    }
    PBT_CHECK(outside == 0, "int32: %zu outside", outside);
    PBT_CHECK(fabs((double)negative / n - 0.5) <= 6 * sqrt(0.25 / n), "int32: P(< 0) = %.4f",
              (double)negative / n);
    PBT_REQUIRE(pb_generate_i32(pbt_seed(), 2, 0, INT32_MIN, INT32_MAX, y, n) == PB_OK, "full");
    // Thread independence and splits.
    const int threads = omp_get_max_threads();
    omp_set_num_threads(1);
    pb_generate_i32(pbt_seed(), 2, 0, lo, hi, y, n);
    omp_set_num_threads(threads > 1 ? threads : 2);
    pb_generate_i32(pbt_seed(), 2, 0, lo, hi, y2, n / 2);
    pb_generate_i32(pbt_seed(), 2, n / 2, lo, hi, y2 + n / 2, n - n / 2);
    omp_set_num_threads(threads);
    PBT_CHECK(memcmp(y, y2, n * sizeof *y) == 0, "int32: depends on threads or the split");
    free(y);
    free(y2);
    free(x);
}

int main(int argc, char **argv)
{
    pbt_init(argc, argv);
    PBT_RUN(test_names);
    PBT_RUN(test_moments);
    PBT_RUN(test_grid);
    PBT_RUN(test_determinism);
    PBT_RUN(test_integers);
    return pbt_finish();
}
