/* ofp_buf: vifguard's one byte-buffer type.
 *
 * An ofp_buf is either owned (grows on demand; 'base' is malloc'd) or a
 * read-only view of someone else's bytes (ofp_buf_use_const()).  Encoders
 * append to an owned buffer; decoders consume a view from the front with
 * ofp_buf_try_pull(), which never hands out bytes beyond 'size': that is the
 * only way libofp reads untrusted input.  The same type builds text (the
 * printer, logs, the control socket).
 *
 * Appending may move the data: keep offsets, not pointers, across puts. */
#ifndef OFP_BUF_H
#define OFP_BUF_H 1

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <endian.h>

struct ofp_buf {
    uint8_t *base;    /* Allocated block, or NULL for a view. */
    size_t allocated; /* Bytes at 'base'. */
    uint8_t *data;    /* First byte of data. */
    size_t size;      /* Bytes of data. */
};

void ofp_buf_init(struct ofp_buf *);
void ofp_buf_uninit(struct ofp_buf *);
void ofp_buf_clear(struct ofp_buf *);
void ofp_buf_use_const(struct ofp_buf *, const void *, size_t);
void ofp_buf_reserve(struct ofp_buf *, size_t);

void *ofp_buf_put_uninit__(struct ofp_buf *, size_t);

/* Appends 'n' uninitialized bytes to owned buffer 'b' and returns a pointer
 * to them.  Inline for the common case where they fit already. */
static inline void *
ofp_buf_put_uninit(struct ofp_buf *b, size_t n)
{
    if (b->base && b->size + n < b->allocated - (size_t)(b->data - b->base)) {
        void *p = b->data + b->size;
        b->size += n;
        return p;
    }
    return ofp_buf_put_uninit__(b, n);
}
void *ofp_buf_put_zeros(struct ofp_buf *, size_t);
void *ofp_buf_put(struct ofp_buf *, const void *, size_t);
void ofp_buf_put_u8(struct ofp_buf *, uint8_t);
void ofp_buf_put_be16(struct ofp_buf *, uint16_t);
void ofp_buf_put_be32(struct ofp_buf *, uint32_t);
void ofp_buf_put_be64(struct ofp_buf *, uint64_t);
void ofp_buf_pad_to(struct ofp_buf *, size_t start, size_t align);

void ofp_buf_put_cstr(struct ofp_buf *, const char *);
void ofp_buf_put_char(struct ofp_buf *, char);
void ofp_buf_put_format(struct ofp_buf *, const char *, ...)
    __attribute__((format(printf, 2, 3)));
void ofp_buf_put_vformat(struct ofp_buf *, const char *, va_list)
    __attribute__((format(printf, 2, 0)));
void ofp_buf_put_hex(struct ofp_buf *, const void *, size_t);
const char *ofp_buf_cstr(struct ofp_buf *);
char *ofp_buf_steal_cstr(struct ofp_buf *);

const void *ofp_buf_try_pull(struct ofp_buf *, size_t);
void *ofp_buf_at(const struct ofp_buf *, size_t offset, size_t len);

/* Unaligned big-endian loads and stores. */
static inline uint16_t
ofp_get_be16(const void *p)
{
    uint16_t x;
    memcpy(&x, p, sizeof x);
    return ntohs(x);
}

static inline uint32_t
ofp_get_be32(const void *p)
{
    uint32_t x;
    memcpy(&x, p, sizeof x);
    return ntohl(x);
}

static inline uint64_t
ofp_get_be64(const void *p)
{
    uint64_t x;
    memcpy(&x, p, sizeof x);
    return be64toh(x);
}

static inline void
ofp_set_be16(void *p, uint16_t v)
{
    uint16_t x = htons(v);
    memcpy(p, &x, sizeof x);
}

static inline void
ofp_set_be32(void *p, uint32_t v)
{
    uint32_t x = htonl(v);
    memcpy(p, &x, sizeof x);
}

static inline void
ofp_set_be64(void *p, uint64_t v)
{
    uint64_t x = htobe64(v);
    memcpy(p, &x, sizeof x);
}

/* Pulls a big-endian integer from the front of view 'b' into '*v'.  Returns
 * false, leaving 'b' untouched, if fewer bytes remain. */
static inline bool
ofp_buf_pull_u8(struct ofp_buf *b, uint8_t *v)
{
    const uint8_t *p = ofp_buf_try_pull(b, 1);
    if (p) {
        *v = *p;
    }
    return p != NULL;
}

static inline bool
ofp_buf_pull_be16(struct ofp_buf *b, uint16_t *v)
{
    const void *p = ofp_buf_try_pull(b, 2);
    if (p) {
        *v = ofp_get_be16(p);
    }
    return p != NULL;
}

static inline bool
ofp_buf_pull_be32(struct ofp_buf *b, uint32_t *v)
{
    const void *p = ofp_buf_try_pull(b, 4);
    if (p) {
        *v = ofp_get_be32(p);
    }
    return p != NULL;
}

static inline bool
ofp_buf_pull_be64(struct ofp_buf *b, uint64_t *v)
{
    const void *p = ofp_buf_try_pull(b, 8);
    if (p) {
        *v = ofp_get_be64(p);
    }
    return p != NULL;
}

/* Dies with a message on allocation failure: a daemon that cannot allocate
 * a few bytes cannot protect anything, and systemd restarts it. */
void *ofp_xmalloc(size_t);
void *ofp_xcalloc(size_t, size_t);
void *ofp_xrealloc(void *, size_t);
char *ofp_xstrdup(const char *);
char *ofp_xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));
char *ofp_xvasprintf(const char *, va_list)
    __attribute__((format(printf, 1, 0)));

#endif /* ofp/buf.h */
