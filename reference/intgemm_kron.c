/* precbench reference: integer GEMM by Kronecker substitution.
 *
 * A vector of integers d_0 .. d_{n-1} becomes one big integer
 *
 *     Z = sum_t d_t * 2^(w t)      (the polynomial sum_t d_t x^t at x = 2^w)
 *
 * and the product of two such integers is the product of the polynomials,
 * evaluated at 2^w.  When every coefficient of the product lies strictly
 * inside (-2^(w-1), 2^(w-1)) the coefficients are its balanced base-2^w
 * digits, which are unique, so they can be read back exactly.  Every
 * coefficient below is a sum of at most K products A_ik * B_kj, so
 * w = bits(K * max|A| * max|B|) + 1 is enough (pb_intgemm_kron_digit_bits).
 *
 * Signs.  Digits may be negative: a packed operand is built as P - N, where P
 * holds the positive digits and N the magnitudes of the negative ones, each in
 * its own w-bit field (no field overflows, so no carries); one mpz_sub joins
 * them.  Reading digit t of a product Z back, from |Z|:
 *
 *     u = bits [t w, t w + w) of |Z|,   c = bit (t w - 1) of |Z|   (0 for t = 0)
 *     digit = u + c, minus 2^w when that is >= 2^(w-1),  times sign(Z)
 *
 * (c is the borrow the lower digits took: their balanced sum is negative
 * exactly when its top bit, bit t w - 1, is set.)  So any digit can be read
 * without reading the others.
 *
 * The three packings, digits drawn most significant first (K = 4 in the
 * first two):
 *
 * PB_KRON_PAIR: one mpz_mul per (i, j), C_ij in the middle digit.
 *
 *     row i of A     za = [ A_i3 | A_i2 | A_i1 | A_i0 ]         digit k   = A_ik
 *     column j of B  zb = [ B_0j | B_1j | B_2j | B_3j ]         digit K-1-k = B_kj
 *     za * zb        [ . | . | . | C_ij | . | . | . ]           digit K-1 = C_ij
 *                    digit K-1+d holds sum_k A_i,k+d B_kj (the lag-d terms)
 *
 * PB_KRON_ROW: all of B in one integer, one mpz_mul per row of A.
 *
 *     ZB = [ col N-1 | ... | col 1 | col 0 ],  column j reversed in digits
 *          jK .. jK+K-1 (digit jK + K-1-k = B_kj)
 *     za * ZB: digit jK + K-1 = C_ij.  The lag-d terms of column j fall on
 *     digit jK + K-1 + d with 0 < |d| < K, so never on a C digit; the lags of
 *     columns j and j+1 share digits, but d and d - K together still count at
 *     most K products.  Spacing the columns K digits apart, not 2K - 1,
 *     halves the product.
 *
 * PB_KRON_AXPY: each row of B as N digits; row i of C accumulates.
 *
 *     ZB_k = [ B_k,N-1 | ... | B_k1 | B_k0 ]
 *     Z_i  = sum_k A_ik * ZB_k = [ C_i,N-1 | ... | C_i1 | C_i0 ]   (mpz_addmul_ui)
 *
 * Why the first two waste work: a polynomial product forms every pair of
 * coefficients, and row i of A against all of B makes K * (K N) pairs, of
 * which only K N belong to C.  GMP's subquadratic multiplication makes those
 * K times too many products cheaply but cannot avoid them, whatever the
 * packing, because a matrix product is not a convolution.  PB_KRON_AXPY forms
 * only the needed products: each mpn_addmul_1 step multiplies one A_ik into
 * 64 / w packed digits of a row of B at once.
 */
#include <stdlib.h>
#include <string.h>

#include "intgemm_internal.h"

const char *pb_kron_variant_name(pb_kron_variant v)
{
    switch (v) {
    case PB_KRON_PAIR: return "pair";
    case PB_KRON_ROW: return "row";
    case PB_KRON_AXPY: return "axpy";
    }
    return NULL;
}

static inline uint64_t abs_u64(int64_t v)
{
    return v < 0 ? 0u - (uint64_t)v : (uint64_t)v;
}

/* ---- packing ---------------------------------------------------------------- */

/* A packed integer under construction: positive and negative digits in two
 * limb arrays (see "Signs" above). */
typedef struct kron_pack {
    mpz_t pos, neg;
    mp_limb_t *lp, *ln;
    size_t nlimbs;
    unsigned w;
} kron_pack;

