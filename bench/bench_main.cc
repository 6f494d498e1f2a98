// precbench_bench: the benchmark harness (make bench).
//
//   precbench_bench [--mode=quick|default|full] [--out=DIR] [--filter=REGEX]
//                   [--list] [Google Benchmark flags]
//   precbench_bench --summarize [--out=DIR]
//   precbench_bench --export-slim=FILE [--out=DIR]
//   precbench_bench --golden-check=FILE | --golden-write=FILE
//
// A run writes one Google Benchmark JSON file per group into DIR (default
// results/bench), kept current after every repetition, then merges them into
// DIR/bench.json and writes the summary (stdout, summary.csv,
// summary_other.csv).  The previous run's files are moved to DIR/previous/
// first, so `precbench compare DIR/previous/bench.json DIR/bench.json` shows
// what changed.
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <omp.h>
#include <regex.h>
#include <unistd.h>

#include "bench.h"

namespace {

bench_config config;

std::vector<std::string> instance_names;

// Square 256..2048 and two LLM shapes: K large (512 x 512 x 8192, a
// projection with a long reduction) and M large (4096 x 1024 x 1024, a
// batch of tokens through a square layer).
const bench_shape shapes[] = {
    {256, 256, 256, BENCH_ALL},
    {384, 384, 384, BENCH_FULL},
    {512, 512, 512, BENCH_ALL},
    {768, 768, 768, BENCH_FULL},
    {1024, 1024, 1024, BENCH_DEFAULT | BENCH_FULL},
    {1536, 1536, 1536, BENCH_FULL},
    {2048, 2048, 2048, BENCH_DEFAULT | BENCH_FULL},
    {512, 512, 8192, BENCH_DEFAULT | BENCH_FULL},
    {4096, 1024, 1024, BENCH_DEFAULT | BENCH_FULL},
};

struct mode_params {
    const char *name;
    unsigned bit;
    int repetitions;
    const char *min_time;
    double case_seconds;
    uint64_t error_macs;
};
const mode_params mode_table[] = {
    {"quick", BENCH_QUICK, 3, "0.05", 0.0, 1ull << 25}, // 0: shapes by path, not timing
    {"default", BENCH_DEFAULT, 3, "0.1", 1.0, 1ull << 27},
    {"full", BENCH_FULL, 5, "0.3", 10.0, 1ull << 29},
};

void usage(FILE *out)
{
    fprintf(out,
            "usage: precbench_bench [--mode=quick|default|full] [--out=DIR] [--filter=REGEX]\n"
            "                       [--list] [--benchmark_* flags of Google Benchmark]\n"
            "       precbench_bench --summarize [--out=DIR]\n"
            "       precbench_bench --export-slim=FILE [--out=DIR]\n"
            "       precbench_bench --golden-check=FILE | --golden-write=FILE\n"
            "\n"
            "Runs the benchmarks of the mode (default: default), writes Google Benchmark\n"
            "JSON per group and the summary into DIR (default results/bench).\n"
            "--filter selects benchmarks by regular expression (e.g. '^gemm/bf16/');\n"
            "--list prints the names the mode and filter select.\n"
            "--summarize rebuilds DIR/bench.json and the summary from the group files\n"
            "(after an interrupted run).  --export-slim writes DIR/bench.json's repetitions\n"
            "with only the fields compare reads (the committed baseline).  --golden-check compares every scheme's output\n"
            "on fixed inputs with FILE (hashes and errors); --golden-write rewrites FILE.\n");
}

int usage_error(const std::string &msg)
{
    fprintf(stderr, "precbench bench: %s\n", msg.c_str());
    return 2;
}

bool take_value(const char *arg, const char *key, std::string *value)
{
    size_t len = strlen(key);
    if (strncmp(arg, key, len) != 0 || arg[len] != '=') return false;
    *value = arg + len + 1;
    return true;
}

// The run's filter, with Google Benchmark's semantics: a regular expression
// searched in the name (POSIX extended); a leading '-' selects the names
// that do not match.
struct name_filter {
    regex_t re;
    bool negate;
    name_filter(const regex_t &compiled, bool neg) : re(compiled), negate(neg) {}
    name_filter(const name_filter &) = delete;
    name_filter &operator=(const name_filter &) = delete;
    ~name_filter() { regfree(&re); }
};
std::unique_ptr<name_filter> filter_re;

// Compile `filter`; on a malformed expression, false and the reason.
bool set_filter(const std::string &filter, std::string *why)
{
    std::string spec = filter;
    bool negate = false;
    if (spec.empty() || spec == "all") spec = ".";
    if (spec[0] == '-') {
        negate = true;
        spec = spec.substr(1);
    }
    regex_t re;
    int rc = regcomp(&re, spec.c_str(), REG_EXTENDED | REG_NOSUB);
    if (rc != 0) {
        char msg[160];
        regerror(rc, &re, msg, sizeof msg);
        *why = msg;
        return false;
    }
    filter_re = std::make_unique<name_filter>(re, negate);
    return true;
}

size_t count_matches(std::vector<std::string> *names)
{
    size_t count = 0;
    for (const std::string &name : instance_names)
        if (bench_selected(name)) {
            count++;
            if (names) names->push_back(name);
        }
    return count;
}

// Move the previous run's outputs out of the way, into dir/previous/.
// Returns "" on success, else what went wrong.
std::string rotate_previous(const std::string &dir)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return dir + ": " + ec.message();
    fs::path prev = fs::path(dir) / "previous";
    bool any = false;
    for (const auto &e : fs::directory_iterator(dir, ec))
        if (e.is_regular_file()) any = true;
    if (ec) return dir + ": " + ec.message();
    if (!any) return "";
    fs::remove_all(prev, ec);
    fs::create_directories(prev, ec);
    if (ec) return prev.string() + ": " + ec.message();
    for (const auto &e : fs::directory_iterator(dir, ec)) {
        if (!e.is_regular_file()) continue;
        fs::rename(e.path(), prev / e.path().filename(), ec);
        if (ec) return e.path().string() + ": " + ec.message();
    }
    return ec ? dir + ": " + ec.message() : "";
}

