/* Unit tests for the message layer of libofp: framing and classification
 * (msgs.c), the connection and switch messages (switch.c), ports (port.c),
 * PACKET_IN/OUT (packet.c) and bundles (bundle.c), plus the ofp_msg
 * dispatch for every kind.
 *
 * Every expected encoding below was checked with `ovs-ofctl ofp-print`
 * (Open vSwitch 3.1); the comment above each gives what it printed.  Every
 * message also goes through encode -> decode -> encode (byte identity) and
 * through the malformed cases: empty, short, truncated at every length,
 * length field different from the buffer, over-long, bad version, bad type,
 * and its own format's bad fields, each with its specific error.  Decoders
 * are always given an exact-size heap copy so that ASan catches any read
 * past the end. */
#include <config.h>

#include <errno.h>
#include <stdlib.h>

#include "ofp/msgs.h"
#include "tests/unit/check.h"
#include "tests/unit/hex.h"

/* ---- Helpers. ---- */

/* Checks that 'got' is the error 'want', naming both and 'ctx'/'n' on
 * failure. */
#define CHECK_ERR(GOT, WANT, CTX, N)                                          \
    do {                                                                      \
        int g__ = (GOT), w__ = (WANT);                                        \
        if (g__ != w__) {                                                     \
            fprintf(stderr, "%s:%d: %s (n=%zu): got %s, want %s\n", __FILE__, \
                    __LINE__, (CTX), (size_t)(N), ofp_strerror(g__),          \
                    ofp_strerror(w__));                                       \
        }                                                                     \
        CHECK_EQ(g__, w__);                                                   \
    } while (0)

typedef int decode_fn(const void *msg, size_t len);

/* Calls 'dec' on an exact-size heap copy of the first 'n' bytes of 'msg'. */
static int
call(decode_fn *dec, const void *msg, size_t n)
{
    void *copy = ofp_xmalloc(n);
    if (n) {
        memcpy(copy, msg, n);
    }
    int error = dec(copy, n);
    free(copy);
    return error;
}

/* Like call(), on 'n' bytes of 'msg' (zero-extended past 'len') with the
 * header's length field set to 'field'. */
static int
call_len(decode_fn *dec, const uint8_t *msg, size_t len, size_t n,
         uint16_t field)
{
    uint8_t *copy = ofp_xcalloc(1, n);
    memcpy(copy, msg, n < len ? n : len);
    if (n >= 4) {
        ofp_set_be16(copy + 2, field);
    }
    int error = dec(copy, n);
    free(copy);
    return error;
}

/* Like call(), with byte 'ofs' of 'msg' replaced by 'byte'. */
static int
call_patch(decode_fn *dec, const uint8_t *msg, size_t len, size_t ofs,
           uint8_t byte)
{
    uint8_t *copy = ofp_xmalloc(len);
    memcpy(copy, msg, len);
    copy[ofs] = byte;
    int error = dec(copy, len);
    free(copy);
    return error;
}

/* Like call(), with the 32-bit field at 'ofs' replaced by 'v'. */
static int
call_patch32(decode_fn *dec, const uint8_t *msg, size_t len, size_t ofs,
             uint32_t v)
{
    uint8_t *copy = ofp_xmalloc(len);
    memcpy(copy, msg, len);
    ofp_set_be32(copy + ofs, v);
    int error = dec(copy, len);
    free(copy);
    return error;
}

/* Decoder wrappers with one signature. */
static int
dec_any(const void *msg, size_t len)
{
    struct ofp_msg m;
    int error = ofp_msg_decode(msg, len, &m);
    ofp_msg_uninit(&m);
    return error;
}

static int
dec_classify(const void *msg, size_t len)
{
    enum ofp_msg_kind kind;
    return ofp_msg_classify(msg, len, &kind);
}

#define DECODER(NAME, TYPE, FUNC)                \
    static int NAME(const void *msg, size_t len) \
    {                                            \
        TYPE x;                                  \
        return FUNC(msg, len, &x);               \
    }
DECODER(dec_hello, struct ofp_hello, ofp_hello_decode)
DECODER(dec_echo, struct ofp_echo, ofp_echo_decode)
DECODER(dec_error, struct ofp_error, ofp_error_decode)
DECODER(dec_features, struct ofp_features, ofp_features_decode)
DECODER(dec_config, struct ofp_switch_config, ofp_switch_config_decode)
DECODER(dec_role, struct ofp_role, ofp_role_decode)
DECODER(dec_async, struct ofp_async, ofp_async_decode)
DECODER(dec_port_status, struct ofp_port_status, ofp_port_status_decode)
DECODER(dec_packet_in, struct ofp_packet_in, ofp_packet_in_decode)
DECODER(dec_bundle_ctrl, struct ofp_bundle_ctrl, ofp_bundle_ctrl_decode)
DECODER(dec_bundle_add, struct ofp_bundle_add, ofp_bundle_add_decode)

static int
dec_packet_out(const void *msg, size_t len)
{
    struct ofp_packet_out po;
    int error = ofp_packet_out_decode(msg, len, &po);
    ofp_packet_out_uninit(&po);
    return error;
}

/* Decodes 'msg' with ofp_msg_decode(), checks its kind, re-encodes it with
 * ofp_msg_encode() and checks that the bytes are the same. */
static void
check_roundtrip(const char *ctx, const uint8_t *msg, size_t len,
                enum ofp_msg_kind kind)
{
    struct ofp_msg m;
    struct ofp_buf b;

    ofp_buf_init(&b);
    int error = call(dec_any, msg, len);
    CHECK_ERR(error, 0, ctx, len);
    error = ofp_msg_decode(msg, len, &m);
    CHECK_ERR(error, 0, ctx, len);
    if (!error) {
        CHECK_STREQ(ofp_msg_kind_name(m.kind), ofp_msg_kind_name(kind));
        CHECK_EQ(m.version, msg[0]);
        CHECK_EQ(m.type, msg[1]);
        CHECK_EQ(m.xid, ofp_msg_xid(msg));
        CHECK_ERR(ofp_msg_encode(&m, &b), 0, ctx, len);
        CHECK_EQ(b.size, len);
        if (b.size == len) {
            CHECK(!memcmp(b.data, msg, len));
        }
    }
    ofp_msg_uninit(&m);
    ofp_buf_uninit(&b);
}

/* Malformed cases every message shares: the empty message, every
 * truncation (length field left as it was), length fields that disagree
 * with the buffer, and a bad version ('version_checked': not HELLO). */
static void
check_common_malformed(const char *ctx, decode_fn *dec, const uint8_t *msg,
                       size_t len, bool version_checked)
{
    for (size_t n = 0; n < len; n++) {
        CHECK_ERR(call(dec, msg, n), OFPERR_OFPBRC_BAD_LEN, ctx, n);
        CHECK_ERR(call(dec_any, msg, n), OFPERR_OFPBRC_BAD_LEN, ctx, n);
    }
    CHECK_ERR(call_len(dec, msg, len, len, (uint16_t)(len + 1)),
              OFPERR_OFPBRC_BAD_LEN, ctx, len);
    CHECK_ERR(call_len(dec, msg, len, len, (uint16_t)(len - 1)),
              OFPERR_OFPBRC_BAD_LEN, ctx, len);
    CHECK_ERR(call_len(dec, msg, len, len, 0), OFPERR_OFPBRC_BAD_LEN, ctx,
              len);
    CHECK_ERR(call_len(dec, msg, len, len, 0xffff), OFPERR_OFPBRC_BAD_LEN, ctx,
              len);
    /* A buffer longer than the length field says. */
    CHECK_ERR(call_len(dec, msg, len, len + 1, (uint16_t)len),
              OFPERR_OFPBRC_BAD_LEN, ctx, len + 1);
    CHECK_ERR(call_len(dec_any, msg, len, len + 1, (uint16_t)len),
              OFPERR_OFPBRC_BAD_LEN, ctx, len + 1);
    if (version_checked) {
        static const uint8_t versions[] = { 0, 1, 2, 3, 6, 0x84, 0xff };
        for (size_t i = 0; i < sizeof versions; i++) {
            CHECK_ERR(call_patch(dec, msg, len, 0, versions[i]),
                      OFPERR_OFPBRC_BAD_VERSION, ctx, versions[i]);
            CHECK_ERR(call_patch(dec_any, msg, len, 0, versions[i]),
                      OFPERR_OFPBRC_BAD_VERSION, ctx, versions[i]);
        }
    }
}

/* For a message with no variable part: every shorter or longer message
 * with a consistent length field is OFPBRC_BAD_LEN. */
static void
check_fixed_size(const char *ctx, decode_fn *dec, const uint8_t *msg,
                 size_t len)
{
    for (size_t n = OFP_HEADER_LEN; n < len; n++) {
        CHECK_ERR(call_len(dec, msg, len, n, (uint16_t)n),
                  OFPERR_OFPBRC_BAD_LEN, ctx, n);
        CHECK_ERR(call_len(dec_any, msg, len, n, (uint16_t)n),
                  OFPERR_OFPBRC_BAD_LEN, ctx, n);
    }
    for (size_t extra = 1; extra <= 16; extra++) {
        size_t n = len + extra;
        CHECK_ERR(call_len(dec, msg, len, n, (uint16_t)n),
                  OFPERR_OFPBRC_BAD_LEN, ctx, n);
        CHECK_ERR(call_len(dec_any, msg, len, n, (uint16_t)n),
                  OFPERR_OFPBRC_BAD_LEN, ctx, n);
    }
}

/* A specific decoder given a valid message of another kind answers
 * OFPBRC_BAD_TYPE. */
static void
check_wrong_kind(const char *ctx, decode_fn *dec)
{
    static const uint8_t barrier[] = { 4, OFPT_BARRIER_REQUEST, 0, 8, 0, 0, 0,
                                       1 };
    CHECK_ERR(call(dec, barrier, sizeof barrier), OFPERR_OFPBRC_BAD_TYPE, ctx,
              sizeof barrier);
}

/* Everything for a golden message written in hex: its encoding by the test
 * ('enc', may be NULL) equals 'hex', it round-trips, and the common
 * malformed cases; 'fixed' adds check_fixed_size(). */
static void
check_golden(const char *ctx, const struct ofp_buf *enc, const char *hex,
             decode_fn *dec, enum ofp_msg_kind kind, bool fixed)
{
    struct ofp_buf g;

    ofp_buf_init(&g);
    put_hex(&g, hex);
    if (enc) {
        CHECK_HEX(enc->data, enc->size, hex);
    }
    check_roundtrip(ctx, g.data, g.size, kind);
    CHECK_ERR(call(dec, g.data, g.size), 0, ctx, g.size);
    check_common_malformed(ctx, dec, g.data, g.size, kind != OFPK_HELLO);
    if (fixed) {
        check_fixed_size(ctx, dec, g.data, g.size);
    }
    check_wrong_kind(ctx, dec);
    ofp_buf_uninit(&g);
}

/* ---- msgs.c. ---- */

static void
test_frame(void)
{
    static const uint8_t two[] = { 4, 2, 0, 9, 0, 0, 0, 1, 'x',
                                   4, 2, 0, 8, 0, 0, 0, 2 };
    size_t len = 0;

    CHECK_EQ(ofp_msg_frame(two, 0, &len), EAGAIN);
    CHECK_EQ(ofp_msg_frame(two, 7, &len), EAGAIN);
    CHECK_EQ(ofp_msg_frame(two, 8, &len), EAGAIN);
    CHECK_EQ(ofp_msg_frame(two, 9, &len), 0);
    CHECK_EQ(len, 9);
    CHECK_EQ(ofp_msg_frame(two, sizeof two, &len), 0);
    CHECK_EQ(len, 9);
    CHECK_EQ(ofp_msg_frame(two + 9, 8, &len), 0);
    CHECK_EQ(len, 8);

    static const uint8_t short_len[] = { 4, 2, 0, 7, 0, 0, 0, 1 };
    CHECK_EQ(ofp_msg_frame(short_len, 8, &len), OFPERR_OFPBRC_BAD_LEN);
    static const uint8_t zero_len[] = { 4, 2, 0, 0, 0, 0, 0, 1 };
    CHECK_EQ(ofp_msg_frame(zero_len, 8, &len), OFPERR_OFPBRC_BAD_LEN);
    static const uint8_t max_len[] = { 4, 2, 0xff, 0xff, 0, 0, 0, 1 };
    CHECK_EQ(ofp_msg_frame(max_len, 8, &len), EAGAIN);
}

