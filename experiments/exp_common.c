/* precbench experiments: output directory, side file, progress, statistics
 * (the CSV files are in exp_csv.c). */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <omp.h>

#include "exp_common.h"
#include "precbench/format.h"

double pb_exp_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* mkdir -p: every missing component of path. */
static pb_status make_dirs(const char *path)
{
    char buf[PB_EXP_PATH_MAX];
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof buf) return PB_ERR_ARG;
    memcpy(buf, path, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (buf[i] != '/' && buf[i] != '\0') continue;
        char saved = buf[i];
        buf[i] = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST) return PB_ERR_IO;
        buf[i] = saved;
    }
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) return PB_ERR_IO;
    return PB_OK;
}

bool pb_exp_path(const pb_exp *x, const char *file, char *buf, size_t size)
{
    int n = snprintf(buf, size, "%s/%s", x->dir, file);
    return n > 0 && (size_t)n < size;
}

pb_status pb_exp_write_text(const pb_exp *x, const char *file, const char *text)
{
    char path[PB_EXP_PATH_MAX], tmp[PB_EXP_PATH_MAX + 64];
    if (!pb_exp_path(x, file, path, sizeof path)) return PB_ERR_ARG;
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f) return PB_ERR_IO;
    size_t len = strlen(text);
    bool ok = fwrite(text, 1, len, f) == len;
    ok = (fclose(f) == 0) && ok;
    if (!ok || rename(tmp, path) != 0) {
        remove(tmp);
        return PB_ERR_IO;
    }
    return PB_OK;
}

/* ---- the JSON side file ------------------------------------------------- */

/* The first line of a command's output, or NULL. */
static char *command_line(const char *cmd)
{
    FILE *p = popen(cmd, "r");
    if (!p) return NULL;
    char buf[256];
    char *line = fgets(buf, sizeof buf, p) ? strdup(buf) : NULL;
    int rc = pclose(p);
    if (line) line[strcspn(line, "\r\n")] = '\0';
    if (rc != 0) {
        free(line);
        return NULL;
    }
    return line;
}

/* `git rev-parse HEAD` when it names a commit (40 hex digits), else NULL:
 * outside a repository, without git, or before the first commit. */
static json_t *git_revision(void)
{
    char *rev = command_line("git rev-parse HEAD 2>/dev/null");
    bool ok = rev && strlen(rev) == 40 && strspn(rev, "0123456789abcdef") == 40;
    json_t *j = ok ? json_string(rev) : json_null();
    free(rev);
    return j;
}

/* Whether tracked files differ from HEAD (null when git cannot say). */
static json_t *git_dirty(void)
{
    FILE *p = popen("git status --porcelain --untracked-files=no 2>/dev/null", "r");
    if (!p) return json_null();
    char buf[256];
    bool any = fgets(buf, sizeof buf, p) != NULL;
    while (fgets(buf, sizeof buf, p)) {
    }
    int rc = pclose(p);
    return rc == 0 ? json_boolean(any) : json_null();
}

static pb_status write_meta(pb_exp *x, const char *status, const char *message)
{
    json_t *root = json_object();
    json_object_set_new(root, "experiment", json_string(x->e->name));
    json_object_set_new(root, "description", json_string(x->e->description));
    json_object_set_new(root, "mode", json_string(x->full ? "full" : "quick"));
    json_object_set_new(root, "seed", json_integer((json_int_t)x->o.seed));
    if (!x->full) json_object_set_new(root, "reduce", json_integer((json_int_t)x->o.reduce));
    json_object_set_new(root, "status", json_string(status));
    if (message) json_object_set_new(root, "message", json_string(message));
    json_object_set_new(root, "git_revision", git_revision());
    json_object_set_new(root, "git_dirty", git_dirty());
    char date[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm);
    json_object_set_new(root, "date_utc", json_string(date));
    json_object_set_new(root, "elapsed_s", json_real(pb_exp_now() - x->t0));
    json_object_set_new(root, "threads", json_integer(omp_get_max_threads()));
    json_object_set_new(root, "convert_backend", json_string(pb_convert_backend()));
    json_t *outs = json_array();
    char words[512];
    snprintf(words, sizeof words, "%s", x->e->outputs);
    for (char *save = NULL, *w = strtok_r(words, " ", &save); w; w = strtok_r(NULL, " ", &save))
        json_array_append_new(outs, json_string(w));
    json_object_set_new(root, "outputs", outs);
    /* The command that reproduces this run (reduce > 1 only comes from the
     * tests, through the library). */
    char cmd[PB_EXP_PATH_MAX + 256];
    int n = snprintf(cmd, sizeof cmd, "bin/precbench experiment %s%s", x->e->name, x->full ? "" : " --quick");
    if (x->o.seed != PB_EXPERIMENT_DEFAULT_SEED)
        n += snprintf(cmd + n, sizeof cmd - (size_t)n, " --seed %llu", (unsigned long long)x->o.seed);
    if (x->o.out_dir) snprintf(cmd + n, sizeof cmd - (size_t)n, " --out %s", x->o.out_dir);
    json_object_set_new(root, "command", json_string(cmd));
    json_object_set(root, "parameters", x->params);
    json_object_set(root, "notes", x->notes);

    char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (!text) return PB_ERR_NOMEM;
    size_t len = strlen(text);
    char *withnl = malloc(len + 2);
    if (!withnl) {
        free(text);
        return PB_ERR_NOMEM;
    }
    memcpy(withnl, text, len);
    withnl[len] = '\n';
    withnl[len + 1] = '\0';
    free(text);
    char file[256];
    snprintf(file, sizeof file, "%s.json", x->e->name);
    pb_status st = pb_exp_write_text(x, file, withnl);
    free(withnl);
    return st;
}

