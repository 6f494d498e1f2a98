// tcprobe: what the tensor cores of an NVIDIA GPU really do when they add products.
//
// Hand-made inputs in the style of Fasi, Higham, Mikaitis and Pranesh (2021),
// "Numerical behavior of NVIDIA tensor cores", and Khattak and Mikaitis (2025),
// "Accurate models of NVIDIA tensor cores", each chosen so that one property of the
// accumulation shows up as an exact, readable change in one output element:
//   1  how many fraction bits the aligned sum keeps (F), and to which exponent the
//      products are aligned;
//   2  whether the bits that fall out of the window are truncated or rounded;
//   3  how many products are aligned together (the block size k);
//   4  whether the accumulator C joins that alignment;
//   5  whether subnormal inputs and products are kept;
//   6  (cuBLASLt fp8) whether, and how often, partial sums are promoted into an fp32
//      accumulator, with and without CUBLASLT_MATMUL_DESC_FAST_ACCUM.
// The measured parameters are then checked as a whole: a bit-exact scalar model of the
// tensor-core accumulation (the same model as precbench's tensorcore accumulator) is run
// with them on random inputs and compared with the hardware, output by output.
//
// Paths probed on Hopper (sm_90a): mma.sync m16n8k16 (fp16, bf16), mma.sync m16n8k32
// (e4m3, e5m2; built only with -DTCPROBE_MMA_FP8), wgmma m64n8k16 / m64n8k32, and cuBLASLt
// matmul (e4m3 x e4m3, e5m2 x e4m3, bf16) with fp32 output.
//
// Usage: tcprobe [--selftest] [--only lt|mma|wgmma|mmafp8]
//   --selftest runs every probe against simulated tensor cores (the scalar model with
//   known parameters, no GPU needed) and checks that the probes recover those parameters.
//
// Conventions: A is M x K row-major (row m = the a vector of output row m); B is given as
// N x K (row n = the b vector of output column n), both as exactly representable doubles;
// C and D are M x N row-major fp32.

#include <cuda_runtime.h>
#include <cublasLt.h>

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <algorithm>
#include <vector>

// ---------------------------------------------------------------------------------------
// Formats: exact encoding of doubles into the input formats.

typedef struct {
    const char *name;
    int frac;       // stored fraction bits
    int ebits;      // exponent bits
    int bias;
    double maxval;  // largest finite value
    int bytes;
    cudaDataType_t cuda_type;
} fmt_t;

static const fmt_t FMT_FP16 = {"fp16", 10, 5, 15, 65504.0, 2, CUDA_R_16F};
static const fmt_t FMT_BF16 = {"bf16", 7, 8, 127, 3.3895313892515355e38, 2, CUDA_R_16BF};
static const fmt_t FMT_E4M3 = {"e4m3", 3, 4, 7, 448.0, 1, CUDA_R_8F_E4M3};
static const fmt_t FMT_E5M2 = {"e5m2", 2, 5, 15, 57344.0, 1, CUDA_R_8F_E5M2};

static int fmt_emin(const fmt_t *f) { return 1 - f->bias; }

// Encodes v exactly; returns 0 if v is not a finite value of f.
static int fmt_encode(const fmt_t *f, double v, uint32_t *bits)
{
    int total = 1 + f->ebits + f->frac;
    uint32_t sign = signbit(v) ? 1u << (total - 1) : 0u;
    double m = fabs(v);
    if (m == 0) {
        *bits = sign;
        return 1;
    }
    if (!(m <= f->maxval))
        return 0;
    int e = ilogb(m);
    if (e < fmt_emin(f))
        e = fmt_emin(f);  // subnormal: fixed exponent, no hidden bit
    double q = ldexp(m, f->frac - e);
    if (q != floor(q))
        return 0;
    uint32_t iq = (uint32_t)q;
    uint32_t field = iq >= (1u << f->frac) ? (uint32_t)(e + f->bias) : 0u;
    *bits = sign | field << f->frac | (iq & ((1u << f->frac) - 1u));
    return 1;
}

static double fmt_decode(const fmt_t *f, uint32_t bits)
{
    int total = 1 + f->ebits + f->frac;
    uint32_t field = bits >> f->frac & ((1u << f->ebits) - 1u);
    uint32_t fr = bits & ((1u << f->frac) - 1u);
    double v = field ? ldexp((double)(fr | 1u << f->frac), (int)field - f->bias - f->frac)
                     : ldexp((double)fr, fmt_emin(f) - f->frac);
    return (bits >> (total - 1) & 1u) ? -v : v;
}

static int fmt_is_subnormal(const fmt_t *f, double v)
{
    return v != 0 && fabs(v) < ldexp(1.0, fmt_emin(f));
}

// Splits the product p into a * b, a in fa and b in fb, both exact. Prefers normal
// factors of balanced size, so that a probe never depends on subnormal support by
// accident. Returns 0 if p is not such a product.
static int split_product(const fmt_t *fa, const fmt_t *fb, double p, double *a, double *b)
{
    uint32_t bits;
    if (p == 0) {
        *a = 0;
        *b = 0;
        return 1;
    }
    int best = INT_MAX;
    for (int s = -300; s <= 300; s++) {  // b a power of two
        double bb = ldexp(1.0, s), aa = ldexp(p, -s);
        if (!fmt_encode(fa, aa, &bits) || !fmt_encode(fb, bb, &bits))
            continue;
        int cost = 1000 * (fmt_is_subnormal(fa, aa) + fmt_is_subnormal(fb, bb)) + abs(ilogb(aa) - s);
        if (cost < best) {
            best = cost;
            *a = aa;
            *b = bb;
        }
    }
    if (best != INT_MAX)
        return 1;
    int ncodes = 1 << (1 + fa->ebits + fa->frac);  // p has more bits than fa: try every a
    for (int code = 0; code < ncodes; code++) {
        double aa = fmt_decode(fa, (uint32_t)code);
        if (aa == 0 || !(fabs(aa) <= fa->maxval))
            continue;
        double bb = p / aa;
        if (bb * aa != p || !fmt_encode(fb, bb, &bits))
            continue;
        int cost = 1000 * (fmt_is_subnormal(fa, aa) + fmt_is_subnormal(fb, bb)) + abs(ilogb(aa) - ilogb(bb));
        if (cost < best) {
            best = cost;
            *a = aa;
            *b = bb;
        }
    }
    return best != INT_MAX;
}

// ---------------------------------------------------------------------------------------
// The scalar model of a tensor-core dot product (the hypothesis the probes measure).
//
// Products are grouped in blocks of k. In each block every product a*b (and the running
// accumulator, when c_joins) is aligned to the largest reference exponent E of the block
// and cut to F fraction bits below 2^E (truncation toward zero, toward -inf, or rounding
// to nearest); the cut terms are summed exactly and the sum is normalised to Fo fraction
// bits in the fp32 exponent range. The reference exponent of a product is ea + eb (the
// product of two significands in [1,2) is taken as it comes out of the multiplier, in
// [1,4)) when ref_unnorm, else its exact exponent. If !c_joins the block sum is added to
// the accumulator in ordinary fp32 (round to nearest). Every `promote` instructions of
// kinstr products the accumulator is added to a separate fp32 total and restarted at 0
// (cuBLASLt's promotion; 0 = never).

enum { ALIGN_RZ, ALIGN_RD, ALIGN_RN };
enum { OUT_RZ, OUT_RN };
static const char *align_name[] = {"truncate toward zero", "truncate toward -inf (two's complement)",
                                   "round to nearest"};
static const char *out_name[] = {"truncate (RZ)", "round to nearest"};

typedef struct {
    int k, F, align_round, c_joins, ref_unnorm, Fo, out_round, kinstr, promote;
} model_t;

// x = sig * 2^exp with 1 <= |sig| < 2; below 2^emin, exp = emin and |sig| < 1.
static void sig_exp(double x, int emin, double *sig, int *exp)
{
    int e = ilogb(x);
    if (e < emin)
        e = emin;
    *sig = ldexp(x, -e);
    *exp = e;
}

static double round_out(double v, int Fo, int mode)
{
    if (v == 0)
        return v;
    int e = ilogb(v);
    if (e < -126)
        e = -126;
    double q = ldexp(v, Fo - e);
    q = mode == OUT_RZ ? trunc(q) : nearbyint(q);
    return ldexp(q, e - Fo);
}

static double model_fused(const fmt_t *fa, const fmt_t *fb, const model_t *m, const double *a,
                          const double *b, int n, double c, int with_c)
{
    double sig[80];
    int ex[80], cnt = 0;
    for (int i = 0; i < n; i++) {
        if (a[i] == 0 || b[i] == 0)
            continue;
        double sa, sb;
        int ea, eb;
        sig_exp(a[i], fmt_emin(fa), &sa, &ea);
        sig_exp(b[i], fmt_emin(fb), &sb, &eb);
        double s = sa * sb;
        int e = ea + eb;
        if (!m->ref_unnorm) {
            int shift = ilogb(s);
            s = ldexp(s, -shift);
            e += shift;
        }
        sig[cnt] = s;
        ex[cnt++] = e;
    }
    if (with_c && c != 0) {
        sig_exp(c, -126, &sig[cnt], &ex[cnt]);
        cnt++;
    }
    if (cnt == 0)
        return 0.0;
    int E = ex[0];
    for (int i = 1; i < cnt; i++)
        E = std::max(E, ex[i]);
    double sum = 0;  // in units of 2^(E-F); exact: |sum| < 80 * 2^(F+2)
    for (int i = 0; i < cnt; i++) {
        double q = ldexp(sig[i], ex[i] - E + m->F);
        q = m->align_round == ALIGN_RZ ? trunc(q) : m->align_round == ALIGN_RD ? floor(q) : nearbyint(q);
        sum += q;
    }
    return round_out(ldexp(sum, E - m->F), m->Fo, m->out_round);
}

