// The exact references, timed: what an exact answer costs next to a fast one.
//
//   exact/gemm_f32/m/n/k/threads    pb_exact_gemm_f32 (exact products, one rounding)
//   exact/gemm_f64/m/n/k/threads    pb_exact_gemm_f64
//   exact/mpfr_gemm/m:8/n:8/k:1024/threads:1  the MPFR oracle on a small slice
//                                   of C; its multiply-adds per second
//                                   (counter MACS) extrapolate to any shape
//   intgemm/<path>/int8/m/n/k/threads  exact integer GEMM: int64 loops, GMP
//                                   mpz_addmul, Kronecker substitution (3 packings)
// Rates are FLOPS (or OPS for integers) = 2 M N K per second, and MACS = M N K
// per second.
#include <cstring>
#include <vector>

#include <gmp.h> // before the C headers: it declares C++ overloads in C++

#include "bench.h"

extern "C" {
#include "precbench/exact.h"
#include "precbench/intgemm.h"
#include "precbench/reference.h"
#include "precbench/generate.h"
}

namespace {

void set_rate(benchmark::State &st, const char *counter, size_t m, size_t n, size_t k)
{
    double work = 2.0 * (double)m * (double)n * (double)k;
    st.counters[counter] =
        benchmark::Counter(work, benchmark::Counter::kIsIterationInvariantRate);
    // Multiply-adds per second: 1e9 / MACS is the cost of one in ns.
    st.counters["MACS"] =
        benchmark::Counter(work / 2, benchmark::Counter::kIsIterationInvariantRate);
}

void bm_exact_f32(benchmark::State &st, size_t s, int threads)
{
    bench_openblas_settle();
    const bench_inputs &in = bench_inputs_for(s, s, s);
    std::vector<double> c(s * s);
    for (auto _ : st) {
        pb_status r = pb_exact_gemm_f32(PB_NO_TRANS, PB_NO_TRANS, s, s, s, in.a.data(), s,
                                        in.b.data(), s, c.data(), s, nullptr, nullptr, threads);
        if (r != PB_OK) { st.SkipWithError(pb_status_message(r)); break; }
        benchmark::ClobberMemory();
    }
    set_rate(st, "FLOPS", s, s, s);
    st.SetLabel(pb_exact_backend());
}

void bm_exact_f64(benchmark::State &st, size_t s, int threads)
{
    bench_openblas_settle();
    const bench_inputs_f64 &in = bench_inputs_f64_for(s, s, s);
    std::vector<double> c(s * s);
    for (auto _ : st) {
        pb_status r = pb_exact_gemm_f64(PB_NO_TRANS, PB_NO_TRANS, s, s, s, in.a.data(), s,
                                        in.b.data(), s, c.data(), s, nullptr, nullptr, threads);
        if (r != PB_OK) { st.SkipWithError(pb_status_message(r)); break; }
        benchmark::ClobberMemory();
    }
    set_rate(st, "FLOPS", s, s, s);
    st.SetLabel(pb_exact_backend());
}

// The MPFR oracle on a slice of C (M x N outputs of the shape's product,
// K = the shape's K): its cost per multiply-add does not depend on M and N.
void bm_mpfr(benchmark::State &st, size_t m, size_t n, size_t k)
{
    bench_openblas_settle();
    const bench_inputs &in = bench_inputs_for(m, n, k);
    std::vector<double> c(m * n);
    for (auto _ : st) {
        pb_status r = pb_mpfr_gemm_f32(PB_NO_TRANS, PB_NO_TRANS, m, n, k, in.a.data(), k,
                                       in.b.data(), n, c.data(), n, nullptr, nullptr, 1);
        if (r != PB_OK) { st.SkipWithError(pb_status_message(r)); break; }
        benchmark::ClobberMemory();
    }
    set_rate(st, "FLOPS", m, n, k);
    st.SetLabel("mpfr");
}

// ---- integer GEMM -----------------------------------------------------------

constexpr uint64_t INT8_SEED = 0x696e7438ull; // "int8"

// int8 operands, uniform in [-128, 127]: A: M x K, B: K x N.
struct int8_inputs {
    std::vector<int8_t> a, b;
};
const int8_inputs &int8_inputs_for(size_t s)
{
    static size_t cached = 0;
    static int8_inputs in;
    if (cached != s) {
        in.a.resize(s * s);
        in.b.resize(s * s);
        pb_generate_i8(INT8_SEED, 1, 0, -128, 127, in.a.data(), s * s);
        pb_generate_i8(INT8_SEED, 2, 0, -128, 127, in.b.data(), s * s);
        cached = s;
    }
    return in;
}

enum class int_path { i64, mpz, kron_pair, kron_row, kron_axpy };

struct int_path_entry {
    const char *name;
    int_path path;
    size_t max_size, quick_max_size; // the slow paths run small shapes only
};
// One line per path.
const int_path_entry int_paths[] = {
    {"i64", int_path::i64, 512, 256},
    {"mpz", int_path::mpz, 128, 128},
    {"kron_pair", int_path::kron_pair, 256, 128},
    {"kron_row", int_path::kron_row, 256, 128},
    {"kron_axpy", int_path::kron_axpy, 512, 256},
};

void bm_intgemm(benchmark::State &st, const int_path_entry *p, size_t s)
{
    bench_openblas_settle();
    const int8_inputs &in = int8_inputs_for(s);
    pb_int_matrix a = pb_int_matrix_make(PB_INT_ELEM_I8, s, s, in.a.data());
    pb_int_matrix b = pb_int_matrix_make(PB_INT_ELEM_I8, s, s, in.b.data());
    std::vector<int64_t> c64(s * s);
    mpz_t *cz = nullptr;
    if (p->path == int_path::mpz) cz = pb_mpz_array_new(s * s);
    for (auto _ : st) {
        pb_status r = PB_OK;
        switch (p->path) {
        case int_path::i64: r = pb_intgemm_i64(&a, &b, c64.data(), s); break;
        case int_path::mpz: r = cz ? pb_intgemm_mpz(&a, &b, cz, s) : PB_ERR_NOMEM; break;
        case int_path::kron_pair: r = pb_intgemm_kron_i64(&a, &b, PB_KRON_PAIR, c64.data(), s); break;
        case int_path::kron_row: r = pb_intgemm_kron_i64(&a, &b, PB_KRON_ROW, c64.data(), s); break;
        case int_path::kron_axpy: r = pb_intgemm_kron_i64(&a, &b, PB_KRON_AXPY, c64.data(), s); break;
        }
        if (r != PB_OK) { st.SkipWithError(pb_status_message(r)); break; }
        benchmark::ClobberMemory();
    }
    if (cz) pb_mpz_array_free(cz, s * s);
    set_rate(st, "OPS", s, s, s);
}

} // namespace

