/* precbench: exact integer GEMM for integer-coded formats.
 *
 *     C = A * B        A: M x K, B: K x N, C: M x N, all integers, exact
 *
 * Integer-coded formats are int8, int4, ternary and every small float format:
 * a value of e4m3, e5m2, e2m3, e3m2, e2m1 (and fp16) is m * 2^q with a small
 * integer m and q = emin - man_bits, the exponent of the format's smallest
 * subnormal.  So a whole matrix of such values is an integer matrix times one
 * power of two (pb_int_decompose), and the product of two of them is an
 * integer GEMM times 2^(qa + qb): exact, whatever K.
 *
 * Three independent paths compute the same integers (and are tested equal):
 *
 *   pb_intgemm_i64   plain loops, cache-blocked, OpenMP over rows.  Products
 *                    and partial sums in int32 while a bound proves they fit,
 *                    in int64 otherwise.  Needs the result type below to be
 *                    int64.
 *   pb_intgemm_mpz   the definition: one mpz_addmul per multiply-add.
 *   pb_intgemm_kron  Kronecker substitution: rows and columns packed into big
 *                    integers so that GMP's multiplication (basecase,
 *                    Karatsuba, Toom, FFT) does the arithmetic.  Three
 *                    packings, see pb_kron_variant and reference/intgemm_kron.c.
 *
 * The result type is chosen by a bound.  With a = max|A_ik| and b = max|B_kj|
 * every partial sum of every C_ij is at most K * a * b in magnitude;
 * pb_intgemm_bound_bits gives the number of bits of that bound, and int64
 * holds the result exactly when it is at most 63.  For int8 x int8,
 * a * b <= 128 * 128 = 2^14 (from -128 * -128), so int64 is exact for every
 * K < 2^49 (K = 2^31 needs 45 bits).  int4: 2^6 per product; e4m3 integers
 * (|m| <= 448 * 2^9 < 2^18) need 36 + log2 K bits; e5m2 integers
 * (|m| < 2^32) can overflow int64 from K = 1 on: use the mpz paths.
 *
 * Storage is row-major with a leading dimension (in elements).  Outputs are
 * written, never read.  Sizes of zero are valid (K = 0 gives C = 0).  Every
 * path uses OpenMP (the default number of threads) and allocates only its
 * packed copies of the operands and per-thread scratch.
 */
#ifndef PRECBENCH_INTGEMM_H
#define PRECBENCH_INTGEMM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gmp.h>

#include "precbench/format.h"
#include "precbench/status.h"

/* How the integers of a matrix are stored. */
typedef enum pb_int_elem {
    PB_INT_ELEM_I8,  /* int8_t  */
    PB_INT_ELEM_I16, /* int16_t */
    PB_INT_ELEM_I32, /* int32_t */
    PB_INT_ELEM_I64  /* int64_t */
} pb_int_elem;

/* Bytes per element (1, 2, 4 or 8; 0 for an invalid value). */
size_t pb_int_elem_size(pb_int_elem elem);
/* "i8", "i16", "i32", "i64". */
const char *pb_int_elem_name(pb_int_elem elem);

/* A rows x cols integer matrix: element (r, c) is ((T *)data)[r * ld + c]
 * with T the type of elem; it stands for that integer times 2^exponent.
 * The GEMMs compute the integer product; its exponent is the sum of the
 * operands' exponents (pb_intgemm_exponent). */
typedef struct pb_int_matrix {
    pb_int_elem elem;
    size_t rows, cols;
    size_t ld;         /* >= cols */
    const void *data;  /* may be NULL only when rows * cols == 0 */
    int exponent;
} pb_int_matrix;

/* A dense matrix (ld = cols, exponent 0). */
pb_int_matrix pb_int_matrix_make(pb_int_elem elem, size_t rows, size_t cols,
                                 const void *data);
/* Element (r, c) as int64. */
int64_t pb_int_matrix_get(const pb_int_matrix *m, size_t r, size_t c);
/* max |element| (2^63 for an INT64_MIN entry; 0 for an empty matrix). */
uint64_t pb_int_matrix_maxabs(const pb_int_matrix *m);

/* ---- integer decomposition of format values ----------------------------- */

/* For an integer-coded format: the common exponent q (every value of f is an
 * integer multiple of 2^q: 0 for INT formats, emin - man_bits for FLOAT
 * formats) and the narrowest element type holding every value / 2^q.
 * PB_ERR_UNSUPPORTED when those integers do not fit int64 (fp32, bf16, tf32,
 * fp64, e8m0). */
pb_status pb_int_format_info(const pb_format *f, int *exponent,
                             pb_int_elem *elem);

