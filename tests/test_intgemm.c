/* precbench tests: exact integer GEMM.
 *
 * Every path (int64 loops with both kernel builds, mpz_addmul, the three
 * Kronecker packings into mpz and into int64) must equal an mpz dot product
 * computed here independently (mpz_mul_si + mpz_add), on int8, int4, ternary,
 * int16 near the kernels' limits, int64 near the int64 bound, and the
 * integers of e4m3 / e2m1 / e5m2 values; for format values the product times
 * 2^(qa + qb) must also equal the exact sum of the real products, formed in
 * MPFR.  Odd sizes, leading dimensions with junk in the padding, and guard
 * values around C. */
#include <math.h>
#include <stdbool.h>

#include <mpfr.h>

#include "harness.h"
#include "precbench/format.h"
#include "precbench/intgemm.h"

/* ---- test data: an independent generator ----------------------------------- */

static uint64_t rng_state;
static uint64_t splitmix(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}
/* Uniform on [lo, hi] (modulo bias is irrelevant here). */
static int64_t rand_in(int64_t lo, int64_t hi)
{
    const uint64_t range = (uint64_t)hi - (uint64_t)lo + 1; // 0: all of int64
    const uint64_t r = range ? splitmix() % range : splitmix();
    return (int64_t)((uint64_t)lo + r);
}

/* A rows x cols matrix stored as elem with leading dimension cols + pad; the
 * padding holds junk that must never be read. */
typedef struct tmat {
    pb_int_matrix m;
    void *buf;
    int64_t *val; /* the dense values, for the reference */
} tmat;

static void store_elem(pb_int_elem e, void *p, size_t i, int64_t v)
{
    switch (e) {
    case PB_INT_ELEM_I8: ((int8_t *)p)[i] = (int8_t)v; break;
    case PB_INT_ELEM_I16: ((int16_t *)p)[i] = (int16_t)v; break;
    case PB_INT_ELEM_I32: ((int32_t *)p)[i] = (int32_t)v; break;
    case PB_INT_ELEM_I64: ((int64_t *)p)[i] = v; break;
    }
}

static tmat tmat_new(pb_int_elem e, size_t rows, size_t cols, size_t pad, const int64_t *vals)
{
    tmat t;
    const size_t ld = cols + pad;
    t.buf = malloc((rows * ld + 1) * pb_int_elem_size(e));
    t.val = malloc((rows * cols + 1) * sizeof(int64_t));
    for (size_t r = 0; r < rows; r++)
        for (size_t c = 0; c < ld; c++)
            store_elem(e, t.buf, r * ld + c, c < cols ? vals[r * cols + c] : 77);
    memcpy(t.val, vals, rows * cols * sizeof(int64_t));
    t.m = pb_int_matrix_make(e, rows, cols, t.buf);
    t.m.ld = ld;
    return t;
}

static void tmat_free(tmat *t)
{
    free(t->buf);
    free(t->val);
}

/* The reference: C_ij = sum_k A_ik B_kj by mpz_mul_si and mpz_add. */
static mpz_t *reference(const tmat *a, const tmat *b)
{
    const size_t m = a->m.rows, n = b->m.cols, k = a->m.cols;
    mpz_t *c = pb_mpz_array_new(m * n + 1);
    mpz_t t;
    mpz_init(t);
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < n; j++)
            for (size_t p = 0; p < k; p++) {
                mpz_set_si(t, a->val[i * k + p]);
                mpz_mul_si(t, t, b->val[p * n + j]);
                mpz_add(c[i * n + j], c[i * n + j], t);
            }
    mpz_clear(t);
    return c;
}

enum { GUARD = 5 };
static const int64_t guard_value = 0x5A5A5A5A5A5A5A5A;

/* Run every path on A, B and compare with the reference; returns whether the
 * int64 paths applied. */
