/* The AVX-512 bulk conversion (kernels/simd/) against the scalar model.
 *
 * For every format of the table, every rounding mode (rne rna rtz up down
 * sr sr:1 sr:8 sr:13 sr:24) and both overflow policies, the vector kernels
 * must give the scalar model's codes bit for bit on pbt_count(10^7) inputs:
 * random bit patterns, normal and log-uniform values over the format's
 * range, and the format's edges (every value, every midpoint between
 * neighbours, the overflow thresholds, one float32 ulp either side of each),
 * specials (+-0, +-inf, quiet and signalling NaNs with payloads, float32
 * subnormals).  Also: rounded float32 values, odd lengths and unaligned
 * starts, indices whose first random word ties with the rounding fraction
 * (the lanes exact SR hands back to the scalar model), run-time custom
 * formats, the vector Philox words, and identical results with 1 and 2
 * threads through the public API.
 */
#include <math.h>
#include <omp.h>

#include "harness.h"
#include "format/format_internal.h"
#include "simd/convert_simd.h"
#include "simd/rng_simd.h"

static const char *const mode_names[] = {"rne", "rna", "rtz", "up", "down",
                                         "sr", "sr:1", "sr:8", "sr:13", "sr:24"};
enum { MODE_COUNT = sizeof mode_names / sizeof mode_names[0] };

static bool have_simd;

/* ---- inputs ------------------------------------------------------------ */

static inline uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static inline float f32_of(uint32_t b)
{
    float x;
    memcpy(&x, &b, 4);
    return x;
}

static inline uint32_t bits_of(float x)
{
    uint32_t b;
    memcpy(&b, &x, 4);
    return b;
}

typedef struct vec_f32 {
    float *v;
    size_t n, cap;
} vec_f32;

static void push(vec_f32 *a, float x)
{
    if (a->n == a->cap) {
        a->cap = a->cap ? 2 * a->cap : 4096;
        a->v = realloc(a->v, a->cap * sizeof *a->v);
        if (!a->v) abort();
    }
    a->v[a->n++] = x;
}

/* x and its float32 neighbours, both signs. */
static void push_around(vec_f32 *a, double x)
{
    float f = (float)x;
    if (isnan(f)) return;
    float c[3] = {f, nextafterf(f, INFINITY), nextafterf(f, -INFINITY)};
    for (int k = 0; k < 3; k++) {
        push(a, c[k]);
        push(a, -c[k]);
    }
}

static void push_specials(vec_f32 *a)
{
    static const uint32_t sp[] = {
        0x00000000, 0x7F800000, 0x7FC00000, 0x7F800001, 0x7FA00000, 0x7FFFFFFF,
        0x7FC12345, 0x7F812345, 0x00000001, 0x00000002, 0x00000003, 0x007FFFFF,
        0x00400000, 0x00400001, 0x003FFFFF, 0x00600000, 0x005FFFFF, 0x00600001,
        0x00200000, 0x00000400, 0x00008000, 0x00018000, 0x00800000, 0x007FFFFE,
        0x7F7FFFFF, 0x7F7FFFFE, 0x7F000000, 0x7F7F8000, 0x7F7FC000, 0x7EFFFFFF,
        0x3F800000, 0x3FC00000, 0x3F808000, 0x3F818000, 0x47000000, 0x477FF000};
    for (size_t i = 0; i < sizeof sp / sizeof sp[0]; i++) {
        push(a, f32_of(sp[i]));
        push(a, f32_of(sp[i] | 0x80000000u));
    }
}

/* The edges of f: each value, each midpoint of neighbours (a tie when it is
 * a float32) and the first step beyond the largest value, with neighbours. */
