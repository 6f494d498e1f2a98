/* precbench: the named schemes, as data.  Each row is a stable name, its
 * definition in the single-string grammar (docs/schemes.md, section 6), a
 * one-line description, whether a fast kernel is expected, and a loose
 * bound on the normwise error of the standard random test (section 7).
 * Adding a scheme is one row here; tests and benchmarks walk the table. */
#include "scheme/scheme_internal.h"

#define FP8(F, FMT, D, BOUND)                                                 \
    {"fp8-" F, "fmt=" FMT ";scale=tensor;acc=dpbf16",                         \
     D ", per-tensor current scaling, fp32 accumulation (dpbf16)", true, BOUND}, \
    {"fp8-" F "-delayed", "fmt=" FMT ";scale=delayed;acc=dpbf16",             \
     D ", per-tensor delayed scaling (H=16), fp32 accumulation (dpbf16)",     \
     true, BOUND},                                                            \
    {"fp8-" F "-h100fast", "fmt=" FMT ";scale=tensor;acc=tensorcore:h100-fp8", \
     D ", current scaling, H100 tensor core, fast accumulation (no promotion)", \
     true, BOUND},                                                            \
    {"fp8-" F "-h100",                                                        \
     "fmt=" FMT ";scale=tensor;acc=tensorcore:h100-fp8,promote=4",            \
     D ", current scaling, H100 tensor core promoted to fp32 every 128",      \
     true, BOUND},                                                            \
    {"fp8-" F "-delayed-h100fast",                                            \
     "fmt=" FMT ";scale=delayed;acc=tensorcore:h100-fp8",                     \
     D ", delayed scaling, H100 tensor core, fast accumulation", true, BOUND}, \
    {"fp8-" F "-delayed-h100",                                                \
     "fmt=" FMT ";scale=delayed;acc=tensorcore:h100-fp8,promote=4",           \
     D ", delayed scaling, H100 tensor core promoted every 128", true, BOUND}