static bool check_all_paths(const char *label, const tmat *a, const tmat *b)
{
    const size_t m = a->m.rows, n = b->m.cols, ldc = n + 3;
    mpz_t *ref = reference(a, b);
    const unsigned bits = pb_intgemm_bound_bits(&a->m, &b->m);

    // mpz into a padded C: the padding must stay 0 (never written).
    mpz_t *cz = pb_mpz_array_new(m * ldc + 1);
    pb_status st = pb_intgemm_mpz(&a->m, &b->m, cz, ldc);
    PBT_CHECK(st == PB_OK, "%s: mpz status %d", label, st);
    size_t bad = 0;
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < ldc; j++)
            bad += j < n ? mpz_cmp(cz[i * ldc + j], ref[i * n + j]) != 0
                         : mpz_sgn(cz[i * ldc + j]) != 0;
    PBT_CHECK(bad == 0, "%s: mpz path differs in %zu entries", label, bad);

    for (int v = PB_KRON_PAIR; v <= PB_KRON_AXPY; v++) {
        for (size_t i = 0; i < m * ldc; i++) mpz_set_si(cz[i], 12345);
        st = pb_intgemm_kron(&a->m, &b->m, (pb_kron_variant)v, cz, ldc);
        PBT_CHECK(st == PB_OK, "%s: kron %s status %d", label, pb_kron_variant_name(v), st);
        bad = 0;
        for (size_t i = 0; i < m; i++)
            for (size_t j = 0; j < ldc; j++)
                bad += j < n ? mpz_cmp(cz[i * ldc + j], ref[i * n + j]) != 0
                             : mpz_cmp_si(cz[i * ldc + j], 12345) != 0;
        PBT_CHECK(bad == 0, "%s: kron %s (mpz, w = %u) differs in %zu entries", label,
                  pb_kron_variant_name(v), bits + 1, bad);
    }

    // int64 outputs with guards before, after and between the rows.
    const size_t len = m * ldc + 2 * GUARD;
    int64_t *c = malloc(len * sizeof *c);
    for (int path = 0; path < 5; path++) {
        const char *name = path == 0 ? "i64 portable" : path == 1 ? "i64 native"
                         : pb_kron_variant_name((pb_kron_variant)(path - 2));
        for (size_t i = 0; i < len; i++) c[i] = guard_value;
        if (path < 2) {
            bool old = pb_intgemm_i64_force_portable(path == 0);
            st = pb_intgemm_i64(&a->m, &b->m, c + GUARD, ldc);
            pb_intgemm_i64_force_portable(old);
        } else {
            st = pb_intgemm_kron_i64(&a->m, &b->m, (pb_kron_variant)(path - 2), c + GUARD, ldc);
        }
        if (bits > 63) {
            PBT_CHECK(st == PB_ERR_UNSUPPORTED, "%s: %s accepted a %u-bit bound", label, name, bits);
            continue;
        }
        PBT_CHECK(st == PB_OK, "%s: %s status %d", label, name, st);
        bad = 0;
        for (size_t i = 0; i < len; i++) {
            const bool inside = i >= GUARD && i < GUARD + m * ldc && (i - GUARD) % ldc < n;
            if (inside) {
                const size_t r = (i - GUARD) / ldc, q = (i - GUARD) % ldc;
                bad += mpz_cmp_si(ref[r * n + q], c[i]) != 0;
            } else {
                bad += c[i] != guard_value;
            }
        }
        PBT_CHECK(bad == 0, "%s: %s differs or writes outside C in %zu places", label, name, bad);
    }
    free(c);
    pb_mpz_array_free(cz, m * ldc + 1);
    pb_mpz_array_free(ref, m * n + 1);
    return bits <= 63;
}

/* Random matrices with entries in [lo, hi] stored as elem. */
static void check_random(pb_int_elem e, int64_t lo, int64_t hi, size_t m, size_t k, size_t n,
                         size_t pad)
{
    int64_t *va = malloc((m * k + 1) * sizeof *va), *vb = malloc((k * n + 1) * sizeof *vb);
    for (size_t i = 0; i < m * k; i++) va[i] = rand_in(lo, hi);
    for (size_t i = 0; i < k * n; i++) vb[i] = rand_in(lo, hi);
    tmat a = tmat_new(e, m, k, pad, va), b = tmat_new(e, k, n, pad, vb);
    char label[128];
    snprintf(label, sizeof label, "%s [%lld, %lld] %zux%zux%zu", pb_int_elem_name(e),
             (long long)lo, (long long)hi, m, k, n);
    check_all_paths(label, &a, &b);
    tmat_free(&a);
    tmat_free(&b);
    free(va);
    free(vb);
}

