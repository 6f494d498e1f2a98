/* precbench tests: the scaling methods (docs/schemes.md, section 3) on
 * hand-made operands: the OCP MX rule (amax 0, NaN and inf in a block,
 * subnormal amax, clamping, the rounded-up variant, MXINT8), per-tensor
 * current and delayed scaling, per-row, NVFP4, absmean and pow2; and the
 * same scales from an operand read in place through strides (transposed). */
#include <float.h>
#include <math.h>

#include "harness.h"
#include "precbench/gemm.h"
#include "precbench/rng.h"
#include "precbench/scale.h"
#include "precbench/scheme.h"

static const pb_format *fmt(const char *name)
{
    const pb_format *f = pb_format_by_name(name);
    if (!f) {
        fprintf(stderr, "format %s missing\n", name);
        exit(1);
    }
    return f;
}

static pb_scaling scaling(const char *text)
{
    pb_scaling s;
    memset(&s, 0, sizeof s);
    pb_status st = pb_scaling_parse(text, &s);
    PBT_CHECK(st == PB_OK, "parse %s: %s", text, pb_status_message(st));
    return s;
}

/* One block of 32 with every value v except x[0] = amax. */
static uint8_t mx_code(const char *elem, pb_mx_rule rule, float amax)
{
    float x[32];
    for (int i = 0; i < 32; i++) x[i] = (i & 1) ? amax / 3 : -amax / 7;
    x[5] = -amax;
    return pb_scale_mx_e8m0(fmt(elem), rule, x, 32, 1);
}

static void test_mx_ocp_rule(void)
{
    /* e = floor(log2(amax)) - emax_elem, code e + 127 */
    PBT_CHECK(mx_code("e4m3", PB_MX_RULE_OCP, 1.0f) == 127 - 8, "e4m3 amax 1");
    PBT_CHECK(mx_code("e4m3", PB_MX_RULE_OCP, 448.0f) == 127, "e4m3 amax 448");
    PBT_CHECK(mx_code("e4m3", PB_MX_RULE_OCP, 511.0f) == 127, "e4m3 amax 511 (floor)");
    PBT_CHECK(mx_code("e4m3", PB_MX_RULE_OCP, 512.0f) == 128, "e4m3 amax 512");
    PBT_CHECK(mx_code("e5m2", PB_MX_RULE_OCP, 1.0f) == 127 - 15, "e5m2");
    PBT_CHECK(mx_code("e2m3", PB_MX_RULE_OCP, 3.0f) == 127 - 1, "e2m3 amax 3");
    PBT_CHECK(mx_code("e3m2", PB_MX_RULE_OCP, 3.0f) == 127 - 3, "e3m2 amax 3");
    PBT_CHECK(mx_code("e2m1", PB_MX_RULE_OCP, 6.0f) == 127, "e2m1 amax 6");
    PBT_CHECK(mx_code("e2m1", PB_MX_RULE_OCP, 0.75f) == 127 - 3, "e2m1 amax 0.75");
    /* amax 0: the smallest scale, 2^-127 */
    float z[32] = {0};
    z[3] = -0.0f;
    PBT_CHECK(pb_scale_mx_e8m0(fmt("e4m3"), PB_MX_RULE_OCP, z, 32, 1) == 0, "amax 0");
    /* NaN or inf anywhere in the block: the NaN scale */
    float x[32];
    for (int i = 0; i < 32; i++) x[i] = 1.0f;
    x[17] = NAN;
    PBT_CHECK(pb_scale_mx_e8m0(fmt("e4m3"), PB_MX_RULE_OCP, x, 32, 1) == 0xFF, "NaN");
    x[17] = -INFINITY;
    PBT_CHECK(pb_scale_mx_e8m0(fmt("e4m3"), PB_MX_RULE_OCP, x, 32, 1) == 0xFF, "inf");
    PBT_CHECK(pb_scale_mx_e8m0(fmt("e2m1"), PB_MX_RULE_UP, x, 32, 1) == 0xFF, "inf (up)");
    /* subnormal and tiny amax: clamped to -127 */
    PBT_CHECK(mx_code("e4m3", PB_MX_RULE_OCP, 0x1p-140f) == 0, "subnormal amax");
    PBT_CHECK(mx_code("e4m3", PB_MX_RULE_OCP, 0x1p-119f) == 0, "amax 2^-119 -> -127");
    PBT_CHECK(mx_code("e4m3", PB_MX_RULE_OCP, 0x1p-118f) == 1, "amax 2^-118 -> -126");
    PBT_CHECK(mx_code("e2m1", PB_MX_RULE_OCP, 0x1.8p-149f) == 0, "smallest subnormal");
    /* large amax */
    PBT_CHECK(mx_code("e2m1", PB_MX_RULE_OCP, FLT_MAX) == 127 + 125, "FLT_MAX e2m1");
    /* strided access: a column of a row-major matrix */
    float m[4 * 3];
    for (int i = 0; i < 12; i++) m[i] = 1.0f;
    m[1 * 3 + 2] = 448.0f;
    PBT_CHECK(pb_scale_mx_e8m0(fmt("e4m3"), PB_MX_RULE_OCP, m + 2, 4, 3) == 127, "stride");
}

