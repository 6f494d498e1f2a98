/* The proof step of the fast exact path: from an EFT state (s, c, b) to the
 * correctly rounded result, or "undecided".
 *
 * ---- The bound ---------------------------------------------------------------
 * u = 2^-53, round to nearest even throughout.  Two facts about a double
 * addition with a finite result: TwoSum (Knuth, 6 operations) is error-free,
 * a + b == s + e exactly; and |fl(a + b) - (a + b)| <= u |fl(a + b)| (a sum
 * that lands in the subnormal range is exact, so underflow adds no error).
 *
 * float32 inputs: every product t_i = x_i y_i is an exact double (48-bit
 * significand, exponent in [-298, 256]).  The lane computes
 *     (s_i, e_i) = TwoSum(s_{i-1}, t_i),  c_i = fl(c_{i-1} + e_i),
 *     b_i = fl(b_{i-1} + |c_i|).
 * Then sum t_i = s_N + sum e_i, and c_N = sum e_i + sum rho_i with
 * |rho_i| <= u |c_i|, so |S - s_N - c_N| <= u sum_i |c_i|.
 *
 * float64 inputs: (p_i, q_i) = TwoProduct(x_i, y_i) with an FMA, exact when
 * no product underflows (the callers check the exponents: ex + ey >= -960)
 * or overflows (a non-finite state results).  The lane computes
 *     (s_i, r_i) = TwoSum(s_{i-1}, p_i),  w_i = fl(q_i + r_i),
 *     c_i = fl(c_{i-1} + w_i),  b_i = fl(b_{i-1} + |c_i|).
 * The errors are |w_i - (q_i + r_i)| <= u |w_i| and u |c_i|; since
 * c_{i-1} + w_i = c_i / (1 + eps), |w_i| <= |c_i| / (1 - u) + |c_{i-1}|, so
 * |S - s_N - c_N| <= u (2 + 1/(1 - u)) sum_i |c_i| <= 3.0001 u sum_i |c_i|.
 *
 * Merging lanes (pb_exact_eft_merge) runs the float32 recurrence over the
 * lanes' s and c values: the new error is u sum |c*_i|, and the lanes'
 * errors add, so 3.0001 u times the sum of every |c| ever formed bounds the
 * total.  b is a recursive sum of non-negative terms, at most 2^40 + 64 of
 * them (PB_EXACT_EFT_MAX_TERMS), so the true sum of |c| is at most
 * b (1 - u)^-(2^40 + 64) <= b (1 + 2^-12).  Hence
 *     |S - (s + c)| <= 3.0001 (1 + 2^-12) u b < 8 u b = 2^-50 b =: beta,
 * and beta is computed exactly (a power-of-two scaling) when b >= 2^-970.
 *
 * The grid.  If every product is a multiple of G = 2^grid (for x = X 2^ex
 * and y = Y 2^ey with integers X, Y: G = min 2^(ex + ey); the two halves of
 * a TwoProduct are multiples of it too), then so is every double computed
 * from them by rounded additions and subtractions (the multiples of G that
 * are doubles are closed under them: a sum below 2^53 G is exact, a larger
 * one rounds to a multiple of its ulp >= G).  So S - s - c is a multiple of G,
 * and |S - s - c| < 8 u b <= G means S == s + c exactly: beta = 0.  This
 * proves the results that are exact in double precision, which float32
 * inputs produce often.
 *
 * ---- The decision ------------------------------------------------------------
 * (r, d) = TwoSum(s, c), so S = r + d + delta exactly, |delta| <= beta, and
 * |d| <= half the gap from r to its neighbour on d's side.  Rounding is
 * monotonic, so fl(d - beta) > 0 implies d - beta > 0, and fl(d + beta) < g
 * implies d + beta < g for a double g: comparisons of rounded bounds are
 * safe.  With gu = succ(r) - r and gd = r - pred(r) (exact):
 *   - beta == 0 and d == 0: S == r;
 *   - d - beta > 0 and d + beta < gu: S lies strictly between r and succ(r);
 *     its side of the midpoint r + gu/2 is known when d + beta < gu/2 or
 *     d - beta > gu/2, or when beta == 0 (then S == r + d, a tie iff
 *     d == gu/2);
 *   - the mirror image below r;
 *   - anything else: undecided.
 * That fixes the double rounding of S in every deterministic mode, and its
 * rounding to odd, hence (exact.h) its rounding into every other format.
 * |r| is kept within [2^-1000, 2^1020] so that neighbours, gaps and half gaps
 * are normal doubles; outside it the long accumulator answers.
 */