static vec_f32 format_edges(const pb_format *f, uint64_t seed)
{
    vec_f32 a = {0};
    push_specials(&a);
    if (f->spec.kind == PB_FORMAT_KIND_INT) {
        for (int64_t k = f->spec.int_min - 3; k <= f->spec.int_max + 3; k++) {
            push_around(&a, (double)k);
            push_around(&a, (double)k + 0.5);
        }
        for (int k = 14; k <= 17; k++) push_around(&a, ldexp(1.0, k));
        return a;
    }
    const int pad = f->spec.kind == PB_FORMAT_KIND_FLOAT ? pb_format_pad(f) : 0;
    const uint64_t top = f->max_code_finite >> pad;
    /* Every magnitude code up to 2^18; a sample of the wider formats. */
    const bool all = top <= (UINT64_C(1) << 18);
    const size_t count = all ? (size_t)top + 1 : 200000;
    uint64_t s = seed;
    for (size_t i = 0; i < count; i++) {
        uint64_t c;
        if (all) c = i;
        else if (i < 2000) c = i;
        else if (i < 4000) c = top - (i - 2000);
        else c = splitmix(&s) % top;
        double v = pb_format_decode(f, c << pad);
        double w = c < top ? pb_format_decode(f, (c + 1) << pad)
                           : v + ldexp(1.0, f->emax - (f->spec.kind == PB_FORMAT_KIND_FLOAT
                                                           ? f->spec.man_bits : 0));
        if (f->spec.kind == PB_FORMAT_KIND_POW2 && c == top) w = 2 * v;
        push_around(&a, v);
        push_around(&a, 0.5 * (v + w));
        if (c == top) push_around(&a, w);
    }
    return a;
}

/* n inputs for f: a quarter each of random bit patterns, normal values,
 * log-uniform magnitudes over the format's range, and edges. */
static void fill_inputs(const pb_format *f, const vec_f32 *edges, float *x,
                        size_t n, uint64_t seed)
{
    int lo = (int)floor(log2(f->min_subnormal)) - 4;
    int hi = (int)ceil(log2(f->max_finite)) + 3;
    if (lo < -149) lo = -149;
    if (hi > 127) hi = 127;
#pragma omp parallel for schedule(static)
    for (size_t i = 0; i < n; i++) {
        uint64_t s = seed ^ (i * UINT64_C(0xD1B54A32D192ED03));
        uint64_t r = splitmix(&s), q = splitmix(&s);
        switch (r & 3) {
        case 0: x[i] = f32_of((uint32_t)(r >> 32)); break;
        case 1: { /* about normal(0, 2^k): a sum of four uniforms */
            double z = 0;
            for (int k = 0; k < 4; k++) z += (double)((q >> (16 * k)) & 0xFFFF) * 0x1p-16;
            z = (z - 2.0) * 1.7320508075688772 + (double)(r >> 40) * 0x1p-40;
            int k = lo + (int)((r >> 8) % (uint64_t)(hi - lo + 1));
            x[i] = (float)ldexp(z, k);
            break;
        }
        case 2: { /* log-uniform magnitude (exponent uniform, then the
                   * significand), random sign */
            int k = lo + (int)((q >> 40) % (uint64_t)(hi - lo + 1));
            double v = ldexp(1.0 + (double)(q & 0xFFFFFFFFFFull) * 0x1p-40, k);
            x[i] = (float)((r >> 63) ? -v : v);
            break;
        }
        default: x[i] = edges->v[(q >> 1) % edges->n]; break;
        }
    }
}

/* ---- helpers ------------------------------------------------------------ */

static pb_rounding rounding(const char *mode, pb_overflow o, uint64_t seed)
{
    pb_rounding r = pb_rounding_default();
    if (pb_round_mode_parse(mode, &r) != PB_OK) abort();
    r.overflow = o;
    r.seed = seed;
    r.stream = (uint32_t)(seed >> 7) & 0xFFFF;
    return r;
}

static uint64_t code_at(const void *codes, int bytes, size_t i)
{
    uint64_t c = 0;
    memcpy(&c, (const unsigned char *)codes + i * (size_t)bytes, (size_t)bytes);
    return c;
}

/* The fast kernel over x[0..n), cut into uneven chunks (odd lengths, starts
 * that are not multiples of 4) spread over the threads. */