const char *interrupted_note = nullptr;

void on_interrupt(int sig)
{
    // Only async-signal-safe calls here: the group files are already
    // complete on disk (rewritten after every repetition).
    if (interrupted_note) {
        ssize_t r = write(STDERR_FILENO, interrupted_note, strlen(interrupted_note));
        (void)r;
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

} // namespace

const bench_config &bench_cfg() { return config; }

bool bench_selected(const std::string &instance_name)
{
    return !filter_re ||
           (regexec(&filter_re->re, instance_name.c_str(), 0, nullptr, 0) == 0) != filter_re->negate;
}

std::vector<bench_shape> bench_gemm_shapes()
{
    std::vector<bench_shape> out;
    for (const bench_shape &s : shapes)
        if (s.modes & config.mode) out.push_back(s);
    return out;
}

benchmark::internal::Benchmark *bench_register(const std::string &family,
                                               const std::vector<std::string> &arg_names,
                                               const std::vector<int64_t> &args, bench_fn fn)
{
    std::string name = family;
    for (size_t i = 0; i < args.size(); i++)
        name += "/" + arg_names[i] + ":" + std::to_string(args[i]);
    instance_names.push_back(name + "/real_time");
    return benchmark::RegisterBenchmark(family.c_str(), std::move(fn))
        ->Args(args)
        ->ArgNames(arg_names)
        ->UseRealTime();
}

int main(int argc, char **argv)
{
    std::string mode = "default", out = "results/bench", filter, golden, slim;
    bool summarize = false, list = false, golden_write = false, have_golden = false;
    std::vector<char *> gb_args = {argv[0]};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        std::string v;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (take_value(a, "--mode", &v)) {
            mode = v;
        } else if (take_value(a, "--out", &v)) {
            out = v;
        } else if (take_value(a, "--filter", &v)) {
            filter = v;
        } else if (take_value(a, "--export-slim", &v)) {
            slim = v;
            if (slim.empty()) return usage_error("--export-slim needs a file name");
        } else if (!strcmp(a, "--summarize")) {
            summarize = true;
        } else if (!strcmp(a, "--list")) {
            list = true;
        } else if (take_value(a, "--golden-check", &v)) {
            golden = v;
            have_golden = true;
        } else if (take_value(a, "--golden-write", &v)) {
            golden = v;
            have_golden = golden_write = true;
        } else if (!strncmp(a, "--benchmark_", 12)) {
            gb_args.push_back(argv[i]);
        } else {
            return usage_error(std::string("unknown argument '") + a + "' (try --help)");
        }
    }
    if (out.empty()) return usage_error("--out needs a directory");
    if (have_golden && golden.empty()) return usage_error("--golden-* needs a file name");

    const mode_params *mp = nullptr;
    for (const mode_params &m : mode_table)
        if (mode == m.name) mp = &m;
    if (!mp) return usage_error("unknown mode '" + mode + "' (quick, default or full)");
    config.mode = mp->bit;
    config.mode_name = mp->name;
    config.threads_all = omp_get_max_threads();
    config.gemm_threads = {config.threads_all};
    config.conv_threads = {1};
    if (config.threads_all > 1) {
        if (config.mode & BENCH_FULL) config.gemm_threads.insert(config.gemm_threads.begin(), 1);
        if (config.mode & (BENCH_DEFAULT | BENCH_FULL))
            config.conv_threads.push_back(config.threads_all);
    }
    config.case_seconds = mp->case_seconds;
    config.error_macs = mp->error_macs;

    if (summarize) return bench_summarize(out, true);
    if (!slim.empty()) return bench_export_slim(out, slim);
    if (have_golden) return bench_golden(golden, golden_write);

    // Our mode's repetitions and minimum time go first so that explicit
    // --benchmark_* flags after them take precedence.
    std::string reps = "--benchmark_repetitions=" + std::to_string(mp->repetitions);
    std::string min_time = std::string("--benchmark_min_time=") + mp->min_time;
    std::string filter_flag = "--benchmark_filter=" + filter;
    std::vector<char *> args = {gb_args[0], reps.data(), min_time.data()};
    if (!filter.empty()) args.push_back(filter_flag.data());
    args.insert(args.end(), gb_args.begin() + 1, gb_args.end());
    args.push_back(nullptr);
    int gb_argc = (int)args.size() - 1;
    benchmark::Initialize(&gb_argc, args.data());
    if (benchmark::ReportUnrecognizedArguments(gb_argc, args.data())) return 2;

    std::string effective = benchmark::GetBenchmarkFilter(), why;
    if (!set_filter(effective, &why))
        return usage_error("bad --filter '" + effective + "': " + why);

    bench_register_peak();
    bench_register_blas();
    bench_register_gemm();
    bench_register_convert();
    bench_register_reference();

    std::vector<std::string> selected;
    size_t total = count_matches(&selected);
    if (list) {
        for (const std::string &n : selected) printf("%s\n", n.c_str());
        return 0;
    }
    if (total == 0)
        return usage_error("no benchmark of mode " + config.mode_name + " matches filter '" +
                           effective + "' (list them with --list)");

    std::string problem = rotate_previous(out);
    if (!problem.empty()) {
        fprintf(stderr, "precbench bench: cannot prepare the results directory: %s\n",
                problem.c_str());
        return 2;
    }
    static std::string note = "\nprecbench bench: interrupted; every finished benchmark is in " +
                              out + "/<group>.json.  Summarise them with: make bench-summary "
                              "(or " + argv[0] + " --summarize --out=" + out + ")\n";
    interrupted_note = note.c_str();
    signal(SIGINT, on_interrupt);
    signal(SIGTERM, on_interrupt);

    bench_add_context();
    printf("precbench bench: mode %s, %zu benchmarks, %d threads, results in %s/\n",
           config.mode_name.c_str(), total, config.threads_all, out.c_str());
    fflush(stdout);
    std::unique_ptr<benchmark::BenchmarkReporter> reporter(bench_reporter_create(out, total));
    size_t ran = benchmark::RunSpecifiedBenchmarks(reporter.get());
    benchmark::Shutdown();
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    if (ran == 0) return usage_error("no benchmark matches filter '" + effective + "'");
    return bench_summarize(out, true);
}
