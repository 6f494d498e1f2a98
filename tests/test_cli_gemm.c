/* Tests of `precbench gemm` (cli/cmd_gemm.c), run as a program ($PB_BIN,
 * default bin/precbench):
 *   - --json prints one object with every metric, sane values (the error
 *     within the classical bound, fractions in [0, 1]);
 *   - the exact scheme (and mpfr, and either reference) gives normwise 0;
 *     with --out fp32 it is correctly rounded;
 *   - float64 files round-trip: --a/--b in, --c-out out equals the exact
 *     product bit for bit, and no temporary file is left behind;
 *   - alternative algorithms run through --alg and report their cost;
 *   - every bad input exits 2 with exactly one line on stderr and nothing
 *     on stdout. */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "harness.h"
#include "precbench/exact.h"

static const char *bin;
static char dir[] = "/tmp/pb_test_cli_gemm_XXXXXX";

typedef struct run_result {
    int rc;
    char *out, *err;
} run_result;

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return strdup("");
    size_t cap = 4096, len = 0;
    char *s = malloc(cap);
    size_t got;
    while ((got = fread(s + len, 1, cap - len - 1, f)) > 0) {
        len += got;
        if (len + 1 == cap) s = realloc(s, cap *= 2);
    }
    s[len] = 0;
    fclose(f);
    return s;
}

/* Run "$PB_BIN gemm ARGS" with stdout and stderr captured. */
static run_result run(const char *args)
{
    char cmdline[4096], outp[128], errp[128];
    snprintf(outp, sizeof outp, "%s/stdout", dir);
    snprintf(errp, sizeof errp, "%s/stderr", dir);
    snprintf(cmdline, sizeof cmdline, "'%s' gemm %s >'%s' 2>'%s'", bin, args, outp, errp);
    int st = system(cmdline);
    run_result r = {.rc = WIFEXITED(st) ? WEXITSTATUS(st) : -1, .out = slurp(outp), .err = slurp(errp)};
    return r;
}

static void run_free(run_result *r)
{
    free(r->out);
    free(r->err);
}

static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++) n += *s == '\n';
    return n;
}

/* Run with --json and parse the object (NULL on failure, reported). */
static json_t *run_json(const char *args)
{
    char full[4096];
    snprintf(full, sizeof full, "%s --json", args);
    run_result r = run(full);
    json_error_t e;
    json_t *j = r.rc == 0 ? json_loads(r.out, 0, &e) : NULL;
    PBT_CHECK(r.rc == 0, "'%s': exit %d, stderr: %s", args, r.rc, r.err);
    PBT_CHECK(r.rc != 0 || (j && json_is_object(j)), "'%s': stdout is not one JSON object: %.200s", args, r.out);
    run_free(&r);
    return j;
}