static float model_dot(const fmt_t *fa, const fmt_t *fb, const model_t *m, const double *a, const double *b,
                       int K, float c)
{
    float acc = c, total = 0.0f;
    int ninstr = 0;
    for (int i0 = 0; i0 < K; i0 += m->kinstr) {
        for (int b0 = i0; b0 < std::min(i0 + m->kinstr, K); b0 += m->k) {
            int n = std::min(m->k, K - b0);
            if (m->c_joins)
                acc = (float)model_fused(fa, fb, m, a + b0, b + b0, n, acc, 1);
            else
                acc = acc + (float)model_fused(fa, fb, m, a + b0, b + b0, n, 0.0, 0);
        }
        if (m->promote && ++ninstr % m->promote == 0) {
            total = total + acc;
            acc = 0.0f;
        }
    }
    return m->promote ? total + acc : acc;
}

// ---------------------------------------------------------------------------------------
// GPU kernels. Inputs are raw bytes, K-contiguous: A is rows x kbytes, B is 8 x kbytes.
// Both instruction families read 32 bytes of K per step (16 fp16/bf16 or 32 fp8 values),
// and their fragments have the same byte layout for 2-byte and 1-byte types, so one
// loader serves all four input types.

template <int T> __device__ __forceinline__ void mma_step(float d[4], const uint32_t a[4], const uint32_t b[2])
{
#define TCP_MMA(INSTR)                                                                                   \
    asm volatile(INSTR " {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};"                      \
                 : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])                                      \
                 : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]))
    if (T == 0)
        TCP_MMA("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32");
    if (T == 1)
        TCP_MMA("mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32");
#ifdef TCPROBE_MMA_FP8
    if (T == 2)
        TCP_MMA("mma.sync.aligned.m16n8k32.row.col.f32.e4m3.e4m3.f32");
    if (T == 3)
        TCP_MMA("mma.sync.aligned.m16n8k32.row.col.f32.e5m2.e5m2.f32");
#endif
#undef TCP_MMA
}

// One warp, D (16 x 8) = C + A (16 x K) * B (K x 8), one mma.sync per 32 bytes of K,
// the fp32 result of each instruction being the C of the next.
template <int T> __global__ void k_mma(const uint8_t *A, const uint8_t *B, const float *C, float *D, int kbytes)
{
    int lane = threadIdx.x, g = lane >> 2, t = lane & 3;
    float d[4] = {C[g * 8 + 2 * t], C[g * 8 + 2 * t + 1], C[(g + 8) * 8 + 2 * t], C[(g + 8) * 8 + 2 * t + 1]};
    for (int k0 = 0; k0 < kbytes; k0 += 32) {
        const uint32_t *r0 = (const uint32_t *)(A + g * kbytes + k0);
        const uint32_t *r8 = (const uint32_t *)(A + (g + 8) * kbytes + k0);
        const uint32_t *bc = (const uint32_t *)(B + g * kbytes + k0);
        uint32_t a[4] = {r0[t], r8[t], r0[4 + t], r8[4 + t]};
        uint32_t b[2] = {bc[t], bc[4 + t]};
        mma_step<T>(d, a, b);
    }
    D[g * 8 + 2 * t] = d[0];
    D[g * 8 + 2 * t + 1] = d[1];
    D[(g + 8) * 8 + 2 * t] = d[2];
    D[(g + 8) * 8 + 2 * t + 1] = d[3];
}

// wgmma shared-memory descriptor, no swizzle: core matrices of 8 rows x 16 bytes stored
// contiguously; the kernel puts the next core matrix along K 128 bytes on and the next
// group of 8 rows 256 bytes on. Which descriptor field (leading or stride byte offset)
// holds which distance is passed in, and the layout check picks the reading that works
// (the PTX manual's wording for K-major operands without swizzle is easy to misread).
__device__ __forceinline__ uint64_t wgmma_desc(const void *smem, uint32_t lbo, uint32_t sbo)
{
    uint64_t addr = (uint64_t)__cvta_generic_to_shared(smem);
    return ((addr & 0x3FFFF) >> 4) | (uint64_t)(lbo >> 4) << 16 | (uint64_t)(sbo >> 4) << 32;
}

template <int T> __device__ __forceinline__ void wgmma_step(float d[4], uint64_t da, uint64_t db)
{
#define TCP_WGMMA(INSTR, TAIL)                                                                           \
    asm volatile(INSTR " {%0,%1,%2,%3}, %4, %5, " TAIL ";"                                              \
                 : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])                                      \
                 : "l"(da), "l"(db)                                                                     \
                 : "memory")
    if (T == 0)
        TCP_WGMMA("wgmma.mma_async.sync.aligned.m64n8k16.f32.f16.f16", "1, 1, 1, 0, 0");
    if (T == 1)
        TCP_WGMMA("wgmma.mma_async.sync.aligned.m64n8k16.f32.bf16.bf16", "1, 1, 1, 0, 0");
    if (T == 2)
        TCP_WGMMA("wgmma.mma_async.sync.aligned.m64n8k32.f32.e4m3.e4m3", "1, 1, 1");
    if (T == 3)
        TCP_WGMMA("wgmma.mma_async.sync.aligned.m64n8k32.f32.e5m2.e5m2", "1, 1, 1");
#undef TCP_WGMMA
}

// One warpgroup, D (64 x 8) = C + A (64 x K) * B (K x 8), one wgmma per 32 bytes of K
// (scale-d = 1: the accumulator registers are the C of every instruction).
template <int T>
__global__ void k_wgmma(const uint8_t *A, const uint8_t *B, const float *C, float *D, int kbytes, uint32_t lbo, uint32_t sbo)
{
    __shared__ __align__(1024) uint8_t sA[64 * 32];
    __shared__ __align__(1024) uint8_t sB[8 * 32];
    int tid = threadIdx.x, warp = tid >> 5, lane = tid & 31, g = lane >> 2, t = lane & 3;
    int r0 = warp * 16 + g;
    float d[4] = {C[r0 * 8 + 2 * t], C[r0 * 8 + 2 * t + 1], C[(r0 + 8) * 8 + 2 * t], C[(r0 + 8) * 8 + 2 * t + 1]};
    uint64_t da = wgmma_desc(sA, lbo, sbo), db = wgmma_desc(sB, lbo, sbo);
    for (int k0 = 0; k0 < kbytes; k0 += 32) {
        for (int i = tid; i < 64 * 8; i += 128) {  // 8 words of 4 bytes per row
            int r = i >> 3, kb = (i & 7) * 4;
            int off = (r >> 3) * 256 + (kb >> 4) * 128 + (r & 7) * 16 + (kb & 15);
            *(uint32_t *)(sA + off) = *(const uint32_t *)(A + r * kbytes + k0 + kb);
            if (r < 8)
                *(uint32_t *)(sB + off) = *(const uint32_t *)(B + r * kbytes + k0 + kb);
        }
        // generic-proxy stores must be visible to the tensor cores' async proxy
        asm volatile("fence.proxy.async.shared::cta;" ::: "memory");
        __syncthreads();
        asm volatile("wgmma.fence.sync.aligned;" ::: "memory");
        wgmma_step<T>(d, da, db);
        asm volatile("wgmma.commit_group.sync.aligned;" ::: "memory");
        asm volatile("wgmma.wait_group.sync.aligned 0;" ::: "memory");
        __syncthreads();
    }
    D[r0 * 8 + 2 * t] = d[0];
    D[r0 * 8 + 2 * t + 1] = d[1];
    D[(r0 + 8) * 8 + 2 * t] = d[2];
    D[(r0 + 8) * 8 + 2 * t + 1] = d[3];
}

// ---------------------------------------------------------------------------------------
// Engines: one way of computing D = C + A*B (a GPU path, or the model for --selftest).

enum { ENG_MMA, ENG_WGMMA, ENG_LT, ENG_MODEL };

typedef struct {
    const char *name;
    const char *group;  // --only selects by group
    int kind;
    int type;           // kernel template index: 0 fp16, 1 bf16, 2 e4m3, 3 e5m2
    const fmt_t *fa, *fb;
    int kinstr;         // products one instruction takes
    int lt;             // cuBLASLt-like: no C input, K padded to LT_KMIN, promotion probed
    int fast_accum;     // cuBLASLt only
    model_t sim;        // ENG_MODEL only: the behaviour being simulated
} engine_t;

static int eng_has_c(const engine_t *e) { return !e->lt; }

enum { LT_MN = 4096, LT_KMIN = 4096, KMAX = 16384 };
static uint8_t *g_dA, *g_dB;
static float *g_dC, *g_dD;
static void *g_ws;
static const size_t WS_BYTES = 64u << 20;
static cublasLtHandle_t g_lt;
static uint32_t g_wgmma_lbo = 128, g_wgmma_sbo = 256;  // descriptor fields, see wgmma_desc

