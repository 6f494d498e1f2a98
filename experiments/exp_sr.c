/* Experiment sr: stochastic rounding against round-to-nearest.
 *
 * The harmonic series: terms t_k = round_F(1/k) (to nearest), summed in
 * format F (fp16, bf16, fp32) by s_k = round(s_{k-1} + t_k), the sum exact
 * before its one rounding (s + t is exact in binary64 for these formats and
 * term counts).  Roundings: to nearest even (rne), toward zero (rtz), exact
 * stochastic rounding (sr) and SR with r random bits (sr:R).
 *
 *   stagnation.csv      the value at which the sum stops changing and the
 *                       first term that no longer changes it: for rne and rtz
 *                       the first k with s_k == s_{k-1}; for sr:R the first k
 *                       whose term is below 2^-R of the spacing above s (the
 *                       truncated probability of rounding up is then 0), in
 *                       the run with the experiment's seed
 *   harmonic_error.csv  relative error |s_n - S_n| / S_n against the exact
 *                       sum S_n of the same terms, over trials (seeds), at
 *                       n = 2^(j/4); with sqrt(n) u, gamma_n and the
 *                       Azuma and Freedman bounds below (lambda = 3, at
 *                       whole octaves), relative to S_n
 *   sr_bound.csv        how often the error of exact SR exceeds the bounds
 *                       below, against the probability 2 exp(-lambda^2 / 2)
 *                       they are stated to fail with (round to nearest for
 *                       comparison)
 *   dot.csv             a long dot product with a bf16 or fp16 accumulator,
 *                       rounding to nearest or stochastically, against fp32
 *
 * The bounds.  Under exact SR the rounding errors d_k = s_k - (s_{k-1} + t_k)
 * have mean zero given the past, so M_n = s_n - S_n = sum d_k is a
 * martingale (Connolly, Higham and Mary, SIAM J. Sci. Comput. 43(1), 2021,
 * use the same structure).  Its steps are bounded by the spacing of F at
 * y_k = s_{k-1} + t_k = S_k + M_{k-1}, which is random; an envelope makes
 * the bounds deterministic.  For an envelope E, while |M| < E,
 *   |d_k| < G_k = ulp_F(S_k + E)   and   Var(d_k | past) <= G_k min(t_k, G_k/4)
 * (the lower neighbour of y_k is at least s_{k-1}, so the probability of
 * rounding up is at most t_k / G_k).  Stopping M when it first leaves the
 * envelope and applying, to the stopped martingale,
 *   Azuma-Hoeffding:  P(max_k |M_k| >= lambda sqrt(sum G_k^2)) <= 2 e^(-lambda^2/2)
 *   Freedman:         P(max_k |M_k| >= a) <= 2 e^(-lambda^2/2),
 *                     a = lambda^2 c / 6 + sqrt((lambda^2 c / 6)^2 + lambda^2 v),
 *                     v = sum G_k min(t_k, G_k / 4),  c = max G_k
 * gives a valid bound whenever it is at most E; E is found by iterating from
 * 0 (the bound is inf when that fails).  Azuma grows like the "sqrt(n) u"
 * rule; Freedman uses the variance, which is small when the terms are much
 * smaller than the spacing, and is much tighter there.  SR with r bits is
 * biased (the probability is truncated), so neither applies to it.
 */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exp_common.h"
#include "precbench/accum.h"
#include "precbench/exact.h"
#include "precbench/format.h"
#include "precbench/generate.h"
#include "precbench/metrics.h"

static const char *const stag_header = "format,rounding,stagnation_value,first_absorbed_term";
static const char *const harm_header =
    "format,rounding,n,trials,err_median,err_p90,err_max,mean_signed_err,exact_sum,"
    "sqrt_n_u,gamma_n,azuma_bound,freedman_bound";
static const char *const bound_header =
    "format,rounding,n,trials,bound,lambda,stated_probability,bound_rel,exceed,exceed_fraction";
static const char *const dot_header =
    "accumulator,dist,k,samples,err_median,err_max,u,sqrt_k_u,gamma_k";

