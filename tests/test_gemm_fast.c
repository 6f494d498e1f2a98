/* precbench tests: every fast GEMM kernel gives its scalar model's bits.
 *
 * For every scheme of the table (and a few compositions that reach paths
 * the table does not) whose pb_gemm_backend is not "model", pb_gemm runs
 * twice, once with ctx.force_model, and C must be identical bit for bit
 * (NaN is canonical, so even NaN compares by bits), as must the
 * statistics, over:
 *   inputs   random, and adversarial: inf, NaN, values near overflow,
 *            denormals and underflow, exact cancellation, wide ranges;
 *   shapes   M, N, K of 1 and sizes that are not multiples of any block
 *            (micro-tile 12 x 32, scale blocks 16/32, K blocks of the
 *            engine), K long enough to cross K blocks, N wider than a
 *            B panel, M with several A blocks;
 *   layout   A and B transposed or not, leading dimensions larger than the
 *            rows, C with ldc > N (the gap must stay untouched);
 *   update   beta == 0 with C full of NaN (never read), beta != 0, alpha;
 *   threads  1 and 2.
 * A new table row is tested without new code.  On a CPU without AVX-512
 * every backend is "model" and the test passes, saying so.
 */
#include <math.h>
#include <string.h>

#include "harness.h"
#include "precbench/gemm.h"
#include "precbench/scheme.h"

static uint64_t rng_state;
static uint64_t rng_next(void) { return pbt_xorshift(&rng_state); }
static double rng_unit(void) { return (double)(rng_next() >> 11) * 0x1p-53; }

typedef enum input_kind {
    INPUT_RANDOM,
    INPUT_ADVERSARIAL,
    INPUT_TINY,    /* products near and below binary32's subnormals     */
    INPUT_HUGE,    /* products near 2^120: sums overflow bf16           */
    INPUT_FP16TOP, /* sums at fp16's overflow threshold                 */
    INPUT_SMALLINT, /* small integers: exact sums, fractions of zero     */
    INPUT_FINITE,   /* finite, exponents in a moderate range: runs of zeros,
                       cancellation, powers of two, all-ones significands */
    INPUT_LOW       /* magnitudes in [2^-56, 2^-48): product exponents at the
                       low edge of the tensor-core fixed-point path         */
} input_kind;

static float float_of(uint32_t u)
{
    float f;
    memcpy(&f, &u, 4);
    return f;
}

/* One input value.  Adversarial values are drawn from the cases that stress
 * the definitions: specials, the edges of the float range, exact
 * cancellation against the previous value. */
static float gen_value(input_kind kind, float prev)
{
    double u = rng_unit() * 2.0 - 1.0;
    float x = (float)ldexp(u, (int)(rng_next() % 7) - 3);
    if (kind == INPUT_RANDOM) return x;
    if (kind == INPUT_TINY) return (float)ldexp(u, -50 - (int)(rng_next() % 30));
    if (kind == INPUT_HUGE) return (float)ldexp(u, 55 + (int)(rng_next() % 8));
    if (kind == INPUT_FP16TOP) {
        /* products like 255 * 256 = 65280 and 16.25 * 16 = 260: sums just
         * below, at and just above 2^16, where fp16 overflows */
        static const float top[] = {255, 256, 240, 16, 16.25f, 17, 1, 2};
        const float t = top[rng_next() % 8];
        return (rng_next() & 3) ? t : -t;
    }
    if (kind == INPUT_SMALLINT) return (float)((int)(rng_next() % 9) - 4);
    if (kind == INPUT_LOW)
        return (float)ldexp((u < 0 ? -1.0 : 1.0) * (1.0 + rng_unit()), -56 + (int)(rng_next() % 8));
    if (kind == INPUT_FINITE) {
        switch (rng_next() % 8) {
        case 0:
        case 1: return (rng_next() & 1) ? 0.0f : -0.0f; /* fill() makes runs of them */
        case 2: return -prev;
        case 3: return (float)ldexp(u, (int)(rng_next() % 60) - 30);
        case 4: return (float)ldexp(1.0, (int)(rng_next() % 40) - 20);
        case 5: return (float)ldexp((rng_next() & 1) ? 1.9921875 : -1.9921875, (int)(rng_next() % 4));
        default: return x;
        }
    }
    switch (rng_next() % 16) {
    case 0: return INFINITY;
    case 1: return -INFINITY;
    case 2: return NAN;
    case 3: return (float)ldexp(u, 120 + (int)(rng_next() % 8));  /* near overflow */
    case 4: return float_of((uint32_t)(rng_next() & 0x807fffffu)); /* denormal */
    case 5: return (float)ldexp(u, -120 - (int)(rng_next() % 10)); /* underflow */
    case 6: return -prev;                                          /* cancellation */
    case 7: return (rng_next() & 1) ? 0.0f : -0.0f;
    case 8: return (float)ldexp(u, (int)(rng_next() % 60) - 30);   /* wide range */
    case 9: return (float)ldexp(1.0, (int)(rng_next() % 40) - 20); /* powers of two */
    default: return x;
    }
}