static const pb_scheme_row rows[] = {
    /* fp32 and its summation orders */
    {"fp32", "fmt=fp32;acc=fp32fma",
     "fp32 GEMM, FMA in index order (what an FMA micro-kernel computes)", true, 1e-7},
    {"fp32-seq", "fmt=fp32;acc=fp32",
     "fp32, plain sequential loop: product rounded, then added", true, 1e-7},
    {"fp32-lanes16", "fmt=fp32;acc=fp32lanes:16",
     "fp32, 16 interleaved FMA lanes along K and a halving tree", false, 3e-8},
    {"fp32-pairwise", "fmt=fp32;acc=pairwise",
     "fp32, pairwise summation", false, 3e-8},
    {"fp32-kahan", "fmt=fp32;acc=kahan",
     "fp32, Kahan compensated summation", false, 2e-8},
    {"fp32-fp64acc", "fmt=fp32;acc=fp64",
     "fp32 inputs, fp64 accumulation, fp32 output", false, 1e-8},
    {"fp32-exact", "fmt=fp32;acc=exact",
     "fp32 inputs, exact accumulation, one rounding to fp32 (correctly rounded)", false, 1e-8},
    /* tf32, bf16, fp16 */
    {"tf32", "fmt=tf32;acc=fp32fma",
     "tf32 inputs (10-bit fraction), fp32 FMA accumulation", true, 1e-4},
    {"bf16", "fmt=bf16;acc=dpbf16",
     "bf16 inputs, fp32 accumulation as vdpbf16ps does it", true, 1e-3},
    {"bf16-out", "fmt=bf16;acc=dpbf16;out=bf16",
     "bf16, fp32 accumulation, output rounded to bf16 (nearest even)", true, 1e-3},
    {"bf16-outsr", "fmt=bf16;acc=dpbf16;out=bf16:sr",
     "bf16, fp32 accumulation, output stochastically rounded to bf16", true, 1.2e-3},
    {"bf16-insr", "fmt=bf16;in=sr;acc=dpbf16",
     "bf16 inputs stochastically rounded, fp32 accumulation", true, 1.2e-3},
    {"bf16-accbf16", "fmt=bf16;acc=bf16:rn",
     "bf16 inputs, bf16 accumulator rounded to nearest after every step", true, 6e-3},
    {"bf16-accbf16sr", "fmt=bf16;acc=bf16:sr",
     "bf16 inputs, bf16 accumulator with stochastic rounding", true, 1e-2},
    {"fp16", "fmt=fp16;acc=fp32fma",
     "fp16 inputs, fp32 FMA accumulation", true, 1e-4},
    {"fp16-acc16", "fmt=fp16;acc=fp16:rn",
     "fp16 inputs, fp16 accumulator rounded to nearest after every step", true, 1e-3},
    {"fp16-acc16sr", "fmt=fp16;acc=fp16:sr",
     "fp16 inputs, fp16 accumulator with stochastic rounding", true, 1.2e-3},
    {"fp16-ls", "fmt=fp16;scale=pow2:e=10,none;acc=fp32fma",
     "fp16 with a static loss scale 2^10 on A (overflow to inf, as in training)", true, 1e-4},
    /* GPU tensor cores on 16-bit inputs */
    {"fp16-v100", "fmt=fp16;acc=tensorcore:v100",
     "fp16, V100 tensor core model (4-term block FMA, truncation)", false, 1e-4},
    {"fp16-a100", "fmt=fp16;acc=tensorcore:a100",
     "fp16, A100 tensor core model (8-term block FMA)", false, 1e-4},
    {"tf32-a100", "fmt=tf32;acc=tensorcore:a100-tf32",
     "tf32, A100 tensor core model", false, 1e-4},
    {"bf16-h100", "fmt=bf16;acc=tensorcore:h100",
     "bf16, H100 tensor core model (16-term block FMA)", false, 1e-3},
    /* fp8: e4m3, e5m2, and the hybrid e4m3 x e5m2 of gradient GEMMs */
    FP8("e4m3", "e4m3", "fp8 e4m3", 0.015),
    FP8("e5m2", "e5m2", "fp8 e5m2", 0.025),
    FP8("hybrid", "e4m3,e5m2", "fp8 e4m3 x e5m2", 0.02),
    {"fp8-e4m3-b200", "fmt=e4m3;scale=tensor;acc=tensorcore:b200-fp8",
     "fp8 e4m3, current scaling, B200 tensor core model", false, 0.015},
    /* block-scaled formats */
    {"nvfp4", "fmt=e2m1;scale=nvfp4;acc=dpbf16",
     "NVFP4: e2m1, blocks of 16 with E4M3 scales and an fp32 tensor scale", true, 0.045},
    {"mxfp4", "fmt=e2m1;scale=mx;acc=dpbf16",
     "MXFP4: e2m1, blocks of 32 with E8M0 scales (OCP rule)", true, 0.055},
    {"mxfp4-up", "fmt=e2m1;scale=mx:rule=up;acc=dpbf16",
     "MXFP4 with the E8M0 scale rounded up (no saturation)", true, 0.055},
    {"mxfp6-e2m3", "fmt=e2m3;scale=mx;acc=dpbf16",
     "MXFP6 e2m3, blocks of 32 with E8M0 scales", true, 0.013},
    {"mxfp6-e3m2", "fmt=e3m2;scale=mx;acc=dpbf16",
     "MXFP6 e3m2, blocks of 32 with E8M0 scales", true, 0.025},
    {"mxfp8-e4m3", "fmt=e4m3;scale=mx;acc=dpbf16",
     "MXFP8 e4m3, blocks of 32 with E8M0 scales", true, 0.013},
    {"mxfp8-e4m3-up", "fmt=e4m3;scale=mx:rule=up;acc=dpbf16",
     "MXFP8 e4m3 with the E8M0 scale rounded up", true, 0.012},
    {"mxfp8-e5m2", "fmt=e5m2;scale=mx;acc=dpbf16",
     "MXFP8 e5m2, blocks of 32 with E8M0 scales", true, 0.025},
    {"mxint8", "fmt=int8;scale=mx;acc=int32",
     "MXINT8: int8 (x 2^-6), blocks of 32 with E8M0 scales, int32 accumulation", true, 0.004},
    /* integers */
    {"int8", "fmt=int8;scale=rowcol;acc=int32",
     "int8, absmax per row of A (token) and column of B, int32 accumulation", true, 0.004},
    {"ternary", "fmt=int8,ternary;scale=rowcol,absmean;acc=int32",
     "BitNet b1.58: int8 absmax activations x absmean ternary weights, int32", true, 0.17},
};

size_t pb_scheme_row_count(void)
{
    return sizeof rows / sizeof rows[0];
}

const pb_scheme_row *pb_scheme_row_at(size_t i)
{
    return i < pb_scheme_row_count() ? &rows[i] : NULL;
}
