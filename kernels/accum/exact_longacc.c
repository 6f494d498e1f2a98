/* The long accumulator: exact sums of doubles and of products of doubles.
 *
 * Layout (see exact.h): bit b of the fixed-point number has weight
 * 2^(b - 2148).  A double x = mx 2^ex (mx < 2^53, ex >= -1074) sits at bit
 * ex + 2148 >= 1074; a product mx my 2^(ex + ey) (106 bits) at bit
 * ex + ey + 2148 >= 0, and its top bit is below 2 * 971 + 106 + 2148 = 4196.
 * 136 digits of 32 bits hold 4352 bits: room for 2^150 such terms.
 *
 * Digits are int64 holding 32-bit pieces, so an addition touches at most 5
 * digits and never propagates a carry.  One addition changes a digit by less
 * than 2^33; after a normalisation every digit but the top one is in
 * [0, 2^32); so 2^29 additions cannot overflow an int64, and we normalise
 * (propagate carries) before that.
 */
#include <math.h>
#include <string.h>

#include "accum/exact_internal.h"

enum { LA_BIAS = 2148, LA_NORMALISE_EVERY = 1 << 29 };

void pb_longacc_init(pb_longacc *acc)
{
    memset(acc, 0, sizeof *acc);
}

/* Propagate carries: afterwards digit[0 .. D-2] are in [0, 2^32) and the top
 * digit carries the sign (the number is its two's complement value). */
static void la_normalise(int64_t *d)
{
    for (int j = 0; j < PB_LONGACC_DIGITS - 1; j++) {
        int64_t carry = d[j] >> 32; /* floor(d / 2^32): arithmetic shift */
        d[j] &= 0xffffffff;
        d[j + 1] += carry;
    }
}

static inline void la_count(pb_longacc *acc)
{
    if (++acc->pending >= LA_NORMALISE_EVERY) {
        la_normalise(acc->digit);
        acc->pending = 0;
    }
}

/* Split a finite double into sign, significand and "bit offset":
 * |x| = m 2^(off - 1074), off = max(biased exponent, 1) - 1 in [0, 2045]. */
static inline void la_split(uint64_t bits, uint64_t *m, int *off)
{
    uint64_t e = (bits >> 52) & 0x7ff;
    uint64_t f = bits & ((UINT64_C(1) << 52) - 1);
    *m = e ? f | (UINT64_C(1) << 52) : f;
    *off = e ? (int)e - 1 : 0;
}