#include <math.h>
#include <string.h>

#include "accum/exact_internal.h"
#include "precbench/rng.h"

/* ---- targets ---------------------------------------------------------------- */

static const pb_format *fp64_format(void)
{
    static const pb_format *fp64;
    const pb_format *f = __atomic_load_n(&fp64, __ATOMIC_ACQUIRE);
    if (!f) {
        f = pb_format_by_name("fp64");
        __atomic_store_n(&fp64, f, __ATOMIC_RELEASE);
    }
    return f;
}

static pb_exact_route route_of(const pb_format *f)
{
    if (!f) return PB_EXACT_ROUTE_NONE;
    const int m = f->spec.man_bits;
    switch (f->spec.kind) {
    case PB_FORMAT_KIND_FLOAT:
        /* The double grid itself: rounding to a double is the answer. */
        if (m == 52 && f->emin == -1022) return PB_EXACT_ROUTE_F64;
        /* Round to odd at 53 bits then to m + 1 bits: needs two spare bits
         * (m <= 50) and a quantum of at least 4 double subnormals. */
        if (m <= 50 && f->emin - m >= -1072) return PB_EXACT_ROUTE_ODD;
        return PB_EXACT_ROUTE_NONE;
    case PB_FORMAT_KIND_INT:
        return PB_EXACT_ROUTE_ODD; /* quantum 1, values below 2^32 */
    case PB_FORMAT_KIND_POW2:
        /* Decisions compare with 2^k and 1.5 * 2^k. */
        return f->emin >= -1071 ? PB_EXACT_ROUTE_ODD : PB_EXACT_ROUTE_NONE;
    }
    return PB_EXACT_ROUTE_NONE;
}

void pb_exact_target_init(pb_exact_target *t, const pb_format *f,
                          const pb_rounding *r)
{
    t->f = f ? f : fp64_format();
    t->r = r ? *r : pb_rounding_default();
    t->route = route_of(t->f);
    t->stochastic = t->r.mode == PB_ROUND_SR || t->r.mode == PB_ROUND_SR_BITS;
}

bool pb_exact_format_supported(const pb_format *f)
{
    return route_of(f ? f : fp64_format()) != PB_EXACT_ROUTE_NONE;
}

/* ---- the long accumulator into a target -------------------------------------- */

/* Exact stochastic rounding of |S| at grid unit 2^(L - 2148): away from the
 * lower neighbour iff U < frac, U = 0.w0 w1 ..., frac = the bits of |S|
 * below position L; the same comparison as the format model's, on all the
 * bits of S. */
static bool sr_up_from_mag(const pb_exact_mag *mag, int L,
                           const pb_rounding *r, uint64_t index)
{
    if (r->mode == PB_ROUND_SR_BITS) {
        int rb = r->sr_bits < 1 ? 1 : r->sr_bits > 24 ? 24 : r->sr_bits;
        uint32_t w = pb_rng_u32(r->seed, r->stream, index, 0);
        return (uint64_t)(w >> (32 - rb)) < pb_exact_mag_bits(mag, L - rb, rb);
    }
    for (int k = 0;; k++) {
        uint32_t w = pb_rng_u32(r->seed, r->stream, index, (uint32_t)k);
        int lo = L - 32 * (k + 1);
        uint32_t fw = (uint32_t)pb_exact_mag_bits(mag, lo, 32);
        if (w != fw) return w < fw;
        if (!pb_exact_mag_sticky(mag, lo)) return false; /* U >= frac */
    }
}

/* Stochastic rounding of a nonzero finite S into the target: the grid point
 * chosen from the exact bits, then handed to the format (exactly
 * representable on its grid, so the format only applies its range rules). */