static void test_mx_up_rule(void)
{
    /* smallest e with amax <= fmax * 2^e */
    PBT_CHECK(mx_code("e2m1", PB_MX_RULE_UP, 6.0f) == 127, "6 fits 2^0");
    PBT_CHECK(mx_code("e2m1", PB_MX_RULE_UP, 7.0f) == 128, "7 needs 2^1");
    PBT_CHECK(mx_code("e2m1", PB_MX_RULE_OCP, 7.0f) == 127, "OCP keeps 2^0 (7 saturates)");
    PBT_CHECK(mx_code("e4m3", PB_MX_RULE_UP, 448.0f) == 127, "448 fits");
    PBT_CHECK(mx_code("e4m3", PB_MX_RULE_UP, 449.0f) == 128, "449 rounds up");
    PBT_CHECK(mx_code("e4m3", PB_MX_RULE_UP, 1.0f) == 127 - 8, "1 -> 2^-8 (1/2^-8 = 256 <= 448)");
    PBT_CHECK(mx_code("e4m3", PB_MX_RULE_UP, 1.75f) == 127 - 8, "1.75 = 448 * 2^-8 fits");
    PBT_CHECK(mx_code("e4m3", PB_MX_RULE_UP, 1.8f) == 127 - 7, "1.8 -> 2^-7");
    /* on random blocks: nothing saturates under `up`, and the scale is
     * never smaller than the OCP one nor more than 2x larger */
    for (uint64_t t = 0; t < pbt_count(2000); t++) {
        float x[32];
        for (int i = 0; i < 32; i++)
            x[i] = (float)(pb_rng_normal(pbt_seed(), 1, t * 32 + (uint64_t)i) *
                           ldexp(1.0, (int)(pb_rng_u32(pbt_seed(), 2, t, 0) % 40) - 20));
        const char *names[] = {"e4m3", "e5m2", "e2m3", "e3m2", "e2m1"};
        for (int f = 0; f < 5; f++) {
            const pb_format *el = fmt(names[f]);
            int up = pb_scale_mx_e8m0(el, PB_MX_RULE_UP, x, 32, 1) - 127;
            int ocp = pb_scale_mx_e8m0(el, PB_MX_RULE_OCP, x, 32, 1) - 127;
            double amax = pb_scale_amax(x, 32, 1);
            PBT_CHECK(amax <= ldexp(el->max_finite, up), "%s saturates under up", names[f]);
            PBT_CHECK(amax > ldexp(el->max_finite, up - 1), "%s up not minimal", names[f]);
            PBT_CHECK(up == ocp || up == ocp + 1, "%s up %d ocp %d", names[f], up, ocp);
        }
    }
}

