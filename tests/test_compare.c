/* Tests of `precbench compare` on hand-made Google Benchmark JSON files:
 * verdicts (faster, slower, within noise, new, gone), time units, aggregate-
 * only files, ratios relative to a base benchmark with --fail-below, and bad
 * input (malformed or missing files, no benchmarks, bad options) giving a
 * message and exit status 2. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

static char dir[64];
static const char *bin;

/* Write a file under the temporary directory; returns its path (static). */
static const char *write_file(const char *name, const char *text)
{
    static char paths[16][128];
    static int next;
    char *p = paths[next++ % 16];
    snprintf(p, 128, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    return p;
}

/* One iteration run: name, real time, unit. */
static void run_json(char *buf, size_t size, const char *name, double t, const char *unit)
{
    snprintf(buf, size,
             "{\"name\": \"%s\", \"run_name\": \"%s\", \"run_type\": \"iteration\", "
             "\"repetitions\": 3, \"iterations\": 10, \"real_time\": %.17g, "
             "\"cpu_time\": %.17g, \"time_unit\": \"%s\"}",
             name, name, t, t, unit);
}

/* A file with the given runs: triples (name, time, unit), NULL-terminated. */
static const char *bench_file(const char *file, ...)
{
    static char text[1 << 16];
    size_t len = (size_t)snprintf(text, sizeof text,
                                  "{\"context\": {\"date\": \"x\"}, \"benchmarks\": [");
    va_list ap;
    va_start(ap, file);
    bool first = true;
    for (;;) {
        const char *name = va_arg(ap, const char *);
        if (!name) break;
        double t = va_arg(ap, double);
        const char *unit = va_arg(ap, const char *);
        char run[512];
        run_json(run, sizeof run, name, t, unit);
        len += (size_t)snprintf(text + len, sizeof text - len, "%s%s", first ? "" : ", ", run);
        first = false;
    }
    va_end(ap);
    snprintf(text + len, sizeof text - len, "]}\n");
    return write_file(file, text);
}

/* Run `precbench compare ARGS`; returns the exit status, output in out. */
static int compare(char *out, size_t size, const char *args)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "'%s' compare %s 2>&1", bin, args);
    FILE *p = popen(cmd, "r");
    if (!p) return -1;
    size_t len = fread(out, 1, size - 1, p);
    out[len] = '\0';
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The output line of benchmark `name` ("" if absent), in a static buffer
 * that the next call overwrites. */
static const char *line_of(const char *out, const char *name)
{
    static char line[512];
    size_t n = strlen(name);
    for (const char *p = out; *p;) {
        const char *end = strchr(p, '\n');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len > n && strncmp(p, name, n) == 0 && p[n] == ' ') {
            snprintf(line, sizeof line, "%.*s", (int)len, p);
            return line;
        }
        p = end ? end + 1 : p + len;
    }
    return "";
}

static char out[1 << 16];

