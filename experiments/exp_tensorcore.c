/* Experiment tensorcore: fp8 GEMM error against K with the tensor-core
 * accumulator model, and the model's presets beside the project's probe of
 * a real H100.
 *
 * C = A B, A: M x K, B: K x N, both quantised to e4m3 with per-tensor
 * scaling, accumulated by
 *   fp32            fp32 in index order (a CPU, or CUDA cores)
 *   h100 fast       tensorcore:h100-fp8: 32-product blocks aligned to 13
 *                   fraction bits and truncated, one accumulator over K
 *                   (cuBLASLt FAST_ACCUM)
 *   promote N_C     tensorcore:h100-fp8,promote=N_C: the tensor-core sum
 *                   added into an fp32 register every N_C blocks (N_C = 4:
 *                   every 128 products, cuBLASLt's default, DeepSeek-V3's
 *                   recipe)
 *   b200 fast       tensorcore:b200-fp8 (published parameters, not probed)
 * on uniform (0, 1) data (every product positive: the sum only grows, the
 * worst case for a truncated accumulator) and standard normal data.
 *
 * Two errors, both over |A||B| of the float32 data (see accum_error):
 *   accum  against the exact sum of the quantised products (scheme with
 *          acc=exact: the accumulator's own error)
 *   total  against the exact product of the float32 data (quantisation
 *          included)
 *
 * results/tensorcore/errors.csv; presets.csv (every preset's parameters and
 * how many probed hardware paths it matches); probe.csv (the probe's
 * measured parameters, parsed from results/baseline/tcprobe_h100.txt);
 * probe_table.md (both as tables).
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exp_common.h"
#include "precbench/accum.h"
#include "precbench/exact.h"
#include "precbench/gemm.h"
#include "precbench/generate.h"
#include "precbench/scheme.h"

static const char *const err_header =
    "variant,label,dist,k,m,n,trials,accum_err_median,accum_err_max,total_err_median,total_err_max";

/* id: the CSV's name for the variant (scheme strings hold commas). */
static const struct {
    const char *id, *label, *spec;
} variants[] = {
    {"fp32", "fp32 accumulation", "fmt=e4m3;scale=tensor;acc=fp32"},
    {"h100-fast", "H100 fast accumulation", "fmt=e4m3;scale=tensor;acc=tensorcore:h100-fp8"},
    {"h100-promote1", "H100 promote N_C=1 (32)", "fmt=e4m3;scale=tensor;acc=tensorcore:h100-fp8,promote=1"},
    {"h100-promote4", "H100 promote N_C=4 (128)", "fmt=e4m3;scale=tensor;acc=tensorcore:h100-fp8,promote=4"},
    {"h100-promote16", "H100 promote N_C=16 (512)", "fmt=e4m3;scale=tensor;acc=tensorcore:h100-fp8,promote=16"},
    {"b200-fast", "B200 fast accumulation", "fmt=e4m3;scale=tensor;acc=tensorcore:b200-fp8"},
};
enum { NVAR = sizeof variants / sizeof variants[0] };
static const char *const exact_spec = "fmt=e4m3;scale=tensor;acc=exact";

/* errors over |A||B| (normwise) of c against ref */
static double normwise(const float *c, const double *ref, const double *absab, size_t mn)
{
    double num = 0, den = 0;
    for (size_t i = 0; i < mn; i++) {
        double d = (double)c[i] - ref[i];
        num += d * d;
        den += absab[i] * absab[i];
    }
    return den > 0 ? sqrt(num / den) : 0.0;
}

