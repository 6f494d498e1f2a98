/* precbench tests: the format table, every code of every small format, the
 * special values and overflow rules, and formats built at run time.
 *
 * The expected values are written here from each format's definition
 * (sign / exponent / mantissa fields, ldexp), independently of the model. */
#include <float.h>
#include <math.h>

#include "harness.h"
#include "precbench/format.h"

static const char *const named[] = {
    "fp64", "fp32", "tf32", "bf16", "fp16", "e4m3", "e5m2", "e4m3fnuz", "e5m2fnuz",
    "e2m3", "e3m2", "e2m1", "e8m0", "int8", "int4", "ternary",
};
enum { NAMED = sizeof named / sizeof named[0] };

/* Run-time formats exercised like the named ones. */
static const char *const customs[] = {
    "fp:e=3,m=4",                               /* IEEE-style, bias 3       */
    "fp:e=4,m=3,bias=7,specials=fn,subnormals=0",
    "fp:e=3,m=2,specials=fnuz",
    "fp:e=2,m=0,bias=1,specials=none",
    "fp:e=5,m=1,bias=20,specials=ieee,subnormals=0",
};
enum { CUSTOMS = sizeof customs / sizeof customs[0] };

static bool same_value(double a, double b)
{
    return (isnan(a) && isnan(b)) || (a == b && signbit(a) == signbit(b));
}

/* The value of code c, from the definition of the format. */
static double expected_decode(const pb_format *f, uint64_t c)
{
    const pb_format_spec *s = &f->spec;
    if (s->kind == PB_FORMAT_KIND_INT) {
        int64_t v = (int64_t)c;
        if (c >> (s->bits - 1)) v -= (int64_t)1 << s->bits; /* two's complement */
        return v < s->int_min || v > s->int_max ? NAN : (double)v;
    }
    if (s->kind == PB_FORMAT_KIND_POW2) return c == 0xFF ? NAN : ldexp(1.0, (int)c - 127);
    const int e = s->exp_bits, m = s->man_bits, pad = s->bits - 1 - e - m;
    const uint64_t sign = c >> (s->bits - 1) & 1;
    const uint64_t E = c >> (m + pad) & ((1u << e) - 1);
    const uint64_t M = c >> pad & ((UINT64_C(1) << m) - 1);
    const uint64_t Eall = (1u << e) - 1, Mall = (UINT64_C(1) << m) - 1;
    double v;
    switch (s->specials) {
    case PB_SPECIALS_IEEE:
        if (E == Eall) return M ? NAN : sign ? -INFINITY : INFINITY;
        break;
    case PB_SPECIALS_FN:
        if (E == Eall && M == Mall) return NAN;
        break;
    case PB_SPECIALS_FNUZ:
        if (sign && E == 0 && M == 0) return NAN;
        break;
    case PB_SPECIALS_NONE:
        break;
    }
    if (E == 0)
        v = s->subnormals ? ldexp((double)M, 1 - s->bias - m) : 0.0;
    else
        v = ldexp((double)((UINT64_C(1) << m) + M), (int)E - s->bias - m);
    return sign ? -v : v;
}

static void test_table(void)
{
    PBT_CHECK(pb_format_count() == NAMED, "%zu formats registered, %d named", pb_format_count(), NAMED);
    for (size_t i = 0; i < NAMED; i++) {
        const pb_format *f = pb_format_by_name(named[i]);
        PBT_CHECK(f && strcmp(f->spec.name, named[i]) == 0, "format %s missing", named[i]);
        if (f) PBT_CHECK(pb_format_at((size_t)f->index) == f, "%s: index", named[i]);
    }
    PBT_CHECK(pb_format_at(pb_format_count()) == NULL, "pb_format_at past the end");
    static const char *const aliases[][2] = {
        {"float8_e4m3fn", "e4m3"}, {"float8_e5m2", "e5m2"}, {"float6_e2m3fn", "e2m3"},
        {"float6_e3m2fn", "e3m2"}, {"float4_e2m1fn", "e2m1"}, {"float8_e8m0fnu", "e8m0"},
        {"bfloat16", "bf16"}, {"float16", "fp16"}, {"float8_e4m3fnuz", "e4m3fnuz"},
        {"float8_e5m2fnuz", "e5m2fnuz"},
    };
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        PBT_CHECK(pb_format_by_name(aliases[i][0]) == pb_format_by_name(aliases[i][1]),
                  "alias %s", aliases[i][0]);
    PBT_CHECK(!pb_format_by_name("E4M3") && !pb_format_by_name("e4m") &&
              !pb_format_by_name("") && !pb_format_by_name("float8"), "bad names accepted");
}