static void test_int8_random(void)
{
    rng_state = pbt_seed();
    // Sizes around the tiles: MR = 8 rows, NC = 256 columns, KC = 512 deep.
    static const size_t shapes[][3] = {{1, 1, 1},   {3, 5, 7},     {8, 16, 256},
                                       {9, 513, 257}, {17, 33, 9}, {37, 1100, 65},
                                       {70, 129, 300}};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
        check_random(PB_INT_ELEM_I8, -128, 127, shapes[s][0], shapes[s][1], shapes[s][2], s % 3);
    for (uint64_t t = 0; t < pbt_count(20); t++)
        check_random(PB_INT_ELEM_I8, -128, 127, (size_t)rand_in(1, 40), (size_t)rand_in(1, 90),
                     (size_t)rand_in(1, 40), (size_t)rand_in(0, 2));
}

static void test_int4_ternary(void)
{
    rng_state = pbt_seed() + 1;
    check_random(PB_INT_ELEM_I8, -8, 7, 31, 200, 45, 1);
    check_random(PB_INT_ELEM_I8, -1, 1, 29, 777, 33, 0);
    check_random(PB_INT_ELEM_I8, -1, 1, 1, 5000, 3, 2);
}

/* Every entry the same value. */
static void check_constant(int64_t x, int64_t y, size_t m, size_t k, size_t n, pb_int_elem e)
{
    int64_t *va = malloc(m * k * sizeof *va), *vb = malloc(k * n * sizeof *vb);
    for (size_t i = 0; i < m * k; i++) va[i] = x;
    for (size_t i = 0; i < k * n; i++) vb[i] = y;
    tmat a = tmat_new(e, m, k, 1, va), b = tmat_new(e, k, n, 0, vb);
    char label[96];
    snprintf(label, sizeof label, "constant %lld x %lld, K = %zu", (long long)x, (long long)y, k);
    check_all_paths(label, &a, &b);
    // And the value itself: K x y.
    int64_t *c = malloc(m * n * sizeof *c);
    PBT_CHECK(pb_intgemm_i64(&a.m, &b.m, c, n) == PB_OK, "%s: status", label);
    PBT_CHECK(c[0] == (int64_t)k * x * y && c[m * n - 1] == (int64_t)k * x * y,
              "%s: C = %lld, expected %lld", label, (long long)c[0], (long long)((int64_t)k * x * y));
    free(c);
    tmat_free(&a);
    tmat_free(&b);
    free(va);
    free(vb);
}

static void test_extremes(void)
{
    check_constant(-128, -128, 9, 1031, 5, PB_INT_ELEM_I8);
    check_constant(127, 127, 5, 1031, 9, PB_INT_ELEM_I8);
    check_constant(-128, 127, 3, 2048, 3, PB_INT_ELEM_I8);
    check_constant(0, 127, 3, 7, 3, PB_INT_ELEM_I8);
}

/* int16 values: the narrow kernel while the bound allows int32 steps, the
 * wide one beyond. */
static void test_int16_kernels(void)
{
    rng_state = pbt_seed() + 2;
    check_random(PB_INT_ELEM_I16, -1000, 1000, 19, 700, 23, 1);      // kc = 512, narrow
    check_random(PB_INT_ELEM_I16, -12000, 12000, 19, 300, 23, 0);    // kc = 14: wide
    check_random(PB_INT_ELEM_I16, -32768, 32767, 11, 77, 300, 2);    // -32768: wide
    check_random(PB_INT_ELEM_I32, -2000000000, 2000000000, 7, 2, 5, 1); // 63 bits
}

/* Around the int64 bound: 63 bits is accepted, 64 is refused (and the mpz
 * paths, with digits of 65 bits and more, still agree). */
static void test_int64_bound(void)
{
    const int64_t r = 3037000499; // r^2 < 2^63 - 1 < (r + 1)^2
    check_constant(r, r, 2, 1, 3, PB_INT_ELEM_I64);
    int64_t va[1] = {-(r + 1)}, vb[2] = {r + 1, -3};
    tmat a = tmat_new(PB_INT_ELEM_I64, 1, 1, 0, va), b = tmat_new(PB_INT_ELEM_I64, 1, 2, 0, vb);
    PBT_CHECK(pb_intgemm_bound_bits(&a.m, &b.m) == 64, "bound %u", pb_intgemm_bound_bits(&a.m, &b.m));
    PBT_CHECK(!check_all_paths("(r + 1)^2", &a, &b), "int64 paths accepted 64 bits");
    tmat_free(&a);
    tmat_free(&b);
    int64_t vc[3] = {INT64_MIN, INT64_MAX, -1}, vd[3] = {INT64_MIN, 1, INT64_MAX};
    tmat c = tmat_new(PB_INT_ELEM_I64, 1, 3, 0, vc), d = tmat_new(PB_INT_ELEM_I64, 3, 1, 0, vd);
    check_all_paths("INT64_MIN", &c, &d);
    tmat_free(&c);
    tmat_free(&d);
    rng_state = pbt_seed() + 3;
    check_random(PB_INT_ELEM_I64, INT64_MIN, INT64_MAX, 5, 40, 6, 1);
}