static void fast_codes(const pb_format *f, const float *x, void *codes, size_t n,
                       const pb_rounding *r, uint64_t first)
{
    enum { CH = 40961 };
    const size_t chunks = (n + CH - 1) / CH;
#pragma omp parallel for schedule(dynamic, 4)
    for (size_t c = 0; c < chunks; c++) {
        size_t b = c * CH, len = n - b < CH ? n - b : CH;
        pb_convert_f32_avx512(f, x + b, (unsigned char *)codes + b * (size_t)f->code_bytes,
                              len, r, first + b);
    }
}

static void fast_round(const pb_format *f, const float *x, float *y, size_t n,
                       const pb_rounding *r, uint64_t first)
{
    enum { CH = 40961 };
    const size_t chunks = (n + CH - 1) / CH;
#pragma omp parallel for schedule(dynamic, 4)
    for (size_t c = 0; c < chunks; c++) {
        size_t b = c * CH, len = n - b < CH ? n - b : CH;
        pb_round_f32_avx512(f, x + b, y + b, len, r, first + b);
    }
}

/* The scalar model's codes, through the portable bulk path. */
static void scalar_codes(const pb_format *f, const float *x, void *codes, size_t n,
                         const pb_rounding *r, uint64_t first)
{
    bool old = pb_convert_force_scalar(true);
    pb_status st = pb_convert_f32(f, x, codes, n, r, first);
    pb_convert_force_scalar(old);
    PBT_CHECK(st == PB_OK, "pb_convert_f32: %s", pb_status_message(st));
}

/* Count and report mismatching codes. */
static size_t compare_codes(const pb_format *f, const float *x, const void *want,
                            const void *got, size_t n, const pb_rounding *r,
                            uint64_t first, const char *what)
{
    const int bytes = f->code_bytes;
    if (memcmp(want, got, n * (size_t)bytes) == 0) return 0;
    size_t bad = 0;
    char mb[16];
    for (size_t i = 0; i < n; i++) {
        uint64_t a = code_at(want, bytes, i), b = code_at(got, bytes, i);
        if (a == b) continue;
        if (bad++ < 3)
            PBT_CHECK(0, "%s %s %s/%s: x=%a (0x%08x) index %llu: scalar 0x%llx, fast 0x%llx",
                      what, f->spec.name, pb_round_mode_name(r, mb, sizeof mb),
                      r->overflow == PB_OVERFLOW_SAT ? "sat" : "inf", (double)x[i],
                      bits_of(x[i]), (unsigned long long)(first + i),
                      (unsigned long long)a, (unsigned long long)b);
    }
    PBT_CHECK(bad == 0, "%s %s %s: %zu of %zu codes differ", what, f->spec.name,
              pb_round_mode_name(r, mb, sizeof mb), bad, n);
    return bad;
}

/* ---- tests ---------------------------------------------------------------- */

/* The vector Philox words are pb_rng_u32's, for any start and length. */
static void test_philox_words(void)
{
    if (!have_simd) return;
    const uint64_t starts[] = {0, 1, 2, 3, 61, 64, 1000003,
                               (UINT64_C(1) << 34) - 37, (UINT64_C(1) << 34) - 64,
                               UINT64_C(0xFFFFFFFFFFFFFFC3)};
    const uint64_t seeds[] = {0, 1, UINT64_C(0x0123456789ABCDEF), ~UINT64_C(0)};
    uint32_t out[300];
    size_t bad = 0;
    for (size_t si = 0; si < sizeof starts / sizeof starts[0]; si++)
        for (size_t ki = 0; ki < 4; ki++)
            for (uint32_t draw = 0; draw < 3; draw++)
                for (size_t n = 0; n <= 300; n += 1 + n / 3) {
                    uint32_t stream = (uint32_t)(ki * 977 + draw);
                    pb_rng_fill_u32_avx512(seeds[ki], stream, starts[si], draw, out, n);
                    for (size_t i = 0; i < n; i++)
                        if (out[i] != pb_rng_u32(seeds[ki], stream, starts[si] + i, draw))
                            bad++;
                }
    PBT_CHECK(bad == 0, "%zu vector Philox words differ from pb_rng_u32", bad);
}