/* values[i] = ints[i] * 2^exponent exactly, with `exponent` from
 * pb_int_format_info.  Every value must be a finite value of f (what
 * pb_format_round to nearest leaves unchanged; -0 gives 0): PB_ERR_ARG names
 * the first that is not, through *bad_index when bad_index is not NULL.  The
 * integers are written as `elem` (PB_ERR_ARG when one does not fit). */
pb_status pb_int_decompose(const pb_format *f, const double *values, size_t n,
                           pb_int_elem elem, void *ints, int *exponent,
                           size_t *bad_index);

/* z * 2^exponent rounded to the nearest double, ties to even, subnormals
 * included, beyond the range to +-inf. */
double pb_int_to_double_mpz(const mpz_t z, long exponent);
double pb_int_to_double_i64(int64_t v, long exponent);

/* ---- the GEMMs ---------------------------------------------------------- */

/* Bits of the bound K * max|A| * max|B| on every |C_ij| and every partial
 * sum (0 when the bound is 0).  The int64 path needs it <= 63. */
unsigned pb_intgemm_bound_bits(const pb_int_matrix *a, const pb_int_matrix *b);
/* The exponent of C: a->exponent + b->exponent. */
long pb_intgemm_exponent(const pb_int_matrix *a, const pb_int_matrix *b);

/* C = A * B in int64 loops.  C: M x N, row-major, ldc >= N.
 * PB_ERR_ARG on inconsistent shapes; PB_ERR_UNSUPPORTED when the bound
 * exceeds 63 bits (use the mpz paths); PB_ERR_NOMEM. */
pb_status pb_intgemm_i64(const pb_int_matrix *a, const pb_int_matrix *b,
                         int64_t *c, size_t ldc);
/* Which inner kernels pb_intgemm_i64 runs now: "avx512" or "portable". */
const char *pb_intgemm_i64_backend(void);
/* Force the portable kernels (tests compare the two); returns the old value. */
bool pb_intgemm_i64_force_portable(bool force);

/* C = A * B by mpz_addmul.  c[i * ldc + j] must be initialised (mpz_init or
 * pb_mpz_array_new); any bound. */
pb_status pb_intgemm_mpz(const pb_int_matrix *a, const pb_int_matrix *b,
                         mpz_t *c, size_t ldc);

/* How pb_intgemm_kron packs the operands (digits of w bits, w chosen from
 * the bound; diagrams in reference/intgemm_kron.c):
 *   PB_KRON_PAIR  row i of A and column j of B as K-digit integers, one
 *                 mpz_mul per (i, j); C_ij is the middle digit.
 *   PB_KRON_ROW   all of B as one N*K-digit integer, one mpz_mul per row of
 *                 A; row i of C is every K-th digit of the product.
 *   PB_KRON_AXPY  each row of B as an N-digit integer; row i of C, as one
 *                 N-digit integer, accumulates A_ik * (row k of B) by
 *                 mpz_addmul_ui: the packed digits are added w bits at a time
 *                 with GMP's multiply-add loop, and no product is wasted. */
typedef enum pb_kron_variant {
    PB_KRON_PAIR,
    PB_KRON_ROW,
    PB_KRON_AXPY
} pb_kron_variant;

/* "pair", "row", "axpy"; NULL for an invalid value. */
const char *pb_kron_variant_name(pb_kron_variant v);
/* The digit width w the Kronecker paths use for these operands: one more
 * than pb_intgemm_bound_bits (every digit of every packed product is a sum of
 * at most K products, so it lies strictly inside (-2^(w-1), 2^(w-1))). */
unsigned pb_intgemm_kron_digit_bits(const pb_int_matrix *a,
                                    const pb_int_matrix *b);

/* C = A * B by Kronecker substitution, into mpz (any bound) ...
 * PB_ERR_NOMEM also when one packed integer would pass 2^31 bits (the ROW
 * product has (N + 1) K digits: 1024^3 int8 needs 2^24.7 bits). */
pb_status pb_intgemm_kron(const pb_int_matrix *a, const pb_int_matrix *b,
                          pb_kron_variant variant, mpz_t *c, size_t ldc);
/* ... or into int64 (PB_ERR_UNSUPPORTED when the bound exceeds 63 bits). */
pb_status pb_intgemm_kron_i64(const pb_int_matrix *a, const pb_int_matrix *b,
                              pb_kron_variant variant, int64_t *c, size_t ldc);

/* n initialised mpz_t (value 0); NULL when out of memory.  Free with
 * pb_mpz_array_free(p, n). */
mpz_t *pb_mpz_array_new(size_t n);
void pb_mpz_array_free(mpz_t *p, size_t n);

#endif
