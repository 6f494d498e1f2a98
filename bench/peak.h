// Peak probes (bench/peak_*.cc, compiled with ISA flags; call only after
// checking the CPU).  Each runs `iters` rounds on the calling thread and
// returns a value that depends on all the work.  Work per round:
#ifndef PRECBENCH_BENCH_PEAK_H
#define PRECBENCH_BENCH_PEAK_H

#include <cstdint>

// independent accumulator chains: enough to cover latency x throughput
// (4-cycle FMA x 2 pipes needs 8), within the register file.
constexpr int PB_PEAK_CHAINS_AVX512 = 16; // of 32 zmm
constexpr int PB_PEAK_CHAINS_AVX2 = 12;   // of 16 ymm, 2 hold constants
constexpr double PB_PEAK_FP32_AVX512_FLOP = PB_PEAK_CHAINS_AVX512 * 16 * 2; // 16 lanes x FMA
constexpr double PB_PEAK_BF16_AVX512_FLOP = PB_PEAK_CHAINS_AVX512 * 16 * 4; // x 2 products
constexpr double PB_PEAK_INT8_AVX512_OPS = PB_PEAK_CHAINS_AVX512 * 16 * 8;  // x 4 products
constexpr double PB_PEAK_FP32_AVX2_FLOP = PB_PEAK_CHAINS_AVX2 * 8 * 2;      // 8 lanes x FMA

double pb_bench_peak_fp32_fma_avx512(uint64_t iters);
double pb_bench_peak_bf16_dot_avx512(uint64_t iters);
double pb_bench_peak_int8_dot_avx512(uint64_t iters);
double pb_bench_peak_fp32_fma_avx2(uint64_t iters);

#endif