/* Codes: every format, mode and policy on pbt_count(10^7) inputs each. */
static void test_codes_all_formats(void)
{
    if (!have_simd) return;
    const size_t n = (size_t)pbt_count(10000000);
    float *x = malloc(n * sizeof *x);
    uint64_t *want = malloc(n * 8), *got = malloc(n * 8);
    PBT_REQUIRE(x && want && got, "out of memory");
    for (size_t fi = 0; fi < pb_format_count(); fi++) {
        const pb_format *f = pb_format_at(fi);
        pb_rounding probe = rounding("rne", PB_OVERFLOW_INF, 1);
        PBT_CHECK(pb_convert_simd_supported(f, &probe), "%s has no vector path", f->spec.name);
        if (!pb_convert_simd_supported(f, &probe)) continue;
        vec_f32 edges = format_edges(f, pbt_seed() + fi);
        fill_inputs(f, &edges, x, n, pbt_seed() * 31 + fi);
        for (int mi = 0; mi < MODE_COUNT; mi++) {
            /* Half the sample under each policy, each half starting at an
             * index that is not a multiple of 4, the second crossing 2^34
             * (where the Philox counter's second word changes). */
            for (int pol = 0; pol < 2; pol++) {
                size_t b = pol ? n / 2 : 0, len = pol ? n - n / 2 : n / 2;
                uint64_t first = pol ? (UINT64_C(1) << 34) - len / 2 - 1 : 12345;
                pb_rounding r = rounding(mode_names[mi], pol ? PB_OVERFLOW_SAT : PB_OVERFLOW_INF,
                                         pbt_seed() + (uint64_t)(7 * mi + pol));
                scalar_codes(f, x + b, want, len, &r, first);
                fast_codes(f, x + b, got, len, &r, first);
                compare_codes(f, x + b, want, got, len, &r, first, "codes");
            }
        }
        free(edges.v);
    }
    free(x);
    free(want);
    free(got);
}

/* Rounded float32 values: bit for bit with the model's (float)decode(encode),
 * in place too; every edge of each format plus random inputs. */
static void test_round_values(void)
{
    if (!have_simd) return;
    const size_t n = (size_t)pbt_count(600000);
    float *x = malloc(n * sizeof *x), *want = malloc(n * sizeof *x), *got = malloc(n * sizeof *x);
    PBT_REQUIRE(x && want && got, "out of memory");
    for (size_t fi = 0; fi < pb_format_count(); fi++) {
        const pb_format *f = pb_format_at(fi);
        vec_f32 edges = format_edges(f, pbt_seed() + 100 + fi);
        fill_inputs(f, &edges, x, n, pbt_seed() * 17 + fi);
        for (int mi = 0; mi < MODE_COUNT; mi++)
            for (int pol = 0; pol < 2; pol++) {
                pb_rounding r = rounding(mode_names[mi], pol ? PB_OVERFLOW_SAT : PB_OVERFLOW_INF,
                                         pbt_seed() + 1000 + (uint64_t)mi);
                if (!pb_convert_simd_supported(f, &r)) continue;
                const uint64_t first = 77;
                bool old = pb_convert_force_scalar(true);
                pb_status st = pb_round_f32(f, x, want, n, &r, first);
                pb_convert_force_scalar(old);
                PBT_CHECK(st == PB_OK, "pb_round_f32: %s", pb_status_message(st));
                memcpy(got, x, n * sizeof *x);
                fast_round(f, got, got, n, &r, first); /* in place */
                size_t bad = 0;
                for (size_t i = 0; i < n; i++) {
                    if (bits_of(want[i]) == bits_of(got[i])) continue;
                    if (bad++ < 3)
                        PBT_CHECK(0, "round %s %s: x=%a (0x%08x): scalar %a (0x%08x), fast %a (0x%08x)",
                                  f->spec.name, mode_names[mi], (double)x[i], bits_of(x[i]),
                                  (double)want[i], bits_of(want[i]), (double)got[i],
                                  bits_of(got[i]));
                }
                PBT_CHECK(bad == 0, "round %s %s/%d: %zu values differ", f->spec.name,
                          mode_names[mi], pol, bad);
            }
        free(edges.v);
    }
    free(x);
    free(want);
    free(got);
}