/* ---- format values ----------------------------------------------------------------- */

/* n random finite values of format f (uniform over codes). */
static void random_values(const pb_format *f, double *x, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        double v;
        do v = pb_format_decode(f, splitmix()); while (!isfinite(v));
        x[i] = v;
    }
}

/* Decompose A and B of format f, multiply, and compare with the reference
 * and with the exact real sum of products formed in MPFR. */
static void check_format_gemm(const char *name, size_t m, size_t k, size_t n)
{
    const pb_format *f = pb_format_by_name(name);
    PBT_REQUIRE(f, "no format %s", name);
    int q;
    pb_int_elem e;
    PBT_REQUIRE(pb_int_format_info(f, &q, &e) == PB_OK, "%s: info", name);
    double *xa = malloc(m * k * sizeof *xa), *xb = malloc(k * n * sizeof *xb);
    random_values(f, xa, m * k);
    random_values(f, xb, k * n);
    int64_t *va = malloc(m * k * sizeof *va), *vb = malloc(k * n * sizeof *vb);
    int qa = 0, qb = 0;
    PBT_REQUIRE(pb_int_decompose(f, xa, m * k, PB_INT_ELEM_I64, va, &qa, NULL) == PB_OK &&
                    pb_int_decompose(f, xb, k * n, PB_INT_ELEM_I64, vb, &qb, NULL) == PB_OK,
                "%s: decompose", name);
    PBT_CHECK(qa == q && qb == q, "%s: exponent %d %d, expected %d", name, qa, qb, q);
    tmat a = tmat_new(e, m, k, 1, va), b = tmat_new(e, k, n, 2, vb);
    a.m.exponent = qa;
    b.m.exponent = qb;
    char label[64];
    snprintf(label, sizeof label, "%s values %zux%zux%zu", name, m, k, n);
    check_all_paths(label, &a, &b);

    // C * 2^(qa + qb) against the real products summed exactly.
    mpz_t *c = pb_mpz_array_new(m * n);
    PBT_REQUIRE(pb_intgemm_kron(&a.m, &b.m, PB_KRON_ROW, c, n) == PB_OK, "%s: kron", label);
    const long ce = pb_intgemm_exponent(&a.m, &b.m);
    PBT_CHECK(ce == 2L * q, "%s: exponent of C %ld", label, ce);
    mpfr_t s, t, z;
    mpfr_inits2(512, s, t, z, (mpfr_ptr)0);
    size_t bad = 0, bad_round = 0;
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < n; j++) {
            mpfr_set_zero(s, 1);
            for (size_t p = 0; p < k; p++) {
                mpfr_set_d(t, xa[i * k + p], MPFR_RNDN);
                mpfr_mul_d(t, t, xb[p * n + j], MPFR_RNDN); // exact at 512 bits
                mpfr_add(s, s, t, MPFR_RNDN);                // exact at 512 bits
            }
            mpfr_set_z_2exp(z, c[i * n + j], ce, MPFR_RNDN);
            bad += mpfr_cmp(s, z) != 0;
            bad_round += pb_int_to_double_mpz(c[i * n + j], ce) != mpfr_get_d(s, MPFR_RNDN);
        }
    PBT_CHECK(bad == 0, "%s: %zu entries differ from the MPFR sum", label, bad);
    PBT_CHECK(bad_round == 0, "%s: %zu entries round differently to double", label, bad_round);
    mpfr_clears(s, t, z, (mpfr_ptr)0);
    pb_mpz_array_free(c, m * n);
    tmat_free(&a);
    tmat_free(&b);
    free(xa);
    free(xb);
    free(va);
    free(vb);
}

