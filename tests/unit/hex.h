/* Hex helpers shared by the libofp unit tests: build bytes from a hex
 * string and compare bytes against one. */
#ifndef TESTS_HEX_H
#define TESTS_HEX_H 1

#include <stdlib.h>

#include "ofp/buf.h"
#include "tests/unit/check.h"

/* Appends the bytes spelled by hex string 'hex' (spaces ignored) to 'b'. */
static inline void
put_hex(struct ofp_buf *b, const char *hex)
{
    while (*hex) {
        if (*hex == ' ') {
            hex++;
            continue;
        }
        char byte[3] = { hex[0], hex[1], 0 };
        ofp_buf_put_u8(b, (uint8_t)strtoul(byte, NULL, 16));
        hex += 2;
    }
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

#define CHECK_HEX(P, N, HEX)      \
    do {                          \
        char *h__ = to_hex(P, N); \
        CHECK_STREQ(h__, HEX);    \
        free(h__);                \
    } while (0)

#endif /* tests/unit/hex.h */
