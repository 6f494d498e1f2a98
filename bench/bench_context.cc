// The context recorded with every result file: what machine, what build,
// which libraries.  Google Benchmark adds the date, host, CPU count and
// frequency; we add what a reader needs to trust or reproduce a figure.
#include <cblas.h>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <gmp.h>
#include <jansson.h>
#include <mpfr.h>
#include <omp.h>
#include <xxhash.h>

#include "bench.h"

extern "C" {
#include "precbench/format.h"
}

#ifndef PB_BENCH_CXXFLAGS
#define PB_BENCH_CXXFLAGS "unknown"
#endif
#ifndef PB_BENCH_CFLAGS
#define PB_BENCH_CFLAGS "unknown"
#endif
#ifndef PB_BENCH_GB_VERSION
#define PB_BENCH_GB_VERSION "unknown"
#endif

std::string bench_shell_line(const char *cmd)
{
    FILE *p = popen(cmd, "r");
    if (!p) return "";
    char buf[512] = "";
    if (!fgets(buf, sizeof buf, p)) buf[0] = '\0';
    pclose(p);
    std::string s(buf);
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' '))
        s.pop_back();
    return s;
}

namespace {

// The value of the first "key : value" line of /proc/cpuinfo.
std::string cpuinfo_field(const char *key)
{
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    size_t klen = strlen(key);
    while (std::getline(in, line)) {
        if (line.compare(0, klen, key) != 0) continue;
        size_t colon = line.find(':');
        if (colon == std::string::npos) continue;
        size_t start = line.find_first_not_of(' ', colon + 1);
        return start == std::string::npos ? "" : line.substr(start);
    }
    return "";
}

// The CPU features that decide which kernels run (out of the ~100 flags).
std::string relevant_flags()
{
    static const char *wanted[] = {"avx2", "fma", "f16c", "avx512f", "avx512dq",
                                   "avx512bw", "avx512vl", "avx512_bf16",
                                   "avx512_vnni", "avx512_fp16", "avx_vnni",
                                   "amx_tile", "amx_bf16", "amx_int8"};
    std::string all = " " + cpuinfo_field("flags") + " ", out;
    for (const char *w : wanted)
        if (all.find(std::string(" ") + w + " ") != std::string::npos)
            out += (out.empty() ? "" : " ") + std::string(w);
    return out;
}

std::string git_revision()
{
    std::string rev = bench_shell_line("git rev-parse --short=12 HEAD 2>/dev/null");
    if (rev.empty()) return "none (no commit or not a git checkout)";
    std::string dirty =
        bench_shell_line("git status --porcelain --untracked-files=no 2>/dev/null | head -n 1");
    return dirty.empty() ? rev : rev + "-dirty";
}

} // namespace

void bench_add_context()
{
    using benchmark::AddCustomContext;
    const bench_config &cfg = bench_cfg();
    AddCustomContext("precbench_mode", cfg.mode_name);
    AddCustomContext("cpu_model", cpuinfo_field("model name"));
    AddCustomContext("cpu_flags", relevant_flags());
    AddCustomContext("threads", std::to_string(cfg.threads_all));
    const char *omp = getenv("OMP_NUM_THREADS");
    AddCustomContext("omp_num_threads_env", omp ? omp : "");
    AddCustomContext("compiler", "g++ " __VERSION__);
    AddCustomContext("cxxflags", PB_BENCH_CXXFLAGS);
    AddCustomContext("cflags", PB_BENCH_CFLAGS);
    AddCustomContext("git_revision", git_revision());
    AddCustomContext("convert_backend", pb_convert_backend());
    AddCustomContext("openblas", std::string(openblas_get_config()) + " core " +
                                     openblas_get_corename());
    AddCustomContext("gmp", gmp_version);
    AddCustomContext("mpfr", mpfr_get_version());
    AddCustomContext("jansson", JANSSON_VERSION);
    char xxh[32];
    unsigned v = XXH_versionNumber();
    snprintf(xxh, sizeof xxh, "%u.%u.%u", v / 10000, v / 100 % 100, v % 100);
    AddCustomContext("xxhash", xxh);
    AddCustomContext("google_benchmark", PB_BENCH_GB_VERSION);
}
