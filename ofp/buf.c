/* ofp_buf: growable byte buffer and bounds-checked read view.  See buf.h. */
#include <config.h>
#include "ofp/buf.h"

#include <stdio.h>
#include <stdlib.h>

void *
ofp_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fputs("vifguard: out of memory\n", stderr);
        abort();
    }
    return p;
}

void *
ofp_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) {
        fputs("vifguard: out of memory\n", stderr);
        abort();
    }
    return p;
}

void *
ofp_xrealloc(void *old, size_t n)
{
    void *p = realloc(old, n ? n : 1);
    if (!p) {
        fputs("vifguard: out of memory\n", stderr);
        abort();
    }
    return p;
}

char *
ofp_xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(ofp_xmalloc(n), s, n);
}

/* Returns a malloc'd string formatted as by vprintf(). */
char *
ofp_xvasprintf(const char *fmt, va_list args)
{
    struct ofp_buf b;

    ofp_buf_init(&b);
    ofp_buf_put_vformat(&b, fmt, args);
    return ofp_buf_steal_cstr(&b);
}

/* Returns a malloc'd string formatted as by printf(). */
char *
ofp_xasprintf(const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    char *s = ofp_xvasprintf(fmt, args);
    va_end(args);
    return s;
}

/* Initializes 'b' as an empty owned buffer. */
void
ofp_buf_init(struct ofp_buf *b)
{
    memset(b, 0, sizeof *b);
}

/* Frees the memory owned by 'b' (nothing for a view).  Accepts NULL. */
void
ofp_buf_uninit(struct ofp_buf *b)
{
    if (b) {
        free(b->base);
        memset(b, 0, sizeof *b);
    }
}

/* Empties 'b', keeping its memory. */
void
ofp_buf_clear(struct ofp_buf *b)
{
    b->data = b->base;
    b->size = 0;
}

/* Makes 'b' a read-only view of the 'size' bytes at 'data'.  Nothing may be
 * appended to a view. */
void
ofp_buf_use_const(struct ofp_buf *b, const void *data, size_t size)
{
    b->base = NULL;
    b->allocated = 0;
    b->data = (uint8_t *)data;
    b->size = size;
}

/* Ensures that 'n' more bytes can be appended to 'b' without reallocating.
 * Keeps one spare byte for the NUL of ofp_buf_cstr(). */
void
ofp_buf_reserve(struct ofp_buf *b, size_t n)
{
    size_t head = b->base ? (size_t)(b->data - b->base) : 0;
    size_t need = head + b->size + n + 1;

    if (b->base && need <= b->allocated) {
        return;
    }
    if (!b->base && b->size) {
        abort(); /* Appending to a read-only view is a bug. */
    }
    size_t cap = b->allocated ? b->allocated : 64;
    while (cap < need) {
        cap *= 2;
    }
    b->base = ofp_xrealloc(b->base, cap);
    b->allocated = cap;
    b->data = b->base + head;
}

/* The slow path of ofp_buf_put_uninit(): grows 'b' first. */
void *
ofp_buf_put_uninit__(struct ofp_buf *b, size_t n)
{
    ofp_buf_reserve(b, n);
    void *p = b->data + b->size;
    b->size += n;
    return p;
}

/* Appends 'n' zero bytes to 'b' and returns a pointer to them. */
void *
ofp_buf_put_zeros(struct ofp_buf *b, size_t n)
{
    return memset(ofp_buf_put_uninit(b, n), 0, n);
}

/* Appends a copy of the 'n' bytes at 'p' to 'b'. */
void *
ofp_buf_put(struct ofp_buf *b, const void *p, size_t n)
{
    void *dst = ofp_buf_put_uninit(b, n);
    if (n) {
        memcpy(dst, p, n);
    }
    return dst;
}

void
ofp_buf_put_u8(struct ofp_buf *b, uint8_t v)
{
    *(uint8_t *)ofp_buf_put_uninit(b, 1) = v;
}

void
ofp_buf_put_be16(struct ofp_buf *b, uint16_t v)
{
    ofp_set_be16(ofp_buf_put_uninit(b, 2), v);
}

void
ofp_buf_put_be32(struct ofp_buf *b, uint32_t v)
{
    ofp_set_be32(ofp_buf_put_uninit(b, 4), v);
}

void
ofp_buf_put_be64(struct ofp_buf *b, uint64_t v)
{
    ofp_set_be64(ofp_buf_put_uninit(b, 8), v);
}

/* Appends zeros so that the data from offset 'start' to the end is a
 * multiple of 'align' bytes long. */
void
ofp_buf_pad_to(struct ofp_buf *b, size_t start, size_t align)
{
    size_t len = b->size - start;
    size_t pad = (align - len % align) % align;
    ofp_buf_put_zeros(b, pad);
}

void
ofp_buf_put_cstr(struct ofp_buf *b, const char *s)
{
    ofp_buf_put(b, s, strlen(s));
}

void
ofp_buf_put_char(struct ofp_buf *b, char c)
{
    ofp_buf_put_u8(b, (uint8_t)c);
}

void
ofp_buf_put_vformat(struct ofp_buf *b, const char *fmt, va_list args)
{
    va_list copy;
    va_copy(copy, args);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n <= 0) {
        return;
    }
    ofp_buf_reserve(b, (size_t)n + 1);
    vsnprintf((char *)b->data + b->size, (size_t)n + 1, fmt, args);
    b->size += (size_t)n;
}

/* Appends printf-style text to 'b' (without a NUL; see ofp_buf_cstr()). */
void
ofp_buf_put_format(struct ofp_buf *b, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    ofp_buf_put_vformat(b, fmt, args);
    va_end(args);
}

/* Appends the 'n' bytes at 'p' as lowercase hex digits. */
void
ofp_buf_put_hex(struct ofp_buf *b, const void *p_, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    const uint8_t *p = p_;
    char *dst = ofp_buf_put_uninit(b, 2 * n);
    for (size_t i = 0; i < n; i++) {
        dst[2 * i] = digits[p[i] >> 4];
        dst[2 * i + 1] = digits[p[i] & 15];
    }
}

/* Returns the contents of owned buffer 'b' as a NUL-terminated string.  The
 * NUL is not counted in 'size'. */
const char *
ofp_buf_cstr(struct ofp_buf *b)
{
    ofp_buf_reserve(b, 0);
    b->data[b->size] = '\0';
    return (const char *)b->data;
}

/* Returns the contents of 'b' as a malloc'd string and empties 'b'. */
char *
ofp_buf_steal_cstr(struct ofp_buf *b)
{
    ofp_buf_cstr(b);
    char *s;
    if (b->data == b->base) {
        s = (char *)b->base;
    } else {
        s = ofp_xstrdup((const char *)b->data);
        free(b->base);
    }
    ofp_buf_init(b);
    return s;
}

/* Consumes 'n' bytes from the front of 'b' and returns a pointer to them, or
 * returns NULL and leaves 'b' untouched if fewer than 'n' bytes remain. */
const void *
ofp_buf_try_pull(struct ofp_buf *b, size_t n)
{
    if (n > b->size) {
        return NULL;
    }
    const void *p = b->data;
    b->data += n;
    b->size -= n;
    return p;
}

/* Returns a pointer to the 'len' bytes at 'offset' in 'b', or NULL if they
 * are not all within the data. */
void *
ofp_buf_at(const struct ofp_buf *b, size_t offset, size_t len)
{
    if (offset > b->size || len > b->size - offset) {
        return NULL;
    }
    return b->data + offset;
}