/* Limits written out from the format definitions. */
static void test_limits(void)
{
    static const struct {
        const char *name;
        double max, min_normal, min_sub, eps;
        int code_bytes;
    } want[] = {
        {"fp64", DBL_MAX, DBL_MIN, 0x1p-1074, 0x1p-52, 8},
        {"fp32", FLT_MAX, FLT_MIN, 0x1p-149, 0x1p-23, 4},
        {"tf32", 0x1.ffcp127, 0x1p-126, 0x1p-136, 0x1p-10, 4},
        {"bf16", 0x1.fep127, 0x1p-126, 0x1p-133, 0x1p-7, 2},
        {"fp16", 65504, 0x1p-14, 0x1p-24, 0x1p-10, 2},
        {"e4m3", 448, 0x1p-6, 0x1p-9, 0.125, 1},
        {"e5m2", 57344, 0x1p-14, 0x1p-16, 0.25, 1},
        {"e4m3fnuz", 240, 0x1p-7, 0x1p-10, 0.125, 1},
        {"e5m2fnuz", 57344, 0x1p-15, 0x1p-17, 0.25, 1},
        {"e2m3", 7.5, 1, 0.125, 0.125, 1},
        {"e3m2", 28, 0.25, 0.0625, 0.25, 1},
        {"e2m1", 6, 1, 0.5, 0.5, 1},
        {"e8m0", 0x1p127, 0x1p-127, 0x1p-127, 1, 1},
        {"int8", 127, 1, 1, 1, 1},
        {"int4", 7, 1, 1, 1, 1},
        {"ternary", 1, 1, 1, 1, 1},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const pb_format *f = pb_format_by_name(want[i].name);
        if (!f) continue;
        PBT_CHECK(f->max_finite == want[i].max && f->min_normal == want[i].min_normal &&
                  f->min_subnormal == want[i].min_sub && f->eps == want[i].eps &&
                  f->code_bytes == want[i].code_bytes,
                  "%s: max %a min normal %a min subnormal %a eps %a bytes %d", want[i].name,
                  f->max_finite, f->min_normal, f->min_subnormal, f->eps, f->code_bytes);
        PBT_CHECK(pb_format_decode(f, f->max_code_finite) == f->max_finite, "%s: max code", f->spec.name);
        PBT_CHECK(!f->has_nan || isnan(pb_format_decode(f, f->nan_code)), "%s: nan code", f->spec.name);
    }
}

static const pb_format *custom(size_t i)
{
    static pb_format store[CUSTOMS];
    pb_status st = pb_format_parse(customs[i], &store[i]);
    return st == PB_OK ? &store[i] : NULL;
}

/* The formats of at most 16 bits, whose codes are all checked. */
static size_t small_formats(const pb_format **out)
{
    size_t n = 0;
    for (size_t i = 0; i < pb_format_count(); i++)
        if (pb_format_at(i)->spec.bits <= 16) out[n++] = pb_format_at(i);
    for (size_t i = 0; i < CUSTOMS; i++)
        if (custom(i)) out[n++] = custom(i);
    return n;
}