static void
test_kind_names(void)
{
    CHECK_STREQ(ofp_msg_kind_name(OFPK_HELLO), "OFPT_HELLO");
    CHECK_STREQ(ofp_msg_kind_name(OFPK_FLOW_MOD), "OFPT_FLOW_MOD");
    CHECK_STREQ(ofp_msg_kind_name(OFPK_BUNDLE_ADD), "OFPT_BUNDLE_ADD_MESSAGE");
    CHECK_STREQ(ofp_msg_kind_name(OFPK_N_KINDS), "OFPT_UNKNOWN");
    CHECK_STREQ(ofp_msg_kind_name((enum ofp_msg_kind) - 1), "OFPT_UNKNOWN");
    for (int k = 0; k < OFPK_N_KINDS; k++) {
        const char *name = ofp_msg_kind_name((enum ofp_msg_kind)k);
        CHECK(!strncmp(name, "OFPT_", 5) && strcmp(name, "OFPT_UNKNOWN"));
    }
}

/* Classifies the 8-byte header {version, type} with 'body' appended. */
static int
classify_hex(uint8_t version, uint8_t type, const char *body,
             enum ofp_msg_kind *kind)
{
    struct ofp_buf b;

    ofp_buf_init(&b);
    size_t start = ofp_msg_start(&b, version, type, 0x12345678);
    put_hex(&b, body);
    ofp_msg_finish(&b, start);
    void *copy = ofp_xmalloc(b.size);
    memcpy(copy, b.data, b.size);
    int error = ofp_msg_classify(copy, b.size, kind);
    free(copy);
    ofp_buf_uninit(&b);
    return error;
}

static void
test_classify(void)
{
    enum ofp_msg_kind kind = OFPK_N_KINDS;
    static const struct {
        uint8_t type;
        enum ofp_msg_kind kind;
        const char *body;
    } ok[] = {
        { OFPT_HELLO, OFPK_HELLO, "" },
        { OFPT_ERROR, OFPK_ERROR, "00010001" },
        { OFPT_ECHO_REQUEST, OFPK_ECHO_REQUEST, "" },
        { OFPT_ECHO_REPLY, OFPK_ECHO_REPLY, "ab" },
        { OFPT_FEATURES_REQUEST, OFPK_FEATURES_REQUEST, "" },
        { OFPT_FEATURES_REPLY, OFPK_FEATURES_REPLY, "" },
        { OFPT_GET_CONFIG_REQUEST, OFPK_GET_CONFIG_REQUEST, "" },
        { OFPT_GET_CONFIG_REPLY, OFPK_GET_CONFIG_REPLY, "" },
        { OFPT_SET_CONFIG, OFPK_SET_CONFIG, "" },
        { OFPT_PACKET_IN, OFPK_PACKET_IN, "" },
        { OFPT_FLOW_REMOVED, OFPK_FLOW_REMOVED, "" },
        { OFPT_PORT_STATUS, OFPK_PORT_STATUS, "" },
        { OFPT_PACKET_OUT, OFPK_PACKET_OUT, "" },
        { OFPT_FLOW_MOD, OFPK_FLOW_MOD, "" },
        { OFPT_GROUP_MOD, OFPK_GROUP_MOD, "" },
        { OFPT_METER_MOD, OFPK_METER_MOD, "" },
        { OFPT_MULTIPART_REQUEST, OFPK_MULTIPART_REQUEST, "000d000000000000" },
        { OFPT_MULTIPART_REQUEST, OFPK_MULTIPART_REQUEST, "0001000000000000" },
        { OFPT_MULTIPART_REQUEST, OFPK_MULTIPART_REQUEST, "0002000000000000" },
        { OFPT_MULTIPART_REQUEST, OFPK_MULTIPART_REQUEST, "0007000000000000" },
        { OFPT_MULTIPART_REQUEST, OFPK_MULTIPART_REQUEST, "0009000000000000" },
        { OFPT_MULTIPART_REPLY, OFPK_MULTIPART_REPLY, "000d000100000000" },
        { OFPT_BARRIER_REQUEST, OFPK_BARRIER_REQUEST, "" },
        { OFPT_BARRIER_REPLY, OFPK_BARRIER_REPLY, "" },
        { OFPT_ROLE_REQUEST, OFPK_ROLE_REQUEST, "" },
        { OFPT_ROLE_REPLY, OFPK_ROLE_REPLY, "" },
        { OFPT_GET_ASYNC_REQUEST, OFPK_GET_ASYNC_REQUEST, "" },
        { OFPT_GET_ASYNC_REPLY, OFPK_GET_ASYNC_REPLY, "" },
        { OFPT_SET_ASYNC, OFPK_SET_ASYNC, "" },
        { OFPT_EXPERIMENTER, OFPK_BUNDLE_CONTROL, "4f4e4600 000008fc" },
        { OFPT_EXPERIMENTER, OFPK_BUNDLE_ADD, "4f4e4600 000008fd" },
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        kind = OFPK_N_KINDS;
        CHECK_ERR(classify_hex(OFP13_VERSION, ok[i].type, ok[i].body, &kind),
                  0, "classify", i);
        CHECK_EQ(kind, ok[i].kind);
    }

    /* HELLO in any version; 1.4 bundles in version 5 only. */
    for (int v = 0; v < 256; v++) {
        CHECK_EQ(classify_hex((uint8_t)v, OFPT_HELLO, "", &kind), 0);
        CHECK_EQ(kind, OFPK_HELLO);
    }
    CHECK_EQ(classify_hex(OFP14_VERSION, OFPT14_BUNDLE_CONTROL, "", &kind), 0);
    CHECK_EQ(kind, OFPK_BUNDLE_CONTROL);
    CHECK_EQ(classify_hex(OFP14_VERSION, OFPT14_BUNDLE_ADD_MESSAGE, "", &kind),
             0);
    CHECK_EQ(kind, OFPK_BUNDLE_ADD);
    CHECK_EQ(classify_hex(OFP13_VERSION, OFPT14_BUNDLE_CONTROL, "", &kind),
             OFPERR_OFPBRC_BAD_TYPE);
    CHECK_EQ(classify_hex(OFP13_VERSION, OFPT14_BUNDLE_ADD_MESSAGE, "", &kind),
             OFPERR_OFPBRC_BAD_TYPE);
    CHECK_EQ(classify_hex(3, OFPT14_BUNDLE_CONTROL, "", &kind),
             OFPERR_OFPBRC_BAD_VERSION);
    CHECK_EQ(classify_hex(6, OFPT14_BUNDLE_ADD_MESSAGE, "", &kind),
             OFPERR_OFPBRC_BAD_VERSION);

    /* Bad versions. */
    static const uint8_t bad_versions[] = { 0, 1, 2, 3, 5, 6, 0x80, 0xff };
    for (size_t i = 0; i < sizeof bad_versions; i++) {
        CHECK_EQ(classify_hex(bad_versions[i], OFPT_ECHO_REQUEST, "", &kind),
                 OFPERR_OFPBRC_BAD_VERSION);
        CHECK_EQ(classify_hex(bad_versions[i], OFPT_FLOW_MOD, "", &kind),
                 OFPERR_OFPBRC_BAD_VERSION);
        CHECK_EQ(classify_hex(bad_versions[i], OFPT_EXPERIMENTER,
                              "4f4e4600 000008fc", &kind),
                 OFPERR_OFPBRC_BAD_VERSION);
    }

    /* Bad types: unknown, and 1.3 types that libofp does not implement. */
    static const uint8_t bad_types[] = {
        OFPT_PORT_MOD,
        OFPT_TABLE_MOD,
        OFPT_QUEUE_GET_CONFIG_REQUEST,
        OFPT_QUEUE_GET_CONFIG_REPLY,
        30,
        31,
        32,
        35,
        100,
        255,
    };
    for (size_t i = 0; i < sizeof bad_types; i++) {
        CHECK_ERR(classify_hex(OFP13_VERSION, bad_types[i], "", &kind),
                  OFPERR_OFPBRC_BAD_TYPE, "bad type", bad_types[i]);
        CHECK_ERR(classify_hex(OFP13_VERSION, bad_types[i], "0000000000000000",
                               &kind),
                  OFPERR_OFPBRC_BAD_TYPE, "bad type", bad_types[i]);
    }

    /* Multipart: short header, unsupported types. */
    for (int type = OFPT_MULTIPART_REQUEST; type <= OFPT_MULTIPART_REPLY;
         type++) {
        CHECK_EQ(classify_hex(OFP13_VERSION, (uint8_t)type, "", &kind),
                 OFPERR_OFPBRC_BAD_LEN);
        CHECK_EQ(classify_hex(OFP13_VERSION, (uint8_t)type, "000d0000000000",
                              &kind),
                 OFPERR_OFPBRC_BAD_LEN);
        static const char
            *const
                bad_mp
                    [] = {
                        "0000000000000000", "0003000000000000",
                        "0004000000000000", "0005000000000000",
                        "0006000000000000", "0008000000000000",
                        "000a000000000000", "000b000000000000",
                        "000c000000000000", "000e000000000000",
                        "fff0000000000000", /* libofp's internal flow monitor type. */
                    };
        for (size_t i = 0; i < sizeof bad_mp / sizeof bad_mp[0]; i++) {
            CHECK_ERR(
                classify_hex(OFP13_VERSION, (uint8_t)type, bad_mp[i], &kind),
                OFPERR_OFPBRC_BAD_MULTIPART, "bad multipart", i);
        }
        /* Experimenter multipart: only ONF's flow monitor. */
        CHECK_EQ(classify_hex(OFP13_VERSION, (uint8_t)type,
                              "ffff000000000000 00002320 00000000", &kind),
                 OFPERR_OFPBRC_BAD_EXPERIMENTER);
        CHECK_EQ(classify_hex(OFP13_VERSION, (uint8_t)type,
                              "ffff000000000000 4f4e4600 0000074f", &kind),
                 OFPERR_OFPBRC_BAD_EXP_TYPE);
        CHECK_EQ(classify_hex(OFP13_VERSION, (uint8_t)type,
                              "ffff000000000000 4f4e4600", &kind),
                 OFPERR_OFPBRC_BAD_LEN);
        CHECK_EQ(classify_hex(OFP13_VERSION, (uint8_t)type,
                              "ffff000000000000 4f4e4600 0000074e", &kind),
                 0);
    }

    /* Experimenter: short, wrong experimenter, wrong exp_type. */
    CHECK_EQ(classify_hex(OFP13_VERSION, OFPT_EXPERIMENTER, "", &kind),
             OFPERR_OFPBRC_BAD_LEN);
    CHECK_EQ(
        classify_hex(OFP13_VERSION, OFPT_EXPERIMENTER, "4f4e4600 0000", &kind),
        OFPERR_OFPBRC_BAD_LEN);
    CHECK_EQ(classify_hex(OFP13_VERSION, OFPT_EXPERIMENTER,
                          "00002320 000008fc", &kind),
             OFPERR_OFPBRC_BAD_EXPERIMENTER);
    CHECK_EQ(classify_hex(OFP13_VERSION, OFPT_EXPERIMENTER,
                          "4f4e4601 000008fc 0000000000000000", &kind),
             OFPERR_OFPBRC_BAD_EXPERIMENTER);
    static const char *const bad_exp_types[] = {
        "4f4e4600 00000000", "4f4e4600 000008fb",          "4f4e4600 000008fe",
        "4f4e4600 000108fc", "4f4e4600 ffffffff 00000000",
    };
    for (size_t i = 0; i < sizeof bad_exp_types / sizeof *bad_exp_types; i++) {
        CHECK_ERR(classify_hex(OFP13_VERSION, OFPT_EXPERIMENTER,
                               bad_exp_types[i], &kind),
                  OFPERR_OFPBRC_BAD_EXP_TYPE, bad_exp_types[i], i);
    }

    /* Messages without a body must not have one. */
    static const uint8_t empty_types[] = {
        OFPT_FEATURES_REQUEST, OFPT_GET_CONFIG_REQUEST, OFPT_BARRIER_REQUEST,
        OFPT_BARRIER_REPLY,    OFPT_GET_ASYNC_REQUEST,
    };
    for (size_t i = 0; i < sizeof empty_types; i++) {
        CHECK_EQ(classify_hex(OFP13_VERSION, empty_types[i], "00", &kind),
                 OFPERR_OFPBRC_BAD_LEN);
        CHECK_EQ(classify_hex(OFP13_VERSION, empty_types[i],
                              "0000000000000000", &kind),
                 OFPERR_OFPBRC_BAD_LEN);
    }

    /* Header length checks. */
    static const uint8_t hdr[] = { 4, OFPT_BARRIER_REQUEST, 0, 8, 0, 0, 0, 1 };
    CHECK_EQ(ofp_msg_classify(NULL, 0, &kind), OFPERR_OFPBRC_BAD_LEN);
    CHECK_EQ(call(dec_classify, hdr, 0), OFPERR_OFPBRC_BAD_LEN);
    CHECK_EQ(call(dec_classify, hdr, 7), OFPERR_OFPBRC_BAD_LEN);
    CHECK_EQ(call(dec_classify, hdr, 8), 0);
    CHECK_EQ(call_len(dec_classify, hdr, 8, 8, 7), OFPERR_OFPBRC_BAD_LEN);
    CHECK_EQ(call_len(dec_classify, hdr, 8, 8, 9), OFPERR_OFPBRC_BAD_LEN);
    CHECK_EQ(call_len(dec_classify, hdr, 8, 9, 8), OFPERR_OFPBRC_BAD_LEN);
}