static void test_mx_compute(void)
{
    /* a 2 x 40 operand: blocks of 32 and a tail of 8 */
    float x[2 * 40];
    for (int i = 0; i < 80; i++) x[i] = 0.5f;
    x[3] = 448.0f;        /* row 0 block 0: e = 0      */
    x[35] = 1.0f;         /* row 0 block 1: e = -8     */
    x[40 + 10] = NAN;     /* row 1 block 0: NaN scale  */
    pb_scaling s = scaling("mx");
    pb_scales sc;
    PBT_REQUIRE(pb_scale_compute(&s, fmt("e4m3"), x, 2, 40, 40, NULL, &sc) == PB_OK, "compute");
    PBT_CHECK(sc.block == 32 && sc.nblocks == 2 && sc.blk, "layout");
    PBT_CHECK(sc.blk[0] == 1.0f && sc.enc[0] == 1.0, "row 0 block 0");
    PBT_CHECK(sc.blk[1] == 0x1p-8f && sc.enc[1] == 0x1p8, "row 0 block 1");
    PBT_CHECK(isnan(sc.blk[2]) && isnan(sc.enc[2]), "row 1 block 0 NaN");
    PBT_CHECK(sc.blk[3] == 0x1p-9f, "row 1 block 1: amax 0.5");
    PBT_CHECK(sc.outer[0] == 1.0f && sc.outer[1] == 1.0f && sc.saturate, "outer");
    /* quantised values: OCP lets 1.9 * 2^8 saturate to 448 */
    pb_rounding rn = pb_rounding_default();
    PBT_CHECK(pb_scale_quantise(&sc, fmt("e4m3"), &rn, 0, 35, 1.0f, 0) == 256.0, "1 * 2^8");
    PBT_CHECK(pb_scale_quantise(&sc, fmt("e4m3"), &rn, 0, 36, 1.9f, 0) == 448.0, "saturates");
    pb_scales_free(&sc);
    /* MXINT8: elements are codes times 2^-6, emax_elem = 0 */
    float y[32];
    for (int i = 0; i < 32; i++) y[i] = 0.25f;
    y[0] = 1.0f;
    PBT_REQUIRE(pb_scale_compute(&s, fmt("int8"), y, 1, 32, 32, NULL, &sc) == PB_OK, "int8");
    PBT_CHECK(pb_scale_mx_e8m0(fmt("int8"), PB_MX_RULE_OCP, y, 32, 1) == 127, "int8 code");
    PBT_CHECK(sc.blk[0] == 0x1p-6f && sc.enc[0] == 0x1p6, "int8 block scale 2^(e-6)");
    PBT_CHECK(pb_scale_quantise(&sc, fmt("int8"), &rn, 0, 0, 1.0f, 0) == 64.0, "code of 1");
    PBT_CHECK(pb_scale_quantise(&sc, fmt("int8"), &rn, 0, 1, 1.999f, 0) == 127.0, "code saturates");
    pb_scales_free(&sc);
    /* non-default parameters */
    pb_scaling s16 = scaling("mx:block=16,rule=up");
    PBT_CHECK(pb_scaling_block(&s16) == 16 && s16.rule == PB_MX_RULE_UP, "params");
}