static void pack_init(kron_pack *kp)
{
    mpz_init(kp->pos);
    mpz_init(kp->neg);
}

static void pack_clear(kron_pack *kp)
{
    mpz_clear(kp->pos);
    mpz_clear(kp->neg);
}

/* Start an integer of `digits` digits of w bits, all zero. */
static void pack_begin(kron_pack *kp, size_t digits, unsigned w)
{
    kp->w = w;
    kp->nlimbs = (digits * w + 63) / 64 + 1; // +1: a field may straddle the end
    kp->lp = mpz_limbs_write(kp->pos, (mp_size_t)kp->nlimbs);
    kp->ln = mpz_limbs_write(kp->neg, (mp_size_t)kp->nlimbs);
    memset(kp->lp, 0, kp->nlimbs * sizeof(mp_limb_t));
    memset(kp->ln, 0, kp->nlimbs * sizeof(mp_limb_t));
}

/* Digit t = v.  |v| < 2^(w-1) and |v| <= 2^63, so it fits its field. */
static inline void pack_put(kron_pack *kp, size_t t, int64_t v)
{
    if (v == 0) return;
    mp_limb_t *l = v > 0 ? kp->lp : kp->ln;
    const uint64_t u = abs_u64(v);
    const size_t bit = t * kp->w, q = bit / 64;
    const unsigned r = (unsigned)(bit % 64);
    l[q] |= u << r;
    if (r) l[q + 1] |= u >> (64 - r);
}

/* z = P - N. */
static void pack_finish(kron_pack *kp, mpz_t z)
{
    mpz_limbs_finish(kp->pos, (mp_size_t)kp->nlimbs);
    mpz_limbs_finish(kp->neg, (mp_size_t)kp->nlimbs);
    mpz_sub(z, kp->pos, kp->neg);
}

/* ---- reading digits back -------------------------------------------------- */

/* Bits [bit, bit + w) of the magnitude l[0..n), w <= 64. */
static inline uint64_t field_get(const mp_limb_t *l, size_t n, size_t bit, unsigned w)
{
    const size_t q = bit / 64;
    const unsigned r = (unsigned)(bit % 64);
    uint64_t u = q < n ? l[q] >> r : 0;
    if (r && q + 1 < n) u |= l[q + 1] << (64 - r);
    return w < 64 ? u & ((UINT64_C(1) << w) - 1) : u;
}

static inline unsigned bit_get(const mp_limb_t *l, size_t n, size_t bit)
{
    return bit / 64 < n ? (unsigned)(l[bit / 64] >> (bit % 64)) & 1u : 0u;
}

/* Balanced digit t of the magnitude l[0..n), w <= 64. */
static inline int64_t digit_get64(const mp_limb_t *l, size_t n, size_t t, unsigned w)
{
    const uint64_t mask = w < 64 ? (UINT64_C(1) << w) - 1 : UINT64_MAX;
    const size_t bit = t * w;
    // u + c may reach 2^w; modulo 2^w it is the digit's w-bit pattern.
    const uint64_t v = (field_get(l, n, bit, w) + (t ? bit_get(l, n, bit - 1) : 0u)) & mask;
    if (v >> (w - 1)) return -(int64_t)(mask - v) - 1; // v - 2^w, without overflow
    return (int64_t)v;
}

/* The same for any w, into mpz (tmp: scratch). */
static void digit_get_mpz(mpz_t out, const mp_limb_t *l, size_t n, size_t t,
                          unsigned w, mpz_t tmp)
{
    const size_t bit = t * w, q = bit / 64;
    const unsigned r = (unsigned)(bit % 64);
    if (q >= n) {
        mpz_set_ui(out, 0);
    } else {
        size_t len = (r + w + 63) / 64;
        if (len > n - q) len = n - q;
        while (len && l[q + len - 1] == 0) len--;
        mpz_t view;
        mpz_roinit_n(view, l + q, (mp_size_t)len);
        mpz_fdiv_q_2exp(out, view, r);
        mpz_fdiv_r_2exp(out, out, w);
    }
    if (t && bit_get(l, n, bit - 1)) mpz_add_ui(out, out, 1);
    if (mpz_sgn(out) && mpz_sizeinbase(out, 2) >= w) { // out >= 2^(w-1)
        mpz_set_ui(tmp, 0);
        mpz_setbit(tmp, w);
        mpz_sub(out, out, tmp);
    }
}

