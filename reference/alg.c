/* precbench: alternative algorithms, the front door (precbench/alg.h):
 * names, dispatch, precision conversions at the entry points, cost. */
#include <errno.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alg_internal.h"

pb_gemm_ctx pb_alg_leaf_ctx(const pb_gemm_ctx *ctx, uint32_t leaf)
{
    pb_gemm_ctx c = ctx ? *ctx : pb_gemm_ctx_default();
    c.stream += leaf;
    c.delayed_a = c.delayed_b = NULL;
    return c;
}

int pb_alg_threads(const pb_gemm_ctx *ctx)
{
    int t = ctx && ctx->threads > 0 ? ctx->threads : omp_get_max_threads();
    return t < 1 ? 1 : t;
}

/* ---- names ------------------------------------------------------------------- */

static const struct {
    const char *name;
    pb_alg_kind kind;
} plain_names[] = {
    {"classical", PB_ALG_CLASSICAL}, {"bf16x3", PB_ALG_BF16X3}, {"bf16x6", PB_ALG_BF16X6},
    {"bf16x9", PB_ALG_BF16X9},       {"bf16x3k", PB_ALG_BF16X3K},
};

/* A decimal integer in [lo, hi], the whole of text[0..len). */
static bool parse_int(const char *text, size_t len, long lo, long hi, long *out)
{
    if (len == 0 || len > 18) return false;
    long v = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] < '0' || text[i] > '9') return false;
        v = v * 10 + (text[i] - '0');
    }
    if (v < lo || v > hi) return false;
    *out = v;
    return true;
}

pb_status pb_alg_parse(const char *text, pb_alg *out)
{
    if (!text || !out) return PB_ERR_ARG;
    pb_alg a = {.kind = PB_ALG_CLASSICAL, .cutoff = PB_ALG_DEFAULT_CUTOFF};
    for (size_t i = 0; i < sizeof plain_names / sizeof plain_names[0]; i++)
        if (strcmp(text, plain_names[i].name) == 0) {
            a.kind = plain_names[i].kind;
            *out = a;
            return PB_OK;
        }
    const char *colon = strchr(text, ':');
    size_t head = colon ? (size_t)(colon - text) : strlen(text);
    if ((head == 8 && strncmp(text, "strassen", 8) == 0) ||
        (head == 8 && strncmp(text, "winograd", 8) == 0)) {
        a.kind = text[0] == 's' ? PB_ALG_STRASSEN : PB_ALG_WINOGRAD;
        if (colon) {
            long v;
            if (!parse_int(colon + 1, strlen(colon + 1), 1, 1L << 40, &v)) return PB_ERR_PARSE;
            a.cutoff = (size_t)v;
        }
        *out = a;
        return PB_OK;
    }
    if (head == 5 && strncmp(text, "ozaki", 5) == 0) {
        if (!colon) return PB_ERR_PARSE; /* S is required */
        a.kind = PB_ALG_OZAKI;
        const char *p = colon + 1;
        size_t len = strcspn(p, ",");
        long v;
        if (!parse_int(p, len, 1, PB_ALG_OZAKI_MAX_SLICES, &v)) return PB_ERR_PARSE;
        a.slices = (int)v;
        p += len;
        while (*p == ',') {
            p++;
            len = strcspn(p, ",");
            bool *flag = NULL;
            if (len == 4 && strncmp(p, "full", 4) == 0) flag = &a.full;
            else if (len == 1 && p[0] == 'k') flag = &a.karatsuba;
            else if (len == 4 && strncmp(p, "fp64", 4) == 0) flag = &a.sum_fp64;
            if (!flag || *flag) return PB_ERR_PARSE; /* unknown or repeated */
            *flag = true;
            p += len;
        }
        if (*p) return PB_ERR_PARSE;
        *out = a;
        return PB_OK;
    }
    return PB_ERR_UNKNOWN_SCHEME;
}

const char *pb_alg_name(const pb_alg *alg, char *buf, size_t size)
{
    if (!buf || size == 0) return "";
    if (!alg) {
        snprintf(buf, size, "?");
        return buf;
    }
    switch (alg->kind) {
    case PB_ALG_STRASSEN: snprintf(buf, size, "strassen:%zu", alg->cutoff); break;
    case PB_ALG_WINOGRAD: snprintf(buf, size, "winograd:%zu", alg->cutoff); break;
    case PB_ALG_OZAKI:
        snprintf(buf, size, "ozaki:%d%s%s%s", alg->slices, alg->full ? ",full" : "",
                 alg->karatsuba ? ",k" : "", alg->sum_fp64 ? ",fp64" : "");
        break;
    default:
        snprintf(buf, size, "?");
        for (size_t i = 0; i < sizeof plain_names / sizeof plain_names[0]; i++)
            if (plain_names[i].kind == alg->kind) snprintf(buf, size, "%s", plain_names[i].name);
    }
    return buf;
}

