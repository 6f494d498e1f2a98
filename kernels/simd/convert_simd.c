/* Run-time choice of the bulk conversion kernels (portable code: this file
 * is compiled without SIMD flags and only asks the CPU what it has). */
#include <stdatomic.h>

#include "format/format_internal.h"
#include "simd/convert_simd.h"

static atomic_int level_cache = -1;

pb_simd_level pb_simd_level_detect(void)
{
    int level = atomic_load_explicit(&level_cache, memory_order_relaxed);
    if (level >= 0) return (pb_simd_level)level;
    level = PB_SIMD_NONE;
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    /* Everything the *_avx512.c objects are compiled for (see the Makefile's
     * SIMD_FLAGS) except VNNI, which this module does not use. */
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("fma") &&
        __builtin_cpu_supports("f16c")) {
        level = PB_SIMD_AVX512;
        if (__builtin_cpu_supports("avx512bf16")) level = PB_SIMD_AVX512BF16;
    }
#endif
    atomic_store_explicit(&level_cache, level, memory_order_relaxed);
    return (pb_simd_level)level;
}

const char *pb_simd_level_name(pb_simd_level level)
{
    switch (level) {
    case PB_SIMD_AVX512BF16: return "avx512bf16";
    case PB_SIMD_AVX512: return "avx512";
    case PB_SIMD_NONE: break;
    }
    return "scalar";
}

/* The limits below are those of the arithmetic in convert_avx512_core.h:
 * 32-bit lanes, float32 exponents, and shifts of at least one bit. */
bool pb_convert_avx512_handles(const pb_format *f, const pb_rounding *r)
{
    if (!f || !r || (unsigned)r->mode > PB_ROUND_SR_BITS) return false;
    const pb_format_spec *s = &f->spec;
    switch (s->kind) {
    case PB_FORMAT_KIND_FLOAT: {
        const bool ieee = s->specials == PB_SPECIALS_IEEE;
        /* binary64 and binary32 hold every float32: exact copies. */
        if (s->bits == 64)
            return s->exp_bits == 11 && s->man_bits == 52 && s->bias == 1023 &&
                   ieee && s->subnormals;
        if (s->bits > 32) return false;
        const int pad = pb_format_pad(f);
        if (s->man_bits == 23)
            return s->exp_bits == 8 && s->bias == 127 && ieee && s->subnormals &&
                   pad == 0;
        /* The grid step must be at least 2 ulps of float32 (s >= 1), the
         * normal range inside float32's, and the unbounded-exponent code of
         * a float32 beyond the range must still fit in 32 bits. */
        if (s->man_bits > 22 || f->emin < -126 || f->emax > 127) return false;
        if (pad != 0 && !(ieee || s->specials == PB_SPECIALS_FN)) return false;
        return ((uint64_t)(f->emax + s->bias + 2) << (s->man_bits + pad)) <=
               (UINT64_C(1) << 32);
    }
    case PB_FORMAT_KIND_POW2:
        /* Codes 2^(c - bias) from 2^-127 up to at most 2^127. */
        return f->emin >= -127 && f->emax <= 127;
    case PB_FORMAT_KIND_INT:
        /* |x| >= 2^16 saturates in the lanes. */
        return s->int_max <= 65536 && -(int64_t)s->int_min <= 65536;
    }
    return false;
}

bool pb_convert_simd_supported(const pb_format *f, const pb_rounding *r)
{
    return pb_simd_level_detect() != PB_SIMD_NONE && pb_convert_avx512_handles(f, r);
}