static void test_tensor_rowcol(void)
{
    float x[3 * 4] = {1, -2, 3, 0.5f, 0, 0, 0, 0, 100, -200, 50, 1};
    pb_scaling t = scaling("tensor");
    pb_scales sc;
    PBT_REQUIRE(pb_scale_compute(&t, fmt("e4m3"), x, 3, 4, 4, NULL, &sc) == PB_OK, "tensor");
    float enc = (float)(448.0 / 200.0);
    PBT_CHECK(sc.enc[0] == enc && sc.enc[2] == enc, "enc = fl32(448/200)");
    PBT_CHECK(sc.outer[1] == (float)(1.0 / enc), "outer = fl32(1/enc)");
    PBT_CHECK(sc.amax == 200.0, "amax");
    pb_scales_free(&sc);
    /* margin */
    pb_scaling tm = scaling("tensor:margin=2");
    PBT_REQUIRE(pb_scale_compute(&tm, fmt("e4m3"), x, 3, 4, 4, NULL, &sc) == PB_OK, "margin");
    PBT_CHECK(sc.enc[0] == (double)enc / 4, "margin 2");
    pb_scales_free(&sc);
    /* all zeros, NaN: enc = 1 */
    float z[4] = {0, 0, 0, 0}, n[4] = {1, NAN, 2, 3};
    PBT_REQUIRE(pb_scale_compute(&t, fmt("e4m3"), z, 1, 4, 4, NULL, &sc) == PB_OK, "zeros");
    PBT_CHECK(sc.enc[0] == 1.0 && sc.outer[0] == 1.0f, "amax 0 -> 1");
    pb_scales_free(&sc);
    PBT_REQUIRE(pb_scale_compute(&t, fmt("e4m3"), n, 1, 4, 4, NULL, &sc) == PB_OK, "nan");
    PBT_CHECK(sc.enc[0] == 1.0, "amax NaN -> 1");
    pb_scales_free(&sc);
    /* per row, int8 absmax per token: enc = fl32(127 / amax_row) */
    pb_scaling r = scaling("rowcol");
    PBT_REQUIRE(pb_scale_compute(&r, fmt("int8"), x, 3, 4, 4, NULL, &sc) == PB_OK, "rowcol");
    PBT_CHECK(sc.enc[0] == (float)(127.0 / 3.0), "row 0");
    PBT_CHECK(sc.enc[1] == 1.0, "row 1 (zeros)");
    PBT_CHECK(sc.enc[2] == (float)(127.0 / 200.0), "row 2");
    pb_rounding rn = pb_rounding_default();
    PBT_CHECK(pb_scale_quantise(&sc, fmt("int8"), &rn, 2, 1, -200.0f, 0) == -127.0, "-amax -> -127");
    PBT_CHECK(pb_scale_quantise(&sc, fmt("int8"), &rn, 0, 2, 3.0f, 0) == 127.0, "amax -> 127");
    pb_scales_free(&sc);
}

static void test_delayed(void)
{
    pb_scaling_state *st;
    PBT_REQUIRE(pb_scaling_state_create(2, &st) == PB_OK, "create");
    PBT_CHECK(pb_scaling_state_amax(st) == 0.0 && pb_scaling_state_count(st) == 0, "empty");
    pb_scaling_state_push(st, 1.0);
    pb_scaling_state_push(st, 4.0);
    pb_scaling_state_push(st, 2.0);
    PBT_CHECK(pb_scaling_state_amax(st) == 4.0, "max of the last 2 (4, 2)");
    pb_scaling_state_push(st, 0.5);
    PBT_CHECK(pb_scaling_state_amax(st) == 2.0, "max of (2, 0.5)");
    pb_scaling_state_push(st, NAN);
    pb_scaling_state_push(st, INFINITY);
    PBT_CHECK(pb_scaling_state_amax(st) == 2.0 && pb_scaling_state_count(st) == 2,
              "non-finite amax ignored");
    pb_scaling_state_reset(st);
    PBT_CHECK(pb_scaling_state_count(st) == 0, "reset");
    pb_scaling_state_destroy(st);
    pb_scaling_state *bad = NULL;
    PBT_CHECK(pb_scaling_state_create(0, &bad) == PB_ERR_ARG && !bad, "h = 0 rejected");

    /* through pb_gemm: the first call has no history (enc = 1: e4m3
     * saturates 1000 to 448), the second uses the first call's amax */
    pb_scheme *s;
    PBT_REQUIRE(pb_scheme_parse("fmt=e4m3;scale=delayed:h=4,none;acc=fp32", &s) == PB_OK, "scheme");
    pb_scaling_state *ha;
    PBT_REQUIRE(pb_scheme_state_create(s, 0, &ha) == PB_OK, "state");
    PBT_CHECK(pb_scaling_state_history(ha) == 4, "history length from the scheme");
    float a[2] = {1000.0f, 1.0f}, b[2] = {1.0f, 0.0f}, c[1];
    pb_gemm_ctx ctx = pb_gemm_ctx_default();
    ctx.delayed_a = ha;
    PBT_REQUIRE(pb_gemm(s, &ctx, PB_NO_TRANS, PB_NO_TRANS, 1, 1, 2, 1.0f, a, 2, b, 1, 0.0f, c, 1) == PB_OK, "call 1");
    PBT_CHECK(c[0] == 448.0f, "first call saturates: %g", c[0]);
    PBT_CHECK(pb_scaling_state_amax(ha) == 1000.0, "amax recorded");
    PBT_REQUIRE(pb_gemm(s, &ctx, PB_NO_TRANS, PB_NO_TRANS, 1, 1, 2, 1.0f, a, 2, b, 1, 0.0f, c, 1) == PB_OK, "call 2");
    PBT_CHECK(fabsf(c[0] - 1000.0f) <= 1000.0f / 16, "second call scaled: %g", c[0]);
    /* a larger value than the history saturates at fmax / enc */
    float a2[2] = {4000.0f, 1.0f};
    PBT_REQUIRE(pb_gemm(s, &ctx, PB_NO_TRANS, PB_NO_TRANS, 1, 1, 2, 1.0f, a2, 2, b, 1, 0.0f, c, 1) == PB_OK, "call 3");
    PBT_CHECK(fabsf(c[0] - 1000.0f) <= 1000.0f / 16, "above the history saturates: %g", c[0]);
    PBT_CHECK(pb_scaling_state_amax(ha) == 4000.0, "then learns 4000");
    /* without a state object: current scaling */
    ctx.delayed_a = NULL;
    PBT_REQUIRE(pb_gemm(s, &ctx, PB_NO_TRANS, PB_NO_TRANS, 1, 1, 2, 1.0f, a2, 2, b, 1, 0.0f, c, 1) == PB_OK, "no state");
    PBT_CHECK(fabsf(c[0] - 4000.0f) <= 4000.0f / 16, "current amax: %g", c[0]);
    pb_scaling_state_destroy(ha);
    pb_scheme_free(s);
}

