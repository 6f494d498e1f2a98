/* precbench: choosing a fast GEMM kernel for a scheme (gemm_fast.h). */
#include <stddef.h>

#include "gemm/gemm_fast.h"
#include "gemm/gemm_internal.h"

#define PB_GEMM_FAST_KERNEL(name) extern const pb_gemm_fast name;
#include "gemm/gemm_fast_list.h"
#undef PB_GEMM_FAST_KERNEL

#define PB_GEMM_FAST_KERNEL(name) &name,
static const pb_gemm_fast *const kernels[] = {
#include "gemm/gemm_fast_list.h"
    NULL
};
#undef PB_GEMM_FAST_KERNEL

static bool isa_present(unsigned isa)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    if ((isa & PB_ISA_AVX512F) &&
        !(__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
          __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq")))
        return false;
    if ((isa & PB_ISA_AVX512BF16) && !__builtin_cpu_supports("avx512bf16"))
        return false;
    if ((isa & PB_ISA_AVX512VNNI) && !__builtin_cpu_supports("avx512vnni"))
        return false;
    if ((isa & PB_ISA_FMA) && !__builtin_cpu_supports("fma")) return false;
    if ((isa & PB_ISA_F16C) && !__builtin_cpu_supports("f16c")) return false;
    return true;
#else
    return isa == 0;
#endif
}

const pb_gemm_fast *pb_gemm_fast_find(const pb_scheme *scheme)
{
    if (!scheme || pb_accum_is_wide(&scheme->acc)) return NULL;
    for (size_t i = 0; kernels[i]; i++)
        if (isa_present(kernels[i]->isa) && kernels[i]->supports(scheme))
            return kernels[i];
    return NULL;
}

const char *pb_gemm_backend(const pb_scheme *scheme)
{
    const pb_gemm_fast *k = pb_gemm_fast_find(scheme);
    return k ? k->name : "model";
}