/* Every length 0..150 at every start 0..7 and at indices of every residue
 * mod 4: heads, tails and masked lanes, against the element-wise model. */
static void test_lengths_and_offsets(void)
{
    if (!have_simd) return;
    const char *names[] = {"bf16", "fp16", "e4m3", "e2m1", "e8m0", "int4", "tf32"};
    enum { MAXN = 160 };
    float x[MAXN + 8];
    uint64_t got[MAXN + 9];
    float y[MAXN + 8];
    uint64_t s = pbt_seed() ^ 0xABCDEF;
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        const pb_format *f = pb_format_by_name(names[k]);
        PBT_REQUIRE(f, "no format %s", names[k]);
        for (int i = 0; i < MAXN + 8; i++)
            x[i] = (float)ldexp((double)(int64_t)splitmix(&s) * 0x1p-63,
                                (int)(splitmix(&s) % 12) - 6);
        for (int mi = 0; mi < MODE_COUNT; mi++) {
            pb_rounding r = rounding(mode_names[mi], PB_OVERFLOW_INF, 99 + (uint64_t)mi);
            if (!pb_convert_simd_supported(f, &r)) continue;
            size_t bad = 0;
            for (size_t off = 0; off < 8; off++)
                for (size_t len = 0; len <= 150; len++) {
                    uint64_t first = 1000 + off + 3 * len;
                    /* A guard code after the end must survive. */
                    memset(got, 0xA5, sizeof got);
                    pb_convert_f32_avx512(f, x + off, got, len, &r, first);
                    for (size_t i = 0; i < len; i++)
                        if (code_at(got, f->code_bytes, i) !=
                            pb_format_encode(f, (double)x[off + i], &r, first + i))
                            bad++;
                    if (code_at(got, f->code_bytes, len) !=
                        (UINT64_C(0xA5A5A5A5A5A5A5A5) & pb_bits_mask(8 * f->code_bytes)))
                        bad++;
                    memset(y, 0x5A, sizeof y);
                    pb_round_f32_avx512(f, x + off, y, len, &r, first);
                    for (size_t i = 0; i < len; i++) {
                        float want = (float)pb_format_round(f, (double)x[off + i], &r, first + i);
                        if (bits_of(want) != bits_of(y[i])) bad++;
                    }
                    if (bits_of(y[len]) != 0x5A5A5A5Au) bad++;
                }
            PBT_CHECK(bad == 0, "%s %s: %zu wrong elements or guards", names[k],
                      mode_names[mi], bad);
        }
    }
}

/* Exact SR needs more than one random word when the first ties with the
 * fraction's first 32 bits and the fraction is longer (|x| far below the
 * smallest step).  Build such inputs from the words themselves: at an
 * index whose w0 < 2^23, x = (2 w0 + 1) 2^-33 g (g the step next to zero)
 * has floor(frac 2^32) = w0 and a nonzero rest.  The vector code hands
 * these lanes to the scalar model; the results must still agree. */
