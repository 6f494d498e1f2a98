/* The loop nest of the packed GEMM engine (see gemm_pack.h).
 *
 * Blocking, in packed words (groups of kw k-values):
 *   KC_GROUPS  groups per K block: the A micro-panel (24 KB) stays in L1,
 *              the B micro-panel (64 KB) streams from L2; 512 rather than
 *              256 halves the traffic of the accumulator workspace and
 *              measured a few per cent faster at 2048^3;
 *   MC_MAX     rows per A block (MC x KC words = 288 KB, in the 1 MB L2);
 *   NC_MAX     columns per B panel (KC x NC words, in L3).
 * None of them changes a result: blocking only decides when a tile's
 * accumulators are saved to the workspace and reloaded.
 */
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "simd/gemm_pack.h"

enum { KC_GROUPS = 512, MC_MAX = 144, NC_MAX = 3072 };
enum { MR = PB_SIMD_MR, NR = PB_SIMD_NR };

typedef void (*ukr_fn)(const pb_simd_ukr_args *);

static size_t round_up(size_t x, size_t m) { return (x + m - 1) / m * m; }
static size_t min_size(size_t a, size_t b) { return a < b ? a : b; }

static ukr_fn choose_ukr(const pb_simd_gemm_loop *p)
{
    switch (p->kind) {
    case PB_SIMD_KIND_F32:
        return p->f32_op == PB_SIMD_F32_FMA ? pb_simd_ukr_fma : pb_simd_ukr_muladd;
    case PB_SIMD_KIND_BF16: return pb_simd_ukr_bf16;
    case PB_SIMD_KIND_I8: return pb_simd_ukr_i8;
    }
    return pb_simd_ukr_fma;
}

/* Scale-block side data of one micro-panel: `count` rows or columns from r0
 * (the rest of `width` zero), blocks b0 .. b0+nbk-1, laid out block-major. */
static void pack_side_f(const float *src, size_t nblocks, size_t r0, size_t count,
                        size_t width, size_t b0, size_t nbk, float *dst)
{
    for (size_t bb = 0; bb < nbk; bb++)
        for (size_t r = 0; r < width; r++)
            dst[bb * width + r] = r < count ? src[(r0 + r) * nblocks + b0 + bb] : 0.0f;
}

static void pack_side_i(const int32_t *src, size_t nblocks, size_t r0, size_t count,
                        size_t width, size_t b0, size_t nbk, int32_t *dst)
{
    for (size_t bb = 0; bb < nbk; bb++)
        for (size_t r = 0; r < width; r++)
            dst[bb * width + r] = r < count ? src[(r0 + r) * nblocks + b0 + bb] : 0;
}

/* What every thread of one run shares. */
typedef struct loop_shared {
    ukr_fn ukr;
    size_t kw, kc_max, nk, nc_max, nt, mc, mblocks, nsplit;
    bool blocked, bsums;
    uint32_t *bpack, *work;
    float *bside;
    int32_t *bsum;
} loop_shared;

/* One thread's part of the loop nest (inside the parallel region). */
static void loop_body(const pb_simd_gemm_loop *p, const loop_shared *sh, uint32_t *ap,
                      float *as)
{
    const size_t m = p->m, n = p->n, k = p->k, kw = sh->kw;
    uint32_t local[MR * NR] __attribute__((aligned(64)));
    for (size_t jc = 0; jc < n; jc += sh->nc_max) {
        const size_t nc = min_size(n - jc, sh->nc_max);
        const size_t npanels = (nc + NR - 1) / NR;
        for (size_t kb = 0; kb < sh->nk; kb++) {
            const size_t pc = kb * sh->kc_max;
            const size_t kc = min_size(k - pc, sh->kc_max);
            const size_t ng = (kc + kw - 1) / kw;
            const size_t b0 = sh->blocked ? pc / p->block : 0;
            const size_t nbk = sh->blocked ? (kc + p->block - 1) / p->block : 0;
            const bool last = kb + 1 == sh->nk;
            /* Pack B: panels spread over the threads; the implicit barrier
             * at the end of the loop publishes them. */
#pragma omp for schedule(static)
            for (size_t q = 0; q < npanels; q++) {
                const size_t j0 = jc + q * NR, nr = min_size(nc - q * NR, NR);
                pb_simd_pack_b(p->kind, &p->b, j0, nr, pc, kc, sh->bpack + q * NR * ng);
                if (sh->blocked)
                    pack_side_f(p->blk_b, p->nblocks, j0, nr, NR, b0, nbk, sh->bside + q * NR * nbk);
                if (sh->bsums)
                    pack_side_i(p->colsum_b, p->nblocks, j0, nr, NR, b0, nbk, sh->bsum + q * NR * nbk);
            }
#pragma omp for schedule(dynamic, 1)
            for (size_t task = 0; task < sh->mblocks * sh->nsplit; task++) {
                const size_t ib = task / sh->nsplit, part = task % sh->nsplit;
                const size_t ic = ib * sh->mc, mcur = min_size(m - ic, sh->mc);
                const size_t q0 = npanels * part / sh->nsplit;
                const size_t q1 = npanels * (part + 1) / sh->nsplit;
                if (q0 == q1) continue;
                for (size_t ir = 0; ir < mcur; ir += MR) {
                    const size_t mr = min_size(mcur - ir, MR);
                    pb_simd_pack_a(p->kind, &p->a, ic + ir, mr, pc, kc, ap + ir * ng);
                    if (sh->blocked)
                        pack_side_f(p->blk_a, p->nblocks, ic + ir, mr, MR, b0, nbk, as + ir * nbk);
                }
                for (size_t q = q0; q < q1; q++) {
                    const size_t j0 = jc + q * NR, nr = min_size(nc - q * NR, NR);
                    for (size_t ir = 0; ir < mcur; ir += MR) {
                        const size_t i0 = ic + ir, mr = min_size(mcur - ir, MR);
                        pb_simd_ukr_args u = {
                            .ng = ng,
                            .ap = ap + ir * ng,
                            .bp = sh->bpack + q * NR * ng,
                            .tile = sh->work ? sh->work + ((i0 / MR) * sh->nt + j0 / NR) * MR * NR
                                             : local,
                            .first = kb == 0,
                            .bg = sh->blocked ? p->block / kw : 0,
                            .as = sh->blocked ? as + ir * nbk : NULL,
                            .bs = sh->blocked ? sh->bside + q * NR * nbk : NULL,
                            .bcs = sh->bsums ? sh->bsum + q * NR * nbk : NULL,
                        };
                        sh->ukr(&u);
                        if (last) p->epilogue(p->epilogue_ctx, i0, j0, mr, nr, u.tile);
                    }
                }
            }
        }
    }
}