/* The five messages without a body. */
static void
test_empty(void)
{
    static const struct {
        uint8_t type;
        enum ofp_msg_kind kind;
        const char *hex;
    } cases[] = {
        /* OFPT_FEATURES_REQUEST (OF1.3) (xid=0x1): */
        { OFPT_FEATURES_REQUEST, OFPK_FEATURES_REQUEST, "04050008 00000001" },
        /* OFPT_GET_CONFIG_REQUEST (OF1.3) (xid=0x1): */
        { OFPT_GET_CONFIG_REQUEST, OFPK_GET_CONFIG_REQUEST,
          "04070008 00000001" },
        /* OFPT_BARRIER_REQUEST (OF1.3) (xid=0x1): */
        { OFPT_BARRIER_REQUEST, OFPK_BARRIER_REQUEST, "04140008 00000001" },
        /* OFPT_BARRIER_REPLY (OF1.3) (xid=0x1): */
        { OFPT_BARRIER_REPLY, OFPK_BARRIER_REPLY, "04150008 00000001" },
        /* OFPT_GET_ASYNC_REQUEST (OF1.3) (xid=0x1): */
        { OFPT_GET_ASYNC_REQUEST, OFPK_GET_ASYNC_REQUEST,
          "041a0008 00000001" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct ofp_buf b;
        ofp_buf_init(&b);
        ofp_empty_encode(cases[i].type, 1, &b);
        CHECK_HEX(b.data, b.size, cases[i].hex);
        check_roundtrip(cases[i].hex, b.data, b.size, cases[i].kind);
        check_common_malformed(cases[i].hex, dec_any, b.data, b.size, true);
        check_fixed_size(cases[i].hex, dec_any, b.data, b.size);
        ofp_buf_uninit(&b);
    }
}

/* ---- switch.c. ---- */

/* Decodes a HELLO written in hex. */
static int
hello_hex(const char *hex, struct ofp_hello *hello)
{
    struct ofp_buf b;
    ofp_buf_init(&b);
    put_hex(&b, hex);
    void *copy = ofp_xmalloc(b.size);
    memcpy(copy, b.data, b.size);
    int error = ofp_hello_decode(copy, b.size, hello);
    free(copy);
    ofp_buf_uninit(&b);
    return error;
}

static void
test_hello(void)
{
    struct ofp_buf b;
    struct ofp_hello h;

    /* OFPT_HELLO (OF1.3) (xid=0x1):
     *  version bitmap: 0x04 */
    static const char hello13[] = "04000010 00000001 00010008 00000010";
    ofp_buf_init(&b);
    ofp_hello_encode(1u << OFP13_VERSION, 1, &b);
    check_golden("hello", &b, hello13, dec_hello, OFPK_HELLO, false);
    CHECK_EQ(hello_hex(hello13, &h), 0);
    CHECK_EQ(h.version, 4);
    CHECK_EQ(h.version_bitmap, 0x10);

    /* OFPT_HELLO (OF1.4) (xid=0x1):
     *  version bitmap: 0x01, 0x04, 0x05 (bit 0 is dropped) */
    static const char hello14[] = "05000010 00000001 00010008 00000032";
    ofp_buf_clear(&b);
    ofp_hello_encode(0x33, 1, &b);
    check_golden("hello14", &b, hello14, dec_hello, OFPK_HELLO, false);
    CHECK_EQ(hello_hex(hello14, &h), 0);
    CHECK_EQ(h.version, 5);
    CHECK_EQ(h.version_bitmap, 0x32);

    /* No bitmap: a plain 1.3 HELLO; an OpenFlow 1.0 HELLO. */
    ofp_buf_clear(&b);
    ofp_hello_encode(0, 7, &b);
    CHECK_HEX(b.data, b.size, "04000008 00000007");
    check_roundtrip("hello0", b.data, b.size, OFPK_HELLO);
    CHECK_EQ(hello_hex("01000008 00000007", &h), 0);
    CHECK_EQ(h.version, 1);
    CHECK_EQ(h.version_bitmap, 0);
    CHECK_EQ(hello_hex("ff000008 00000007", &h), 0);
    CHECK_EQ(h.version, 0xff);

    /* Unknown element types are skipped, with their padding. */
    CHECK_EQ(hello_hex("04000020 00000001 00070005 aa000000"
                       "00010008 00000010 00090004 00000000",
                       &h),
             0);
    CHECK_EQ(h.version_bitmap, 0x10);
    CHECK_EQ(hello_hex("04000010 00000001 00070008 00000010", &h), 0);
    CHECK_EQ(h.version_bitmap, 0);
    /* A two-word bitmap (versions 32+ ignored), padded to 16. */
    CHECK_EQ(hello_hex("04000018 00000001 0001000c 00000010 00000001"
                       "00000000",
                       &h),
             0);
    CHECK_EQ(h.version_bitmap, 0x10);
    /* Several bitmaps: the last counts. */
    CHECK_EQ(hello_hex("04000018 00000001 00010008 00000010"
                       "00010008 00000020",
                       &h),
             0);
    CHECK_EQ(h.version_bitmap, 0x20);

    /* Bad element lengths. */
    static const char *const bad_len[] = {
        "04000009 00000001 00", /* < 4 bytes left. */
        "0400000b 00000001 000100",
        "0400000c 00000001 00010008",          /* Past the end. */
        "04000010 00000001 00010003 00000010", /* Length < 4. */
        "04000010 00000001 00010000 00000010", /* Length 0. */
        "04000010 00000001 00010004 00000010", /* No bitmap. */
        "04000010 00000001 00010006 00000010", /* Half a word. */
        "04000010 00000001 00010007 00000010",
        "04000010 00000001 00010009 00000010",          /* Padding missing. */
        "04000014 00000001 0001000c 00000010 00000000", /* Padding missing. */
        "04000010 00000001 00010010 00000010",          /* Past the end. */
        "04000010 00000001 00070009 00000010",          /* Unknown, too. */
        "04000010 00000001 0007ffff 00000010",
        "04000012 00000001 00010008 00000010 0001", /* Trailing bytes. */
    };
    for (size_t i = 0; i < sizeof bad_len / sizeof bad_len[0]; i++) {
        CHECK_ERR(hello_hex(bad_len[i], &h), OFPERR_OFPBRC_BAD_LEN, bad_len[i],
                  i);
    }
    /* A bitmap with no usable version. */
    CHECK_EQ(hello_hex("04000010 00000001 00010008 00000000", &h),
             OFPERR_OFPHFC_INCOMPATIBLE);
    CHECK_EQ(hello_hex("04000010 00000001 00010008 00000001", &h),
             OFPERR_OFPHFC_INCOMPATIBLE);
    CHECK_EQ(hello_hex("04000018 00000001 0001000c 00000000 00000001"
                       "00000000",
                       &h),
             OFPERR_OFPHFC_INCOMPATIBLE);

    /* Truncations with a consistent length field. */
    ofp_buf_clear(&b);
    put_hex(&b, hello13);
    CHECK_EQ(call_len(dec_hello, b.data, b.size, 8, 8), 0);
    for (size_t n = 9; n < b.size; n++) {
        CHECK_ERR(call_len(dec_hello, b.data, b.size, n, (uint16_t)n),
                  OFPERR_OFPBRC_BAD_LEN, "hello", n);
    }
    for (size_t n = b.size + 1; n < b.size + 4; n++) {
        CHECK_ERR(call_len(dec_hello, b.data, b.size, n, (uint16_t)n),
                  OFPERR_OFPBRC_BAD_LEN, "hello", n);
    }
    /* Trailing zeros read as an element of length 0. */
    CHECK_ERR(call_len(dec_hello, b.data, b.size, b.size + 8,
                       (uint16_t)(b.size + 8)),
              OFPERR_OFPBRC_BAD_LEN, "hello", b.size + 8);
    ofp_buf_uninit(&b);
}

static void
test_hello_negotiate(void)
{
    struct ofp_hello peer;
    const uint32_t v13 = 1u << 4;
    const uint32_t v1314 = (1u << 4) | (1u << 5);

    /* Both bitmaps: the highest common version. */
    peer = (struct ofp_hello){ 4, v13 };
    CHECK_EQ(ofp_hello_negotiate(v13, &peer), 4);
    peer = (struct ofp_hello){ 6, 0x7e };
    CHECK_EQ(ofp_hello_negotiate(v13, &peer), 4);
    CHECK_EQ(ofp_hello_negotiate(v1314, &peer), 5);
    peer = (struct ofp_hello){ 4, 0x16 };
    CHECK_EQ(ofp_hello_negotiate(v1314, &peer), 4);
    peer = (struct ofp_hello){ 4, 0x0e };
    CHECK_EQ(ofp_hello_negotiate(v13, &peer), 0);
    /* The header version does not matter when there is a bitmap. */
    peer = (struct ofp_hello){ 1, v13 };
    CHECK_EQ(ofp_hello_negotiate(v13, &peer), 4);

    /* No bitmap: the lower header version, if we support it. */
    peer = (struct ofp_hello){ 4, 0 };
    CHECK_EQ(ofp_hello_negotiate(v13, &peer), 4);
    peer = (struct ofp_hello){ 6, 0 };
    CHECK_EQ(ofp_hello_negotiate(v13, &peer), 4);
    CHECK_EQ(ofp_hello_negotiate(v1314, &peer), 5);
    peer = (struct ofp_hello){ 0xff, 0 };
    CHECK_EQ(ofp_hello_negotiate(v13, &peer), 4);
    peer = (struct ofp_hello){ 5, 0 };
    CHECK_EQ(ofp_hello_negotiate(v1314, &peer), 5);
    CHECK_EQ(ofp_hello_negotiate(v13, &peer), 4);
    peer = (struct ofp_hello){ 1, 0 };
    CHECK_EQ(ofp_hello_negotiate(v13, &peer), 0);
    CHECK_EQ(ofp_hello_negotiate(v13 | 2, &peer), 1);
    peer = (struct ofp_hello){ 3, 0 };
    CHECK_EQ(ofp_hello_negotiate(v13 | 2, &peer), 0);
    peer = (struct ofp_hello){ 0, 0 };
    CHECK_EQ(ofp_hello_negotiate(v13 | 1, &peer), 0);

    /* Nothing of ours. */
    peer = (struct ofp_hello){ 4, v13 };
    CHECK_EQ(ofp_hello_negotiate(0, &peer), 0);
    CHECK_EQ(ofp_hello_negotiate(1, &peer), 0);
}

static void
test_echo(void)
{
    struct ofp_buf b;
    struct ofp_echo e;

    /* OFPT_ECHO_REQUEST (OF1.3) (xid=0x2): 4 bytes of payload
     * 00000000  61 62 63 64                         |abcd            | */
    static const char req[] = "0402000c 00000002 61626364";
    /* OFPT_ECHO_REPLY (OF1.3) (xid=0x2): 4 bytes of payload */
    static const char rep[] = "0403000c 00000002 61626364";

    ofp_buf_init(&b);
    ofp_echo_encode(false, "abcd", 4, 2, &b);
    check_golden("echo request", &b, req, dec_echo, OFPK_ECHO_REQUEST, false);
    CHECK_EQ(ofp_echo_decode(b.data, b.size, &e), 0);
    CHECK_EQ(e.data_len, 4);
    CHECK(e.data == b.data + 8);

    struct ofp_buf r;
    ofp_buf_init(&r);
    ofp_echo_reply_for(b.data, b.size, &r);
    CHECK_HEX(r.data, r.size, rep);
    ofp_buf_clear(&b);
    ofp_echo_encode(true, "abcd", 4, 2, &b);
    check_golden("echo reply", &b, rep, dec_echo, OFPK_ECHO_REPLY, false);

    /* Empty payload; the reply for a bogus length is nothing. */
    ofp_buf_clear(&b);
    ofp_buf_clear(&r);
    ofp_echo_encode(false, NULL, 0, 0xdeadbeef, &b);
    CHECK_HEX(b.data, b.size, "04020008 deadbeef");
    check_roundtrip("echo0", b.data, b.size, OFPK_ECHO_REQUEST);
    ofp_echo_reply_for(b.data, b.size, &r);
    CHECK_HEX(r.data, r.size, "04030008 deadbeef");
    ofp_buf_clear(&r);
    ofp_echo_reply_for(b.data, 7, &r);
    CHECK_EQ(r.size, 0);

    /* Any truncation with a consistent length is still an echo. */
    ofp_buf_clear(&b);
    put_hex(&b, req);
    for (size_t n = 8; n < b.size; n++) {
        CHECK_ERR(call_len(dec_echo, b.data, b.size, n, (uint16_t)n), 0,
                  "echo", n);
    }
    ofp_buf_uninit(&r);
    ofp_buf_uninit(&b);
}

/* Decodes an ERROR written in hex into 'e' (data pointing into 'b'). */
static int
error_hex(struct ofp_buf *b, const char *hex, struct ofp_error *e)
{
    ofp_buf_clear(b);
    put_hex(b, hex);
    return ofp_error_decode(b->data, b->size, e);
}

static void
test_error(void)
{
    struct ofp_buf b, d;
    struct ofp_error e;

    ofp_buf_init(&b);
    ofp_buf_init(&d);

    /* OFPT_ERROR (OF1.3) (xid=0x9): OFPBRC_BAD_TYPE
     * (data: an 8-byte OFPT_TABLE_MOD) */
    static const char bad_type[] = "04010014 00000009 0001 0001"
                                   "04110008 00000009";
    static const uint8_t table_mod[] = { 4, 17, 0, 8, 0, 0, 0, 9 };
    memset(&e, 0, sizeof e);
    e.error = OFPERR_OFPBRC_BAD_TYPE;
    e.data = table_mod;
    e.data_len = sizeof table_mod;
    CHECK_EQ(ofp_error_encode(&e, 9, &b), 0);
    check_golden("error", &b, bad_type, dec_error, OFPK_ERROR, false);
    CHECK_EQ(error_hex(&d, bad_type, &e), 0);
    CHECK_EQ(e.type, OFPET_BAD_REQUEST);
    CHECK_EQ(e.code, 1);
    CHECK_EQ(e.experimenter, 0);
    CHECK_EQ(e.error, OFPERR_OFPBRC_BAD_TYPE);
    CHECK_EQ(e.data_len, 8);
    CHECK(e.data && !memcmp(e.data, table_mod, 8));

    /* OFPT_ERROR (OF1.3) (xid=0x9): OFPBFC_MSG_BAD_XID
     * (a bundle error in its ONF experimenter form) */
    static const char bundle_err[] = "04010018 00000009 ffff 0905 4f4e4600"
                                     "04110008 00000009";
    ofp_buf_clear(&b);
    e.error = OFPERR_OFPBFC_MSG_BAD_XID;
    e.data = table_mod;
    e.data_len = sizeof table_mod;
    CHECK_EQ(ofp_error_encode(&e, 9, &b), 0);
    check_golden("bundle error", &b, bundle_err, dec_error, OFPK_ERROR, false);
    CHECK_EQ(error_hex(&d, bundle_err, &e), 0);
    CHECK_EQ(e.type, OFPET_EXPERIMENTER);
    CHECK_EQ(e.code, 2309);
    CHECK_EQ(e.experimenter, ONF_EXPERIMENTER_ID);
    CHECK_EQ(e.error, OFPERR_OFPBFC_MSG_BAD_XID);
    CHECK_EQ(e.data_len, 8);

    /* Every bundle error maps to 2300 + code and back. */
    for (int code = 0; code <= 15; code++) {
        ofp_buf_clear(&b);
        memset(&e, 0, sizeof e);
        e.error = OFPERR_MAKE(OFPET14_BUNDLE_FAILED, code);
        CHECK_EQ(ofp_error_encode(&e, 1, &b), 0);
        CHECK_EQ(ofp_get_be16(b.data + 8), 0xffff);
        CHECK_EQ(ofp_get_be16(b.data + 10), 2300 + code);
        CHECK_EQ(ofp_get_be32(b.data + 12), ONF_EXPERIMENTER_ID);
        CHECK_EQ(ofp_error_decode(b.data, b.size, &e), 0);
        CHECK_EQ(e.error, OFPERR_MAKE(OFPET14_BUNDLE_FAILED, code));
    }

    /* HELLO_FAILED (type 0, code 0) with text, as a switch sends it. */
    CHECK_EQ(error_hex(&d, "04010010 00000000 0000 0000 6e6f7065", &e), 0);
    CHECK_EQ(e.error, OFPERR_OFPHFC_INCOMPATIBLE);
    CHECK_EQ(e.data_len, 4);
    check_roundtrip("hello failed", d.data, d.size, OFPK_ERROR);

    /* Errors vifguard does not know keep their wire fields and round-trip:
     * an unknown code, an unknown type, a 1.4 bundle type on 1.3, a Nicira
     * experimenter error, an ONF experimenter code below 2300. */
    static const struct {
        const char *hex;
        uint16_t type, code;
        uint32_t experimenter;
    } unknown[] = {
        { "0401000c 00000001 0001 00ff", 1, 0xff, 0 },
        { "0401000c 00000001 0063 0000", 0x63, 0, 0 },
        { "0401000c 00000001 0011 0006", 17, 6, 0 },
        { "04010010 00000001 ffff 0001 00002320", 0xffff, 1, 0x2320 },
        { "04010010 00000001 ffff 0001 4f4e4600", 0xffff, 1,
          ONF_EXPERIMENTER_ID },
        { "04010010 00000001 ffff 08fb 4f4e4600", 0xffff, 2299,
          ONF_EXPERIMENTER_ID },
        { "04010010 00000001 ffff 090c 4f4e4600", 0xffff, 2316,
          ONF_EXPERIMENTER_ID },
    };
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        CHECK_ERR(error_hex(&d, unknown[i].hex, &e), 0, unknown[i].hex, i);
        CHECK_EQ(e.error, 0);
        CHECK_EQ(e.type, unknown[i].type);
        CHECK_EQ(e.code, unknown[i].code);
        CHECK_EQ(e.experimenter, unknown[i].experimenter);
        CHECK_EQ(e.data_len, 0);
        check_roundtrip(unknown[i].hex, d.data, d.size, OFPK_ERROR);
    }

    /* Short bodies. */
    static const char *const short_err[] = {
        "04010008 00000001",
        "04010009 00000001 00",
        "0401000b 00000001 000100",
        "0401000c 00000001 ffff", /* Experimenter id missing. */
        "0401000f 00000001 ffff 0905 4f4e46",
    };
    for (size_t i = 0; i < sizeof short_err / sizeof short_err[0]; i++) {
        CHECK_ERR(error_hex(&d, short_err[i], &e), OFPERR_OFPBRC_BAD_LEN,
                  short_err[i], i);
    }

    /* Encoder errors. */
    ofp_buf_clear(&b);
    memset(&e, 0, sizeof e);
    e.error = EINVAL;
    CHECK_EQ(ofp_error_encode(&e, 1, &b), EINVAL);
    e.error = OFPERR_OFS + 0x7777;
    CHECK_EQ(ofp_error_encode(&e, 1, &b), EINVAL);
    e.error = OFPERR_OFPBRC_BAD_LEN;
    e.data = table_mod;
    e.data_len = OFP_MAX_MSG_LEN - 11;
    CHECK_EQ(ofp_error_encode(&e, 1, &b), EMSGSIZE);
    CHECK_EQ(b.size, 0);
    uint8_t *big = ofp_xcalloc(1, OFP_MAX_MSG_LEN);
    e.data = big;
    e.data_len = OFP_MAX_MSG_LEN - 12;
    CHECK_EQ(ofp_error_encode(&e, 1, &b), 0);
    CHECK_EQ(b.size, OFP_MAX_MSG_LEN);
    CHECK_EQ(ofp_get_be16(b.data + 2), OFP_MAX_MSG_LEN);
    free(big);

    /* Raw wire fields when 'error' is 0. */
    ofp_buf_clear(&b);
    memset(&e, 0, sizeof e);
    e.type = OFPET_EXPERIMENTER;
    e.code = 7;
    e.experimenter = NX_EXPERIMENTER_ID;
    CHECK_EQ(ofp_error_encode(&e, 3, &b), 0);
    CHECK_HEX(b.data, b.size, "04010010 00000003 ffff 0007 00002320");

    ofp_buf_uninit(&d);
    ofp_buf_uninit(&b);
}

