/* precbench accumulator: a GPU tensor-core model (docs/schemes.md).
 *
 * One hardware step sums `block` products and the internal accumulator c:
 *   1. NaN (NaN input, inf * 0, +inf with -inf) -> NaN; else inf -> inf.
 *   2. E = max(ea + eb over the nonzero products, ec if c != 0), with
 *      ea = max(floor(log2|a|), emin_A) (a subnormal input counts with its
 *      format's minimum exponent) and ec = max(floor(log2|c|), -126): a
 *      product's exponent is the sum of the input exponents, before its
 *      significand product in [1, 4) is normalised.
 *   3. Every nonzero product and c is cut to a multiple of 2^(E - frac):
 *      toward zero (round=trunc, the hardware) or to nearest even (rne).
 *   4. The cut terms are summed exactly.
 *   5. c = that sum rounded to outfrac + 1 significant bits (binary32
 *      exponent range: quantum 2^(max(e, -126) - outfrac)), toward zero
 *      (norm=rz) or to nearest even (norm=rne); |c| >= 2^128 -> inf.
 * Every `promote` steps (0: never) c is added into an fp32 accumulator f
 * with one fp32 rounding and reset to +0; the result is fl32(f + c), or c
 * without promotion.
 *
 * Sources of the presets: F. A. Khattak and M. Mikaitis, "Accurate Models
 * of NVIDIA Tensor Cores", arXiv:2512.07004 (2025), whose MATLAB models
 * (V100TC, A100TC, H100TC, B200TC built on Generic_BFMA_TC) give the FMA
 * size, the extra alignment bits neab (frac = 23 + neab; the step result
 * keeps 23 + min(neab, 0) fraction bits) and the final rounding (rz for
 * fp32 output); M. Fasi, N. J. Higham, M. Mikaitis and S. Pranesh,
 * "Numerical behavior of NVIDIA tensor cores", PeerJ Computer Science 7,
 * e330 (2021), which first measured the 4-term (V100) and 8-term (A100)
 * block FMAs, the truncation in the alignment and the round-toward-zero
 * normalisation; DeepSeek-AI, "DeepSeek-V3 Technical Report",
 * arXiv:2412.19437 (2024), section 3.3.2: FP8 GEMM on H800 keeps "around
 * 14 bits" of accumulation precision, and promoting the partial sums to
 * CUDA-core FP32 registers every N_C = 128 elements (4 WGMMAs of K = 32)
 * restores accuracy: promote = 4.  The project's probe of an H100
 * (docs/tensorcore_probe.md) measured this very definition with the h100
 * and h100-fp8 parameters, bit for bit on random inputs. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "accum/accum_internal.h"
#include "scheme/spec.h"

typedef struct tc_preset {
    const char *name;
    pb_tensorcore tc;
    const char *source;
} tc_preset;

static const tc_preset presets[] = {
    {"v100", {4, 23, 23, false, false, 0},
     "V100 fp16: 4-term block FMA, no extra alignment bits, rz (Fasi et al. 2021; Khattak & Mikaitis 2025)"},
    {"a100", {8, 24, 23, false, false, 0},
     "A100 fp16/bf16: 8-term, 1 extra alignment bit, rz (Fasi et al. 2021; Khattak & Mikaitis 2025)"},
    {"a100-tf32", {4, 24, 23, false, false, 0},
     "A100 tf32: 4-term, 1 extra alignment bit, rz (Khattak & Mikaitis 2025)"},
    {"h100", {16, 25, 23, false, false, 0},
     "H100 fp16/bf16: 16-term, 2 extra alignment bits, rz (Khattak & Mikaitis 2025; measured: docs/tensorcore_probe.md)"},
    {"h100-tf32", {8, 25, 23, false, false, 0},
     "H100 tf32: 8-term, 2 extra alignment bits, rz (Khattak & Mikaitis 2025)"},
    {"h100-fp8", {32, 13, 13, false, false, 0},
     "H100 fp8: 32-term, 13 fraction bits (neab = -10), rz; ~14 bits (DeepSeek-V3 2024; Khattak & Mikaitis 2025; measured: docs/tensorcore_probe.md)"},
    {"b200", {16, 25, 23, false, false, 0},
     "B200 fp16/bf16: 16-term, 2 extra alignment bits, rz (Khattak & Mikaitis 2025)"},
    {"b200-fp8", {32, 25, 23, false, false, 0},
     "B200 fp8: 32-term, 2 extra alignment bits, rz (Khattak & Mikaitis 2025)"},
};

enum { PB_TC_MAX_BLOCK = 512, PB_TC_MAX_FRAC = 40 };

size_t pb_tensorcore_preset_count(void)
{
    return sizeof presets / sizeof presets[0];
}

const char *pb_tensorcore_preset_name(size_t i)
{
    return i < pb_tensorcore_preset_count() ? presets[i].name : NULL;
}

const char *pb_tensorcore_preset_source(size_t i)
{
    return i < pb_tensorcore_preset_count() ? presets[i].source : NULL;
}

pb_status pb_tensorcore_preset(const char *name, pb_tensorcore *out)
{
    for (size_t i = 0; name && i < pb_tensorcore_preset_count(); i++)
        if (strcmp(presets[i].name, name) == 0) {
            if (out) *out = presets[i].tc;
            return PB_OK;
        }
    return PB_ERR_UNKNOWN_SCHEME;
}

static bool tc_same(const pb_tensorcore *x, const pb_tensorcore *y)
{
    return x->block == y->block && x->frac == y->frac &&
           x->outfrac == y->outfrac && x->round_rne == y->round_rne &&
           x->norm_rne == y->norm_rne && x->promote == y->promote;
}

static pb_status tc_parse(pb_accum *acc, const char *args)
{
    if (!args) return PB_ERR_PARSE;
    pb_tensorcore tc = {0, -1, -1, false, false, 0};
    bool have_preset = false, have_block = false, have_outfrac = false;
    char item[PB_SPEC_ITEM_MAX];
    bool bad = false, first = true;
    const char *cur = args;
    while (pb_spec_next(&cur, item, sizeof item, &bad)) {
        char *key, *value;
        if (!strchr(item, '=')) {
            /* a preset, only as the first item */
            if (!first) return PB_ERR_PARSE;
            pb_status st = pb_tensorcore_preset(item, &tc);
            if (st != PB_OK) return st;
            have_preset = have_block = have_outfrac = true;
            first = false;
            continue;
        }
        first = false;
        if (!pb_spec_kv(item, &key, &value)) return PB_ERR_PARSE;
        long v;
        if (strcmp(key, "block") == 0) {
            if (!pb_spec_long(value, 1, PB_TC_MAX_BLOCK, &v)) return PB_ERR_PARSE;
            tc.block = (int)v;
            have_block = true;
        } else if (strcmp(key, "frac") == 0) {
            if (!pb_spec_long(value, 0, PB_TC_MAX_FRAC, &v)) return PB_ERR_PARSE;
            tc.frac = (int)v;
        } else if (strcmp(key, "outfrac") == 0) {
            if (!pb_spec_long(value, 0, 23, &v)) return PB_ERR_PARSE;
            tc.outfrac = (int)v;
            have_outfrac = true;
        } else if (strcmp(key, "promote") == 0) {
            if (!pb_spec_long(value, 0, 1 << 20, &v)) return PB_ERR_PARSE;
            tc.promote = (int)v;
        } else if (strcmp(key, "round") == 0) {
            if (strcmp(value, "trunc") == 0) tc.round_rne = false;
            else if (strcmp(value, "rne") == 0) tc.round_rne = true;
            else return PB_ERR_PARSE;
        } else if (strcmp(key, "norm") == 0) {
            if (strcmp(value, "rz") == 0) tc.norm_rne = false;
            else if (strcmp(value, "rne") == 0) tc.norm_rne = true;
            else return PB_ERR_PARSE;
        } else {
            return PB_ERR_PARSE;
        }
    }
    if (bad) return PB_ERR_PARSE;
    if (!have_preset && (!have_block || tc.frac < 0)) return PB_ERR_PARSE;
    if (!have_outfrac) tc.outfrac = tc.frac < 23 ? tc.frac : 23;
    acc->tc = tc;
    return PB_OK;
}