static pb_status error_sweep(pb_exp *x, pb_exp_csv *csv)
{
    const int lk_min = 5, lk_max = (int)pb_exp_pick(x, 11, 16);
    const size_t m = pb_exp_pick(x, 8, 16), n = m;
    const size_t trials = pb_exp_sample(x, pb_exp_pick(x, 2, 8), 1);
    const pb_dist dists[] = {PB_DIST_UNIFORM01, PB_DIST_NORMAL};
    const size_t kmax = (size_t)1 << lk_max;
    pb_exp_param_int(x, "log2_k_min", lk_min);
    pb_exp_param_int(x, "log2_k_max", lk_max);
    pb_exp_param_int(x, "m", (long long)m);
    pb_exp_param_int(x, "n", (long long)n);
    pb_exp_param_int(x, "trials", (long long)trials);
    json_t *vj = json_object();
    for (size_t v = 0; v < NVAR; v++) json_object_set_new(vj, variants[v].id, json_string(variants[v].spec));
    json_object_set_new(x->params, "variants", vj);

    pb_scheme *sch[NVAR] = {0}, *exact = NULL;
    pb_status st = pb_scheme_parse(exact_spec, &exact);
    for (size_t v = 0; st == PB_OK && v < NVAR; v++) st = pb_scheme_parse(variants[v].spec, &sch[v]);
    float *a = malloc(m * kmax * sizeof *a), *b = malloc(kmax * n * sizeof *b);
    float *c = malloc(m * n * sizeof *c), *cq = malloc(m * n * sizeof *cq);
    double *ref = malloc(m * n * sizeof *ref), *refq = malloc(m * n * sizeof *refq);
    double *absab = malloc(m * n * sizeof *absab);
    double *acc_e = malloc(NVAR * trials * sizeof *acc_e), *tot_e = malloc(NVAR * trials * sizeof *tot_e);
    if (st == PB_OK && (!a || !b || !c || !cq || !ref || !refq || !absab || !acc_e || !tot_e))
        st = PB_ERR_NOMEM;
    double total = 0;
    for (int lk = lk_min; lk <= lk_max; lk++) total += 2.0 * (double)(m * n * trials * (NVAR + 1)) * ldexp(1, lk);
    pb_exp_progress_total(x, total);

    for (int d = 0; st == PB_OK && d < 2; d++)
        for (int lk = lk_min; st == PB_OK && lk <= lk_max; lk++) {
            size_t k = (size_t)1 << lk;
            double work = (double)(m * n * k * trials * (NVAR + 1));
            char key[96];
            snprintf(key, sizeof key, "%s,%zu,%zu,%zu", pb_dist_name(dists[d]), k, m, trials);
            if (pb_exp_csv_done(csv, key)) {
                pb_exp_progress_skipped(x, work);
                continue;
            }
            for (size_t t = 0; st == PB_OK && t < trials; t++) {
                uint32_t stream = (uint32_t)(3000000 + d * 100000 + lk * 1000 + (int)t * 2);
                st = pb_generate_matrix_f32(dists[d], x->o.seed, stream, m, k, a, k);
                if (st == PB_OK) st = pb_generate_matrix_f32(dists[d], x->o.seed, stream + 1, k, n, b, n);
                if (st == PB_OK)
                    st = pb_exact_gemm_f32(PB_NO_TRANS, PB_NO_TRANS, m, n, k, a, k, b, n, ref, n, NULL, NULL, 0);
                pb_gemm_ctx ctx = pb_gemm_ctx_default();
                if (st == PB_OK)
                    st = pb_gemm(exact, &ctx, PB_NO_TRANS, PB_NO_TRANS, m, n, k, 1.0f, a, k, b, n, 0.0f, cq, n);
                if (st != PB_OK) break;
                for (size_t i = 0; i < m * n; i++) refq[i] = cq[i];
                for (size_t i = 0; i < m; i++)
                    for (size_t j = 0; j < n; j++) {
                        double s = 0;
                        for (size_t kk = 0; kk < k; kk++)
                            s += fabs((double)a[i * k + kk]) * fabs((double)b[kk * n + j]);
                        absab[i * n + j] = s;
                    }
                for (size_t v = 0; st == PB_OK && v < NVAR; v++) {
                    st = pb_gemm(sch[v], &ctx, PB_NO_TRANS, PB_NO_TRANS, m, n, k, 1.0f, a, k, b, n, 0.0f, c, n);
                    acc_e[v * trials + t] = normwise(c, refq, absab, m * n);
                    tot_e[v * trials + t] = normwise(c, ref, absab, m * n);
                }
            }
            pb_exp_progress_done(x, work);
            for (size_t v = 0; st == PB_OK && v < NVAR; v++) {
                double *ae = &acc_e[v * trials], *te = &tot_e[v * trials];
                double amax = pb_exp_max(ae, trials), tmax = pb_exp_max(te, trials);
                st = pb_exp_csv_row(csv, "%s,%s,%s,%zu,%zu,%zu,%zu,%s,%s,%s,%s", variants[v].id,
                                    variants[v].label, pb_dist_name(dists[d]), k, m, n, trials,
                                    pb_exp_g(pb_exp_median(ae, trials)).s, pb_exp_g(amax).s,
                                    pb_exp_g(pb_exp_median(te, trials)).s, pb_exp_g(tmax).s);
            }
            if (st == PB_OK) st = pb_exp_csv_commit(csv);
        }
    for (size_t v = 0; v < NVAR; v++) pb_scheme_free(sch[v]);
    pb_scheme_free(exact);
    free(a);
    free(b);
    free(c);
    free(cq);
    free(ref);
    free(refq);
    free(absab);
    free(acc_e);
    free(tot_e);
    return st;
}

