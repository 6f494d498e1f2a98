/* precbench tests: the deterministic rounding modes against MPFR.
 *
 * The oracle: MPFR at precision man_bits + 1 with emin set to the format's
 * (so that mpfr_subnormalize gives the subnormal grid) and an unbounded emax
 * (the model rounds with unbounded exponent, then decides overflow):
 * mpfr_set_d, mpfr_check_range, mpfr_subnormalize, in MPFR_RNDN, RNDZ and
 * RNDA (up and down are one of the last two by the sign).  Ties-away is
 * built from the two directed results and their exact midpoint.  The overflow policy, the
 * flush of formats without subnormals and fnuz's +0 are applied to the
 * oracle's value as docs/formats.md states them.
 *
 * Inputs, per format: pbt_count(10^6) random float32 and as many float64
 * (mostly in and around the format's range, some anywhere), every midpoint
 * between neighbours (all of them for formats of at most 16 bits, a sample
 * for wider ones) with its two double neighbours, and the overflow edges;
 * each in rne, rna, rtz, up, down under both policies.  OpenMP splits the
 * samples; each thread sets its own MPFR exponent range. */
#include <float.h>
#include <math.h>
#include <mpfr.h>
#include <omp.h>

#include "harness.h"
#include "precbench/format.h"

static const pb_round_mode modes[] = {PB_ROUND_RNE, PB_ROUND_RNA, PB_ROUND_RTZ, PB_ROUND_UP, PB_ROUND_DOWN};
static const char *const mode_names[] = {"rne", "rna", "rtz", "up", "down"};
enum { MODES = 5 };

static bool same_value(double a, double b)
{
    return (isnan(a) && isnan(b)) || (a == b && signbit(a) == signbit(b));
}

