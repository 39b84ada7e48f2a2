/* Unit tests for ofp_buf: growth, text, views and bounds-checked pulls. */
#include <config.h>

#include <stdlib.h>

#include "ofp/buf.h"
#include "tests/unit/check.h"

static void
test_put_and_grow(void)
{
    struct ofp_buf b;
    ofp_buf_init(&b);
    for (int i = 0; i < 1000; i++) {
        ofp_buf_put_be32(&b, (uint32_t)i);
    }
    CHECK_EQ(b.size, 4000);
    CHECK_EQ(ofp_get_be32(b.data + 4 * 999), 999);
    ofp_buf_put_be16(&b, 0x1234);
    ofp_buf_put_be64(&b, 0x0102030405060708ULL);
    CHECK_EQ(b.data[4000], 0x12);
    CHECK_EQ(b.data[4002], 0x01);
    CHECK_EQ(b.data[4009], 0x08);
    size_t start = b.size;
    ofp_buf_put_u8(&b, 1);
    ofp_buf_pad_to(&b, start, 8);
    CHECK_EQ(b.size - start, 8);
    ofp_buf_pad_to(&b, start, 8);
    CHECK_EQ(b.size - start, 8);
    ofp_buf_uninit(&b);
    ofp_buf_uninit(NULL);
}

static void
test_text(void)
{
    struct ofp_buf b;
    ofp_buf_init(&b);
    CHECK_STREQ(ofp_buf_cstr(&b), "");
    ofp_buf_put_format(&b, "x=%d,", 42);
    ofp_buf_put_cstr(&b, "y");
    ofp_buf_put_char(&b, '=');
    ofp_buf_put_hex(&b, "\x01\xab", 2);
    CHECK_STREQ(ofp_buf_cstr(&b), "x=42,y=01ab");
    char *s = ofp_buf_steal_cstr(&b);
    CHECK_STREQ(s, "x=42,y=01ab");
    CHECK_EQ(b.size, 0);
    free(s);
    ofp_buf_uninit(&b);
}

static void
test_view(void)
{
    static const uint8_t bytes[] = { 1, 2, 3, 4, 5, 6, 7 };
    struct ofp_buf v;
    uint32_t x32 = 0;
    uint16_t x16 = 0;
    uint8_t x8 = 0;
    uint64_t x64 = 0;

    ofp_buf_use_const(&v, bytes, sizeof bytes);
    CHECK(ofp_buf_at(&v, 6, 1) != NULL);
    CHECK(ofp_buf_at(&v, 6, 2) == NULL);
    CHECK(ofp_buf_at(&v, 8, 0) == NULL);
    CHECK(ofp_buf_at(&v, 7, 0) != NULL);
    CHECK(ofp_buf_pull_be32(&v, &x32));
    CHECK_EQ(x32, 0x01020304);
    CHECK(!ofp_buf_pull_be64(&v, &x64));
    CHECK_EQ(v.size, 3);
    CHECK(ofp_buf_pull_be16(&v, &x16));
    CHECK_EQ(x16, 0x0506);
    CHECK(ofp_buf_pull_u8(&v, &x8));
    CHECK_EQ(x8, 7);
    CHECK(!ofp_buf_pull_u8(&v, &x8));
    CHECK(ofp_buf_try_pull(&v, 0) != NULL);
    CHECK(ofp_buf_try_pull(&v, 1) == NULL);
    CHECK(ofp_buf_try_pull(&v, SIZE_MAX) == NULL);
}

int
main(void)
{
    test_put_and_grow();
    test_text();
    test_view();
    return check_summary();
}