static void test_format_values(void)
{
    rng_state = pbt_seed() + 4;
    check_format_gemm("e4m3", 13, 300, 11);   // i32 integers, wide kernel
    check_format_gemm("e2m1", 21, 1000, 17);  // i8 integers, narrow kernel
    check_format_gemm("e2m3", 6, 64, 270);
    check_format_gemm("e3m2", 10, 100, 9);
    check_format_gemm("e5m2", 7, 50, 5);      // beyond int64: mpz only, w > 64
    check_format_gemm("int4", 9, 100, 9);
    check_format_gemm("ternary", 9, 100, 9);
}

/* ---- decomposition ------------------------------------------------------------------- */

static void test_format_info(void)
{
    static const struct {
        const char *name;
        int q;
        pb_int_elem e;
    } want[] = {
        {"int8", 0, PB_INT_ELEM_I8},   {"int4", 0, PB_INT_ELEM_I8},
        {"ternary", 0, PB_INT_ELEM_I8}, {"e2m1", -1, PB_INT_ELEM_I8},
        {"e2m3", -3, PB_INT_ELEM_I8},  {"e3m2", -4, PB_INT_ELEM_I16},
        {"e4m3", -9, PB_INT_ELEM_I32}, {"e4m3fnuz", -10, PB_INT_ELEM_I32},
        {"e5m2", -16, PB_INT_ELEM_I64}, {"fp16", -24, PB_INT_ELEM_I64},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const pb_format *f = pb_format_by_name(want[i].name);
        PBT_CHECK(f, "no format %s", want[i].name);
        if (!f) continue;
        int q = 99;
        pb_int_elem e = PB_INT_ELEM_I64;
        pb_status st = pb_int_format_info(f, &q, &e);
        PBT_CHECK(st == PB_OK && q == want[i].q && e == want[i].e,
                  "%s: status %d, q %d (want %d), elem %s (want %s)", want[i].name, st, q,
                  want[i].q, pb_int_elem_name(e), pb_int_elem_name(want[i].e));
    }
    static const char *const unsupported[] = {"fp32", "bf16", "tf32", "fp64", "e8m0"};
    for (size_t i = 0; i < sizeof unsupported / sizeof unsupported[0]; i++) {
        const pb_format *f = pb_format_by_name(unsupported[i]);
        PBT_CHECK(f && pb_int_format_info(f, NULL, NULL) == PB_ERR_UNSUPPORTED,
                  "%s should be unsupported", unsupported[i]);
    }
}

/* Every finite code of every small format decomposes into an integer that
 * gives the value back exactly. */
static void test_decompose_every_code(void)
{
    static const char *const names[] = {"e4m3", "e5m2", "e2m3", "e3m2", "e2m1", "e4m3fnuz",
                                        "e5m2fnuz", "int8", "int4", "ternary"};
    for (size_t t = 0; t < sizeof names / sizeof names[0]; t++) {
        const pb_format *f = pb_format_by_name(names[t]);
        PBT_REQUIRE(f, "no format %s", names[t]);
        int q;
        pb_int_elem e;
        PBT_REQUIRE(pb_int_format_info(f, &q, &e) == PB_OK, "%s: info", names[t]);
        double vals[256];
        size_t n = 0;
        for (uint64_t code = 0; code < (UINT64_C(1) << f->spec.bits); code++) {
            double v = pb_format_decode(f, code);
            if (isfinite(v)) vals[n++] = v;
        }
        int64_t ints[256];
        unsigned char narrow[256 * 8];
        int qq = 0;
        pb_status st = pb_int_decompose(f, vals, n, PB_INT_ELEM_I64, ints, &qq, NULL);
        PBT_CHECK(st == PB_OK && qq == q, "%s: status %d", names[t], st);
        size_t bad = 0;
        for (size_t i = 0; i < n; i++) bad += ldexp((double)ints[i], q) != vals[i];
        PBT_CHECK(bad == 0, "%s: %zu codes do not round-trip", names[t], bad);
        // The narrowest element type holds them all, and gives the same integers.
        st = pb_int_decompose(f, vals, n, e, narrow, NULL, NULL);
        PBT_CHECK(st == PB_OK, "%s: narrow decomposition status %d", names[t], st);
        pb_int_matrix nm = pb_int_matrix_make(e, 1, n, narrow);
        bad = 0;
        for (size_t i = 0; i < n; i++) bad += pb_int_matrix_get(&nm, 0, i) != ints[i];
        PBT_CHECK(bad == 0, "%s: %zu narrow integers differ", names[t], bad);
    }
}