pb_status pb_simd_gemm_run(const pb_simd_gemm_loop *p)
{
    const size_t m = p->m, n = p->n, k = p->k;
    if (m == 0 || n == 0) return PB_OK;
    const size_t kw = pb_simd_kind_kw(p->kind);
    const ukr_fn ukr = choose_ukr(p);
    const int threads = p->threads > 0 ? p->threads : omp_get_max_threads();
    const bool blocked = p->block > 0;
    const bool bsums = blocked && p->kind == PB_SIMD_KIND_I8;
    /* K block: KC_GROUPS words, rounded down to whole scale blocks. */
    size_t kc_max = KC_GROUPS * kw;
    if (blocked) kc_max = kc_max >= p->block ? kc_max / p->block * p->block : p->block;
    const size_t nk = k == 0 ? 1 : (k + kc_max - 1) / kc_max; /* K = 0: one empty block */
    const size_t nbk_max = blocked ? kc_max / p->block : 0;
    const size_t nc_max = min_size(round_up(n, NR), NC_MAX);
    const size_t mt = (m + MR - 1) / MR, nt = (n + NR - 1) / NR;

    /* A blocks: at least `threads` of them when M allows, of equal size. */
    size_t mblocks = (m + MC_MAX - 1) / MC_MAX;
    if (mblocks < (size_t)threads) mblocks = min_size((size_t)threads, mt);
    else mblocks = round_up(mblocks, (size_t)threads);
    const size_t mc = round_up((m + mblocks - 1) / mblocks, MR);
    mblocks = (m + mc - 1) / mc;
    /* Too few A blocks for the threads: split each B panel's columns too. */
    const size_t nsplit = mblocks >= (size_t)threads ? 1 : (size_t)threads;

    const size_t groups_max = (kc_max + kw - 1) / kw;
    /* B panel, then its block scales and block column sums, in one buffer */
    const size_t bwords = groups_max * nc_max, bside_words = nbk_max * nc_max;
    uint32_t *bpack = pb_simd_buf(PB_SIMD_BUF_BPACK, (bwords + 2 * bside_words) * 4 + 128);
    uint32_t *work = nk > 1 ? pb_simd_buf(PB_SIMD_BUF_WORK, mt * nt * MR * NR * 4) : NULL;
    if (!bpack || (nk > 1 && !work)) return PB_ERR_NOMEM;
    float *bside = blocked ? (float *)(bpack + round_up(bwords, 16)) : NULL;
    int32_t *bsum = bsums ? (int32_t *)(bpack + round_up(bwords, 16) + round_up(bside_words, 16))
                          : NULL;
    const loop_shared sh = {
        .ukr = ukr, .kw = kw, .kc_max = kc_max, .nk = nk, .nc_max = nc_max, .nt = nt,
        .mc = mc, .mblocks = mblocks, .nsplit = nsplit, .blocked = blocked, .bsums = bsums,
        .bpack = bpack, .work = work, .bside = bside, .bsum = bsum,
    };
    bool nomem = false;

#pragma omp parallel num_threads(threads)
    {
        /* this thread's A block and its block scales */
        const size_t awords = groups_max * mc;
        uint32_t *ap = pb_simd_buf(PB_SIMD_BUF_APACK, (awords + nbk_max * mc) * 4 + 128);
        float *as = ap ? (float *)(ap + round_up(awords, 16)) : NULL;
        if (!ap) {
#pragma omp atomic write
            nomem = true;
        }
#pragma omp barrier
        bool stop;
#pragma omp atomic read
        stop = nomem;
        if (!stop) loop_body(p, &sh, ap, as);
    }
    return nomem ? PB_ERR_NOMEM : PB_OK;
}
