// precbench benchmark harness: shared declarations.
//
// The harness is one program (build/bench/precbench_bench) built from
// bench/*.cc over the C library.  Benchmarks are registered by walking the
// library's tables (schemes, formats), so a new table entry is benchmarked
// without new code here.  Every benchmark name starts with its group
// ("peak/", "blas/", "gemm/", "convert/", "exact/", ...): the reporter writes
// one JSON file per group, and the summary reads them back.
#ifndef PRECBENCH_BENCH_H
#define PRECBENCH_BENCH_H

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

// How much to run.  Each benchmark family declares the modes it belongs to.
enum bench_mode_bit : unsigned {
    BENCH_QUICK = 1u,   // make bench QUICK=1: under 2 minutes
    BENCH_DEFAULT = 2u, // make bench: under 10 minutes
    BENCH_FULL = 4u,    // make bench FULL=1: every size, 1 and all threads
    BENCH_ALL = 7u
};

struct bench_config {
    unsigned mode = BENCH_DEFAULT;
    std::string mode_name = "default";
    int threads_all = 1;            // omp_get_max_threads() at start-up
    std::vector<int> gemm_threads;  // thread counts for the GEMM benchmarks
    std::vector<int> conv_threads;  // thread counts for bulk conversion
    size_t convert_n = 16u << 20;   // elements per conversion call
    // The GEMM cases (a scheme, or an algorithm with a scheme) differ in
    // speed by four orders of magnitude (scalar model to VNNI kernel).  Each
    // takes the shapes, cheapest first, while the estimated time of one call
    // on each (from a short probe) adds up to at most this; the smallest
    // shape always.  0: decide by path instead, so that the set never
    // changes (the scalar model: the smallest shape; anything else: all).
    double case_seconds = 0;
    // The exact reference behind the error column is computed on the first
    // rows of C only, at most this many multiply-adds per shape.
    uint64_t error_macs = 0;
};

// The configuration of this run (set by main before registration).
const bench_config &bench_cfg();

// A GEMM shape: C (M x N) = A (M x K) * B (K x N).
struct bench_shape {
    size_t m, n, k;
    unsigned modes; // bench_mode_bit mask
};
// The shapes of this run's mode, in registration order.
std::vector<bench_shape> bench_gemm_shapes();

// Register one benchmark instance: family name, named integer arguments
// (Google Benchmark appends "/name:value" for each, then "/real_time"), and
// the function.  Every registration goes through here so that main can count
// the instances a filter selects (for the progress counter, and to reject a
// filter that matches nothing before touching any result file).
using bench_fn = std::function<void(benchmark::State &)>;
benchmark::internal::Benchmark *bench_register(const std::string &family,
                                               const std::vector<std::string> &arg_names,
                                               const std::vector<int64_t> &args, bench_fn fn);

// Whether the run's filter selects a benchmark instance, named as
// bench_register names it (family/arg:value.../real_time).  Registration
// may skip costly preparation (probes) for what is not selected.
bool bench_selected(const std::string &instance_name);

// Registration, one function per group, called in this order by main.
void bench_register_peak();
void bench_register_blas();
void bench_register_gemm();
void bench_register_convert();
void bench_register_reference();

// ---- inputs and the exact reference (bench_inputs.cc) -------------------
// Cached float32 inputs of a shape, normal(0, 1) from the counter-based
// generator under a fixed seed (the same for every scheme of a run).
//   A: M x K row-major, B: K x N row-major.
struct bench_inputs {
    std::vector<float> a, b;
};
const bench_inputs &bench_inputs_for(size_t m, size_t n, size_t k);
// The same values widened to double (for DGEMM).
struct bench_inputs_f64 {
    std::vector<double> a, b;
};
const bench_inputs_f64 &bench_inputs_f64_for(size_t m, size_t n, size_t k);

// OpenBLAS's worker threads spin for a while after a call and would steal a
// core from the next benchmark's OpenMP threads: OpenBLAS benchmarks call
// bench_openblas_mark() when they finish, and every other benchmark calls
// bench_openblas_settle() first, which waits until they have gone to sleep.
void bench_openblas_mark();
void bench_openblas_settle();

// The exact product of the first `rows` rows of A with B, rounded once to
// double: rows x N, row-major.  `rows` is chosen by bench_error_rows.
// Cached per shape.  Returns nullptr if the reference failed.
const std::vector<double> *bench_exact_rows(size_t m, size_t n, size_t k);
size_t bench_error_rows(size_t m, size_t n, size_t k);

// Normwise relative error of the first bench_error_rows() rows of C
// (M x N, row-major, ldc = N) against the exact reference of the same inputs:
//     || C - E ||_F / || E ||_F   over those rows.
// NaN when the reference is unavailable.
double bench_normwise_error(size_t m, size_t n, size_t k, const float *c);
double bench_normwise_error_f64(size_t m, size_t n, size_t k, const double *c);
// Record an error as the counter "normwise_error".  Google Benchmark writes
// NaN and inf into its JSON as bare words that no JSON parser accepts, so a
// non-finite error (overflow in C, or no reference) becomes the counter
// "error_nonfinite" = 1 (inf) or 2 (NaN, unknown) instead.
void bench_set_error(benchmark::State &st, double err);

// ---- the context recorded with the results (bench_context.cc) ----------
// Adds CPU model and flags, threads, compiler and flags, git revision and
// library versions to Google Benchmark's context (AddCustomContext).
void bench_add_context();
// First line of `cmd`'s standard output, trimmed ("" on failure).
std::string bench_shell_line(const char *cmd);

// Whether benchmarks of this group are GEMMs (named
// <group>/<what>/m:M/n:N/k:K/threads:T) that belong in summary.csv:
// "blas", "gemm" and "alg" (bench_gemm.cc).
bool bench_is_gemm_group(const std::string &group);

// ---- output (bench_report.cc, bench_summary.cc) ------------------------
// A display reporter: forwards to the console (medians only when there are
// repetitions, with a [done/total] counter) and keeps one Google Benchmark
// JSON file per group under `dir`, rewritten atomically after every run so
// that an interrupted run keeps everything already measured.
benchmark::BenchmarkReporter *bench_reporter_create(const std::string &dir,
                                                    size_t total);
// Merge dir/<group>.json into dir/bench.json (atomically), then write
// dir/summary.csv and dir/summary_other.csv and dir/throughput.dat.  With
// print set, also print the summary tables on stdout.  Returns 0 on success,
// 2 when there is nothing to summarise or a file is unreadable.
int bench_summarize(const std::string &dir, bool print);

// Write dir/bench.json's repetitions, with only the fields `precbench
// compare` reads, to `path` (the committed throughput baseline).
int bench_export_slim(const std::string &dir, const std::string &path);

// Write `text` to `path` atomically (temporary file, then rename).
bool bench_write_atomic(const std::string &path, const std::string &text);

// ---- golden outputs (bench_golden.cc) ----------------------------------
// Run every scheme on fixed inputs; hash outputs (XXH3_64bits) and compute
// errors; compare with (check) or write (write) the baseline file.
// Returns 0 when everything matches, 1 on any failure, 2 on bad input.
int bench_golden(const std::string &path, bool write);

#endif
