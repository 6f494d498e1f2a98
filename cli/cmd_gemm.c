/* precbench gemm: C = A B with a scheme, a reference or an alternative
 * algorithm, and its error against the exact product.
 *
 *   inputs:     --a/--b float64 files, or generated (--dist, --seed)
 *   computed:   --scheme NAME | composed parts | exact | mpfr, --alg ALG
 *   reference:  --ref exact (long accumulator) | mpfr (the oracle)
 *   report:     precbench/metrics.h, as a table or one JSON object
 *
 * Every check that can fail on bad input runs before the big allocations;
 * a problem too large for the memory available is refused up front. */
#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "precbench/alg.h"
#include "precbench/exact.h"
#include "precbench/format.h"
#include "precbench/gemm.h"
#include "precbench/generate.h"
#include "precbench/intgemm.h"
#include "precbench/metrics.h"
#include "precbench/reference.h"
#include "precbench/scheme.h"

static const char *cmd = "gemm";

static void usage(FILE *out)
{
    fprintf(out,
            "usage: precbench gemm --m M --n N --k K [what] [inputs] [options]\n"
            "\n"
            "Computes C = A B (A: M x K, B: K x N, row-major) and reports its error against\n"
            "the exact product: normwise, max_rel, median_rel, max_ulp (in the output\n"
            "format), frac_correctly_rounded, and the classical bounds gamma_K u and\n"
            "sqrt(K) u scaled by || |A||B| || / ||AB|| (precbench/metrics.h).\n"
            "\n"
            "what is computed:\n"
            "  --scheme NAME       a scheme from `precbench list schemes`, or a composition\n"
            "                      \"fmt=...;acc=...\" (docs/schemes.md); default fp32\n"
            "  --scheme exact      the fast exact path, one rounding per output\n"
            "  --scheme mpfr       the MPFR oracle, one rounding per output\n"
            "  --format A[,B] --accum M[:params] [--scaling S[,S]] [--out F[:MODE]] [--in MODE]\n"
            "                      a scheme composed from its parts\n"
            "  --out FORMAT[:MODE] output format and rounding of exact, mpfr or composed parts\n"
            "                      (exact, mpfr: default fp64, round to nearest even)\n"
            "  --alg ALG           an alternative algorithm with the scheme at its leaves:\n"
            "                      %s\n"
            "                      (strassen/winograd default to fp32 leaves, bf16xN to bf16;\n"
            "                      ozaki takes float64 and needs no scheme)\n"
            "\n"
            "inputs (one of):\n"
            "  --a FILE --b FILE   little-endian float64, row-major, exactly M*K and K*N values\n"
            "  --dist D            generated: normal (default), uniform, uniform01, lognormal,\n"
            "                      illcond (row i of A and column i of B form a dot product of\n"
            "                      condition number --cond, default 1e8; needs K >= 6)\n"
            "  --seed S            generator and stochastic rounding seed (default 1)\n"
            "  --gen-format F      generated values are fp32 (default: every scheme sees\n"
            "                      them exactly) or fp64 values\n"
            "\n"
            "options:\n"
            "  --ref exact|mpfr    the exact product from the fast path (default) or MPFR\n"
            "  --c-out FILE        write C as little-endian float64, row-major (atomically)\n"
            "  --threads N         threads (default: OpenMP's)\n"
            "  --json              one JSON object instead of the table\n"
            "  -h, --help          this text\n"
            "\n"
            "Float32 schemes see float64 inputs rounded to float32 (nearest even); the\n"
            "reference is always the exact product of the float64 inputs.  Bad input: one\n"
            "line on stderr and exit status 2.\n",
            pb_alg_syntax());
}

/* "--name VALUE" or "--name=VALUE": 1 matched (value set, *i advanced),
 * 0 not this option, -1 matched without a value. */
static int option(int argc, char **argv, int *i, const char *name, const char **value)
{
    size_t len = strlen(name);
    if (strncmp(argv[*i], name, len) != 0) return 0;
    if (argv[*i][len] == '=') {
        *value = argv[*i] + len + 1;
        return 1;
    }
    if (argv[*i][len] != 0) return 0;
    if (*i + 1 >= argc) return -1;
    *value = argv[++*i];
    return 1;
}

typedef struct gemm_opts {
    const char *scheme, *format, *scaling, *accum, *out, *in;
    const char *a_file, *b_file, *c_out, *ref, *alg, *dist, *gen;
    const char *m_text, *n_text, *k_text, *seed_text, *cond_text, *threads_text;
    bool json;
} gemm_opts;