static const char *const formats[] = {"fp16", "bf16", "fp32"};
enum { NFORMATS = 3 };

/* The harmonic sum's rounding modes (text as pb_round_mode_parse reads it). */
static const char *const harm_modes[] = {"rne", "sr", "sr:4", "sr:8", "sr:12"};
enum { NHARM = sizeof harm_modes / sizeof harm_modes[0] };

static double term(const pb_format *f, uint64_t k)
{
    pb_rounding rn = pb_rounding_default();
    return pb_format_round(f, 1.0 / (double)k, &rn, 0);
}

/* ---- stagnation ------------------------------------------------------------- */

/* Sum until the sum cannot change any more (or `cap` terms). */
static void stagnate(const pb_format *f, const pb_rounding *r, uint64_t cap, double *value,
                     uint64_t *first)
{
    bool sr = r->mode == PB_ROUND_SR_BITS;
    double s = 0;
    for (uint64_t k = 1; k <= cap; k++) {
        double t = term(f, k);
        if (sr && s > 0 && t < ldexp(pb_metrics_ulp(f, s), -r->sr_bits)) {
            *value = s;
            *first = k;
            return;
        }
        double next = pb_format_round(f, s + t, r, k);
        if (!sr && next == s) {
            *value = s;
            *first = k;
            return;
        }
        s = next;
    }
    *value = s;
    *first = 0;
}

static pb_status stagnation(pb_exp *x, pb_exp_csv *c)
{
    const char *modes_quick[] = {"rne", "rtz", "sr:2", "sr:4"};
    const char *modes_full[] = {"rne", "rtz", "sr:2", "sr:4", "sr:8"};
    const char *const *modes = x->full ? modes_full : modes_quick;
    size_t nmodes = x->full ? 5 : 4;
    for (size_t fi = 0; fi < NFORMATS; fi++)
        for (size_t mi = 0; mi < nmodes; mi++) {
            char key[64];
            snprintf(key, sizeof key, "%s,%s", formats[fi], modes[mi]);
            if (pb_exp_csv_done(c, key)) continue;
            const pb_format *f = pb_format_by_name(formats[fi]);
            pb_rounding r = pb_rounding_default();
            pb_status st = pb_round_mode_parse(modes[mi], &r);
            if (st != PB_OK) return st;
            r.seed = x->o.seed;
            r.stream = (uint32_t)(100 + fi * 10 + mi);
            double v;
            uint64_t first;
            stagnate(f, &r, (uint64_t)1 << 32, &v, &first);
            if (first)
                st = pb_exp_csv_row(c, "%s,%s,%.17g,%llu", formats[fi], modes[mi], v,
                                    (unsigned long long)first);
            else
                st = pb_exp_csv_row(c, "%s,%s,NaN,NaN", formats[fi], modes[mi]);
            if (st == PB_OK) st = pb_exp_csv_commit(c);
            if (st != PB_OK) return st;
        }
    return PB_OK;
}

/* ---- harmonic error vs n ----------------------------------------------------------- */

typedef struct harm_plan {
    float *t;           /* the terms t_1 .. t_nmax (t[k - 1]), F values     */
    size_t nck;         /* checkpoints                                       */
    uint64_t *n;        /* checkpoint term counts, increasing                */
    double *exact;      /* S_n                                               */
} harm_plan;

/* Checkpoints n = round(2^(j/4)), j = 16 .. 4 log2(nmax), distinct. */
static pb_status plan_make(harm_plan *p, const pb_format *f, uint64_t nmax)
{
    memset(p, 0, sizeof *p);
    int jmax = 4 * (int)lround(log2((double)nmax));
    p->n = malloc((size_t)(jmax + 1) * sizeof *p->n);
    p->exact = malloc((size_t)(jmax + 1) * sizeof *p->exact);
    p->t = malloc(nmax * sizeof *p->t);
    if (!p->n || !p->exact || !p->t) return PB_ERR_NOMEM;
    for (int j = 16; j <= jmax; j++) {
        uint64_t n = (uint64_t)llround(pow(2.0, j / 4.0));
        if (p->nck == 0 || n > p->n[p->nck - 1]) p->n[p->nck++] = n;
    }
#pragma omp parallel for schedule(static)
    for (uint64_t k = 1; k <= nmax; k++) p->t[k - 1] = (float)term(f, k);
    pb_longacc acc;
    pb_longacc_init(&acc);
    size_t ck = 0;
    for (uint64_t k = 1; k <= nmax && ck < p->nck; k++) {
        pb_longacc_add(&acc, p->t[k - 1]);
        if (k == p->n[ck]) p->exact[ck++] = pb_longacc_round_f64(&acc, PB_ROUND_RNE);
    }
    return PB_OK;
}