static void fill(float *p, size_t count, input_kind kind)
{
    float prev = 1.0f;
    for (size_t i = 0; i < count; i++) {
        p[i] = gen_value(kind, prev);
        /* INPUT_FINITE: zeros in runs, so that whole tensor-core steps
         * have no nonzero product */
        if (kind == INPUT_FINITE && p[i] == 0.0f)
            for (size_t n = rng_next() % 40; n > 0 && i + 1 < count; n--) p[++i] = 0.0f;
        prev = p[i];
    }
}

typedef struct shape {
    size_t m, n, k;
} shape;

/* Shapes: tiny, odd, K across engine blocks (F32 512, BF16 1024, I8 2048
 * k-values), N across a B panel (3072 columns), M across A blocks. */
static const shape shapes[] = {
    {1, 1, 1},    {1, 1, 0},    {3, 5, 2},     {1, 37, 33},   {13, 1, 70},
    {12, 32, 64}, {25, 70, 95}, {30, 33, 257}, {4, 33, 1100}, {2, 3100, 21},
    {300, 9, 17}, {29, 41, 48}, {3, 40, 2100}, {37, 19, 16},  {5, 7, 31},
};

typedef struct run_cfg {
    pb_trans ta, tb;
    size_t pad_a, pad_b, pad_c; /* leading dimension minus its minimum */
    float alpha, beta;
    int threads;
    input_kind input;
} run_cfg;

/* Both runs of one configuration; returns false (after a message) when the
 * results differ. */