static inline uint64_t la_bits(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

/* A zero term: only its sign matters (the sign of an exact zero sum). */
static inline void la_note_zero(pb_longacc *acc, int neg)
{
    acc->zeros |= neg ? PB_LONGACC_SAW_NEG_ZERO : PB_LONGACC_SAW_POS_ZERO;
}

void pb_longacc_add(pb_longacc *acc, double x)
{
    uint64_t u = la_bits(x);
    int neg = (int)(u >> 63);
    if (((u >> 52) & 0x7ff) == 0x7ff) {
        if (u & ((UINT64_C(1) << 52) - 1))
            acc->specials |= PB_LONGACC_NAN;
        else
            acc->specials |= neg ? PB_LONGACC_NEG_INF : PB_LONGACC_POS_INF;
        return;
    }
    uint64_t m;
    int off;
    la_split(u, &m, &off);
    if (m == 0) {
        la_note_zero(acc, neg);
        return;
    }
    acc->zeros |= PB_LONGACC_SAW_NONZERO;
    int pos = off + (LA_BIAS - 1074); /* bit of the significand's lsb */
    int j = pos >> 5, sh = pos & 31;
    unsigned __int128 a = (unsigned __int128)m << sh; /* < 2^84 */
    int64_t d0 = (int64_t)(uint32_t)a;
    int64_t d1 = (int64_t)(uint32_t)(a >> 32);
    int64_t d2 = (int64_t)(uint64_t)(a >> 64);
    if (neg) {
        acc->digit[j] -= d0;
        acc->digit[j + 1] -= d1;
        acc->digit[j + 2] -= d2;
    } else {
        acc->digit[j] += d0;
        acc->digit[j + 1] += d1;
        acc->digit[j + 2] += d2;
    }
    la_count(acc);
}

/* Product of two specials-or-zeros: record the IEEE outcome. */
static void la_special_product(pb_longacc *acc, uint64_t ux, uint64_t uy)
{
    const uint64_t mag = ~(UINT64_C(1) << 63), inf = UINT64_C(0x7ff) << 52;
    uint64_t ax = ux & mag, ay = uy & mag;
    int neg = (int)((ux ^ uy) >> 63);
    if (ax > inf || ay > inf) {
        acc->specials |= PB_LONGACC_NAN;
    } else if (ax == inf || ay == inf) {
        if (ax == 0 || ay == 0)
            acc->specials |= PB_LONGACC_NAN; /* inf * 0 */
        else
            acc->specials |= neg ? PB_LONGACC_NEG_INF : PB_LONGACC_POS_INF;
    } else {
        la_note_zero(acc, neg); /* a zero factor, both finite */
    }
}

void pb_longacc_add_product(pb_longacc *acc, double x, double y)
{
    uint64_t ux = la_bits(x), uy = la_bits(y);
    uint64_t ex = (ux >> 52) & 0x7ff, ey = (uy >> 52) & 0x7ff;
    const uint64_t fmask = (UINT64_C(1) << 52) - 1;
    /* Specials and zeros take the slow branch; a finite nonzero product
     * needs both factors finite and nonzero. */
    if (ex == 0x7ff || ey == 0x7ff || (ex == 0 && !(ux & fmask)) ||
        (ey == 0 && !(uy & fmask))) {
        la_special_product(acc, ux, uy);
        return;
    }
    uint64_t mx, my;
    int ox, oy;
    la_split(ux, &mx, &ox);
    la_split(uy, &my, &oy);
    int neg = (int)((ux ^ uy) >> 63);
    acc->zeros |= PB_LONGACC_SAW_NONZERO;
    unsigned __int128 p = (unsigned __int128)mx * my; /* < 2^106 */
    int pos = ox + oy; /* lsb weight 2^(ox - 1074 + oy - 1074) = bit ox + oy */
    int j = pos >> 5, sh = pos & 31;
    uint64_t lo = (uint64_t)p, hi = (uint64_t)(p >> 64); /* hi < 2^42 */
    unsigned __int128 a = (unsigned __int128)lo << sh;   /* < 2^95 */
    unsigned __int128 b = (unsigned __int128)hi << sh;   /* < 2^73, weight 2^64 */
    int64_t d0 = (int64_t)(uint32_t)a;
    int64_t d1 = (int64_t)(uint32_t)(a >> 32);
    int64_t d2 = (int64_t)(uint64_t)(a >> 64) + (int64_t)(uint32_t)b;
    int64_t d3 = (int64_t)(uint32_t)(b >> 32);
    int64_t d4 = (int64_t)(uint64_t)(b >> 64);
    int64_t *d = acc->digit + j;
    if (neg) {
        d[0] -= d0; d[1] -= d1; d[2] -= d2; d[3] -= d3; d[4] -= d4;
    } else {
        d[0] += d0; d[1] += d1; d[2] += d2; d[3] += d3; d[4] += d4;
    }
    la_count(acc);
}

void pb_longacc_add_acc(pb_longacc *acc, const pb_longacc *other)
{
    /* Normalised digits are below 2^32 in magnitude (the top one tiny), so
     * the sum of two normalised accumulators is one addition's worth. */
    pb_longacc o = *other;
    if (o.pending) la_normalise(o.digit);
    if (acc->pending) la_normalise(acc->digit);
    for (int j = 0; j < PB_LONGACC_DIGITS; j++) acc->digit[j] += o.digit[j];
    acc->pending = 1;
    acc->specials |= o.specials;
    acc->zeros |= o.zeros;
}

/* ---- reading the value -------------------------------------------------- */

void pb_exact_magnitude(const pb_longacc *acc, pb_exact_mag *mag)
{
    int64_t d[PB_LONGACC_DIGITS];
    memcpy(d, acc->digit, sizeof d);
    la_normalise(d);
    mag->negative = d[PB_LONGACC_DIGITS - 1] < 0;
    if (mag->negative) {
        for (int j = 0; j < PB_LONGACC_DIGITS; j++) d[j] = -d[j];
        la_normalise(d);
    }
    mag->top = -1;
    for (int j = PB_LONGACC_DIGITS - 1; j >= 0; j--) {
        mag->digit[j] = (uint32_t)d[j];
        if (mag->top < 0 && d[j]) mag->top = j;
    }
    mag->msb = -1;
    if (mag->top >= 0) {
        uint32_t t = mag->digit[mag->top];
        mag->msb = mag->top * 32 + 31 - __builtin_clz(t);
    }
}

/* Bits [lo, lo + count) of the magnitude as an integer (count <= 64);
 * bits below position 0 read as zero. */
uint64_t pb_exact_mag_bits(const pb_exact_mag *mag, int lo, int count)
{
    const int hi = lo + count; /* exclusive */
    if (count <= 0 || hi <= 0) return 0;
    const int start = lo < 0 ? 0 : lo, n = hi - start; /* 1 <= n <= 64 */
    const int j = start >> 5, sh = start & 31;
    /* Three digits hold bits [32 j, 32 j + 96), enough for sh + n <= 95. */
    unsigned __int128 w = 0;
    for (int i = 2; i >= 0; i--) {
        w <<= 32;
        if (j + i < PB_LONGACC_DIGITS) w |= mag->digit[j + i];
    }
    uint64_t v = (uint64_t)(w >> sh);
    if (n < 64) v &= (UINT64_C(1) << n) - 1;
    return v << (start - lo);
}

/* Whether any bit below position `below` (exclusive) is set. */
bool pb_exact_mag_sticky(const pb_exact_mag *mag, int below)
{
    if (below <= 0) return false;
    int j = below >> 5, sh = below & 31;
    for (int i = 0; i < j && i < PB_LONGACC_DIGITS; i++)
        if (mag->digit[i]) return true;
    if (j < PB_LONGACC_DIGITS && sh && (mag->digit[j] & ((1u << sh) - 1)))
        return true;
    return false;
}

int pb_longacc_sign(const pb_longacc *acc)
{
    pb_exact_mag mag;
    pb_exact_magnitude(acc, &mag);
    if (mag.msb < 0) return 0;
    return mag.negative ? -1 : 1;
}

/* |S| cut to `prec` bits: q = floor(|S| / 2^(lsb - 2148)) with the bit
 * position lsb = max(msb - prec + 1, min_lsb) (so q < 2^prec), plus the
 * round bit just below lsb and the sticky bit below that.  For doubles:
 * prec 53 and min_lsb 1074, the bit of 2^-1074. */
void pb_exact_mag_to_grid(const pb_exact_mag *mag, int prec, int min_lsb,
                          uint64_t *q, int *round, int *sticky, int *lsb)
{
    int l = mag->msb - (prec - 1);
    if (l < min_lsb) l = min_lsb;
    *lsb = l;
    *q = mag->msb >= l ? pb_exact_mag_bits(mag, l, mag->msb - l + 1) : 0;
    *round = l >= 1 ? (int)pb_exact_mag_bits(mag, l - 1, 1) : 0;
    *sticky = pb_exact_mag_sticky(mag, l - 1);
}

double pb_exact_mag_round_odd(const pb_exact_mag *mag)
{
    if (mag->msb < 0) return 0.0;
    double r;
    if (mag->msb - LA_BIAS >= 1024) {
        r = 0x1.fffffffffffffp+1023;
    } else {
        uint64_t q;
        int rb, st, lsb;
        pb_exact_mag_to_grid(mag, 53, 1074, &q, &rb, &st, &lsb);
        if (rb | st) q |= 1;
        r = ldexp((double)q, lsb - LA_BIAS);
    }
    return mag->negative ? -r : r;
}

double pb_longacc_round_odd(const pb_longacc *acc)
{
    pb_exact_mag mag;
    pb_exact_magnitude(acc, &mag);
    return pb_exact_mag_round_odd(&mag);
}

/* Round a nonzero finite magnitude to a double under a deterministic mode
 * (IEEE overflow).  Shared by the fp64 output of pb_longacc_round. */
double pb_exact_mag_round_f64(const pb_exact_mag *mag, pb_round_mode mode)
{
    const double max = 0x1.fffffffffffffp+1023;
    int neg = mag->negative;
    /* Whether the mode rounds the magnitude up (away from zero) given the
     * round and sticky bits and the parity of q. */
    int away_dir = (mode == PB_ROUND_UP && !neg) || (mode == PB_ROUND_DOWN && neg);
    int toward_dir = (mode == PB_ROUND_UP && neg) || (mode == PB_ROUND_DOWN && !neg) ||
                     mode == PB_ROUND_RTZ;
    if (mag->msb - LA_BIAS >= 1024) { /* |S| >= 2^1024: overflow */
        double r = toward_dir ? max : INFINITY;
        return neg ? -r : r;
    }
    uint64_t q;
    int rb, st, lsb;
    pb_exact_mag_to_grid(mag, 53, 1074, &q, &rb, &st, &lsb);
    int inc;
    if (away_dir)
        inc = rb | st;
    else if (toward_dir)
        inc = 0;
    else if (mode == PB_ROUND_RNA)
        inc = rb;
    else /* RNE, and the stochastic modes' deterministic stand-in */
        inc = rb && (st || (q & 1));
    q += (uint64_t)inc;
    /* q <= 2^53: exact in a double; ldexp overflows to inf exactly when the
     * rounded value reaches 2^1024, which IEEE calls overflow. */
    double r = ldexp((double)q, lsb - LA_BIAS);
    return neg ? -r : r;
}

double pb_longacc_round_f64(const pb_longacc *acc, pb_round_mode mode)
{
    unsigned sp = acc->specials;
    if (sp & PB_LONGACC_NAN || (sp & PB_LONGACC_POS_INF && sp & PB_LONGACC_NEG_INF))
        return NAN;
    if (sp & PB_LONGACC_POS_INF) return INFINITY;
    if (sp & PB_LONGACC_NEG_INF) return -INFINITY;
    pb_exact_mag mag;
    pb_exact_magnitude(acc, &mag);
    if (mag.msb < 0) return pb_exact_zero(acc->zeros, mode);
    return pb_exact_mag_round_f64(&mag, mode);
}

double pb_exact_zero(unsigned zeros, pb_round_mode mode)
{
    if (zeros == PB_LONGACC_SAW_NEG_ZERO) return -0.0;
    if (zeros == PB_LONGACC_SAW_POS_ZERO || zeros == 0) return 0.0;
    return mode == PB_ROUND_DOWN ? -0.0 : 0.0;
}