static void test_verdicts(void)
{
    /* Three repetitions per benchmark; a's spread is 2%, d's 30%. */
    const char *old = bench_file("old.json",
        "gemm/a", 10.0, "ms", "gemm/a", 10.2, "ms", "gemm/a", 9.8, "ms",
        "gemm/b", 4.0, "ms", "gemm/b", 4.04, "ms", "gemm/b", 3.96, "ms",
        "gemm/c", 1.0, "ms", "gemm/c", 1.01, "ms", "gemm/c", 0.99, "ms",
        "gemm/d", 10.0, "ms", "gemm/d", 13.0, "ms", "gemm/d", 7.0, "ms",
        "gemm/e", 1.0, "ms", (const char *)NULL);
    const char *new = bench_file("new.json",
        "gemm/a", 5.0, "ms", "gemm/a", 5.1, "ms", "gemm/a", 4.9, "ms",
        "gemm/b", 4000.0, "us", "gemm/b", 4020.0, "us", "gemm/b", 3980.0, "us",
        "gemm/c", 2.0, "ms", "gemm/c", 2.02, "ms", "gemm/c", 1.98, "ms",
        "gemm/d", 8.3, "ms", "gemm/d", 10.0, "ms", "gemm/d", 6.0, "ms",
        "gemm/f", 1.0, "ms", (const char *)NULL);
    char args[512];
    snprintf(args, sizeof args, "'%s' '%s'", old, new);
    int st = compare(out, sizeof out, args);
    PBT_CHECK(st == 0, "exit status %d, output:\n%s", st, out);
    PBT_CHECK(strstr(line_of(out, "gemm/a"), "faster") != NULL, "a: '%s'", line_of(out, "gemm/a"));
    PBT_CHECK(strstr(line_of(out, "gemm/a"), "2.000x") != NULL, "a ratio: '%s'", line_of(out, "gemm/a"));
    PBT_CHECK(strstr(line_of(out, "gemm/b"), "same") != NULL, "b (ms vs us): '%s'", line_of(out, "gemm/b"));
    PBT_CHECK(strstr(line_of(out, "gemm/c"), "slower") != NULL, "c: '%s'", line_of(out, "gemm/c"));
    PBT_CHECK(strstr(line_of(out, "gemm/c"), "0.500x") != NULL, "c ratio: '%s'", line_of(out, "gemm/c"));
    /* 1.2x faster, but the repetitions spread over +-30%: not a change. */
    PBT_CHECK(strstr(line_of(out, "gemm/d"), "same") != NULL, "d (noisy): '%s'", line_of(out, "gemm/d"));
    PBT_CHECK(strstr(line_of(out, "gemm/e"), "gone") != NULL, "e: '%s'", line_of(out, "gemm/e"));
    PBT_CHECK(strstr(line_of(out, "gemm/f"), "new") != NULL, "f: '%s'", line_of(out, "gemm/f"));
    PBT_CHECK(strstr(out, "1 faster, 1 slower, 2 same, 1 new, 1 gone") != NULL, "summary:\n%s", out);

    /* The same 1.2x change with a quiet d is a change. */
    const char *quiet_old = bench_file("qold.json", "gemm/d", 10.0, "ms", "gemm/d", 10.1, "ms",
                                       "gemm/d", 9.9, "ms", (const char *)NULL);
    const char *quiet_new = bench_file("qnew.json", "gemm/d", 8.3, "ms", "gemm/d", 8.35, "ms",
                                       "gemm/d", 8.25, "ms", (const char *)NULL);
    snprintf(args, sizeof args, "'%s' '%s'", quiet_old, quiet_new);
    st = compare(out, sizeof out, args);
    PBT_CHECK(st == 0 && strstr(line_of(out, "gemm/d"), "faster") != NULL, "quiet d: '%s'",
              line_of(out, "gemm/d"));

    /* --fail-below on plain times: c is 0.5x, below 0.6. */
    snprintf(args, sizeof args, "--fail-below 0.6 '%s' '%s'", old, new);
    st = compare(out, sizeof out, args);
    PBT_CHECK(st == 1, "--fail-below 0.6: status %d", st);
    PBT_CHECK(strstr(line_of(out, "gemm/c"), "FAIL") != NULL, "c: '%s'", line_of(out, "gemm/c"));
    snprintf(args, sizeof args, "--fail-below 0.4 '%s' '%s'", old, new);
    st = compare(out, sizeof out, args);
    PBT_CHECK(st == 0, "--fail-below 0.4: status %d\n%s", st, out);

    /* Below the ratio but within the noise (repetitions spread over a
     * factor of 4): no failure. */
    const char *wild_old = bench_file("wold.json", "gemm/w", 1.0, "ms", "gemm/w", 1.0, "ms",
                                      "gemm/w", 4.0, "ms", (const char *)NULL);
    const char *wild_new = bench_file("wnew.json", "gemm/w", 2.5, "ms", "gemm/w", 1.0, "ms",
                                      "gemm/w", 4.0, "ms", (const char *)NULL);
    snprintf(args, sizeof args, "--fail-below 0.5 '%s' '%s'", wild_old, wild_new);
    st = compare(out, sizeof out, args);
    PBT_CHECK(st == 0 && strstr(line_of(out, "gemm/w"), "0.400x") &&
              !strstr(line_of(out, "gemm/w"), "FAIL"), "noisy w: %d '%s'", st, line_of(out, "gemm/w"));

    /* --statistic min: one fast repetition among slow ones decides. */
    const char *min_old = bench_file("minold.json", "gemm/m", 10.0, "ms", "gemm/m", 10.1, "ms",
                                     "gemm/m", 10.2, "ms", (const char *)NULL);
    const char *min_new = bench_file("minnew.json", "gemm/m", 5.0, "ms", "gemm/m", 10.1, "ms",
                                     "gemm/m", 10.2, "ms", (const char *)NULL);
    snprintf(args, sizeof args, "'%s' '%s'", min_old, min_new);
    st = compare(out, sizeof out, args);
    PBT_CHECK(st == 0 && strstr(line_of(out, "gemm/m"), "1.000x") &&
              strstr(line_of(out, "gemm/m"), "same"), "median: '%s'", line_of(out, "gemm/m"));
    snprintf(args, sizeof args, "--statistic min '%s' '%s'", min_old, min_new);
    st = compare(out, sizeof out, args);
    PBT_CHECK(st == 0 && strstr(line_of(out, "gemm/m"), "2.000x") &&
              strstr(line_of(out, "gemm/m"), "faster"), "min: '%s'", line_of(out, "gemm/m"));

    /* --filter keeps only matching names. */
    snprintf(args, sizeof args, "--filter 'gemm/[ab]' '%s' '%s'", old, new);
    st = compare(out, sizeof out, args);
    PBT_CHECK(st == 0 && *line_of(out, "gemm/a") && !*line_of(out, "gemm/c"),
              "filter: status %d\n%s", st, out);
}