/* ---- the probe table ------------------------------------------------------------- */

typedef struct probe_row {
    char path[32], types[16], cut[8], out[8], cin[8], promote[8], sub[16], match[32];
    int k, f, f1j, fo;
} probe_row;

/* The "=== summary ===" tables of tcprobe's output: the path is the first
 * 29 characters, then whitespace-separated fields.  Rows without numbers
 * (the emulated fp8 mma.sync) are skipped. */
static size_t parse_probe(const char *file, probe_row *rows, size_t cap)
{
    FILE *f = fopen(file, "r");
    if (!f) return 0;
    char line[512];
    size_t n = 0;
    bool in_table = false;
    while (fgets(line, sizeof line, f) && n < cap) {
        line[strcspn(line, "\r\n")] = '\0';
        if (strcmp(line, "=== summary ===") == 0) {
            in_table = true;
            continue;
        }
        if (!in_table) continue;
        if (line[0] == '\0' || line[0] == '#') {
            in_table = false;
            continue;
        }
        if (strncmp(line, "path ", 5) == 0 || strlen(line) < 30) continue;
        probe_row r = {0};
        memcpy(r.path, line, 29);
        r.path[29] = '\0';
        for (int i = 28; i >= 0 && isspace((unsigned char)r.path[i]); i--) r.path[i] = '\0';
        int got = sscanf(line + 29, "%15s %d %d %d %7s %d %7s %7s %7s %15s %31s", r.types, &r.k, &r.f, &r.f1j,
                         r.cut, &r.fo, r.out, r.cin, r.promote, r.sub, r.match);
        if (got == 11) rows[n++] = r;
    }
    fclose(f);
    return n;
}

/* The preset a probed path is modelled by ("NAME" or "NAME,promote=N"). */
static const char *preset_of(const probe_row *r)
{
    bool fp8 = strstr(r->types, "e4m3") || strstr(r->types, "e5m2");
    if (!fp8) return "h100";
    return strcmp(r->promote, "128") == 0 ? "h100-fp8,promote=4" : "h100-fp8";
}

/* The same for a CSV field: the comma becomes a space. */
static const char *csv_field(const char *text, char *buf, size_t size)
{
    snprintf(buf, size, "%s", text);
    for (char *p = buf; *p; p++)
        if (*p == ',') *p = ' ';
    return buf;
}

