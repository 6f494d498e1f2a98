# precbench: one Makefile, in sections.
#
#   make            library build/libprecbench.a and the tool bin/precbench
#   make test       build and run every tests/test_*.c (closing line: N passed, N failed)
#   make bench      the benchmark harness (QUICK=1 for a short run, FULL=1 for figures)
#   make plots      redraw every figure from results/ with gnuplot
#   make deps       install the Debian packages the project needs (skips what is present)
#
# Options: WERROR=1 (warnings are errors), SAN=1 (AddressSanitizer + UBSan,
# built under build-san/), BUILD=dir.

# ---- configuration --------------------------------------------------------
CC      ?= gcc
CXX     ?= g++
SAN     ?= 0
WERROR  ?= 0
ifeq ($(SAN),1)
BUILD   ?= build-san
else
BUILD   ?= build
endif
BIN     := bin

# -ffp-contract=off: the order and number of roundings is the subject of this
# project, so the compiler must not fuse a*b+c behind our back.  Never -Ofast.
CFLAGS_COMMON := -O2 -g -Wall -Wextra -Wno-unused-parameter -ffp-contract=off \
                 -fno-math-errno -fopenmp -Iinclude -Ikernels -D_GNU_SOURCE
CFLAGS  := -std=c11 $(CFLAGS_COMMON)
CXXFLAGS:= -std=c++17 $(CFLAGS_COMMON)
LDLIBS  := -lmpfr -lgmp -ljansson -lxxhash -lm
ifeq ($(WERROR),1)
CFLAGS   += -Werror
CXXFLAGS += -Werror
endif
ifeq ($(SAN),1)
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
CFLAGS   += $(SANFLAGS)
CXXFLAGS += $(SANFLAGS)
LDFLAGS  += $(SANFLAGS)
endif

# SIMD objects (files named *_avx512*.c) get the ISA flags; everything else is
# portable and reaches them only through runtime CPU detection.
SIMD_FLAGS := -mavx512f -mavx512bw -mavx512vl -mavx512dq -mavx512bf16 \
              -mavx512vnni -mfma -mbmi2 -mf16c

# ---- optional features ----------------------------------------------------
NVCC := $(shell command -v nvcc 2>/dev/null)
HAVE_AVX512BF16 := $(shell grep -q avx512_bf16 /proc/cpuinfo 2>/dev/null && echo yes || echo no)

# ---- dependencies ---------------------------------------------------------
DEB_PACKAGES := build-essential libgmp-dev libmpfr-dev libbenchmark-dev \
                libopenblas-dev librandom123-dev libjansson-dev libxxhash-dev \
                gnuplot-nox pkgconf
# A header per package proves it is installed.
# (gmp.h is multiarch on Debian: /usr/include/<triplet>/gmp.h.)
DEP_HEADERS  := /usr/include/gmp.h /usr/include/*/gmp.h /usr/include/mpfr.h /usr/include/Random123/philox.h \
                /usr/include/jansson.h /usr/include/xxhash.h \
                /usr/include/benchmark/benchmark.h
DEPS_MISSING := $(strip $(foreach h,$(filter-out %gmp.h,$(DEP_HEADERS)),$(if $(wildcard $(h)),,$(h))) \
                $(if $(wildcard $(filter %gmp.h,$(DEP_HEADERS))),,gmp.h) \
                $(if $(shell command -v gnuplot 2>/dev/null),,gnuplot) \
                $(if $(wildcard /usr/include/*/openblas*/cblas.h /usr/include/x86_64-linux-gnu/cblas.h /usr/include/cblas.h),,openblas))

.PHONY: all deps test test-san bench plots experiments compare clean info
all: info-once $(BIN)/precbench