static uint64_t mix(uint64_t z)
{
    z += 0x9e3779b97f4a7c15u;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

typedef struct oracle {
    const pb_format *f;
    mpfr_t y, a, xm;
    mpfr_exp_t emin, wide_emin;
} oracle;

static void oracle_init(oracle *o, const pb_format *f)
{
    o->f = f;
    o->wide_emin = mpfr_get_emin();
    mpfr_set_emax(mpfr_get_emax_max());
    if (f->spec.kind == PB_FORMAT_KIND_INT) {
        mpfr_init2(o->y, 64);
        o->emin = o->wide_emin;
    } else {
        int m = f->spec.man_bits;
        mpfr_init2(o->y, m + 1);
        /* MPFR writes x = 0.1b... * 2^E: the smallest positive value of
         * the format, 2^(emin - m), has E = emin - m + 1. */
        o->emin = f->spec.kind == PB_FORMAT_KIND_POW2 ? f->emin + 1 : f->emin - m + 1;
    }
    mpfr_init2(o->a, 160);
    mpfr_init2(o->xm, 160);
}

static void oracle_clear(oracle *o)
{
    mpfr_clears(o->y, o->a, o->xm, (mpfr_ptr)0);
}

/* x rounded to the format's grid (unbounded above) in a directed or RNE mode. */
static double oracle_round(oracle *o, double x, mpfr_rnd_t rnd)
{
    if (o->f->spec.kind == PB_FORMAT_KIND_INT) {
        mpfr_set_d(o->xm, x, MPFR_RNDN);
        mpfr_rint(o->y, o->xm, rnd);
        return mpfr_get_d(o->y, MPFR_RNDN);
    }
    mpfr_set_emin(o->emin);
    int t = mpfr_set_d(o->y, x, rnd);
    t = mpfr_check_range(o->y, t, rnd);
    mpfr_subnormalize(o->y, t, rnd);
    double v = mpfr_get_d(o->y, MPFR_RNDN);
    mpfr_set_emin(o->wide_emin);
    return v;
}

/* The oracle's roundings of one x: to nearest even, toward zero, away from
 * zero, and ties away (from the two directed ones and their midpoint);
 * up and down are toward zero or away from it by the sign of x. */
typedef struct rounded {
    double rne, rz, ra, rna;
} rounded;

static rounded oracle_all(oracle *o, double x)
{
    rounded v;
    v.rne = oracle_round(o, x, MPFR_RNDN);
    v.rz = oracle_round(o, x, MPFR_RNDZ);
    v.ra = oracle_round(o, x, MPFR_RNDA);
    v.rna = v.rz;
    if (v.rz != v.ra) {
        mpfr_set_d(o->a, v.rz, MPFR_RNDN);
        mpfr_add_d(o->a, o->a, v.ra, MPFR_RNDN); /* exact at 160 bits */
        mpfr_div_2ui(o->a, o->a, 1, MPFR_RNDN);
        mpfr_set_d(o->xm, x, MPFR_RNDN);
        if (mpfr_cmpabs(o->xm, o->a) >= 0) v.rna = v.ra;
    }
    return v;
}

/* The value the model must give: the oracle's rounding, then overflow,
 * flush to zero and unsigned zero as the format defines them. */
static double expected(const pb_format *f, double x, const rounded *rv, int mi, pb_overflow pol)
{
    const bool neg = signbit(x);
    const pb_round_mode mode = modes[mi];
    const bool pow2 = f->spec.kind == PB_FORMAT_KIND_POW2;
    if (pow2 && (neg || x == 0)) return pol == PB_OVERFLOW_SAT ? f->min_normal : NAN;
    double v;
    switch (mode) {
    case PB_ROUND_RNE: v = pow2 ? rv->rna : rv->rne; break; /* E8M0: ties up, as the vectors */
    case PB_ROUND_RNA: v = rv->rna; break;
    case PB_ROUND_RTZ: v = rv->rz; break;
    case PB_ROUND_UP: v = neg ? rv->rz : rv->ra; break;
    default: v = neg ? rv->ra : rv->rz; break;
    }
    if (f->spec.kind == PB_FORMAT_KIND_INT) { /* saturates in every mode */
        if (v > f->spec.int_max) v = f->spec.int_max;
        if (v < f->spec.int_min) v = f->spec.int_min;
        return v == 0 ? 0.0 : v; /* integers have one zero */
    }
    if (fabs(v) > f->max_finite) {
        bool outward = mode == PB_ROUND_RNE || mode == PB_ROUND_RNA ||
                       (mode == PB_ROUND_UP && !neg) || (mode == PB_ROUND_DOWN && neg);
        if (pol == PB_OVERFLOW_INF && outward) {
            if (f->has_inf) return neg ? -INFINITY : INFINITY;
            if (f->has_nan) return NAN;
        }
        return neg ? -f->max_finite : f->max_finite;
    }
    if (pow2) {
        /* No zero: below 2^emin the bottom code is the only neighbour, and
         * (nearest modes) ml_dtypes' convention: (2^emin, 2^(emin+1)) -> up. */
        bool nearest = mode == PB_ROUND_RNE || mode == PB_ROUND_RNA;
        if (nearest && x > f->min_normal && x < 2 * f->min_normal) return 2 * f->min_normal;
        return v < f->min_normal ? f->min_normal : v;
    }
    if (!f->spec.subnormals && v != 0 && fabs(v) < f->min_normal) v = neg ? -0.0 : 0.0;
    if (v == 0 && f->spec.specials == PB_SPECIALS_FNUZ) v = 0.0;
    return v;
}

typedef struct tally {
    uint64_t checked, failed;
} tally;

/* Check x in every mode and policy; report the first failures. */
static void check_one(oracle *o, double x, tally *t)
{
    pb_rounding r = pb_rounding_default();
    const rounded rv = oracle_all(o, x);
    for (int mi = 0; mi < MODES; mi++)
        for (int pol = 0; pol < 2; pol++) {
            r.mode = modes[mi];
            r.overflow = pol ? PB_OVERFLOW_SAT : PB_OVERFLOW_INF;
            double want = expected(o->f, x, &rv, mi, r.overflow);
            double got = pb_format_round(o->f, x, &r, 0);
            t->checked++;
            if (!same_value(got, want)) {
                t->failed++;
                if (t->failed <= 3) {
#pragma omp critical(pbt_report)
                    PBT_CHECK(same_value(got, want), "%s %s %s: x = %a: model %a, MPFR %a",
                              o->f->spec.name, mode_names[mi], pol ? "sat" : "inf", x, got, want);
                }
            }
        }
}

/* A random double: mostly with an exponent in and around the format's
 * range, sometimes any finite double.  float32 inputs are rounded from it. */
static double random_input(const pb_format *f, uint64_t seed, uint64_t i, bool as_float)
{
    uint64_t h = mix(seed ^ mix(i));
    uint64_t h2 = mix(h);
    double x;
    if ((h & 15) == 0) {
        x = 0;
        uint64_t b = h2 & ~UINT64_C(0x7ff0000000000000);
        b |= (uint64_t)(h2 % 2047) << 52; /* any finite exponent */
        memcpy(&x, &b, 8);
    } else {
        int lo, hi;
        if (f->spec.kind == PB_FORMAT_KIND_INT) {
            lo = -4;
            hi = 10;
        } else {
            lo = f->emin - f->spec.man_bits - 4;
            hi = f->emax + 3;
        }
        if (lo < -1074) lo = -1074;
        if (hi > 1023) hi = 1023;
        int e = lo + (int)((h >> 8) % (uint64_t)(hi - lo + 1));
        x = ldexp(1.0 + (double)(h2 >> 12) * 0x1p-52, e);
        if (h & 16) x = -x;
    }
    if (as_float) {
        float xf = (float)x;
        if (isinf(xf)) xf = copysignf(FLT_MAX, xf);
        return xf;
    }
    return x;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Midpoints between neighbours (all of them for formats of at most 16
 * bits), the double on either side, and the overflow and underflow edges. */
static size_t edge_inputs(const pb_format *f, double **out, uint64_t seed)
{
    size_t cap = 1 << 20, n = 0;
    double *xs = malloc(cap * sizeof *xs);
    double *vals = NULL;
    size_t nv = 0;
    if (f->spec.kind == PB_FORMAT_KIND_INT) {
        vals = malloc((size_t)(f->spec.int_max + 3) * sizeof *vals);
        for (int k = 0; k <= f->spec.int_max + 2; k++) vals[nv++] = k;
    } else if (f->spec.bits <= 16) {
        vals = malloc(((size_t)1 << f->spec.bits) * sizeof *vals);
        for (uint64_t c = 0; c < (UINT64_C(1) << f->spec.bits); c++) {
            double v = pb_format_decode(f, c);
            if (isfinite(v) && v >= 0 && !signbit(v)) vals[nv++] = v;
        }
        qsort(vals, nv, sizeof *vals, cmp_double);
        size_t u = 0; /* drop duplicate zeros (flushed subnormal codes) */
        for (size_t i = 0; i < nv; i++)
            if (u == 0 || vals[i] != vals[u - 1]) vals[u++] = vals[i];
        nv = u;
    } else if (f->spec.man_bits < 52) {
        /* fp32, tf32: random neighbouring pairs. */
        vals = malloc(2 * 100000 * sizeof *vals);
        int pad = f->spec.bits - 1 - f->spec.exp_bits - f->spec.man_bits;
        for (uint64_t i = 0; i < 100000; i++) {
            uint64_t c = (mix(seed + i) % (f->max_code_finite >> pad)) << pad;
            vals[nv++] = pb_format_decode(f, c);
            vals[nv++] = pb_format_decode(f, c + (UINT64_C(1) << pad));
        }
    }
    bool pairs = f->spec.bits > 16 && f->spec.kind != PB_FORMAT_KIND_INT;
    for (size_t i = 0; i + 1 < nv; i += pairs ? 2 : 1) {
        double mid = (vals[i] + vals[i + 1]) / 2; /* exact: m + 2 bits */
        double pts[3] = {mid, nextafter(mid, -INFINITY), nextafter(mid, INFINITY)};
        for (int k = 0; k < 3; k++)
            if (n + 2 <= cap) {
                xs[n++] = pts[k];
                xs[n++] = -pts[k];
            }
    }
    if (f->spec.kind == PB_FORMAT_KIND_POW2)
        for (int k = -140; k <= 140; k++) {
            double p = ldexp(1.0, k), m = ldexp(1.5, k);
            double pts[5] = {p, m, nextafter(m, 0), nextafter(m, INFINITY), nextafter(p, 0)};
            for (int j = 0; j < 5 && n + 1 <= cap; j++) xs[n++] = pts[j];
        }
    /* Around max: the tie with the next (unrepresentable) grid point. */
    double top_ulp = f->spec.kind == PB_FORMAT_KIND_FLOAT ? ldexp(1.0, f->emax - f->spec.man_bits)
                     : f->spec.kind == PB_FORMAT_KIND_POW2 ? f->max_finite : 1.0;
    double edge[] = {f->max_finite, f->max_finite + top_ulp / 2, f->max_finite + top_ulp,
                     f->max_finite * 2, f->min_subnormal, f->min_subnormal / 2, f->min_normal,
                     DBL_MAX, DBL_MIN, 0x1p-1074, 1e300, 1e-300, FLT_MAX, 0x1p-149};
    for (size_t k = 0; k < sizeof edge / sizeof edge[0]; k++) {
        double pts[3] = {edge[k], nextafter(edge[k], 0), nextafter(edge[k], INFINITY)};
        for (int j = 0; j < 3; j++)
            if (isfinite(pts[j]) && n + 2 <= cap) {
                xs[n++] = pts[j];
                xs[n++] = -pts[j];
            }
    }
    free(vals);
    *out = xs;
    return n;
}

static void run_format(const pb_format *f)
{
    const uint64_t seed = pbt_seed() ^ mix((uint64_t)f->index + 1);
    const uint64_t nrand = pbt_count(1000000);
    double *edges;
    const size_t nedge = edge_inputs(f, &edges, seed);
    tally total = {0, 0};
#pragma omp parallel
    {
        oracle o;
        oracle_init(&o, f);
        tally t = {0, 0};
#pragma omp for schedule(static)
        for (uint64_t i = 0; i < 2 * nrand + nedge; i++) {
            double x = i < nrand ? random_input(f, seed, i, true)
                       : i < 2 * nrand ? random_input(f, seed, i, false)
                                       : edges[i - 2 * nrand];
            check_one(&o, x, &t);
        }
        oracle_clear(&o);
#pragma omp critical(pbt_total)
        {
            total.checked += t.checked;
            total.failed += t.failed;
        }
    }
    free(edges);
    PBT_CHECK(total.failed == 0, "%s: %" PRIu64 " of %" PRIu64 " roundings differ from MPFR",
              f->spec.name, total.failed, total.checked);
    PBT_CHECK(total.checked >= 10 * (2 * nrand + nedge), "%s: only %" PRIu64 " checks", f->spec.name, total.checked);
}

static const pb_format *current;
static void test_format(void) { run_format(current); }
static void test_parse_failed(void) { PBT_CHECK(false, "a run-time format did not parse"); }

int main(int argc, char **argv)
{
    pbt_init(argc, argv);
    if (!mpfr_buildopt_tls_p()) omp_set_num_threads(1); /* emin is global then */
    for (size_t i = 0; i < pb_format_count(); i++) {
        current = pb_format_at(i);
        pbt_run(test_format, current->spec.name);
    }
    /* Run-time formats: IEEE-style with subnormals, and one without. */
    static const char *const extra[] = {"fp:e=3,m=4", "fp:e=5,m=3,bias=10,specials=fn,subnormals=0"};
    for (int i = 0; i < 2; i++) {
        static pb_format g;
        current = pb_format_parse(extra[i], &g) == PB_OK ? &g : NULL;
        pbt_run(current ? test_format : test_parse_failed, extra[i]);
    }
    return pbt_finish();
}