static bool compare_one(const pb_scheme *s, const shape *sh, const run_cfg *cfg,
                        uint64_t seed)
{
    const size_t m = sh->m, n = sh->n, k = sh->k;
    const size_t a_rows = cfg->ta ? k : m, a_cols = cfg->ta ? m : k;
    const size_t b_rows = cfg->tb ? n : k, b_cols = cfg->tb ? k : n;
    const size_t lda = a_cols + cfg->pad_a, ldb = b_cols + cfg->pad_b, ldc = n + cfg->pad_c;
    float *a = malloc((a_rows * lda + 1) * sizeof *a);
    float *b = malloc((b_rows * ldb + 1) * sizeof *b);
    float *c0 = malloc((m * ldc + 1) * sizeof *c0);
    float *c1 = malloc((m * ldc + 1) * sizeof *c1);
    bool ok = a && b && c0 && c1;
    PBT_CHECK(ok, "allocation");
    if (ok) {
        fill(a, a_rows * lda, cfg->input);
        fill(b, b_rows * ldb, cfg->input);
        if (cfg->beta == 0.0f) {
            for (size_t i = 0; i < m * ldc; i++) c0[i] = NAN; /* must never be read */
        } else {
            fill(c0, m * ldc, cfg->input);
        }
        memcpy(c1, c0, m * ldc * sizeof *c0);

        pb_gemm_stats stats[2];
        pb_status st[2];
        for (int run = 0; run < 2; run++) {
            pb_gemm_ctx ctx = pb_gemm_ctx_default();
            ctx.seed = seed;
            ctx.stream = 3;
            ctx.threads = cfg->threads;
            ctx.force_model = run == 1;
            memset(&stats[run], 0, sizeof stats[run]);
            ctx.stats = &stats[run];
            pb_scaling_state *state[2] = {NULL, NULL};
            if (pb_scheme_uses_delayed(s))
                for (int w = 0; w < 2; w++) {
                    if (pb_scheme_state_create(s, w, &state[w]) != PB_OK) continue;
                    /* a history that differs from the current amax */
                    pb_scaling_state_push(state[w], 0.75);
                    pb_scaling_state_push(state[w], 3.5);
                }
            ctx.delayed_a = state[0];
            ctx.delayed_b = state[1];
            st[run] = pb_gemm(s, &ctx, cfg->ta, cfg->tb, m, n, k, cfg->alpha, a, lda, b, ldb,
                              cfg->beta, run == 0 ? c0 : c1, ldc);
            for (int w = 0; w < 2; w++)
                if (state[w]) pb_scaling_state_destroy(state[w]);
        }
        PBT_CHECK(st[0] == st[1] && st[0] == PB_OK,
                  "%s: M=%zu N=%zu K=%zu ta=%d tb=%d: status fast %d, model %d",
                  pb_scheme_name(s), m, n, k, (int)cfg->ta, (int)cfg->tb, (int)st[0],
                  (int)st[1]);
        size_t bad = 0, first_i = 0, first_j = 0;
        for (size_t i = 0; i < m; i++)
            for (size_t j = 0; j < ldc; j++) /* the gap past N too */
                if (memcmp(&c0[i * ldc + j], &c1[i * ldc + j], sizeof(float)) != 0) {
                    if (!bad) first_i = i, first_j = j;
                    bad++;
                }
        if (bad) {
            uint32_t u0, u1;
            memcpy(&u0, &c0[first_i * ldc + first_j], 4);
            memcpy(&u1, &c1[first_i * ldc + first_j], 4);
            PBT_CHECK(false,
                      "%s (%s): M=%zu N=%zu K=%zu ta=%d tb=%d pads=%zu,%zu,%zu alpha=%g "
                      "beta=%g threads=%d input=%d: %zu elements differ, first (%zu,%zu): "
                      "fast %08x model %08x",
                      pb_scheme_name(s), pb_gemm_backend(s), m, n, k, (int)cfg->ta,
                      (int)cfg->tb, cfg->pad_a, cfg->pad_b, cfg->pad_c, cfg->alpha, cfg->beta,
                      cfg->threads, (int)cfg->input, bad, first_i, first_j, u0, u1);
        }
        PBT_CHECK(memcmp(&stats[0], &stats[1], sizeof stats[0]) == 0,
                  "%s: statistics differ (overflowed %llu/%llu, underflowed %llu/%llu, "
                  "nonfinite %llu/%llu)",
                  pb_scheme_name(s), (unsigned long long)stats[0].inputs_overflowed,
                  (unsigned long long)stats[1].inputs_overflowed,
                  (unsigned long long)stats[0].inputs_underflowed,
                  (unsigned long long)stats[1].inputs_underflowed,
                  (unsigned long long)stats[0].outputs_nonfinite,
                  (unsigned long long)stats[1].outputs_nonfinite);
        ok = bad == 0 && st[0] == st[1];
    }
    free(a);
    free(b);
    free(c0);
    free(c1);
    return ok;
}

/* Every shape under varied layouts, updates, inputs and thread counts;
 * stops at the first difference (its message says where). */
static size_t compare_scheme(const pb_scheme *s, uint64_t salt)
{
    rng_state = (pbt_seed() ^ (salt * 0x9E3779B97F4A7C15ull)) | 1u;
    size_t runs = 0;
    const size_t nshapes = sizeof shapes / sizeof shapes[0];
    const uint64_t rounds = pbt_count(1);
    for (uint64_t round = 0; round < rounds; round++)
        for (size_t t = 0; t < nshapes; t++) {
            const uint64_t r = rng_next();
            run_cfg cfg = {
                .ta = (r & 1) ? PB_TRANS : PB_NO_TRANS,
                .tb = (r & 2) ? PB_TRANS : PB_NO_TRANS,
                .pad_a = (r >> 2) % 3,
                .pad_b = (r >> 4) % 3,
                .pad_c = (r >> 6) % 2,
                .alpha = (r >> 7) % 3 == 0 ? -1.5f : 1.0f,
                .beta = (r >> 9) % 2 ? 0.0f : ((r >> 10) % 2 ? 1.0f : 0.25f),
                .threads = 1 + (int)((t + round) % 2),
                .input = (t + round) % 3 == 2 ? INPUT_ADVERSARIAL : INPUT_RANDOM,
            };
            runs++;
            if (!compare_one(s, &shapes[t], &cfg, r)) return runs;
            /* the same problem with the other thread count */
            cfg.threads = 3 - cfg.threads;
            runs++;
            if (!compare_one(s, &shapes[t], &cfg, r)) return runs;
        }
    return runs;
}

