/* Experiment qsnr: quantisation quality of every format and scaling.
 *
 * A rows x cols matrix (rows: channels or tokens; cols: the K dimension,
 * along which block scalings group elements) is quantised by a scaling
 * method and an element format exactly as a GEMM operand is
 * (pb_scale_compute, pb_scale_quantise, round to nearest even) and
 * dequantised (q * block scale * outer scale, exact in binary64):
 *
 *   QSNR = 10 log10( sum x^2 / sum (x - deq(q(x)))^2 )   dB
 *
 * Data: standard normal; Laplace (unit variance); Student-t with 3 degrees
 * of freedom (scaled to unit variance: heavy tails); and "outliers":
 * standard normal with 1% of the columns (channels along K, drawn at
 * random) multiplied by 50, the pattern of LLM activations with outlier
 * features.  Every format is measured with every scaling it is defined
 * with (defined_pair below).
 *
 * results/qsnr/qsnr.csv (every configuration), qsnr_bars.csv (the headline
 * configurations, one column per distribution, for the bar chart) and
 * qsnr_table.md (all of it as a table).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exp_common.h"
#include "precbench/format.h"
#include "precbench/rng.h"
#include "precbench/scale.h"

static const char *const header =
    "format,scaling,label,dist,rows,cols,qsnr_db,rel_rms_error,frac_flushed";

static const char *const formats[] = {"tf32", "bf16", "fp16", "e4m3", "e5m2", "e4m3fnuz", "e5m2fnuz",
                                      "e3m2", "e2m3", "e2m1", "int8", "int4", "ternary"};
enum { NFORMATS = sizeof formats / sizeof formats[0] };
static const char *const scalings[] = {"none", "tensor", "rowcol", "mx", "mx:rule=up", "nvfp4", "absmean"};
enum { NSCALINGS = sizeof scalings / sizeof scalings[0] };
static const char *const dists[] = {"normal", "laplace", "student_t", "outliers"};
enum { NDISTS = 4 };

/* The configurations of the bar chart, with the names they go by (no
 * commas: they are CSV fields). */
static const struct {
    const char *format, *scaling, *label;
} headline[] = {
    {"bf16", "none", "BF16"},
    {"fp16", "none", "FP16"},
    {"e4m3", "tensor", "FP8 E4M3 per-tensor"},
    {"e4m3", "rowcol", "FP8 E4M3 per-channel"},
    {"e5m2", "tensor", "FP8 E5M2 per-tensor"},
    {"e4m3", "mx", "MXFP8 (E4M3)"},
    {"e3m2", "mx", "MXFP6 (E3M2)"},
    {"e2m3", "mx", "MXFP6 (E2M3)"},
    {"e2m1", "mx", "MXFP4"},
    {"e2m1", "mx:rule=up", "MXFP4 (scale rounded up)"},
    {"e2m1", "nvfp4", "NVFP4"},
    {"int8", "mx", "MXINT8"},
    {"int8", "rowcol", "INT8 per-channel"},
    {"int4", "rowcol", "INT4 per-channel"},
    {"ternary", "absmean", "ternary absmean (b1.58)"},
};
enum { NHEADLINE = sizeof headline / sizeof headline[0] };

static const char *label_of(const char *format, const char *scaling, char *buf, size_t size)
{
    for (size_t i = 0; i < NHEADLINE; i++)
        if (strcmp(headline[i].format, format) == 0 && strcmp(headline[i].scaling, scaling) == 0)
            return headline[i].label;
    snprintf(buf, size, "%s %s", format, strcmp(scaling, "mx:rule=up") == 0 ? "mx-up" : scaling);
    return buf;
}

/* A uniform in (0, 1), never 0 (for logarithms). */
static double open_uniform(uint64_t seed, uint32_t stream, uint64_t i)
{
    return (floor(pb_rng_uniform(seed, stream, i, 0) * 0x1p52) + 0.5) * 0x1p-52;
}