#define CUDA_CHECK(x)                                                                                    \
    do {                                                                                                 \
        cudaError_t err_ = (x);                                                                          \
        if (err_ != cudaSuccess) {                                                                       \
            printf("CUDA error %s at %s:%d: %s\n", cudaGetErrorString(err_), __FILE__, __LINE__, #x);   \
            exit(1);                                                                                     \
        }                                                                                                \
    } while (0)
#define LT_CHECK(x)                                                                                      \
    do {                                                                                                 \
        cublasStatus_t st_ = (x);                                                                        \
        if (st_ != CUBLAS_STATUS_SUCCESS) {                                                              \
            printf("cuBLASLt error %d at %s:%d: %s\n", (int)st_, __FILE__, __LINE__, #x);              \
            exit(1);                                                                                     \
        }                                                                                                \
    } while (0)

static void gpu_init(void)
{
    CUDA_CHECK(cudaMalloc(&g_dA, (size_t)LT_MN * KMAX * 2));
    CUDA_CHECK(cudaMalloc(&g_dB, (size_t)LT_MN * KMAX * 2));
    CUDA_CHECK(cudaMalloc(&g_dC, (size_t)LT_MN * LT_MN * 4));
    CUDA_CHECK(cudaMalloc(&g_dD, (size_t)LT_MN * LT_MN * 4));
    CUDA_CHECK(cudaMalloc(&g_ws, WS_BYTES));
    LT_CHECK(cublasLtCreate(&g_lt));
}

// Encodes rows x K doubles into rows x K*bytes bytes.
static void pack(const fmt_t *f, const double *v, int rows, int K, std::vector<uint8_t> &out)
{
    out.assign((size_t)rows * K * f->bytes, 0);
    for (size_t i = 0; i < (size_t)rows * K; i++) {
        uint32_t bits;
        if (!fmt_encode(f, v[i], &bits)) {
            printf("internal error: %a is not a %s value\n", v[i], f->name);
            exit(1);
        }
        for (int byte = 0; byte < f->bytes; byte++)
            out[i * f->bytes + byte] = (uint8_t)(bits >> (8 * byte));
    }
}

static char g_lt_info[256];  // the algorithm cuBLASLt chose for the last call

static uint64_t lt_algo_attr(const cublasLtMatmulAlgo_t *algo, cublasLtMatmulAlgoConfigAttributes_t attr)
{
    uint64_t v = 0;
    size_t need = 0;
    if (cublasLtMatmulAlgoConfigGetAttribute(algo, attr, NULL, 0, &need) != CUBLAS_STATUS_SUCCESS || need > 8)
        return (uint64_t)-1;
    cublasLtMatmulAlgoConfigGetAttribute(algo, attr, &v, need, &need);
    return v;
}

// D (LT_MN x LT_MN, column-major) = A^T B with A and B stored K-contiguous in g_dA, g_dB
// (the "TN" layout cuBLASLt requires for fp8), fp32 output, alpha = 1, beta = 0.
static void lt_matmul(const engine_t *e, int K)
{
    cublasLtMatmulDesc_t op;
    cublasLtMatrixLayout_t la, lb, ld;
    cublasLtMatmulPreference_t pref;
    cublasOperation_t ta = CUBLAS_OP_T, tb = CUBLAS_OP_N;
    int8_t fast = (int8_t)e->fast_accum;
    LT_CHECK(cublasLtMatmulDescCreate(&op, CUBLAS_COMPUTE_32F, CUDA_R_32F));
    LT_CHECK(cublasLtMatmulDescSetAttribute(op, CUBLASLT_MATMUL_DESC_TRANSA, &ta, sizeof ta));
    LT_CHECK(cublasLtMatmulDescSetAttribute(op, CUBLASLT_MATMUL_DESC_TRANSB, &tb, sizeof tb));
    LT_CHECK(cublasLtMatmulDescSetAttribute(op, CUBLASLT_MATMUL_DESC_FAST_ACCUM, &fast, sizeof fast));
    LT_CHECK(cublasLtMatrixLayoutCreate(&la, e->fa->cuda_type, K, LT_MN, K));
    LT_CHECK(cublasLtMatrixLayoutCreate(&lb, e->fb->cuda_type, K, LT_MN, K));
    LT_CHECK(cublasLtMatrixLayoutCreate(&ld, CUDA_R_32F, LT_MN, LT_MN, LT_MN));
    LT_CHECK(cublasLtMatmulPreferenceCreate(&pref));
    // No workspace first: that rules out split-K reductions, which would add partial sums
    // in fp32 and look like promotion. Fall back to a workspace only if nothing runs without.
    cublasLtMatmulHeuristicResult_t res;
    int nres = 0;
    size_t ws = 0;
    for (int attempt = 0; attempt < 2 && nres == 0; attempt++) {
        ws = attempt ? WS_BYTES : 0;
        LT_CHECK(cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &ws, sizeof ws));
        if (cublasLtMatmulAlgoGetHeuristic(g_lt, op, la, lb, ld, ld, pref, 1, &res, &nres) != CUBLAS_STATUS_SUCCESS)
            nres = 0;
    }
    if (nres == 0) {
        printf("cuBLASLt: no algorithm for %s x %s, K = %d\n", e->fa->name, e->fb->name, K);
        exit(1);
    }
    float alpha = 1.0f, beta = 0.0f;
    LT_CHECK(cublasLtMatmul(g_lt, op, &alpha, g_dA, la, g_dB, lb, &beta, g_dD, ld, g_dD, ld, &res.algo, g_ws, ws, 0));
    CUDA_CHECK(cudaDeviceSynchronize());
    snprintf(g_lt_info, sizeof g_lt_info, "algo %lld tile %lld stages %lld splitK %lld reduction %lld cluster %lld workspace %zu",
             (long long)lt_algo_attr(&res.algo, CUBLASLT_ALGO_CONFIG_ID),
             (long long)lt_algo_attr(&res.algo, CUBLASLT_ALGO_CONFIG_TILE_ID),
             (long long)lt_algo_attr(&res.algo, CUBLASLT_ALGO_CONFIG_STAGES_ID),
             (long long)lt_algo_attr(&res.algo, CUBLASLT_ALGO_CONFIG_SPLITK_NUM),
             (long long)lt_algo_attr(&res.algo, CUBLASLT_ALGO_CONFIG_REDUCTION_SCHEME),
             (long long)lt_algo_attr(&res.algo, CUBLASLT_ALGO_CONFIG_CLUSTER_SHAPE_ID), ws);
    cublasLtMatmulPreferenceDestroy(pref);
    cublasLtMatrixLayoutDestroy(la);
    cublasLtMatrixLayoutDestroy(lb);
    cublasLtMatrixLayoutDestroy(ld);
    cublasLtMatmulDescDestroy(op);
}

// D (M x N) = C + A (M x K) * B, B given as N x K. Tiles: mma 16 x 8, wgmma 64 x 8,
// cuBLASLt the top-left M x N corner of an LT_MN x LT_MN x K product (zeros elsewhere;
// C must be 0 there, cuBLASLt's C never reaches the tensor cores).
static void eng_tile(const engine_t *e, int M, int N, int K, const double *A, const double *B, const float *C, float *D)
{
    if (e->kind == ENG_MODEL) {
        for (int m = 0; m < M; m++)
            for (int n = 0; n < N; n++)
                D[m * N + n] = model_dot(e->fa, e->fb, &e->sim, A + (size_t)m * K, B + (size_t)n * K, K, C[m * N + n]);
        return;
    }
    std::vector<uint8_t> pa, pb;
    if (e->kind == ENG_LT) {
        for (int i = 0; i < M * N; i++)
            if (C[i] != 0) {
                printf("internal error: cuBLASLt engine given a nonzero C\n");
                exit(1);
            }
        pack(e->fa, A, M, K, pa);
        pack(e->fb, B, N, K, pb);
        CUDA_CHECK(cudaMemset(g_dA, 0, (size_t)LT_MN * K * e->fa->bytes));
        CUDA_CHECK(cudaMemset(g_dB, 0, (size_t)LT_MN * K * e->fb->bytes));
        CUDA_CHECK(cudaMemcpy(g_dA, pa.data(), pa.size(), cudaMemcpyHostToDevice));
        CUDA_CHECK(cudaMemcpy(g_dB, pb.data(), pb.size(), cudaMemcpyHostToDevice));
        lt_matmul(e, K);
        std::vector<float> col((size_t)M * N);  // column-major corner
        CUDA_CHECK(cudaMemcpy2D(col.data(), M * 4, g_dD, LT_MN * 4, M * 4, N, cudaMemcpyDeviceToHost));
        for (int m = 0; m < M; m++)
            for (int n = 0; n < N; n++)
                D[m * N + n] = col[(size_t)n * M + m];
        return;
    }
    int TM = e->kind == ENG_MMA ? 16 : 64, TN = 8;
    std::vector<double> a((size_t)TM * K, 0.0), b((size_t)TN * K, 0.0);
    std::vector<float> c((size_t)TM * TN, 0.0f), d((size_t)TM * TN);
    for (int m = 0; m < M; m++)
        for (int k = 0; k < K; k++)
            a[(size_t)m * K + k] = A[(size_t)m * K + k];
    for (int n = 0; n < N; n++)
        for (int k = 0; k < K; k++)
            b[(size_t)n * K + k] = B[(size_t)n * K + k];
    for (int m = 0; m < M; m++)
        for (int n = 0; n < N; n++)
            c[m * TN + n] = C[m * N + n];
    pack(e->fa, a.data(), TM, K, pa);
    pack(e->fb, b.data(), TN, K, pb);
    CUDA_CHECK(cudaMemcpy(g_dA, pa.data(), pa.size(), cudaMemcpyHostToDevice));
    CUDA_CHECK(cudaMemcpy(g_dB, pb.data(), pb.size(), cudaMemcpyHostToDevice));
    CUDA_CHECK(cudaMemcpy(g_dC, c.data(), c.size() * 4, cudaMemcpyHostToDevice));
    int kbytes = K * e->fa->bytes;
    if (e->kind == ENG_MMA) {
        switch (e->type) {
        case 0: k_mma<0><<<1, 32>>>(g_dA, g_dB, g_dC, g_dD, kbytes); break;
        case 1: k_mma<1><<<1, 32>>>(g_dA, g_dB, g_dC, g_dD, kbytes); break;
        case 2: k_mma<2><<<1, 32>>>(g_dA, g_dB, g_dC, g_dD, kbytes); break;
        default: k_mma<3><<<1, 32>>>(g_dA, g_dB, g_dC, g_dD, kbytes); break;
        }
    } else {
        switch (e->type) {
        case 0: k_wgmma<0><<<1, 128>>>(g_dA, g_dB, g_dC, g_dD, kbytes, g_wgmma_lbo, g_wgmma_sbo); break;
        case 1: k_wgmma<1><<<1, 128>>>(g_dA, g_dB, g_dC, g_dD, kbytes, g_wgmma_lbo, g_wgmma_sbo); break;
        case 2: k_wgmma<2><<<1, 128>>>(g_dA, g_dB, g_dC, g_dD, kbytes, g_wgmma_lbo, g_wgmma_sbo); break;
        default: k_wgmma<3><<<1, 128>>>(g_dA, g_dB, g_dC, g_dD, kbytes, g_wgmma_lbo, g_wgmma_sbo); break;
        }
    }
    CUDA_CHECK(cudaGetLastError());
    CUDA_CHECK(cudaDeviceSynchronize());
    CUDA_CHECK(cudaMemcpy(d.data(), g_dD, d.size() * 4, cudaMemcpyDeviceToHost));
    for (int m = 0; m < M; m++)
        for (int n = 0; n < N; n++)
            D[m * N + n] = d[m * TN + n];
}

// ---------------------------------------------------------------------------------------
// Hand-made vectors: one dot product c + sum a[i]*b[i], described by its products.

typedef struct {
    int K;
    double a[KMAX], b[KMAX];
} vec_t;
static vec_t g_vec;

// Every probe scales its products by X = 2^14: from 4X down to X * 2^-42 they are exact
// products of normal fp16, bf16 and e5m2 values (e4m3 down to X * 2^-26), and X*X stays
// far from fp32 overflow.
static const double X = 16384.0;

static int eng_kmin(const engine_t *e) { return e->lt ? LT_KMIN : e->kinstr; }

// Starts a vector of at least K products (padded with zeros to what the engine runs).
static vec_t *vec_new(const engine_t *e, int K)
{
    vec_t *v = &g_vec;
    int q = e->kinstr;
    v->K = std::max(eng_kmin(e), (K + q - 1) / q * q);
    memset(v->a, 0, sizeof(double) * v->K);
    memset(v->b, 0, sizeof(double) * v->K);
    return v;
}

// Sets product i to p, split into exact factors; returns 0 if p is no such product.
static int vec_prod(const engine_t *e, vec_t *v, int i, double p)
{
    return split_product(e->fa, e->fb, p, &v->a[i], &v->b[i]);
}

static float vec_dot(const engine_t *e, const vec_t *v, float c)
{
    float d, cc = c;
    eng_tile(e, 1, 1, v->K, v->a, v->b, &cc, &d);
    return d;
}

// Runs trial(j) for j = 1..jmax; a trial returns 1 (the tell-tale bit survived), 0 (lost)
// or -1 (the vector cannot be built from the input format). Prints the pattern and
// returns the largest j such that every trial up to j survived.
template <class Trial> static int sweep(const char *label, int jmax, Trial trial)
{
    char pat[128];
    int thr = 0, broken = 0;
    for (int j = 1; j <= jmax; j++) {
        int r = trial(j);
        pat[j - 1] = r < 0 ? '-' : r ? '1' : '0';
        if (r == 1 && !broken)
            thr = j;
        else
            broken = 1;
    }
    pat[jmax] = 0;
    printf("  %-34s j=1..%d: %s  -> survives up to j = %d\n", label, jmax, pat, thr);
    return thr;
}

// ---------------------------------------------------------------------------------------
// The probes. Each fills its part of the measured model.

typedef struct {
    model_t m;         // the parameters measured so far
    int F_visible;     // 1 + 2^-j survives up to this j
    int Fo_known;      // 0: Fo could not be separated from F
    int per_product;   // 1: bits are cut from each product, not from the sum
    int c_thr;         // C = 2^-j survives up to j (-1: not measured)
    int sub_in, sub_both, sub_fp32;  // 1 kept, 0 flushed, -1 not applicable
    int sub_c;         // fp32-subnormal C: 1 kept, 2 kept on the result format's grid only, 0 flushed, -1 n/a
    int nblocks, block_start[64];
} result_t;

static const int JMAX = 44;

// Question 1: how many fraction bits does the aligned sum keep?
// Products {X, -X, 2^-j X}: X and -X set the block's largest exponent and cancel exactly,
// so what is left is the part of 2^-j X that survived its alignment to X's exponent:
// all of it while 2^-j X is inside the window (j <= F), nothing (or 2^-F X if the cut
// rounds) once it falls out. The result is exact in fp32 either way, so the normalisation
// of the output cannot hide the window, however wide.
static void probe_fraction_bits(const engine_t *e, result_t *r)
{
    printf("(1) fraction bits kept in the aligned sum\n");
    r->m.F = sweep("X - X + 2^-j X (window)", JMAX, [&](int j) {
        vec_t *v = vec_new(e, 3);
        if (!vec_prod(e, v, 0, X) || !vec_prod(e, v, 1, -X) || !vec_prod(e, v, 2, ldexp(X, -j)))
            return -1;
        return vec_dot(e, v, 0.0f) == (float)ldexp(X, -j) ? 1 : 0;
    });
    // The literature's form, 1 + 2^-j: it also has to survive the normalisation of the
    // result, so it shows min(F, output fraction bits).
    r->F_visible = sweep("X + 2^-j X (as published)", JMAX, [&](int j) {
        vec_t *v = vec_new(e, 2);
        if (!vec_prod(e, v, 0, X) || !vec_prod(e, v, 1, ldexp(X, -j)))
            return -1;
        return (double)vec_dot(e, v, 0.0f) == X + ldexp(X, -j) ? 1 : 0;
    });
}

// Question 1b: to which exponent are the products aligned?
// A product of two significands in [1,2) lies in [1,4). With a = b = 1.5 * 2^7 the
// product is 2.25 X: its input exponents sum to log2 X, its true exponent is one more.
// If the hardware aligns to ea + eb (the multiplier output, not normalised), 2.25 X
// leaves the window where X had it (threshold F); if it aligns to the true exponent the
// window moves up one bit (threshold F - 1). The control 2X = 2^8 * 2^7, whose input
// exponents already sum to log2 X + 1, moves the window in both cases.
static void probe_reference_exponent(const engine_t *e, result_t *r)
{
    printf("(1b) exponent the products are aligned to\n");
    double h = ldexp(1.5, 7), two = ldexp(1.0, 8), one = ldexp(1.0, 7);
    int ta = sweep("2.25X - 2.25X + 2^-j X", JMAX, [&](int j) {
        vec_t *v = vec_new(e, 3);
        v->a[0] = h, v->b[0] = h, v->a[1] = -h, v->b[1] = h;
        if (!vec_prod(e, v, 2, ldexp(X, -j)))
            return -1;
        return vec_dot(e, v, 0.0f) == (float)ldexp(X, -j) ? 1 : 0;
    });
    int tb = sweep("2X - 2X + 2^-j X", JMAX, [&](int j) {
        vec_t *v = vec_new(e, 3);
        v->a[0] = two, v->b[0] = one, v->a[1] = -two, v->b[1] = one;
        if (!vec_prod(e, v, 2, ldexp(X, -j)))
            return -1;
        return vec_dot(e, v, 0.0f) == (float)ldexp(X, -j) ? 1 : 0;
    });
    r->m.ref_unnorm = ta == r->m.F && tb == r->m.F - 1;
    if (r->m.ref_unnorm)
        printf("  -> aligned to ea + eb: a product in [2,4) carries one bit above the window\n");
    else if (ta == r->m.F - 1 && tb == r->m.F - 1)
        printf("  -> aligned to the exact exponent of each product\n");
    else
        printf("  -> neither hypothesis fits (ta = %d, tb = %d, F = %d)\n", ta, tb, r->m.F);
}

// Question 2: are the bits below the window truncated or rounded?
// Products {X, -X, x} with x = q * u, u = 2^-F X the last bit of the window, q in
// {0.75, 1.25, 1.5, 1.75, 2.5} and their negatives: the cut x is read off exactly.
// Truncation toward zero keeps floor(|q|) with x's sign; two's-complement truncation
// floors (-1.75 -> -2); rounding to nearest gives 1, 1, 2, 2, 2 (ties to even) or 3 for
// 2.5 (ties away). Then {X, -X, 0.75u, 0.75u}: cut product by product both vanish (0);
// cut after summing, 1.5u -> u.
static void probe_rounding(const engine_t *e, result_t *r)
{
    printf("(2) truncation or rounding of the bits below the window\n");
    const double qs[] = {0.75, 1.25, 1.5, 1.75, 2.5, -0.75, -1.25, -1.5, -1.75, -2.5};
    const int nq = 10;
    double got[10];
    double u = ldexp(X, -r->m.F);
    int ok = 1;
    printf("  q            :");
    for (int i = 0; i < nq; i++)
        printf(" %6.2f", qs[i]);
    printf("\n  cut(q u) / u :");
    for (int i = 0; i < nq; i++) {
        vec_t *v = vec_new(e, 3);
        if (!vec_prod(e, v, 0, X) || !vec_prod(e, v, 1, -X) || !vec_prod(e, v, 2, qs[i] * u)) {
            ok = 0;
            printf("    n/a");
            continue;
        }
        got[i] = vec_dot(e, v, 0.0f) / u;
        printf(" %6.2f", got[i]);
    }
    printf("\n");
    if (!ok) {
        printf("  -> the vectors cannot be built for F = %d\n", r->m.F);
        return;
    }
    int match[3] = {1, 1, 1};
    for (int i = 0; i < nq; i++) {
        double q = qs[i];
        if (got[i] != trunc(q)) match[ALIGN_RZ] = 0;
        if (got[i] != floor(q)) match[ALIGN_RD] = 0;
        if (got[i] != nearbyint(q)) match[ALIGN_RN] = 0;
    }
    r->m.align_round = match[ALIGN_RZ] ? ALIGN_RZ : match[ALIGN_RD] ? ALIGN_RD : match[ALIGN_RN] ? ALIGN_RN : -1;
    printf("  -> %s\n", r->m.align_round >= 0 ? align_name[r->m.align_round] : "no simple rule fits");
    if (r->m.align_round < 0)
        r->m.align_round = ALIGN_RZ;
    vec_t *v = vec_new(e, 4);
    vec_prod(e, v, 0, X), vec_prod(e, v, 1, -X), vec_prod(e, v, 2, 0.75 * u), vec_prod(e, v, 3, 0.75 * u);
    double s = vec_dot(e, v, 0.0f) / u;
    r->per_product = s == 0 || (r->m.align_round == ALIGN_RN && s == 2);
    printf("  X - X + 0.75u + 0.75u = %.2f u -> bits cut %s\n", s,
           r->per_product ? "from each product before the sum" : "from the sum");
}

// Question 1c: the width and rounding of the normalised result.
// Products {X, X, 2^-j X}: same window as in question 1, but the exact sum 2X + 2^-j X
// carries into the next binade, so the bit must also survive the normalisation of the
// result to Fo fraction bits: threshold min(F, Fo - 1). Then 4X + 0.75 ulp, built as
// {X, X, X, X, 2^(1-Fo) X, 2^-Fo X} (both small bits inside the window when F >= Fo):
// truncation gives 4X, rounding to nearest 4X + ulp.
static void probe_output(const engine_t *e, result_t *r)
{
    printf("(1c) normalisation of the result\n");
    int t1 = sweep("X + X + 2^-j X (carry)", JMAX, [&](int j) {
        vec_t *v = vec_new(e, 3);
        if (!vec_prod(e, v, 0, X) || !vec_prod(e, v, 1, X) || !vec_prod(e, v, 2, ldexp(X, -j)))
            return -1;
        return (double)vec_dot(e, v, 0.0f) == 2 * X + ldexp(X, -j) ? 1 : 0;
    });
    if (t1 >= r->m.F) {
        r->Fo_known = 0;
        r->m.Fo = 23;
        r->m.out_round = OUT_RZ;
        printf("  -> result keeps at least %d fraction bits; taken as fp32 (23); rounding not observable here\n", t1 + 1);
        return;
    }
    r->Fo_known = 1;
    r->m.Fo = t1 + 1;
    int Fo = r->m.Fo;
    double got[2];
    for (int s = 0; s < 2; s++) {
        double sg = s ? -1.0 : 1.0;
        vec_t *v = vec_new(e, 6);
        for (int i = 0; i < 4; i++)
            vec_prod(e, v, i, sg * X);
        vec_prod(e, v, 4, sg * ldexp(X, 1 - Fo));
        vec_prod(e, v, 5, sg * ldexp(X, -Fo));
        got[s] = (vec_dot(e, v, 0.0f) - sg * 4 * X) / ldexp(4 * X, -Fo);
    }
    r->m.out_round = got[0] == 0 ? OUT_RZ : OUT_RN;
    printf("  -> result has %d fraction bits; (+/-)(4X + 0.75 ulp) gives 4X %+g ulp / -4X %+g ulp: %s\n", Fo, got[0],
           got[1], got[0] == 0 && got[1] == 0 ? "truncated (RZ)" : got[0] == 1 && got[1] == -1 ? "rounded to nearest" : "other");
}

// Question 3: how many products are aligned together?
// Products: X at position t, 2^-(F+1) X at every other position of two instructions. A
// small product aligned in the same block as X (or with an accumulator that already holds
// X) drops out; small products in a block of their own add up exactly to an even multiple
// of 2^-(F+1) X, which is on the grid of X's window and survives every later alignment.
// So c_t = (D - X) / 2^-(F+1) X counts the small products summed before X's block when
// the accumulator joins the alignment (question 4): c_t steps at each block boundary.
// When block sums are added in plain fp32 instead, c_t counts every small product outside
// X's block: K - c_t is the size of t's block.
static void probe_block(const engine_t *e, result_t *r)
{
    printf("(3) block of products aligned together\n");
    int K = 2 * e->kinstr;
    double s = ldexp(X, -(r->m.F + 1));
    int c[64];
    printf("  c_t for t = 0..%d:", K - 1);
    for (int t = 0; t < K; t++) {
        vec_t *v = vec_new(e, K);
        for (int i = 0; i < K; i++)
            vec_prod(e, v, i, i == t ? X : s);
        c[t] = (int)lrint((vec_dot(e, v, 0.0f) - X) / s);
        printf(" %d", c[t]);
    }
    printf("\n");
    int k, regular = 1;
    if (r->m.c_joins) {
        r->nblocks = 0;
        for (int t = 0; t < K; t++)
            if (t == 0 || c[t] != c[t - 1])
                r->block_start[r->nblocks++] = t;
        k = r->nblocks > 1 ? r->block_start[1] : K;
        for (int t = 0; t < K; t++)  // contiguous equal blocks: c_t = start of t's block
            if (c[t] != t / k * k)
                regular = 0;
        printf("  -> blocks start at:");
        for (int i = 0; i < r->nblocks; i++)
            printf(" %d", r->block_start[i]);
        printf(" ; %s block size k = %d (instruction k = %d)\n", regular ? "contiguous," : "IRREGULAR,", k, e->kinstr);
    } else {
        k = K - c[0];
        for (int t = 0; t < K; t++)  // every block the same size
            if (K - c[t] != k)
                regular = 0;
        printf("  -> block of every t has %d products%s (instruction k = %d)\n", k, regular ? "" : " (IRREGULAR)", e->kinstr);
    }
    r->m.k = std::min(k, e->kinstr);
}

// Question 4: does the accumulator C join the alignment?
// C = 2^-j X with products {X, -X}: aligned together with the products, C is cut to X's
// window and lost for j > F; if the products were summed (to exactly 0) and C added
// afterwards, C survives for every j. The same question through the chain of two
// instructions (the D of the first is the C of the second): 2^-j X in instruction 0,
// {X, -X} in instruction 1. For cuBLASLt, only the chain exists.
static void probe_accumulator(const engine_t *e, result_t *r)
{
    printf("(4) accumulator in the alignment\n");
    r->c_thr = -1;
    if (eng_has_c(e)) {
        r->c_thr = sweep("C = 2^-j X, products X - X", JMAX, [&](int j) {
            vec_t *v = vec_new(e, 2);
            if (!vec_prod(e, v, 0, X) || !vec_prod(e, v, 1, -X))
                return -1;
            return vec_dot(e, v, (float)ldexp(X, -j)) == (float)ldexp(X, -j) ? 1 : 0;
        });
        sweep("C = X, product 2^-j X", JMAX, [&](int j) {
            vec_t *v = vec_new(e, 1);
            if (!vec_prod(e, v, 0, ldexp(X, -j)))
                return -1;
            return (double)vec_dot(e, v, (float)X) == X + ldexp(X, -j) ? 1 : 0;
        });
    }
    int tc = sweep("chain: 2^-j X | X - X", JMAX, [&](int j) {
        vec_t *v = vec_new(e, 2 * e->kinstr);
        if (!vec_prod(e, v, 0, ldexp(X, -j)) || !vec_prod(e, v, e->kinstr, X) || !vec_prod(e, v, e->kinstr + 1, -X))
            return -1;
        return vec_dot(e, v, 0.0f) == (float)ldexp(X, -j) ? 1 : 0;
    });
    int thr = eng_has_c(e) ? r->c_thr : tc;
    r->m.c_joins = thr <= r->m.F;
    printf("  -> accumulator %s\n", r->m.c_joins ? "joins the alignment (cut to the products' window)"
                                                 : "is added outside the products' alignment");
}

// Question 5: subnormal inputs, products and accumulators.
// Each case is one product (or one C) whose exact value is representable in fp32: the
// result equals it if the value was kept, 0 if it was flushed.
static void probe_subnormals(const engine_t *e, result_t *r)
{
    printf("(5) subnormals\n");
    const fmt_t *fa = e->fa, *fb = e->fb;
    double amin = ldexp(1.0, fmt_emin(fa) - fa->frac);                       // smallest subnormal of A
    double amax = ldexp((double)((1 << fa->frac) - 1), fmt_emin(fa) - fa->frac);  // largest
    double bmin = ldexp(1.0, fmt_emin(fb) - fb->frac);
    auto one = [&](const char *label, double a, double b, float c, int *flag) {
        vec_t *v = vec_new(e, 1);
        v->a[0] = a, v->b[0] = b;
        double exact = a * b + (double)c;
        if (exact != (double)(float)exact || (c != 0 && !eng_has_c(e))) {
            *flag = -1;
            printf("  %-44s n/a\n", label);
            return;
        }
        float d = vec_dot(e, v, c);
        float pred = model_dot(fa, fb, &r->m, v->a, v->b, v->K, c);
        *flag = (double)d == exact;
        printf("  %-44s exact %-14a got %-14a %-5s (model so far: %a)\n", label, exact, (double)d, *flag ? "kept" : "LOST",
               (double)pred);
    };
    double bn = ldexp(1.0, std::min(fb->bias, 7));  // a normal b that keeps the product well inside fp32
    int dummy;
    one("smallest subnormal a * normal b", amin, bn, 0.0f, &r->sub_in);
    one("largest subnormal a * normal b", amax, bn, 0.0f, &dummy);
    r->sub_in = r->sub_in == 1 && dummy == 1;
    one("smallest subnormal a * smallest subnormal b", amin, bmin, 0.0f, &r->sub_both);
    // A product below fp32's normal range (bf16 only: the others' products stay normal).
    r->sub_fp32 = -1;
    if (fmt_emin(fa) < -60) {
        double p = ldexp(1.0, -70);
        one("product 2^-140 (fp32 subnormal)", p, p, 0.0f, &r->sub_fp32);
    }
    // A subnormal C: 2^-130 is on the grid of a 13-bit result (spacing 2^-139 below
    // 2^-126), 2^-140 and 2^-149 are not; 1.5 * 2^-127 has two bits. A result format that
    // keeps subnormals with Fo fraction bits keeps exactly those on its grid; a flush loses all.
    r->sub_c = -1;
    if (eng_has_c(e)) {
        int k130, k140, k149, k127;
        one("C = 2^-130 (fp32 subnormal), products 0", 0.0, 0.0, (float)ldexp(1.0, -130), &k130);
        one("C = -1.5 * 2^-127, products 0", 0.0, 0.0, (float)ldexp(-1.5, -127), &k127);
        one("C = 2^-140, products 0", 0.0, 0.0, (float)ldexp(1.0, -140), &k140);
        one("C = 2^-149 (smallest fp32), products 0", 0.0, 0.0, (float)ldexp(1.0, -149), &k149);
        r->sub_c = k130 && k127 && k140 && k149 ? 1 : k130 && k127 ? 2 : 0;
        if (r->sub_c != 1)
            printf("  -> subnormal C %s\n", r->sub_c == 0 ? "flushed to zero" : "kept only on the grid of the result format");
    }
}

// Question 6 (cuBLASLt): is the accumulator periodically promoted into fp32?
// The chain test of question 4 at every distance: 2^-(F+4) X at position 32r and {X, -X}
// at the start of the next instruction. The small value survives only if it was moved
// out of the tensor-core accumulator (promoted into fp32) between instruction r and r+1,
// so the pattern over r is the map of promotion points.
static void probe_promotion(const engine_t *e, result_t *r)
{
    printf("(6) promotion into fp32 between instructions (K = %d)\n", LT_KMIN);
    int q = e->kinstr, n = LT_KMIN / q - 1;
    double s = ldexp(X, -(r->m.F + 4));
    std::vector<int> surv(n);
    printf("  boundary after instruction r = 0..%d:\n  ", n - 1);
    for (int i = 0; i < n; i++) {
        vec_t *v = vec_new(e, LT_KMIN);
        vec_prod(e, v, q * i, s);
        vec_prod(e, v, q * (i + 1), X);
        vec_prod(e, v, q * (i + 1) + 1, -X);
        surv[i] = vec_dot(e, v, 0.0f) == (float)s;
        printf("%d%s", surv[i], (i + 1) % 64 == 0 ? "\n  " : "");
    }
    printf("\n  cuBLASLt: %s\n", g_lt_info);
    int first = -1, periodic = 1;
    for (int i = 0; i < n; i++)
        if (surv[i]) {
            first = i;
            break;
        }
    if (first < 0) {
        r->m.promote = 0;
        printf("  -> never promoted within K = %d (fast accumulation)\n", LT_KMIN);
    } else {
        int P = first + 1;
        for (int i = 0; i < n; i++)
            if (surv[i] != ((i + 1) % P == 0))
                periodic = 0;
        r->m.promote = P;
        printf("  -> promoted every %d instructions = %d products%s\n", P, P * q, periodic ? "" : " (NOT periodic)");
    }
}

// ---------------------------------------------------------------------------------------
// Random inputs: the measured model must reproduce the hardware bit for bit.

static uint64_t g_rng = 0x9E3779B97F4A7C15ull;
static uint64_t rng_next(void)
{
    uint64_t z = (g_rng += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

// A random value of f with exponent in [elo, ehi] (below emin: a random subnormal),
// random sign and fraction; zero with probability pz/64.
static double rand_value(const fmt_t *f, int elo, int ehi, int pz)
{
    uint64_t z = rng_next();
    if ((int)(z & 63) < pz)
        return 0.0;
    int e = elo + (int)((z >> 6) % (uint64_t)(ehi - elo + 1));
    uint32_t fr = (uint32_t)(z >> 20) & ((1u << f->frac) - 1u);
    double v = e < fmt_emin(f) ? ldexp((double)(fr | 1u), fmt_emin(f) - f->frac)
                               : ldexp(1.0 + ldexp((double)fr, -f->frac), e);
    v = std::min(v, f->maxval);
    return (z >> 40 & 1) ? -v : v;
}

// Exponent ranges of the three regimes: narrow (cancellation, every product near the
// window), wide (alignment shifts across the whole window), and with subnormals/zeros.
static void rand_fill(const fmt_t *f, double *v, size_t n, int regime)
{
    int emin = fmt_emin(f), emax = std::min(f->bias, 20);
    for (size_t i = 0; i < n; i++) {
        if (regime == 0)
            v[i] = rand_value(f, -2, 2, 2);
        else if (regime == 1)
            v[i] = rand_value(f, std::max(emin, -12), std::min(emax, 12), 2);
        else
            v[i] = rand_value(f, emin - f->frac, std::min(emax, 4), 12);
    }
}

template <class Predict> static void probe_random(const engine_t *e, Predict predict, int *tested, int *mismatched)
{
    int M = e->kind == ENG_MMA ? 16 : e->kind == ENG_WGMMA ? 64 : e->lt ? 32 : 16, N = e->lt ? 32 : 8;
    int reps = e->kind == ENG_MODEL ? 1 : e->lt ? 2 : 40;
    int Ks[2] = {e->lt ? LT_KMIN : e->kinstr, e->lt ? LT_KMIN : 4 * e->kinstr};
    *tested = *mismatched = 0;
    int shown = 0;
    for (int ki = 0; ki < 2; ki++)
        for (int regime = 0; regime < 3; regime++)
            for (int rep = 0; rep < reps; rep++) {
                int K = Ks[ki];
                std::vector<double> A((size_t)M * K), B((size_t)N * K);
                std::vector<float> C((size_t)M * N, 0.0f), D((size_t)M * N);
                rand_fill(e->fa, A.data(), A.size(), regime);
                rand_fill(e->fb, B.data(), B.size(), regime);
                if (eng_has_c(e))
                    for (auto &c : C)  // a random fp32 C of the products' size, or 0
                        c = (rng_next() & 3) ? (float)ldexp((double)((int32_t)(rng_next() >> 40) - (1 << 23)), (int)(rng_next() % 9) - 27) : 0.0f;
                eng_tile(e, M, N, K, A.data(), B.data(), C.data(), D.data());
                for (int i = 0; i < M; i++)
                    for (int j = 0; j < N; j++) {
                        float want = predict(&A[(size_t)i * K], &B[(size_t)j * K], K, C[i * N + j]);
                        float got = D[i * N + j];
                        (*tested)++;
                        if (!(want == got || (want != want && got != got))) {
                            (*mismatched)++;
                            if (shown++ < 4)
                                printf("  mismatch K=%d regime %d: gpu %a model %a\n", K, regime, (double)got, (double)want);
                        }
                    }
            }
}

// Question 6b (cuBLASLt): error against K on constant inputs, for both accumulation
// modes. Every product is 1 + tiny: a = b = 1.125 (1.25 in e5m2, which has 2 fraction
// bits), so the product has 5 or 6 fraction bits, the exact sum is exact in fp32 up to
// K = 16384, and every lost bit is the accumulator's: with 13 bits the products' low bits
// fall off once the sum passes about 2^7, while promotion every few instructions keeps
// each partial sum small.
static void probe_error_vs_k(const engine_t *e, const model_t *m)
{
    double ca = e->fa->frac >= 3 ? 1.125 : 1.25, cb = e->fb->frac >= 3 ? 1.125 : 1.25;
    printf("(6b) error against K, constant products a*b (a = %s %g, b = %s %g)\n", e->fa->name, ca, e->fb->name, cb);
    printf("  %6s %14s %14s %12s %14s\n", "K", "gpu", "exact", "rel.err", "model");
    for (int K = 32; K <= KMAX; K *= 2) {
        vec_t *v = vec_new(e, K);
        for (int i = 0; i < K; i++)
            v->a[i] = ca, v->b[i] = cb;
        float d = vec_dot(e, v, 0.0f);
        double exact = ca * cb * K;
        float pred = model_dot(e->fa, e->fb, m, v->a, v->b, v->K, 0.0f);
        printf("  %6d %14.6f %14.6f %12.3e %14.6f %s\n", K, d, exact, fabs(d - exact) / exact, pred,
               pred == d ? "model ==" : "model DIFFERS");
        if (e->kind == ENG_LT)
            printf("         cuBLASLt: %s\n", g_lt_info);
    }
    // Random positive inputs in [1, 2): the relative error of a sum with no cancellation.
    printf("  random a, b in [1,2), 16 x 16 outputs: median / max relative error\n");
    for (int K = 256; K <= KMAX; K *= 4) {
        int M = 16, N = 16;
        std::vector<double> A((size_t)M * K), B((size_t)N * K);
        std::vector<float> C((size_t)M * N, 0.0f), D((size_t)M * N);
        for (auto &x : A) x = fabs(rand_value(e->fa, 0, 0, 0));
        for (auto &x : B) x = fabs(rand_value(e->fb, 0, 0, 0));
        eng_tile(e, M, N, K, A.data(), B.data(), C.data(), D.data());
        std::vector<double> err;
        int agree = 0;
        for (int i = 0; i < M; i++)
            for (int j = 0; j < N; j++) {
                double exact = 0;
                for (int k = 0; k < K; k++)
                    exact += A[(size_t)i * K + k] * B[(size_t)j * K + k];  // exact: < 2^53 total bits
                err.push_back(fabs(D[i * N + j] - exact) / exact);
                agree += model_dot(e->fa, e->fb, m, &A[(size_t)i * K], &B[(size_t)j * K], K, 0.0f) == D[i * N + j];
            }
        std::sort(err.begin(), err.end());
        printf("  K=%6d median %.3e max %.3e  model bit-identical %d/%d\n", K, err[err.size() / 2], err.back(), agree,
               M * N);
    }
}

// ---------------------------------------------------------------------------------------

// An exact tile of small integers: any correct summation gives the exact result, so a
// mismatch means the fragment or shared-memory layout is wrong, not the arithmetic.
static int layout_check(const engine_t *e)
{
    int M = e->kind == ENG_MMA ? 16 : e->kind == ENG_WGMMA ? 64 : 32, N = e->lt ? 32 : 8;
    int K = e->lt ? LT_KMIN : 4 * e->kinstr;
    std::vector<double> A((size_t)M * K), B((size_t)N * K);
    std::vector<float> C((size_t)M * N), D((size_t)M * N);
    for (auto &x : A) x = (double)((int)(rng_next() % 7) - 3);
    for (auto &x : B) x = (double)((int)(rng_next() % 7) - 3);
    for (auto &c : C) c = eng_has_c(e) ? (float)((int)(rng_next() % 201) - 100) : 0.0f;
    eng_tile(e, M, N, K, A.data(), B.data(), C.data(), D.data());
    int bad = 0;
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            double s = C[i * N + j];
            for (int k = 0; k < K; k++)
                s += A[(size_t)i * K + k] * B[(size_t)j * K + k];
            bad += (double)D[i * N + j] != s;
        }
    printf("layout check (%d x %d x %d small integers): %s\n", M, N, K, bad ? "FAILED" : "exact");
    if (e->lt)
        printf("cuBLASLt: %s\n", g_lt_info);
    return bad == 0;
}

typedef struct {
    const engine_t *e;
    result_t r;
    int ok, tested, mismatched;
    int emu_tested, emu_mismatched;  // fp8 mma.sync only: the fp16-emulation hypothesis
} summary_t;

// mma.sync m16n8k32 with fp8 inputs on sm_90: ptxas turns it into conversions to fp16
// (F2FP.F16.E4M3/E5M2.UNPACK_B) and two HMMA.16816 (see the SASS), so it is not Hopper's
// fp8 datapath. Hypothesis, read off the SASS: the bytes of each 32-bit fragment register
// are split into low and high pairs, so the first HMMA takes the products at K positions
// with (k mod 4) < 2, starting from 0, the second the others with the first's result as
// its C (both the fp16 tensor-core rule measured on this GPU: k = 16, F = 25, truncated,
// aligned to ea + eb, result truncated to fp32), and the instruction's C is added last in
// fp32 (FADD, round to nearest). Checked on random inputs, against other splits of K
// as controls (variant 0 is the hypothesis; 1: k < 16 first; 2: even k first; 3: the
// hypothesis with the two halves in the other order).
static int g_emu_variant;

static float fp8_mma_emulated_dot(const double *a, const double *b, int K, float c)
{
    static const model_t hmma = {16, 25, ALIGN_RZ, 1, 1, 23, OUT_RZ, 16, 0};
    float d = c;
    for (int i0 = 0; i0 < K; i0 += 32) {
        double a0[16], b0[16], a1[16], b1[16];
        int n0 = 0, n1 = 0;
        for (int k = i0; k < i0 + 32; k++) {
            int j = k - i0;
            int first = g_emu_variant == 1 ? j < 16 : g_emu_variant == 2 ? j % 2 == 0 : g_emu_variant == 3 ? j % 4 >= 2 : j % 4 < 2;
            if (first)
                a0[n0] = a[k], b0[n0++] = b[k];
            else
                a1[n1] = a[k], b1[n1++] = b[k];
        }
        // fp8 values are exact in fp16 (e4m3 subnormals become fp16 normals)
        float t = (float)model_fused(&FMT_FP16, &FMT_FP16, &hmma, a0, b0, 16, 0.0, 0);
        t = (float)model_fused(&FMT_FP16, &FMT_FP16, &hmma, a1, b1, 16, t, 1);
        d = d + t;
    }
    return d;
}

static void probe_fp8_mma_emulation(const engine_t *e, summary_t *out)
{
    int tested, mismatched;
    printf("(7) hypothesis: emulated by two fp16 HMMA.16816 over K positions (k mod 4) < 2 / >= 2, C added in fp32\n");
    for (g_emu_variant = 1; g_emu_variant < 4; g_emu_variant++) {
        probe_random(e, fp8_mma_emulated_dot, &tested, &mismatched);
        printf("control variant %d: %d of %d outputs bit-identical\n", g_emu_variant, tested - mismatched, tested);
    }
    g_emu_variant = 0;
    probe_random(e, fp8_mma_emulated_dot, &tested, &mismatched);
    printf("random inputs: %d of %d outputs bit-identical to the emulation hypothesis\n", tested - mismatched, tested);
    out->emu_tested = tested;
    out->emu_mismatched = mismatched;
}

static void run_engine(const engine_t *e, summary_t *out)
{
    result_t r;
    memset(&r, 0, sizeof r);
    r.m.kinstr = e->kinstr;
    r.m.k = e->kinstr;
    printf("\n=== %s (%s x %s, %d products per instruction) ===\n", e->name, e->fa->name, e->fb->name, e->kinstr);
    out->e = e;
    out->ok = e->kind == ENG_MODEL || layout_check(e);
    if (!out->ok && e->kind == ENG_WGMMA) {
        std::swap(g_wgmma_lbo, g_wgmma_sbo);
        printf("retrying with leading byte offset %u, stride byte offset %u\n", g_wgmma_lbo, g_wgmma_sbo);
        out->ok = layout_check(e);
    }
    if (!out->ok) {
        printf("skipping the probes: the kernel does not compute a plain matrix product\n");
        return;
    }
    probe_fraction_bits(e, &r);
    probe_reference_exponent(e, &r);
    probe_rounding(e, &r);
    probe_output(e, &r);
    probe_accumulator(e, &r);
    probe_block(e, &r);
    probe_subnormals(e, &r);
    r.m.promote = 0;
    if (e->lt)
        probe_promotion(e, &r);
    printf("measured model: k=%d F=%d cut=%s ref=%s Fo=%d out=%s c_joins=%d promote=%d\n", r.m.k, r.m.F,
           align_name[r.m.align_round], r.m.ref_unnorm ? "ea+eb" : "exact", r.m.Fo, out_name[r.m.out_round],
           r.m.c_joins, r.m.promote);
    probe_random(
        e, [&](const double *a, const double *b, int K, float c) { return model_dot(e->fa, e->fb, &r.m, a, b, K, c); },
        &out->tested, &out->mismatched);
    printf("random inputs: %d of %d outputs bit-identical to the measured model\n", out->tested - out->mismatched,
           out->tested);
    if (e->lt)
        probe_error_vs_k(e, &r.m);
    if (e->kind == ENG_MMA && e->kinstr == 32)
        probe_fp8_mma_emulation(e, out);
    out->r = r;
}

static const char *sub_str(int v) { return v < 0 ? "-" : v == 2 ? "grid" : v ? "kept" : "flush"; }

static void print_summary(const summary_t *s, int n)
{
    printf("\n=== summary ===\n");
    printf("%-28s %-11s %3s %4s %5s %-9s %-4s %3s %-5s %-8s %-10s %s\n", "path", "types", "k", "F", "F1+j", "cut", "Fo",
           "out", "C-in", "promote", "sub in/C", "model==gpu");
    for (int i = 0; i < n; i++) {
        const summary_t *x = &s[i];
        char types[32];
        snprintf(types, sizeof types, "%sx%s", x->e->fa->name, x->e->fb->name);
        if (!x->ok) {
            printf("%-28s %-11s layout check failed\n", x->e->name, types);
            continue;
        }
        const model_t *m = &x->r.m;
        char prom[16], sub[16];
        snprintf(sub, sizeof sub, "%s/%s", sub_str(x->r.sub_in), sub_str(x->r.sub_c));
        if (x->e->lt && m->promote)
            snprintf(prom, sizeof prom, "%d", m->promote * x->e->kinstr);
        else if (x->e->lt)
            snprintf(prom, sizeof prom, "never");
        else
            snprintf(prom, sizeof prom, "-");
        if (x->emu_tested) {
            printf("%-28s %-11s emulated: fp16 HMMA pair + fp32 add of C, hypothesis bit-identical %d/%d\n", x->e->name,
                   types, x->emu_tested - x->emu_mismatched, x->emu_tested);
            continue;
        }
        printf("%-28s %-11s %3d %4d %5d %-9s %-4d %3s %-5s %-8s %-10s %d/%d\n", x->e->name, types, m->k, m->F,
               x->r.F_visible, m->align_round == ALIGN_RZ ? "RZ" : m->align_round == ALIGN_RD ? "RD" : "RN", m->Fo,
               m->out_round == OUT_RZ ? "RZ" : "RN", m->c_joins ? "yes" : "no", prom, sub, x->tested - x->mismatched,
               x->tested);
    }
}

// ---------------------------------------------------------------------------------------

static const engine_t g_engines[] = {
    {"cublasLt fp8 promoted", "lt", ENG_LT, 2, &FMT_E4M3, &FMT_E4M3, 32, 1, 0, {}},
    {"cublasLt fp8 fast-accum", "lt", ENG_LT, 2, &FMT_E4M3, &FMT_E4M3, 32, 1, 1, {}},
    {"cublasLt fp8 promoted", "lt", ENG_LT, 3, &FMT_E5M2, &FMT_E4M3, 32, 1, 0, {}},
    {"cublasLt fp8 fast-accum", "lt", ENG_LT, 3, &FMT_E5M2, &FMT_E4M3, 32, 1, 1, {}},
    {"cublasLt bf16", "lt", ENG_LT, 1, &FMT_BF16, &FMT_BF16, 16, 1, 0, {}},
    {"mma.sync m16n8k16", "mma", ENG_MMA, 0, &FMT_FP16, &FMT_FP16, 16, 0, 0, {}},
    {"mma.sync m16n8k16", "mma", ENG_MMA, 1, &FMT_BF16, &FMT_BF16, 16, 0, 0, {}},
    {"wgmma m64n8k16", "wgmma", ENG_WGMMA, 0, &FMT_FP16, &FMT_FP16, 16, 0, 0, {}},
    {"wgmma m64n8k16", "wgmma", ENG_WGMMA, 1, &FMT_BF16, &FMT_BF16, 16, 0, 0, {}},
    {"wgmma m64n8k32", "wgmma", ENG_WGMMA, 2, &FMT_E4M3, &FMT_E4M3, 32, 0, 0, {}},
    {"wgmma m64n8k32", "wgmma", ENG_WGMMA, 3, &FMT_E5M2, &FMT_E5M2, 32, 0, 0, {}},
#ifdef TCPROBE_MMA_FP8
    {"mma.sync m16n8k32", "mmafp8", ENG_MMA, 2, &FMT_E4M3, &FMT_E4M3, 32, 0, 0, {}},
    {"mma.sync m16n8k32", "mmafp8", ENG_MMA, 3, &FMT_E5M2, &FMT_E5M2, 32, 0, 0, {}},
#endif
};

// Simulated tensor cores for --selftest: {k, F, cut, c_joins, ref_unnorm, Fo, out, kinstr, promote}.
static const engine_t g_sims[] = {
    {"sim fp16 k16 F25", "sim", ENG_MODEL, 0, &FMT_FP16, &FMT_FP16, 16, 0, 0, {16, 25, ALIGN_RZ, 1, 1, 23, OUT_RZ, 16, 0}},
    {"sim bf16 k8/16 F24", "sim", ENG_MODEL, 1, &FMT_BF16, &FMT_BF16, 16, 0, 0, {8, 24, ALIGN_RZ, 1, 1, 23, OUT_RZ, 16, 0}},
    {"sim fp16 k4/8 exact-ref", "sim", ENG_MODEL, 0, &FMT_FP16, &FMT_FP16, 8, 0, 0, {4, 23, ALIGN_RZ, 1, 0, 23, OUT_RZ, 8, 0}},
    {"sim e4m3 k32 F13 Fo13", "sim", ENG_MODEL, 2, &FMT_E4M3, &FMT_E4M3, 32, 0, 0, {32, 13, ALIGN_RZ, 1, 1, 13, OUT_RZ, 32, 0}},
    {"sim e5m2 RD, C outside", "sim", ENG_MODEL, 3, &FMT_E5M2, &FMT_E5M2, 32, 0, 0, {16, 24, ALIGN_RD, 0, 1, 23, OUT_RN, 32, 0}},
    {"sim fp16 RN exact-ref", "sim", ENG_MODEL, 0, &FMT_FP16, &FMT_FP16, 16, 0, 0, {16, 14, ALIGN_RN, 1, 0, 23, OUT_RN, 16, 0}},
    {"sim lt e4m3 promote 4", "sim", ENG_MODEL, 2, &FMT_E4M3, &FMT_E4M3, 32, 1, 0, {32, 13, ALIGN_RZ, 1, 1, 13, OUT_RZ, 32, 4}},
    {"sim lt e5m2 fast", "sim", ENG_MODEL, 3, &FMT_E5M2, &FMT_E4M3, 32, 1, 0, {32, 13, ALIGN_RZ, 1, 1, 13, OUT_RZ, 32, 0}},
};

static int model_equal(const model_t *a, const model_t *b, int out_observable)
{
    return a->k == b->k && a->F == b->F && a->align_round == b->align_round && a->c_joins == b->c_joins &&
           a->ref_unnorm == b->ref_unnorm && (!out_observable || (a->Fo == b->Fo && a->out_round == b->out_round)) &&
           a->promote == b->promote;
}

int main(int argc, char **argv)
{
    int selftest = 0;
    const char *only = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--selftest"))
            selftest = 1;
        else if (!strcmp(argv[i], "--only") && i + 1 < argc)
            only = argv[++i];
        else {
            printf("usage: tcprobe [--selftest] [--only lt|mma|wgmma|mmafp8]\n");
            return 2;
        }
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    time_t now = time(NULL);
    printf("tcprobe %s", ctime(&now));
    if (selftest) {
        int n = (int)(sizeof g_sims / sizeof g_sims[0]), failed = 0;
        std::vector<summary_t> s(n);
        for (int i = 0; i < n; i++) {
            run_engine(&g_sims[i], &s[i]);
            int good = model_equal(&s[i].r.m, &g_sims[i].sim, s[i].r.Fo_known) && s[i].mismatched == 0;
            printf("selftest %s: %s\n", g_sims[i].name, good ? "parameters recovered" : "FAILED");
            failed += !good;
        }
        print_summary(s.data(), n);
        printf("selftest: %d of %d simulated tensor cores recovered\n", n - failed, n);
        return failed ? 1 : 0;
    }
    int dev = 0, drv = 0, rt = 0;
    cudaDeviceProp prop;
    CUDA_CHECK(cudaGetDevice(&dev));
    CUDA_CHECK(cudaGetDeviceProperties(&prop, dev));
    CUDA_CHECK(cudaDriverGetVersion(&drv));
    CUDA_CHECK(cudaRuntimeGetVersion(&rt));
    printf("device: %s (sm_%d%d), CUDA driver %d, runtime %d, cuBLASLt %zu\n", prop.name, prop.major, prop.minor, drv, rt,
           cublasLtGetVersion());
    gpu_init();
    std::vector<summary_t> s;
    for (size_t i = 0; i < sizeof g_engines / sizeof g_engines[0]; i++) {
        if (only && strcmp(only, g_engines[i].group))
            continue;
        s.push_back(summary_t());
        run_engine(&g_engines[i], &s.back());
    }
    print_summary(s.data(), (int)s.size());
    return 0;
}
