/* precbench: exact helpers shared by the accumulator models. */
#include "accum/accum_internal.h"

double pb_accum_add_odd(double x, double y)
{
    /* TwoSum: s + t == x + y exactly (no overflow for our operands). */
    double s = x + y;
    if (!isfinite(s)) return s;
    double bp = s - x;
    double t = (x - (s - bp)) + (y - bp);
    if (t == 0.0) return s;
    /* The exact sum lies strictly between s and its neighbour on t's
     * side.  Round to odd: take the neighbour toward zero of the exact
     * value, then force the last bit to 1. */
    uint64_t bits;
    memcpy(&bits, &s, sizeof bits);
    /* t != 0 implies s != 0.  s is the value toward zero when the exact
     * sum is farther from zero than s (t has s's sign). */
    bool toward_zero_is_s = (s > 0) == (t > 0);
    if (!toward_zero_is_s) bits -= 1; /* one step toward zero in magnitude */
    bits |= 1;
    double r;
    memcpy(&r, &bits, sizeof r);
    return r;
}

double pb_accum_round_bits(double x, int p, bool rne)
{
    if (x == 0.0 || !isfinite(x)) return x;
    int e = pb_accum_ilog2(x);
    double q = ldexp(1.0, e - (p - 1)); /* the quantum at x's binade */
    double m = x / q;                  /* exact: a power-of-two scaling */
    m = rne ? nearbyint(m) : trunc(m);
    return m * q;
}