static double sr_round(const pb_exact_mag *mag, const pb_exact_target *t,
                       uint64_t index)
{
    const pb_format *f = t->f;
    const int e = mag->msb - PB_EXACT_BIAS; /* 2^e <= |S| < 2^(e+1) */
    const double sign = mag->negative ? -1.0 : 1.0;
    int qexp; /* the grid unit at |S| is 2^qexp */
    bool grid = true;
    switch (f->spec.kind) {
    case PB_FORMAT_KIND_FLOAT:
        if (t->route == PB_EXACT_ROUTE_F64) {
            if (e >= 1024) /* overflows whatever the draw: the policy decides */
                return pb_format_round(f, sign * INFINITY, &t->r, index);
            qexp = (e < -1022 ? -1022 : e) - 52;
        } else {
            grid = e <= f->emax; /* above: overflow whatever the draw */
            qexp = (e < f->emin ? f->emin : e) - f->spec.man_bits;
        }
        break;
    case PB_FORMAT_KIND_INT:
        grid = e < 52; /* above: saturated whatever the draw */
        qexp = 0;
        break;
    default: /* POW2: only positive values inside the range draw */
        grid = !mag->negative && e >= f->emin && e <= f->emax;
        qexp = e;
        break;
    }
    if (!grid) return pb_format_round(f, pb_exact_mag_round_odd(mag), &t->r, index);
    const int L = qexp + PB_EXACT_BIAS;
    uint64_t kept = mag->msb >= L ? pb_exact_mag_bits(mag, L, mag->msb - L + 1) : 0;
    if (pb_exact_mag_sticky(mag, L) && sr_up_from_mag(mag, L, &t->r, index)) kept++;
    /* kept <= 2^53: (kept) 2^qexp is exact, or 2^1024 -> inf (overflow). */
    double v = sign * ldexp((double)kept, qexp);
    return pb_format_round(f, v, &t->r, index);
}

double pb_exact_round_acc(const pb_longacc *acc, const pb_exact_target *t,
                          uint64_t index)
{
    const pb_format *f = t->f;
    if (t->route == PB_EXACT_ROUTE_NONE) return NAN;
    unsigned sp = acc->specials;
    if (sp) {
        double v = (sp & PB_LONGACC_NAN ||
                    (sp & PB_LONGACC_POS_INF && sp & PB_LONGACC_NEG_INF))
                       ? NAN
                       : (sp & PB_LONGACC_POS_INF) ? INFINITY : -INFINITY;
        return pb_format_round(f, v, &t->r, index);
    }
    pb_exact_mag mag;
    pb_exact_magnitude(acc, &mag);
    if (mag.msb < 0)
        return pb_format_round(f, pb_exact_zero(acc->zeros, t->r.mode), &t->r, index);
    if (t->stochastic) return sr_round(&mag, t, index);
    /* F64: IEEE rounding to a double (inf or +-DBL_MAX on overflow), then
     * the format's policy (sat turns inf into max).  ODD: see exact.h. */
    double x = t->route == PB_EXACT_ROUTE_F64 ? pb_exact_mag_round_f64(&mag, t->r.mode)
                                              : pb_exact_mag_round_odd(&mag);
    return pb_format_round(f, x, &t->r, index);
}

double pb_longacc_round(const pb_longacc *acc, const pb_format *f,
                        const pb_rounding *r, uint64_t index)
{
    pb_exact_target t;
    pb_exact_target_init(&t, f, r);
    return pb_exact_round_acc(acc, &t, index);
}

/* ---- the proof ---------------------------------------------------------------- */

/* Neighbours of a finite normal double away from the range ends. */
static inline double next_up(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    u = x > 0 ? u + 1 : u - 1;
    memcpy(&x, &u, sizeof u);
    return x;
}

static inline double next_down(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    u = x > 0 ? u - 1 : u + 1;
    memcpy(&x, &u, sizeof u);
    return x;
}

static inline bool is_odd(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return u & 1;
}

