/* precbench reference: integer matrices, decomposition of format values into
 * integers, the bound that picks the result type, and the mpz GEMM that
 * defines the integer product. */
#include <limits.h>
#include <math.h>
#include <stdlib.h>

#include <mpfr.h>

#include "intgemm_internal.h"

size_t pb_int_elem_size(pb_int_elem elem)
{
    switch (elem) {
    case PB_INT_ELEM_I8: return 1;
    case PB_INT_ELEM_I16: return 2;
    case PB_INT_ELEM_I32: return 4;
    case PB_INT_ELEM_I64: return 8;
    }
    return 0;
}

const char *pb_int_elem_name(pb_int_elem elem)
{
    switch (elem) {
    case PB_INT_ELEM_I8: return "i8";
    case PB_INT_ELEM_I16: return "i16";
    case PB_INT_ELEM_I32: return "i32";
    case PB_INT_ELEM_I64: return "i64";
    }
    return NULL;
}

pb_int_matrix pb_int_matrix_make(pb_int_elem elem, size_t rows, size_t cols,
                                 const void *data)
{
    pb_int_matrix m = {elem, rows, cols, cols, data, 0};
    return m;
}

int64_t pb_int_matrix_get(const pb_int_matrix *m, size_t r, size_t c)
{
    return pb_intgemm_load(m, r * m->ld + c);
}

/* |v| without overflow for INT64_MIN. */
static inline uint64_t abs_u64(int64_t v)
{
    return v < 0 ? 0u - (uint64_t)v : (uint64_t)v;
}

uint64_t pb_int_matrix_maxabs(const pb_int_matrix *m)
{
    uint64_t best = 0;
    for (size_t r = 0; r < m->rows; r++)
        for (size_t c = 0; c < m->cols; c++) {
            uint64_t v = abs_u64(pb_intgemm_load(m, r * m->ld + c));
            if (v > best) best = v;
        }
    return best;
}

static bool elem_valid(pb_int_elem e) { return pb_int_elem_size(e) != 0; }

static bool matrix_valid(const pb_int_matrix *m)
{
    if (!m || !elem_valid(m->elem) || m->ld < m->cols) return false;
    return m->data || m->rows == 0 || m->cols == 0;
}

pb_status pb_intgemm_check(const pb_int_matrix *a, const pb_int_matrix *b,
                           const void *c, size_t ldc)
{
    if (!matrix_valid(a) || !matrix_valid(b) || a->cols != b->rows)
        return PB_ERR_ARG;
    if (a->rows > 0 && b->cols > 0 && (!c || ldc < b->cols)) return PB_ERR_ARG;
    return PB_OK;
}

/* ---- the bound ------------------------------------------------------------ */

unsigned pb_intgemm_bound_bits_of(uint64_t k, uint64_t ma, uint64_t mb)
{
    // k * ma * mb can reach 2^190: count its bits exactly with mpz.
    mpz_t t;
    mpz_init_set_ui(t, k);
    mpz_mul_ui(t, t, ma);
    mpz_mul_ui(t, t, mb);
    unsigned bits = mpz_sgn(t) ? (unsigned)mpz_sizeinbase(t, 2) : 0;
    mpz_clear(t);
    return bits;
}

unsigned pb_intgemm_bound_bits(const pb_int_matrix *a, const pb_int_matrix *b)
{
    return pb_intgemm_bound_bits_of(a->cols, pb_int_matrix_maxabs(a),
                                    pb_int_matrix_maxabs(b));
}

long pb_intgemm_exponent(const pb_int_matrix *a, const pb_int_matrix *b)
{
    return (long)a->exponent + (long)b->exponent;
}

unsigned pb_intgemm_kron_digit_bits(const pb_int_matrix *a,
                                    const pb_int_matrix *b)
{
    return pb_intgemm_bound_bits(a, b) + 1;
}

/* ---- decomposition of format values ------------------------------------- */

static void elem_range(pb_int_elem e, int64_t *lo, int64_t *hi)
{
    switch (e) {
    case PB_INT_ELEM_I8: *lo = INT8_MIN; *hi = INT8_MAX; return;
    case PB_INT_ELEM_I16: *lo = INT16_MIN; *hi = INT16_MAX; return;
    case PB_INT_ELEM_I32: *lo = INT32_MIN; *hi = INT32_MAX; return;
    case PB_INT_ELEM_I64: *lo = INT64_MIN; *hi = INT64_MAX; return;
    }
    *lo = *hi = 0;
}

pb_status pb_int_format_info(const pb_format *f, int *exponent,
                             pb_int_elem *elem)
{
    if (!f) return PB_ERR_ARG;
    int q;
    int64_t lo, hi;
    switch (f->spec.kind) {
    case PB_FORMAT_KIND_INT:
        q = 0;
        lo = f->spec.int_min;
        hi = f->spec.int_max;
        break;
    case PB_FORMAT_KIND_FLOAT: {
        // Subnormals (or, without them, the lowest normal binade) are the
        // multiples of 2^(emin - man_bits); every larger value is one too.
        q = f->emin - f->spec.man_bits;
        double top = ldexp(f->max_finite, -q); // an integer, exactly
        if (!(top < 0x1p63)) return PB_ERR_UNSUPPORTED;
        hi = (int64_t)top;
        lo = f->spec.has_sign ? -hi : 0;
        break;
    }
    default:
        return PB_ERR_UNSUPPORTED;
    }
    if (exponent) *exponent = q;
    if (elem) {
        static const pb_int_elem order[] = {PB_INT_ELEM_I8, PB_INT_ELEM_I16,
                                            PB_INT_ELEM_I32, PB_INT_ELEM_I64};
        for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
            int64_t elo, ehi;
            elem_range(order[i], &elo, &ehi);
            if (lo >= elo && hi <= ehi) {
                *elem = order[i];
                break;
            }
        }
    }
    return PB_OK;
}