deps:
ifneq ($(DEPS_MISSING),)
	@echo "precbench: installing Debian packages (missing: $(DEPS_MISSING))"
	@if [ "$$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi; \
	 $$SUDO apt-get update -qq && \
	 DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $(DEB_PACKAGES)
else
	@echo "precbench: all dependencies present"
endif

# On a fresh machine every build first installs what is missing.
$(BUILD)/.deps-ok:
	@$(if $(DEPS_MISSING),$(MAKE) --no-print-directory deps,true)
	@mkdir -p $(@D) && touch $@

.PHONY: info-once
info-once: $(BUILD)/.deps-ok
	@echo "precbench: CC=$(CC) avx512bf16=$(HAVE_AVX512BF16) nvcc=$(if $(NVCC),$(NVCC),none) build=$(BUILD)"

# ---- the library ------------------------------------------------------------
LIB_SRC   := $(sort $(wildcard kernels/*.c kernels/*/*.c reference/*.c reference/*/*.c \
                               experiments/*.c))
LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/%.o)
LIB       := $(BUILD)/libprecbench.a
CLI_SRC   := $(sort $(wildcard cli/*.c))
CLI_OBJ   := $(CLI_SRC:%.c=$(BUILD)/%.o)

$(BUILD)/%_avx512.o: %_avx512.c $(BUILD)/.deps-ok
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SIMD_FLAGS) -MMD -MP -c $< -o $@
$(BUILD)/%_avx512bf16.o: %_avx512bf16.c $(BUILD)/.deps-ok
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SIMD_FLAGS) -MMD -MP -c $< -o $@
$(BUILD)/%.o: %.c $(BUILD)/.deps-ok
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(LIB): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN)/precbench: $(CLI_OBJ) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) $(CLI_OBJ) $(LIB) $(LDLIBS) -o $@

# ---- tests ------------------------------------------------------------------
TEST_SRC  := $(sort $(wildcard tests/test_*.c))
TEST_BIN  := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
# Tests that need the reference (MPFR/GMP) or OpenBLAS link the same libraries.
$(BUILD)/tests/%: tests/%.c tests/harness.h $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -MMD -MP $< $(LIB) $(LDLIBS) -o $@

# The tests also exercise the tool, so it is built first.  Idle OpenMP
# threads sleep instead of spinning: on a shared 2-core machine spinning
# threads steal the cores the other thread needs.
test: $(BIN)/precbench $(TEST_BIN)
	@OMP_WAIT_POLICY=$${OMP_WAIT_POLICY:-passive} PB_BIN=$(abspath $(BIN)/precbench) PB_VECTORS=$(abspath ../shared/vectors) \
	  tests/run.sh $(BUILD)/tests

# The same tests under AddressSanitizer + UndefinedBehaviorSanitizer.
# Randomised tests run a twentieth of their sample there (PB_TEST_DIVISOR).
test-san:
	@PB_TEST_DIVISOR=20 $(MAKE) --no-print-directory SAN=1 BUILD=build-san BIN=build-san/bin test

# ---- benchmarks (bench/: Google Benchmark, the only C++) ---------------------
# (section owned by the benchmark harness)
#
#   make bench [QUICK=1 | FULL=1] [FILTER=regex] [BENCH_ARGS=--benchmark_...]
#   make bench-summary      summary of the group files (after an interruption)
#   make bench-plot         results/figures/bench_throughput.{svg,png}
#   make compare            golden hashes and errors, then throughput ratios,
#                           against results/baseline/ (CI)
#   make bench-baseline     rewrite results/baseline/ from this machine
BENCH_SRC    := $(sort $(wildcard bench/*.cc))
BENCH_OBJ    := $(BENCH_SRC:%.cc=$(BUILD)/%.o)
BENCH_BIN    := $(BUILD)/bench/precbench_bench
BENCH_OUT    ?= results/bench
BASELINE_DIR := results/baseline
BENCH_MODE   := $(if $(filter 1,$(QUICK)),quick,$(if $(filter 1,$(FULL)),full,default))
# Expanded when a recipe runs, i.e. after `make deps` had its chance.
BLAS_CFLAGS   = $(shell pkg-config --cflags openblas 2>/dev/null)
BLAS_LIBS     = $(or $(shell pkg-config --libs openblas 2>/dev/null),-lopenblas)
BENCH_DEFS    = -DPB_BENCH_CXXFLAGS='"$(strip $(CXXFLAGS))"' -DPB_BENCH_CFLAGS='"$(strip $(CFLAGS))"' \
                -DPB_BENCH_GB_VERSION='"$(shell pkg-config --modversion benchmark 2>/dev/null)"'
# The throughput part of `make compare`: the quick mode's GEMMs and their
# yardstick, OpenBLAS SGEMM, with five repetitions (compared by the fastest).
COMPARE_FILTER := ^(blas/sgemm|gemm)/
COMPARE_RUN     = $(BENCH_BIN) --mode=quick --filter='$(COMPARE_FILTER)' --benchmark_repetitions=5

$(BUILD)/bench/%_avx512.o: bench/%_avx512.cc $(BUILD)/.deps-ok
	@mkdir -p $(@D)
	$(CXX) $(CXXFLAGS) $(SIMD_FLAGS) -MMD -MP -c $< -o $@
$(BUILD)/bench/%_avx2.o: bench/%_avx2.cc $(BUILD)/.deps-ok
	@mkdir -p $(@D)
	$(CXX) $(CXXFLAGS) -mavx2 -mfma -MMD -MP -c $< -o $@
$(BUILD)/bench/%.o: bench/%.cc $(BUILD)/.deps-ok
	@mkdir -p $(@D)
	$(CXX) $(CXXFLAGS) $(BLAS_CFLAGS) $(BENCH_EXTRA) -MMD -MP -c $< -o $@
# Only the context file records the build flags and versions.
$(BUILD)/bench/bench_context.o: BENCH_EXTRA = $(BENCH_DEFS)

$(BENCH_BIN): $(BENCH_OBJ) $(LIB)
	@mkdir -p $(@D)
	$(CXX) $(CXXFLAGS) $(LDFLAGS) $(BENCH_OBJ) $(LIB) -lbenchmark -lpthread $(BLAS_LIBS) $(LDLIBS) -o $@

.PHONY: bench-summary bench-plot bench-baseline
bench: info-once $(BENCH_BIN)
	@$(BENCH_BIN) --mode=$(BENCH_MODE) --out=$(BENCH_OUT) $(if $(FILTER),--filter='$(FILTER)') $(BENCH_ARGS)
	@$(MAKE) --no-print-directory bench-plot

bench-summary: $(BENCH_BIN)
	@$(BENCH_BIN) --summarize --out=$(BENCH_OUT)

bench-plot:
	@if ! command -v gnuplot >/dev/null; then echo "precbench: gnuplot not found, no figure"; \
	 elif [ ! -f $(BENCH_OUT)/throughput.dat ]; then echo "precbench: no $(BENCH_OUT)/throughput.dat to plot"; \
	 else mkdir -p results/figures && gnuplot -e "datadir='$(BENCH_OUT)'; outdir='results/figures'" \
	      plots/bench_throughput.gp && echo "figure: results/figures/bench_throughput.svg (and .png)"; fi

# Both checks always run; the target fails if either does.
compare: info-once $(BENCH_BIN) $(BIN)/precbench
	@st=0; \
	 echo "== golden outputs of every scheme ($(BASELINE_DIR)/golden.json)"; \
	 $(BENCH_BIN) --golden-check=$(BASELINE_DIR)/golden.json || st=1; \
	 echo "== throughput ratios to OpenBLAS SGEMM ($(BASELINE_DIR)/bench_compare.json)"; \
	 if $(COMPARE_RUN) --out=$(BENCH_OUT)/compare; then \
	   $(BIN)/precbench compare --relative-to blas/sgemm --statistic min --tolerance 0.10 --fail-below 0.5 \
	     $(BASELINE_DIR)/bench_compare.json $(BENCH_OUT)/compare/bench.json || st=1; \
	 else st=1; fi; \
	 if [ $$st -eq 0 ]; then echo "compare: OK"; else echo "compare: FAILED"; fi; exit $$st

bench-baseline: info-once $(BENCH_BIN)
	@mkdir -p $(BASELINE_DIR)
	$(BENCH_BIN) --golden-write=$(BASELINE_DIR)/golden.json
	$(COMPARE_RUN) --out=$(BENCH_OUT)/baseline
	$(BENCH_BIN) --out=$(BENCH_OUT)/baseline --export-slim=$(BASELINE_DIR)/bench_compare.json

-include $(BENCH_OBJ:.o=.d)

# ---- GPU tensor-core probe (only where nvcc is present; never in CI) ---------
# wgmma needs the sm_90a target (Hopper).  See docs/tensorcore_probe.md.
NVCC_FLAGS := -O2 -std=c++17 -Xcompiler -ffp-contract=off \
              -gencode=arch=compute_90a,code=sm_90a -DTCPROBE_MMA_FP8
.PHONY: tcprobe
tcprobe: $(BUILD)/tcprobe/tcprobe
$(BUILD)/tcprobe/tcprobe: tools/tcprobe/tcprobe.cu
	@$(if $(NVCC),true,echo "precbench: tcprobe needs nvcc (CUDA), not found" >&2; false)
	@mkdir -p $(@D)
	$(NVCC) $(NVCC_FLAGS) -o $@ $< -lcublasLt

# ---- experiments and plots ----------------------------------------------------
# (section owned by the experiments)
#
#   make experiments [FULL=1] [EXPERIMENTS="sr qsnr"]  every experiment (quick by
#                         default, the CI's run; FULL=1: the figures' sizes, which
#                         resume an interrupted run) -> results/<name>/*.csv
#   make plots            every figure from results/ -> results/figures/*.{svg,png,pdf}
#                         (fails naming the missing CSV when an experiment has not run)
#   make figures          experiments FULL=1, then plots
# docs/figures.md shows and explains every figure.
EXPERIMENTS  ?= $(shell $(BIN)/precbench experiment --list 2>/dev/null | cut -d' ' -f1)
EXP_MODE     := $(if $(filter 1,$(FULL)),,--quick)
# Figure scripts: one per figure, each naming the CSV files it reads on a
# "# needs:" line (paths under results/).  plots/lib/ holds shared code; the
# benchmark figure has its own target (bench-plot).
PLOT_SCRIPTS := $(filter-out plots/bench_%.gp,$(sort $(wildcard plots/*.gp)))
.PHONY: figures
experiments: info-once $(BIN)/precbench
	@names="$(EXPERIMENTS)"; [ -n "$$names" ] || names=$$($(BIN)/precbench experiment --list | cut -d' ' -f1); \
	 for e in $$names; do $(BIN)/precbench experiment $$e $(EXP_MODE) || exit 1; done

plots:
	@command -v gnuplot >/dev/null || { echo "precbench: make plots needs gnuplot (make deps)" >&2; exit 1; }
	@mkdir -p results/figures; \
	 formats="svg png"; \
	 if gnuplot -e 'print GPVAL_TERMINALS' 2>&1 | grep -qw pdfcairo; then formats="$$formats pdf"; fi; \
	 st=0; \
	 for gp in $(PLOT_SCRIPTS); do \
	   missing=; \
	   for f in $$(sed -n 's/^# needs: //p' $$gp); do [ -f results/$$f ] || missing="$$missing results/$$f"; done; \
	   if [ -n "$$missing" ]; then \
	     echo "precbench: $$gp: missing$$missing (run: make experiments)" >&2; st=1; continue; \
	   fi; \
	   for t in $$formats; do \
	     gnuplot -e "out_format='$$t'; resdir='results'; outdir='results/figures'" $$gp 2>&1 \
	       | grep -v -e 'warning: Skipping data file with no valid points' -e '^$$' >&2; \
	     [ -s results/figures/$$(basename $$gp .gp).$$t ] || { echo "precbench: $$gp: no $$t written" >&2; st=1; }; \
	   done; \
	   echo "figure: results/figures/$$(basename $$gp .gp).{$$(echo $$formats | tr ' ' ,)}"; \
	 done; \
	 $(MAKE) --no-print-directory bench-plot; \
	 exit $$st

figures:
	@$(MAKE) --no-print-directory experiments FULL=1
	@$(MAKE) --no-print-directory plots

clean:
	rm -rf build build-san bin

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_BIN:=.d)