static void plan_free(harm_plan *p)
{
    free(p->t);
    free(p->n);
    free(p->exact);
}

typedef enum bound_kind { BOUND_AZUMA, BOUND_FREEDMAN } bound_kind;
static const char *const bound_names[] = {"azuma", "freedman"};

/* The bound of kind `kind` for the first n terms with envelope E, in
 * absolute terms (see the top of the file). */
static double bound_pass(const pb_format *f, const harm_plan *p, uint64_t n, double lambda,
                         bound_kind kind, double envelope)
{
    /* S_k as a running binary64 sum, raised by a relative margin that covers
     * its rounding errors (at most n 2^-53 relative), so S_k + E only errs
     * upward. */
    double s = 0, sum_g2 = 0, v = 0, c = 0;
    const double margin = 1.0 + 0x1p-20;
    for (uint64_t k = 1; k <= n; k++) {
        double t = p->t[k - 1];
        s += t;
        double g = pb_metrics_ulp(f, s * margin + envelope);
        sum_g2 += g * g;
        v += g * fmin(t, 0.25 * g);
        c = fmax(c, g);
    }
    if (kind == BOUND_AZUMA) return lambda * sqrt(sum_g2);
    double h = lambda * lambda * c / 6.0;
    return h + sqrt(h * h + lambda * lambda * v);
}

/* The smallest envelope the iteration finds that the bound stays inside. */
static double bound_of(const pb_format *f, const harm_plan *p, uint64_t n, double lambda, bound_kind kind,
                       double sum_n)
{
    double e = 0;
    for (int it = 0; it < 60; it++) {
        double b = bound_pass(f, p, n, lambda, kind, e);
        if (b <= e) return b;
        if (b > 64.0 * sum_n || !isfinite(b)) return INFINITY;
        e = b;
    }
    return INFINITY;
}

/* err[ck * trials + t]: signed relative error of trial t at checkpoint ck. */
static void harmonic_trials(const pb_format *f, const pb_rounding *r0, const harm_plan *p,
                            size_t trials, uint32_t stream0, double *err)
{
#pragma omp parallel for schedule(dynamic, 1)
    for (size_t t = 0; t < trials; t++) {
        pb_rounding r = *r0;
        r.stream = stream0 + (uint32_t)t;
        double s = 0;
        size_t ck = 0;
        uint64_t nmax = p->n[p->nck - 1];
        for (uint64_t k = 1; k <= nmax; k++) {
            s = pb_format_round(f, s + (double)p->t[k - 1], &r, k);
            if (k == p->n[ck]) {
                err[ck * trials + t] = (s - p->exact[ck]) / p->exact[ck];
                ck++;
            }
        }
    }
}