void bench_register_reference()
{
    const bench_config &cfg = bench_cfg();
    const int t = cfg.threads_all;
    std::vector<size_t> sizes = {256};
    if (cfg.mode & (BENCH_DEFAULT | BENCH_FULL)) sizes.push_back(512);
    if (cfg.mode & BENCH_FULL) sizes.push_back(1024);
    for (size_t s : sizes) {
        std::vector<int64_t> args = {(int64_t)s, (int64_t)s, (int64_t)s, t};
        bench_register("exact/gemm_f32", {"m", "n", "k", "threads"}, args,
                       [s, t](benchmark::State &st) { bm_exact_f32(st, s, t); })
            ->Unit(benchmark::kMillisecond);
        bench_register("exact/gemm_f64", {"m", "n", "k", "threads"}, args,
                       [s, t](benchmark::State &st) { bm_exact_f64(st, s, t); })
            ->Unit(benchmark::kMillisecond);
    }
    // 8 x 8 outputs with K = 1024: 65536 multiply-adds, a few milliseconds.
    bench_register("exact/mpfr_gemm", {"m", "n", "k", "threads"}, {8, 8, 1024, 1},
                   [](benchmark::State &st) { bm_mpfr(st, 8, 8, 1024); })
        ->Unit(benchmark::kMillisecond);
    for (const int_path_entry &p : int_paths)
        for (size_t s : {(size_t)128, (size_t)256, (size_t)512}) {
            if (s > ((cfg.mode & BENCH_QUICK) ? p.quick_max_size : p.max_size)) continue;
            // Every integer path uses OpenMP's default thread count.
            std::vector<int64_t> args = {(int64_t)s, (int64_t)s, (int64_t)s, t};
            const int_path_entry *pp = &p;
            bench_register("intgemm/" + std::string(p.name) + "/int8",
                           {"m", "n", "k", "threads"}, args,
                           [pp, s](benchmark::State &st) { bm_intgemm(st, pp, s); })
                ->Unit(benchmark::kMillisecond);
        }
}