static void test_nvfp4(void)
{
    pb_scaling s = scaling("nvfp4");
    PBT_CHECK(pb_scaling_block(&s) == 16, "block 16");
    /* tensor amax 1: genc = 2688; block amax 1: s = e4m3(1/6 * 2688 = 448) */
    float x[32];
    for (int i = 0; i < 32; i++) x[i] = 0.125f;
    x[0] = 1.0f;
    x[20] = 0.5f; /* block 1 amax 0.5: s = e4m3(0.5/6*2688 = 224) */
    pb_scales sc;
    PBT_REQUIRE(pb_scale_compute(&s, fmt("e2m1"), x, 1, 32, 32, NULL, &sc) == PB_OK, "compute");
    PBT_CHECK(sc.outer[0] == (float)(1.0 / 2688.0), "global decode scale");
    PBT_CHECK(sc.blk[0] == 448.0f && sc.enc[0] == 6.0, "block 0 scale %g enc %g", sc.blk[0], sc.enc[0]);
    PBT_CHECK(sc.blk[1] == 224.0f && sc.enc[1] == 12.0, "block 1 scale %g enc %g", sc.blk[1], sc.enc[1]);
    pb_rounding rn = pb_rounding_default();
    PBT_CHECK(pb_scale_quantise(&sc, fmt("e2m1"), &rn, 0, 0, 1.0f, 0) == 6.0, "amax -> 6");
    PBT_CHECK(pb_scale_quantise(&sc, fmt("e2m1"), &rn, 0, 20, 0.5f, 0) == 6.0, "block amax -> 6");
    pb_scales_free(&sc);
    /* a block far below the tensor amax: its e4m3 scale underflows to 0
     * and the block quantises to zeros */
    float y[32];
    for (int i = 0; i < 32; i++) y[i] = i < 16 ? 1e-9f : 1.0f;
    PBT_REQUIRE(pb_scale_compute(&s, fmt("e2m1"), y, 1, 32, 32, NULL, &sc) == PB_OK, "tiny");
    PBT_CHECK(sc.blk[0] == 0.0f && sc.enc[0] == 0.0, "tiny block scale 0");
    PBT_CHECK(pb_scale_quantise(&sc, fmt("e2m1"), &rn, 0, 3, 1e-9f, 0) == 0.0, "tiny -> 0");
    pb_scales_free(&sc);
    /* e4m3 block scales are rounded: 7 / 6 * 2688 / 7 ... a value that is
     * not an e4m3 number */
    float w[16];
    for (int i = 0; i < 16; i++) w[i] = 0.3f;
    w[0] = 1.0f;
    float v[32];
    for (int i = 0; i < 32; i++) v[i] = i < 16 ? w[i] * 0.7f : w[i - 16];
    PBT_REQUIRE(pb_scale_compute(&s, fmt("e2m1"), v, 1, 32, 32, NULL, &sc) == PB_OK, "round");
    float want = (float)pb_format_round(fmt("e4m3"), (double)(float)((double)(float)(0.7f / 6.0) * 2688.0), &rn, 0);
    PBT_CHECK(sc.blk[0] == want, "rounded block scale %g vs %g", sc.blk[0], want);
    pb_scales_free(&sc);
}