static void test_decode_every_code(void)
{
    const pb_format *fs[64];
    size_t nf = small_formats(fs);
    PBT_CHECK(nf >= 13 + CUSTOMS, "only %zu small formats", nf);
    for (size_t k = 0; k < nf; k++) {
        const pb_format *f = fs[k];
        for (uint64_t c = 0; c < (UINT64_C(1) << f->spec.bits); c++) {
            double got = pb_format_decode(f, c), want = expected_decode(f, c);
            PBT_CHECK(same_value(got, want), "%s: decode(0x%" PRIx64 ") = %a, expected %a",
                      f->spec.name, c, got, want);
            /* Bits above the width are ignored. */
            PBT_CHECK(same_value(pb_format_decode(f, c | (UINT64_C(1) << f->spec.bits)), got),
                      "%s: high bits of 0x%" PRIx64 " not ignored", f->spec.name, c);
        }
    }
    /* fp32 and tf32: a sample of codes (tf32's low 13 bits are ignored). */
    const pb_format *f32 = pb_format_by_name("fp32"), *tf = pb_format_by_name("tf32");
    uint64_t s = pbt_seed();
    for (uint64_t i = 0; i < pbt_count(200000); i++) {
        s = s * 6364136223846793005u + 1442695040888963407u;
        uint32_t c = (uint32_t)(s >> 32);
        float x;
        memcpy(&x, &c, 4);
        PBT_CHECK(same_value(pb_format_decode(f32, c), x), "fp32 decode 0x%08x", c);
        uint32_t ct = c & ~UINT32_C(0x1fff);
        PBT_CHECK(same_value(pb_format_decode(tf, c), expected_decode(tf, ct)), "tf32 decode 0x%08x", c);
    }
}

static const char *const modes[] = {"rne", "rna", "rtz", "up", "down", "sr", "sr:1", "sr:8", "sr:24"};
enum { MODES = sizeof modes / sizeof modes[0] };

/* encode(decode(c)) == c for every non-NaN code, in every mode and policy
 * (an infinity under `sat` becomes max: checked separately). */
static void test_round_trip(void)
{
    const pb_format *fs[64];
    size_t nf = small_formats(fs);
    for (size_t k = 0; k < nf; k++) {
        const pb_format *f = fs[k];
        for (int mi = 0; mi < MODES; mi++)
            for (int pol = 0; pol < 2; pol++) {
                pb_rounding r = pb_rounding_default();
                pb_round_mode_parse(modes[mi], &r);
                r.overflow = pol ? PB_OVERFLOW_SAT : PB_OVERFLOW_INF;
                r.seed = pbt_seed();
                for (uint64_t c = 0; c < (UINT64_C(1) << f->spec.bits); c++) {
                    double v = pb_format_decode(f, c);
                    if (isnan(v)) continue;
                    uint64_t want = c;
                    if (isinf(v) && pol)
                        want = (c & (UINT64_C(1) << (f->spec.bits - 1))) | f->max_code_finite;
                    else if (v == 0 && expected_decode(f, c) == 0 && f->spec.kind == PB_FORMAT_KIND_FLOAT &&
                             (c & ~(UINT64_C(1) << (f->spec.bits - 1))) != 0)
                        continue; /* a non-canonical zero of a format without subnormals */
                    uint64_t got = pb_format_encode(f, v, &r, c);
                    PBT_CHECK(got == want, "%s %s %s: encode(decode(0x%" PRIx64 ") = %a) = 0x%" PRIx64,
                              f->spec.name, modes[mi], pol ? "sat" : "inf", c, v, got);
                }
            }
    }
}

/* NaN, inf, zeros and overflow, as docs/formats.md states them. */
static uint64_t enc(const char *name, double x, const char *mode, const char *pol)
{
    const pb_format *f = pb_format_by_name(name);
    pb_rounding r = pb_rounding_default();
    pb_round_mode_parse(mode, &r);
    pb_overflow_parse(pol, &r.overflow);
    return pb_format_encode(f, x, &r, 0);
}