pb_status pb_exp_write_meta(pb_exp *x)
{
    return write_meta(x, "running", NULL);
}

void pb_exp_param_int(pb_exp *x, const char *key, long long v)
{
    json_object_set_new(x->params, key, json_integer((json_int_t)v));
}

void pb_exp_param_real(pb_exp *x, const char *key, double v)
{
    json_object_set_new(x->params, key, isfinite(v) ? json_real(v) : json_null());
}

void pb_exp_param_str(pb_exp *x, const char *key, const char *v)
{
    json_object_set_new(x->params, key, v ? json_string(v) : json_null());
}

void pb_exp_param_list(pb_exp *x, const char *key, const char *words)
{
    json_t *a = json_array();
    size_t n = strlen(words);
    char *copy = malloc(n + 1);
    if (copy) {
        memcpy(copy, words, n + 1);
        for (char *save = NULL, *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save))
            json_array_append_new(a, json_string(w));
        free(copy);
    }
    json_object_set_new(x->params, key, a);
}

void pb_exp_note(pb_exp *x, const char *text)
{
    json_array_append_new(x->notes, json_string(text));
}

/* ---- begin / finish --------------------------------------------------------- */

/* Whether the side file left in the directory is a full run's with the
 * same seed: only then are its CSV files resumed (a quick run's points, or
 * another seed's, must not stand in for this run's). */
static bool earlier_run_matches(const pb_exp *x)
{
    char file[256], path[PB_EXP_PATH_MAX];
    snprintf(file, sizeof file, "%s.json", x->e->name);
    if (!pb_exp_path(x, file, path, sizeof path)) return false;
    json_t *old = json_load_file(path, 0, NULL);
    if (!old) return false;
    const char *mode = json_string_value(json_object_get(old, "mode"));
    json_t *seed = json_object_get(old, "seed");
    bool ok = mode && strcmp(mode, "full") == 0 && json_is_integer(seed) &&
              (uint64_t)json_integer_value(seed) == x->o.seed;
    json_decref(old);
    return ok;
}

pb_status pb_exp_begin(pb_exp *x, const pb_experiment *e, const pb_experiment_opts *o)
{
    memset(x, 0, sizeof *x);
    if (!e || !o || o->reduce < 1) return PB_ERR_ARG;
    if (o->mode != PB_EXPERIMENT_QUICK && o->mode != PB_EXPERIMENT_FULL) return PB_ERR_ARG;
    x->e = e;
    x->o = *o;
    x->full = o->mode == PB_EXPERIMENT_FULL;
    int n = o->out_dir ? snprintf(x->dir, sizeof x->dir, "%s", o->out_dir)
                       : snprintf(x->dir, sizeof x->dir, "results/%s", e->name);
    if (n <= 0 || (size_t)n >= sizeof x->dir) return PB_ERR_ARG;
    while (n > 1 && x->dir[n - 1] == '/') x->dir[--n] = '\0';
    pb_status st = make_dirs(x->dir);
    if (st != PB_OK) return st;
    x->params = json_object();
    x->notes = json_array();
    if (!x->params || !x->notes) {
        json_decref(x->params);
        json_decref(x->notes);
        return PB_ERR_NOMEM;
    }
    x->t0 = pb_exp_now();
    x->last_print = -1.0;
    x->resumable = x->full && earlier_run_matches(x);
    if (x->full && !x->resumable)
        pb_exp_note(x, "started afresh: no earlier full run with this seed in the directory");
    st = pb_exp_write_meta(x);
    if (st != PB_OK) {
        json_decref(x->params);
        json_decref(x->notes);
    }
    return st;
}

