/* precbench experiment: run one experiment of the table
 * (precbench/experiment.h), or list them. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "precbench/experiment.h"

static const char *cmd = "experiment";

static void usage(FILE *out)
{
    fprintf(out,
            "usage: precbench experiment NAME [--quick] [--out DIR] [--seed S] [--no-progress]\n"
            "       precbench experiment --list\n"
            "\n"
            "Runs one experiment: CSV files and a JSON side file (parameters, seed, git\n"
            "revision) in results/NAME/, or DIR.  The figures are drawn from them by\n"
            "`make plots` (docs/figures.md).\n"
            "\n"
            "  --quick         small sizes (seconds; what CI runs).  Without it: the full\n"
            "                  sizes of the figures, which resume an interrupted run: points\n"
            "                  already in DIR from a full run with the same seed are kept\n"
            "  --out DIR       output directory (default results/NAME)\n"
            "  --seed S        data and stochastic-rounding seed (default %d)\n"
            "  --no-progress   no progress line (it is shown only on a terminal anyway)\n"
            "  --list          the experiments, one per line: name and description\n"
            "  -h, --help      this text\n",
            PB_EXPERIMENT_DEFAULT_SEED);
}

static void list(FILE *out)
{
    for (size_t i = 0; i < pb_experiment_count(); i++) {
        const pb_experiment *e = pb_experiment_at(i);
        fprintf(out, "%-16s %s\n", e->name, e->description);
    }
}

int pb_cmd_experiment(int argc, char **argv)
{
    const char *name = NULL;
    pb_experiment_opts o = pb_experiment_opts_default();
    o.mode = PB_EXPERIMENT_FULL;
    bool progress = true;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (pb_cli_is_help(a)) {
            usage(stdout);
            return PB_EXIT_OK;
        } else if (strcmp(a, "--list") == 0) {
            list(stdout);
            return PB_EXIT_OK;
        } else if (strcmp(a, "--quick") == 0) {
            o.mode = PB_EXPERIMENT_QUICK;
        } else if (strcmp(a, "--no-progress") == 0) {
            progress = false;
        } else if (strcmp(a, "--out") == 0 || strcmp(a, "--seed") == 0) {
            if (i + 1 >= argc) return pb_cli_error(cmd, "%s needs a value", a);
            const char *v = argv[++i];
            if (strcmp(a, "--out") == 0) {
                if (!*v) return pb_cli_error(cmd, "--out needs a directory");
                o.out_dir = v;
            } else if (!pb_cli_parse_u64(v, &o.seed)) {
                return pb_cli_error(cmd, "bad --seed '%s' (an unsigned integer)", v);
            }
        } else if (a[0] == '-') {
            return pb_cli_error(cmd, "unknown option '%s' (try: precbench experiment --help)", a);
        } else if (name) {
            return pb_cli_error(cmd, "one experiment at a time ('%s' and '%s')", name, a);
        } else {
            name = a;
        }
    }
    if (!name) return pb_cli_error(cmd, "no experiment named (try: precbench experiment --list)");
    const pb_experiment *e = pb_experiment_by_name(name);
    if (!e) return pb_cli_error(cmd, "unknown experiment '%s' (try: precbench experiment --list)", name);
    if (progress && isatty(fileno(stderr))) o.progress = stderr;

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pb_status st = pb_experiment_run(e, &o);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (st != PB_OK) {
        fprintf(stderr, "precbench %s: %s: %s\n", cmd, name, pb_status_message(st));
        return PB_EXIT_FAILED;
    }
    double s = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    char dir[1024];
    if (o.out_dir) snprintf(dir, sizeof dir, "%s", o.out_dir);
    else snprintf(dir, sizeof dir, "results/%s", name);
    printf("%s (%s, %.1f s): %s: %s %s.json\n", name, o.mode == PB_EXPERIMENT_FULL ? "full" : "quick", s,
           dir, e->outputs, name);
    return PB_EXIT_OK;
}