static void test_sr_word_ties(void)
{
    if (!have_simd) return;
    const size_t n = (size_t)pbt_count(1 << 20);
    float *x = malloc(n * sizeof *x);
    uint64_t *want = malloc(n * 8), *got = malloc(n * 8);
    PBT_REQUIRE(x && want && got, "out of memory");
    size_t formats_tried = 0;
    for (size_t fi = 0; fi < pb_format_count(); fi++) {
        const pb_format *f = pb_format_at(fi);
        double g;
        if (f->spec.kind == PB_FORMAT_KIND_INT) g = 1.0;
        else if (f->spec.kind == PB_FORMAT_KIND_FLOAT && f->spec.man_bits < 23)
            g = ldexp(1.0, f->emin - f->spec.man_bits);
        else continue;
        if (g * 0x1p-33 < 0x1p-126) continue; /* x would not be a float32 */
        pb_rounding r = rounding("sr", PB_OVERFLOW_INF, pbt_seed() + fi);
        const uint64_t first = 4242;
        uint64_t s = pbt_seed() + fi;
        size_t ties = 0;
        for (size_t i = 0; i < n; i++) {
            uint32_t w0 = pb_rng_u32(r.seed, r.stream, first + i, 0);
            if (w0 < (UINT32_C(1) << 23)) {
                double v = (2.0 * w0 + 1.0) * 0x1p-33 * g;
                x[i] = (float)((splitmix(&s) & 1) ? -v : v);
                ties++;
            } else {
                x[i] = (float)(ldexp((double)(splitmix(&s) >> 11), -53) * g);
            }
        }
        PBT_CHECK(ties > 50, "%s: only %zu tie inputs", f->spec.name, ties);
        scalar_codes(f, x, want, n, &r, first);
        fast_codes(f, x, got, n, &r, first);
        compare_codes(f, x, want, got, n, &r, first, "sr ties");
        formats_tried++;
    }
    PBT_CHECK(formats_tried >= 6, "only %zu formats reach the multi-word case", formats_tried);
    free(x);
    free(want);
    free(got);
}

/* Formats built at run time: those the kernels accept agree with the model
 * in every mode; those outside the kernels' limits are refused. */
static void test_custom_formats(void)
{
    if (!have_simd) return;
    static const struct { const char *text; bool vector; } cases[] = {
        {"fp:e=3,m=4", true},
        {"fp:e=4,m=3,subnormals=0", true},
        {"fp:e=5,m=2,specials=fnuz", true},
        {"fp:e=2,m=1,specials=none,subnormals=0", true},
        {"fp:e=4,m=0,specials=fn", true},
        {"fp:e=6,m=9,specials=fn", true},
        {"fp:e=1,m=6,specials=none", true},
        {"fp:e=8,m=22", true},
        {"fp:e=5,m=10,bias=3,specials=ieee", true},
        {"fp:e=7,m=5,bias=70,specials=none,subnormals=0", true},
        {"fp:e=8,m=23,subnormals=0", false},  /* fp32 without subnormals */
        {"fp:e=9,m=3", false},                /* beyond float32's range */
        {"fp:e=8,m=7,bias=100", false},       /* emax 155 */
    };
    const size_t n = (size_t)pbt_count(400000);
    float *x = malloc(n * sizeof *x);
    uint64_t *want = malloc(n * 8), *got = malloc(n * 8);
    PBT_REQUIRE(x && want && got, "out of memory");
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        pb_format f;
        pb_status st = pb_format_parse(cases[k].text, &f);
        PBT_CHECK(st == PB_OK, "%s: %s", cases[k].text, pb_status_message(st));
        if (st != PB_OK) continue;
        pb_rounding r0 = rounding("rne", PB_OVERFLOW_INF, 5);
        PBT_CHECK(pb_convert_simd_supported(&f, &r0) == cases[k].vector,
                  "%s: vector path %s", cases[k].text, cases[k].vector ? "refused" : "accepted");
        if (!pb_convert_simd_supported(&f, &r0)) continue;
        vec_f32 edges = format_edges(&f, pbt_seed() + k);
        fill_inputs(&f, &edges, x, n, pbt_seed() * 13 + k);
        for (int mi = 0; mi < MODE_COUNT; mi++)
            for (int pol = 0; pol < 2; pol++) {
                pb_rounding r = rounding(mode_names[mi], pol ? PB_OVERFLOW_SAT : PB_OVERFLOW_INF,
                                         pbt_seed() + 50 + (uint64_t)mi);
                scalar_codes(&f, x, want, n, &r, 3);
                fast_codes(&f, x, got, n, &r, 3);
                compare_codes(&f, x, want, got, n, &r, 3, "custom");
            }
        free(edges.v);
    }
    free(x);
    free(want);
    free(got);
}

