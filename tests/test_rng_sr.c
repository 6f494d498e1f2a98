/* precbench tests: the counter-based generator and stochastic rounding.
 *
 * rng: the Philox known answer, the documented counter layout, bulk fills,
 * uniform and normal deviates.  SR: only the two neighbours appear, the
 * frequency of rounding away matches the distance (5 sigma over 10^6
 * draws), r-bit SR follows its quantised rule draw by draw, exact SR is
 * exact when the first 32 random bits tie, and bulk results are identical
 * with 1 and 2 threads, across tilings, and to the scalar model. */
#include <math.h>
#include <omp.h>

#include <Random123/philox.h>

#include "harness.h"
#include "precbench/format.h"
#include "precbench/rng.h"

static uint64_t mix(uint64_t z)
{
    z += 0x9e3779b97f4a7c15u;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static void test_philox_known_answer(void)
{
    /* Random123's published answer for Philox4x32-10, counter 0, key 0. */
    static const uint32_t zero[4] = {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8};
    for (int lane = 0; lane < 4; lane++)
        PBT_CHECK(pb_rng_u32(0, 0, (uint64_t)lane, 0) == zero[lane], "lane %d: %08x", lane,
                  pb_rng_u32(0, 0, (uint64_t)lane, 0));
}

/* The layout of rng.h: key {seed lo, seed hi}, counter {index >> 2 (low 32
 * bits), index >> 34, stream, draw}, word index & 3. */
static void test_counter_layout(void)
{
    for (uint64_t i = 0; i < pbt_count(100000); i++) {
        uint64_t seed = mix(i), index = mix(seed) >> (i % 60);
        uint32_t stream = (uint32_t)mix(index), draw = (uint32_t)(i % 5);
        philox4x32_ctr_t c = {{(uint32_t)(index >> 2), (uint32_t)(index >> 34), stream, draw}};
        philox4x32_key_t k = {{(uint32_t)seed, (uint32_t)(seed >> 32)}};
        uint32_t want = philox4x32_R(10, c, k).v[index & 3];
        PBT_CHECK(pb_rng_u32(seed, stream, index, draw) == want, "seed %" PRIx64 " index %" PRIx64, seed, index);
    }
    /* Seeds, streams and draws give different words. */
    PBT_CHECK(pb_rng_u32(1, 0, 5, 0) != pb_rng_u32(2, 0, 5, 0) &&
              pb_rng_u32(1, 0, 5, 0) != pb_rng_u32(1, 1, 5, 0) &&
              pb_rng_u32(1, 0, 5, 0) != pb_rng_u32(1, 0, 5, 1) &&
              pb_rng_u32(1ull << 32, 0, 5, 0) != pb_rng_u32(0, 0, 5, 0), "inputs ignored");
}

static void test_fill(void)
{
    uint32_t buf[301];
    for (uint64_t first = 0; first < 9; first++)
        for (size_t n = 0; n <= 300; n += 37) {
            uint64_t base = first + (UINT64_C(1) << 40);
            buf[n] = 0xdeadbeef;
            pb_rng_fill_u32(77, 3, base, 2, buf, n);
            PBT_CHECK(buf[n] == 0xdeadbeef, "fill wrote past n");
            for (size_t i = 0; i < n; i++)
                PBT_CHECK(buf[i] == pb_rng_u32(77, 3, base + i, 2), "fill first %" PRIu64 " i %zu", first, i);
        }
}

static void test_uniform_normal(void)
{
    const uint64_t n = pbt_count(1000000);
    double sum = 0, nsum = 0, nsq = 0;
    uint64_t inside = 0;
    for (uint64_t i = 0; i < n; i++) {
        double u = pb_rng_uniform(9, 1, i, 4);
        uint64_t hi = pb_rng_u32(9, 1, i, 4), lo = pb_rng_u32(9, 1, i, 5);
        if (i < 1000)
            PBT_CHECK(u == (double)((hi << 21) | (lo >> 11)) * 0x1p-53, "uniform bits at %" PRIu64, i);
        PBT_CHECK(u >= 0 && u < 1, "uniform %a", u);
        sum += u;
        double z = pb_rng_normal(9, 1, i);
        PBT_CHECK(isfinite(z), "normal %a", z);
        nsum += z;
        nsq += z * z;
        inside += fabs(z) < 1;
    }
    double dn = (double)n;
    PBT_CHECK(fabs(sum / dn - 0.5) < 5 * sqrt(1.0 / 12 / dn), "uniform mean %g", sum / dn);
    PBT_CHECK(fabs(nsum / dn) < 5 / sqrt(dn), "normal mean %g", nsum / dn);
    PBT_CHECK(fabs(nsq / dn - 1) < 5 * sqrt(2 / dn), "normal variance %g", nsq / dn);
    double p = 0.6826894921370859;
    PBT_CHECK(fabs((double)inside - dn * p) < 5 * sqrt(dn * p * (1 - p)), "normal |z| < 1: %" PRIu64, inside);
}

static pb_rounding sr_mode(const char *mode, uint64_t seed)
{
    pb_rounding r = pb_rounding_default();
    pb_round_mode_parse(mode, &r);
    r.seed = seed;
    r.stream = 7;
    return r;
}

/* The two neighbours of x: toward zero and away from it. */
static void neighbours(const pb_format *f, double x, double *lo, double *hi)
{
    pb_rounding r = pb_rounding_default();
    r.mode = PB_ROUND_RTZ;
    *lo = pb_format_round(f, x, &r, 0);
    r.mode = x < 0 ? PB_ROUND_DOWN : PB_ROUND_UP;
    *hi = pb_format_round(f, x, &r, 0);
}

static const char *const sr_formats[] = {"bf16", "fp16", "e4m3", "e5m2", "e2m1", "e3m2", "e8m0",
                                         "int8", "ternary", "fp32", "tf32", "e4m3fnuz"};
enum { SR_FORMATS = sizeof sr_formats / sizeof sr_formats[0] };

static void test_only_neighbours(void)
{
    const char *modes[] = {"sr", "sr:1", "sr:3", "sr:24"};
    for (int k = 0; k < SR_FORMATS; k++) {
        const pb_format *f = pb_format_by_name(sr_formats[k]);
        for (int mi = 0; mi < 4; mi++) {
            pb_rounding r = sr_mode(modes[mi], pbt_seed());
            r.overflow = PB_OVERFLOW_SAT;
            for (uint64_t i = 0; i < pbt_count(50000); i++) {
                uint64_t h = mix(pbt_seed() + i);
                double x = ldexp((double)(h >> 11) * 0x1p-53, (int)(h % 16) - 8) * f->max_finite;
                if (h & 1) x = -x;
                if (f->spec.kind == PB_FORMAT_KIND_POW2) x = fabs(x);
                double lo, hi, y = pb_format_round(f, x, &r, i);
                neighbours(f, x, &lo, &hi);
                PBT_CHECK(y == lo || y == hi, "%s %s: x %a -> %a, neighbours %a %a", f->spec.name, modes[mi],
                          x, y, lo, hi);
            }
        }
    }
}

/* P(away) over n draws through the bulk path, against p within 5 sigma. */
static void check_frequency(const pb_format *f, double x, const char *mode, double p)
{
    const size_t n = pbt_count(1000000);
    float *xs = malloc(n * sizeof *xs), *ys = malloc(n * sizeof *ys);
    for (size_t i = 0; i < n; i++) xs[i] = (float)x;
    pb_rounding r = sr_mode(mode, pbt_seed());
    PBT_CHECK(pb_round_f32(f, xs, ys, n, &r, 0) == PB_OK, "round");
    double lo, hi;
    neighbours(f, xs[0], &lo, &hi);
    size_t up = 0, other = 0;
    for (size_t i = 0; i < n; i++) {
        up += ys[i] == (float)hi;
        other += ys[i] != (float)hi && ys[i] != (float)lo;
    }
    double sigma = sqrt((double)n * p * (1 - p));
    PBT_CHECK(other == 0, "%s %s x %a: %zu results not a neighbour", f->spec.name, mode, x, other);
    PBT_CHECK(fabs((double)up - (double)n * p) <= 5 * sigma + (p == 0 || p == 1 ? 0 : 1),
              "%s %s x %a: %zu of %zu away, expected %.1f (sigma %.1f)", f->spec.name, mode, x, up, n,
              (double)n * p, sigma);
    free(xs);
    free(ys);
}

static void test_frequency(void)
{
    const pb_format *bf = pb_format_by_name("bf16"), *e4 = pb_format_by_name("e4m3"),
                    *e8 = pb_format_by_name("e8m0"), *i8 = pb_format_by_name("int8"),
                    *e2 = pb_format_by_name("e2m1"), *fp16 = pb_format_by_name("fp16");
    /* bf16 around 1: step 2^-7; the float input 1 + t 2^-7 has frac t. */
    const double fracs[] = {0.5, 0.1, 0.9, 1.0 / 3, 0x1p-16, 1 - 0x1p-16, 0.25 + 0x1p-16};
    for (size_t k = 0; k < sizeof fracs / sizeof fracs[0]; k++) {
        double t = (double)(float)(1 + fracs[k] * 0x1p-7) - 1; /* what the float carries */
        double frac = t * 0x1p7;
        check_frequency(bf, 1 + t, "sr", frac);
        check_frequency(bf, -(1 + t), "sr", frac);
        for (int rb = 1; rb <= 24; rb += 7) {
            char mode[8];
            snprintf(mode, sizeof mode, "sr:%d", rb);
            check_frequency(bf, 1 + t, mode, floor(frac * ldexp(1, rb)) / ldexp(1, rb));
        }
    }
    check_frequency(e4, 300, "sr", (300 - 288) / 32.0);           /* between 288 and 320 */
    check_frequency(e4, 0x1.8p-10, "sr", 0.75);                   /* below the smallest subnormal */
    check_frequency(e8, 1.25 * 8, "sr", 0.25);                    /* between 8 and 16 */
    check_frequency(i8, -3.3, "sr", (double)(float)3.3 - 3);
    check_frequency(e2, 5.5, "sr", 0.75);                         /* between 4 and 6 */
    check_frequency(fp16, 65504 + 8, "sr", 0.25);                 /* between max and the overflow */
    /* r-bit SR never rounds away when frac < 2^-r. */
    check_frequency(bf, 1 + 0x1p-7 * 0.05, "sr:4", 0);
    check_frequency(e2, 4.0 + 2 * 0.12, "sr:3", 0);
    check_frequency(e2, 4.0 + 2 * 0.13, "sr:3", 0.125);
}

/* Every draw follows the rule: r bits: away iff (w0 >> (32 - r)) <
 * floor(frac 2^r); exact: away iff w0 < floor(frac 2^32) when they differ. */
static void test_rule_per_draw(void)
{
    const pb_format *f = pb_format_by_name("fp16");
    const uint64_t seed = pbt_seed();
    for (uint64_t i = 0; i < pbt_count(200000); i++) {
        uint64_t h = mix(seed ^ i);
        double x = 1 + (double)(h >> 12) * 0x1p-52; /* frac = the low 42 bits / 2^42 */
        double frac = (double)((h >> 12) & ((UINT64_C(1) << 42) - 1)) * 0x1p-42;
        int rb = 1 + (int)(h % 24);
        char mode[8];
        snprintf(mode, sizeof mode, "sr:%d", rb);
        pb_rounding rbits = sr_mode(mode, seed), rex = sr_mode("sr", seed);
        uint32_t w0 = pb_rng_u32(seed, 7, i, 0);
        double lo, hi;
        neighbours(f, x, &lo, &hi);
        bool want = (w0 >> (32 - rb)) < (uint64_t)floor(frac * ldexp(1, rb));
        PBT_CHECK((pb_format_round(f, x, &rbits, i) == hi) == want, "sr:%d x %a index %" PRIu64, rb, x, i);
        uint32_t fw = (uint32_t)floor(frac * 0x1p32);
        if (w0 != fw)
            PBT_CHECK((pb_format_round(f, x, &rex, i) == hi) == (w0 < fw), "sr x %a index %" PRIu64, x, i);
    }
}

/* Exact SR when the first word ties: x's frac starts with w0 itself. */
static void test_exact_beyond_one_word(void)
{
    const pb_format *f = pb_format_by_name("int8");
    const uint64_t seed = pbt_seed();
    pb_rounding r = sr_mode("sr", seed);
    for (uint64_t i = 0; i < pbt_count(20000); i++) {
        uint32_t w0 = pb_rng_u32(seed, 7, i, 0), w1 = pb_rng_u32(seed, 7, i, 1);
        uint64_t F = mix(i) & 0xfffff; /* 20 more bits: x = 1 + 0.w0 F */
        double x = 1 + (double)w0 * 0x1p-32 + (double)F * 0x1p-52;
        /* frac = 0.w0 (F << 12): away iff w1 < F << 12. */
        double want = w1 < (uint32_t)(F << 12) ? 2 : 1;
        PBT_CHECK(pb_format_round(f, x, &r, i) == want, "x %a index %" PRIu64 ": w1 %08x", x, i, w1);
        /* frac exactly 0.w0: U >= frac always, never away. */
        double x0 = 1 + (double)w0 * 0x1p-32;
        PBT_CHECK(pb_format_round(f, -x0, &r, i) == -1, "x %a index %" PRIu64, -x0, i);
        /* A frac far below 2^-32 (word 0 is zero): away only if w0 == 0. */
        const pb_format *bf = pb_format_by_name("bf16");
        double tiny = 1 + 0x1p-7 * 0x1p-40;
        PBT_CHECK(pb_format_round(bf, tiny, &r, i) == (w0 == 0 && w1 < (1u << 24) ? 1 + 0x1p-7 : 1),
                  "tiny frac index %" PRIu64, i);
    }
}

/* Random floats with specials mixed in. */
static void fill_inputs(float *xs, size_t n, uint64_t seed)
{
    static const float specials[] = {0.0f, -0.0f, INFINITY, -INFINITY, NAN, 448, 464, 65520, 1e-45f, 3.4e38f};
    for (size_t i = 0; i < n; i++) {
        uint64_t h = mix(seed + i);
        if (h % 17 == 0) {
            xs[i] = specials[(h >> 8) % (sizeof specials / sizeof specials[0])];
        } else {
            uint32_t b = (uint32_t)(h >> 32);
            if ((h >> 5) % 4) b = (b & 0x807fffff) | (uint32_t)(100 + (h >> 8) % 60) << 23;
            memcpy(&xs[i], &b, 4);
        }
    }
}

static void test_threads_and_tiling(void)
{
    const size_t n = (size_t)pbt_count(1 << 20) + 12345;
    float *xs = malloc(n * sizeof *xs);
    fill_inputs(xs, n, pbt_seed());
    uint8_t *a = malloc(n * 8), *b = malloc(n * 8);
    const char *modes[] = {"sr", "sr:8", "rne"};
    const char *fmts[] = {"bf16", "e4m3", "e2m1", "e8m0", "int4", "fp32"};
    int saved = omp_get_max_threads();
    for (int fi = 0; fi < 6; fi++)
        for (int mi = 0; mi < 3; mi++) {
            const pb_format *f = pb_format_by_name(fmts[fi]);
            pb_rounding r = sr_mode(modes[mi], 12345);
            size_t bytes = n * (size_t)f->code_bytes;
            omp_set_num_threads(1);
            pb_convert_f32(f, xs, a, n, &r, 1000);
            omp_set_num_threads(2);
            pb_convert_f32(f, xs, b, n, &r, 1000);
            PBT_CHECK(memcmp(a, b, bytes) == 0, "%s %s: 1 and 2 threads differ", fmts[fi], modes[mi]);
            /* Two calls on the halves, each with its own first index. */
            size_t k = n / 3 + 1;
            pb_convert_f32(f, xs, b, k, &r, 1000);
            pb_convert_f32(f, xs + k, b + k * (size_t)f->code_bytes, n - k, &r, 1000 + k);
            PBT_CHECK(memcmp(a, b, bytes) == 0, "%s %s: tiling changes the result", fmts[fi], modes[mi]);
            /* Another seed, another result (stochastic modes; float32
             * inputs are exact in fp32). */
            if (mi < 2 && strcmp(fmts[fi], "fp32") != 0) {
                r.seed++;
                pb_convert_f32(f, xs, b, n, &r, 1000);
                PBT_CHECK(memcmp(a, b, bytes) != 0, "%s %s: the seed is ignored", fmts[fi], modes[mi]);
            }
        }
    omp_set_num_threads(saved);
    free(xs);
    free(a);
    free(b);
}

/* The bulk paths give the scalar model's codes, element by element. */
static void test_bulk_matches_model(void)
{
    const size_t n = (size_t)pbt_count(100000) + 3;
    float *xs = malloc(n * sizeof *xs), *ys = malloc(n * sizeof *ys), *zs = malloc(n * sizeof *zs);
    uint8_t *codes = malloc(n * 8);
    fill_inputs(xs, n, pbt_seed() + 1);
    const char *modes[] = {"rne", "rna", "rtz", "up", "down", "sr", "sr:1", "sr:13"};
    for (size_t fi = 0; fi < pb_format_count(); fi++) {
        const pb_format *f = pb_format_at(fi);
        for (int mi = 0; mi < 8; mi++)
            for (int pol = 0; pol < 2; pol++) {
                pb_rounding r = sr_mode(modes[mi], 99);
                r.overflow = pol ? PB_OVERFLOW_SAT : PB_OVERFLOW_INF;
                const uint64_t first = 5;
                PBT_CHECK(pb_convert_f32(f, xs, codes, n, &r, first) == PB_OK, "convert");
                PBT_CHECK(pb_round_f32(f, xs, ys, n, &r, first) == PB_OK, "round");
                PBT_CHECK(pb_decode_f32(f, codes, zs, n) == PB_OK, "decode");
                size_t bad = 0;
                for (size_t i = 0; i < n; i++) {
                    uint64_t want = pb_format_encode(f, xs[i], &r, first + i), got = 0;
                    for (int b = 0; b < f->code_bytes; b++)
                        got |= (uint64_t)codes[i * (size_t)f->code_bytes + (size_t)b] << (8 * b);
                    float wv = (float)pb_format_decode(f, want);
                    bool same_y = (isnan(ys[i]) && isnan(wv)) || memcmp(&ys[i], &wv, 4) == 0 ||
                                  f->spec.man_bits == 52; /* fp64: pb_round_f32 copies */
                    bool same_z = (isnan(zs[i]) && isnan(wv)) || memcmp(&zs[i], &wv, 4) == 0;
                    if (got != want || !same_y || !same_z) {
                        bad++;
                        if (bad <= 3)
                            PBT_CHECK(false, "%s %s %s: x %a: bulk 0x%" PRIx64 " %a %a, model 0x%" PRIx64 " %a",
                                  f->spec.name, modes[mi], pol ? "sat" : "inf", (double)xs[i], got,
                                  (double)ys[i], (double)zs[i], want, (double)wv);
                    }
                }
                PBT_CHECK(bad == 0, "%s %s: %zu elements differ", f->spec.name, modes[mi], bad);
            }
    }
    free(xs);
    free(ys);
    free(zs);
    free(codes);
}

int main(int argc, char **argv)
{
    pbt_init(argc, argv);
    PBT_RUN(test_philox_known_answer);
    PBT_RUN(test_counter_layout);
    PBT_RUN(test_fill);
    PBT_RUN(test_uniform_normal);
    PBT_RUN(test_only_neighbours);
    PBT_RUN(test_frequency);
    PBT_RUN(test_rule_per_draw);
    PBT_RUN(test_exact_beyond_one_word);
    PBT_RUN(test_threads_and_tiling);
    PBT_RUN(test_bulk_matches_model);
    return pbt_finish();
}