static void
test_error_reply(void)
{
    struct ofp_buf b, bad;
    struct ofp_error e;

    ofp_buf_init(&b);
    ofp_buf_init(&bad);

    /* A 100-byte bad message: its xid, its first 64 bytes, version 1.3. */
    size_t start = ofp_msg_start(&bad, 6, 99, 0xa1b2c3d4);
    for (int i = 0; i < 92; i++) {
        ofp_buf_put_u8(&bad, (uint8_t)i);
    }
    ofp_msg_finish(&bad, start);
    ofp_error_reply_encode(OFPERR_OFPBRC_BAD_VERSION, bad.data, bad.size, &b);
    CHECK_EQ(b.size, 12 + 64);
    CHECK_EQ(b.data[0], OFP13_VERSION);
    CHECK_EQ(b.data[1], OFPT_ERROR);
    CHECK_EQ(ofp_get_be16(b.data + 2), 76);
    CHECK_EQ(ofp_msg_xid(b.data), 0xa1b2c3d4);
    CHECK_EQ(ofp_get_be16(b.data + 8), OFPET_BAD_REQUEST);
    CHECK_EQ(ofp_get_be16(b.data + 10), 0);
    CHECK(!memcmp(b.data + 12, bad.data, 64));
    CHECK_EQ(ofp_error_decode(b.data, b.size, &e), 0);
    CHECK_EQ(e.error, OFPERR_OFPBRC_BAD_VERSION);

    /* A bundle error: the ONF form.
     * OFPT_ERROR (OF1.3) (xid=0xb): OFPBFC_MSG_BAD_XID
     * (data: the start of an ONFT_BUNDLE_CONTROL) */
    static const uint8_t ctrl[] = { 4, 4,  0,    16,   0,    0,
                                    0, 11, 0x4f, 0x4e, 0x46, 0 };
    ofp_buf_clear(&b);
    ofp_error_reply_encode(OFPERR_OFPBFC_MSG_BAD_XID, ctrl, sizeof ctrl, &b);
    CHECK_HEX(b.data, b.size,
              "0401001c 0000000b ffff 0905 4f4e4600"
              "04040010 0000000b 4f4e4600");

    /* A short message: xid 0; an errno value: OFPBRC_EPERM. */
    ofp_buf_clear(&b);
    ofp_error_reply_encode(OFPERR_OFPBRC_BAD_LEN, ctrl, 5, &b);
    CHECK_HEX(b.data, b.size, "04010011 00000000 0001 0006 0404001000");
    ofp_buf_clear(&b);
    ofp_error_reply_encode(EINVAL, ctrl, 8, &b);
    CHECK_HEX(b.data, b.size, "04010014 0000000b 0001 0005 04040010 0000000b");
    ofp_buf_clear(&b);
    ofp_error_reply_encode(OFPERR_OFPBRC_BAD_LEN, NULL, 0, &b);
    CHECK_HEX(b.data, b.size, "0401000c 00000000 0001 0006");

    ofp_buf_uninit(&bad);
    ofp_buf_uninit(&b);
}

static void
test_features(void)
{
    struct ofp_buf b;
    struct ofp_features f;

    /* OFPT_FEATURES_REPLY (OF1.3) (xid=0x3): dpid:0000525400000001
     * n_tables:254, n_buffers:0
     * capabilities: FLOW_STATS TABLE_STATS PORT_STATS GROUP_STATS
     * QUEUE_STATS */
    static const char hex[] = "04060020 00000003 0000525400000001 00000000"
                              "fe 00 0000 0000004f 00000000";
    ofp_buf_init(&b);
    f = (struct ofp_features){ 0x0000525400000001ULL, 0, 254, 0, 0x4f };
    ofp_features_encode(&f, 3, &b);
    check_golden("features", &b, hex, dec_features, OFPK_FEATURES_REPLY, true);

    ofp_buf_clear(&b);
    f = (struct ofp_features){ 0x8877665544332211ULL, 256, 7, 3, 0x1234 };
    ofp_features_encode(&f, 3, &b);
    memset(&f, 0xff, sizeof f);
    CHECK_EQ(ofp_features_decode(b.data, b.size, &f), 0);
    CHECK_EQ(f.datapath_id, 0x8877665544332211ULL);
    CHECK_EQ(f.n_buffers, 256);
    CHECK_EQ(f.n_tables, 7);
    CHECK_EQ(f.auxiliary_id, 3);
    CHECK_EQ(f.capabilities, 0x1234);
    ofp_buf_uninit(&b);
}

