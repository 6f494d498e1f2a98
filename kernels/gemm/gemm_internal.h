/* precbench: internals of pb_gemm shared by its files (kernels/gemm/). */
#ifndef PRECBENCH_GEMM_INTERNAL_H
#define PRECBENCH_GEMM_INTERNAL_H

#include "gemm/gemm_fast.h"

/* The first registered kernel that runs the scheme here, or NULL. */
const pb_gemm_fast *pb_gemm_fast_find(const pb_scheme *scheme);

/* The scalar model: every element of C (gemm_model.c). */
pb_status pb_gemm_model_run(pb_gemm_job *job);

/* Input statistics of operand `which`: elements that overflowed or
 * underflowed in quantisation (gemm_operand.c). */
void pb_gemm_input_stats(const pb_gemm_job *job, int which,
                         uint64_t *overflowed, uint64_t *underflowed);

/* Compute the scales of both operands (gemm_operand.c). */
pb_status pb_gemm_prepare(pb_gemm_job *job);
void pb_gemm_release(pb_gemm_job *job);

/* Finish one element (gemm_epilogue.c): D is the value before output
 * rounding (rounded already when `rounded`). */
float pb_gemm_finish_value(pb_gemm_job *job, size_t i, size_t j, double D,
                           bool rounded, float c_old, unsigned *nonfinite);

#endif