static void test_absmean_pow2(void)
{
    float w[8] = {0.5f, -0.25f, 1.0f, 0.0f, -2.0f, 0.1f, -0.05f, 0.7f};
    double sum = 0;
    for (int i = 0; i < 8; i++) sum += fabs((double)w[i]);
    float gamma = (float)(sum / 8);
    pb_scaling s = scaling("absmean");
    pb_scales sc;
    PBT_REQUIRE(pb_scale_compute(&s, fmt("ternary"), w, 2, 4, 4, NULL, &sc) == PB_OK, "absmean");
    PBT_CHECK(sc.outer[0] == gamma && sc.outer[1] == gamma, "gamma");
    PBT_CHECK(sc.enc[0] == (float)(1.0 / gamma), "enc");
    pb_rounding rn = pb_rounding_default();
    float want[8] = {1, 0, 1, 0, -1, 0, 0, 1}; /* RoundClip(w / gamma, -1, 1), gamma ~ 0.6 */
    for (int i = 0; i < 8; i++) {
        double q = pb_scale_quantise(&sc, fmt("ternary"), &rn, (size_t)i / 4, (size_t)i % 4, w[i], 0);
        PBT_CHECK(q == want[i], "ternary %d: %g", i, q);
    }
    pb_scales_free(&sc);
    /* pow2: a fixed factor, overflow policy of the format (not sat) */
    pb_scaling p = scaling("pow2:e=20");
    float one[1] = {1.0f};
    PBT_REQUIRE(pb_scale_compute(&p, fmt("fp16"), one, 1, 1, 1, NULL, &sc) == PB_OK, "pow2");
    PBT_CHECK(sc.enc[0] == 0x1p20 && sc.outer[0] == 0x1p-20f && !sc.saturate, "pow2 factors");
    PBT_CHECK(isinf(pb_scale_quantise(&sc, fmt("fp16"), &rn, 0, 0, 1.0f, 0)), "too large overflows");
    pb_scales_free(&sc);
    pb_scaling pm = scaling("pow2:e=-30");
    PBT_REQUIRE(pb_scale_compute(&pm, fmt("fp16"), one, 1, 1, 1, NULL, &sc) == PB_OK, "pow2 -30");
    PBT_CHECK(pb_scale_quantise(&sc, fmt("fp16"), &rn, 0, 0, 1e-3f, 0) == 0.0, "too small flushes");
    pb_scales_free(&sc);
}