static void
test_switch_config(void)
{
    struct ofp_buf b;
    struct ofp_switch_config sc = { 1, 0xffe5 };

    /* OFPT_GET_CONFIG_REPLY (OF1.3) (xid=0x4): frags=drop
     * miss_send_len=65509 */
    static const char reply[] = "0408000c 00000004 0001 ffe5";
    /* OFPT_SET_CONFIG (OF1.3) (xid=0x4): frags=drop miss_send_len=65509 */
    static const char set[] = "0409000c 00000004 0001 ffe5";

    ofp_buf_init(&b);
    ofp_switch_config_encode(OFPT_GET_CONFIG_REPLY, &sc, 4, &b);
    check_golden("get_config_reply", &b, reply, dec_config,
                 OFPK_GET_CONFIG_REPLY, true);
    ofp_buf_clear(&b);
    ofp_switch_config_encode(OFPT_SET_CONFIG, &sc, 4, &b);
    check_golden("set_config", &b, set, dec_config, OFPK_SET_CONFIG, true);
    memset(&sc, 0, sizeof sc);
    CHECK_EQ(ofp_switch_config_decode(b.data, b.size, &sc), 0);
    CHECK_EQ(sc.flags, 1);
    CHECK_EQ(sc.miss_send_len, 0xffe5);
    ofp_buf_uninit(&b);
}

static void
test_role(void)
{
    struct ofp_buf b;
    struct ofp_role r = { OFPCR_ROLE_MASTER, 5 };

    /* OFPT_ROLE_REQUEST (OF1.3) (xid=0x5): role=primary generation_id=5 */
    static const char req[] = "04180018 00000005 00000002 00000000"
                              "0000000000000005";
    /* OFPT_ROLE_REPLY (OF1.3) (xid=0x5): role=primary generation_id=5 */
    static const char rep[] = "04190018 00000005 00000002 00000000"
                              "0000000000000005";

    ofp_buf_init(&b);
    ofp_role_encode(OFPT_ROLE_REQUEST, &r, 5, &b);
    check_golden("role request", &b, req, dec_role, OFPK_ROLE_REQUEST, true);
    ofp_buf_clear(&b);
    ofp_role_encode(OFPT_ROLE_REPLY, &r, 5, &b);
    check_golden("role reply", &b, rep, dec_role, OFPK_ROLE_REPLY, true);

    for (uint32_t role = 0; role <= 5; role++) {
        ofp_buf_clear(&b);
        r = (struct ofp_role){ role, 0xfedcba9876543210ULL };
        ofp_role_encode(OFPT_ROLE_REQUEST, &r, 1, &b);
        memset(&r, 0, sizeof r);
        CHECK_EQ(ofp_role_decode(b.data, b.size, &r),
                 role <= OFPCR_ROLE_SLAVE ? 0 : OFPERR_OFPRRFC_BAD_ROLE);
        CHECK_EQ(r.role, role);
        CHECK_EQ(r.generation_id, 0xfedcba9876543210ULL);
    }
    ofp_buf_clear(&b);
    put_hex(&b, req);
    CHECK_EQ(call_patch32(dec_role, b.data, b.size, 8, 0xffffffff),
             OFPERR_OFPRRFC_BAD_ROLE);
    CHECK_EQ(call_patch32(dec_any, b.data, b.size, 8, 0xffffffff),
             OFPERR_OFPRRFC_BAD_ROLE);
    ofp_buf_uninit(&b);
}

static void
test_async(void)
{
    struct ofp_buf b;
    struct ofp_async a = { { 1, 2 }, { 7, 0 }, { 0xf, 0 } };

    /* OFPT_SET_ASYNC (OF1.3) (xid=0x6):
     *  primary: PACKET_IN: no_match, PORT_STATUS: add delete modify,
     *           FLOW_REMOVED: idle hard delete group_delete
     *  secondary: PACKET_IN: action */
    static const char set[] = "041c0020 00000006 00000001 00000002"
                              "00000007 00000000 0000000f 00000000";
    /* OFPT_GET_ASYNC_REPLY (OF1.3) (xid=0x6): (the same) */
    static const char rep[] = "041b0020 00000006 00000001 00000002"
                              "00000007 00000000 0000000f 00000000";

    ofp_buf_init(&b);
    ofp_async_encode(OFPT_SET_ASYNC, &a, 6, &b);
    check_golden("set_async", &b, set, dec_async, OFPK_SET_ASYNC, true);
    ofp_buf_clear(&b);
    ofp_async_encode(OFPT_GET_ASYNC_REPLY, &a, 6, &b);
    check_golden("get_async_reply", &b, rep, dec_async, OFPK_GET_ASYNC_REPLY,
                 true);
    memset(&a, 0, sizeof a);
    CHECK_EQ(ofp_async_decode(b.data, b.size, &a), 0);
    CHECK_EQ(a.packet_in_mask[0], 1);
    CHECK_EQ(a.packet_in_mask[1], 2);
    CHECK_EQ(a.port_status_mask[0], 7);
    CHECK_EQ(a.port_status_mask[1], 0);
    CHECK_EQ(a.flow_removed_mask[0], 0xf);
    CHECK_EQ(a.flow_removed_mask[1], 0);
    ofp_buf_uninit(&b);
}

/* ---- port.c. ---- */

static void
test_port_status(void)
{
    struct ofp_buf b;
    struct ofp_port_status ps = {
        OFPPR_MODIFY,
        { 1,
          { 0x02, 0, 0, 0, 0, 1 },
          "vif1.0",
          1,
          4,
          0x2820,
          0,
          0,
          0,
          10000000,
          0 },
    };

    /* OFPT_PORT_STATUS (OF1.3) (xid=0x7): MOD: 1(vif1.0):
     * addr:02:00:00:00:00:01
     *      config:     PORT_DOWN
     *      state:      LIVE
     *      current:    1GB-FD COPPER AUTO_NEG
     *      speed: 10000 Mbps now, 0 Mbps max */
    static const char hex[] =
        "040c0050 00000007 02 00000000000000"
        "00000001 00000000 020000000001 0000"
        "766966312e3000000000000000000000"
        "00000001 00000004 00002820 00000000 00000000 00000000"
        "00989680 00000000";

    ofp_buf_init(&b);
    ofp_port_status_encode(&ps, 7, &b);
    check_golden("port_status", &b, hex, dec_port_status, OFPK_PORT_STATUS,
                 true);
    memset(&ps, 0xff, sizeof ps);
    CHECK_EQ(ofp_port_status_decode(b.data, b.size, &ps), 0);
    CHECK_EQ(ps.reason, OFPPR_MODIFY);
    CHECK_EQ(ps.desc.port_no, 1);
    CHECK(!memcmp(ps.desc.hw_addr, "\x02\0\0\0\0\x01", 6));
    CHECK_STREQ(ps.desc.name, "vif1.0");
    CHECK_EQ(ps.desc.config, 1);
    CHECK_EQ(ps.desc.state, 4);
    CHECK_EQ(ps.desc.curr, 0x2820);
    CHECK_EQ(ps.desc.advertised, 0);
    CHECK_EQ(ps.desc.supported, 0);
    CHECK_EQ(ps.desc.peer, 0);
    CHECK_EQ(ps.desc.curr_speed, 10000000);
    CHECK_EQ(ps.desc.max_speed, 0);

    /* Reasons: ADD, DELETE, MODIFY only. */
    for (int reason = 0; reason < 256; reason++) {
        CHECK_ERR(
            call_patch(dec_port_status, b.data, b.size, 8, (uint8_t)reason),
            reason <= OFPPR_MODIFY ? 0 : OFPERR_OFPBRC_BAD_PACKET, "reason",
            reason);
    }
    CHECK_EQ(call_patch(dec_any, b.data, b.size, 8, 3),
             OFPERR_OFPBRC_BAD_PACKET);

    /* A name filling all 16 bytes is kept whole and re-encoded as is. */
    uint8_t *copy = ofp_xmalloc(b.size);
    memcpy(copy, b.data, b.size);
    memcpy(copy + 32, "abcdefghijklmnop", 16);
    CHECK_EQ(ofp_port_status_decode(copy, b.size, &ps), 0);
    CHECK_STREQ(ps.desc.name, "abcdefghijklmnop");
    check_roundtrip("16-byte name", copy, b.size, OFPK_PORT_STATUS);
    /* Bytes after the NUL are ignored (and not re-encoded). */
    memcpy(copy + 32, "eth0\0garbage!!!!", 16);
    CHECK_EQ(ofp_port_status_decode(copy, b.size, &ps), 0);
    CHECK_STREQ(ps.desc.name, "eth0");
    struct ofp_buf re;
    ofp_buf_init(&re);
    ofp_port_status_encode(&ps, 7, &re);
    CHECK_HEX(re.data + 32, 16, "65746830000000000000000000000000");
    ofp_buf_uninit(&re);
    free(copy);

    /* Pad bytes are ignored. */
    CHECK_EQ(call_patch(dec_port_status, b.data, b.size, 9, 0xff), 0);
    CHECK_EQ(call_patch(dec_port_status, b.data, b.size, 20, 0xff), 0);

    /* ofp_port_decode() on its own. */
    struct ofp_buf v;
    struct ofp_port port;
    ofp_buf_use_const(&v, b.data + 16, 63);
    CHECK_EQ(ofp_port_decode(&v, &port), OFPERR_OFPBRC_BAD_LEN);
    CHECK_EQ(v.size, 63);
    ofp_buf_use_const(&v, b.data + 16, 64);
    CHECK_EQ(ofp_port_decode(&v, &port), 0);
    CHECK_EQ(v.size, 0);
    CHECK_STREQ(port.name, "vif1.0");
    ofp_buf_init(&re);
    ofp_port_encode(&port, &re);
    CHECK_EQ(re.size, 64);
    CHECK(!memcmp(re.data, b.data + 16, 64));
    ofp_buf_uninit(&re);
    ofp_buf_uninit(&b);
}

/* ---- packet.c. ---- */

static void
test_packet_in(void)
{
    struct ofp_buf b;
    struct ofp_packet_in pi;
    uint8_t frame[60];

    for (int i = 0; i < 60; i++) {
        frame[i] = (uint8_t)i;
    }

    /* OFPT_PACKET_IN (OF1.3) (xid=0x8): table_id=2 cookie=0x1234
     * total_len=60 in_port=3 (via action) data_len=60 (unbuffered)
     * vlan_tci=0x0000,dl_src=06:07:08:09:0a:0b,dl_dst=00:01:02:03:04:05,
     * dl_type=0x0c0d */
    static const char hex[] =
        "040a0066 00000008 ffffffff 003c 01 02 0000000000001234"
        "0001000c 80000004 00000003 00000000 0000"
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
        "202122232425262728292a2b2c2d2e2f303132333435363738393a3b";

    memset(&pi, 0, sizeof pi);
    pi.buffer_id = OFP_NO_BUFFER;
    pi.total_len = 60;
    pi.reason = 1;
    pi.table_id = 2;
    pi.cookie = 0x1234;
    ofp_match_init(&pi.match);
    ofp_match_set_u32(&pi.match, OFPF_IN_PORT, 3);
    pi.data = frame;
    pi.data_len = sizeof frame;
    ofp_buf_init(&b);
    CHECK_EQ(ofp_packet_in_encode(&pi, 8, &b), 0);
    check_golden("packet_in", &b, hex, dec_packet_in, OFPK_PACKET_IN, false);

    struct ofp_packet_in d;
    memset(&d, 0xff, sizeof d);
    CHECK_EQ(ofp_packet_in_decode(b.data, b.size, &d), 0);
    CHECK_EQ(d.buffer_id, OFP_NO_BUFFER);
    CHECK_EQ(d.total_len, 60);
    CHECK_EQ(d.reason, 1);
    CHECK_EQ(d.table_id, 2);
    CHECK_EQ(d.cookie, 0x1234);
    CHECK(ofp_match_equal(&d.match, &pi.match));
    CHECK_EQ(ofp_match_get_uint(&d.match, OFPF_IN_PORT), 3);
    CHECK_EQ(d.data_len, 60);
    CHECK(d.data == b.data + 42);
    CHECK(!memcmp(d.data, frame, 60));

    /* Truncations with a consistent length: the fixed part and the match
     * are required, then the 2 pad bytes; the data may be cut anywhere. */
    for (size_t n = 8; n < b.size; n++) {
        int want = (n < 24   ? OFPERR_OFPBRC_BAD_LEN
                    : n < 40 ? OFPERR_OFPBMC_BAD_LEN
                    : n < 42 ? OFPERR_OFPBRC_BAD_LEN
                             : 0);
        CHECK_ERR(call_len(dec_packet_in, b.data, b.size, n, (uint16_t)n),
                  want, "packet_in", n);
        CHECK_ERR(call_len(dec_any, b.data, b.size, n, (uint16_t)n), want,
                  "packet_in", n);
    }

    /* No data, buffered. */
    ofp_buf_clear(&b);
    pi.buffer_id = 0x100;
    pi.data = NULL;
    pi.data_len = 0;
    CHECK_EQ(ofp_packet_in_encode(&pi, 8, &b), 0);
    CHECK_EQ(b.size, 42);
    check_roundtrip("packet_in buffered", b.data, b.size, OFPK_PACKET_IN);

    /* A bad match in the message; a bad match to encode. */
    ofp_buf_clear(&b);
    put_hex(&b, hex);
    CHECK_EQ(call_patch(dec_packet_in, b.data, b.size, 25, 2),
             OFPERR_OFPBMC_BAD_TYPE);
    ofp_buf_clear(&b);
    ofp_match_set_u8(&pi.match, OFPF_IP_PROTO, 6); /* No eth_type. */
    CHECK_EQ(ofp_packet_in_encode(&pi, 8, &b), OFPERR_OFPBMC_BAD_PREREQ);
    CHECK_EQ(b.size, 0);

    /* Too much data. */
    ofp_match_init(&pi.match);
    uint8_t *big = ofp_xcalloc(1, OFP_MAX_MSG_LEN);
    pi.data = big;
    pi.data_len = OFP_MAX_MSG_LEN - 33;
    CHECK_EQ(ofp_packet_in_encode(&pi, 8, &b), EMSGSIZE);
    CHECK_EQ(b.size, 0);
    pi.data_len = OFP_MAX_MSG_LEN - 34;
    CHECK_EQ(ofp_packet_in_encode(&pi, 8, &b), 0);
    CHECK_EQ(b.size, OFP_MAX_MSG_LEN);
    check_roundtrip("packet_in max", b.data, b.size, OFPK_PACKET_IN);
    free(big);
    ofp_buf_uninit(&b);
}

