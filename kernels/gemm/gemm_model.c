/* precbench: the scalar model of pb_gemm, the definition of every scheme
 * (docs/schemes.md, section 1).  Each operand is quantised once into a
 * buffer of rows along K, then every output is one call of the
 * accumulator model per scale block: a direct transcription of the
 * definition, parallel over rows of C (outputs are independent, so the
 * result does not depend on the thread count). */
#include <math.h>
#include <stdlib.h>

#include "accum/accum_internal.h"
#include "gemm/gemm_internal.h"

/* Dequantised values q * blk * outer, exact in binary64 (at most 24 + 8 +
 * 24 significant bits), for the wide accumulators. */
static double *dequantise(const pb_gemm_job *job, int which, const float *q)
{
    const pb_gemm_operand *op = &job->op[which];
    size_t cells = op->rows * op->k;
    double *w = malloc((cells ? cells : 1) * sizeof *w);
    if (!w) return NULL;
    for (size_t r = 0; r < op->rows; r++)
        for (size_t kk = 0; kk < op->k; kk++) {
            double v = (double)q[r * op->k + kk];
            if (op->sc.blk)
                v *= (double)op->sc.blk[r * op->sc.nblocks + kk / op->sc.block];
            v *= (double)op->sc.outer[r];
            w[r * op->k + kk] = v;
        }
    return w;
}

/* The narrow accumulator value of output (i, j): section 1, step 4. */
static float narrow_acc(const pb_gemm_job *job, const float *qa,
                        const float *qb, size_t i, size_t j)
{
    const pb_accum *acc = &job->scheme->acc;
    size_t K = job->k;
    if (!job->block) {
        pb_accum_env env = pb_gemm_accum_env(job, i, j, 0);
        return (float)pb_accum_dot(acc, qa, qb, K, &env);
    }
    float s = 0.0f;
    for (size_t b = 0; b < job->nblocks; b++) {
        size_t k0 = b * job->block;
        size_t len = K - k0 < job->block ? K - k0 : job->block;
        pb_accum_env env = pb_gemm_accum_env(job, i, j, k0);
        float partial = (float)pb_accum_dot(acc, qa + k0, qb + k0, len, &env);
        s = fmaf(partial, pb_gemm_block_factor(job, i, j, b), s);
    }
    return s;
}

pb_status pb_gemm_model_run(pb_gemm_job *job)
{
    size_t M = job->m, N = job->n, K = job->k;
    float *q[2] = {NULL, NULL};
    double *w[2] = {NULL, NULL};
    bool wide = pb_accum_is_wide(&job->scheme->acc);
    pb_status st = PB_OK;
    for (int which = 0; which < 2; which++) {
        const pb_gemm_operand *op = &job->op[which];
        size_t cells = op->rows * K;
        q[which] = malloc((cells ? cells : 1) * sizeof *q[which]);
        if (!q[which]) {
            st = PB_ERR_NOMEM;
            goto done;
        }
#pragma omp parallel for schedule(static) num_threads(job->threads)
        for (size_t r = 0; r < op->rows; r++)
            pb_gemm_quantise(job, which, r, r + 1, 0, K, q[which] + r * K, K);
        if (wide) {
            w[which] = dequantise(job, which, q[which]);
            if (!w[which]) {
                st = PB_ERR_NOMEM;
                goto done;
            }
        }
    }

#pragma omp parallel num_threads(job->threads)
    {
        float *accrow = malloc((N ? N : 1) * sizeof *accrow);
#pragma omp for schedule(dynamic, 1)
        for (size_t i = 0; i < M; i++) {
            if (wide) {
                /* wide: one call over all K of the dequantised values */
                unsigned nonfinite = 0;
                bool exact = job->scheme->acc.model == &pb_accum_exact;
                float *crow = job->c + i * job->ldc;
                for (size_t j = 0; j < N; j++) {
                    pb_accum_env env = pb_gemm_accum_env(job, i, j, 0);
                    double D = pb_accum_dot_wide(&job->scheme->acc, w[0] + i * K,
                                                 w[1] + j * K, K, &env);
                    float c_old = job->beta == 0.0f ? 0.0f : crow[j];
                    crow[j] = pb_gemm_finish_value(job, i, j, D, exact, c_old,
                                                   &nonfinite);
                }
                if (nonfinite)
                    __atomic_fetch_add(&job->outputs_nonfinite, nonfinite,
                                       __ATOMIC_RELAXED);
            } else if (accrow) {
                for (size_t j = 0; j < N; j++)
                    accrow[j] = narrow_acc(job, q[0] + i * K, q[1] + j * K, i, j);
                pb_gemm_finish_row(job, i, 0, N, accrow);
            }
        }
        if (!wide && !accrow) {
#pragma omp atomic write
            st = PB_ERR_NOMEM;
        }
        free(accrow);
    }

done:
    for (int which = 0; which < 2; which++) {
        free(q[which]);
        free(w[which]);
    }
    return st;
}