static pb_status harmonic(pb_exp *x, pb_exp_csv *hc, pb_exp_csv *bc, size_t trials)
{
    const double lambdas[] = {2.0, 3.0};
    for (size_t fi = 0; fi < NFORMATS; fi++) {
        const pb_format *f = pb_format_by_name(formats[fi]);
        uint64_t nmax = (uint64_t)1 << (x->full ? (fi == 2 ? 24 : 20) : 14);
        const double u = ldexp(1.0, -(f->spec.man_bits + 1));
        harm_plan p;
        pb_status st = plan_make(&p, f, nmax);
        double *err = st == PB_OK ? malloc(p.nck * trials * sizeof *err) : NULL;
        double *tmp = st == PB_OK ? malloc(trials * sizeof *tmp) : NULL;
        /* bounds[(ck * 2 + kind) * 2 + lambda], at whole octaves (NaN elsewhere) */
        double *bounds = st == PB_OK ? malloc(p.nck * 8 * sizeof *bounds) : NULL;
        if (st == PB_OK && (!err || !tmp || !bounds)) st = PB_ERR_NOMEM;
        bool bounds_ready = false;
        for (size_t mi = 0; st == PB_OK && mi < NHARM; mi++) {
            pb_rounding r = pb_rounding_default();
            st = pb_round_mode_parse(harm_modes[mi], &r);
            if (st != PB_OK) break;
            bool stochastic = r.mode == PB_ROUND_SR || r.mode == PB_ROUND_SR_BITS;
            size_t tr = stochastic ? trials : 1;
            char key[96];
            snprintf(key, sizeof key, "%s,%s,%zu", formats[fi], harm_modes[mi], tr);
            pb_exp_csv *both[2] = {hc, bc};
            double work = (double)nmax * (double)tr;
            if (pb_exp_csv_done_all(both, 2, key)) {
                pb_exp_progress_skipped(x, work);
                continue;
            }
            if (!bounds_ready) {
#pragma omp parallel for schedule(dynamic, 1) collapse(2)
                for (size_t ck = 0; ck < p.nck; ck++)
                    for (size_t bl = 0; bl < 4; bl++) {
                        bool octave = (p.n[ck] & (p.n[ck] - 1)) == 0;
                        bounds[ck * 4 + bl] = octave ? bound_of(f, &p, p.n[ck], lambdas[bl % 2],
                                                                (bound_kind)(bl / 2), p.exact[ck]) / p.exact[ck]
                                                     : NAN;
                    }
                bounds_ready = true;
            }
            r.seed = x->o.seed;
            harmonic_trials(f, &r, &p, tr, (uint32_t)(1000 * (fi + 1) + 100 * mi), err);
            pb_exp_progress_done(x, work);
            for (size_t ck = 0; st == PB_OK && ck < p.nck; ck++) {
                double n = (double)p.n[ck], S = p.exact[ck];
                double mean = pb_exp_mean(&err[ck * tr], tr);
                for (size_t t = 0; t < tr; t++) tmp[t] = fabs(err[ck * tr + t]);
                double mx = pb_exp_max(tmp, tr);
                double p90 = pb_exp_quantile(tmp, tr, 0.9), med = pb_exp_median(tmp, tr);
                st = pb_exp_csv_row(hc, "%s,%s,%llu,%zu,%s,%s,%s,%s,%s,%s,%s,%s,%s", formats[fi],
                                    harm_modes[mi], (unsigned long long)p.n[ck], tr, pb_exp_g(med).s,
                                    pb_exp_g(p90).s, pb_exp_g(mx).s, pb_exp_g(mean).s, pb_exp_g(S).s,
                                    pb_exp_g(sqrt(n) * u).s, pb_exp_g(pb_exp_gamma(n - 1, u)).s,
                                    pb_exp_g(bounds[ck * 4 + 1]).s, pb_exp_g(bounds[ck * 4 + 3]).s);
                /* The bound check at whole octaves, for exact SR and RN. */
                bool octave = (p.n[ck] & (p.n[ck] - 1)) == 0;
                bool checked = r.mode == PB_ROUND_SR || r.mode == PB_ROUND_RNE;
                for (size_t bl = 0; st == PB_OK && octave && checked && bl < 4; bl++) {
                    double lambda = lambdas[bl % 2], bound = bounds[ck * 4 + bl];
                    size_t exceed = 0;
                    for (size_t t = 0; t < tr; t++) exceed += fabs(err[ck * tr + t]) >= bound;
                    st = pb_exp_csv_row(bc, "%s,%s,%llu,%zu,%s,%g,%s,%s,%zu,%s", formats[fi], harm_modes[mi],
                                        (unsigned long long)p.n[ck], tr, bound_names[bl / 2], lambda,
                                        pb_exp_g(2.0 * exp(-lambda * lambda / 2)).s, pb_exp_g(bound).s, exceed,
                                        pb_exp_g((double)exceed / (double)tr).s);
                }
            }
            if (st == PB_OK) st = pb_exp_csv_commit(hc);
            if (st == PB_OK) st = pb_exp_csv_commit(bc);
        }
        free(err);
        free(tmp);
        free(bounds);
        plan_free(&p);
        if (st != PB_OK) return st;
    }
    return PB_OK;
}