static void
test_packet_out(void)
{
    struct ofp_buf b;
    struct ofp_packet_out po;
    uint8_t frame[60];

    for (int i = 0; i < 60; i++) {
        frame[i] = (uint8_t)i;
    }

    /* OFPT_PACKET_OUT (OF1.3) (xid=0x9): in_port=CONTROLLER
     * actions=output:1 data_len=60
     * vlan_tci=0x0000,dl_src=06:07:08:09:0a:0b,dl_dst=00:01:02:03:04:05,
     * dl_type=0x0c0d */
    static const char hex[] =
        "040d0064 00000009 ffffffff fffffffd 0010 000000000000"
        "0000 0010 00000001 0000 000000000000"
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
        "202122232425262728292a2b2c2d2e2f303132333435363738393a3b";

    memset(&po, 0, sizeof po);
    po.buffer_id = OFP_NO_BUFFER;
    po.in_port = OFPP_CONTROLLER;
    ofp_actions_init(&po.actions);
    ofp_actions_add_output(&po.actions, 1, 0);
    po.data = frame;
    po.data_len = sizeof frame;
    ofp_buf_init(&b);
    CHECK_EQ(ofp_packet_out_encode(&po, 9, &b), 0);
    check_golden("packet_out", &b, hex, dec_packet_out, OFPK_PACKET_OUT,
                 false);

    struct ofp_packet_out d;
    CHECK_EQ(ofp_packet_out_decode(b.data, b.size, &d), 0);
    CHECK_EQ(d.buffer_id, OFP_NO_BUFFER);
    CHECK_EQ(d.in_port, OFPP_CONTROLLER);
    CHECK(ofp_actions_equal(&d.actions, &po.actions));
    CHECK_EQ(d.actions.n, 1);
    CHECK_EQ(d.data_len, 60);
    CHECK(d.data == b.data + 40);
    ofp_packet_out_uninit(&d);
    ofp_packet_out_uninit(&d);
    ofp_packet_out_uninit(NULL);

    /* Truncations with a consistent length: header and actions are
     * required, the data may be cut anywhere. */
    for (size_t n = 8; n < b.size; n++) {
        int want = n < 40 ? OFPERR_OFPBRC_BAD_LEN : 0;
        CHECK_ERR(call_len(dec_packet_out, b.data, b.size, n, (uint16_t)n),
                  want, "packet_out", n);
        CHECK_ERR(call_len(dec_any, b.data, b.size, n, (uint16_t)n), want,
                  "packet_out", n);
    }

    /* actions_len: past the end, or cutting an action. */
    CHECK_EQ(call_patch(dec_packet_out, b.data, b.size, 17, 0x70),
             OFPERR_OFPBRC_BAD_LEN);
    CHECK_EQ(call_patch(dec_packet_out, b.data, b.size, 16, 0x01),
             OFPERR_OFPBRC_BAD_LEN);
    CHECK_EQ(call_patch(dec_packet_out, b.data, b.size, 17, 0x08),
             OFPERR_OFPBAC_BAD_LEN);
    /* No actions: the output action is then data. */
    CHECK_EQ(call_patch(dec_packet_out, b.data, b.size, 17, 0), 0);

    /* in_port: physical, LOCAL, CONTROLLER and ANY only. */
    static const struct {
        uint32_t port;
        bool ok;
    } ports[] = {
        { 0, true },
        { 1, true },
        { OFPP_MAX - 1, true },
        { OFPP_MAX, false },
        { 0xfffffff7, false },
        { OFPP_IN_PORT, false },
        { OFPP_TABLE, false },
        { OFPP_NORMAL, false },
        { OFPP_FLOOD, false },
        { OFPP_ALL, false },
        { OFPP_CONTROLLER, true },
        { OFPP_LOCAL, true },
        { OFPP_ANY, true },
    };
    for (size_t i = 0; i < sizeof ports / sizeof ports[0]; i++) {
        int want = ports[i].ok ? 0 : OFPERR_OFPBRC_BAD_PORT;
        CHECK_ERR(
            call_patch32(dec_packet_out, b.data, b.size, 12, ports[i].port),
            want, "in_port", ports[i].port);
        struct ofp_buf e;
        ofp_buf_init(&e);
        po.in_port = ports[i].port;
        CHECK_ERR(ofp_packet_out_encode(&po, 9, &e), want, "in_port",
                  ports[i].port);
        CHECK_EQ(e.size, ports[i].ok ? b.size : 0);
        ofp_buf_uninit(&e);
    }
    po.in_port = OFPP_CONTROLLER;

    /* Bad action type in the message; an action that cannot be encoded. */
    CHECK_EQ(call_patch(dec_packet_out, b.data, b.size, 25, 0x63),
             OFPERR_OFPBAC_BAD_TYPE);
    struct ofp_buf e;
    ofp_buf_init(&e);
    struct ofp_packet_out bad = po;
    ofp_actions_init(&bad.actions);
    ofp_actions_add(&bad.actions, 0x63);
    CHECK(ofp_packet_out_encode(&bad, 9, &e) != 0);
    CHECK_EQ(e.size, 0);
    ofp_actions_uninit(&bad.actions);

    /* No actions and no data (buffered). */
    struct ofp_packet_out empty;
    memset(&empty, 0, sizeof empty);
    ofp_actions_init(&empty.actions);
    empty.buffer_id = 7;
    empty.in_port = 3;
    CHECK_EQ(ofp_packet_out_encode(&empty, 1, &e), 0);
    CHECK_HEX(e.data, e.size,
              "040d0018 00000001 00000007 00000003 0000"
              "000000000000");
    check_roundtrip("packet_out empty", e.data, e.size, OFPK_PACKET_OUT);

    /* Too much data. */
    ofp_buf_clear(&e);
    uint8_t *big = ofp_xcalloc(1, OFP_MAX_MSG_LEN);
    empty.data = big;
    empty.data_len = OFP_MAX_MSG_LEN - 23;
    CHECK_EQ(ofp_packet_out_encode(&empty, 1, &e), EMSGSIZE);
    CHECK_EQ(e.size, 0);
    empty.data_len = OFP_MAX_MSG_LEN - 24;
    CHECK_EQ(ofp_packet_out_encode(&empty, 1, &e), 0);
    CHECK_EQ(e.size, OFP_MAX_MSG_LEN);
    check_roundtrip("packet_out max", e.data, e.size, OFPK_PACKET_OUT);
    free(big);
    ofp_packet_out_uninit(&empty);
    ofp_buf_uninit(&e);

    ofp_packet_out_uninit(&po);
    ofp_buf_uninit(&b);
}

/* ---- bundle.c. ---- */

/* A FLOW_MOD deleting every flow, xid 0xb, without its version byte.
 * OFPT_FLOW_MOD (OF1.3) (xid=0xb): DEL table:255 actions=drop */
#define FLOW_MOD_TAIL                                                       \
    "0e0038 0000000b 0000000000000000 0000000000000000 ff03 0000 0000 8000" \
    "ffffffff ffffffff ffffffff 0000 0000 0001000400000000"

static void
test_bundle_ctrl(void)
{
    struct ofp_buf b;
    struct ofp_bundle_ctrl bc = { 7, OFPBCT_OPEN_REQUEST,
                                  OFPBF_ATOMIC | OFPBF_ORDERED };

    /* ONFT_BUNDLE_CONTROL (OF1.3) (xid=0xa):
     *  bundle_id=0x7 type=OPEN_REQUEST flags=atomic ordered */
    static const char ctrl13[] = "04040018 0000000a 4f4e4600 000008fc"
                                 "00000007 0000 0003";
    /* OFPT_BUNDLE_CONTROL (OF1.4) (xid=0xa):
     *  bundle_id=0x7 type=COMMIT_REPLY flags=atomic ordered */
    static const char ctrl14[] = "05210010 0000000a 00000007 0005 0003";

    ofp_buf_init(&b);
    ofp_bundle_ctrl_encode(OFP13_VERSION, &bc, 10, &b);
    check_golden("bundle_ctrl13", &b, ctrl13, dec_bundle_ctrl,
                 OFPK_BUNDLE_CONTROL, false);
    memset(&bc, 0xff, sizeof bc);
    CHECK_EQ(ofp_bundle_ctrl_decode(b.data, b.size, &bc), 0);
    CHECK_EQ(bc.bundle_id, 7);
    CHECK_EQ(bc.type, OFPBCT_OPEN_REQUEST);
    CHECK_EQ(bc.flags, OFPBF_ATOMIC | OFPBF_ORDERED);

    ofp_buf_clear(&b);
    bc.type = OFPBCT_COMMIT_REPLY;
    ofp_bundle_ctrl_encode(OFP14_VERSION, &bc, 10, &b);
    /* The 1.4 form has no version to check (only 5 is accepted). */
    check_golden("bundle_ctrl14", &b, ctrl14, dec_bundle_ctrl,
                 OFPK_BUNDLE_CONTROL, false);
    for (int v = 0; v < 256; v++) {
        int want = (v == OFP14_VERSION   ? 0
                    : v == OFP13_VERSION ? OFPERR_OFPBRC_BAD_TYPE
                                         : OFPERR_OFPBRC_BAD_VERSION);
        CHECK_ERR(call_patch(dec_bundle_ctrl, b.data, b.size, 0, (uint8_t)v),
                  want, "bundle_ctrl14 version", v);
    }
    memset(&bc, 0xff, sizeof bc);
    CHECK_EQ(ofp_bundle_ctrl_decode(b.data, b.size, &bc), 0);
    CHECK_EQ(bc.bundle_id, 7);
    CHECK_EQ(bc.type, OFPBCT_COMMIT_REPLY);

    /* Any version other than 5 gives the ONF form. */
    ofp_buf_clear(&b);
    bc.type = OFPBCT_OPEN_REQUEST;
    ofp_bundle_ctrl_encode(0, &bc, 10, &b);
    CHECK_HEX(b.data, b.size, ctrl13);

    /* Types, flags, lengths: both forms. */
    for (int form = 0; form < 2; form++) {
        const char *hex = form ? ctrl14 : ctrl13;
        size_t body = form ? 8 : 16;
        ofp_buf_clear(&b);
        put_hex(&b, hex);
        for (int type = 0; type < 20; type++) {
            CHECK_ERR(call_patch(dec_bundle_ctrl, b.data, b.size, body + 5,
                                 (uint8_t)type),
                      type <= OFPBCT_DISCARD_REPLY ? 0
                                                   : OFPERR_OFPBFC_BAD_TYPE,
                      hex, type);
        }
        CHECK_EQ(call_patch(dec_bundle_ctrl, b.data, b.size, body + 4, 1),
                 OFPERR_OFPBFC_BAD_TYPE);
        CHECK_EQ(call_patch(dec_any, b.data, b.size, body + 4, 1),
                 OFPERR_OFPBFC_BAD_TYPE);
        for (int flags = 0; flags < 16; flags++) {
            CHECK_ERR(call_patch(dec_bundle_ctrl, b.data, b.size, body + 7,
                                 (uint8_t)flags),
                      flags < 4 ? 0 : OFPERR_OFPBFC_BAD_FLAGS, hex, flags);
        }
        CHECK_EQ(call_patch(dec_bundle_ctrl, b.data, b.size, body + 6, 0x80),
                 OFPERR_OFPBFC_BAD_FLAGS);
        for (size_t n = 8; n < b.size; n++) {
            CHECK_ERR(
                call_len(dec_bundle_ctrl, b.data, b.size, n, (uint16_t)n),
                OFPERR_OFPBRC_BAD_LEN, hex, n);
        }

        /* Properties: well-formed TLVs are skipped... */
        struct ofp_buf p;
        ofp_buf_init(&p);
        put_hex(&p, hex);
        put_hex(&p, "ffff 000c 4f4e4600 00000001 00000000 0001 0004 00000000");
        ofp_set_be16(p.data + 2, (uint16_t)p.size);
        CHECK_EQ(call(dec_bundle_ctrl, p.data, p.size), 0);
        CHECK_EQ(call(dec_any, p.data, p.size), 0);
        /* ...malformed ones are not. */
        static const char *const bad_props[] = {
            "00",
            "ffff",
            "ffff00",
            "ffff 0003 00000000",
            "ffff 0000 00000000",
            "ffff 000c 4f4e4600 00000001", /* Padding missing. */
            "ffff 0008 4f4e4600 ffff",     /* Trailing bytes. */
            "ffff 0010 4f4e4600 00000001", /* Past the end. */
        };
        for (size_t i = 0; i < sizeof bad_props / sizeof bad_props[0]; i++) {
            ofp_buf_clear(&p);
            put_hex(&p, hex);
            put_hex(&p, bad_props[i]);
            ofp_set_be16(p.data + 2, (uint16_t)p.size);
            CHECK_ERR(call(dec_bundle_ctrl, p.data, p.size),
                      OFPERR_OFPBRC_BAD_LEN, bad_props[i], i);
        }
        ofp_buf_uninit(&p);
    }
    ofp_buf_uninit(&b);
}