static double num(const json_t *j, const char *key)
{
    const json_t *v = json_object_get(j, key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

static void test_json_keys(void)
{
    json_t *j = run_json("--m 17 --n 13 --k 40 --seed 3");
    if (!j) return;
    static const char *keys[] = {"normwise", "max_rel", "median_rel", "max_ulp", "frac_correctly_rounded",
                                 "bound_det", "bound_prob", "time_s", "scheme", "backend", "m", "n", "k",
                                 "alg", "ref", "out", "u", "kappa", "threads", "products"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        PBT_CHECK(json_object_get(j, keys[i]) != NULL, "key '%s' missing", keys[i]);
    PBT_CHECK(num(j, "m") == 17 && num(j, "n") == 13 && num(j, "k") == 40, "sizes echoed");
    PBT_CHECK(strcmp(json_string_value(json_object_get(j, "scheme")), "fp32") == 0, "default scheme fp32");
    const double nw = num(j, "normwise");
    PBT_CHECK(nw > 0 && nw < 1e-5, "fp32 normwise %.3g", nw);
    PBT_CHECK(nw <= num(j, "bound_det"), "normwise %.3g above gamma_K u bound %.3g", nw, num(j, "bound_det"));
    PBT_CHECK(num(j, "max_rel") <= num(j, "bound_det_comp"), "max_rel above its bound");
    PBT_CHECK(num(j, "median_rel") <= num(j, "max_rel"), "median above max");
    const double fr = num(j, "frac_correctly_rounded");
    PBT_CHECK(fr >= 0 && fr <= 1, "fraction %.3g", fr);
    PBT_CHECK(num(j, "time_s") >= 0 && num(j, "u") == 0x1p-24, "time %.3g, u %.3g", num(j, "time_s"), num(j, "u"));
    json_decref(j);

    /* the readable table */
    run_result r = run("--m 8 --n 8 --k 8 --scheme bf16");
    PBT_CHECK(r.rc == 0 && strstr(r.out, "normwise") && strstr(r.out, "bf16"), "table: %s", r.out);
    run_free(&r);
    r = run("--help");
    PBT_CHECK(r.rc == 0 && strstr(r.out, "usage: precbench gemm"), "--help");
    run_free(&r);
}

static void test_exact_schemes(void)
{
    static const char *cases[] = {
        "--m 20 --n 30 --k 50 --scheme exact",
        "--m 20 --n 30 --k 50 --scheme exact --ref mpfr",
        "--m 9 --n 7 --k 33 --scheme mpfr",
        "--m 9 --n 7 --k 33 --scheme mpfr --ref mpfr --gen-format fp64 --dist lognormal",
        "--m 12 --n 5 --k 40 --scheme exact --dist illcond --cond 1e30 --gen-format fp64",
        "--m 30 --n 30 --k 64 --scheme exact --gen-format fp64 --threads 1",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *j = run_json(cases[i]);
        if (!j) continue;
        PBT_CHECK(num(j, "normwise") == 0 && num(j, "max_rel") == 0 && num(j, "max_ulp") == 0 &&
                      num(j, "frac_correctly_rounded") == 1,
                  "'%s': normwise %.3g, max_ulp %.3g, frac %.3g", cases[i], num(j, "normwise"), num(j, "max_ulp"),
                  num(j, "frac_correctly_rounded"));
        json_decref(j);
    }
    /* rounded once to fp32: correctly rounded, half an ulp at most */
    json_t *j = run_json("--m 16 --n 16 --k 100 --scheme exact --out fp32 --gen-format fp64");
    if (j) {
        PBT_CHECK(num(j, "frac_correctly_rounded") == 1 && num(j, "max_ulp") <= 0.5 && num(j, "normwise") > 0 &&
                      strcmp(json_string_value(json_object_get(j, "out")), "fp32") == 0,
                  "exact --out fp32: frac %.3g, max_ulp %.3g", num(j, "frac_correctly_rounded"), num(j, "max_ulp"));
        json_decref(j);
    }
    /* directed: toward zero, still within an ulp */
    j = run_json("--m 16 --n 16 --k 100 --scheme exact --out bf16:rtz --gen-format fp64");
    if (j) {
        PBT_CHECK(num(j, "max_ulp") < 1 && num(j, "max_ulp") > 0.5, "exact --out bf16:rtz: max_ulp %.3g",
                  num(j, "max_ulp"));
        json_decref(j);
    }
    /* an ill-conditioned diagonal: fp32 loses everything there */
    j = run_json("--m 8 --n 8 --k 60 --dist illcond --cond 1e20");
    if (j) {
        PBT_CHECK(num(j, "max_rel") > 1, "illcond 1e20 in fp32: max_rel %.3g", num(j, "max_rel"));
        json_decref(j);
    }
}

static bool write_f64(const char *path, size_t count, const double *x)
{
    FILE *f = fopen(path, "wb");
    if (!f) return false;
    bool ok = fwrite(x, sizeof *x, count, f) == count; /* this test runs little-endian */
    return fclose(f) == 0 && ok;
}

static void test_files_roundtrip(void)
{
    enum { M = 7, N = 9, K = 11 };
    double a[M * K], b[K * N], ref[M * N], c[M * N];
    for (int i = 0; i < M * K; i++) a[i] = ldexp((double)((i * 37) % 23 - 11), (i % 5) - 2) + 0x1p-40 * i;
    for (int i = 0; i < K * N; i++) b[i] = (double)((i * 29) % 19 - 9) / 3.0;
    char pa[128], pb[128], pc[128], args[1024];
    snprintf(pa, sizeof pa, "%s/a.f64", dir);
    snprintf(pb, sizeof pb, "%s/b.f64", dir);
    snprintf(pc, sizeof pc, "%s/c.f64", dir);
    PBT_REQUIRE(write_f64(pa, M * K, a) && write_f64(pb, K * N, b), "cannot write the inputs");
    pb_exact_gemm_f64(PB_NO_TRANS, PB_NO_TRANS, M, N, K, a, K, b, N, ref, N, NULL, NULL, 1);

    snprintf(args, sizeof args, "--m %d --n %d --k %d --a '%s' --b '%s' --scheme exact --c-out '%s' --json", M, N,
             K, pa, pb, pc);
    run_result r = run(args);
    int rc = r.rc;
    PBT_CHECK(rc == 0, "files: exit %d: %s", r.rc, r.err);
    run_free(&r);
    if (rc != 0) return;
    FILE *f = fopen(pc, "rb");
    PBT_REQUIRE(f, "--c-out file missing");
    size_t got = fread(c, sizeof *c, M * N + 1, f);
    fclose(f);
    PBT_CHECK(got == M * N, "--c-out holds %zu values, expected %d", got, M * N);
    PBT_CHECK(memcmp(c, ref, sizeof c) == 0, "--c-out differs from the exact product");
    struct stat sb;
    PBT_CHECK(stat(pc, &sb) == 0 && (sb.st_mode & 0044), "--c-out file is not readable by others (mode %o)",
              (unsigned)sb.st_mode);

    /* a scheme: C is its float32 result widened; compare with a second run */
    snprintf(args, sizeof args, "--m %d --n %d --k %d --a '%s' --b '%s' --format bf16 --accum fp32 --c-out '%s'", M,
             N, K, pa, pb, pc);
    r = run(args);
    PBT_CHECK(r.rc == 0, "composed: exit %d: %s", r.rc, r.err);
    run_free(&r);
    f = fopen(pc, "rb");
    PBT_REQUIRE(f, "--c-out file missing");
    got = fread(c, sizeof *c, M * N, f);
    fclose(f);
    size_t not_float = 0, far = 0;
    for (size_t i = 0; i < M; i++)
        for (size_t jj = 0; jj < N; jj++) {
            double abs_ab = 0; /* |A||B|: bf16 inputs are within 2^-8 of A and B */
            for (size_t t = 0; t < K; t++) abs_ab += fabs(a[i * K + t] * b[t * N + jj]);
            const double x = c[i * N + jj];
            not_float += (double)(float)x != x;
            far += fabs(x - ref[i * N + jj]) > 0x1p-6 * abs_ab;
        }
    PBT_CHECK(got == M * N && not_float == 0 && far == 0, "bf16 C: %zu values not float32, %zu far off", not_float,
              far);

    /* no temporary file left */
    DIR *d = opendir(dir);
    size_t tmp = 0;
    for (struct dirent *e; d && (e = readdir(d));) tmp += strstr(e->d_name, ".tmp.") != NULL;
    if (d) closedir(d);
    PBT_CHECK(tmp == 0, "%zu temporary files left", tmp);
}

static void test_algorithms(void)
{
    json_t *j = run_json("--m 64 --n 64 --k 64 --alg strassen:16");
    if (j) {
        PBT_CHECK(num(j, "products") == 49 && num(j, "depth") == 2, "strassen:16 on 64: %g products, depth %g",
                  num(j, "products"), num(j, "depth"));
        PBT_CHECK(num(j, "normwise") < 1e-5, "strassen over fp32: %.3g", num(j, "normwise"));
        json_decref(j);
    }
    j = run_json("--m 32 --n 32 --k 512 --alg bf16x3");
    if (j) {
        PBT_CHECK(num(j, "products") == 3 && strcmp(json_string_value(json_object_get(j, "scheme")), "bf16") == 0,
                  "bf16x3 runs bf16 products");
        PBT_CHECK(num(j, "normwise") < 2e-5 && num(j, "u") == 0x1p-24, "bf16x3: normwise %.3g",
                  num(j, "normwise"));
        json_decref(j);
    }
    j = run_json("--m 24 --n 24 --k 100 --alg ozaki:16");
    if (j) {
        PBT_CHECK(num(j, "frac_correctly_rounded") == 1 && num(j, "normwise") == 0 && num(j, "products") == 136,
                  "ozaki:16 on fp32 data: frac %.3g", num(j, "frac_correctly_rounded"));
        json_decref(j);
    }
    j = run_json("--m 24 --n 24 --k 100 --alg ozaki:3 --gen-format fp64");
    if (j) {
        PBT_CHECK(num(j, "normwise") > 1e-10 && num(j, "normwise") < 1e-3, "ozaki:3: normwise %.3g",
                  num(j, "normwise"));
        json_decref(j);
    }
    j = run_json("--m 40 --n 30 --k 50 --alg winograd:8 --scheme bf16 --threads 1");
    if (j) {
        PBT_CHECK(num(j, "normwise") > 1e-4 && num(j, "normwise") < 0.05 && num(j, "threads") == 1,
                  "winograd over bf16: %.3g", num(j, "normwise"));
        json_decref(j);
    }
}

/* Every bad input: exit 2, one line on stderr, nothing on stdout. */
static void test_bad_inputs(void)
{
    char pa[128], pb[128], shortf[128], longf[128];
    snprintf(pa, sizeof pa, "%s/ga.f64", dir);
    snprintf(pb, sizeof pb, "%s/gb.f64", dir);
    snprintf(shortf, sizeof shortf, "%s/short.f64", dir);
    snprintf(longf, sizeof longf, "%s/long.f64", dir);
    double x[64] = {0};
    PBT_REQUIRE(write_f64(pa, 12, x) && write_f64(pb, 12, x) && write_f64(shortf, 11, x) &&
                    write_f64(longf, 13, x),
                "cannot write the inputs");
    FILE *f = fopen(shortf, "ab"); /* 11 values and 3 bytes */
    fwrite("abc", 1, 3, f);
    fclose(f);
    char cases[64][1024];
    int nc = 0;
#define CASE(...) snprintf(cases[nc++], sizeof cases[0], __VA_ARGS__)
    CASE("--m 0 --n 4 --k 4");
    CASE("--m -1 --n 4 --k 4");
    CASE("--m abc --n 4 --k 4");
    CASE("--m 4 --n 1e3 --k 4");
    CASE("--m 4 --n 4 --k inf");
    CASE("--m nan --n 4 --k 4");
    CASE("--m 4 --n 4 --k ''");
    CASE("--m 4 --n 4");
    CASE("--n 4 --k 4");
    CASE("--m 18446744073709551615 --n 4 --k 4");
    CASE("--m 99999999999999999999 --n 4 --k 4");
    CASE("--m 4294967296 --n 4294967296 --k 4");
    CASE("--m 1000000 --n 1000000 --k 1000000");
    CASE("--m 4 --n 3 --k 3 --a '%s' --b '%s'", pa, pb);        /* A holds 12 values, not 4*3 */
    CASE("--m 4 --n 4 --k 3 --a '%s' --b '%s'", pa, shortf);    /* B short of 12 */
    CASE("--m 4 --n 4 --k 3 --a '%s' --b '%s'", pa, longf);     /* B too long */
    CASE("--m 4 --n 4 --k 3 --a '%s/none.f64' --b '%s'", dir, pb);
    CASE("--m 4 --n 4 --k 3 --a '%s' --b '%s'", pa, dir);       /* a directory */
    CASE("--m 4 --n 4 --k 3 --a '%s'", pa);
    CASE("--m 4 --n 4 --k 3 --b '%s'", pb);
    CASE("--m 4 --n 4 --k 3 --a '%s' --b '%s' --dist uniform", pa, pb);
    CASE("--m 4 --n 4 --k 3 --scheme nosuch");
    CASE("--m 4 --n 4 --k 3 --scheme 'fmt=bf16;acc=nosuch'");
    CASE("--m 4 --n 4 --k 3 --format bf16");
    CASE("--m 4 --n 4 --k 3 --format nosuch --accum fp32");
    CASE("--m 4 --n 4 --k 3 --scheme fp32 --format bf16 --accum fp32");
    CASE("--m 4 --n 4 --k 3 --scheme fp32 --out fp16");
    CASE("--m 4 --n 4 --k 3 --scheme exact --out nosuch");
    CASE("--m 4 --n 4 --k 3 --scheme exact --out fp32:nosuch");
    CASE("--m 4 --n 4 --k 3 --scheme exact --alg strassen");
    CASE("--m 4 --n 4 --k 3 --alg nosuch");
    CASE("--m 4 --n 4 --k 3 --alg strassen:0");
    CASE("--m 4 --n 4 --k 3 --alg ozaki");
    CASE("--m 4 --n 4 --k 3 --alg ozaki:99");
    CASE("--m 4 --n 4 --k 3 --alg ozaki:4 --scheme bf16");
    CASE("--m 4 --n 4 --k 3 --alg bf16x3 --scheme fp16");
    CASE("--m 4 --n 4 --k 3 --dist nosuch");
    CASE("--m 4 --n 4 --k 3 --dist illcond");
    CASE("--m 4 --n 4 --k 8 --dist illcond --cond 0.5");
    CASE("--m 4 --n 4 --k 8 --dist illcond --cond 1e100");
    CASE("--m 4 --n 4 --k 8 --cond 1e10");
    CASE("--m 4 --n 4 --k 3 --gen-format fp16");
    CASE("--m 4 --n 4 --k 3 --seed -1");
    CASE("--m 4 --n 4 --k 3 --ref nosuch");
    CASE("--m 4 --n 4 --k 3 --threads 0");
    CASE("--m 4 --n 4 --k 3 --threads two");
    CASE("--m 4 --n 4 --k 3 --nosuch");
    CASE("--m 4 --n 4 --k 3 extra");
    CASE("--m 4 --n 4 --k 3 --m 5");
    CASE("--m 4 --n 4 --k 3 --scheme");
    CASE("--m 4 --n 4 --k 3 --c-out '%s/nodir/c.f64'", dir);
#undef CASE
    for (int i = 0; i < nc; i++) {
        run_result r = run(cases[i]);
        PBT_CHECK(r.rc == 2, "'%s': exit %d, expected 2", cases[i], r.rc);
        PBT_CHECK(count_lines(r.err) == 1 && strncmp(r.err, "precbench gemm: ", 16) == 0,
                  "'%s': stderr should be one line, got: %s", cases[i], r.err);
        PBT_CHECK(r.out[0] == 0, "'%s': stdout should be empty, got: %.100s", cases[i], r.out);
        run_free(&r);
    }
}

static void remove_dir(void)
{
    DIR *d = opendir(dir);
    if (!d) return;
    char path[1024];
    for (struct dirent *e; (e = readdir(d));) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

int main(int argc, char **argv)
{
    pbt_init(argc, argv);
    bin = getenv("PB_BIN");
    if (!bin || !*bin) bin = "bin/precbench";
    if (!mkdtemp(dir)) {
        fprintf(stderr, "test_cli_gemm: cannot create a temporary directory\n");
        return 1;
    }
    PBT_RUN(test_json_keys);
    PBT_RUN(test_exact_schemes);
    PBT_RUN(test_files_roundtrip);
    PBT_RUN(test_algorithms);
    PBT_RUN(test_bad_inputs);
    remove_dir();
    return pbt_finish();
}