/* What computes C. */
typedef enum gemm_mode { MODE_EXACT, MODE_MPFR, MODE_SCHEME, MODE_OZAKI } gemm_mode;

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* ---- sizes and memory -------------------------------------------------------- */

static bool mul_ok(uint64_t x, uint64_t y, uint64_t *out)
{
    if (x && y > UINT64_MAX / x) return false;
    *out = x * y;
    return true;
}

/* A dimension: a positive integer that fits size_t. */
static int parse_dim(const char *name, const char *text, size_t *out)
{
    uint64_t v;
    if (!text) return pb_cli_error(cmd, "missing --%s (try: precbench gemm --help)", name);
    if (!pb_cli_parse_u64(text, &v))
        return pb_cli_error(cmd, "--%s must be a positive integer, got '%s'", name, text);
    if (v == 0) return pb_cli_error(cmd, "--%s must be at least 1, got %s", name, text);
    if (v > SIZE_MAX / 16) return pb_cli_error(cmd, "--%s %s is too large", name, text);
    *out = (size_t)v;
    return 0;
}

/* Bytes of memory available now (MemAvailable, else free pages). */
static uint64_t memory_available(void)
{
    FILE *f = fopen("/proc/meminfo", "r");
    if (f) {
        char line[256];
        unsigned long long kb;
        while (fgets(line, sizeof line, f))
            if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1) {
                fclose(f);
                return (uint64_t)kb * 1024;
            }
        fclose(f);
    }
    long pages = sysconf(_SC_AVPHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    if (pages > 0 && size > 0) return (uint64_t)pages * (uint64_t)size;
    return UINT64_MAX;
}

/* ---- inputs --------------------------------------------------------------------- */

/* count float64 values from path into x; "" on success, else the problem. */
static int read_matrix(const char *path, const char *which, size_t rows, size_t cols, double *x)
{
    FILE *f = fopen(path, "rb");
    if (!f) return pb_cli_error(cmd, "cannot open %s file '%s': %s", which, path, strerror(errno));
    struct stat sb;
    if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
        fclose(f);
        return pb_cli_error(cmd, "%s file '%s' is not a regular file", which, path);
    }
    const uint64_t want = (uint64_t)rows * cols * 8;
    if ((uint64_t)sb.st_size != want) {
        fclose(f);
        return pb_cli_error(cmd, "%s file '%s' has %lld bytes, expected %zu x %zu float64 = %" PRIu64
                                 " bytes",
                            which, path, (long long)sb.st_size, rows, cols, want);
    }
    unsigned char buf[1 << 16];
    size_t done = 0, total = rows * cols;
    while (done < total) {
        size_t want_n = total - done < sizeof buf / 8 ? total - done : sizeof buf / 8;
        size_t got = fread(buf, 8, want_n, f);
        for (size_t t = 0; t < got; t++) {
            uint64_t u = 0;
            for (int byte = 7; byte >= 0; byte--) u = u << 8 | buf[8 * t + (size_t)byte];
            memcpy(&x[done + t], &u, 8);
        }
        done += got;
        if (got < want_n) break;
    }
    bool bad = ferror(f) || done < total;
    fclose(f);
    if (bad) return pb_cli_error(cmd, "cannot read %s file '%s' (short or failing read)", which, path);
    return 0;
}

/* Generated inputs (see usage): A with stream 0, B with stream 1; illcond
 * pairs row i of A with column i of B. */
static pb_status generate(pb_dist dist, uint64_t seed, bool f64, double cond, size_t m, size_t n,
                          size_t k, double *a, double *b)
{
    pb_status st = PB_OK;
    if (dist != PB_DIST_ILLCOND) {
        if (f64) {
            st = pb_generate_matrix_f64(dist, seed, 0, m, k, a, k);
            if (st == PB_OK) st = pb_generate_matrix_f64(dist, seed, 1, k, n, b, n);
            return st;
        }
        float *t = malloc((m * k > k * n ? m * k : k * n) * sizeof *t);
        if (!t) return PB_ERR_NOMEM;
        st = pb_generate_matrix_f32(dist, seed, 0, m, k, t, k);
        for (size_t i = 0; st == PB_OK && i < m * k; i++) a[i] = t[i];
        if (st == PB_OK) st = pb_generate_matrix_f32(dist, seed, 1, k, n, t, n);
        for (size_t i = 0; st == PB_OK && i < k * n; i++) b[i] = t[i];
        free(t);
        return st;
    }
    const size_t pairs = m > n ? m : n;
    pb_status shared = PB_OK;
#pragma omp parallel
    {
        double *x = malloc(k * sizeof *x), *y = malloc(k * sizeof *y);
        float *xf = malloc(k * sizeof *xf), *yf = malloc(k * sizeof *yf);
        pb_status mine = (x && y && xf && yf) ? PB_OK : PB_ERR_NOMEM;
#pragma omp for schedule(dynamic, 4)
        for (size_t p = 0; p < pairs; p++) {
            if (mine != PB_OK) continue;
            if (f64) {
                mine = pb_gen_illcond_dot_f64(k, cond, seed, (uint32_t)p, x, y, NULL);
            } else {
                mine = pb_gen_illcond_dot_f32(k, cond, seed, (uint32_t)p, xf, yf, NULL);
                for (size_t t = 0; t < k; t++) {
                    x[t] = xf[t];
                    y[t] = yf[t];
                }
            }
            if (mine != PB_OK) continue;
            if (p < m) memcpy(a + p * k, x, k * sizeof *x);
            if (p < n)
                for (size_t t = 0; t < k; t++) b[t * n + p] = y[t];
        }
        if (mine != PB_OK) {
#pragma omp critical
            shared = mine;
        }
        free(x);
        free(y);
        free(xf);
        free(yf);
    }
    return shared;
}

