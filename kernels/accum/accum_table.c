/* precbench: the table of accumulator models, and parsing/printing/dot
 * products through it.  Adding a model: one file filling a pb_accum_model
 * and one line in `models` below (plus its extern in accum_internal.h). */
#include <stdio.h>
#include <string.h>

#include "accum/accum_internal.h"
#include "scheme/spec.h"

static const pb_accum_model *const models[] = {
    &pb_accum_fp32,
    &pb_accum_fp32fma,
    &pb_accum_fp32lanes,
    &pb_accum_pairwise,
    &pb_accum_kahan,
    &pb_accum_fp64,
    &pb_accum_exact,
    &pb_accum_lowp_fp16,
    &pb_accum_lowp_bf16,
    &pb_accum_dpbf16,
    &pb_accum_int32,
    &pb_accum_tensorcore,
};

size_t pb_accum_model_count(void)
{
    return sizeof models / sizeof models[0];
}

const pb_accum_model *pb_accum_model_at(size_t i)
{
    return i < pb_accum_model_count() ? models[i] : NULL;
}

const pb_accum_model *pb_accum_model_by_name(const char *name)
{
    if (!name) return NULL;
    for (size_t i = 0; i < pb_accum_model_count(); i++)
        if (strcmp(models[i]->name, name) == 0) return models[i];
    return NULL;
}

const char *pb_accum_model_name(const pb_accum_model *m)
{
    return m ? m->name : "";
}

const char *pb_accum_model_description(const pb_accum_model *m)
{
    return m ? m->description : "";
}

const char *pb_accum_model_syntax(const pb_accum_model *m)
{
    return m ? m->syntax : "";
}

pb_accum_env pb_accum_env_default(void)
{
    pb_accum_env env;
    memset(&env, 0, sizeof env);
    env.emin_a = env.emin_b = -126;
    env.out_round = pb_rounding_default();
    return env;
}

pb_status pb_accum_parse(const char *text, pb_accum *out)
{
    if (!text || !out) return PB_ERR_ARG;
    char name[PB_SPEC_ITEM_MAX];
    const char *args;
    if (!pb_spec_split(text, name, sizeof name, &args)) return PB_ERR_PARSE;
    const pb_accum_model *m = pb_accum_model_by_name(name);
    if (!m) return PB_ERR_UNKNOWN_SCHEME;
    pb_accum acc;
    memset(&acc, 0, sizeof acc);
    acc.model = m;
    acc.round = pb_rounding_default();
    if (m->parse) {
        pb_status st = m->parse(&acc, args);
        if (st != PB_OK) return st;
    } else if (args) {
        return PB_ERR_PARSE; /* the model takes no parameters */
    }
    *out = acc;
    return PB_OK;
}

const char *pb_accum_name(const pb_accum *acc, char *buf, size_t size)
{
    if (!buf || size == 0) return "";
    if (!acc || !acc->model) {
        snprintf(buf, size, "?");
        return buf;
    }
    char params[PB_SPEC_MAX] = "";
    if (acc->model->print) acc->model->print(acc, params, sizeof params);
    if (params[0])
        snprintf(buf, size, "%s:%s", acc->model->name, params);
    else
        snprintf(buf, size, "%s", acc->model->name);
    return buf;
}

bool pb_accum_equal(const pb_accum *x, const pb_accum *y)
{
    if (x->model != y->model) return false;
    char a[PB_SPEC_MAX], b[PB_SPEC_MAX];
    return strcmp(pb_accum_name(x, a, sizeof a), pb_accum_name(y, b, sizeof b)) == 0;
}

bool pb_accum_is_wide(const pb_accum *acc)
{
    return acc && acc->model && acc->model->wide;
}

bool pb_accum_is_stochastic(const pb_accum *acc)
{
    return acc && acc->model && acc->model->stochastic &&
           acc->model->stochastic(acc);
}

bool pb_accum_needs_integers(const pb_accum *acc)
{
    return acc && acc->model && acc->model->needs_integers;
}

bool pb_accum_needs_bf16(const pb_accum *acc)
{
    return acc && acc->model && acc->model->needs_bf16;
}

double pb_accum_dot(const pb_accum *acc, const float *a, const float *b,
                    size_t n, const pb_accum_env *env)
{
    if (!acc || !acc->model || (n && (!a || !b))) return NAN;
    pb_accum_env def = pb_accum_env_default();
    return acc->model->dot(acc, a, b, n, env ? env : &def);
}

double pb_accum_dot_wide(const pb_accum *acc, const double *a,
                         const double *b, size_t n, const pb_accum_env *env)
{
    if (!acc || !acc->model || !acc->model->dot_wide || (n && (!a || !b)))
        return NAN;
    pb_accum_env def = pb_accum_env_default();
    return acc->model->dot_wide(acc, a, b, n, env ? env : &def);
}