static void test_specials(void)
{
    const double nan = NAN, inf = INFINITY;
    /* NaN in: the format's NaN (IEEE keeps sign, quiet, payload top bits). */
    PBT_CHECK(enc("bf16", nan, "rne", "inf") == 0x7fc0, "bf16 NaN");
    PBT_CHECK(enc("fp16", -nan, "rne", "sat") == 0xfe00, "fp16 -NaN");
    PBT_CHECK(enc("e5m2", nan, "rtz", "inf") == 0x7e, "e5m2 NaN");
    PBT_CHECK(enc("e4m3", nan, "rne", "sat") == 0x7f && enc("e4m3", -nan, "up", "inf") == 0xff, "e4m3 NaN");
    PBT_CHECK(enc("e4m3fnuz", -nan, "rne", "inf") == 0x80 && enc("e5m2fnuz", nan, "rne", "sat") == 0x80, "fnuz NaN");
    PBT_CHECK(enc("e2m3", nan, "rne", "inf") == 0x20 && enc("e3m2", nan, "rne", "sat") == 0x20 &&
              enc("e2m1", nan, "rne", "inf") == 0x8, "FP6/FP4 NaN -> -0 code");
    PBT_CHECK(enc("e8m0", nan, "rne", "sat") == 0xff, "e8m0 NaN");
    PBT_CHECK(enc("int8", nan, "rne", "inf") == 0 && enc("ternary", nan, "sr", "inf") == 0, "int NaN");
    PBT_CHECK(enc("tf32", nan, "rne", "inf") == 0x7fc00000, "tf32 NaN");
    double snan = -0.0;
    uint64_t sb = UINT64_C(0xfff0000000000123);
    memcpy(&snan, &sb, 8);
    PBT_CHECK(enc("fp64", snan, "rne", "inf") == sb, "fp64 keeps its NaN");
    PBT_CHECK(enc("fp32", snan, "rne", "inf") == 0xffc00000, "fp32 quiets a signalling NaN");

    /* Infinite input. */
    PBT_CHECK(enc("fp16", inf, "rtz", "inf") == 0x7c00 && enc("fp16", -inf, "up", "inf") == 0xfc00,
              "inf is exact where the format has it");
    PBT_CHECK(enc("fp16", inf, "rne", "sat") == 0x7bff && enc("bf16", -inf, "rne", "sat") == 0xff7f, "sat inf -> max");
    PBT_CHECK(enc("e4m3", inf, "rne", "inf") == 0x7f && enc("e4m3", -inf, "rtz", "inf") == 0xfe, "e4m3 inf");
    PBT_CHECK(enc("e2m1", inf, "rne", "inf") == 0x7 && enc("e2m3", -inf, "rne", "inf") == 0x3f, "FP4/FP6 inf");
    PBT_CHECK(enc("e4m3fnuz", -inf, "rne", "inf") == 0x80 && enc("e4m3fnuz", -inf, "rne", "sat") == 0xff, "fnuz inf");
    PBT_CHECK(enc("int8", -inf, "rne", "inf") == 0x80 && enc("int4", inf, "rtz", "inf") == 0x7, "int inf");

    /* Zeros: fnuz has no -0; a negative value that rounds to zero is +0. */
    PBT_CHECK(enc("fp16", -0.0, "rne", "inf") == 0x8000 && enc("e4m3fnuz", -0.0, "rne", "inf") == 0, "-0");
    PBT_CHECK(enc("e4m3fnuz", -1e-30, "rne", "inf") == 0 && enc("e5m2fnuz", -1e-30, "down", "inf") == 0x81,
              "fnuz negative underflow");
    PBT_CHECK(enc("e4m3", -1e-30, "rne", "inf") == 0x80 && enc("e4m3", -1e-30, "down", "inf") == 0x81 &&
              enc("e4m3", 1e-30, "up", "inf") == 0x01, "underflow directed");
    PBT_CHECK(enc("int8", -0.3, "rne", "inf") == 0 && enc("int8", -0.3, "down", "inf") == 0xff, "int -0");

    /* e4m3: 448 is max, 464 a tie that RNE sends to 448, beyond overflows. */
    PBT_CHECK(enc("e4m3", 464, "rne", "inf") == 0x7e && enc("e4m3", 464.0001, "rne", "inf") == 0x7f &&
              enc("e4m3", -464, "rna", "inf") == 0xff && enc("e4m3", 1e6, "rtz", "inf") == 0x7e &&
              enc("e4m3", 1e6, "up", "inf") == 0x7f && enc("e4m3", 1e6, "down", "inf") == 0x7e &&
              enc("e4m3", -1e6, "down", "inf") == 0xff && enc("e4m3", -1e6, "up", "inf") == 0xfe &&
              enc("e4m3", 1e6, "rne", "sat") == 0x7e, "e4m3 overflow");
    /* fp16: max 65504, 65520 is the tie to the first overflow. */
    PBT_CHECK(enc("fp16", 65519.99, "rne", "inf") == 0x7bff && enc("fp16", 65520, "rne", "inf") == 0x7c00 &&
              enc("fp16", 65520, "rtz", "inf") == 0x7bff && enc("fp16", -65505, "down", "inf") == 0xfc00 &&
              enc("fp16", -65505, "up", "inf") == 0xfbff && enc("fp16", 1e300, "sr", "sat") == 0x7bff,
              "fp16 overflow");
    PBT_CHECK(enc("e2m1", 7, "rne", "inf") == 0x7 && enc("e2m1", -100, "up", "inf") == 0xf, "e2m1 saturates");
    PBT_CHECK(enc("int8", 127.5, "rne", "inf") == 0x7f && enc("int8", -1e9, "rtz", "inf") == 0x80 &&
              enc("ternary", -5, "rne", "inf") == 0x3 && enc("ternary", 0.5, "rne", "inf") == 0 &&
              enc("ternary", 0.5, "rna", "inf") == 1 && enc("int4", 7.5, "rne", "inf") == 7 &&
              enc("int4", -8.5, "rne", "inf") == 0x8 && enc("int4", 2.5, "rne", "inf") == 2 &&
              enc("int4", 3.5, "rne", "inf") == 4, "int rounding and saturation");

    /* e8m0: ties up, the bottom code below 2^-126, sign and zero by policy. */
    PBT_CHECK(enc("e8m0", 1.5, "rne", "inf") == 0x80 && enc("e8m0", 3.0, "rne", "inf") == 0x81 &&
              enc("e8m0", 0x1.7ffffffffffffp0, "rne", "inf") == 0x7f && enc("e8m0", 3.0, "rtz", "inf") == 0x80 &&
              enc("e8m0", 1.1, "up", "inf") == 0x80 && enc("e8m0", 1.9, "down", "inf") == 0x7f, "e8m0 rounding");
    PBT_CHECK(enc("e8m0", 0x1p-127, "rne", "inf") == 0 && enc("e8m0", 0x1.1p-127, "rne", "inf") == 1 &&
              enc("e8m0", 1e-300, "rne", "inf") == 0 && enc("e8m0", 1e-300, "up", "inf") == 0 &&
              enc("e8m0", 0x1.1p-127, "rtz", "inf") == 0, "e8m0 bottom");
    PBT_CHECK(enc("e8m0", 0.0, "rne", "inf") == 0xff && enc("e8m0", -2.0, "rne", "inf") == 0xff &&
              enc("e8m0", 0.0, "rne", "sat") == 0 && enc("e8m0", -2.0, "up", "sat") == 0 &&
              enc("e8m0", -inf, "rne", "sat") == 0, "e8m0 zero and negatives");
    PBT_CHECK(enc("e8m0", 0x1.8p127, "rne", "inf") == 0xff && enc("e8m0", 0x1.8p127, "rtz", "inf") == 0xfe &&
              enc("e8m0", 1e300, "rne", "sat") == 0xfe && enc("e8m0", inf, "rne", "inf") == 0xff &&
              enc("e8m0", inf, "rne", "sat") == 0xfe && enc("e8m0", 0x1.7p127, "rne", "inf") == 0xfe,
              "e8m0 overflow");
    /* Exact double arithmetic: no double rounding through float. */
    PBT_CHECK(enc("fp16", 1.0 + 0x1p-11 + 0x1p-40, "rne", "inf") == 0x3c01, "fp16 just above a tie");
    PBT_CHECK(enc("fp32", 1.0 + 0x1p-24 + 0x1p-52, "rne", "inf") == 0x3f800001, "fp32 just above a tie");
    PBT_CHECK(enc("bf16", 0x1p-134, "rne", "inf") == 0 && enc("bf16", 0x1.0000000000001p-134, "rne", "inf") == 1,
              "bf16 below the smallest subnormal");
}