/* Where results go: int64 (w <= 64 guaranteed) or mpz. */
typedef struct kron_out {
    int64_t *c64;
    mpz_t *cz;
    size_t ldc;
    unsigned w;
} kron_out;

/* C_ij = digit t of z. */
static void out_digit(const kron_out *o, size_t i, size_t j, const mpz_t z, size_t t,
                      mpz_t tmp)
{
    const mp_limb_t *l = mpz_limbs_read(z);
    const size_t n = mpz_size(z);
    const int neg = mpz_sgn(z) < 0;
    if (o->w <= 64) {
        int64_t d = digit_get64(l, n, t, o->w);
        // |d| < 2^(w-1) <= 2^63, so the negation cannot overflow.
        if (neg) d = -d;
        if (o->c64)
            o->c64[i * o->ldc + j] = d;
        else
            mpz_set_si(o->cz[i * o->ldc + j], d);
    } else {
        mpz_ptr c = o->cz[i * o->ldc + j];
        digit_get_mpz(c, l, n, t, o->w, tmp);
        if (neg) mpz_neg(c, c);
    }
}

/* ---- the three variants ------------------------------------------------------- */

/* Row i of A as K digits: digit k = A_ik. */
static void pack_row_a(kron_pack *kp, const pb_int_matrix *a, size_t i, unsigned w, mpz_t z)
{
    pack_begin(kp, a->cols, w);
    for (size_t k = 0; k < a->cols; k++) pack_put(kp, k, pb_intgemm_load(a, i * a->ld + k));
    pack_finish(kp, z);
}

static pb_status kron_pair(const pb_int_matrix *a, const pb_int_matrix *b, const kron_out *o)
{
    const size_t m = a->rows, n = b->cols, k = a->cols;
    const unsigned w = o->w;
    mpz_t *za = pb_mpz_array_new(m), *zb = pb_mpz_array_new(n);
    if (!za || !zb) {
        pb_mpz_array_free(za, m);
        pb_mpz_array_free(zb, n);
        return PB_ERR_NOMEM;
    }
    #pragma omp parallel
    {
        kron_pack kp;
        pack_init(&kp);
        mpz_t prod, tmp;
        mpz_inits(prod, tmp, NULL);
        #pragma omp for schedule(static)
        for (size_t i = 0; i < m; i++) pack_row_a(&kp, a, i, w, za[i]);
        #pragma omp for schedule(static)
        for (size_t j = 0; j < n; j++) {
            // Column j reversed: digit K-1-p = B_pj.
            pack_begin(&kp, k, w);
            for (size_t p = 0; p < k; p++) pack_put(&kp, k - 1 - p, pb_intgemm_load(b, p * b->ld + j));
            pack_finish(&kp, zb[j]);
        }
        #pragma omp for collapse(2) schedule(dynamic, 16)
        for (size_t i = 0; i < m; i++)
            for (size_t j = 0; j < n; j++) {
                mpz_mul(prod, za[i], zb[j]);
                out_digit(o, i, j, prod, k - 1, tmp);
            }
        mpz_clears(prod, tmp, NULL);
        pack_clear(&kp);
    }
    pb_mpz_array_free(za, m);
    pb_mpz_array_free(zb, n);
    return PB_OK;
}

static pb_status kron_row(const pb_int_matrix *a, const pb_int_matrix *b, const kron_out *o)
{
    const size_t n = b->cols, k = a->cols;
    const unsigned w = o->w;
    mpz_t zb;
    mpz_init(zb);
    {
        // All of B: digit jK + K-1-p = B_pj.
        kron_pack kp;
        pack_init(&kp);
        pack_begin(&kp, n * k, w);
        for (size_t p = 0; p < k; p++)
            for (size_t j = 0; j < n; j++)
                pack_put(&kp, j * k + (k - 1 - p), pb_intgemm_load(b, p * b->ld + j));
        pack_finish(&kp, zb);
        pack_clear(&kp);
    }
    #pragma omp parallel
    {
        kron_pack kp;
        pack_init(&kp);
        mpz_t za, prod, tmp;
        mpz_inits(za, prod, tmp, NULL);
        #pragma omp for schedule(dynamic, 1)
        for (size_t i = 0; i < a->rows; i++) {
            pack_row_a(&kp, a, i, w, za);
            mpz_mul(prod, za, zb);
            for (size_t j = 0; j < n; j++) out_digit(o, i, j, prod, j * k + k - 1, tmp);
        }
        mpz_clears(za, prod, tmp, NULL);
        pack_clear(&kp);
    }
    mpz_clear(zb);
    return PB_OK;
}