/* The CPU has everything the fast kernels use. */
static bool full_avx512(void)
{
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("avx512bf16") && __builtin_cpu_supports("avx512vnni") &&
           __builtin_cpu_supports("fma");
}

static void test_table_schemes(void)
{
    size_t fast = 0;
    for (size_t i = 0; i < pb_scheme_count(); i++) {
        const pb_scheme *s = pb_scheme_at(i);
        const bool model = strcmp(pb_gemm_backend(s), "model") == 0;
        /* the table's promise holds where the CPU has the instructions */
        if (full_avx512())
            PBT_CHECK(!pb_scheme_fast_expected(s) || !model,
                      "%s: a fast kernel is expected, the backend is the model",
                      pb_scheme_name(s));
        if (model) continue;
        fast++;
        compare_scheme(s, i + 1);
    }
    printf("  %zu of %zu table schemes have a fast kernel%s\n", fast, pb_scheme_count(),
           full_avx512() ? "" : " (this CPU lacks some AVX-512 extensions)");
}

/* Compositions that reach paths the table does not: the fp32 accumulator
 * without FMA on a scaled format, bf16 pairs with 16-blocks and int8
 * inputs, integer codes in int32 with MX blocks of 16, an output rounding
 * of the int8 path, scaled fp32 FMA, tf32 with delayed scaling. */
static void test_composed_schemes(void)
{
    static const char *const texts[] = {
        "fmt=fp16;scale=tensor;acc=fp32",
        "fmt=e4m3;scale=mx:block=16;acc=dpbf16;out=bf16",
        "fmt=int8;scale=rowcol;acc=dpbf16",
        "fmt=int8;scale=mx:block=16;acc=int32",
        "fmt=int4;scale=rowcol;acc=int32;out=fp16:sr",
        "fmt=fp32;scale=pow2:e=3;acc=fp32fma",
        "fmt=tf32;scale=delayed;acc=fp32fma",
        "fmt=e5m2,e4m3;in=sr;scale=rowcol;acc=dpbf16",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        pb_scheme *s = NULL;
        pb_status st = pb_scheme_parse(texts[i], &s);
        PBT_CHECK(st == PB_OK, "%s: parse status %d", texts[i], (int)st);
        if (st != PB_OK) continue;
        if (strcmp(pb_gemm_backend(s), "model") != 0) compare_scheme(s, 1000 + i);
        pb_scheme_free(s);
    }
}

/* Every scheme of `texts` that has a fast kernel against its model on every
 * input kind and shape, `rounds` times, random transposes and thread
 * counts; returns how many had a fast kernel. */
static size_t compare_compositions(const char *const *texts, size_t ntexts,
                                   const input_kind *kinds, size_t nkinds, const shape *shapes,
                                   size_t nshapes, uint64_t rounds)
{
    size_t fast = 0;
    for (size_t i = 0; i < ntexts; i++) {
        pb_scheme *s = NULL;
        pb_status st = pb_scheme_parse(texts[i], &s);
        PBT_CHECK(st == PB_OK, "%s: parse status %d", texts[i], (int)st);
        if (st != PB_OK) continue;
        if (strcmp(pb_gemm_backend(s), "model") != 0) {
            fast++;
            for (uint64_t round = 0; round < rounds; round++)
                for (size_t kd = 0; kd < nkinds; kd++)
                    for (size_t t = 0; t < nshapes; t++) {
                        const uint64_t r = rng_next();
                        run_cfg cfg = {.ta = (r & 1) ? PB_TRANS : PB_NO_TRANS,
                                       .tb = (r & 2) ? PB_TRANS : PB_NO_TRANS,
                                       .alpha = 1.0f,
                                       .beta = 0.0f,
                                       .threads = 1 + (int)((r >> 2) & 1),
                                       .input = kinds[kd]};
                        if (!compare_one(s, &shapes[t], &cfg, r)) break;
                    }
        }
        pb_scheme_free(s);
    }
    return fast;
}