static void test_custom_formats(void)
{
    pb_format f;
    PBT_CHECK(pb_format_parse("fp:e=3,m=4", &f) == PB_OK &&
              strcmp(f.spec.name, "fp:e=3,m=4,bias=3,specials=ieee,subnormals=1") == 0 &&
              f.spec.bits == 8 && f.index == -1 && f.max_finite == 15.5 && f.min_subnormal == 0x1p-6,
              "fp:e=3,m=4 -> %s max %g", f.spec.name, f.max_finite);
    pb_format g;
    PBT_CHECK(pb_format_parse("fp:specials=ieee,m=4,e=3", &g) == PB_OK && g.spec.name == f.spec.name,
              "key order / interned name");
    PBT_CHECK(pb_format_parse("fp:e=4,m=3,specials=fnuz", &f) == PB_OK && f.spec.bias == 8 && f.max_finite == 240,
              "fnuz default bias");
    /* A run-time twin of each named minifloat behaves identically. */
    static const char *const twins[][2] = {
        {"e4m3", "fp:e=4,m=3,bias=7,specials=fn"}, {"e5m2", "fp:e=5,m=2"},
        {"e4m3fnuz", "fp:e=4,m=3,specials=fnuz"}, {"e5m2fnuz", "fp:e=5,m=2,specials=fnuz"},
        {"e2m3", "fp:e=2,m=3,specials=none"}, {"e3m2", "fp:e=3,m=2,specials=none"},
        {"e2m1", "fp:e=2,m=1,specials=none"}, {"fp16", "fp:e=5,m=10"}, {"bf16", "fp:e=8,m=7"},
        {"fp32", "fp:e=8,m=23"}, {"fp64", "fp:e=11,m=52"},
    };
    uint64_t s = pbt_seed();
    for (size_t t = 0; t < sizeof twins / sizeof twins[0]; t++) {
        const pb_format *a = pb_format_by_name(twins[t][0]);
        pb_format b;
        PBT_CHECK(pb_format_parse(twins[t][1], &b) == PB_OK, "parse %s", twins[t][1]);
        PBT_CHECK(a->max_finite == b.max_finite && a->min_subnormal == b.min_subnormal &&
                  a->nan_code == b.nan_code && a->max_code_finite == b.max_code_finite,
                  "%s: derived fields", twins[t][1]);
        pb_rounding r = pb_rounding_default();
        for (uint64_t i = 0; i < pbt_count(20000); i++) {
            s = s * 6364136223846793005u + 1442695040888963407u;
            double x = ldexp((double)(s >> 11) * 0x1p-53, (int)(s % 64) - 40) * ((s >> 7) & 1 ? -1 : 1);
            r.mode = (pb_round_mode)(i % 7);
            r.sr_bits = 5;
            PBT_CHECK(pb_format_encode(a, x, &r, i) == pb_format_encode(&b, x, &r, i), "%s twin at %a", twins[t][0], x);
        }
    }
    /* Subnormals off: round on the full grid, then flush. */
    PBT_CHECK(pb_format_parse("fp:e=4,m=3,bias=7,specials=fn,subnormals=0", &f) == PB_OK, "parse ftz");
    pb_rounding r = pb_rounding_default();
    PBT_CHECK(f.min_subnormal == f.min_normal && pb_format_encode(&f, 0x1.fp-7, &r, 0) == 0x08 &&
              pb_format_encode(&f, 0x1.dp-7, &r, 0) == 0x00 && pb_format_encode(&f, -0x1p-9, &r, 0) == 0x80,
              "flush to zero");
    r.mode = PB_ROUND_UP;
    PBT_CHECK(pb_format_encode(&f, 0x1p-20, &r, 0) == 0, "up: flushed after rounding to a subnormal");
    /* Errors. */
    static const char *const bad_syntax[] = {
        "fp:", "fp:e=3", "fp:m=3", "fp:e=3,m=4,foo=1", "fp:e=3,e=3,m=1", "fp:e=0,m=3",
        "fp:e=12,m=3", "fp:e=3,m=53", "fp:e=3,m=x", "fp:e=3,m=4,specials=ocp", "fp:e=3,m=4,",
        "fp:e=3,m=4,subnormals=2", "e3m4", "fp:e= 3,m=4",
    };
    for (size_t i = 0; i < sizeof bad_syntax / sizeof bad_syntax[0]; i++)
        PBT_CHECK(pb_format_parse(bad_syntax[i], &f) == PB_ERR_PARSE, "'%s' accepted", bad_syntax[i]);
    static const char *const impossible[] = {
        "fp:e=1,m=0,specials=ieee", "fp:e=1,m=0,specials=fn", "fp:e=11,m=53", "fp:e=8,m=23,bias=-2000",
        "fp:e=11,m=20,bias=0",
    };
    for (size_t i = 0; i < sizeof impossible / sizeof impossible[0]; i++) {
        pb_status st = pb_format_parse(impossible[i], &f);
        PBT_CHECK(st == PB_ERR_ARG || st == PB_ERR_PARSE, "'%s' gave %d", impossible[i], st);
    }
    PBT_CHECK(pb_format_lookup("e4m3", &f) == PB_OK && f.index == pb_format_by_name("e4m3")->index, "lookup named");
    PBT_CHECK(pb_format_lookup("fp:e=3,m=2", &f) == PB_OK && f.index == -1, "lookup custom");
    PBT_CHECK(pb_format_lookup("e9m9", &f) == PB_ERR_UNKNOWN_FORMAT, "lookup unknown");
}

