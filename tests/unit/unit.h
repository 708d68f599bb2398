/* unit.h - a tiny TAP producer for the unit tests.
 *
 * Each check prints "ok N - what" or "not ok N - what" with the place and
 * values on a "#" line; unit_done() prints the plan and returns the exit
 * status.  Tests needing files outside the project call unit_skip_all().
 */
#ifndef NA_UNIT_H
#define NA_UNIT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int unit_count, unit_failed;

static inline void unit_result(int ok, const char *file, int line, const char *what)
{
    unit_count++;
    printf("%sok %d - %s\n", ok ? "" : "not ", unit_count, what);
    if (!ok) {
        unit_failed++;
        printf("#   failed at %s:%d\n", file, line);
    }
    fflush(stdout);
}

#define CHECK(cond, what) unit_result(!!(cond), __FILE__, __LINE__, (what))

#define CHECK_STR(got, want, what) do {                                        \
        const char *g_ = (got), *w_ = (want);                                  \
        int ok_ = (g_ && w_) ? strcmp(g_, w_) == 0 : g_ == w_;                 \
        unit_result(ok_, __FILE__, __LINE__, (what));                          \
        if (!ok_)                                                              \
            printf("#   got \"%s\", want \"%s\"\n", g_ ? g_ : "(null)",      \
                   w_ ? w_ : "(null)");                                        \
    } while (0)

#define CHECK_INT(got, want, what) do {                                        \
        long long g_ = (long long)(got), w_ = (long long)(want);               \
        unit_result(g_ == w_, __FILE__, __LINE__, (what));                     \
        if (g_ != w_)                                                          \
            printf("#   got %lld, want %lld\n", g_, w_);                      \
    } while (0)

static inline int unit_done(void)
{
    printf("1..%d\n", unit_count);
    return unit_failed ? 1 : 0;
}

static inline void unit_skip_all(const char *why)
{
    printf("1..0 # SKIP %s\n", why);
    exit(0);
}

/* Absolute path of a file under the source tree's tests/ (caller frees). */
static inline char *unit_srcpath(const char *rel)
{
    const char *top = getenv("top_srcdir");
    if (!top)
        top = ".";
    size_t n = strlen(top) + strlen(rel) + 8;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s", top, rel);
    return p;
}

#endif