/* ---- output ---------------------------------------------------------------------- */

/* C as little-endian float64 to path, through a temporary file in the same
 * directory and rename(2), so a reader never sees a partial file. */
static int write_matrix(const char *path, size_t rows, size_t cols, const double *c)
{
    size_t len = strlen(path);
    char *tmp = malloc(len + 16);
    if (!tmp) return pb_cli_status_error(cmd, "--c-out", PB_ERR_NOMEM);
    snprintf(tmp, len + 16, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int rc = pb_cli_error(cmd, "cannot create a temporary file for '%s': %s", path, strerror(errno));
        free(tmp);
        return rc;
    }
    /* mkstemp makes the file private; give it the mode a new file gets */
    mode_t mask = umask(0);
    umask(mask);
    FILE *f = fchmod(fd, 0666 & ~mask) == 0 ? fdopen(fd, "wb") : NULL;
    bool ok = f != NULL;
    unsigned char buf[1 << 16];
    size_t total = rows * cols, done = 0;
    while (ok && done < total) {
        size_t cnt = total - done < sizeof buf / 8 ? total - done : sizeof buf / 8;
        for (size_t t = 0; t < cnt; t++) {
            uint64_t u;
            memcpy(&u, &c[done + t], 8);
            for (int byte = 0; byte < 8; byte++) buf[8 * t + (size_t)byte] = (unsigned char)(u >> (8 * byte));
        }
        ok = fwrite(buf, 8, cnt, f) == cnt;
        done += cnt;
    }
    if (f) {
        ok = ok && fflush(f) == 0 && fsync(fileno(f)) == 0;
        ok = (fclose(f) == 0) && ok;
    } else {
        close(fd);
    }
    if (ok && rename(tmp, path) != 0) ok = false;
    int rc = 0;
    if (!ok) {
        rc = pb_cli_error(cmd, "cannot write '%s': %s", path, strerror(errno));
        unlink(tmp);
    }
    free(tmp);
    return rc;
}