static void test_mode_names(void)
{
    static const char *const good[] = {"rne", "rna", "rtz", "up", "down", "sr", "sr:1", "sr:24", "sr:8"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        pb_rounding r = pb_rounding_default();
        char buf[16];
        PBT_CHECK(pb_round_mode_parse(good[i], &r) == PB_OK && pb_rounding_check(&r) == PB_OK &&
                  strcmp(pb_round_mode_name(&r, buf, sizeof buf), good[i]) == 0, "mode %s", good[i]);
    }
    static const char *const bad[] = {"", "RNE", "sr:0", "sr:25", "sr:", "sr:x", "sr:8x", "sr:+8", "sr:R", "nearest"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        pb_rounding r = pb_rounding_default();
        PBT_CHECK(pb_round_mode_parse(bad[i], &r) == PB_ERR_UNKNOWN_MODE, "mode '%s' accepted", bad[i]);
    }
    pb_overflow o;
    PBT_CHECK(pb_overflow_parse("sat", &o) == PB_OK && o == PB_OVERFLOW_SAT &&
              pb_overflow_parse("inf", &o) == PB_OK && o == PB_OVERFLOW_INF &&
              pb_overflow_parse("nan", &o) == PB_ERR_UNKNOWN_MODE, "overflow names");
    pb_rounding r = pb_rounding_default();
    PBT_CHECK(r.mode == PB_ROUND_RNE && r.overflow == PB_OVERFLOW_INF && r.seed == 0, "default");
    r.mode = PB_ROUND_SR_BITS;
    r.sr_bits = 0;
    PBT_CHECK(pb_rounding_check(&r) == PB_ERR_ARG, "sr_bits 0 accepted");
    float x = 1, y;
    PBT_CHECK(pb_round_f32(pb_format_by_name("bf16"), &x, &y, 1, &r, 0) == PB_ERR_ARG, "bulk accepted sr_bits 0");
    int n = 0;
    while (pb_round_mode_syntax((pb_round_mode)n)) n++;
    PBT_CHECK(n == 7 && pb_overflow_name(PB_OVERFLOW_SAT) && !pb_overflow_name((pb_overflow)2), "mode list");
}

int main(int argc, char **argv)
{
    pbt_init(argc, argv);
    PBT_RUN(test_table);
    PBT_RUN(test_limits);
    PBT_RUN(test_decode_every_code);
    PBT_RUN(test_round_trip);
    PBT_RUN(test_specials);
    PBT_RUN(test_custom_formats);
    PBT_RUN(test_mode_names);
    return pbt_finish();
}
