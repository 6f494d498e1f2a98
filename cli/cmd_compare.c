/* precbench compare OLD.json NEW.json: compare two Google Benchmark runs.
 *
 * For every benchmark in both files: the median (or, --statistic min, the
 * fastest) real time of its repetitions in each, the speed ratio old/new (> 1: NEW is faster), and a
 * verdict that takes the noise into account.  The noise of a side is half
 * the relative range of its repetitions ((max - min) / (2 median)), or
 * 2 stddev / median when the file holds only aggregates, or 0 for a single
 * run; a change counts only when it exceeds the sum of both sides' noise and
 * the --tolerance (default 5%).
 *
 * --relative-to BASE compares ratios instead of times: each benchmark named
 * G/S/m:../n:../k:../threads:.. is divided by BASE/m:../n:../k:../threads:..
 * of the same file (e.g. blas/sgemm), which removes the speed of the machine;
 * the base's own noise is added to the benchmark's.
 * --fail-below R exits 1 when a benchmark's speed ratio is below R (e.g. 0.5:
 * more than twice as slow) and the drop is beyond the noise.  Bad input (unreadable or malformed JSON, a
 * filter that matches nothing, bad options) exits 2.
 *
 * JSON is read with jansson; the files are Google Benchmark's JSON output
 * (--benchmark_out, or the files make bench writes under results/bench).
 */
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"

static const char *const CMD = "compare";

typedef struct bench_entry {
    char *name;       /* run_name */
    double *samples;  /* real times in ns, one per repetition */
    size_t count, cap;
    double agg_median, agg_stddev; /* from aggregates, NaN when absent */
    bool failed;
} bench_entry;

typedef struct bench_file {
    bench_entry *entries;
    size_t count, cap;
} bench_file;

/* The result of one side: a time (or a relative time) and its noise. */
typedef struct measure {
    double value, noise;
    size_t reps;
    bool ok;
} measure;

static void usage(FILE *out)
{
    fprintf(out,
            "usage: precbench compare [OPTIONS] OLD.json NEW.json\n"
            "\n"
            "Compares two Google Benchmark JSON files benchmark by benchmark: median real\n"
            "time of the repetitions, speed ratio old/new (> 1: NEW is faster), and a\n"
            "verdict (faster, slower, same) that counts a change only beyond the noise\n"
            "of the repetitions plus the tolerance.\n"
            "\n"
            "options:\n"
            "  --filter REGEX       only benchmarks whose name matches (POSIX extended)\n"
            "  --relative-to BASE   compare each GEMM benchmark's time relative to BASE on\n"
            "                       the same shape in the same file (e.g. blas/sgemm)\n"
            "  --tolerance T        smallest relative change that counts (default 0.05)\n"
            "  --statistic S        median (default) or min: the fastest repetition, for\n"
            "                       a machine where other work slows some of them down\n"
            "  --fail-below R       exit 1 if a speed ratio is below R (e.g. 0.5) and the\n"
            "                       drop is beyond the noise\n"
            "\n"
            "exit status: 0 done, 1 a ratio below --fail-below, 2 bad input\n");
}

static void file_free(bench_file *f)
{
    for (size_t i = 0; i < f->count; i++) {
        free(f->entries[i].name);
        free(f->entries[i].samples);
    }
    free(f->entries);
    f->entries = NULL;
    f->count = f->cap = 0;
}

static bench_entry *file_find(const bench_file *f, const char *name)
{
    for (size_t i = 0; i < f->count; i++)
        if (strcmp(f->entries[i].name, name) == 0) return &f->entries[i];
    return NULL;
}

static bench_entry *file_get(bench_file *f, const char *name)
{
    bench_entry *e = file_find(f, name);
    if (e) return e;
    if (f->count == f->cap) {
        size_t cap = f->cap ? 2 * f->cap : 64;
        bench_entry *bigger = realloc(f->entries, cap * sizeof *bigger);
        if (!bigger) return NULL;
        f->entries = bigger;
        f->cap = cap;
    }
    e = &f->entries[f->count];
    memset(e, 0, sizeof *e);
    e->name = strdup(name);
    if (!e->name) return NULL;
    e->agg_median = e->agg_stddev = NAN;
    f->count++;
    return e;
}