pb_status pb_exp_finish(pb_exp *x, pb_status st)
{
    pb_status meta = write_meta(x, st == PB_OK ? "complete" : "interrupted",
                                st == PB_OK ? NULL : pb_status_message(st));
    if (x->o.progress && x->last_print >= 0.0) {
        fprintf(x->o.progress, "\r%-16s done in %.1f s%40s\n", x->e->name, pb_exp_now() - x->t0, "");
        fflush(x->o.progress);
    }
    json_decref(x->params);
    json_decref(x->notes);
    x->params = x->notes = NULL;
    return st != PB_OK ? st : meta;
}

size_t pb_exp_pick(const pb_exp *x, size_t quick, size_t full)
{
    return x->full ? full : quick;
}

size_t pb_exp_sample(const pb_exp *x, size_t n, size_t min)
{
    if (x->full) return n;
    size_t r = n / (x->o.reduce ? x->o.reduce : 1);
    return r < min ? min : r;
}

/* ---- progress ------------------------------------------------------------------ */

static void format_duration(char *buf, size_t size, double s)
{
    if (!isfinite(s) || s < 0) snprintf(buf, size, "?");
    else if (s < 90) snprintf(buf, size, "%.0f s", s);
    else if (s < 5400) snprintf(buf, size, "%.1f min", s / 60);
    else snprintf(buf, size, "%.1f h", s / 3600);
}

static void progress_print(pb_exp *x, bool force)
{
    if (!x->o.progress) return;
    double now = pb_exp_now();
    if (!force && x->last_print >= 0.0 && now - x->last_print < 0.25) return;
    x->last_print = now;
    double all = x->work_done + x->work_skipped;
    double frac = x->work_total > 0 ? all / x->work_total : 0.0;
    if (frac > 1.0) frac = 1.0;
    double elapsed = now - x->t0;
    double left = x->work_done > 0 ? (x->work_total - all) * elapsed / x->work_done : NAN;
    char e[32], l[32];
    format_duration(e, sizeof e, elapsed);
    format_duration(l, sizeof l, left);
    fprintf(x->o.progress, "\r%-16s %5.1f%%  elapsed %s, about %s left%s    ", x->e->name,
            100.0 * frac, e, l, x->work_skipped > 0 ? " (resumed)" : "");
    fflush(x->o.progress);
}

void pb_exp_progress_total(pb_exp *x, double total)
{
    x->work_total = total;
    progress_print(x, true);
}

void pb_exp_progress_done(pb_exp *x, double work)
{
    x->work_done += work;
    progress_print(x, false);
}

void pb_exp_progress_skipped(pb_exp *x, double work)
{
    x->work_skipped += work;
    progress_print(x, false);
}

/* ---- numbers ------------------------------------------------------------------- */

pb_exp_num pb_exp_g(double v)
{
    pb_exp_num n;
    if (isnan(v)) snprintf(n.s, sizeof n.s, "NaN");
    else if (isinf(v)) snprintf(n.s, sizeof n.s, v > 0 ? "inf" : "-inf");
    else snprintf(n.s, sizeof n.s, "%.9g", v);
    return n;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    /* NaN sorts last. */
    if (isnan(x)) return isnan(y) ? 0 : 1;
    if (isnan(y)) return -1;
    return (x > y) - (x < y);
}

double pb_exp_median(double *v, size_t n)
{
    if (n == 0) return NAN;
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

double pb_exp_quantile(double *v, size_t n, double q)
{
    if (n == 0) return NAN;
    qsort(v, n, sizeof *v, cmp_double);
    double r = ceil(q * (double)n);
    size_t i = r < 1 ? 0 : (size_t)r - 1;
    return v[i < n ? i : n - 1];
}

double pb_exp_max(const double *v, size_t n)
{
    double m = n ? v[0] : NAN;
    for (size_t i = 1; i < n; i++)
        if (v[i] > m || isnan(v[i])) m = v[i];
    return m;
}

double pb_exp_mean(const double *v, size_t n)
{
    if (n == 0) return NAN;
    double s = 0;
    for (size_t i = 0; i < n; i++) s += v[i];
    return s / (double)n;
}

double pb_exp_unit_roundoff(const char *format)
{
    const pb_format *f = pb_format_by_name(format);
    return f ? ldexp(1.0, -(f->spec.man_bits + 1)) : NAN;
}

double pb_exp_gamma(double n, double u)
{
    double nu = n * u;
    return nu >= 1.0 ? INFINITY : nu / (1.0 - nu);
}