/* ---- a long dot product with a low-precision accumulator ------------------------- */

static const char *const dot_accs[] = {"bf16:rn", "bf16:sr", "bf16:sr:8", "fp16:rn", "fp16:sr", "fp32"};
enum { NDOT = sizeof dot_accs / sizeof dot_accs[0] };

static pb_status dot(pb_exp *x, pb_exp_csv *c, size_t samples)
{
    const int lk_min = 6, lk_max = x->full ? 16 : 12;
    const pb_dist dists[] = {PB_DIST_UNIFORM01, PB_DIST_NORMAL};
    double *err = malloc(samples * sizeof *err);
    if (!err) return PB_ERR_NOMEM;
    pb_status st = PB_OK;
    for (size_t ai = 0; st == PB_OK && ai < NDOT; ai++) {
        pb_accum acc;
        st = pb_accum_parse(dot_accs[ai], &acc);
        const char *fname = strncmp(dot_accs[ai], "bf16", 4) == 0   ? "bf16"
                            : strncmp(dot_accs[ai], "fp16", 4) == 0 ? "fp16"
                                                                    : "fp32";
        const double u = pb_exp_unit_roundoff(fname);
        for (int d = 0; st == PB_OK && d < 2; d++)
            for (int lk = lk_min; st == PB_OK && lk <= lk_max; lk++) {
                size_t k = (size_t)1 << lk;
                char key[96];
                snprintf(key, sizeof key, "%s,%s,%zu,%zu", dot_accs[ai], pb_dist_name(dists[d]), k, samples);
                if (pb_exp_csv_done(c, key)) {
                    pb_exp_progress_skipped(x, (double)(k * samples));
                    continue;
                }
#pragma omp parallel
                {
                    float *a = malloc(2 * k * sizeof *a);
                    float *b = a ? a + k : NULL;
#pragma omp for schedule(dynamic, 1)
                    for (size_t smp = 0; smp < samples; smp++) {
                        if (!a) {
                            err[smp] = NAN;
                            continue;
                        }
                        uint32_t stream = (uint32_t)(20000 + 1000 * d + 2 * smp);
                        pb_generate_f32(dists[d], x->o.seed, stream, (uint64_t)lk << 32, a, k);
                        pb_generate_f32(dists[d], x->o.seed, stream + 1, (uint64_t)lk << 32, b, k);
                        pb_accum_env env = pb_accum_env_default();
                        env.seed = x->o.seed;
                        env.stream = (uint32_t)(ai * 100000 + smp);
                        double v = pb_accum_dot(&acc, a, b, k, &env);
                        double ex = pb_exact_dot_f32(k, a, 1, b, 1, NULL, NULL);
                        double absdot = 0;
                        for (size_t i = 0; i < k; i++) absdot += fabs((double)a[i] * (double)b[i]);
                        err[smp] = fabs(v - ex) / absdot;
                    }
                    free(a);
                }
                pb_exp_progress_done(x, (double)(k * samples));
                double mx = pb_exp_max(err, samples), med = pb_exp_median(err, samples);
                st = pb_exp_csv_row(c, "%s,%s,%zu,%zu,%s,%s,%s,%s,%s", dot_accs[ai], pb_dist_name(dists[d]),
                                    k, samples, pb_exp_g(med).s, pb_exp_g(mx).s, pb_exp_g(u).s,
                                    pb_exp_g(sqrt((double)k) * u).s, pb_exp_g(pb_exp_gamma((double)k, u)).s);
                if (st == PB_OK) st = pb_exp_csv_commit(c);
            }
    }
    free(err);
    return st;
}