static void test_decompose_rejects(void)
{
    const pb_format *e4m3 = pb_format_by_name("e4m3");
    const pb_format *int8 = pb_format_by_name("int8");
    PBT_REQUIRE(e4m3 && int8, "formats");
    int32_t out[4];
    size_t bad = 99;
    const double not_e4m3[] = {1.0, 0.3, 2.0};
    PBT_CHECK(pb_int_decompose(e4m3, not_e4m3, 3, PB_INT_ELEM_I32, out, NULL, &bad) == PB_ERR_ARG &&
                  bad == 1,
              "0.3 is not e4m3 (bad index %zu)", bad);
    const double big[] = {17.0}; // needs 5 significant bits
    PBT_CHECK(pb_int_decompose(e4m3, big, 1, PB_INT_ELEM_I32, out, NULL, NULL) == PB_ERR_ARG,
              "17 is not e4m3");
    const double specials[] = {NAN, INFINITY, 500.0};
    for (int i = 0; i < 3; i++)
        PBT_CHECK(pb_int_decompose(e4m3, specials + i, 1, PB_INT_ELEM_I32, out, NULL, NULL) ==
                      PB_ERR_ARG,
                  "special %d accepted", i);
    const double max448[] = {-448.0};
    int8_t o8[1];
    PBT_CHECK(pb_int_decompose(e4m3, max448, 1, PB_INT_ELEM_I8, o8, NULL, NULL) == PB_ERR_ARG,
              "448 * 2^9 fit in int8");
    PBT_CHECK(pb_int_decompose(e4m3, max448, 1, PB_INT_ELEM_I32, out, NULL, NULL) == PB_OK &&
                  out[0] == -448 * 512,
              "-448 -> %d", out[0]);
    const double ints[] = {3.0, -128.0, 127.0, -0.0}, half[] = {3.5}, over[] = {128.0};
    int8_t v8[4];
    PBT_CHECK(pb_int_decompose(int8, ints, 4, PB_INT_ELEM_I8, v8, NULL, NULL) == PB_OK &&
                  v8[0] == 3 && v8[1] == -128 && v8[2] == 127 && v8[3] == 0,
              "int8 values");
    PBT_CHECK(pb_int_decompose(int8, half, 1, PB_INT_ELEM_I8, v8, NULL, NULL) == PB_ERR_ARG,
              "3.5 is not int8");
    PBT_CHECK(pb_int_decompose(int8, over, 1, PB_INT_ELEM_I8, v8, NULL, NULL) == PB_ERR_ARG,
              "128 is not int8");
}

/* ---- conversions back to double ------------------------------------------------- */

static void test_to_double(void)
{
    // Exact cases, ties to even, subnormals, overflow.
    PBT_CHECK(pb_int_to_double_i64(3, -1) == 1.5, "3 * 2^-1");
    PBT_CHECK(pb_int_to_double_i64(-5, 10) == -5120.0, "-5 * 2^10");
    PBT_CHECK(pb_int_to_double_i64(0, -5000) == 0.0, "zero");
    const int64_t tie = (INT64_C(1) << 53) + 1; // halfway between 2^53 and 2^53 + 2
    PBT_CHECK(pb_int_to_double_i64(tie, 0) == 0x1p53, "tie to even (down)");
    PBT_CHECK(pb_int_to_double_i64(tie + 2, 0) == 0x1p53 + 4, "tie to even (up)");
    PBT_CHECK(pb_int_to_double_i64(3, -1075) == 0x1p-1073, "1.5 subnormal quanta -> 2");
    PBT_CHECK(pb_int_to_double_i64(1, -1075) == 0.0, "half a quantum -> 0 (even)");
    PBT_CHECK(pb_int_to_double_i64(3, -1076) == 0x1p-1074, "0.75 quantum -> 1");
    PBT_CHECK(pb_int_to_double_i64(-1, 1024) == -INFINITY, "overflow");
    // Random 64-bit values against the hardware's rounding of int64 to double
    // followed by an exact scaling (the result stays normal).
    rng_state = pbt_seed() + 5;
    size_t bad = 0;
    for (uint64_t t = 0; t < pbt_count(20000); t++) {
        const int64_t v = (int64_t)splitmix() >> (splitmix() % 60);
        const long e = (long)rand_in(-900, 900);
        const double want = ldexp((double)v, (int)e); // (double)v rounds once, ldexp exact
        bad += pb_int_to_double_i64(v, e) != want;
    }
    PBT_CHECK(bad == 0, "%zu random conversions differ", bad);
}