static void tc_print(const pb_accum *acc, char *buf, size_t size)
{
    const pb_tensorcore *tc = &acc->tc;
    for (size_t i = 0; i < pb_tensorcore_preset_count(); i++) {
        pb_tensorcore p = presets[i].tc;
        if (tc_same(&p, tc)) {
            snprintf(buf, size, "%s", presets[i].name);
            return;
        }
        p.promote = tc->promote;
        if (tc_same(&p, tc)) {
            snprintf(buf, size, "%s,promote=%d", presets[i].name, tc->promote);
            return;
        }
    }
    snprintf(buf, size, "block=%d,frac=%d,outfrac=%d,round=%s,norm=%s,promote=%d",
             tc->block, tc->frac, tc->outfrac, tc->round_rne ? "rne" : "trunc",
             tc->norm_rne ? "rne" : "rz", tc->promote);
}

/* One block FMA: c + sum_k a_k b_k under the model (n <= block). */
static double tc_step(const pb_tensorcore *tc, const float *a, const float *b,
                      size_t n, double c, int emin_a, int emin_b)
{
    bool nan = isnan(c), pinf = c == INFINITY, ninf = c == -INFINITY;
    int E = INT_MIN;
    for (size_t k = 0; k < n; k++) {
        double p = (double)a[k] * (double)b[k]; /* exact */
        if (isnan(p)) nan = true;
        else if (p == INFINITY) pinf = true;
        else if (p == -INFINITY) ninf = true;
        else if (p != 0.0) {
            int ea = pb_accum_ilog2(a[k]), eb = pb_accum_ilog2(b[k]);
            if (ea < emin_a) ea = emin_a;
            if (eb < emin_b) eb = emin_b;
            if (ea + eb > E) E = ea + eb;
        }
    }
    if (nan || (pinf && ninf)) return NAN;
    if (pinf) return INFINITY;
    if (ninf) return -INFINITY;
    if (c != 0.0) {
        int ec = pb_accum_ilog2(c);
        if (ec < -126) ec = -126;
        if (ec > E) E = ec;
    }
    if (E == INT_MIN) return 0.0; /* every term zero */

    /* Terms in units of q = 2^(E - frac): integers below 2^(frac + 2), so
     * the sum of at most 513 of them is exact in binary64 (frac <= 40). */
    int qe = E - tc->frac;
    double inv_q = ldexp(1.0, -qe); /* a normal double: |qe| < 400 */
    double S = 0.0;
    for (size_t k = 0; k < n; k++) {
        double p = (double)a[k] * (double)b[k];
        if (p == 0.0) continue;
        double t = p * inv_q; /* exact: a power-of-two scaling */
        S += tc->round_rne ? nearbyint(t) : trunc(t);
    }
    if (c != 0.0) {
        double t = c * inv_q;
        S += tc->round_rne ? nearbyint(t) : trunc(t);
    }
    if (S == 0.0) return 0.0;
    double v = ldexp(S, qe);

    /* Normalise into outfrac + 1 bits with binary32's exponent range. */
    int e = pb_accum_ilog2(v);
    if (e < -126) e = -126;
    double m = ldexp(v, tc->outfrac - e);
    m = tc->norm_rne ? nearbyint(m) : trunc(m);
    double r = ldexp(m, e - tc->outfrac);
    if (fabs(r) >= 0x1p128) return r > 0 ? INFINITY : -INFINITY;
    return r;
}

static double tc_dot(const pb_accum *acc, const float *a, const float *b,
                     size_t n, const pb_accum_env *env)
{
    const pb_tensorcore *tc = &acc->tc;
    size_t B = (size_t)tc->block;
    double c = 0.0;
    float f = 0.0f;
    int steps = 0;
    for (size_t k0 = 0; k0 < n; k0 += B) {
        size_t len = n - k0 < B ? n - k0 : B;
        c = tc_step(tc, a + k0, b + k0, len, c, env->emin_a, env->emin_b);
        if (tc->promote > 0 && ++steps == tc->promote) {
            f = f + (float)c; /* c holds at most 24 bits: (float)c is exact */
            c = 0.0;
            steps = 0;
        }
    }
    if (tc->promote > 0) return f + (float)c;
    return c;
}

const pb_accum_model pb_accum_tensorcore = {
    .name = "tensorcore",
    .description = "GPU tensor-core block FMA: align to the largest exponent, keep frac bits, promote every N steps",
    .syntax = ":PRESET[,promote=N] | :block=k,frac=F[,outfrac=G,round=trunc|rne,norm=rz|rne,promote=N]",
    .parse = tc_parse,
    .print = tc_print,
    .dot = tc_dot,
};