static void test_aggregates_only(void)
{
    /* Files written with --benchmark_report_aggregates_only: median and
     * stddev aggregates, no iteration runs. */
    const char *fmt_text =
        "{\"benchmarks\": ["
        "{\"name\": \"x/median\", \"run_name\": \"x\", \"run_type\": \"aggregate\", "
        "\"aggregate_name\": \"median\", \"real_time\": %g, \"time_unit\": \"ns\"},"
        "{\"name\": \"x/stddev\", \"run_name\": \"x\", \"run_type\": \"aggregate\", "
        "\"aggregate_name\": \"stddev\", \"real_time\": %g, \"time_unit\": \"ns\"}]}";
    char text[1024];
    snprintf(text, sizeof text, fmt_text, 100.0, 1.0);
    const char *old = write_file("agg_old.json", text);
    snprintf(text, sizeof text, fmt_text, 50.0, 0.5);
    const char *new = write_file("agg_new.json", text);
    char args[512];
    snprintf(args, sizeof args, "'%s' '%s'", old, new);
    int st = compare(out, sizeof out, args);
    PBT_CHECK(st == 0 && strstr(line_of(out, "x"), "faster") && strstr(line_of(out, "x"), "2.000x"),
              "aggregates: status %d\n%s", st, out);
}

static void test_relative(void)
{
    /* The machine got twice as fast (base and s both halve): same ratio.
     * t's ratio to the base got 3x worse: slower, and below 0.5. */
    const char *old = bench_file("rel_old.json",
        "blas/sgemm/m:8/n:8/k:8/threads:2", 1.0, "ms",
        "gemm/s/m:8/n:8/k:8/threads:2", 2.0, "ms",
        "gemm/t/m:8/n:8/k:8/threads:2", 2.0, "ms",
        "gemm/u/m:9/n:9/k:9/threads:2", 2.0, "ms", (const char *)NULL);
    const char *new = bench_file("rel_new.json",
        "blas/sgemm/m:8/n:8/k:8/threads:2", 0.5, "ms",
        "gemm/s/m:8/n:8/k:8/threads:2", 1.0, "ms",
        "gemm/t/m:8/n:8/k:8/threads:2", 3.0, "ms",
        "gemm/u/m:9/n:9/k:9/threads:2", 2.0, "ms", (const char *)NULL);
    char args[512];
    snprintf(args, sizeof args, "--relative-to blas/sgemm '%s' '%s'", old, new);
    int st = compare(out, sizeof out, args);
    PBT_CHECK(st == 0, "status %d\n%s", st, out);
    char s[512], t[512], u[512];
    snprintf(s, sizeof s, "%s", line_of(out, "gemm/s/m:8/n:8/k:8/threads:2"));
    snprintf(t, sizeof t, "%s", line_of(out, "gemm/t/m:8/n:8/k:8/threads:2"));
    snprintf(u, sizeof u, "%s", line_of(out, "gemm/u/m:9/n:9/k:9/threads:2"));
    PBT_CHECK(strstr(s, "same") && strstr(s, "1.000x"), "s: '%s'", s);
    PBT_CHECK(strstr(t, "slower") && strstr(t, "0.333x"), "t: '%s'", t);
    PBT_CHECK(strstr(u, "no base") != NULL, "u (no base on its shape): '%s'", u);
    PBT_CHECK(!*line_of(out, "blas/sgemm/m:8/n:8/k:8/threads:2"), "the base is not compared with itself");
    snprintf(args, sizeof args, "--relative-to blas/sgemm --fail-below 0.5 '%s' '%s'", old, new);
    st = compare(out, sizeof out, args);
    PBT_CHECK(st == 1, "--fail-below 0.5: status %d\n%s", st, out);
    PBT_CHECK(strstr(line_of(out, "gemm/t/m:8/n:8/k:8/threads:2"), "FAIL") != NULL, "t: %s", out);
    PBT_CHECK(!strstr(line_of(out, "gemm/s/m:8/n:8/k:8/threads:2"), "FAIL"), "s must not fail");
}