static pb_status kron_axpy(const pb_int_matrix *a, const pb_int_matrix *b, const kron_out *o)
{
    const size_t n = b->cols, k = a->cols;
    const unsigned w = o->w;
    mpz_t *zb = pb_mpz_array_new(k);
    if (!zb) return PB_ERR_NOMEM;
    #pragma omp parallel
    {
        kron_pack kp;
        pack_init(&kp);
        mpz_t acc, tmp;
        mpz_inits(acc, tmp, NULL);
        #pragma omp for schedule(static)
        for (size_t p = 0; p < k; p++) {
            // Row p of B: digit j = B_pj.
            pack_begin(&kp, n, w);
            for (size_t j = 0; j < n; j++) pack_put(&kp, j, pb_intgemm_load(b, p * b->ld + j));
            pack_finish(&kp, zb[p]);
        }
        #pragma omp for schedule(dynamic, 1)
        for (size_t i = 0; i < a->rows; i++) {
            mpz_set_ui(acc, 0);
            for (size_t p = 0; p < k; p++) {
                const int64_t x = pb_intgemm_load(a, i * a->ld + p);
                if (x > 0)
                    mpz_addmul_ui(acc, zb[p], (unsigned long)x);
                else if (x < 0)
                    mpz_submul_ui(acc, zb[p], (unsigned long)abs_u64(x));
            }
            for (size_t j = 0; j < n; j++) out_digit(o, i, j, acc, j, tmp);
        }
        mpz_clears(acc, tmp, NULL);
        pack_clear(&kp);
    }
    pb_mpz_array_free(zb, k);
    return PB_OK;
}

/* ---- entry points ----------------------------------------------------------- */

/* The largest packed integer allowed: 2^31 bits (256 MiB). */
#define PB_KRON_MAX_BITS ((size_t)1 << 31)

/* Fill C with zeros. */
static void out_zero(const kron_out *o, size_t m, size_t n)
{
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < n; j++) {
            if (o->c64)
                o->c64[i * o->ldc + j] = 0;
            else
                mpz_set_ui(o->cz[i * o->ldc + j], 0);
        }
}

static pb_status kron_run(const pb_int_matrix *a, const pb_int_matrix *b,
                          pb_kron_variant variant, kron_out *o)
{
    if (!pb_kron_variant_name(variant)) return PB_ERR_ARG;
    const size_t m = a->rows, n = b->cols, k = a->cols;
    if (m == 0 || n == 0) return PB_OK;
    const unsigned bits = pb_intgemm_bound_bits(a, b);
    if (o->c64 && bits > 63) return PB_ERR_UNSUPPORTED;
    if (bits == 0) { // K = 0 or an operand is zero
        out_zero(o, m, n);
        return PB_OK;
    }
    o->w = bits + 1;
    // The largest integer formed, in digits: the PAIR product has 2K, the ROW
    // product (N + 1) K, the AXPY accumulator N (plus a few bits).  Refuse
    // beyond PB_KRON_MAX_BITS rather than let GMP abort on a failed allocation.
    const size_t factor = variant == PB_KRON_ROW ? n + 1 : variant == PB_KRON_PAIR ? 2 : 1;
    const size_t per = variant == PB_KRON_AXPY ? n : k;
    if (per > PB_KRON_MAX_BITS / factor / o->w) return PB_ERR_NOMEM;
    switch (variant) {
    case PB_KRON_PAIR: return kron_pair(a, b, o);
    case PB_KRON_ROW: return kron_row(a, b, o);
    case PB_KRON_AXPY: return kron_axpy(a, b, o);
    }
    return PB_ERR_ARG;
}

pb_status pb_intgemm_kron(const pb_int_matrix *a, const pb_int_matrix *b,
                          pb_kron_variant variant, mpz_t *c, size_t ldc)
{
    pb_status st = pb_intgemm_check(a, b, c, ldc);
    if (st != PB_OK) return st;
    kron_out o = {NULL, c, ldc, 0};
    return kron_run(a, b, variant, &o);
}

pb_status pb_intgemm_kron_i64(const pb_int_matrix *a, const pb_int_matrix *b,
                              pb_kron_variant variant, int64_t *c, size_t ldc)
{
    pb_status st = pb_intgemm_check(a, b, c, ldc);
    if (st != PB_OK) return st;
    kron_out o = {c, NULL, ldc, 0};
    return kron_run(a, b, variant, &o);
}