const char *pb_alg_syntax(void)
{
    return "classical | strassen[:N0] | winograd[:N0] | bf16x3 | bf16x6 | bf16x9 | bf16x3k | "
           "ozaki:S[,full][,k][,fp64]";
}

bool pb_alg_uses_scheme(const pb_alg *alg)
{
    return alg && alg->kind != PB_ALG_OZAKI;
}

const char *pb_alg_default_scheme(const pb_alg *alg)
{
    if (!alg) return NULL;
    switch (alg->kind) {
    case PB_ALG_CLASSICAL:
    case PB_ALG_STRASSEN:
    case PB_ALG_WINOGRAD: return "fp32";
    case PB_ALG_OZAKI: return NULL;
    default: return "bf16";
    }
}

/* ---- dispatch ------------------------------------------------------------------ */

static bool valid_alg(const pb_alg *alg)
{
    if (!alg) return false;
    switch (alg->kind) {
    case PB_ALG_STRASSEN:
    case PB_ALG_WINOGRAD: return alg->cutoff >= 1;
    case PB_ALG_OZAKI: return alg->slices >= 1 && alg->slices <= PB_ALG_OZAKI_MAX_SLICES;
    case PB_ALG_CLASSICAL:
    case PB_ALG_BF16X3:
    case PB_ALG_BF16X6:
    case PB_ALG_BF16X9:
    case PB_ALG_BF16X3K: return true;
    }
    return false;
}

/* malloc(0) may return NULL: ask for one element at least. */
static size_t at_least_1(size_t count)
{
    return count ? count : 1;
}

static bool mul_ok(size_t x, size_t y, size_t *out)
{
    if (x && y > SIZE_MAX / x) return false;
    *out = x * y;
    return true;
}

/* Shapes, leading dimensions, pointers, and sizes whose buffers can be
 * counted in bytes (elem bytes per element). */
static pb_status check_call(const pb_alg *alg, size_t m, size_t n, size_t k, const void *a,
                            size_t lda, const void *b, size_t ldb, const void *c, size_t ldc,
                            size_t elem)
{
    if (!valid_alg(alg)) return PB_ERR_ARG;
    if (lda < k || ldb < n || ldc < n) return PB_ERR_ARG;
    if ((m && k && !a) || (k && n && !b) || (m && n && !c)) return PB_ERR_ARG;
    size_t t;
    if (!mul_ok(m, k, &t) || !mul_ok(t, elem * 4, &t) || !mul_ok(k, n, &t) ||
        !mul_ok(t, elem * 4, &t) || !mul_ok(m, n, &t) || !mul_ok(t, elem * 4, &t) ||
        !mul_ok(m, lda, &t) || !mul_ok(k, ldb, &t) || !mul_ok(m, ldc, &t))
        return PB_ERR_NOMEM;
    return PB_OK;
}

static pb_status resolve_scheme(const pb_alg *alg, const pb_scheme *scheme,
                                const pb_scheme **use)
{
    if (scheme) {
        *use = scheme;
        return PB_OK;
    }
    *use = pb_scheme_by_name(pb_alg_default_scheme(alg));
    return *use ? PB_OK : PB_ERR_UNKNOWN_SCHEME;
}

pb_status pb_alg_check_scheme(const pb_alg *alg, const pb_scheme *scheme)
{
    if (!valid_alg(alg)) return PB_ERR_ARG;
    const pb_scheme *s;
    if (alg->kind == PB_ALG_OZAKI) return PB_OK;
    pb_status st = resolve_scheme(alg, scheme, &s);
    if (st != PB_OK) return st;
    if (alg->kind >= PB_ALG_BF16X3 && alg->kind <= PB_ALG_BF16X3K) return pb_alg_split_check_scheme(s);
    return PB_OK;
}

/* float32 in and out, every algorithm but ozaki. */
static pb_status run_f32(const pb_alg *alg, const pb_scheme *scheme, const pb_gemm_ctx *ctx,
                         size_t m, size_t n, size_t k, const float *a, size_t lda,
                         const float *b, size_t ldb, float *c, size_t ldc)
{
    const pb_scheme *s;
    pb_status st = resolve_scheme(alg, scheme, &s);
    if (st != PB_OK) return st;
    if (m == 0 || n == 0) return PB_OK;
    switch (alg->kind) {
    case PB_ALG_CLASSICAL:
        return pb_gemm(s, ctx, PB_NO_TRANS, PB_NO_TRANS, m, n, k, 1.0f, a, lda, b, ldb, 0.0f, c,
                       ldc);
    case PB_ALG_STRASSEN:
    case PB_ALG_WINOGRAD: return pb_alg_strassen_run(alg, s, ctx, m, n, k, a, lda, b, ldb, c, ldc);
    default: return pb_alg_split_run(alg, s, ctx, m, n, k, a, lda, b, ldb, c, ldc);
    }
}