static void generate(int dist, uint64_t seed, size_t rows, size_t cols, float *x)
{
    uint32_t stream = 7000u + 10u * (uint32_t)dist;
    for (size_t r = 0; r < rows; r++)
        for (size_t c = 0; c < cols; c++) {
            uint64_t i = r * cols + c;
            double v;
            switch (dist) {
            case 1: { /* Laplace, b = 1/sqrt(2): variance 2 b^2 = 1 */
                double u = open_uniform(seed, stream, i) - 0.5;
                v = -(u < 0 ? -1.0 : 1.0) * M_SQRT1_2 * log(1.0 - 2.0 * fabs(u));
                break;
            }
            case 2: { /* Student-t, nu = 3: Z / sqrt(V / 3), variance 3; scaled to 1 */
                double chi = 0;
                for (uint64_t j = 0; j < 3; j++) {
                    double g = pb_rng_normal(seed, stream + 1, 3 * i + j);
                    chi += g * g;
                }
                v = pb_rng_normal(seed, stream, i) / sqrt(chi / 3.0) / sqrt(3.0);
                break;
            }
            case 3: /* outlier channels: 1% of the columns times 50 */
                v = pb_rng_normal(seed, stream, i);
                if (pb_rng_uniform(seed, stream + 2, c, 0) < 0.01) v *= 50.0;
                break;
            default: v = pb_rng_normal(seed, stream, i); break;
            }
            x[i] = (float)v;
        }
}

/* Which pairs are measured: the ones the formats are defined with.  MX
 * blocks take the OCP MX element formats (FP8, FP6, FP4, INT8); NVFP4 is
 * defined for e2m1 and absmean for ternary weights; `none` is a plain cast,
 * meaningful for float formats only; per-tensor and per-channel scaling
 * take any format but ternary (which needs absmean's threshold).  The
 * library accepts more (e.g. NVFP4 block scales with bf16 elements, where
 * 6 * 448 / amax overflows), which measures nothing useful. */
static bool defined_pair(const char *format, const char *scaling)
{
    static const char *const mx_formats[] = {"e4m3", "e5m2", "e3m2", "e2m3", "e2m1", "int8"};
    bool ternary = strcmp(format, "ternary") == 0;
    if (strncmp(scaling, "mx", 2) == 0) {
        for (size_t i = 0; i < sizeof mx_formats / sizeof mx_formats[0]; i++)
            if (strcmp(format, mx_formats[i]) == 0) return true;
        return false;
    }
    if (strcmp(scaling, "nvfp4") == 0) return strcmp(format, "e2m1") == 0;
    if (strcmp(scaling, "absmean") == 0) return ternary;
    return !ternary;
}

/* QSNR of x under (format, scaling); PB_ERR_UNSUPPORTED for a combination
 * the library refuses or that is not defined_pair. */
static pb_status measure(const char *fmt_name, const char *scaling, const float *x, size_t rows,
                         size_t cols, double *qsnr, double *rel_rms, double *flushed)
{
    const pb_format *f = pb_format_by_name(fmt_name);
    pb_scaling s;
    pb_status st = pb_scaling_parse(scaling, &s);
    if (st != PB_OK) return st;
    if (!f) return PB_ERR_UNKNOWN_FORMAT;
    if (!defined_pair(fmt_name, scaling) || pb_scaling_check_format(&s, f) != PB_OK)
        return PB_ERR_UNSUPPORTED;
    if (pb_scaling_is_none(&s) && f->spec.kind != PB_FORMAT_KIND_FLOAT) return PB_ERR_UNSUPPORTED;
    pb_scales sc;
    st = pb_scale_compute(&s, f, x, rows, cols, cols, NULL, &sc);
    if (st != PB_OK) return st == PB_ERR_ARG ? PB_ERR_UNSUPPORTED : st;
    pb_rounding rn = pb_rounding_default();
    double sig = 0, noise = 0;
    size_t nonzero = 0, flush = 0;
#pragma omp parallel for reduction(+ : sig, noise, nonzero, flush) schedule(static)
    for (size_t r = 0; r < rows; r++)
        for (size_t c = 0; c < cols; c++) {
            double v = x[r * cols + c];
            double q = pb_scale_quantise(&sc, f, &rn, r, c, x[r * cols + c], r * cols + c);
            double blk = sc.blk ? sc.blk[r * sc.nblocks + c / sc.block] : 1.0;
            double deq = q * blk * (double)sc.outer[r];
            sig += v * v;
            noise += (v - deq) * (v - deq);
            nonzero += v != 0;
            flush += v != 0 && deq == 0;
        }
    pb_scales_free(&sc);
    *qsnr = noise > 0 ? 10.0 * log10(sig / noise) : INFINITY;
    *rel_rms = sqrt(noise / sig);
    *flushed = nonzero ? (double)flush / (double)nonzero : 0.0;
    return PB_OK;
}

