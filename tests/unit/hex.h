/* Hex helpers shared by the libofp unit tests: build bytes from a hex
 * string and compare bytes against one. */
#ifndef TESTS_HEX_H
#define TESTS_HEX_H 1

#include <stdlib.h>
#include <string.h>

#include "ofp/buf.h"
#include "tests/unit/check.h"

/* Appends the bytes spelled by hex string 'hex' to 'b'.  Anything that is
 * not a hex digit (spaces, newlines) is ignored. */
static inline void
put_hex(struct ofp_buf *b, const char *hex)
{
    int hi = -1;
    for (const char *p = hex; *p; p++) {
        int v;
        if (*p >= '0' && *p <= '9') {
            v = *p - '0';
        } else if (*p >= 'a' && *p <= 'f') {
            v = *p - 'a' + 10;
        } else if (*p >= 'A' && *p <= 'F') {
            v = *p - 'A' + 10;
        } else {
            continue;
        }
        if (hi < 0) {
            hi = v;
        } else {
            ofp_buf_put_u8(b, (uint8_t)(hi << 4 | v));
            hi = -1;
        }
    }
}

/* Returns 'hex' without spaces and newlines, malloc'd. */
static inline char *
squeeze_hex(const char *hex)
{
    char *s = ofp_xmalloc(strlen(hex) + 1);
    char *q = s;
    for (const char *p = hex; *p; p++) {
        if (*p != ' ' && *p != '\n') {
            *q++ = *p;
        }
    }
    *q = '\0';
    return s;
}

/* Returns 'n' bytes at 'p' as a malloc'd hex string. */
static inline char *
to_hex(const void *p, size_t n)
{
    struct ofp_buf s;
    ofp_buf_init(&s);
    ofp_buf_put_hex(&s, p, n);
    return ofp_buf_steal_cstr(&s);
}

/* Checks that the 'N' bytes at 'P' are those written in hex in 'HEX'
 * (spaces and newlines ignored). */
#define CHECK_HEX(P, N, HEX)          \
    do {                              \
        char *h__ = to_hex(P, N);     \
        char *w__ = squeeze_hex(HEX); \
        CHECK_STREQ(h__, w__);        \
        free(w__);                    \
        free(h__);                    \
    } while (0)

/* Checks that buffer 'B' holds exactly the bytes written in hex 'HEX'. */
#define CHECK_BUF_HEX(B, HEX) CHECK_HEX((B)->data, (B)->size, HEX)

#endif /* tests/unit/hex.h */