/* Where S lies relative to r (see the header comment). */
typedef struct pb_exact_where {
    int side;  /* 0: S == r; +1: r < S < succ(r); -1: pred(r) < S < r   */
    int mid;   /* on that side, S against the midpoint: -1 nearer r, 0 on it,
                  +1 beyond it, 2 unknown                                  */
    double nb; /* the neighbour of r on that side                          */
} pb_exact_where;

static bool locate(double r, double d, double beta, pb_exact_where *w)
{
    if (beta == 0 && d == 0) {
        w->side = 0;
        w->mid = -1;
        w->nb = r;
        return true;
    }
    double lo = d - beta, hi = d + beta;
    if (lo > 0) {
        w->side = 1;
        w->nb = next_up(r);
        double g = w->nb - r, h = 0.5 * g;
        if (!(hi < g)) return false;
        if (beta == 0)
            w->mid = d < h ? -1 : d > h ? 1 : 0;
        else
            w->mid = hi < h ? -1 : lo > h ? 1 : 2;
    } else if (hi < 0) {
        w->side = -1;
        w->nb = next_down(r);
        double g = r - w->nb, h = 0.5 * g;
        if (!(lo > -g)) return false;
        if (beta == 0)
            w->mid = -d < h ? -1 : -d > h ? 1 : 0;
        else
            w->mid = -lo < h ? -1 : -hi > h ? 1 : 2;
    } else {
        return false;
    }
    return true;
}

/* The double rounding of S under a deterministic mode. */
static bool round_f64(double r, const pb_exact_where *w, pb_round_mode mode,
                      double *out)
{
    if (w->side == 0) {
        *out = r;
        return true;
    }
    bool up_side = w->side > 0; /* S above r */
    switch (mode) {
    case PB_ROUND_RNE:
    case PB_ROUND_RNA:
        if (w->mid == 2) return false;
        if (w->mid < 0) *out = r;
        else if (w->mid > 0) *out = w->nb;
        else if (mode == PB_ROUND_RNE) *out = is_odd(r) ? w->nb : r;
        else *out = fabs(w->nb) > fabs(r) ? w->nb : r;
        return true;
    case PB_ROUND_RTZ:
        /* Toward zero: the one of r, nb with the smaller magnitude. */
        *out = fabs(w->nb) < fabs(r) ? w->nb : r;
        return true;
    case PB_ROUND_UP:
        *out = up_side ? w->nb : r;
        return true;
    case PB_ROUND_DOWN:
        *out = up_side ? r : w->nb;
        return true;
    default:
        return false;
    }
}

/* Stochastic rounding into the target from x = ro53(S) (S != x unless
 * `exact`): the grid point below |x| (kept) and the draw's comparison with
 * frac = (|S| - kept)/gap, which is only known to lie strictly between
 * (rem - 1) 2^-shift and (rem + 1) 2^-shift (rem odd, from x's bits). */
