/* precbench: the last steps of a GEMM (docs/schemes.md, section 1, steps
 * 4-7): outer scales, output rounding, alpha and beta, canonical NaN. */
#include <math.h>
#include <string.h>

#include "gemm/gemm_internal.h"

static float canonical_nan(void)
{
    uint32_t bits = UINT32_C(0x7fc00000);
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

float pb_gemm_finish_value(pb_gemm_job *job, size_t i, size_t j, double D,
                           bool rounded, float c_old, unsigned *nonfinite)
{
    const pb_scheme *s = job->scheme;
    if (!rounded) {
        /* fp32 output with RNE leaves a binary32 value unchanged */
        bool identity = s->out->spec.kind == PB_FORMAT_KIND_FLOAT &&
                        strcmp(s->out->spec.name, "fp32") == 0 &&
                        job->out_round.mode == PB_ROUND_RNE && (double)(float)D == D;
        if (!identity)
            D = pb_format_round(s->out, D, &job->out_round,
                                (uint64_t)i * job->n + j);
    }
    float d = (float)D; /* exact: every output format fits in float */
    float c;
    if (job->beta == 0.0f) {
        c = job->alpha == 1.0f ? d : job->alpha * d;
    } else {
        float t = job->alpha == 1.0f ? d : job->alpha * d;
        float u = job->beta * c_old;
        c = t + u;
    }
    if (!isfinite(c)) (*nonfinite)++;
    if (isnan(c)) c = canonical_nan();
    return c;
}

void pb_gemm_finish_row(pb_gemm_job *job, size_t i, size_t j0, size_t j1,
                        const float *acc)
{
    const pb_scales *sa = &job->op[0].sc, *sb = &job->op[1].sc;
    float *crow = job->c + i * job->ldc;
    unsigned nonfinite = 0;
    for (size_t j = j0; j < j1; j++) {
        float tau = (float)((double)sa->outer[i] * (double)sb->outer[j]);
        float D = (float)((double)acc[j - j0] * (double)tau);
        float c_old = job->beta == 0.0f ? 0.0f : crow[j]; /* beta 0: never read C */
        crow[j] = pb_gemm_finish_value(job, i, j, D, false, c_old, &nonfinite);
    }
    if (nonfinite)
        __atomic_fetch_add(&job->outputs_nonfinite, nonfinite, __ATOMIC_RELAXED);
}