static bool agrees(const pb_tensorcore *tc, const probe_row *r)
{
    int promote_products = tc->promote * tc->block;
    bool promote_ok = tc->promote == 0 ? (strcmp(r->promote, "never") == 0 || strcmp(r->promote, "-") == 0)
                                       : atoi(r->promote) == promote_products;
    return tc->block == r->k && tc->frac == r->f && tc->outfrac == r->fo && !tc->round_rne &&
           strcmp(r->cut, "RZ") == 0 && !tc->norm_rne && strcmp(r->out, "RZ") == 0 && promote_ok;
}

static pb_status tc_of(const char *preset, pb_tensorcore *tc)
{
    char spec[64];
    snprintf(spec, sizeof spec, "tensorcore:%s", preset);
    pb_accum acc;
    pb_status st = pb_accum_parse(spec, &acc);
    if (st == PB_OK) *tc = acc.tc;
    return st;
}

static pb_status probe_tables(pb_exp *x, const char *probe_file)
{
    probe_row rows[64];
    size_t np = parse_probe(probe_file, rows, 64);
    pb_exp_param_str(x, "probe_file", probe_file);
    pb_exp_param_int(x, "probe_paths", (long long)np);
    if (np == 0) pb_exp_note(x, "no probe results found: presets.csv lists the presets only");

    size_t cap = 32768, len = 0;
    char *csv = malloc(cap), *md = malloc(cap);
    if (!csv || !md) {
        free(csv);
        free(md);
        return PB_ERR_NOMEM;
    }
    pb_status st = PB_OK;
    len = (size_t)snprintf(csv, cap, "path,types,k,F,one_plus_2_minus_j,cut,Fo,out,c_in_alignment,promote,"
                                     "subnormals_in_C,model_equals_gpu,preset,preset_agrees\n");
    for (size_t i = 0; st == PB_OK && i < np; i++) {
        pb_tensorcore tc;
        st = tc_of(preset_of(&rows[i]), &tc);
        char pf[48];
        len += (size_t)snprintf(csv + len, cap - len, "%s,%s,%d,%d,%d,%s,%d,%s,%s,%s,%s,%s,%s,%s\n",
                                rows[i].path, rows[i].types, rows[i].k, rows[i].f, rows[i].f1j, rows[i].cut,
                                rows[i].fo, rows[i].out, rows[i].cin, rows[i].promote, rows[i].sub,
                                rows[i].match, csv_field(preset_of(&rows[i]), pf, sizeof pf),
                                st == PB_OK && agrees(&tc, &rows[i]) ? "yes" : "no");
    }
    if (st == PB_OK) st = pb_exp_write_text(x, "probe.csv", csv);

    /* Every preset, plus the promoted fp8 variant the probe found. */
    const char *presets[16];
    size_t npre = 0;
    for (size_t i = 0; i < pb_tensorcore_preset_count() && npre < 15; i++)
        presets[npre++] = pb_tensorcore_preset_name(i);
    presets[npre++] = "h100-fp8,promote=4";
    len = (size_t)snprintf(csv, cap, "preset,block,frac,outfrac,round,norm,promote,probed_paths,agreeing_paths\n");
    size_t ml = (size_t)snprintf(md, cap,
                                 "Tensor-core model presets (docs/schemes.md) beside the probe of a real H100 "
                                 "(%s, docs/tensorcore_probe.md).  Generated by `precbench experiment "
                                 "tensorcore`.\n\n| preset | block k | fraction bits F | result bits Fo | "
                                 "alignment | result rounding | promote every | probed paths | agree |\n"
                                 "|---|---:|---:|---:|---|---|---|---:|---:|\n",
                                 probe_file);
    for (size_t p = 0; st == PB_OK && p < npre; p++) {
        pb_tensorcore tc;
        st = tc_of(presets[p], &tc);
        if (st != PB_OK) break;
        size_t probed = 0, agree = 0;
        for (size_t i = 0; i < np; i++)
            if (strcmp(preset_of(&rows[i]), presets[p]) == 0) {
                probed++;
                agree += agrees(&tc, &rows[i]);
            }
        char promote[32];
        if (tc.promote) snprintf(promote, sizeof promote, "%d products", tc.promote * tc.block);
        else snprintf(promote, sizeof promote, "never");
        char pf[48];
        len += (size_t)snprintf(csv + len, cap - len, "%s,%d,%d,%d,%s,%s,%d,%zu,%zu\n",
                                csv_field(presets[p], pf, sizeof pf), tc.block, tc.frac,
                                tc.outfrac, tc.round_rne ? "rne" : "trunc", tc.norm_rne ? "rne" : "rz", tc.promote,
                                probed, agree);
        ml += (size_t)snprintf(md + ml, cap - ml, "| `%s` | %d | %d | %d | %s | %s | %s | %zu | %zu |\n", presets[p],
                               tc.block, tc.frac, tc.outfrac, tc.round_rne ? "nearest" : "truncate",
                               tc.norm_rne ? "nearest" : "toward zero", promote, probed, agree);
    }
    if (st == PB_OK) st = pb_exp_write_text(x, "presets.csv", csv);
    ml += (size_t)snprintf(md + ml, cap - ml,
                           "\nProbed paths (measured fraction bits F, result bits Fo, truncation, promotion):\n\n"
                           "| path | types | k | F | 1+2^-j survives to j | cut | Fo | result | C in alignment | "
                           "promotion | model = GPU | preset | agrees |\n|---|---|---:|---:|---:|---|---:|---|---|---|"
                           "---|---|---|\n");
    for (size_t i = 0; st == PB_OK && i < np; i++) {
        pb_tensorcore tc;
        st = tc_of(preset_of(&rows[i]), &tc);
        ml += (size_t)snprintf(md + ml, cap - ml, "| %s | %s | %d | %d | %d | %s | %d | %s | %s | %s | %s | `%s` | %s |\n",
                               rows[i].path, rows[i].types, rows[i].k, rows[i].f, rows[i].f1j, rows[i].cut, rows[i].fo,
                               rows[i].out, rows[i].cin, rows[i].promote, rows[i].match, preset_of(&rows[i]),
                               st == PB_OK && agrees(&tc, &rows[i]) ? "yes" : "no");
    }
    if (st == PB_OK) st = pb_exp_write_text(x, "probe_table.md", md);
    free(csv);
    free(md);
    return st;
}