static bool sr_from_odd(double x, bool exact, const pb_exact_target *t,
                        uint64_t index, double *out)
{
    const pb_format *f = t->f;
    if (exact || f->spec.kind == PB_FORMAT_KIND_POW2) {
        if (!exact) return false;
        *out = pb_format_round(f, x, &t->r, index);
        return true;
    }
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    const int e = (int)((u >> 52) & 0x7ff) - 1023; /* x is a normal double */
    const uint64_t M = (u & ((UINT64_C(1) << 52) - 1)) | (UINT64_C(1) << 52);
    int shift, qexp;
    if (f->spec.kind == PB_FORMAT_KIND_FLOAT) {
        if (e > f->emax) { /* overflow whatever the draw */
            *out = pb_format_round(f, x, &t->r, index);
            return true;
        }
        qexp = (e < f->emin ? f->emin : e) - f->spec.man_bits;
    } else { /* INT */
        if (e >= 52) {
            *out = pb_format_round(f, x, &t->r, index);
            return true;
        }
        qexp = 0;
    }
    shift = 52 - (e - qexp); /* |x| = M 2^(e - 52): bits of M below 2^qexp */
    if (shift < 1 || shift > 64) return false;
    const uint64_t rem = shift == 64 ? M : M & ((UINT64_C(1) << shift) - 1);
    const uint64_t kept = shift == 64 ? 0 : M >> shift;
    bool up;
    if (t->r.mode == PB_ROUND_SR_BITS) {
        /* floor(frac 2^rb) is the same for every frac in the open interval
         * when rb < shift: rem -+ 1 are even, no multiple of 2^(shift-rb)
         * lies strictly between them. */
        int rb = t->r.sr_bits < 1 ? 1 : t->r.sr_bits > 24 ? 24 : t->r.sr_bits;
        if (rb >= shift) return false;
        uint32_t w0 = pb_rng_u32(t->r.seed, t->r.stream, index, 0);
        up = (uint64_t)(w0 >> (32 - rb)) < (rem >> (shift - rb));
    } else {
        /* U 2^shift lies in [uf, uf + 1) with uf from the first two words. */
        uint64_t w = (uint64_t)pb_rng_u32(t->r.seed, t->r.stream, index, 0) << 32 |
                     pb_rng_u32(t->r.seed, t->r.stream, index, 1);
        uint64_t uf = shift == 64 ? w : w >> (64 - shift);
        if (uf + 2 <= rem) up = true;        /* U < (rem - 1) 2^-shift < frac */
        else if (uf >= rem + 1) up = false;  /* U >= (rem + 1) 2^-shift > frac */
        else return false;
    }
    double v = ldexp((double)(kept + up), qexp);
    *out = pb_format_round(f, x < 0 ? -v : v, &t->r, index);
    return true;
}

bool pb_exact_decide(const pb_exact_eft *st, int grid,
                     const pb_exact_target *t, uint64_t index, double *out)
{
    const double s = st->s, c = st->c, b = st->b;
    if (!isfinite(s) || !isfinite(c) || !isfinite(b)) return false;
    double beta;
    if (grid != PB_EXACT_GRID_UNKNOWN && b <= ldexp(1.0, grid + 50)) {
        beta = 0; /* |S - s - c| < 2^grid, and S - s - c is a multiple of it */
    } else {
        if (b != 0 && b < 0x1p-970) return false; /* beta would round */
        beta = b * 0x1p-50;
    }
    const double r = s + c, z = r - s, d = (s - (r - z)) + (c - z); /* TwoSum */
    const double ar = fabs(r);
    if (!(ar >= 0x1p-1000 && ar <= 0x1p1020)) return false; /* 0, tiny, huge */
    pb_exact_where w;
    if (!locate(r, d, beta, &w)) return false;
    if (t->route == PB_EXACT_ROUTE_F64) {
        /* |r| <= 2^1020: no overflow, and the format keeps every such double. */
        if (t->stochastic) return false;
        return round_f64(r, &w, t->r.mode, out);
    }
    if (t->route != PB_EXACT_ROUTE_ODD) return false;
    /* Round to odd: S itself when exact, else the odd one of r and nb. */
    const double x = w.side == 0 || is_odd(r) ? r : w.nb;
    if (t->stochastic) return sr_from_odd(x, w.side == 0, t, index, out);
    *out = pb_format_round(t->f, x, &t->r, index);
    return true;
}

/* ---- lanes ---------------------------------------------------------------------- */

static inline void eft_add(pb_exact_eft *a, double t)
{
    double s = a->s + t, z = s - a->s;
    double e = (a->s - (s - z)) + (t - z);
    a->s = s;
    a->c += e;
    a->b += fabs(a->c);
}

pb_exact_eft pb_exact_eft_merge(const pb_exact_eft *lanes, int count)
{
    pb_exact_eft m = {0, 0, 0};
    double bl = 0;
    for (int l = 0; l < count; l++) {
        bl += lanes[l].b;
        eft_add(&m, lanes[l].s);
        eft_add(&m, lanes[l].c);
    }
    m.b += bl;
    return m;
}

/* ---- counters ------------------------------------------------------------------- */

static _Thread_local pb_exact_stats last_stats;

void pb_exact_stats_set(uint64_t proved, uint64_t fallback)
{
    last_stats.proved = proved;
    last_stats.fallback = fallback;
}

pb_exact_stats pb_exact_last_stats(void)
{
    return last_stats;
}