/* The low-precision accumulators' fast kernel works on binary32 lanes
 * where the products are exact there and falls back to binary64 lanes
 * elsewhere; its rare lanes (ties of the first random word, sums that
 * overflow, subnormal accumulators) go to the scalar model.  Every
 * accumulator and mode, with input formats that do and do not allow the
 * binary32 lanes, on inputs that reach those paths; K not a multiple of 4
 * (random words that start inside a Philox block), and block scaling. */
static void test_lowp_paths(void)
{
    static const char *const texts[] = {
        "fmt=bf16;acc=bf16:rn",       "fmt=bf16;acc=bf16:sr",   "fmt=bf16;acc=bf16:sr:7",
        "fmt=fp16;acc=fp16:rn",       "fmt=fp16;acc=fp16:sr",   "fmt=fp16;acc=fp16:sr:13",
        "fmt=bf16;acc=fp16:sr",       "fmt=bf16;acc=fp16:rn",   "fmt=fp16;acc=bf16:sr",
        "fmt=tf32;acc=bf16:sr",       "fmt=fp32;acc=fp16:sr",   "fmt=e4m3;scale=mx;acc=bf16:sr",
        "fmt=int8;scale=rowcol;acc=fp16:sr:3",
    };
    static const input_kind kinds[] = {INPUT_RANDOM, INPUT_TINY, INPUT_HUGE, INPUT_FP16TOP,
                                       INPUT_SMALLINT, INPUT_ADVERSARIAL};
    static const shape lshapes[] = {{5, 33, 7}, {6, 40, 130}, {9, 17, 61}, {3, 70, 103}, {8, 35, 2}};
    rng_state = pbt_seed() | 1u;
    size_t fast = compare_compositions(texts, sizeof texts / sizeof texts[0], kinds,
                                       sizeof kinds / sizeof kinds[0], lshapes,
                                       sizeof lshapes / sizeof lshapes[0], pbt_count(1));
    printf("  %zu of %zu low-precision accumulator compositions have a fast kernel\n", fast,
           sizeof texts / sizeof texts[0]);
}

/* The tensor-core kernel's fixed-point path sums a step in int32 (bf16 on
 * the h100 preset with an overflow test, int64 runs for long blocks such as
 * b200-fp8), keeps c in lanes whose step has no nonzero product, and falls
 * back to binary64 lanes when the exponents of the data leave its range
 * (INPUT_LOW at its lower edge, INPUT_TINY, INPUT_HUGE) and to the model on
 * specials.  Rounding modes,
 * a short result (outfrac < 23) on an odd block, promotion, scale blocks
 * (with K = 0). */
static void test_tensorcore_paths(void)
{
    static const char *const texts[] = {
        "fmt=bf16;acc=tensorcore:h100",
        "fmt=fp16;acc=tensorcore:v100",
        "fmt=tf32;acc=tensorcore:a100-tf32",
        "fmt=e4m3;acc=tensorcore:b200-fp8",
        "fmt=bf16;acc=tensorcore:h100,round=rne,norm=rne,promote=3",
        "fmt=fp16;acc=tensorcore:block=7,frac=12,outfrac=9,promote=2",
        "fmt=e4m3;scale=mx;acc=tensorcore:b200-fp8",
    };
    static const input_kind kinds[] = {INPUT_RANDOM, INPUT_FINITE, INPUT_LOW,
                                       INPUT_TINY,   INPUT_HUGE,   INPUT_ADVERSARIAL};
    static const shape tshapes[] = {{5, 33, 7}, {6, 40, 130}, {9, 17, 61}, {3, 70, 103}, {2, 40, 0}};
    rng_state = pbt_seed() | 1u;
    size_t fast = compare_compositions(texts, sizeof texts / sizeof texts[0], kinds,
                                       sizeof kinds / sizeof kinds[0], tshapes,
                                       sizeof tshapes / sizeof tshapes[0], pbt_count(2));
    printf("  %zu of %zu tensor-core compositions have a fast kernel\n", fast,
           sizeof texts / sizeof texts[0]);
}