static bool entry_add(bench_entry *e, double t)
{
    if (e->count == e->cap) {
        size_t cap = e->cap ? 2 * e->cap : 8;
        double *bigger = realloc(e->samples, cap * sizeof *bigger);
        if (!bigger) return false;
        e->samples = bigger;
        e->cap = cap;
    }
    e->samples[e->count++] = t;
    return true;
}

/* Nanoseconds per unit of Google Benchmark's "time_unit"; 0 if unknown. */
static double unit_ns(const char *unit)
{
    if (!unit || strcmp(unit, "ns") == 0) return 1;
    if (strcmp(unit, "us") == 0) return 1e3;
    if (strcmp(unit, "ms") == 0) return 1e6;
    if (strcmp(unit, "s") == 0) return 1e9;
    return 0;
}

/* Load a Google Benchmark JSON file.  Returns 0, or 2 after a message. */
static int load(const char *path, bench_file *out)
{
    json_error_t err;
    json_t *doc = json_load_file(path, 0, &err);
    if (!doc) {
        if (err.line <= 0)
            return pb_cli_error(CMD, "cannot read '%s': %s", path, err.text);
        return pb_cli_error(CMD, "'%s' is not valid JSON (line %d: %s)", path, err.line,
                            err.text);
    }
    json_t *runs = json_object_get(doc, "benchmarks");
    if (!json_is_array(runs)) {
        json_decref(doc);
        return pb_cli_error(CMD, "'%s' is not Google Benchmark output (no \"benchmarks\" array)",
                            path);
    }
    size_t i;
    json_t *run;
    json_array_foreach(runs, i, run) {
        const char *name = json_string_value(json_object_get(run, "run_name"));
        if (!name) name = json_string_value(json_object_get(run, "name"));
        json_t *rt = json_object_get(run, "real_time");
        const char *type = json_string_value(json_object_get(run, "run_type"));
        const char *agg = json_string_value(json_object_get(run, "aggregate_name"));
        double scale = unit_ns(json_string_value(json_object_get(run, "time_unit")));
        if (!json_is_object(run) || !name || scale == 0) {
            json_decref(doc);
            file_free(out);
            return pb_cli_error(CMD, "'%s': benchmark %zu has no name or an unknown time_unit",
                                path, i);
        }
        bench_entry *e = file_get(out, name);
        if (!e) {
            json_decref(doc);
            file_free(out);
            return pb_cli_error(CMD, "out of memory reading '%s'", path);
        }
        if (json_is_true(json_object_get(run, "error_occurred"))) {
            e->failed = true;
            continue;
        }
        if (!json_is_number(rt)) {
            json_decref(doc);
            file_free(out);
            return pb_cli_error(CMD, "'%s': benchmark '%s' has no real_time", path, name);
        }
        double t = json_number_value(rt) * scale;
        if (type && strcmp(type, "aggregate") == 0) {
            if (agg && strcmp(agg, "median") == 0) e->agg_median = t;
            if (agg && strcmp(agg, "stddev") == 0) e->agg_stddev = t;
        } else if (!entry_add(e, t)) {
            json_decref(doc);
            file_free(out);
            return pb_cli_error(CMD, "out of memory reading '%s'", path);
        }
    }
    json_decref(doc);
    if (out->count == 0) return pb_cli_error(CMD, "'%s' holds no benchmarks", path);
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Which repetition stands for a benchmark: the median, or the fastest
 * (robust when other work on the machine slows some repetitions down). */
static bool use_min;

static measure measure_of(const bench_entry *e)
{
    measure m = {NAN, 0, 0, false};
    if (!e || e->failed) return m;
    if (e->count > 0) {
        double *s = malloc(e->count * sizeof *s);
        if (!s) return m;
        memcpy(s, e->samples, e->count * sizeof *s);
        qsort(s, e->count, sizeof *s, cmp_double);
        size_t h = e->count / 2;
        m.value = use_min ? s[0] : e->count % 2 ? s[h] : 0.5 * (s[h - 1] + s[h]);
        m.noise = m.value > 0 ? (s[e->count - 1] - s[0]) / (2 * m.value) : 0;
        m.reps = e->count;
        free(s);
    } else if (!isnan(e->agg_median)) {
        m.value = e->agg_median;
        m.noise = (!isnan(e->agg_stddev) && m.value > 0) ? 2 * e->agg_stddev / m.value : 0;
        m.reps = 2;
    } else {
        return m;
    }
    m.ok = m.value > 0 && isfinite(m.value);
    return m;
}

/* The part of a name from its "/m:" component on ("" if none). */
static const char *shape_suffix(const char *name)
{
    const char *p = strstr(name, "/m:");
    return p ? p : "";
}

/* The measure of `name` in f, relative to base (if any). */
static measure measure_in(const bench_file *f, const char *name, const char *base,
                          bool *no_base)
{
    measure m = measure_of(file_find(f, name));
    *no_base = false;
    if (!base || !m.ok) return m;
    const char *suffix = shape_suffix(name);
    size_t len = strlen(base) + strlen(suffix) + 1;
    char *bname = malloc(len);
    if (!bname) {
        m.ok = false;
        return m;
    }
    snprintf(bname, len, "%s%s", base, suffix);
    measure b = *suffix ? measure_of(file_find(f, bname)) : (measure){NAN, 0, 0, false};
    free(bname);
    if (!b.ok) {
        *no_base = true;
        m.ok = false;
        return m;
    }
    m.value /= b.value;
    m.noise += b.noise;
    return m;
}

static void print_time(char *buf, size_t size, double ns, bool relative)
{
    if (relative)
        snprintf(buf, size, "%.4gx", 1 / ns); /* speed relative to the base */
    else if (ns >= 1e9)
        snprintf(buf, size, "%.4g s", ns / 1e9);
    else if (ns >= 1e6)
        snprintf(buf, size, "%.4g ms", ns / 1e6);
    else if (ns >= 1e3)
        snprintf(buf, size, "%.4g us", ns / 1e3);
    else
        snprintf(buf, size, "%.4g ns", ns);
}

/* Is `name` the base itself (BASE/m:...)? */
static bool is_base(const char *name, const char *base)
{
    if (!base) return false;
    size_t n = strlen(base);
    return strncmp(name, base, n) == 0 && strncmp(name + n, "/m:", 3) == 0;
}

int pb_cmd_compare(int argc, char **argv)
{
    const char *filter = NULL, *base = NULL, *paths[2] = {NULL, NULL};
    double tolerance = 0.05, fail_below = 0;
    int npaths = 0;
    use_min = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (pb_cli_is_help(a)) {
            usage(stdout);
            return PB_EXIT_OK;
        }
        bool takes = strcmp(a, "--filter") == 0 || strcmp(a, "--relative-to") == 0 ||
                     strcmp(a, "--tolerance") == 0 || strcmp(a, "--fail-below") == 0 ||
                     strcmp(a, "--statistic") == 0;
        if (takes) {
            if (i + 1 >= argc) return pb_cli_error(CMD, "%s needs a value", a);
            const char *v = argv[++i];
            if (strcmp(a, "--filter") == 0) {
                filter = v;
            } else if (strcmp(a, "--relative-to") == 0) {
                if (!*v) return pb_cli_error(CMD, "--relative-to needs a benchmark name");
                base = v;
            } else if (strcmp(a, "--statistic") == 0) {
                if (strcmp(v, "median") != 0 && strcmp(v, "min") != 0)
                    return pb_cli_error(CMD, "bad --statistic '%s' (median or min)", v);
                use_min = strcmp(v, "min") == 0;
            } else if (strcmp(a, "--tolerance") == 0) {
                if (!pb_cli_parse_double(v, &tolerance) || !(tolerance >= 0) || tolerance > 10)
                    return pb_cli_error(CMD, "bad --tolerance '%s' (a number in [0, 10])", v);
            } else if (!pb_cli_parse_double(v, &fail_below) || !(fail_below >= 0)) {
                return pb_cli_error(CMD, "bad --fail-below '%s' (a ratio >= 0)", v);
            }
        } else if (a[0] == '-' && a[1] != '\0') {
            return pb_cli_error(CMD, "unknown option '%s' (try: precbench compare --help)", a);
        } else if (npaths < 2) {
            paths[npaths++] = a;
        } else {
            return pb_cli_error(CMD, "too many arguments (expected OLD.json NEW.json)");
        }
    }
    if (npaths != 2) return pb_cli_error(CMD, "expected OLD.json NEW.json (try --help)");

    regex_t re;
    if (filter) {
        int rc = regcomp(&re, filter, REG_EXTENDED | REG_NOSUB);
        if (rc != 0) {
            char msg[128];
            regerror(rc, &re, msg, sizeof msg);
            return pb_cli_error(CMD, "bad --filter '%s': %s", filter, msg);
        }
    }
    bench_file files[2] = {{NULL, 0, 0}, {NULL, 0, 0}};
    int status = load(paths[0], &files[0]);
    if (status == 0) status = load(paths[1], &files[1]);
    if (status != 0) {
        if (filter) regfree(&re);
        file_free(&files[0]);
        file_free(&files[1]);
        return status;
    }

    /* Names in OLD's order, then those only in NEW. */
    size_t total = files[0].count + files[1].count, nnames = 0;
    const char **names = malloc(total * sizeof *names);
    if (!names) {
        if (filter) regfree(&re);
        file_free(&files[0]);
        file_free(&files[1]);
        return pb_cli_error(CMD, "out of memory");
    }
    for (int f = 0; f < 2; f++)
        for (size_t i = 0; i < files[f].count; i++) {
            const char *n = files[f].entries[i].name;
            if (f == 1 && file_find(&files[0], n)) continue;
            if (filter && regexec(&re, n, 0, NULL, 0) != 0) continue;
            names[nnames++] = n;
        }
    if (filter) regfree(&re);
    if (nnames == 0) {
        free(names);
        file_free(&files[0]);
        file_free(&files[1]);
        return pb_cli_error(CMD, "no benchmark matches filter '%s'", filter ? filter : "");
    }

    int width = 9;
    for (size_t i = 0; i < nnames; i++)
        if ((int)strlen(names[i]) > width) width = (int)strlen(names[i]);
    printf("%-*s %12s %12s %8s %7s  %s\n", width, "benchmark", base ? "old speed" : "old time",
           base ? "new speed" : "new time", "new/old", "noise", "verdict");
    if (base) printf("(speed: relative to %s on the same shape; new/old > 1: faster)\n", base);
    size_t faster = 0, slower = 0, same = 0, only_old = 0, only_new = 0, unusable = 0, failing = 0;
    for (size_t i = 0; i < nnames; i++) {
        const char *n = names[i];
        if (base && is_base(n, base)) continue;
        bool nb0, nb1;
        measure o = measure_in(&files[0], n, base, &nb0);
        measure w = measure_in(&files[1], n, base, &nb1);
        bool in_old = file_find(&files[0], n) != NULL, in_new = file_find(&files[1], n) != NULL;
        char ob[32] = "-", nbuf[32] = "-";
        if (o.ok) print_time(ob, sizeof ob, o.value, base != NULL);
        if (w.ok) print_time(nbuf, sizeof nbuf, w.value, base != NULL);
        if (!in_old || !in_new) {
            printf("%-*s %12s %12s %8s %7s  %s\n", width, n, ob, nbuf, "", "",
                   in_old ? "gone (only in OLD)" : "new (only in NEW)");
            if (in_old) only_old++; else only_new++;
            continue;
        }
        if (!o.ok || !w.ok) {
            const char *why = (nb0 || nb1) ? "no base on this shape"
                                           : "failed or no time in one file";
            printf("%-*s %12s %12s %8s %7s  %s\n", width, n, ob, nbuf, "", "", why);
            unusable++;
            continue;
        }
        double speed = o.value / w.value; /* > 1: NEW takes less time */
        double noise = o.noise + w.noise;
        if (noise < tolerance) noise = tolerance;
        const char *verdict = "same (within noise)";
        if (speed > 1 + noise) {
            verdict = "faster";
            faster++;
        } else if (speed < 1 / (1 + noise)) {
            verdict = "slower";
            slower++;
        } else {
            same++;
        }
        /* Only a drop that is both beyond the noise and below the ratio
         * fails: on a noisy machine a single wild repetition must not. */
        bool fail = fail_below > 0 && speed < fail_below && speed < 1 / (1 + noise);
        if (fail) failing++;
        char nz[16];
        snprintf(nz, sizeof nz, "%.1f%%", 100 * noise);
        printf("%-*s %12s %12s %7.3fx %7s  %s%s\n", width, n, ob, nbuf, speed, nz, verdict,
               fail ? "  FAIL (below --fail-below)" : "");
    }
    printf("\n%zu faster, %zu slower, %zu same, %zu new, %zu gone, %zu not comparable\n", faster,
           slower, same, only_new, only_old, unusable);
    if (failing)
        printf("%zu benchmark%s below the --fail-below ratio %g\n", failing,
               failing == 1 ? "" : "s", fail_below);
    free(names);
    file_free(&files[0]);
    file_free(&files[1]);
    return failing ? PB_EXIT_FAILED : PB_EXIT_OK;
}