static pb_status run(const pb_experiment *self, const pb_experiment_opts *opts)
{
    pb_exp x;
    pb_status st = pb_exp_begin(&x, self, opts);
    if (st != PB_OK) return st;

    const size_t trials = pb_exp_sample(&x, pb_exp_pick(&x, 32, 64), 12);
    const size_t dot_samples = pb_exp_sample(&x, pb_exp_pick(&x, 16, 64), 4);
    pb_exp_param_str(&x, "terms", "t_k = round_F(1/k) to nearest even; s_k = round(s_{k-1} + t_k)");
    pb_exp_param_list(&x, "formats", "fp16 bf16 fp32");
    pb_exp_param_list(&x, "harmonic_roundings", "rne sr sr:4 sr:8 sr:12");
    pb_exp_param_int(&x, "harmonic_log2_n_max_fp16_bf16", x.full ? 20 : 14);
    pb_exp_param_int(&x, "harmonic_log2_n_max_fp32", x.full ? 24 : 14);
    pb_exp_param_int(&x, "harmonic_trials", (long long)trials);
    pb_exp_param_str(&x, "stochastic_streams", "trial t of format i, mode j: stream 1000(i+1) + 100j + t; "
                                                "the rounding of term k uses index k");
    pb_exp_param_list(&x, "bound_lambdas", "2 3");
    pb_exp_param_list(&x, "dot_accumulators", "bf16:rn bf16:sr bf16:sr:8 fp16:rn fp16:sr fp32");
    pb_exp_param_int(&x, "dot_log2_k_max", x.full ? 16 : 12);
    pb_exp_param_int(&x, "dot_samples", (long long)dot_samples);
    pb_exp_note(&x, "harmonic_error: relative error to the exact sum of the same rounded terms; "
                    "dot: |computed - exact| / sum |a_i b_i|");
    pb_exp_note(&x, "stagnation rows for sr:R come from one run (the experiment's seed)");

    pb_exp_csv *sc = NULL, *hc = NULL, *bc = NULL, *dc = NULL;
    st = pb_exp_csv_open(&x, "stagnation.csv", stag_header, "format,rounding", &sc);
    if (st == PB_OK) st = pb_exp_csv_open(&x, "harmonic_error.csv", harm_header, "format,rounding,trials", &hc);
    if (st == PB_OK) st = pb_exp_csv_open(&x, "sr_bound.csv", bound_header, "format,rounding,trials", &bc);
    if (st == PB_OK) st = pb_exp_csv_open(&x, "dot.csv", dot_header, "accumulator,dist,k,samples", &dc);

    double total = 0;
    for (size_t fi = 0; fi < NFORMATS; fi++) {
        double nmax = ldexp(1.0, x.full ? (fi == 2 ? 24 : 20) : 14);
        total += nmax * (double)(1 + (NHARM - 1) * trials);
    }
    for (int lk = 6; lk <= (x.full ? 16 : 12); lk++) total += 2.0 * NDOT * ldexp((double)dot_samples, lk);
    pb_exp_progress_total(&x, total);

    if (st == PB_OK) st = stagnation(&x, sc);
    if (st == PB_OK) st = harmonic(&x, hc, bc, trials);
    if (st == PB_OK) st = dot(&x, dc, dot_samples);

    pb_exp_csv *all[4] = {sc, hc, bc, dc};
    for (size_t i = 0; i < 4; i++) {
        pb_status cs = pb_exp_csv_close(all[i], st);
        if (st == PB_OK) st = cs;
    }
    return pb_exp_finish(&x, st);
}

const pb_experiment pb_experiment_sr = {
    .name = "sr",
    .description = "stochastic rounding: harmonic-series stagnation in fp16/bf16/fp32, error vs n "
                   "with sqrt(n) u and the Azuma bound, long dot products with SR accumulators",
    .outputs = "stagnation.csv harmonic_error.csv sr_bound.csv dot.csv",
    .run = run,
};