static void test_errors_in_runs(void)
{
    const char *old = bench_file("err_old.json", "gemm/a", 1.0, "ms", (const char *)NULL);
    const char *new = write_file("err_new.json",
        "{\"benchmarks\": [{\"name\": \"gemm/a\", \"run_name\": \"gemm/a\", "
        "\"run_type\": \"iteration\", \"error_occurred\": true, "
        "\"error_message\": \"boom\", \"real_time\": 0, \"time_unit\": \"ms\"}]}");
    char args[512];
    snprintf(args, sizeof args, "'%s' '%s'", old, new);
    int st = compare(out, sizeof out, args);
    PBT_CHECK(st == 0 && strstr(line_of(out, "gemm/a"), "failed"), "status %d\n%s", st, out);
}

static void expect_usage_error(const char *args, const char *needle)
{
    int st = compare(out, sizeof out, args);
    PBT_CHECK(st == 2, "'%s': status %d (want 2), output: %s", args, st, out);
    PBT_CHECK(strstr(out, needle) != NULL, "'%s': message lacks '%s': %s", args, needle, out);
    PBT_CHECK(strstr(out, "precbench compare:") != NULL, "'%s': message not prefixed: %s", args, out);
}

static void test_bad_input(void)
{
    const char *good = bench_file("good.json", "gemm/a", 1.0, "ms", (const char *)NULL);
    const char *bad = write_file("bad.json", "{\"benchmarks\": [ {\"name\": ");
    const char *nobench = write_file("nobench.json", "{\"context\": {}}");
    const char *empty = write_file("empty.json", "{\"benchmarks\": []}");
    const char *badunit = write_file("badunit.json",
        "{\"benchmarks\": [{\"name\": \"a\", \"run_name\": \"a\", \"real_time\": 1, "
        "\"time_unit\": \"fortnights\"}]}");
    char args[512];
    snprintf(args, sizeof args, "'%s' '%s'", good, bad);
    expect_usage_error(args, "not valid JSON");
    snprintf(args, sizeof args, "'%s' '%s/does-not-exist.json'", good, dir);
    expect_usage_error(args, "cannot read");
    snprintf(args, sizeof args, "'%s' '%s'", nobench, good);
    expect_usage_error(args, "no \"benchmarks\" array");
    snprintf(args, sizeof args, "'%s' '%s'", good, empty);
    expect_usage_error(args, "holds no benchmarks");
    snprintf(args, sizeof args, "'%s' '%s'", good, badunit);
    expect_usage_error(args, "time_unit");
    snprintf(args, sizeof args, "--filter '^nothing$' '%s' '%s'", good, good);
    expect_usage_error(args, "no benchmark matches");
    snprintf(args, sizeof args, "--filter '(' '%s' '%s'", good, good);
    expect_usage_error(args, "bad --filter");
    snprintf(args, sizeof args, "'%s'", good);
    expect_usage_error(args, "expected OLD.json NEW.json");
    snprintf(args, sizeof args, "--frobnicate '%s' '%s'", good, good);
    expect_usage_error(args, "unknown option");
    snprintf(args, sizeof args, "--tolerance x '%s' '%s'", good, good);
    expect_usage_error(args, "bad --tolerance");
    snprintf(args, sizeof args, "--statistic mean '%s' '%s'", good, good);
    expect_usage_error(args, "bad --statistic");
    snprintf(args, sizeof args, "'%s' '%s' --fail-below", good, good);
    expect_usage_error(args, "needs a value");
    snprintf(args, sizeof args, "'%s' '%s' '%s'", good, good, good);
    expect_usage_error(args, "too many arguments");
    int st = compare(out, sizeof out, "--help");
    PBT_CHECK(st == 0 && strstr(out, "usage: precbench compare"), "--help: %d %s", st, out);
}

int main(int argc, char **argv)
{
    pbt_init(argc, argv);
    bin = getenv("PB_BIN");
    if (!bin || !*bin) bin = "bin/precbench";
    if (access(bin, X_OK) != 0) {
        fprintf(stderr, "test_compare: %s is not an executable (set PB_BIN)\n", bin);
        return 1;
    }
    snprintf(dir, sizeof dir, "/tmp/pb_test_compare.XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    PBT_RUN(test_verdicts);
    PBT_RUN(test_aggregates_only);
    PBT_RUN(test_relative);
    PBT_RUN(test_errors_in_runs);
    PBT_RUN(test_bad_input);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "test_compare: could not remove %s\n", dir);
    return pbt_finish();
}