static pb_status run(const pb_experiment *self, const pb_experiment_opts *opts)
{
    pb_exp x;
    pb_status st = pb_exp_begin(&x, self, opts);
    if (st != PB_OK) return st;
    pb_exp_param_str(&x, "format", "e4m3, per-tensor current scaling (both operands)");
    pb_exp_param_str(&x, "accum_reference", exact_spec);
    pb_exp_param_str(&x, "total_reference", "pb_exact_gemm_f32 on the float32 data");
    pb_exp_param_list(&x, "dists", "uniform01 normal");
    st = probe_tables(&x, "results/baseline/tcprobe_h100.txt");
    pb_exp_csv *csv = NULL;
    if (st == PB_OK) st = pb_exp_csv_open(&x, "errors.csv", err_header, "dist,k,m,trials", &csv);
    if (st == PB_OK) st = error_sweep(&x, csv);
    pb_status cs = pb_exp_csv_close(csv, st);
    if (st == PB_OK) st = cs;
    return pb_exp_finish(&x, st);
}

const pb_experiment pb_experiment_tensorcore = {
    .name = "tensorcore",
    .description = "fp8 (e4m3) GEMM error vs K with the H100 tensor-core model: fast accumulation, "
                   "promotion every 1, 4, 16 blocks, fp32; presets beside the H100 probe",
    .outputs = "errors.csv presets.csv probe.csv probe_table.md",
    .run = run,
};
