/* The fast GEMM kernels of kernels/simd/ as pb_gemm sees them: portable
 * descriptors (kernels/gemm/gemm_fast.h) whose run() enters AVX-512 code
 * only after pb_gemm has checked the CPU for their ISA.
 *
 *   avx512      fp32fma and fp32 accumulators, any input formats (the
 *               quantised values are floats): 12 x 32 FMA micro-kernel
 *   avx512bf16  dpbf16: vdpbf16ps on bf16 pairs
 *   avx512vnni  int32 on int8-range integer codes: vpdpbusd
 *   avx512tc    the tensor-core model: int32 fixed point on 16 lanes where
 *               the data's exponents allow it, else 16 binary32 or 8
 *               binary64 lanes
 *   avx512lowp  fp16 / bf16 accumulators rounded after every step (rn, sr,
 *               sr:R): 16 binary32 lanes where every product is exact in
 *               binary32, else 8 binary64 lanes
 */
#include "accum/accum_internal.h"
#include "simd/gemm_pack_run.h"

/* A scale block must not split a packed word (2 k-values for bf16 pairs,
 * 4 for int8 quads). */
static bool block_fits(const pb_scheme *s, size_t kw)
{
    return s->block % kw == 0;
}

static bool supports_f32(const pb_scheme *s)
{
    return s->acc.model == &pb_accum_fp32fma || s->acc.model == &pb_accum_fp32;
}

static pb_status run_f32(pb_gemm_job *job)
{
    const bool fma = job->scheme->acc.model == &pb_accum_fp32fma;
    return pb_simd_gemm_job(job, PB_SIMD_KIND_F32, fma ? PB_SIMD_F32_FMA : PB_SIMD_F32_MULADD);
}

static bool supports_bf16(const pb_scheme *s)
{
    return s->acc.model == &pb_accum_dpbf16 && block_fits(s, 2);
}

static pb_status run_bf16(pb_gemm_job *job)
{
    return pb_simd_gemm_job(job, PB_SIMD_KIND_BF16, PB_SIMD_F32_FMA);
}

static bool int8_codes(const pb_format *f)
{
    return f->spec.kind == PB_FORMAT_KIND_INT && f->spec.int_min >= -128 &&
           f->spec.int_max <= 127;
}

static bool supports_i8(const pb_scheme *s)
{
    return s->acc.model == &pb_accum_int32 && int8_codes(s->fmt[0]) &&
           int8_codes(s->fmt[1]) && block_fits(s, 4);
}

static pb_status run_i8(pb_gemm_job *job)
{
    return pb_simd_gemm_job(job, PB_SIMD_KIND_I8, PB_SIMD_F32_FMA);
}

const pb_gemm_fast pb_gemm_fast_avx512 = {
    .name = "avx512",
    .isa = PB_ISA_AVX512F | PB_ISA_FMA,
    .supports = supports_f32,
    .run = run_f32,
};

const pb_gemm_fast pb_gemm_fast_avx512bf16 = {
    .name = "avx512bf16",
    .isa = PB_ISA_AVX512F | PB_ISA_AVX512BF16,
    .supports = supports_bf16,
    .run = run_bf16,
};

const pb_gemm_fast pb_gemm_fast_avx512vnni = {
    .name = "avx512vnni",
    .isa = PB_ISA_AVX512F | PB_ISA_AVX512VNNI,
    .supports = supports_i8,
    .run = run_i8,
};

static bool supports_tc(const pb_scheme *s)
{
    return s->acc.model == &pb_accum_tensorcore;
}

const pb_gemm_fast pb_gemm_fast_avx512tc = {
    .name = "avx512tc",
    .isa = PB_ISA_AVX512F,
    .supports = supports_tc,
    .run = pb_simd_gemm_tc,
};

static bool supports_lowp(const pb_scheme *s)
{
    return s->acc.model == &pb_accum_lowp_fp16 || s->acc.model == &pb_accum_lowp_bf16;
}

const pb_gemm_fast pb_gemm_fast_avx512lowp = {
    .name = "avx512lowp",
    .isa = PB_ISA_AVX512F,
    .supports = supports_lowp,
    .run = pb_simd_gemm_lowp,
};