/* The public API: the fast path is taken where the CPU has it, agrees with
 * the forced portable path, and gives the same bits with 1 and 2 threads. */
static void test_public_api_threads(void)
{
    const char *names[] = {"bf16", "fp16", "e4m3", "e5m2fnuz", "e2m1", "e8m0", "int8", "tf32", "fp32", "fp64"};
    const char *modes[] = {"rne", "sr", "sr:8", "up"};
    const size_t n = (size_t)pbt_count(1 << 20) + 13;
    float *x = malloc(n * sizeof *x), *y1 = malloc(n * sizeof *x), *y2 = malloc(n * sizeof *x);
    uint64_t *c1 = malloc(n * 8), *c2 = malloc(n * 8), *c3 = malloc(n * 8);
    PBT_REQUIRE(x && y1 && y2 && c1 && c2 && c3, "out of memory");
    if (have_simd)
        PBT_CHECK(strcmp(pb_convert_backend(), pb_simd_level_name(pb_simd_level_detect())) == 0,
                  "backend %s on a CPU with %s", pb_convert_backend(),
                  pb_simd_level_name(pb_simd_level_detect()));
    bool old = pb_convert_force_scalar(true);
    PBT_CHECK(strcmp(pb_convert_backend(), "scalar") == 0, "forced backend %s", pb_convert_backend());
    pb_convert_force_scalar(old);
    const int threads = omp_get_max_threads();
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        const pb_format *f = pb_format_by_name(names[k]);
        PBT_REQUIRE(f, "no format %s", names[k]);
        vec_f32 edges = format_edges(f, pbt_seed() + 300 + k);
        fill_inputs(f, &edges, x, n, pbt_seed() + 400 + k);
        for (size_t mi = 0; mi < sizeof modes / sizeof modes[0]; mi++) {
            pb_rounding r = rounding(modes[mi], PB_OVERFLOW_INF, pbt_seed() + mi);
            const uint64_t first = 5;
            omp_set_num_threads(1);
            pb_convert_f32(f, x, c1, n, &r, first);
            pb_round_f32(f, x, y1, n, &r, first);
            omp_set_num_threads(2);
            pb_convert_f32(f, x, c2, n, &r, first);
            pb_round_f32(f, x, y2, n, &r, first);
            scalar_codes(f, x, c3, n, &r, first);
            PBT_CHECK(memcmp(c1, c2, n * (size_t)f->code_bytes) == 0,
                      "%s %s: codes differ between 1 and 2 threads", names[k], modes[mi]);
            PBT_CHECK(memcmp(y1, y2, n * sizeof *y1) == 0,
                      "%s %s: values differ between 1 and 2 threads", names[k], modes[mi]);
            compare_codes(f, x, c3, c2, n, &r, first, "public");
        }
        free(edges.v);
    }
    omp_set_num_threads(threads);
    free(x); free(y1); free(y2); free(c1); free(c2); free(c3);
}

int main(int argc, char **argv)
{
    pbt_init(argc, argv);
    have_simd = pb_simd_level_detect() != PB_SIMD_NONE;
    if (!have_simd)
        printf("%s: no AVX-512 on this CPU: only the public API is tested\n", pbt_program);
    PBT_RUN(test_philox_words);
    PBT_RUN(test_lengths_and_offsets);
    PBT_RUN(test_sr_word_ties);
    PBT_RUN(test_custom_formats);
    PBT_RUN(test_round_values);
    PBT_RUN(test_public_api_threads);
    PBT_RUN(test_codes_all_formats);
    return pbt_finish();
}
