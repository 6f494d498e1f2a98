/* precbench reference: error metrics of a computed product against the exact
 * one, and the classical bounds next to them (see include/precbench/metrics.h).
 *
 * Rows are measured in parallel into one record each, and the records are
 * combined in row order, so the result does not depend on the thread count.
 */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "precbench/metrics.h"

/* ---- ulps ------------------------------------------------------------------ */

double pb_metrics_ulp(const pb_format *f, double x)
{
    if (isnan(x)) return NAN;
    if (f->spec.kind == PB_FORMAT_KIND_INT) return 1.0;
    const int man = f->spec.man_bits;
    int e = f->emax;
    if (isfinite(x) && x != 0) {
        int ex;
        frexp(x, &ex); // |x| = f 2^ex, f in [0.5, 1): 2^(ex-1) <= |x| < 2^ex
        e = ex - 1;
        if (e > f->emax) e = f->emax;
    } else if (x == 0) {
        e = f->emin;
    }
    if (e < f->emin) e = f->emin;
    return ldexp(1.0, e - man);
}

/* ---- |A||B| ------------------------------------------------------------------ */

/* Row i of |A||B| into s (N entries). */
static void abs_row(size_t n, size_t k, const double *arow, const double *b, double *s)
{
    memset(s, 0, n * sizeof *s);
    for (size_t p = 0; p < k; p++) {
        const double x = fabs(arow[p]);
        const double *br = b + p * n;
        #pragma omp simd
        for (size_t j = 0; j < n; j++) s[j] += x * fabs(br[j]);
    }
}

pb_status pb_metrics_abs_product(size_t m, size_t n, size_t k, const double *a,
                                 const double *b, double *abs_ab)
{
    if (m && n && (!abs_ab || (k && (!a || !b)))) return PB_ERR_ARG;
    #pragma omp parallel for schedule(static)
    for (size_t i = 0; i < m; i++) abs_row(n, k, a + i * k, b, abs_ab + i * n);
    return PB_OK;
}

/* ---- Frobenius norms without overflow ------------------------------------------ */

/* sum of x^2 = scale^2 * sumsq (LAPACK's dlassq representation). */
typedef struct ssq {
    double scale, sumsq;
} ssq;

static void ssq_add(ssq *s, double x)
{
    const double a = fabs(x);
    if (a == 0) return;
    if (s->scale < a) {
        const double t = s->scale / a;
        s->sumsq = 1 + s->sumsq * t * t;
        s->scale = a;
    } else {
        const double t = a / s->scale;
        s->sumsq += t * t;
    }
}

static void ssq_merge(ssq *s, const ssq *o)
{
    if (o->scale == 0) return;
    if (s->scale < o->scale) {
        const double t = s->scale / o->scale;
        s->sumsq = o->sumsq + s->sumsq * t * t;
        s->scale = o->scale;
    } else {
        const double t = o->scale / s->scale;
        s->sumsq += o->sumsq * t * t;
    }
}

/* ||x|| / ||y|| with 0/0 = 0 and x/0 = inf, without forming either norm. */
static double ssq_ratio(const ssq *x, const ssq *y)
{
    if (x->scale == 0) return 0.0;
    if (y->scale == 0) return INFINITY;
    return x->scale / y->scale * sqrt(x->sumsq / y->sumsq);
}

/* a / b with 0/0 = 0 and x/0 = inf (a, b >= 0). */
static double ratio0(double a, double b)
{
    if (a == 0) return 0.0;
    return b == 0 ? INFINITY : a / b;
}

/* ---- the metrics --------------------------------------------------------------- */

/* What one row contributes. */
typedef struct row_acc {
    ssq diff, ref, absab;
    double max_rel, max_ulp, max_absab_rel;
    size_t correct, nonfinite;
    bool diverged; /* a non-finite mismatch: normwise is inf */
} row_acc;

static bool same_value(double x, double y) { return x == y || (isnan(x) && isnan(y)); }

static void measure_row(const pb_metrics_input *in, const pb_format *out, size_t i,
                        const double *s, double *rel, row_acc *r)
{
    memset(r, 0, sizeof *r);
    const double *c = in->c + i * in->n, *cr = in->c_ref + i * in->n;
    for (size_t j = 0; j < in->n; j++) {
        const double x = c[j], y = cr[j];
        double e_rel, e_ulp;
        if (!isfinite(y)) {
            const bool same = same_value(x, y);
            e_rel = e_ulp = same ? 0.0 : INFINITY;
            if (!same) r->diverged = true;
        } else if (!isfinite(x)) {
            e_rel = e_ulp = INFINITY;
            r->nonfinite++;
            r->diverged = true;
        } else {
            const double d = fabs(x - y);
            e_rel = ratio0(d, fabs(y));
            e_ulp = d / pb_metrics_ulp(out, y);
            ssq_add(&r->diff, x - y);
            ssq_add(&r->ref, y);
        }
        rel[j] = e_rel;
        if (e_rel > r->max_rel) r->max_rel = e_rel;
        if (e_ulp > r->max_ulp) r->max_ulp = e_ulp;
        if (in->c_ref_out && same_value(x, in->c_ref_out[i * in->n + j])) r->correct++;
        if (s && isfinite(y)) {
            ssq_add(&r->absab, s[j]);
            const double t = ratio0(s[j], fabs(y));
            if (t > r->max_absab_rel) r->max_absab_rel = t;
        }
    }
}