/* ---- derived files, from the final CSV ---------------------------------------- */

typedef struct cell {
    char format[16], scaling[24], dist[16];
    double qsnr;
} cell;

static size_t load_cells(const pb_exp *x, cell **out)
{
    char path[PB_EXP_PATH_MAX];
    *out = NULL;
    if (!pb_exp_path(x, "qsnr.csv", path, sizeof path)) return 0;
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    size_t n = 0, cap = 0;
    cell *v = NULL;
    char line[512];
    bool first = true;
    while (fgets(line, sizeof line, f)) {
        if (first) {
            first = false;
            continue;
        }
        char *field[9] = {0}, *save = NULL;
        size_t nf = 0;
        for (char *t = strtok_r(line, ",\n", &save); t && nf < 9; t = strtok_r(NULL, ",\n", &save))
            field[nf++] = t;
        if (nf < 9) continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 256;
            cell *nv = realloc(v, cap * sizeof *nv);
            if (!nv) break;
            v = nv;
        }
        snprintf(v[n].format, sizeof v[n].format, "%s", field[0]);
        snprintf(v[n].scaling, sizeof v[n].scaling, "%s", field[1]);
        snprintf(v[n].dist, sizeof v[n].dist, "%s", field[3]);
        v[n].qsnr = strtod(field[6], NULL);
        n++;
    }
    fclose(f);
    *out = v;
    return n;
}

static double find(const cell *v, size_t n, const char *format, const char *scaling, const char *dist)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v[i].format, format) && !strcmp(v[i].scaling, scaling) && !strcmp(v[i].dist, dist))
            return v[i].qsnr;
    return NAN;
}

static pb_status write_derived(pb_exp *x, size_t rows, size_t cols)
{
    cell *v;
    size_t n = load_cells(x, &v);
    size_t cap = 65536, len = 0;
    char *text = malloc(cap);
    if (!text) {
        free(v);
        return PB_ERR_NOMEM;
    }
    len += (size_t)snprintf(text + len, cap - len, "label,%s,%s,%s,%s\n", dists[0], dists[1], dists[2], dists[3]);
    for (size_t h = 0; h < NHEADLINE; h++) {
        len += (size_t)snprintf(text + len, cap - len, "%s", headline[h].label);
        for (int d = 0; d < NDISTS; d++)
            len += (size_t)snprintf(text + len, cap - len, ",%s",
                                    pb_exp_g(find(v, n, headline[h].format, headline[h].scaling, dists[d])).s);
        len += (size_t)snprintf(text + len, cap - len, "\n");
    }
    pb_status st = pb_exp_write_text(x, "qsnr_bars.csv", text);

    len = 0;
    len += (size_t)snprintf(text + len, cap - len,
                            "QSNR in dB (10 log10 of signal over quantisation-noise power), %zu x %zu "
                            "matrices, block scalings along the %zu columns.  Generated by `precbench "
                            "experiment qsnr%s`.\n\n| format | scaling | normal | Laplace | Student-t (3) | "
                            "outlier channels |\n|---|---|---:|---:|---:|---:|\n",
                            rows, cols, cols, x->full ? "" : " --quick");
    for (size_t fi = 0; fi < NFORMATS; fi++)
        for (size_t si = 0; si < NSCALINGS; si++) {
            double q0 = find(v, n, formats[fi], scalings[si], dists[0]);
            if (isnan(q0)) continue;
            len += (size_t)snprintf(text + len, cap - len, "| %s | %s |", formats[fi], scalings[si]);
            for (int d = 0; d < NDISTS; d++)
                len += (size_t)snprintf(text + len, cap - len, " %.2f |", find(v, n, formats[fi], scalings[si], dists[d]));
            len += (size_t)snprintf(text + len, cap - len, "\n");
        }
    if (st == PB_OK) st = pb_exp_write_text(x, "qsnr_table.md", text);
    free(text);
    free(v);
    return st;
}