static void
test_bundle_add(void)
{
    struct ofp_buf b, inner;
    struct ofp_bundle_add ba;

    /* ONFT_BUNDLE_ADD_MESSAGE (OF1.3) (xid=0xb):
     *  bundle_id=0x7 flags=atomic ordered
     * OFPT_FLOW_MOD (OF1.3) (xid=0xb): DEL table:255 actions=drop */
    static const char add13[] = "04040050 0000000b 4f4e4600 000008fd"
                                "00000007 0000 0003 04" FLOW_MOD_TAIL;
    /* OFPT_BUNDLE_ADD_MESSAGE (OF1.4) (xid=0xb):
     *  bundle_id=0x7 flags=atomic ordered
     * OFPT_FLOW_MOD (OF1.4) (xid=0xb): DEL table:255 actions=drop */
    static const char add14[] = "05220048 0000000b 00000007 0000 0003"
                                "05" FLOW_MOD_TAIL;

    ofp_buf_init(&b);
    ofp_buf_init(&inner);
    put_hex(&inner, "04" FLOW_MOD_TAIL);
    memset(&ba, 0, sizeof ba);
    ba.bundle_id = 7;
    ba.flags = OFPBF_ATOMIC | OFPBF_ORDERED;
    ba.msg = inner.data;
    ba.msg_len = inner.size;
    ofp_bundle_add_encode(OFP13_VERSION, &ba, 11, &b);
    check_golden("bundle_add13", &b, add13, dec_bundle_add, OFPK_BUNDLE_ADD,
                 false);
    memset(&ba, 0xff, sizeof ba);
    CHECK_EQ(ofp_bundle_add_decode(b.data, b.size, &ba), 0);
    CHECK_EQ(ba.bundle_id, 7);
    CHECK_EQ(ba.flags, 3);
    CHECK(ba.msg == b.data + 24);
    CHECK_EQ(ba.msg_len, 56);
    /* The inner message is a valid FLOW_MOD. */
    check_roundtrip("bundle_add13 inner", ba.msg, ba.msg_len, OFPK_FLOW_MOD);

    ofp_buf_clear(&inner);
    put_hex(&inner, "05" FLOW_MOD_TAIL);
    ba.msg = inner.data;
    ba.msg_len = inner.size;
    ofp_buf_clear(&b);
    ofp_bundle_add_encode(OFP14_VERSION, &ba, 11, &b);
    check_golden("bundle_add14", &b, add14, dec_bundle_add, OFPK_BUNDLE_ADD,
                 false);
    memset(&ba, 0xff, sizeof ba);
    CHECK_EQ(ofp_bundle_add_decode(b.data, b.size, &ba), 0);
    CHECK_EQ(ba.bundle_id, 7);
    CHECK_EQ(ba.flags, 3);
    CHECK(ba.msg == b.data + 16);
    CHECK_EQ(ba.msg_len, 56);

    for (int form = 0; form < 2; form++) {
        const char *hex = form ? add14 : add13;
        size_t body = form ? 8 : 16; /* Offset of the bundle body. */
        size_t in = body + 8;        /* Offset of the inner message. */
        ofp_buf_clear(&b);
        put_hex(&b, hex);

        /* Truncations with a consistent length field. */
        for (size_t n = 8; n < b.size; n++) {
            int want =
                (n < in ? OFPERR_OFPBRC_BAD_LEN : OFPERR_OFPBFC_MSG_BAD_LEN);
            CHECK_ERR(call_len(dec_bundle_add, b.data, b.size, n, (uint16_t)n),
                      want, hex, n);
            CHECK_ERR(call_len(dec_any, b.data, b.size, n, (uint16_t)n), want,
                      hex, n);
        }

        /* Inner message: xid, version, length. */
        CHECK_EQ(call_patch(dec_bundle_add, b.data, b.size, in + 7, 0x0c),
                 OFPERR_OFPBFC_MSG_BAD_XID);
        CHECK_EQ(call_patch(dec_any, b.data, b.size, in + 7, 0x0c),
                 OFPERR_OFPBFC_MSG_BAD_XID);
        CHECK_EQ(call_patch(dec_bundle_add, b.data, b.size, 7, 0x0c),
                 OFPERR_OFPBFC_MSG_BAD_XID);
        CHECK_EQ(call_patch(dec_bundle_add, b.data, b.size, in + 4, 0x80),
                 OFPERR_OFPBFC_MSG_BAD_XID);
        CHECK_EQ(call_patch(dec_bundle_add, b.data, b.size, in,
                            form ? OFP13_VERSION : OFP14_VERSION),
                 OFPERR_OFPBRC_BAD_VERSION);
        CHECK_EQ(call_patch(dec_bundle_add, b.data, b.size, in, 1),
                 OFPERR_OFPBRC_BAD_VERSION);
        for (int ilen = 0; ilen < 0x38; ilen++) {
            /* A shorter inner length turns the rest of the FLOW_MOD into
             * padding and properties: invalid ones (nonzero padding, zero
             * or huge property lengths) except 44 to 48, which leave zero
             * padding and the match "0001 0004 00000000", a valid
             * property, and 52 to 55, which leave zero padding only. */
            int want = (ilen < 8 ? OFPERR_OFPBFC_MSG_BAD_LEN
                        : (ilen >= 44 && ilen <= 48) || ilen >= 52
                            ? 0
                            : OFPERR_OFPBRC_BAD_LEN);
            CHECK_ERR(call_patch(dec_bundle_add, b.data, b.size, in + 3,
                                 (uint8_t)ilen),
                      want, "inner length", ilen);
        }
        CHECK_EQ(call_patch(dec_bundle_add, b.data, b.size, in + 3, 0x39),
                 OFPERR_OFPBFC_MSG_BAD_LEN);
        CHECK_EQ(call_patch(dec_bundle_add, b.data, b.size, in + 2, 1),
                 OFPERR_OFPBFC_MSG_BAD_LEN);

        /* Flags. */
        for (int flags = 0; flags < 16; flags++) {
            CHECK_ERR(call_patch(dec_bundle_add, b.data, b.size, body + 7,
                                 (uint8_t)flags),
                      flags < 4 ? 0 : OFPERR_OFPBFC_BAD_FLAGS, hex, flags);
        }
        CHECK_EQ(call_patch(dec_any, b.data, b.size, body + 6, 1),
                 OFPERR_OFPBFC_BAD_FLAGS);
        /* The pad bytes are ignored. */
        CHECK_EQ(call_patch(dec_bundle_add, b.data, b.size, body + 4, 0xff),
                 0);

        /* Properties after the (already aligned) inner message. */
        struct ofp_buf p;
        ofp_buf_init(&p);
        put_hex(&p, hex);
        put_hex(&p, "ffff 000c 4f4e4600 00000001 00000000");
        ofp_set_be16(p.data + 2, (uint16_t)p.size);
        CHECK_EQ(call(dec_bundle_add, p.data, p.size), 0);
        CHECK_EQ(ofp_bundle_add_decode(p.data, p.size, &ba), 0);
        CHECK_EQ(ba.msg_len, 56);
        ofp_buf_clear(&p);
        put_hex(&p, hex);
        put_hex(&p, "ffff 000c 4f4e4600 00000001");
        ofp_set_be16(p.data + 2, (uint16_t)p.size);
        CHECK_EQ(call(dec_bundle_add, p.data, p.size), OFPERR_OFPBRC_BAD_LEN);
        ofp_buf_uninit(&p);
    }

    /* An inner message whose length is not a multiple of 8: no padding
     * without properties; zero padding to 8 before properties. */
    ofp_buf_clear(&inner);
    put_hex(&inner, "0402000b 0000000b 616263");
    ba.bundle_id = 1;
    ba.flags = 0;
    ba.msg = inner.data;
    ba.msg_len = inner.size;
    ofp_buf_clear(&b);
    ofp_bundle_add_encode(OFP13_VERSION, &ba, 11, &b);
    static const char odd[] = "04040023 0000000b 4f4e4600 000008fd"
                              "00000001 0000 0000 0402000b 0000000b 616263";
    CHECK_HEX(b.data, b.size, odd);
    check_roundtrip("bundle_add odd", b.data, b.size, OFPK_BUNDLE_ADD);
    static const struct {
        const char *tail;
        int error;
    } tails[] = {
        { "0000000000 0000 0004 00000000", 0 },          /* Pad, property. */
        { "0000000000", 0 },                             /* Pad only. */
        { "00000000 0004 0000", OFPERR_OFPBRC_BAD_LEN }, /* No pad. */
        { "0000000001 0000 0004 00000000", OFPERR_OFPBRC_BAD_LEN },
        { "00000000", OFPERR_OFPBRC_BAD_LEN }, /* Short pad. */
        { "0000000000 0000 0004", OFPERR_OFPBRC_BAD_LEN },
    };
    for (size_t i = 0; i < sizeof tails / sizeof tails[0]; i++) {
        ofp_buf_clear(&b);
        put_hex(&b, odd);
        put_hex(&b, tails[i].tail);
        ofp_set_be16(b.data + 2, (uint16_t)b.size);
        CHECK_ERR(call(dec_bundle_add, b.data, b.size), tails[i].error,
                  tails[i].tail, i);
        if (!tails[i].error) {
            CHECK_EQ(ofp_bundle_add_decode(b.data, b.size, &ba), 0);
            CHECK_EQ(ba.msg_len, 11);
            CHECK(ba.msg == b.data + 24);
        }
    }

    /* No inner message at all. */
    ofp_buf_clear(&b);
    put_hex(&b, "04040018 0000000b 4f4e4600 000008fd 00000001 0000 0000");
    CHECK_EQ(call(dec_bundle_add, b.data, b.size), OFPERR_OFPBFC_MSG_BAD_LEN);

    ofp_buf_uninit(&inner);
    ofp_buf_uninit(&b);
}

/* ---- The ofp_msg dispatch for the other files' kinds. ---- */

static int
dec_mp_reply(const void *msg, size_t len)
{
    struct ofp_mp_reply r;
    int error = ofp_mp_reply_decode(msg, len, &r);
    ofp_mp_reply_uninit(&r);
    return error;
}

static int
dec_mp_request(const void *msg, size_t len)
{
    struct ofp_mp_request r;
    return ofp_mp_request_decode(msg, len, &r);
}

/* Decodes the flow monitor reply whose body (after the experimenter
 * header) is 'hex'.  Returns the error; '*r' holds the reply if 0. */
static int
monitor_reply_hex(const char *hex, struct ofp_mp_reply *r)
{
    struct ofp_buf b;
    ofp_buf_init(&b);
    size_t start = ofp_msg_start(&b, OFP13_VERSION, OFPT_MULTIPART_REPLY, 0);
    put_hex(&b, "ffff0000 00000000 4f4e4600 0000074e");
    put_hex(&b, hex);
    ofp_msg_finish(&b, start);
    int error = ofp_mp_reply_decode(b.data, b.size, r);
    ofp_buf_uninit(&b);
    return error;
}

/* ONF flow monitor: golden request, reply and signals, and every malformed
 * update a switch could send. */