/* ---- argument checks ---------------------------------------------------------------- */

static void test_arguments(void)
{
    int8_t x[12] = {0};
    int64_t c[16];
    mpz_t *cz = pb_mpz_array_new(16);
    pb_int_matrix a = pb_int_matrix_make(PB_INT_ELEM_I8, 3, 4, x);
    pb_int_matrix b = pb_int_matrix_make(PB_INT_ELEM_I8, 3, 4, x); // K mismatch
    PBT_CHECK(pb_intgemm_i64(&a, &b, c, 4) == PB_ERR_ARG, "K mismatch (i64)");
    PBT_CHECK(pb_intgemm_mpz(&a, &b, cz, 4) == PB_ERR_ARG, "K mismatch (mpz)");
    PBT_CHECK(pb_intgemm_kron(&a, &b, PB_KRON_ROW, cz, 4) == PB_ERR_ARG, "K mismatch (kron)");
    b = pb_int_matrix_make(PB_INT_ELEM_I8, 4, 3, x);
    PBT_CHECK(pb_intgemm_i64(&a, &b, c, 2) == PB_ERR_ARG, "ldc < N");
    PBT_CHECK(pb_intgemm_kron_i64(&a, &b, (pb_kron_variant)7, c, 3) == PB_ERR_ARG, "variant");
    pb_int_matrix bad_ld = a;
    bad_ld.ld = 2;
    PBT_CHECK(pb_intgemm_mpz(&bad_ld, &b, cz, 3) == PB_ERR_ARG, "ld < cols");
    PBT_CHECK(pb_intgemm_i64(&a, &b, NULL, 3) == PB_ERR_ARG, "NULL C");
    // Empty shapes: M = 0 and N = 0 do nothing; K = 0 gives zeros.
    pb_int_matrix e0 = pb_int_matrix_make(PB_INT_ELEM_I8, 0, 4, NULL);
    PBT_CHECK(pb_intgemm_i64(&e0, &b, NULL, 3) == PB_OK, "M = 0");
    pb_int_matrix ak0 = pb_int_matrix_make(PB_INT_ELEM_I8, 3, 0, NULL);
    pb_int_matrix bk0 = pb_int_matrix_make(PB_INT_ELEM_I8, 0, 5, NULL);
    for (int i = 0; i < 16; i++) c[i] = 9;
    PBT_CHECK(pb_intgemm_i64(&ak0, &bk0, c, 5) == PB_OK && c[0] == 0 && c[14] == 0 && c[15] == 9,
              "K = 0 (i64)");
    for (int v = PB_KRON_PAIR; v <= PB_KRON_AXPY; v++) {
        for (int i = 0; i < 16; i++) c[i] = 9;
        PBT_CHECK(pb_intgemm_kron_i64(&ak0, &bk0, (pb_kron_variant)v, c, 5) == PB_OK &&
                      c[0] == 0 && c[14] == 0 && c[15] == 9,
                  "K = 0 (kron %d)", v);
    }
    mpz_set_ui(cz[0], 7);
    PBT_CHECK(pb_intgemm_mpz(&ak0, &bk0, cz, 5) == PB_OK && mpz_sgn(cz[0]) == 0, "K = 0 (mpz)");
    pb_mpz_array_free(cz, 16);
    PBT_CHECK(pb_intgemm_bound_bits(&a, &b) == 0, "zero matrices: bound 0");
    PBT_CHECK(strcmp(pb_kron_variant_name(PB_KRON_AXPY), "axpy") == 0 &&
                  pb_kron_variant_name((pb_kron_variant)9) == NULL,
              "variant names");
}

int main(int argc, char **argv)
{
    pbt_init(argc, argv);
    PBT_RUN(test_arguments);
    PBT_RUN(test_format_info);
    PBT_RUN(test_decompose_every_code);
    PBT_RUN(test_decompose_rejects);
    PBT_RUN(test_to_double);
    PBT_RUN(test_int8_random);
    PBT_RUN(test_int4_ternary);
    PBT_RUN(test_extremes);
    PBT_RUN(test_int16_kernels);
    PBT_RUN(test_int64_bound);
    PBT_RUN(test_format_values);
    return pbt_finish();
}