/* A tensor-core step whose exact sum does not fit int32: c = big from a
 * first step, then `per` products big^2 of one sign, aligned to c's
 * exponent.  bf16 on the h100 preset (16 products of 1.9921875^2, frac 25):
 * the step's sum is 65.5 * 2^25 > 2^31; e4m3 on b200-fp8 (32 products of
 * 1.875^2): above 2^32.  With big = 2^63 the step overflows to inf, and
 * the accumulator must stay inf through the steps after it. */
static void test_tensorcore_wide_step(void)
{
    static const struct {
        const char *scheme;
        float big;
        size_t per;
    } cases[] = {
        {"bf16-h100", 1.9921875f, 16},
        {"fmt=bf16;acc=tensorcore:h100,round=rne,norm=rne", 1.9921875f, 16},
        {"fmt=e4m3;acc=tensorcore:b200-fp8", 1.875f, 32},
        {"bf16-h100", 0x1p63f, 16},
    };
    const size_t m = 3, n = 37;
    for (size_t t = 0; t < sizeof cases / sizeof cases[0]; t++) {
        pb_scheme *s = NULL;
        PBT_REQUIRE(pb_scheme_parse(cases[t].scheme, &s) == PB_OK, "%s: parse", cases[t].scheme);
        const size_t per = cases[t].per, k = 2 * per + 5;
        for (int sign = 0; sign < 4 && strcmp(pb_gemm_backend(s), "model") != 0; sign++) {
            float *a = calloc(m * k, sizeof *a), *b = calloc(k * n, sizeof *b);
            float *c0 = calloc(m * n, sizeof *c0), *c1 = calloc(m * n, sizeof *c1);
            PBT_REQUIRE(a && b && c0 && c1, "allocation");
            const float sa = (sign & 1) ? -1.0f : 1.0f, sb = (sign & 2) ? -1.0f : 1.0f;
            for (size_t i = 0; i < m; i++) { /* A: M x K */
                a[i * k] = sa * cases[t].big;
                for (size_t q = per; q < 2 * per; q++) a[i * k + q] = sa * cases[t].big;
                for (size_t q = 2 * per; q < k; q++) a[i * k + q] = (q & 1) ? 1.5f : -1.25f;
            }
            for (size_t j = 0; j < n; j++) { /* B: K x N */
                b[j] = 1.0f;
                for (size_t q = per; q < 2 * per; q++) b[q * n + j] = sb * cases[t].big;
                for (size_t q = 2 * per; q < k; q++) b[q * n + j] = (float)(j % 7) - 3.0f;
            }
            for (int run = 0; run < 2; run++) {
                pb_gemm_ctx ctx = pb_gemm_ctx_default();
                ctx.threads = 1 + run;
                ctx.force_model = run == 1;
                PBT_CHECK(pb_gemm(s, &ctx, PB_NO_TRANS, PB_NO_TRANS, m, n, k, 1.0f, a, k, b, n,
                                  0.0f, run ? c1 : c0, n) == PB_OK,
                          "%s: status", cases[t].scheme);
            }
            PBT_CHECK(memcmp(c0, c1, m * n * sizeof *c0) == 0, "%s, signs %d: fast %a, model %a",
                      cases[t].scheme, sign, c0[0], c1[0]);
            free(a);
            free(b);
            free(c0);
            free(c1);
        }
        pb_scheme_free(s);
    }
}

int main(int argc, char **argv)
{
    pbt_init(argc, argv);
    PBT_RUN(test_table_schemes);
    PBT_RUN(test_composed_schemes);
    PBT_RUN(test_lowp_paths);
    PBT_RUN(test_tensorcore_paths);
    PBT_RUN(test_tensorcore_wide_step);
    return pbt_finish();
}
