/* precbench reference: helpers shared by the integer GEMM paths. */
#ifndef PRECBENCH_INTGEMM_INTERNAL_H
#define PRECBENCH_INTGEMM_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "precbench/intgemm.h"

/* The integer GEMMs read and write GMP limbs and pass int64 values to the
 * *_si functions: both must be 64 bits wide. */
_Static_assert(sizeof(long) == 8, "precbench needs an LP64 target");
_Static_assert(GMP_LIMB_BITS == 64 && GMP_NAIL_BITS == 0,
               "precbench needs 64-bit GMP limbs without nails");

/* Element i (already r * ld + c) of a matrix's storage, as int64. */
static inline int64_t pb_intgemm_load(const pb_int_matrix *m, size_t i)
{
    switch (m->elem) {
    case PB_INT_ELEM_I8: return ((const int8_t *)m->data)[i];
    case PB_INT_ELEM_I16: return ((const int16_t *)m->data)[i];
    case PB_INT_ELEM_I32: return ((const int32_t *)m->data)[i];
    case PB_INT_ELEM_I64: return ((const int64_t *)m->data)[i];
    }
    return 0;
}

/* Check that A (M x K) and B (K x N) can be multiplied and that a result of
 * M x N fits with leading dimension ldc. */
pb_status pb_intgemm_check(const pb_int_matrix *a, const pb_int_matrix *b,
                           const void *c, size_t ldc);

/* Bits of k * ma * mb (0 when it is 0). */
unsigned pb_intgemm_bound_bits_of(uint64_t k, uint64_t ma, uint64_t mb);

/* Tiles of the int64 path (intgemm_i64_kernel.h): an MR x JT tile of C in
 * registers, panels of B NC columns wide and KC deep. */
#define PB_IG_MR 8
#define PB_IG_JT 32
#define PB_IG_NC 256
#define PB_IG_KC 512

void pb_intgemm_tile32_portable(size_t kc, const int32_t *a, size_t lda,
                                const int16_t *b, int32_t *acc);
void pb_intgemm_tile64_portable(size_t kc, const int64_t *a, size_t lda,
                                const int64_t *b, int64_t *acc);
void pb_intgemm_tile32_avx512(size_t kc, const int32_t *a, size_t lda,
                              const int16_t *b, int32_t *acc);
void pb_intgemm_tile64_avx512(size_t kc, const int64_t *a, size_t lda,
                              const int64_t *b, int64_t *acc);

#endif