/* a * b, but 0 when either is 0 (a zero bound stays zero next to an
 * infinite factor). */
static double scaled(double a, double b) { return a == 0 || b == 0 ? 0.0 : a * b; }

static int cmp_double(const void *pa, const void *pb)
{
    const double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

pb_status pb_error_metrics_compute(const pb_metrics_input *in, pb_error_metrics *m)
{
    if (!in || !m) return PB_ERR_ARG;
    const size_t rows = in->m, cols = in->n;
    if (cols && rows > SIZE_MAX / sizeof(double) / cols) return PB_ERR_NOMEM;
    const size_t count = rows * cols;
    if (count && (!in->c || !in->c_ref)) return PB_ERR_ARG;
    if (!(in->u >= 0) || !isfinite(in->u)) return PB_ERR_ARG;
    const pb_format *out = in->out ? in->out : pb_format_by_name("fp64");
    if (!out) return PB_ERR_UNKNOWN_FORMAT;
    const bool from_ab = !in->abs_ab && in->a && in->b;
    const bool have_absab = in->abs_ab || from_ab || (count && in->k == 0);

    double *rel = malloc((count ? count : 1) * sizeof *rel);
    row_acc *acc = malloc((rows ? rows : 1) * sizeof *acc);
    if (!rel || !acc) {
        free(rel);
        free(acc);
        return PB_ERR_NOMEM;
    }
    bool nomem = false;
    #pragma omp parallel
    {
        // |A||B| row by row when only A and B are given.
        double *s = from_ab ? malloc((cols ? cols : 1) * sizeof *s) : NULL;
        if (from_ab && !s) {
            #pragma omp atomic write
            nomem = true;
        }
        #pragma omp for schedule(static)
        for (size_t i = 0; i < rows; i++) {
            const double *srow = NULL;
            if (in->abs_ab) {
                srow = in->abs_ab + i * cols;
            } else if (s) {
                abs_row(cols, in->k, in->a + i * in->k, in->b, s);
                srow = s;
            }
            measure_row(in, out, i, srow, rel + i * cols, &acc[i]);
        }
        free(s);
    }
    if (nomem) {
        free(rel);
        free(acc);
        return PB_ERR_NOMEM;
    }

    row_acc all;
    memset(&all, 0, sizeof all);
    for (size_t i = 0; i < rows; i++) {
        ssq_merge(&all.diff, &acc[i].diff);
        ssq_merge(&all.ref, &acc[i].ref);
        ssq_merge(&all.absab, &acc[i].absab);
        if (acc[i].max_rel > all.max_rel) all.max_rel = acc[i].max_rel;
        if (acc[i].max_ulp > all.max_ulp) all.max_ulp = acc[i].max_ulp;
        if (acc[i].max_absab_rel > all.max_absab_rel) all.max_absab_rel = acc[i].max_absab_rel;
        all.correct += acc[i].correct;
        all.nonfinite += acc[i].nonfinite;
        all.diverged |= acc[i].diverged;
    }

    memset(m, 0, sizeof *m);
    m->normwise = all.diverged ? INFINITY : ssq_ratio(&all.diff, &all.ref);
    m->max_rel = all.max_rel;
    m->max_ulp = all.max_ulp;
    if (count) {
        qsort(rel, count, sizeof *rel, cmp_double);
        const double lo = rel[(count - 1) / 2], hi = rel[count / 2];
        m->median_rel = lo == hi ? lo : lo + (hi - lo) / 2;
    }
    m->frac_correctly_rounded =
        in->c_ref_out ? (count ? (double)all.correct / (double)count : 1.0) : NAN;
    m->nonfinite = all.nonfinite;

    // The bounds: gamma_K and sqrt(K) u, scaled for each metric.
    const double u = in->u > 0 ? in->u : out->eps / 2;
    const double ku = (double)in->k * u;
    const double gamma = ku < 1 ? ku / (1 - ku) : INFINITY;
    const double prob = sqrt((double)in->k) * u;
    m->u = u;
    if (have_absab) {
        m->kappa = ssq_ratio(&all.absab, &all.ref);
        m->bound_det = scaled(gamma, m->kappa);
        m->bound_prob = scaled(prob, m->kappa);
        m->bound_det_comp = scaled(gamma, all.max_absab_rel);
        m->bound_prob_comp = scaled(prob, all.max_absab_rel);
    } else {
        m->kappa = m->bound_det = m->bound_prob = NAN;
        m->bound_det_comp = m->bound_prob_comp = NAN;
    }
    free(rel);
    free(acc);
    return PB_OK;
}