static pb_status run(const pb_experiment *self, const pb_experiment_opts *opts)
{
    pb_exp x;
    pb_status st = pb_exp_begin(&x, self, opts);
    if (st != PB_OK) return st;
    const size_t rows = pb_exp_sample(&x, pb_exp_pick(&x, 64, 256), 16);
    const size_t cols = pb_exp_pick(&x, 1024, 4096);
    pb_exp_param_int(&x, "rows", (long long)rows);
    pb_exp_param_int(&x, "cols", (long long)cols);
    pb_exp_param_list(&x, "formats", "tf32 bf16 fp16 e4m3 e5m2 e4m3fnuz e5m2fnuz e3m2 e2m3 e2m1 int8 int4 ternary");
    pb_exp_param_list(&x, "scalings", "none tensor rowcol mx mx:rule=up nvfp4 absmean");
    pb_exp_param_list(&x, "dists", "normal laplace student_t outliers");
    pb_exp_param_str(&x, "laplace", "unit variance (b = 1/sqrt(2))");
    pb_exp_param_str(&x, "student_t", "3 degrees of freedom, scaled to unit variance");
    pb_exp_param_str(&x, "outliers", "standard normal, 1% of the columns (channels) multiplied by 50");
    pb_exp_param_str(&x, "rounding", "rne; scaled methods saturate, `none` uses the format's overflow policy");

    float *data = malloc(rows * cols * sizeof *data);
    pb_exp_csv *c = NULL;
    if (!data) st = PB_ERR_NOMEM;
    if (st == PB_OK) st = pb_exp_csv_open(&x, "qsnr.csv", header, "dist,rows,cols", &c);
    pb_exp_progress_total(&x, (double)NDISTS * NFORMATS * NSCALINGS);
    for (int d = 0; st == PB_OK && d < NDISTS; d++) {
        char key[96];
        snprintf(key, sizeof key, "%s,%zu,%zu", dists[d], rows, cols);
        if (pb_exp_csv_done(c, key)) {
            pb_exp_progress_skipped(&x, (double)NFORMATS * NSCALINGS);
            continue;
        }
        generate(d, x.o.seed, rows, cols, data);
        for (size_t fi = 0; st == PB_OK && fi < NFORMATS; fi++)
            for (size_t si = 0; st == PB_OK && si < NSCALINGS; si++) {
                double q, rel, fl;
                pb_status ms = measure(formats[fi], scalings[si], data, rows, cols, &q, &rel, &fl);
                pb_exp_progress_done(&x, 1.0);
                if (ms == PB_ERR_UNSUPPORTED) continue;
                if (ms != PB_OK) {
                    st = ms;
                    break;
                }
                char buf[64];
                st = pb_exp_csv_row(c, "%s,%s,%s,%s,%zu,%zu,%s,%s,%s", formats[fi], scalings[si],
                                    label_of(formats[fi], scalings[si], buf, sizeof buf), dists[d], rows, cols,
                                    pb_exp_g(q).s, pb_exp_g(rel).s, pb_exp_g(fl).s);
            }
        if (st == PB_OK) st = pb_exp_csv_commit(c);
    }
    free(data);
    pb_status cs = pb_exp_csv_close(c, st);
    if (st == PB_OK) st = cs;
    if (st == PB_OK) st = write_derived(&x, rows, cols);
    return pb_exp_finish(&x, st);
}

const pb_experiment pb_experiment_qsnr = {
    .name = "qsnr",
    .description = "QSNR (dB) of every format and scaling (tensor, channel, MX floor/up, NVFP4, "
                   "absmean) on normal, Laplace, Student-t and outlier-channel data",
    .outputs = "qsnr.csv qsnr_bars.csv qsnr_table.md",
    .run = run,
};
