/* precbench test harness: one tiny header shared by every tests/test_<unit>.c.
 *
 *   static void test_roundtrip(void) { PBT_CHECK(a == b, "code %u", c); }
 *   int main(int argc, char **argv) {
 *       pbt_init(argc, argv);
 *       PBT_RUN(test_roundtrip);
 *       return pbt_finish();
 *   }
 *
 * A test function passes when none of its checks fail.  The seed is fixed
 * (PB_SEED overrides it) and printed with every failure; PB_REPEAT multiplies
 * the size of randomised tests to turn the quick run into a long one, and
 * PB_TEST_DIVISOR divides it (the sanitizer build runs the same tests on a
 * smaller sample): size randomised loops with pbt_count(n).  pbt_finish prints "<program>: N passed, N failed" and returns
 * non-zero on any failure; tests/run.sh adds the programs up.
 */
#ifndef PRECBENCH_TEST_HARNESS_H
#define PRECBENCH_TEST_HARNESS_H

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *pbt_program = "test";
static uint64_t pbt_seed_value = 20261123u;
static long pbt_repeat_value = 1;
static long pbt_divisor_value = 1;
static int pbt_passed, pbt_failed, pbt_current_failures;
static const char *pbt_current_name = "";
/* Cap the messages of one test so a systematic bug does not flood the log. */
enum { PBT_MAX_MESSAGES = 10 };

static inline void pbt_init(int argc, char **argv)
{
    (void)argc;
    const char *slash = strrchr(argv[0], '/');
    pbt_program = slash ? slash + 1 : argv[0];
    const char *s = getenv("PB_SEED");
    if (s && *s) pbt_seed_value = strtoull(s, NULL, 0);
    const char *r = getenv("PB_REPEAT");
    if (r && *r) {
        pbt_repeat_value = strtol(r, NULL, 10);
        if (pbt_repeat_value < 1) pbt_repeat_value = 1;
    }
    const char *d = getenv("PB_TEST_DIVISOR");
    if (d && *d) {
        pbt_divisor_value = strtol(d, NULL, 10);
        if (pbt_divisor_value < 1) pbt_divisor_value = 1;
    }
}

/* xorshift64: a test's own quick stream of bits (seed it from pbt_seed(),
 * never with 0). */
static inline uint64_t pbt_xorshift(uint64_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return *state;
}

static inline uint64_t pbt_seed(void) { return pbt_seed_value; }
static inline long pbt_repeat(void) { return pbt_repeat_value; }
/* The size of a randomised loop: n, times PB_REPEAT, divided by
 * PB_TEST_DIVISOR, and never below 1. */
static inline uint64_t pbt_count(uint64_t n)
{
    uint64_t c = n * (uint64_t)pbt_repeat_value / (uint64_t)pbt_divisor_value;
    return c ? c : 1;
}

static inline void pbt_fail_at(const char *file, int line)
{
    pbt_current_failures++;
    if (pbt_current_failures <= PBT_MAX_MESSAGES)
        fprintf(stderr, "FAIL %s: %s (%s:%d, PB_SEED=%" PRIu64 "): ",
                pbt_program, pbt_current_name, file, line, pbt_seed_value);
}

/* Check a condition; on failure print a printf-style message. */
#define PBT_CHECK(cond, ...)                                                  \
    do {                                                                      \
        if (!(cond)) {                                                        \
            pbt_fail_at(__FILE__, __LINE__);                                  \
            if (pbt_current_failures <= PBT_MAX_MESSAGES) {                   \
                fprintf(stderr, __VA_ARGS__);                                 \
                fputc('\n', stderr);                                          \
            }                                                                 \
        }                                                                     \
    } while (0)

/* Check and leave the current test function on failure. */
#define PBT_REQUIRE(cond, ...)                                                \
    do {                                                                      \
        if (!(cond)) {                                                        \
            PBT_CHECK(cond, __VA_ARGS__);                                     \
            return;                                                           \
        }                                                                     \
    } while (0)

static inline void pbt_run(void (*fn)(void), const char *name)
{
    pbt_current_name = name;
    pbt_current_failures = 0;
    fn();
    if (pbt_current_failures) {
        pbt_failed++;
        if (pbt_current_failures > PBT_MAX_MESSAGES)
            fprintf(stderr, "FAIL %s: %s: %d failed checks in all\n",
                    pbt_program, name, pbt_current_failures);
    } else {
        pbt_passed++;
    }
}
#define PBT_RUN(fn) pbt_run(fn, #fn)

static inline int pbt_finish(void)
{
    printf("%s: %d passed, %d failed\n", pbt_program, pbt_passed, pbt_failed);
    return pbt_failed ? 1 : 0;
}

#endif
