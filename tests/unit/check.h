/* A minimal unit-test harness shared by tests/unit/test-*.c.
 *
 * CHECK(cond) records a failure with its location and goes on; each test
 * program ends with check_summary(), which prints "N passed, N failed" (the
 * line the test runners read) and returns the exit status. */
#ifndef TESTS_CHECK_H
#define TESTS_CHECK_H 1

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_passed__;
static int check_failed__;

#define CHECK(COND)                                                          \
    do {                                                                     \
        if (COND) {                                                          \
            check_passed__++;                                                \
        } else {                                                             \
            check_failed__++;                                                \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, \
                    #COND);                                                  \
        }                                                                    \
    } while (0)

#define CHECK_EQ(A, B)                                                        \
    do {                                                                      \
        long long a__ = (long long)(A), b__ = (long long)(B);                 \
        if (a__ == b__) {                                                     \
            check_passed__++;                                                 \
        } else {                                                              \
            check_failed__++;                                                 \
            fprintf(stderr, "%s:%d: CHECK failed: %s == %s (%lld != %lld)\n", \
                    __FILE__, __LINE__, #A, #B, a__, b__);                    \
        }                                                                     \
    } while (0)

#define CHECK_STREQ(A, B)                                             \
    do {                                                              \
        const char *a__ = (A), *b__ = (B);                            \
        if (a__ && b__ && !strcmp(a__, b__)) {                        \
            check_passed__++;                                         \
        } else {                                                      \
            check_failed__++;                                         \
            fprintf(stderr,                                           \
                    "%s:%d: CHECK failed: %s == %s\n  got:  %s\n"     \
                    "  want: %s\n",                                   \
                    __FILE__, __LINE__, #A, #B, a__ ? a__ : "(null)", \
                    b__ ? b__ : "(null)");                            \
        }                                                             \
    } while (0)

/* Checks that the malloc'd error message 'ERR' exists and contains
 * 'NEEDLE', then frees it and sets 'ERR' to NULL. */
#define CHECK_ERRMSG(ERR, NEEDLE)                          \
    do {                                                   \
        CHECK((ERR) != NULL);                              \
        if (ERR) {                                         \
            if (!strstr((ERR), (NEEDLE))) {                \
                fprintf(stderr, "  message: %s\n", (ERR)); \
            }                                              \
            CHECK(strstr((ERR), (NEEDLE)) != NULL);        \
            free(ERR);                                     \
            (ERR) = NULL;                                  \
        }                                                  \
    } while (0)

static inline int
check_summary(void)
{
    printf("%d passed, %d failed\n", check_passed__, check_failed__);
    return check_failed__ ? 1 : 0;
}

#endif /* tests/unit/check.h */