static void test_parse(void)
{
    struct { const char *text; pb_status want; } cases[] = {
        {"none", PB_OK}, {"tensor", PB_OK}, {"tensor:margin=1", PB_OK},
        {"delayed", PB_OK}, {"delayed:h=1024,margin=-2", PB_OK}, {"rowcol", PB_OK},
        {"mx", PB_OK}, {"mx:block=32,rule=up", PB_OK}, {"nvfp4", PB_OK},
        {"absmean", PB_OK}, {"pow2:e=-12", PB_OK},
        {"bogus", PB_ERR_UNKNOWN_SCHEME}, {"", PB_ERR_PARSE}, {"tensor:", PB_ERR_PARSE},
        {"tensor:margin", PB_ERR_PARSE}, {"tensor:margin=x", PB_ERR_PARSE},
        {"tensor:margin=1,", PB_ERR_PARSE}, {"none:x=1", PB_ERR_PARSE},
        {"delayed:h=0", PB_ERR_PARSE}, {"mx:block=0", PB_ERR_PARSE},
        {"mx:rule=down", PB_ERR_PARSE}, {"mx:size=32", PB_ERR_PARSE},
        {"pow2:e=200", PB_ERR_PARSE}, {"absmean:margin=1", PB_ERR_PARSE},
    };
    pb_scaling s;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pb_status st = pb_scaling_parse(cases[i].text, &s);
        PBT_CHECK(st == cases[i].want, "\"%s\": %s, want %s", cases[i].text,
                  pb_status_message(st), pb_status_message(cases[i].want));
    }
    /* canonical names: non-default parameters only */
    const char *canon[][2] = {{"delayed:h=16,margin=0", "delayed"},
                              {"delayed:margin=1,h=8", "delayed:h=8,margin=1"},
                              {"mx:rule=ocp,block=32", "mx"},
                              {"mx:rule=up", "mx:rule=up"},
                              {"tensor:margin=0", "tensor"}};
    for (size_t i = 0; i < sizeof canon / sizeof canon[0]; i++) {
        s = scaling(canon[i][0]);
        char buf[64];
        PBT_CHECK(strcmp(pb_scaling_name(&s, buf, sizeof buf), canon[i][1]) == 0,
                  "%s -> %s, want %s", canon[i][0], buf, canon[i][1]);
    }
    for (size_t i = 0; i < pb_scaling_method_count(); i++) {
        const pb_scaling_method *m = pb_scaling_method_at(i);
        PBT_CHECK(pb_scaling_method_by_name(pb_scaling_method_name(m)) == m, "lookup");
        PBT_CHECK(*pb_scaling_method_description(m), "description");
    }
    PBT_CHECK(pb_scale_amax((float[]){1, -3, NAN}, 3, 1) != pb_scale_amax((float[]){1, -3, NAN}, 3, 1),
              "amax NaN");
    PBT_CHECK(pb_scale_amax((float[]){1, -3, 2}, 3, 1) == 3.0, "amax");
}

/* Two scale sets are the same bits (NaN equal to NaN). */
static bool scales_equal(const pb_scales *a, const pb_scales *b)
{
    if (a->rows != b->rows || a->nblocks != b->nblocks || a->block != b->block) return false;
    if (memcmp(&a->amax, &b->amax, sizeof a->amax) != 0 && !(isnan(a->amax) && isnan(b->amax)))
        return false;
    for (size_t i = 0; i < a->rows * a->nblocks; i++) {
        if (memcmp(&a->enc[i], &b->enc[i], sizeof(double)) != 0 && !(isnan(a->enc[i]) && isnan(b->enc[i])))
            return false;
        if (a->blk && memcmp(&a->blk[i], &b->blk[i], sizeof(float)) != 0 &&
            !(isnan(a->blk[i]) && isnan(b->blk[i])))
            return false;
    }
    for (size_t r = 0; r < a->rows; r++)
        if (memcmp(&a->outer[r], &b->outer[r], sizeof(float)) != 0) return false;
    return true;
}

/* Every method gives the same scales whether the operand lies row-major or
 * transposed in memory (read in place through strides), with 1 or 2
 * threads, on odd shapes with zeros, subnormals, wide ranges, and a NaN or
 * inf in some of them. */