pb_status pb_alg_gemm(const pb_alg *alg, const pb_scheme *scheme,
                      const pb_gemm_ctx *ctx, size_t m, size_t n, size_t k,
                      const float *a, size_t lda, const float *b, size_t ldb,
                      float *c, size_t ldc)
{
    pb_status st = check_call(alg, m, n, k, a, lda, b, ldb, c, ldc, sizeof(double));
    if (st != PB_OK) return st;
    if (ctx && ctx->threads < 0) return PB_ERR_ARG;
    if (alg->kind != PB_ALG_OZAKI) return run_f32(alg, scheme, ctx, m, n, k, a, lda, b, ldb, c, ldc);

    /* ozaki: widen exactly, run in float64, round to float32 */
    double *da = malloc(at_least_1(m * k) * sizeof *da);  // M x K
    double *db = malloc(at_least_1(k * n) * sizeof *db);  // K x N
    double *dc = malloc(at_least_1(m * n) * sizeof *dc);  // M x N
    st = (da && db && dc) ? PB_OK : PB_ERR_NOMEM;
    if (st == PB_OK) {
        for (size_t i = 0; i < m; i++)
            for (size_t t = 0; t < k; t++) da[i * k + t] = a[i * lda + t];
        for (size_t t = 0; t < k; t++)
            for (size_t j = 0; j < n; j++) db[t * n + j] = b[t * ldb + j];
        st = pb_alg_ozaki_run(alg, ctx, m, n, k, da, k, db, n, dc, n);
        if (st == PB_OK)
            for (size_t i = 0; i < m; i++)
                for (size_t j = 0; j < n; j++) c[i * ldc + j] = (float)dc[i * n + j];
    }
    free(da);
    free(db);
    free(dc);
    return st;
}

pb_status pb_alg_gemm_f64(const pb_alg *alg, const pb_scheme *scheme,
                          const pb_gemm_ctx *ctx, size_t m, size_t n, size_t k,
                          const double *a, size_t lda, const double *b,
                          size_t ldb, double *c, size_t ldc)
{
    pb_status st = check_call(alg, m, n, k, a, lda, b, ldb, c, ldc, sizeof(double));
    if (st != PB_OK) return st;
    if (ctx && ctx->threads < 0) return PB_ERR_ARG;
    if (alg->kind == PB_ALG_OZAKI) return pb_alg_ozaki_run(alg, ctx, m, n, k, a, lda, b, ldb, c, ldc);

    /* scheme-based: round the inputs to float32, widen the result */
    float *fa = malloc(at_least_1(m * k) * sizeof *fa);  // M x K
    float *fb = malloc(at_least_1(k * n) * sizeof *fb);  // K x N
    float *fc = malloc(at_least_1(m * n) * sizeof *fc);  // M x N
    st = (fa && fb && fc) ? PB_OK : PB_ERR_NOMEM;
    if (st == PB_OK) {
        for (size_t i = 0; i < m; i++)
            for (size_t t = 0; t < k; t++) fa[i * k + t] = (float)a[i * lda + t];
        for (size_t t = 0; t < k; t++)
            for (size_t j = 0; j < n; j++) fb[t * n + j] = (float)b[t * ldb + j];
        st = run_f32(alg, scheme, ctx, m, n, k, fa, k, fb, n, fc, n);
        if (st == PB_OK)
            for (size_t i = 0; i < m; i++)
                for (size_t j = 0; j < n; j++) c[i * ldc + j] = fc[i * n + j];
    }
    free(fa);
    free(fb);
    free(fc);
    return st;
}

/* ---- cost ------------------------------------------------------------------------ */

pb_status pb_alg_cost_of(const pb_alg *alg, size_t m, size_t n, size_t k, pb_alg_cost *out)
{
    if (!out || !valid_alg(alg)) return PB_ERR_ARG;
    memset(out, 0, sizeof *out);
    out->classical_flops = 2.0 * (double)m * (double)n * (double)k;
    if (m == 0 || n == 0) return PB_OK;
    switch (alg->kind) {
    case PB_ALG_CLASSICAL:
        out->products = 1;
        out->product_flops = out->classical_flops;
        break;
    case PB_ALG_STRASSEN:
    case PB_ALG_WINOGRAD: pb_alg_strassen_cost(alg, m, n, k, out); break;
    case PB_ALG_OZAKI: pb_alg_ozaki_cost(alg, m, n, k, out); break;
    default: pb_alg_split_cost(alg, m, n, k, out); break;
    }
    return PB_OK;
}
