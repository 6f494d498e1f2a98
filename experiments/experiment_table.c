/* precbench experiments: the table.  One line per experiment; each is one
 * file experiments/exp_<name>.c defining its descriptor. */
#include <string.h>

#include "precbench/experiment.h"

extern const pb_experiment pb_experiment_accum_error;
extern const pb_experiment pb_experiment_drift;
extern const pb_experiment pb_experiment_sr;
extern const pb_experiment pb_experiment_qsnr;
extern const pb_experiment pb_experiment_loss_scaling;
extern const pb_experiment pb_experiment_tensorcore;
extern const pb_experiment pb_experiment_strassen_split;

static const pb_experiment *const table[] = {
    &pb_experiment_accum_error,
    &pb_experiment_drift,
    &pb_experiment_sr,
    &pb_experiment_qsnr,
    &pb_experiment_loss_scaling,
    &pb_experiment_tensorcore,
    &pb_experiment_strassen_split,
};

size_t pb_experiment_count(void)
{
    return sizeof table / sizeof table[0];
}

const pb_experiment *pb_experiment_at(size_t i)
{
    return i < pb_experiment_count() ? table[i] : NULL;
}

const pb_experiment *pb_experiment_by_name(const char *name)
{
    for (size_t i = 0; name && i < pb_experiment_count(); i++)
        if (strcmp(table[i]->name, name) == 0) return table[i];
    return NULL;
}

pb_experiment_opts pb_experiment_opts_default(void)
{
    pb_experiment_opts o = {PB_EXPERIMENT_QUICK, NULL, PB_EXPERIMENT_DEFAULT_SEED, 1, NULL};
    return o;
}

pb_status pb_experiment_run(const pb_experiment *e, const pb_experiment_opts *opts)
{
    if (!e || !e->run) return PB_ERR_ARG;
    pb_experiment_opts o = opts ? *opts : pb_experiment_opts_default();
    if (o.reduce < 1) return PB_ERR_ARG;
    return e->run(e, &o);
}