static void store(pb_int_elem e, void *p, size_t i, int64_t v)
{
    switch (e) {
    case PB_INT_ELEM_I8: ((int8_t *)p)[i] = (int8_t)v; return;
    case PB_INT_ELEM_I16: ((int16_t *)p)[i] = (int16_t)v; return;
    case PB_INT_ELEM_I32: ((int32_t *)p)[i] = (int32_t)v; return;
    case PB_INT_ELEM_I64: ((int64_t *)p)[i] = v; return;
    }
}

pb_status pb_int_decompose(const pb_format *f, const double *values, size_t n,
                           pb_int_elem elem, void *ints, int *exponent,
                           size_t *bad_index)
{
    if (!f || !elem_valid(elem) || (n && (!values || !ints))) return PB_ERR_ARG;
    int q;
    pb_status st = pb_int_format_info(f, &q, NULL);
    if (st != PB_OK) return st;
    int64_t lo, hi;
    elem_range(elem, &lo, &hi);
    const pb_rounding rne = pb_rounding_default();
    for (size_t i = 0; i < n; i++) {
        const double v = values[i];
        // A value of the format is what rounding to it leaves unchanged.
        if (!isfinite(v) || pb_format_round(f, v, &rne, i) != v) {
            if (bad_index) *bad_index = i;
            return PB_ERR_ARG;
        }
        const double m = ldexp(v, -q); // exact: v is a multiple of 2^q
        if (m < (double)lo || m > (double)hi) {
            if (bad_index) *bad_index = i;
            return PB_ERR_ARG;
        }
        store(elem, ints, i, (int64_t)m);
    }
    if (exponent) *exponent = q;
    return PB_OK;
}

double pb_int_to_double_mpz(const mpz_t z, long exponent)
{
    if (mpz_sgn(z) == 0) return 0.0;
    mpfr_t x;
    size_t bits = mpz_sizeinbase(z, 2);
    mpfr_init2(x, (mpfr_prec_t)(bits < 2 ? 2 : bits));
    mpfr_set_z_2exp(x, z, exponent, MPFR_RNDN); // exact at this precision
    double d = mpfr_get_d(x, MPFR_RNDN);        // the one rounding
    mpfr_clear(x);
    return d;
}

double pb_int_to_double_i64(int64_t v, long exponent)
{
    mpz_t z;
    mpz_init_set_si(z, v);
    double d = pb_int_to_double_mpz(z, exponent);
    mpz_clear(z);
    return d;
}

/* ---- mpz arrays -------------------------------------------------------------- */

mpz_t *pb_mpz_array_new(size_t n)
{
    if (n > SIZE_MAX / sizeof(mpz_t)) return NULL;
    mpz_t *p = malloc((n ? n : 1) * sizeof(mpz_t));
    if (!p) return NULL;
    for (size_t i = 0; i < n; i++) mpz_init(p[i]);
    return p;
}

void pb_mpz_array_free(mpz_t *p, size_t n)
{
    if (!p) return;
    for (size_t i = 0; i < n; i++) mpz_clear(p[i]);
    free(p);
}

/* ---- the definition: one mpz_addmul per multiply-add ---------------------- */

pb_status pb_intgemm_mpz(const pb_int_matrix *a, const pb_int_matrix *b,
                         mpz_t *c, size_t ldc)
{
    pb_status st = pb_intgemm_check(a, b, c, ldc);
    if (st != PB_OK) return st;
    const size_t m = a->rows, n = b->cols, k = a->cols;
    if (m == 0 || n == 0) return PB_OK;
    if ((k && m > SIZE_MAX / sizeof(mpz_t) / k) ||
        (k && n > SIZE_MAX / sizeof(mpz_t) / k))
        return PB_ERR_NOMEM;
    // A: M x K as mpz, row-major; B transposed to N x K so that the dot
    // product of row i and column j walks both arrays forward.
    mpz_t *ap = pb_mpz_array_new(m * k);
    mpz_t *bt = pb_mpz_array_new(n * k);
    if (!ap || !bt) {
        pb_mpz_array_free(ap, m * k);
        pb_mpz_array_free(bt, n * k);
        return PB_ERR_NOMEM;
    }
    for (size_t i = 0; i < m; i++)
        for (size_t p = 0; p < k; p++)
            mpz_set_si(ap[i * k + p], pb_intgemm_load(a, i * a->ld + p));
    for (size_t p = 0; p < k; p++)
        for (size_t j = 0; j < n; j++)
            mpz_set_si(bt[j * k + p], pb_intgemm_load(b, p * b->ld + j));

    #pragma omp parallel for schedule(dynamic, 1)
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < n; j++) {
            mpz_ptr cij = c[i * ldc + j];
            mpz_set_ui(cij, 0);
            for (size_t p = 0; p < k; p++)
                mpz_addmul(cij, ap[i * k + p], bt[j * k + p]);
        }

    pb_mpz_array_free(ap, m * k);
    pb_mpz_array_free(bt, n * k);
    return PB_OK;
}