static void
test_flow_monitor(void)
{
    struct ofp_buf b;
    struct ofp_mp_request req;
    struct ofp_mp_reply r;

    /* vifguardd's request, as Open vSwitch's ofp-print reads it
     * (tests/golden/expected/mp_request_flow_monitor.txt). */
    ofp_buf_init(&b);
    ofp_mp_request_init(&req, OFPMP_ONF_FLOW_MONITOR);
    req.monitor_id = 1;
    req.monitor_flags = ONFFMF_ADD | ONFFMF_MODIFY;
    CHECK_EQ(ofp_mp_request_encode(&req, 5, &b), 0);
    check_golden("flow monitor request", &b,
                 "04120030 00000005 ffff0000 00000000 4f4e4600 0000074e"
                 "00000001 000a0004 ffffffff ff000000 00010004 00000000",
                 dec_mp_request, OFPK_MULTIPART_REQUEST, false);
    ofp_buf_uninit(&b);
    /* No event asked for, unknown flags, non-zero padding, a match_len
     * that disagrees with the match. */
    static const char *const bad_requests[] = {
        "00000001 00110004 ffffffff ff000000 00010004 00000000",
        "00000001 00400004 ffffffff ff000000 00010004 00000000",
        "00000001 000a0004 ffffffff ff000100 00010004 00000000",
        "00000001 000a0008 ffffffff ff000000 00010004 00000000",
    };
    for (size_t i = 0; i < sizeof bad_requests / sizeof *bad_requests; i++) {
        ofp_buf_init(&b);
        size_t start =
            ofp_msg_start(&b, OFP13_VERSION, OFPT_MULTIPART_REQUEST, 1);
        put_hex(&b, "ffff0000 00000000 4f4e4600 0000074e");
        put_hex(&b, bad_requests[i]);
        ofp_msg_finish(&b, start);
        CHECK_ERR(call(dec_mp_request, b.data, b.size) != 0, 1, "bad request",
                  i);
        ofp_buf_uninit(&b);
    }

    /* An added flow (cookie 1, priority 5000, table 0, in_port=5,
     * actions=NORMAL) and an abbreviated update. */
    static const char *const added =
        "0040 0000 0000 1388 0000 0000 000c 00 00 0000000000000001"
        "0001000c 80000004 00000005 00000000"
        "00040018 00000000 00000010 fffffffa 00000000 00000000";
    CHECK_EQ(monitor_reply_hex(added, &r), 0);
    CHECK_EQ(r.type, OFPMP_ONF_FLOW_MONITOR);
    CHECK_EQ(r.n, 1);
    if (r.n == 1) {
        CHECK_EQ(r.updates[0].event, ONFFME_ADDED);
        CHECK_EQ(r.updates[0].priority, 5000);
        CHECK_EQ(r.updates[0].cookie, 1);
        CHECK_EQ(r.updates[0].table_id, 0);
    }
    ofp_mp_reply_uninit(&r);
    CHECK_EQ(monitor_reply_hex("0008 0003 12345678", &r), 0);
    CHECK_EQ(r.n, 1);
    if (r.n == 1) {
        CHECK_EQ(r.updates[0].event, ONFFME_ABBREV);
        CHECK_EQ(r.updates[0].xid, 0x12345678);
    }
    ofp_mp_reply_uninit(&r);
    CHECK_EQ(monitor_reply_hex("", &r), 0);
    CHECK_EQ(r.n, 0);
    ofp_mp_reply_uninit(&r);

    /* Malformed updates. */
    static const struct {
        const char *hex;
        int error;
    } bad[] = {
        /* Shorter than any update; length beyond the body; not a multiple
         * of 8; below the minimum. */
        { "0008", OFPERR_OFPBRC_BAD_LEN },
        { "0010 0003 12345678", OFPERR_OFPBRC_BAD_LEN },
        { "000c 0003 12345678 00000000", OFPERR_OFPBRC_BAD_LEN },
        { "0000 0003 12345678", OFPERR_OFPBRC_BAD_LEN },
        /* Abbreviated but long; unknown event. */
        { "0010 0003 12345678 00000000 00000000", OFPERR_OFPBRC_BAD_LEN },
        { "0008 0004 12345678", OFPERR_OFPBRC_BAD_TYPE },
        /* Full but shorter than its fixed part. */
        { "0010 0000 00000000 00000000", OFPERR_OFPBRC_BAD_LEN },
        /* match_len disagrees with the match. */
        { "0028 0000 0000 1388 0000 0000 0010 00 00 0000000000000001"
          "0001000c 80000004 00000005 00000000",
          OFPERR_OFPBMC_BAD_LEN },
        /* The match runs past the update. */
        { "0020 0000 0000 1388 0000 0000 0014 00 00 0000000000000001"
          "00010014 80000004",
          OFPERR_OFPBMC_BAD_LEN },
        /* Instructions cut short. */
        { "0030 0000 0000 1388 0000 0000 000c 00 00 0000000000000001"
          "0001000c 80000004 00000005 00000000 00040018 00000000",
          OFPERR_OFPBIC_BAD_LEN },
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        int error = monitor_reply_hex(bad[i].hex, &r);
        CHECK_ERR(error != 0, 1, bad[i].hex, i);
        if (bad[i].error != OFPERR_OFPBIC_BAD_LEN) {
            CHECK_ERR(error, bad[i].error, bad[i].hex, i);
        }
        CHECK_EQ(r.n, 0);
    }

    /* A field libofp does not know (NXM tun_id): strict decoding fails,
     * a lenient assembler keeps the update's cookie, table and priority. */
    static const char *const reg0 =
        "0028 0000 0000 1388 0000 0000 0010 03 00 00000000000000aa"
        "00010010 00012008 00000000 00000005";
    CHECK(monitor_reply_hex(reg0, &r) != 0);
    {
        struct ofp_mp_assembler as;
        bool done = false;
        ofp_mp_assembler_init(&as);
        as.lenient = true;
        ofp_buf_init(&b);
        size_t start =
            ofp_msg_start(&b, OFP13_VERSION, OFPT_MULTIPART_REPLY, 0);
        put_hex(&b, "ffff0000 00000000 4f4e4600 0000074e");
        put_hex(&b, reg0);
        put_hex(&b, "0008 0003 00000007");
        ofp_msg_finish(&b, start);
        for (int k = 0; k < 2; k++) { /* Stays lenient after a reply. */
            CHECK_EQ(ofp_mp_assembler_add(&as, b.data, b.size, &r, &done), 0);
            CHECK(done);
            CHECK_EQ(r.n, 2);
            if (r.n == 2) {
                CHECK(r.updates[0].error != 0);
                CHECK_EQ(r.updates[0].cookie, 0xaa);
                CHECK_EQ(r.updates[0].priority, 5000);
                CHECK_EQ(r.updates[0].table_id, 3);
                CHECK_EQ(r.updates[1].error, 0);
                CHECK_EQ(r.updates[1].xid, 7);
            }
            ofp_mp_reply_uninit(&r);
        }
        ofp_buf_uninit(&b);
        ofp_mp_assembler_uninit(&as);
    }

    /* Pause and resume: empty bodies only. */
    ofp_buf_init(&b);
    ofp_flow_monitor_signal_encode(false, 9, &b);
    CHECK_HEX(b.data, b.size, "04040010 00000009 4f4e4600 0000074f");
    check_roundtrip("paused", b.data, b.size, OFPK_FLOW_MONITOR_PAUSED);
    ofp_buf_clear(&b);
    ofp_flow_monitor_signal_encode(true, 9, &b);
    CHECK_HEX(b.data, b.size, "04040010 00000009 4f4e4600 00000750");
    check_roundtrip("resumed", b.data, b.size, OFPK_FLOW_MONITOR_RESUMED);
    ofp_buf_put_zeros(&b, 8);
    ofp_set_be16((uint8_t *)b.data + 2, (uint16_t)b.size);
    enum ofp_msg_kind kind;
    CHECK_EQ(ofp_msg_classify(b.data, b.size, &kind), OFPERR_OFPBRC_BAD_LEN);
    ofp_buf_uninit(&b);
    (void)dec_mp_reply;
}

static void
test_dispatch(void)
{
    static const struct {
        enum ofp_msg_kind kind;
        const char *hex;
    } cases[] = {
        /* OFPT_FLOW_MOD (OF1.3) (xid=0xb): DEL table:255 actions=drop */
        { OFPK_FLOW_MOD, "04" FLOW_MOD_TAIL },
        /* OFPT_FLOW_REMOVED (OF1.3) (xid=0xc): priority=100,in_port=3
         * reason=delete table_id=0 cookie:0x1234 duration10s idle0 pkts1
         * bytes60 */
        { OFPK_FLOW_REMOVED,
          "040b0040 0000000c 0000000000001234 0064 02 00 0000000a 00000000"
          "0000 0000 0000000000000001 000000000000003c"
          "0001000c 80000004 00000003 00000000" },
        /* OFPT_GROUP_MOD (OF1.3) (xid=0xd):
         *  ADD group_id=1,type=all,bucket=actions=output:1 */
        { OFPK_GROUP_MOD,
          "040f0030 0000000d 0000 00 00 00000001 0020 0000 ffffffff ffffffff"
          "00000000 0000 0010 00000001 0000 000000000000" },
        /* OFPT_METER_MOD (OF1.3) (xid=0xe): ADD meter=1 kbps burst bands=
         * type=drop rate=10000 burst_size=100 */
        { OFPK_METER_MOD,
          "041d0020 0000000e 0000 0005 00000001 0001 0010 00002710 00000064"
          "00000000" },
        /* OFPST_PORT_DESC request (OF1.3) (xid=0xf): port=ANY */
        { OFPK_MULTIPART_REQUEST, "04120010 0000000f 000d 0000 00000000" },
        /* OFPST_FLOW request (OF1.3) (xid=0x10): */
        { OFPK_MULTIPART_REQUEST,
          "04120038 00000010 0001 0000 00000000 ff000000 ffffffff ffffffff"
          "00000000 0000000000000000 0000000000000000 0001000400000000" },
        /* OFPST_PORT_DESC reply (OF1.3) (xid=0x11):
         *  1(vif1.0): addr:02:00:00:00:00:01 ... */
        { OFPK_MULTIPART_REPLY,
          "04130050 00000011 000d 0000 00000000"
          "00000001 00000000 020000000001 0000"
          "766966312e3000000000000000000000"
          "00000001 00000004 00002820 00000000 00000000 00000000"
          "00989680 00000000" },
    };
    struct ofp_buf b;

    ofp_buf_init(&b);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ofp_buf_clear(&b);
        put_hex(&b, cases[i].hex);
        check_roundtrip(cases[i].hex, b.data, b.size, cases[i].kind);
        check_common_malformed(cases[i].hex, dec_any, b.data, b.size, true);
    }
    ofp_buf_uninit(&b);

    /* Unknown kinds are refused; uninit takes NULL and zeroed structs. */
    struct ofp_msg m;
    memset(&m, 0, sizeof m);
    m.kind = OFPK_N_KINDS;
    ofp_buf_init(&b);
    CHECK_EQ(ofp_msg_encode(&m, &b), EINVAL);
    CHECK_EQ(b.size, 0);
    ofp_msg_uninit(NULL);
    memset(&m, 0, sizeof m);
    ofp_msg_uninit(&m);

    /* Encoders that would overflow a message refuse. */
    memset(&m, 0, sizeof m);
    m.kind = OFPK_ECHO_REQUEST;
    uint8_t *big = ofp_xcalloc(1, OFP_MAX_MSG_LEN);
    m.echo.data = big;
    m.echo.data_len = OFP_MAX_MSG_LEN - 7;
    CHECK_EQ(ofp_msg_encode(&m, &b), EMSGSIZE);
    m.echo.data_len = OFP_MAX_MSG_LEN - 8;
    CHECK_EQ(ofp_msg_encode(&m, &b), 0);
    CHECK_EQ(b.size, OFP_MAX_MSG_LEN);
    ofp_buf_clear(&b);
    memset(&m, 0, sizeof m);
    m.kind = OFPK_BUNDLE_ADD;
    m.bundle_add.msg = big;
    m.bundle_add.msg_len = OFP_MAX_MSG_LEN - 23;
    CHECK_EQ(ofp_msg_encode(&m, &b), EMSGSIZE);
    CHECK_EQ(b.size, 0);
    free(big);
    ofp_buf_uninit(&b);
}

int
main(void)
{
    test_frame();
    test_kind_names();
    test_classify();
    test_empty();
    test_hello();
    test_hello_negotiate();
    test_echo();
    test_error();
    test_error_reply();
    test_features();
    test_switch_config();
    test_role();
    test_async();
    test_port_status();
    test_packet_in();
    test_packet_out();
    test_bundle_ctrl();
    test_bundle_add();
    test_flow_monitor();
    test_dispatch();
    return check_summary();
}