static void test_strided_view(void)
{
    static const char *methods[] = {"none", "tensor", "tensor:margin=2", "delayed", "rowcol",
                                    "mx", "mx:rule=up", "mx:block=7", "nvfp4", "absmean",
                                    "pow2:e=3"};
    static const size_t shapes[][2] = {{1, 1}, {3, 70}, {37, 33}, {300, 129}, {513, 65}};
    int trials = 0, agree = 0;
    for (size_t si = 0; si < sizeof shapes / sizeof shapes[0]; si++) {
        const size_t rows = shapes[si][0], k = shapes[si][1];
        float *x = malloc(rows * k * sizeof *x), *xt = malloc(rows * k * sizeof *xt);
        for (int special = 0; special < 3; special++) {
            for (size_t i = 0; i < rows * k; i++) {
                uint64_t idx = si * 1000003u + (uint64_t)special * 7919u + i;
                double v = pb_rng_normal(pbt_seed(), 3, idx) *
                           ldexp(1.0, (int)(pb_rng_u32(pbt_seed(), 4, idx, 0) % 60) - 30);
                x[i] = pb_rng_u32(pbt_seed(), 5, idx, 0) % 17 == 0 ? 0.0f : (float)v;
                if (pb_rng_u32(pbt_seed(), 6, idx, 0) % 23 == 0) x[i] = 1e-41f;
            }
            if (special == 1) x[(rows * k) / 2] = NAN;
            if (special == 2) x[rows * k - 1] = -INFINITY;
            for (size_t r = 0; r < rows; r++)
                for (size_t kk = 0; kk < k; kk++) xt[kk * rows + r] = x[r * k + kk];
            for (size_t mi = 0; mi < sizeof methods / sizeof methods[0]; mi++) {
                pb_scaling s = scaling(methods[mi]);
                const pb_format *elem = fmt(strncmp(methods[mi], "absmean", 7) == 0 ? "ternary"
                                            : strncmp(methods[mi], "nvfp4", 5) == 0 ? "e2m1"
                                                                                   : "e4m3");
                pb_scales ref, got;
                PBT_REQUIRE(pb_scale_compute(&s, elem, x, rows, k, k, NULL, &ref) == PB_OK, "ref");
                for (int threads = 1; threads <= 2; threads++) {
                    PBT_REQUIRE(pb_scale_compute_strided(&s, elem, xt, rows, k, 1, rows, threads,
                                                         NULL, &got) == PB_OK,
                                "strided");
                    trials++;
                    bool eq = scales_equal(&ref, &got);
                    agree += eq;
                    PBT_CHECK(eq, "%s %zux%zu special %d threads %d: transposed view differs",
                              methods[mi], rows, k, special, threads);
                    pb_scales_free(&got);
                    PBT_REQUIRE(pb_scale_compute_strided(&s, elem, x, rows, k, k, 1, threads, NULL,
                                                         &got) == PB_OK,
                                "row view");
                    PBT_CHECK(scales_equal(&ref, &got), "%s: row view with %d threads differs",
                              methods[mi], threads);
                    pb_scales_free(&got);
                }
                /* in the caller's memory: the same scales, and the memory
                 * stays the caller's; a buffer one byte short is not used */
                size_t bytes = pb_scales_bytes(&s, rows, k);
                double *buf = malloc(bytes + 8);
                PBT_REQUIRE(bytes > 0 && buf, "scales bytes");
                PBT_REQUIRE(pb_scale_compute_in(&s, elem, xt, rows, k, 1, rows, 2, NULL, buf, bytes,
                                                &got) == PB_OK,
                            "in buffer");
                PBT_CHECK(got.borrowed && got.mem == (void *)buf && scales_equal(&ref, &got),
                          "%s: scales in the caller's buffer", methods[mi]);
                pb_scales_free(&got);
                PBT_REQUIRE(pb_scale_compute_in(&s, elem, x, rows, k, k, 1, 1, NULL, buf, bytes - 1,
                                                &got) == PB_OK,
                            "short buffer");
                PBT_CHECK(!got.borrowed && got.mem != (void *)buf && scales_equal(&ref, &got),
                          "%s: a short buffer is not used", methods[mi]);
                pb_scales_free(&got);
                free(buf);
                pb_scales_free(&ref);
            }
        }
        free(x);
        free(xt);
    }
    PBT_CHECK(trials > 0 && agree == trials, "%d of %d views agree", agree, trials);
}

int main(int argc, char **argv)
{
    pbt_init(argc, argv);
    PBT_RUN(test_mx_ocp_rule);
    PBT_RUN(test_mx_up_rule);
    PBT_RUN(test_mx_compute);
    PBT_RUN(test_tensor_rowcol);
    PBT_RUN(test_delayed);
    PBT_RUN(test_nvfp4);
    PBT_RUN(test_absmean_pow2);
    PBT_RUN(test_parse);
    PBT_RUN(test_strided_view);
    return pbt_finish();
}