/* A JSON number, or null for NaN and infinities (JSON has neither). */
static json_t *jnum(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

/* ---- formats and bounds --------------------------------------------------------------- */

static double unit_roundoff(const pb_format *f)
{
    return f && f->spec.kind == PB_FORMAT_KIND_FLOAT ? ldexp(1.0, -(f->spec.man_bits + 1)) : 0.0;
}

/* "FORMAT[:MODE]" -> format and rounding; a run-time "fp:..." format keeps
 * its own colon, so the whole text is tried as a format first. */
static int parse_out(const char *text, pb_format *f, pb_rounding *r)
{
    *r = pb_rounding_default();
    if (pb_format_lookup(text, f) == PB_OK) return 0;
    const char *colon = strrchr(text, ':');
    if (colon) {
        char *name = strndup(text, (size_t)(colon - text));
        pb_status st = name ? pb_format_lookup(name, f) : PB_ERR_NOMEM;
        free(name);
        if (st == PB_OK) {
            if (pb_round_mode_parse(colon + 1, r) != PB_OK)
                return pb_cli_error(cmd, "--out: unknown rounding mode '%s' (rne, rna, rtz, up, down, sr, sr:R)",
                                    colon + 1);
            return 0;
        }
    }
    return pb_cli_error(cmd, "--out: unknown format '%s' (see: precbench list formats)", text);
}

static const char *scheme_error(pb_status st)
{
    switch (st) {
    case PB_ERR_UNKNOWN_FORMAT: return "unknown format";
    case PB_ERR_UNKNOWN_MODE: return "unknown rounding mode";
    case PB_ERR_UNKNOWN_SCHEME: return "unknown scheme, scaling or accumulator";
    case PB_ERR_PARSE: return "malformed specification";
    case PB_ERR_UNSUPPORTED: return "parts that do not fit together";
    default: return pb_status_message(st);
    }
}

/* ---- the command ------------------------------------------------------------------------- */

int pb_cmd_gemm(int argc, char **argv)
{
    gemm_opts o = {0};
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int mt = 0;
        struct {
            const char *name;
            const char **slot;
        } table[] = {
            {"--scheme", &o.scheme}, {"--format", &o.format}, {"--scaling", &o.scaling},
            {"--accum", &o.accum},   {"--out", &o.out},       {"--in", &o.in},
            {"--a", &o.a_file},      {"--b", &o.b_file},      {"--c-out", &o.c_out},
            {"--ref", &o.ref},       {"--alg", &o.alg},       {"--dist", &o.dist},
            {"--gen-format", &o.gen}, {"--m", &o.m_text},     {"--n", &o.n_text},
            {"--k", &o.k_text},      {"--seed", &o.seed_text}, {"--cond", &o.cond_text},
            {"--threads", &o.threads_text},
        };
        if (pb_cli_is_help(argv[i])) {
            usage(stdout);
            return PB_EXIT_OK;
        }
        if (strcmp(argv[i], "--json") == 0) {
            o.json = true;
            continue;
        }
        bool matched = false;
        for (size_t t = 0; t < sizeof table / sizeof table[0] && !matched; t++) {
            mt = option(argc, argv, &i, table[t].name, &v);
            if (mt < 0) return pb_cli_error(cmd, "%s needs a value", table[t].name);
            if (mt > 0) {
                if (*table[t].slot) return pb_cli_error(cmd, "%s given twice", table[t].name);
                *table[t].slot = v;
                matched = true;
            }
        }
        if (!matched)
            return pb_cli_error(cmd, "unknown argument '%s' (try: precbench gemm --help)", argv[i]);
    }

    /* sizes */
    size_t m, n, k;
    int rc;
    if ((rc = parse_dim("m", o.m_text, &m)) || (rc = parse_dim("n", o.n_text, &n)) ||
        (rc = parse_dim("k", o.k_text, &k)))
        return rc;
    uint64_t mk, kn, mn, t64;
    if (!mul_ok(m, k, &mk) || !mul_ok(k, n, &kn) || !mul_ok(m, n, &mn) || !mul_ok(mk, 64, &t64) ||
        !mul_ok(kn, 64, &t64) || !mul_ok(mn, 64, &t64))
        return pb_cli_error(cmd, "problem too large: M*K, K*N or M*N overflows (M=%zu N=%zu K=%zu)", m, n, k);

    /* what computes C */
    gemm_mode mode = MODE_SCHEME;
    pb_alg alg = {.kind = PB_ALG_CLASSICAL, .cutoff = PB_ALG_DEFAULT_CUTOFF};
    if (o.alg) {
        pb_status st = pb_alg_parse(o.alg, &alg);
        if (st != PB_OK)
            return pb_cli_error(cmd, "--alg: %s '%s' (one of: %s)",
                                st == PB_ERR_UNKNOWN_SCHEME ? "unknown algorithm" : "bad parameter in",
                                o.alg, pb_alg_syntax());
    }
    const bool parts = o.format || o.scaling || o.accum || o.in;
    if (o.scheme && parts)
        return pb_cli_error(cmd, "give either --scheme or the parts --format/--scaling/--accum/--in, not both");
    if (o.scheme && (strcmp(o.scheme, "exact") == 0 || strcmp(o.scheme, "mpfr") == 0)) {
        mode = o.scheme[0] == 'e' ? MODE_EXACT : MODE_MPFR;
        if (o.alg) return pb_cli_error(cmd, "--scheme %s takes no --alg", o.scheme);
    } else if (alg.kind == PB_ALG_OZAKI) {
        mode = MODE_OZAKI;
        if (o.scheme || parts || o.out)
            return pb_cli_error(cmd, "--alg %s takes float64 and no --scheme, parts or --out", o.alg);
    } else if (o.out && !parts) {
        return pb_cli_error(cmd, "--out applies to --scheme exact, --scheme mpfr or composed parts; "
                                 "a named scheme has its own output");
    }

    pb_scheme *scheme = NULL; /* MODE_SCHEME */
    pb_format out_fmt;        /* MODE_EXACT / MODE_MPFR: --out */
    pb_rounding out_round = pb_rounding_default();
    const pb_format *out = pb_format_by_name("fp64");
    if (mode == MODE_EXACT || mode == MODE_MPFR) {
        if (o.out) {
            if ((rc = parse_out(o.out, &out_fmt, &out_round))) return rc;
            if (!pb_exact_format_supported(&out_fmt))
                return pb_cli_error(cmd, "--out %s: the exact path cannot round into that format", o.out);
            out = &out_fmt;
        }
    } else if (mode == MODE_SCHEME) {
        pb_status st;
        const char *what;
        if (parts) {
            what = "--format/--scaling/--accum/--out/--in";
            if (!o.format || !o.accum)
                return pb_cli_error(cmd, "composed parts need at least --format and --accum");
            st = pb_scheme_compose(o.format, o.scaling, o.accum, o.out, o.in, &scheme);
        } else {
            what = o.scheme ? o.scheme : pb_alg_default_scheme(&alg);
            st = pb_scheme_parse(what, &scheme);
        }
        if (st != PB_OK)
            return pb_cli_error(cmd, "scheme '%s': %s (see: precbench list schemes)", what, scheme_error(st));
        if (pb_alg_check_scheme(&alg, scheme) != PB_OK) {
            int r2 = pb_cli_error(cmd, "--alg %s needs a scheme whose inputs hold bf16 values unscaled "
                                       "(bf16, tf32, fp32), not '%s'",
                                  o.alg, pb_scheme_name(scheme));
            pb_scheme_free(scheme);
            return r2;
        }
        out = pb_scheme_out_format(scheme);
    }

    /* inputs */
    if ((o.a_file != NULL) != (o.b_file != NULL)) {
        pb_scheme_free(scheme);
        return pb_cli_error(cmd, "--a and --b go together");
    }
    const bool from_files = o.a_file != NULL;
    if (from_files && (o.dist || o.gen || o.cond_text)) {
        pb_scheme_free(scheme);
        return pb_cli_error(cmd, "--dist, --gen-format and --cond apply to generated inputs, not to --a/--b");
    }
    pb_dist dist = PB_DIST_NORMAL;
    if (o.dist && pb_dist_parse(o.dist, &dist) != PB_OK) {
        pb_scheme_free(scheme);
        return pb_cli_error(cmd, "--dist: unknown distribution '%s' (normal, uniform, uniform01, lognormal, illcond)",
                            o.dist);
    }
    uint64_t seed = 1;
    if (o.seed_text && !pb_cli_parse_u64(o.seed_text, &seed)) {
        pb_scheme_free(scheme);
        return pb_cli_error(cmd, "--seed needs an unsigned 64-bit integer, got '%s'", o.seed_text);
    }
    bool gen_f64 = false;
    if (o.gen) {
        if (strcmp(o.gen, "fp64") == 0) gen_f64 = true;
        else if (strcmp(o.gen, "fp32") != 0) {
            pb_scheme_free(scheme);
            return pb_cli_error(cmd, "--gen-format must be fp32 or fp64, got '%s'", o.gen);
        }
    }
    double cond = 1e8;
    if (o.cond_text) {
        double lim = gen_f64 ? 1e300 : 1e60;
        if (dist != PB_DIST_ILLCOND) {
            pb_scheme_free(scheme);
            return pb_cli_error(cmd, "--cond applies to --dist illcond only");
        }
        if (!pb_cli_parse_double(o.cond_text, &cond) || !(cond >= 1 && cond <= lim)) {
            pb_scheme_free(scheme);
            return pb_cli_error(cmd, "--cond must be a number in [1, %g], got '%s'", lim, o.cond_text);
        }
    }
    if (dist == PB_DIST_ILLCOND && k < 6) {
        pb_scheme_free(scheme);
        return pb_cli_error(cmd, "--dist illcond needs --k at least 6, got %zu", k);
    }
    bool ref_mpfr = false;
    if (o.ref) {
        if (strcmp(o.ref, "mpfr") == 0) ref_mpfr = true;
        else if (strcmp(o.ref, "exact") != 0) {
            pb_scheme_free(scheme);
            return pb_cli_error(cmd, "--ref must be exact or mpfr, got '%s'", o.ref);
        }
    }
    long threads = 0;
    if (o.threads_text && !pb_cli_parse_long(o.threads_text, 1, 4096, &threads)) {
        pb_scheme_free(scheme);
        return pb_cli_error(cmd, "--threads needs an integer in 1..4096, got '%s'", o.threads_text);
    }
    if (threads > 0) omp_set_num_threads((int)threads);

    /* memory, before anything big is allocated: inputs in float64 and
     * float32, C, the reference and its rounding to the output format, the
     * metrics' |A||B| and sorting buffers, a GEMM's packed operands, and the
     * algorithm's temporaries (pb_alg_cost_of gives their order) */
    const bool out_is_fp64 = out->spec.kind == PB_FORMAT_KIND_FLOAT && out->spec.exp_bits == 11 &&
                             out->spec.man_bits == 52;
    double need = 12.0 * (double)(mk + kn) + (out_is_fp64 ? 2 : 3) * 8.0 * (double)mn +
                  4.0 * (double)mn + 16.0 * (double)mn + 8.0 * (double)(mk + kn);
    if (alg.kind == PB_ALG_STRASSEN || alg.kind == PB_ALG_WINOGRAD)
        need += 8.0 * (double)(mk + kn + mn);
    else if (alg.kind >= PB_ALG_BF16X3 && alg.kind <= PB_ALG_BF16X3K)
        need += 28.0 * (double)(mk + kn) + 8.0 * (double)mn;
    else if (alg.kind == PB_ALG_OZAKI)
        need += (double)alg.slices * (double)(mk + kn) + 3 * 8.0 * (double)(mk + kn + mn) + 72.0 * (1 << 20);
    const double avail = (double)memory_available();
    if (need > avail) {
        pb_scheme_free(scheme);
        return pb_cli_error(cmd, "problem too large for memory: M=%zu N=%zu K=%zu needs about %.3g GiB, %.3g GiB available",
                            m, n, k, need / 1073741824.0, avail / 1073741824.0);
    }

    double *a = malloc(mk * sizeof *a), *b = malloc(kn * sizeof *b); // A: M x K, B: K x N
    double *c = malloc(mn * sizeof *c), *cref = malloc(mn * sizeof *cref); // M x N
    double *cref_out = out_is_fp64 ? cref : malloc(mn * sizeof *cref_out);
    float *af = NULL, *bf = NULL, *cf = NULL;
    json_t *j = NULL;
    rc = PB_EXIT_OK;
    if (!a || !b || !c || !cref || !cref_out) {
        rc = pb_cli_status_error(cmd, "buffers", PB_ERR_NOMEM);
        goto done;
    }
    if (from_files) {
        if ((rc = read_matrix(o.a_file, "--a", m, k, a)) || (rc = read_matrix(o.b_file, "--b", k, n, b)))
            goto done;
    } else {
        pb_status st = generate(dist, seed, gen_f64, cond, m, n, k, a, b);
        if (st != PB_OK) {
            rc = pb_cli_status_error(cmd, "generating the inputs", st);
            goto done;
        }
    }

    /* compute C */
    pb_gemm_ctx ctx = pb_gemm_ctx_default();
    ctx.seed = seed;
    ctx.threads = (int)threads;
    out_round.seed = seed;
    uint64_t inputs_rounded = 0;
    const char *backend = "";
    char alg_name[64];
    pb_alg_name(&alg, alg_name, sizeof alg_name);
    double t0 = now_s(), time_s;
    pb_status st = PB_OK;
    switch (mode) {
    case MODE_EXACT:
        backend = pb_exact_backend();
        st = pb_exact_gemm_f64(PB_NO_TRANS, PB_NO_TRANS, m, n, k, a, k, b, n, c, n, out, &out_round, (int)threads);
        time_s = now_s() - t0;
        break;
    case MODE_MPFR:
        backend = "mpfr";
        st = pb_mpfr_gemm_f64(PB_NO_TRANS, PB_NO_TRANS, m, n, k, a, k, b, n, c, n, out, &out_round, (int)threads);
        time_s = now_s() - t0;
        break;
    case MODE_OZAKI:
        backend = pb_intgemm_i64_backend();
        st = pb_alg_gemm_f64(&alg, NULL, &ctx, m, n, k, a, k, b, n, c, n);
        time_s = now_s() - t0;
        break;
    default:
        backend = pb_gemm_backend(scheme);
        af = malloc(mk * sizeof *af);
        bf = malloc(kn * sizeof *bf);
        cf = malloc(mn * sizeof *cf);
        if (!af || !bf || !cf) {
            rc = pb_cli_status_error(cmd, "buffers", PB_ERR_NOMEM);
            goto done;
        }
        for (size_t t = 0; t < mk; t++) {
            af[t] = (float)a[t];
            inputs_rounded += (double)af[t] != a[t] && !(isnan(a[t]));
        }
        for (size_t t = 0; t < kn; t++) {
            bf[t] = (float)b[t];
            inputs_rounded += (double)bf[t] != b[t] && !(isnan(b[t]));
        }
        t0 = now_s();
        st = pb_alg_gemm(&alg, scheme, &ctx, m, n, k, af, k, bf, n, cf, n);
        time_s = now_s() - t0;
        for (size_t t = 0; t < mn; t++) c[t] = cf[t];
        break;
    }
    if (st != PB_OK) {
        rc = pb_cli_status_error(cmd, "computing C", st);
        goto done;
    }

    /* the reference, and its rounding to the output format */
    t0 = now_s();
    const pb_rounding rne = pb_rounding_default();
    if (ref_mpfr) {
        st = pb_mpfr_gemm_f64(PB_NO_TRANS, PB_NO_TRANS, m, n, k, a, k, b, n, cref, n, NULL, &rne, (int)threads);
        if (st == PB_OK && !out_is_fp64)
            st = pb_mpfr_gemm_f64(PB_NO_TRANS, PB_NO_TRANS, m, n, k, a, k, b, n, cref_out, n, out, &rne, (int)threads);
    } else {
        st = pb_exact_gemm_f64(PB_NO_TRANS, PB_NO_TRANS, m, n, k, a, k, b, n, cref, n, NULL, &rne, (int)threads);
        if (st == PB_OK && !out_is_fp64)
            st = pb_exact_gemm_f64(PB_NO_TRANS, PB_NO_TRANS, m, n, k, a, k, b, n, cref_out, n, out, &rne, (int)threads);
    }
    const double ref_time_s = now_s() - t0;
    if (st != PB_OK) {
        rc = pb_cli_status_error(cmd, "computing the reference", st);
        goto done;
    }

    /* metrics; u: the working precision of what computed C */
    double u = 0.0;
    if (mode == MODE_OZAKI) {
        u = 0x1p-53;
    } else if (mode == MODE_SCHEME && alg.kind >= PB_ALG_BF16X3 && alg.kind <= PB_ALG_BF16X3K) {
        u = 0x1p-24; /* the precision emulated */
    } else if (mode == MODE_SCHEME) {
        u = unit_roundoff(out);
        for (int op = 0; op < 2; op++) {
            double ui = unit_roundoff(pb_scheme_format(scheme, op));
            if (ui > u) u = ui;
        }
    }
    pb_metrics_input in = {
        .m = m, .n = n, .k = k, .c = c, .c_ref = cref, .c_ref_out = cref_out,
        .a = a, .b = b, .out = out, .u = u,
    };
    pb_error_metrics em;
    st = pb_error_metrics_compute(&in, &em);
    if (st != PB_OK) {
        rc = pb_cli_status_error(cmd, "metrics", st);
        goto done;
    }
    if (o.c_out && (rc = write_matrix(o.c_out, m, n, c))) goto done;

    pb_alg_cost cost = {0};
    if (mode == MODE_SCHEME || mode == MODE_OZAKI) pb_alg_cost_of(&alg, m, n, k, &cost);
    const char *scheme_name = mode == MODE_EXACT ? "exact" : mode == MODE_MPFR ? "mpfr"
                              : mode == MODE_OZAKI ? "ozaki" : pb_scheme_name(scheme);
    const double flops = 2.0 * (double)m * (double)n * (double)k;
    const int nthreads = threads > 0 ? (int)threads : omp_get_max_threads();
    if (o.json) {
        j = json_object();
        json_object_set_new(j, "scheme", json_string(scheme_name));
        if (mode == MODE_SCHEME) json_object_set_new(j, "spec", json_string(pb_scheme_spec(scheme)));
        json_object_set_new(j, "alg", json_string(mode == MODE_EXACT || mode == MODE_MPFR ? "classical" : alg_name));
        json_object_set_new(j, "backend", json_string(backend));
        json_object_set_new(j, "out", json_string(out->spec.name));
        json_object_set_new(j, "m", json_integer((json_int_t)m));
        json_object_set_new(j, "n", json_integer((json_int_t)n));
        json_object_set_new(j, "k", json_integer((json_int_t)k));
        if (from_files) {
            json_object_set_new(j, "a_file", json_string(o.a_file));
            json_object_set_new(j, "b_file", json_string(o.b_file));
        } else {
            json_object_set_new(j, "dist", json_string(pb_dist_name(dist)));
            json_object_set_new(j, "seed", json_integer((json_int_t)seed));
            json_object_set_new(j, "gen_format", json_string(gen_f64 ? "fp64" : "fp32"));
            if (dist == PB_DIST_ILLCOND) json_object_set_new(j, "cond", json_real(cond));
        }
        json_object_set_new(j, "ref", json_string(ref_mpfr ? "mpfr" : "exact"));
        json_object_set_new(j, "threads", json_integer(nthreads));
        json_object_set_new(j, "time_s", json_real(time_s));
        json_object_set_new(j, "gflops", jnum(time_s > 0 ? flops / time_s * 1e-9 : NAN));
        json_object_set_new(j, "ref_time_s", json_real(ref_time_s));
        json_object_set_new(j, "normwise", jnum(em.normwise));
        json_object_set_new(j, "max_rel", jnum(em.max_rel));
        json_object_set_new(j, "median_rel", jnum(em.median_rel));
        json_object_set_new(j, "max_ulp", jnum(em.max_ulp));
        json_object_set_new(j, "frac_correctly_rounded", jnum(em.frac_correctly_rounded));
        json_object_set_new(j, "bound_det", jnum(em.bound_det));
        json_object_set_new(j, "bound_prob", jnum(em.bound_prob));
        json_object_set_new(j, "bound_det_comp", jnum(em.bound_det_comp));
        json_object_set_new(j, "bound_prob_comp", jnum(em.bound_prob_comp));
        json_object_set_new(j, "kappa", jnum(em.kappa));
        json_object_set_new(j, "u", jnum(em.u));
        json_object_set_new(j, "nonfinite", json_integer((json_int_t)em.nonfinite));
        json_object_set_new(j, "inputs_rounded", json_integer((json_int_t)inputs_rounded));
        if (mode == MODE_SCHEME || mode == MODE_OZAKI) {
            json_object_set_new(j, "products", json_integer((json_int_t)cost.products));
            json_object_set_new(j, "product_flops", json_real(cost.product_flops));
            json_object_set_new(j, "extra_flops", json_real(cost.extra_flops));
            json_object_set_new(j, "depth", json_integer(cost.depth));
        }
        char *text = json_dumps(j, JSON_INDENT(2) | JSON_REAL_PRECISION(17) | JSON_PRESERVE_ORDER);
        if (!text) {
            rc = pb_cli_status_error(cmd, "JSON", PB_ERR_NOMEM);
            goto done;
        }
        printf("%s\n", text);
        free(text);
    } else {
        printf("scheme        %s  (backend %s)\n", scheme_name, backend);
        if (mode == MODE_SCHEME || mode == MODE_OZAKI)
            printf("algorithm     %s  (%" PRIu64 " products, depth %u, %.3g flops in products)\n", alg_name,
                   cost.products, cost.depth, cost.product_flops);
        if (from_files)
            printf("inputs        %s x %s, M=%zu N=%zu K=%zu\n", o.a_file, o.b_file, m, n, k);
        else
            printf("inputs        %s (%s values), seed %" PRIu64 ", M=%zu N=%zu K=%zu\n", pb_dist_name(dist),
                   gen_f64 ? "fp64" : "fp32", seed, m, n, k);
        if (inputs_rounded) printf("              %" PRIu64 " input values rounded to float32\n", inputs_rounded);
        printf("output        %s\n", out->spec.name);
        printf("reference     %s (%.3g s)\n", ref_mpfr ? "mpfr" : "exact", ref_time_s);
        printf("time          %.4g s  (%.3g GFLOP/s, %d threads)\n", time_s,
               time_s > 0 ? flops / time_s * 1e-9 : 0.0, nthreads);
        printf("\n  %-24s %-12.4g %-24s %.4g\n", "normwise", em.normwise, "bound_det (gamma_K u)", em.bound_det);
        printf("  %-24s %-12.4g %-24s %.4g\n", "max_rel", em.max_rel, "bound_prob (sqrt(K) u)", em.bound_prob);
        printf("  %-24s %-12.4g %-24s %.4g\n", "median_rel", em.median_rel, "bound_det_comp", em.bound_det_comp);
        printf("  %-24s %-12.4g %-24s %.4g\n", "max_ulp", em.max_ulp, "kappa", em.kappa);
        printf("  %-24s %-12.4g %-24s %.4g\n", "frac_correctly_rounded", em.frac_correctly_rounded, "u", em.u);
        if (em.nonfinite) printf("  %-24s %zu\n", "nonfinite", em.nonfinite);
    }

done:
    json_decref(j);
    free(a);
    free(b);
    free(c);
    if (cref_out != cref) free(cref_out);
    free(cref);
    free(af);
    free(bf);
    free(cf);
    pb_scheme_free(scheme);
    return rc;
}
