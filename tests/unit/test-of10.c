/* Unit tests for ofp/of10.c: the OpenFlow 1.0 subset of the NO_FLOOD
 * session.
 *
 * Encodings are compared with hex that `ovs-ofctl ofp-print` decoded as
 * intended (the decoded text is quoted next to each); decoders are fed
 * bytes captured from ovs-vswitchd 3.1 on a bridge's management socket
 * (FEATURES_REPLY, port description reply, HELLOs, ERRORs), round trips
 * must be byte-identical, and every malformed case is rejected with the
 * right error: empty, short, every truncation, bad length field, bad
 * version, wrong type, bodies whose size is not 24 + N * 48. */
#include <config.h>

#include <errno.h>
#include <stdlib.h>

#include "ofp/of10.h"
#include "tests/unit/check.h"
#include "tests/unit/hex.h"

/* ---- Helpers. ---- */

/* Checks that 'GOT' is the error 'WANT', naming both on failure. */
#define CHECK_ERR(GOT, WANT)                                               \
    do {                                                                   \
        int g__ = (GOT), w__ = (WANT);                                     \
        if (g__ == w__) {                                                  \
            check_passed__++;                                              \
        } else {                                                           \
            check_failed__++;                                              \
            fprintf(stderr, "%s:%d: %s: got %s, want %s\n", __FILE__,      \
                    __LINE__, #GOT, ofp_strerror(g__), ofp_strerror(w__)); \
        }                                                                  \
    } while (0)

/* A decoder of whole messages, for the generic malformed-input checks. */
typedef int decode_fn(const void *msg, size_t len);

static int
decode_features__(const void *msg, size_t len)
{
    struct ofp10_features f;
    int error = ofp10_features_decode(msg, len, &f);
    ofp10_features_uninit(&f);
    return error;
}

static int
decode_port_mod__(const void *msg, size_t len)
{
    struct ofp10_port_mod_msg pm;
    return ofp10_port_mod_decode(msg, len, &pm);
}

static int
decode_port_status__(const void *msg, size_t len)
{
    struct ofp10_port_status_msg ps;
    return ofp10_port_status_decode(msg, len, &ps);
}

static int
decode_nx_set_async__(const void *msg, size_t len)
{
    struct ofp10_async_config c;
    return ofp10_nx_set_async_decode(msg, len, &c);
}

static int
decode_port_desc__(const void *msg, size_t len)
{
    struct ofp10_port_desc_reply r;
    int error = ofp10_port_desc_reply_decode(msg, len, &r);
    ofp10_port_desc_reply_uninit(&r);
    return error;
}

static int
decode_error__(const void *msg, size_t len)
{
    struct ofp_error e;
    return ofp10_error_decode(msg, len, &e);
}

static int
decode_echo__(const void *msg, size_t len)
{
    struct ofp_echo e;
    return ofp10_echo_decode(msg, len, &e);
}

/* Checks that 'decode' rejects every malformed variant of the valid
 * message in 'good': NULL and empty input, every proper prefix with its
 * length field unchanged, every prefix shorter than 'min_len' (the
 * shortest valid message of its type) with the length field set to the
 * prefix's length (a short body; longer ones may be valid and must merely
 * not crash), a length field one off either way, version 4
 * (OFPBRC_BAD_VERSION) and version 0. */
static void
check_malformed(decode_fn *decode, const struct ofp_buf *good, size_t min_len)
{
    CHECK_ERR(decode(NULL, 0), OFPERR_OFPBRC_BAD_LEN);
    CHECK_ERR(decode(good->data, 0), OFPERR_OFPBRC_BAD_LEN);

    for (size_t n = 1; n < good->size; n++) {
        uint8_t *copy = ofp_xmalloc(n);
        memcpy(copy, good->data, n);
        CHECK(decode(copy, n) != 0);
        if (n >= OFP_HEADER_LEN) {
            ofp_set_be16(copy + 2, (uint16_t)n);
            int error = decode(copy, n);
            if (n < min_len) {
                CHECK(error != 0);
            }
        }
        free(copy);
    }

    uint8_t *copy = ofp_xmalloc(good->size + 1);
    memcpy(copy, good->data, good->size);
    copy[good->size] = 0;
    ofp_set_be16(copy + 2, (uint16_t)(good->size + 1));
    CHECK_ERR(decode(copy, good->size), OFPERR_OFPBRC_BAD_LEN);
    ofp_set_be16(copy + 2, (uint16_t)(good->size - 1));
    CHECK_ERR(decode(copy, good->size), OFPERR_OFPBRC_BAD_LEN);

    ofp_set_be16(copy + 2, (uint16_t)good->size);
    copy[0] = OFP13_VERSION;
    CHECK_ERR(decode(copy, good->size), OFPERR_OFPBRC_BAD_VERSION);
    copy[0] = 0;
    CHECK_ERR(decode(copy, good->size), OFPERR_OFPBRC_BAD_VERSION);
    copy[0] = OFP10_VERSION;
    CHECK_ERR(decode(copy, good->size), 0);
    free(copy);
}

/* Bytes captured from ovs-vswitchd 3.1 on "BRIDGE.mgmt" (bridge protocols
 * OpenFlow10,OpenFlow13, one internal port "pa" with ofport_request=5). */

/* OFPT_FEATURES_REPLY (xid=0x2): dpid:00000000b3650004, n_tables:254,
 * n_buffers:0, capabilities 0xc7, actions 0xfff; LOCAL(vgbrb3654)
 * addr:76:39:c4:7a:73:49 and 5(pa) addr:d2:2a:9e:3a:f9:0a, both PORT_DOWN,
 * LINK_DOWN, 10GB-FD COPPER. */
static const char features_ovs[] =
    "01060080000000020000 0000b365000400000000fe000000000000c700000fff"
    "fffe7639c47a7349766762726233363534000000000000000000000100000001"
    "000000c00000000000000000000000000005d22a9e3af90a7061000000000000"
    "00000000000000000000000100000001000000c0000000000000000000000000";

/* OFPST_PORT_DESC reply (xid=0x3): the same two ports. */
static const char port_desc_ovs[] =
    "0111006c00000003000d0000"
    "fffe7639c47a7349766762726233363534000000000000000000000100000001"
    "000000c00000000000000000000000000005d22a9e3af90a7061000000000000"
    "00000000000000000000000100000001000000c0000000000000000000000000";

/* OFPT_ERROR (xid=0x3): OFPPMFC_BAD_PORT, data the PORT_MOD to port 77;
 * and OFPPMFC_BAD_HW_ADDR for a PORT_MOD to port 5 with address
 * 01:01:01:01:01:01. */
static const char error_bad_port_ovs[] =
    "0101002c0000000300040000"
    "010f002000000003004d00000000000000000010000000100000000000000000";
static const char error_bad_hw_addr_ovs[] =
    "0101002c0000000500040001"
    "010f002000000005000501010101010100000010000000100000000000000000";

/* ovs-vswitchd's HELLOs: bridge protocols OpenFlow13 (bitmap 0x04 only),
 * OpenFlow10,OpenFlow13 (0x01, 0x04), and unset (version 6, no bitmap). */
static const char hello_of13_only[] = "04000010000000010001000800000010";
static const char hello_of10_of13[] = "04000010000000020001000800000012";
static const char hello_default[] = "0600000800000001";

/* ---- Tests. ---- */

static void
test_classify(void)
{
    struct ofp_buf b;
    enum ofp10_type type = OFPT10_N_TYPES;

    CHECK_STREQ(ofp10_type_name(OFPT10_PORT_MOD), "OFPT_PORT_MOD");
    CHECK_STREQ(ofp10_type_name(OFPT10_BARRIER_REPLY), "OFPT_BARRIER_REPLY");
    CHECK_STREQ(ofp10_type_name(OFPT10_N_TYPES), "OFPT_UNKNOWN");
    CHECK_STREQ(ofp10_type_name(-1), "OFPT_UNKNOWN");

    ofp_buf_init(&b);
    CHECK_ERR(ofp10_msg_classify(NULL, 0, &type), OFPERR_OFPBRC_BAD_LEN);
    put_hex(&b, "01120008000000");
    CHECK_ERR(ofp10_msg_classify(b.data, b.size, &type),
              OFPERR_OFPBRC_BAD_LEN);
    put_hex(&b, "03");
    CHECK_ERR(ofp10_msg_classify(b.data, b.size, &type), 0);
    CHECK_EQ(type, OFPT10_BARRIER_REQUEST);
    /* Length field says 9, 8 bytes given. */
    b.data[3] = 9;
    CHECK_ERR(ofp10_msg_classify(b.data, b.size, &type),
              OFPERR_OFPBRC_BAD_LEN);
    /* A barrier with a body. */
    put_hex(&b, "00");
    CHECK_ERR(ofp10_msg_classify(b.data, b.size, &type),
              OFPERR_OFPBRC_BAD_LEN);
    ofp_buf_clear(&b);

    /* The 1.3 barrier request (type 20) is QUEUE_GET_CONFIG_REQUEST in 1.0
     * numbering, but the version is wrong. */
    put_hex(&b, "0414000800000001");
    CHECK_ERR(ofp10_msg_classify(b.data, b.size, &type),
              OFPERR_OFPBRC_BAD_VERSION);
    b.data[0] = OFP10_VERSION;
    CHECK_ERR(ofp10_msg_classify(b.data, b.size, &type), 0);
    CHECK_EQ(type, OFPT10_QUEUE_GET_CONFIG_REQUEST);
    b.data[1] = OFPT10_N_TYPES;
    CHECK_ERR(ofp10_msg_classify(b.data, b.size, &type),
              OFPERR_OFPBRC_BAD_TYPE);
    b.data[1] = 0xff;
    CHECK_ERR(ofp10_msg_classify(b.data, b.size, &type),
              OFPERR_OFPBRC_BAD_TYPE);
    ofp_buf_clear(&b);

    /* HELLO in any version; everything else only in version 1. */
    put_hex(&b, hello_of13_only);
    CHECK_ERR(ofp10_msg_classify(b.data, b.size, &type), 0);
    CHECK_EQ(type, OFPT10_HELLO);
    ofp_buf_clear(&b);
    put_hex(&b, "040a000800000001");
    CHECK_ERR(ofp10_msg_classify(b.data, b.size, &type),
              OFPERR_OFPBRC_BAD_VERSION);
    ofp_buf_clear(&b);

    /* Asynchronous messages a client skips. */
    put_hex(&b, "010a001400000000ffffffff000200020000aabb");
    CHECK_ERR(ofp10_msg_classify(b.data, b.size, &type), 0);
    CHECK_EQ(type, OFPT10_PACKET_IN);
    ofp_buf_clear(&b);

    /* Statistics messages need their 4-byte header. */
    put_hex(&b, "0111000a00000001000d");
    CHECK_ERR(ofp10_msg_classify(b.data, b.size, &type),
              OFPERR_OFPBRC_BAD_LEN);
    ofp_buf_uninit(&b);
}

static void
test_hello(void)
{
    struct ofp_buf b;

    ofp_buf_init(&b);
    /* ofp-print: "OFPT_HELLO (xid=0x1): version bitmap: 0x01". */
    ofp10_hello_encode(1, &b);
    CHECK_BUF_HEX(&b, "0100000800000001");
    CHECK_ERR(ofp10_hello_check(b.data, b.size), 0);
    /* A version-1 HELLO's body is ignored, as 1.0 requires. */
    put_hex(&b, "deadbeef");
    b.data[3] = 12;
    CHECK_ERR(ofp10_hello_check(b.data, b.size), 0);
    ofp_buf_clear(&b);

    put_hex(&b, hello_of13_only);
    CHECK_ERR(ofp10_hello_check(b.data, b.size), OFPERR_OFPHFC_INCOMPATIBLE);
    ofp_buf_clear(&b);
    put_hex(&b, hello_of10_of13);
    CHECK_ERR(ofp10_hello_check(b.data, b.size), 0);
    ofp_buf_clear(&b);
    put_hex(&b, hello_default);
    CHECK_ERR(ofp10_hello_check(b.data, b.size), 0);
    ofp_buf_clear(&b);

    /* Version 0 has nothing in common with us. */
    put_hex(&b, "0000000800000001");
    CHECK_ERR(ofp10_hello_check(b.data, b.size), OFPERR_OFPHFC_INCOMPATIBLE);
    ofp_buf_clear(&b);
    /* A 1.3 HELLO whose element is cut short. */
    put_hex(&b, "0400000c000000010001000800000012");
    b.size = 12;
    CHECK_ERR(ofp10_hello_check(b.data, b.size), OFPERR_OFPBRC_BAD_LEN);
    ofp_buf_clear(&b);
    /* Not a HELLO. */
    put_hex(&b, "0112000800000003");
    CHECK_ERR(ofp10_hello_check(b.data, b.size), OFPERR_OFPBRC_BAD_TYPE);
    CHECK_ERR(ofp10_hello_check(b.data, 7), OFPERR_OFPBRC_BAD_LEN);
    CHECK_ERR(ofp10_hello_check(NULL, 0), OFPERR_OFPBRC_BAD_LEN);
    ofp_buf_uninit(&b);
}

static void
test_empty_and_echo(void)
{
    struct ofp_buf b;
    struct ofp_echo echo;

    ofp_buf_init(&b);
    /* ofp-print: "OFPT_FEATURES_REQUEST (xid=0x2):". */
    ofp10_empty_encode(OFPT10_FEATURES_REQUEST, 2, &b);
    CHECK_BUF_HEX(&b, "0105000800000002");
    ofp_buf_clear(&b);
    /* "OFPT_BARRIER_REQUEST (xid=0x3):", "OFPT_BARRIER_REPLY (xid=0x3):". */
    ofp10_empty_encode(OFPT10_BARRIER_REQUEST, 3, &b);
    ofp10_empty_encode(OFPT10_BARRIER_REPLY, 3, &b);
    CHECK_BUF_HEX(&b, "0112000800000003 0113000800000003");
    ofp_buf_clear(&b);

    /* "OFPT_ECHO_REQUEST (xid=0x7): 4 bytes of payload" (abcd). */
    ofp10_echo_encode(false, "abcd", 4, 7, &b);
    CHECK_BUF_HEX(&b, "0102000c0000000761626364");
    CHECK_ERR(ofp10_echo_decode(b.data, b.size, &echo), 0);
    CHECK_EQ(echo.data_len, 4);
    CHECK(echo.data && !memcmp(echo.data, "abcd", 4));
    struct ofp_buf reply;
    ofp_buf_init(&reply);
    ofp10_echo_reply_for(b.data, b.size, &reply);
    /* "OFPT_ECHO_REPLY (xid=0x7): 4 bytes of payload". */
    CHECK_BUF_HEX(&reply, "0103000c0000000761626364");
    CHECK_ERR(ofp10_echo_decode(reply.data, reply.size, &echo), 0);
    ofp_buf_clear(&reply);
    ofp10_echo_reply_for(b.data, 4, &reply);
    CHECK_EQ(reply.size, 0);
    ofp_buf_uninit(&reply);
    check_malformed(decode_echo__, &b, 8);
    ofp_buf_clear(&b);

    /* Empty echo. */
    ofp10_echo_encode(true, NULL, 0, 8, &b);
    CHECK_BUF_HEX(&b, "0103000800000008");
    CHECK_ERR(ofp10_echo_decode(b.data, b.size, &echo), 0);
    CHECK_EQ(echo.data_len, 0);
    ofp_buf_clear(&b);

    ofp10_empty_encode(OFPT10_BARRIER_REPLY, 3, &b);
    CHECK_ERR(ofp10_echo_decode(b.data, b.size, &echo),
              OFPERR_OFPBRC_BAD_TYPE);
    ofp_buf_uninit(&b);
}

static void
test_error(void)
{
    struct ofp_buf b;
    struct ofp_error e;

    ofp_buf_init(&b);
    put_hex(&b, error_bad_port_ovs);
    CHECK_ERR(ofp10_error_decode(b.data, b.size, &e), 0);
    CHECK_EQ(e.type, OFPET10_PORT_MOD_FAILED);
    CHECK_EQ(e.code, 0);
    CHECK_ERR(e.error, OFPERR_OFPPMFC_BAD_PORT);
    CHECK_EQ(e.data_len, 32);
    CHECK(e.data && e.data[1] == OFPT10_PORT_MOD);
    CHECK_EQ(ofp_msg_xid(e.data), 3);
    check_malformed(decode_error__, &b, 12);
    ofp_buf_clear(&b);

    put_hex(&b, error_bad_hw_addr_ovs);
    CHECK_ERR(ofp10_error_decode(b.data, b.size, &e), 0);
    CHECK_ERR(e.error, OFPERR_OFPPMFC_BAD_HW_ADDR);
    ofp_buf_clear(&b);

    /* Only the type: too short. */
    put_hex(&b, "0101000a000000010004");
    CHECK_ERR(ofp10_error_decode(b.data, b.size, &e), OFPERR_OFPBRC_BAD_LEN);
    ofp_buf_clear(&b);

    /* The 1.0 -> ofperr mapping, checked against ovs-ofctl ofp-print of
     * "0101000c00000009TTTTCCCC": (3,0) OFPFMFC_TABLE_FULL, (4,1)
     * OFPPMFC_BAD_HW_ADDR, (5,2) OFPQOFC_EPERM, (0,0) OFPHFC_INCOMPATIBLE,
     * (1,6) OFPBRC_BAD_LEN. */
    CHECK_ERR(ofp10_error_from_wire(3, 0), OFPERR_OFPFMFC_TABLE_FULL);
    CHECK_ERR(ofp10_error_from_wire(3, 1), OFPERR_OFPFMFC_OVERLAP);
    CHECK_ERR(ofp10_error_from_wire(3, 2), OFPERR_OFPFMFC_EPERM);
    CHECK_ERR(ofp10_error_from_wire(3, 3), OFPERR_OFPFMFC_BAD_TIMEOUT);
    CHECK_ERR(ofp10_error_from_wire(3, 4), OFPERR_OFPFMFC_BAD_COMMAND);
    CHECK_ERR(ofp10_error_from_wire(3, 5), 0); /* UNSUPPORTED: no 1.3 one. */
    CHECK_ERR(ofp10_error_from_wire(4, 0), OFPERR_OFPPMFC_BAD_PORT);
    CHECK_ERR(ofp10_error_from_wire(4, 1), OFPERR_OFPPMFC_BAD_HW_ADDR);
    CHECK_ERR(ofp10_error_from_wire(4, 2), 0);
    CHECK_ERR(ofp10_error_from_wire(5, 2), OFPERR_OFPQOFC_EPERM);
    CHECK_ERR(ofp10_error_from_wire(5, 3), 0);
    CHECK_ERR(ofp10_error_from_wire(0, 0), OFPERR_OFPHFC_INCOMPATIBLE);
    CHECK_ERR(ofp10_error_from_wire(0, 2), 0);
    CHECK_ERR(ofp10_error_from_wire(1, 6), OFPERR_OFPBRC_BAD_LEN);
    CHECK_ERR(ofp10_error_from_wire(1, 8), OFPERR_OFPBRC_BUFFER_UNKNOWN);
    CHECK_ERR(ofp10_error_from_wire(1, 9), 0);
    CHECK_ERR(ofp10_error_from_wire(2, 4), OFPERR_OFPBAC_BAD_OUT_PORT);
    CHECK_ERR(ofp10_error_from_wire(2, 9), 0);
    CHECK_ERR(ofp10_error_from_wire(6, 0), 0);
    CHECK_ERR(ofp10_error_from_wire(0xb0c2, 0), 0); /* Nicira vendor. */

    /* Encoding every error that has a 1.0 form gives it back. */
    static const int mappable[] = {
        OFPERR_OFPHFC_INCOMPATIBLE, OFPERR_OFPHFC_EPERM,
        OFPERR_OFPBRC_BAD_VERSION,  OFPERR_OFPBRC_BAD_TYPE,
        OFPERR_OFPBRC_BAD_LEN,      OFPERR_OFPBRC_BUFFER_UNKNOWN,
        OFPERR_OFPBAC_BAD_TYPE,     OFPERR_OFPBAC_BAD_QUEUE,
        OFPERR_OFPFMFC_TABLE_FULL,  OFPERR_OFPFMFC_OVERLAP,
        OFPERR_OFPFMFC_EPERM,       OFPERR_OFPFMFC_BAD_TIMEOUT,
        OFPERR_OFPFMFC_BAD_COMMAND, OFPERR_OFPPMFC_BAD_PORT,
        OFPERR_OFPPMFC_BAD_HW_ADDR, OFPERR_OFPQOFC_BAD_PORT,
        OFPERR_OFPQOFC_BAD_QUEUE,   OFPERR_OFPQOFC_EPERM,
    };
    for (size_t i = 0; i < sizeof mappable / sizeof *mappable; i++) {
        struct ofp_error in = { .error = mappable[i] };
        CHECK_ERR(ofp10_error_encode(&in, 9, &b), 0);
        CHECK_ERR(ofp10_error_decode(b.data, b.size, &e), 0);
        CHECK_ERR(e.error, mappable[i]);
        ofp_buf_clear(&b);
    }
    /* "OFPT_ERROR (xid=0x9): OFPPMFC_BAD_PORT". */
    struct ofp_error in = { .error = OFPERR_OFPPMFC_BAD_PORT };
    CHECK_ERR(ofp10_error_encode(&in, 9, &b), 0);
    CHECK_BUF_HEX(&b, "0101000c0000000900040000");
    ofp_buf_clear(&b);

    /* Errors that 1.0 lacks. */
    static const int unmappable[] = {
        OFPERR_OFPBRC_BAD_TABLE_ID, OFPERR_OFPBIC_UNKNOWN_INST,
        OFPERR_OFPFMFC_UNKNOWN,     OFPERR_OFPFMFC_BAD_FLAGS,
        OFPERR_OFPPMFC_BAD_CONFIG,  OFPERR_OFPGMFC_LOOP,
        OFPERR_OFPBFC_TIMEOUT,      EINVAL,
    };
    for (size_t i = 0; i < sizeof unmappable / sizeof *unmappable; i++) {
        struct ofp_error bad = { .error = unmappable[i] };
        CHECK_ERR(ofp10_error_encode(&bad, 9, &b), EINVAL);
        CHECK_EQ(b.size, 0);
    }

    /* Raw wire fields, with data, round trip. */
    struct ofp_error raw = { .type = 0xb0c2,
                             .code = 7,
                             .data = (const uint8_t *)"xyz",
                             .data_len = 3 };
    CHECK_ERR(ofp10_error_encode(&raw, 10, &b), 0);
    CHECK_BUF_HEX(&b, "0101000f0000000ab0c20007 78797a");
    CHECK_ERR(ofp10_error_decode(b.data, b.size, &e), 0);
    CHECK_EQ(e.type, 0xb0c2);
    CHECK_EQ(e.code, 7);
    CHECK_EQ(e.error, 0);
    CHECK_EQ(e.data_len, 3);
    ofp_buf_clear(&b);

    static uint8_t big[OFP_MAX_MSG_LEN];
    raw.data = big;
    raw.data_len = OFP_MAX_MSG_LEN - 12;
    CHECK_ERR(ofp10_error_encode(&raw, 10, &b), 0);
    CHECK_EQ(b.size, OFP_MAX_MSG_LEN);
    ofp_buf_clear(&b);
    raw.data_len++;
    CHECK_ERR(ofp10_error_encode(&raw, 10, &b), EMSGSIZE);
    CHECK_EQ(b.size, 0);
    ofp_buf_uninit(&b);
}

/* Fills 'p' as test port 'i'. */
static void
make_port(struct ofp10_port *p, int i)
{
    memset(p, 0, sizeof *p);
    p->port_no = (uint16_t)(i + 1);
    p->hw_addr[0] = 0xaa;
    p->hw_addr[4] = (uint8_t)(i >> 8);
    p->hw_addr[5] = (uint8_t)i;
    snprintf(p->name, sizeof p->name, "vif%d.0", i);
    p->config = i % 2 ? OFPPC10_NO_FLOOD : 0;
    p->curr = 0xc0;
}

static void
test_features(void)
{
    struct ofp_buf b;
    struct ofp10_features f;

    ofp_buf_init(&b);
    put_hex(&b, features_ovs);
    CHECK_ERR(ofp10_features_decode(b.data, b.size, &f), 0);
    CHECK_EQ(f.datapath_id, 0xb3650004);
    CHECK_EQ(f.n_buffers, 0);
    CHECK_EQ(f.n_tables, 254);
    CHECK_EQ(f.capabilities, 0xc7);
    CHECK_EQ(f.actions, 0xfff);
    CHECK(!f.truncated);
    CHECK_EQ(f.n_ports, 2);
    if (f.n_ports == 2) {
        CHECK_EQ(f.ports[0].port_no, OFPP10_LOCAL);
        CHECK_STREQ(f.ports[0].name, "vgbrb3654");
        CHECK(!memcmp(f.ports[0].hw_addr, "\x76\x39\xc4\x7a\x73\x49", 6));
        CHECK_EQ(f.ports[0].config, OFPPC10_PORT_DOWN);
        CHECK_EQ(f.ports[0].state, 1);
        CHECK_EQ(f.ports[0].curr, 0xc0);
        CHECK_EQ(f.ports[1].port_no, 5);
        CHECK_STREQ(f.ports[1].name, "pa");
        CHECK(!memcmp(f.ports[1].hw_addr, "\xd2\x2a\x9e\x3a\xf9\x0a", 6));
    }
    /* Round trip. */
    struct ofp_buf again;
    ofp_buf_init(&again);
    CHECK_ERR(ofp10_features_encode(&f, 2, &again), 0);
    CHECK(again.size == b.size && !memcmp(again.data, b.data, b.size));
    ofp_buf_uninit(&again);
    ofp10_features_uninit(&f);
    ofp10_features_uninit(&f);
    ofp10_features_uninit(NULL);
    check_malformed(decode_features__, &b, 32);

    /* Bodies of 24 + N * 48 bytes only: cut one port short, one byte over,
     * no ports at all (valid), the fixed part short. */
    for (size_t cut = 1; cut < 48; cut += 23) {
        b.size -= cut;
        ofp_set_be16(b.data + 2, (uint16_t)b.size);
        CHECK_ERR(ofp10_features_decode(b.data, b.size, &f),
                  OFPERR_OFPBRC_BAD_LEN);
        CHECK(f.ports == NULL);
        b.size += cut;
    }
    ofp_buf_put_u8(&b, 0);
    ofp_set_be16(b.data + 2, (uint16_t)b.size);
    CHECK_ERR(ofp10_features_decode(b.data, b.size, &f),
              OFPERR_OFPBRC_BAD_LEN);
    b.size = 32;
    ofp_set_be16(b.data + 2, 32);
    CHECK_ERR(ofp10_features_decode(b.data, b.size, &f), 0);
    CHECK_EQ(f.n_ports, 0);
    CHECK(f.ports == NULL);
    b.size = 31;
    ofp_set_be16(b.data + 2, 31);
    CHECK_ERR(ofp10_features_decode(b.data, b.size, &f),
              OFPERR_OFPBRC_BAD_LEN);
    /* A 1.3 FEATURES_REPLY (same type number). */
    ofp_buf_clear(&b);
    put_hex(&b, "0406002000000001000000000000000100000000fe00000000000047"
                "00000000");
    CHECK_ERR(ofp10_features_decode(b.data, b.size, &f),
              OFPERR_OFPBRC_BAD_VERSION);
    ofp_buf_clear(&b);

    /* Synthetic, checked with ofp-print: "OFPT_FEATURES_REPLY (xid=0x22):
     * dpid:0000123456789abc n_tables:254, n_buffers:0 ... 1(vif1.0):
     * addr:aa:00:00:00:00:01 config: NO_FLOOD ... LOCAL(xenbr0):
     * addr:aa:00:00:00:00:02 config: PORT_DOWN state: LINK_DOWN". */
    struct ofp10_port ports[2];
    memset(ports, 0, sizeof ports);
    ports[0].port_no = 1;
    memcpy(ports[0].hw_addr, "\xaa\0\0\0\0\x01", 6);
    strcpy(ports[0].name, "vif1.0");
    ports[0].config = OFPPC10_NO_FLOOD;
    ports[0].curr = 0xc0;
    ports[1].port_no = OFPP10_LOCAL;
    memcpy(ports[1].hw_addr, "\xaa\0\0\0\0\x02", 6);
    strcpy(ports[1].name, "xenbr0");
    ports[1].config = OFPPC10_PORT_DOWN;
    ports[1].state = 1;
    struct ofp10_features mine = {
        .datapath_id = 0x123456789abcULL,
        .n_tables = 254,
        .capabilities = 0xc7,
        .actions = 0xfff,
        .ports = ports,
        .n_ports = 2,
    };
    CHECK_ERR(ofp10_features_encode(&mine, 0x22, &b), 0);
    CHECK_BUF_HEX(
        &b, "01060080000000220000123456789abc00000000fe000000000000c700000fff"
            "0001aa0000000001766966312e3000000000000000000000"
            "0000001000000000000000c0000000000000000000000000"
            "fffeaa000000000278656e62723000000000000000000000"
            "000000010000000100000000000000000000000000000000");
    ofp_buf_clear(&b);

    /* 1363 ports leave room for one more; 1364 do not (the reply may be
     * incomplete); 1365 do not fit. */
    size_t n = 1365;
    struct ofp10_port *many = ofp_xcalloc(n, sizeof *many);
    for (size_t i = 0; i < n; i++) {
        make_port(&many[i], (int)i);
    }
    mine.ports = many;
    mine.n_ports = 1363;
    CHECK_ERR(ofp10_features_encode(&mine, 1, &b), 0);
    CHECK_ERR(ofp10_features_decode(b.data, b.size, &f), 0);
    CHECK(!f.truncated);
    CHECK_EQ(f.n_ports, 1363);
    ofp10_features_uninit(&f);
    ofp_buf_clear(&b);
    mine.n_ports = 1364;
    CHECK_ERR(ofp10_features_encode(&mine, 1, &b), 0);
    CHECK_EQ(b.size, 32 + 1364 * 48);
    CHECK_ERR(ofp10_features_decode(b.data, b.size, &f), 0);
    CHECK(f.truncated);
    CHECK_EQ(f.n_ports, 1364);
    if (f.n_ports == 1364) {
        CHECK_STREQ(f.ports[1363].name, "vif1363.0");
        CHECK_EQ(f.ports[1363].port_no, 1364);
        CHECK_EQ(f.ports[1363].config, OFPPC10_NO_FLOOD);
    }
    ofp10_features_uninit(&f);
    ofp_buf_clear(&b);
    mine.n_ports = 1365;
    CHECK_ERR(ofp10_features_encode(&mine, 1, &b), EMSGSIZE);
    CHECK_EQ(b.size, 0);
    free(many);
    ofp_buf_uninit(&b);
}

static void
test_port_names(void)
{
    struct ofp_buf b;
    struct ofp10_port p, q;

    ofp_buf_init(&b);
    memset(&p, 0, sizeof p);
    memcpy(p.name, "0123456789abcdef", 16); /* 16 characters, no NUL. */
    ofp10_port_encode(&p, &b);
    CHECK_EQ(b.size, 48);
    struct ofp_buf view;
    ofp_buf_use_const(&view, b.data, b.size);
    CHECK_ERR(ofp10_port_decode(&view, &q), 0);
    CHECK_STREQ(q.name, "0123456789abcdef");
    CHECK_EQ(view.size, 0);
    CHECK_ERR(ofp10_port_decode(&view, &q), OFPERR_OFPBRC_BAD_LEN);

    /* Bytes after the first NUL are ignored. */
    memcpy(b.data + 8, "ab\0garbage!!!!!!", 16);
    ofp_buf_use_const(&view, b.data, b.size);
    CHECK_ERR(ofp10_port_decode(&view, &q), 0);
    CHECK_STREQ(q.name, "ab");
    ofp_buf_use_const(&view, b.data, 47);
    CHECK_ERR(ofp10_port_decode(&view, &q), OFPERR_OFPBRC_BAD_LEN);
    CHECK_EQ(view.size, 47);
    ofp_buf_uninit(&b);
}

static void
test_port_mod(void)
{
    struct ofp_buf b;
    struct ofp10_port_mod_msg pm, out;

    ofp_buf_init(&b);
    /* ofp-print: "OFPT_PORT_MOD (xid=0x10): port: 5:
     * addr:d2:2a:9e:3a:f9:0a config: NO_FLOOD mask: NO_FLOOD advertise:
     * UNCHANGED". */
    memset(&pm, 0, sizeof pm);
    pm.port_no = 5;
    memcpy(pm.hw_addr, "\xd2\x2a\x9e\x3a\xf9\x0a", 6);
    pm.config = OFPPC10_NO_FLOOD;
    pm.mask = OFPPC10_NO_FLOOD;
    ofp10_port_mod_encode(&pm, 0x10, &b);
    CHECK_BUF_HEX(&b, "010f002000000010 0005d22a9e3af90a 00000010 00000010"
                      "00000000 00000000");
    CHECK_ERR(ofp10_port_mod_decode(b.data, b.size, &out), 0);
    CHECK(!memcmp(&out, &pm, sizeof pm));
    check_malformed(decode_port_mod__, &b, 32);
    /* One byte of body too many. */
    ofp_buf_put_u8(&b, 0);
    ofp_set_be16(b.data + 2, (uint16_t)b.size);
    CHECK_ERR(ofp10_port_mod_decode(b.data, b.size, &out),
              OFPERR_OFPBRC_BAD_LEN);
    ofp_buf_clear(&b);

    /* "OFPT_PORT_MOD (xid=0x11): port: LOCAL: addr:76:39:c4:7a:73:49
     * config: 0 mask: NO_FLOOD advertise: UNCHANGED". */
    pm.port_no = OFPP10_LOCAL;
    memcpy(pm.hw_addr, "\x76\x39\xc4\x7a\x73\x49", 6);
    pm.config = 0;
    ofp10_port_mod_encode(&pm, 0x11, &b);
    CHECK_BUF_HEX(&b, "010f002000000011 fffe7639c47a7349 00000000 00000010"
                      "00000000 00000000");
    CHECK_ERR(ofp10_port_mod_decode(b.data, b.size, &out), 0);
    CHECK(!memcmp(&out, &pm, sizeof pm));
    /* All fields, including advertise, survive. */
    ofp_buf_clear(&b);
    pm.config = 0x7f;
    pm.mask = 0x55;
    pm.advertise = 0xfff;
    ofp10_port_mod_encode(&pm, 1, &b);
    CHECK_ERR(ofp10_port_mod_decode(b.data, b.size, &out), 0);
    CHECK(!memcmp(&out, &pm, sizeof pm));
    /* The 1.3 PORT_MOD type number (16) is STATS_REQUEST in 1.0. */
    b.data[1] = 16;
    CHECK_ERR(ofp10_port_mod_decode(b.data, b.size, &out),
              OFPERR_OFPBRC_BAD_TYPE);
    ofp_buf_uninit(&b);
}

static void
test_port_desc(void)
{
    struct ofp_buf b;
    struct ofp10_port_desc_reply r;

    ofp_buf_init(&b);
    /* ofp-print: "OFPST_PORT_DESC request (xid=0x21): port=ANY". */
    ofp10_port_desc_request_encode(0x21, &b);
    CHECK_BUF_HEX(&b, "0110000c00000021000d0000");
    enum ofp10_type type;
    CHECK_ERR(ofp10_msg_classify(b.data, b.size, &type), 0);
    CHECK_EQ(type, OFPT10_STATS_REQUEST);
    /* A request is not a reply. */
    CHECK_ERR(ofp10_port_desc_reply_decode(b.data, b.size, &r),
              OFPERR_OFPBRC_BAD_TYPE);
    ofp_buf_clear(&b);

    put_hex(&b, port_desc_ovs);
    CHECK_ERR(ofp10_port_desc_reply_decode(b.data, b.size, &r), 0);
    CHECK(!r.more);
    CHECK_EQ(r.n_ports, 2);
    if (r.n_ports == 2) {
        CHECK_EQ(r.ports[0].port_no, OFPP10_LOCAL);
        CHECK_EQ(r.ports[1].port_no, 5);
        CHECK_STREQ(r.ports[1].name, "pa");
    }
    struct ofp_buf again;
    ofp_buf_init(&again);
    CHECK_ERR(ofp10_port_desc_reply_encode(&r, 3, &again), 0);
    CHECK(again.size == b.size && !memcmp(again.data, b.data, b.size));
    ofp_buf_uninit(&again);
    ofp10_port_desc_reply_uninit(&r);
    ofp10_port_desc_reply_uninit(NULL);
    check_malformed(decode_port_desc__, &b, 12);

    /* Another statistics type (1.0 PORT stats, 4). */
    b.data[9] = 4;
    CHECK_ERR(ofp10_port_desc_reply_decode(b.data, b.size, &r),
              OFPERR_OFPBRC_BAD_MULTIPART);
    b.data[9] = OFPST10_PORT_DESC;
    /* REPLY_MORE. */
    b.data[11] = 1;
    CHECK_ERR(ofp10_port_desc_reply_decode(b.data, b.size, &r), 0);
    CHECK(r.more);
    ofp10_port_desc_reply_uninit(&r);
    /* A port cut short. */
    b.size -= 1;
    ofp_set_be16(b.data + 2, (uint16_t)b.size);
    CHECK_ERR(ofp10_port_desc_reply_decode(b.data, b.size, &r),
              OFPERR_OFPBRC_BAD_LEN);
    CHECK(r.ports == NULL);
    /* No ports. */
    b.size = 12;
    ofp_set_be16(b.data + 2, 12);
    CHECK_ERR(ofp10_port_desc_reply_decode(b.data, b.size, &r), 0);
    CHECK_EQ(r.n_ports, 0);
    /* No statistics header. */
    b.size = 10;
    ofp_set_be16(b.data + 2, 10);
    CHECK_ERR(ofp10_port_desc_reply_decode(b.data, b.size, &r),
              OFPERR_OFPBRC_BAD_LEN);
    ofp_buf_clear(&b);

    /* Synthetic, checked with ofp-print: "OFPST_PORT_DESC reply
     * (xid=0x23): flags=[more] 1(vif0.0): ...". */
    struct ofp10_port ports[2];
    make_port(&ports[0], 0);
    make_port(&ports[1], 1);
    r.more = true;
    r.ports = ports;
    r.n_ports = 2;
    CHECK_ERR(ofp10_port_desc_reply_encode(&r, 0x23, &b), 0);
    CHECK_EQ(b.size, 12 + 2 * 48);
    CHECK_BUF_HEX(&b,
                  "0111006c00000023000d0001"
                  "0001aa0000000000766966302e300000000000000000000000000000"
                  "00000000000000c0000000000000000000000000"
                  "0002aa0000000001766966312e300000000000000000000000000010"
                  "00000000000000c0000000000000000000000000");

    r.n_ports = (OFP_MAX_MSG_LEN - 12) / 48 + 1;
    ofp_buf_clear(&b);
    CHECK_ERR(ofp10_port_desc_reply_encode(&r, 0x23, &b), EMSGSIZE);
    CHECK_EQ(b.size, 0);
    ofp_buf_uninit(&b);
}

/* What a watching NO_FLOOD session sends and reads (noflood.h,
 * "Watching"); the expected bytes are as `ovs-ofctl ofp-print` reads
 * them. */
static void
test_watch_messages(void)
{
    struct ofp_buf b;

    ofp_buf_init(&b);
    /* "NXT_SET_ASYNC_CONFIG (xid=0x21): primary: PACKET_IN: (off)
     * PORT_STATUS: modify FLOW_REMOVED: (off) ..., secondary: the same". */
    struct ofp10_async_config a = { .port_status = { 4, 4 } };
    struct ofp10_async_config a2;
    ofp10_nx_set_async_encode(&a, 0x21, &b);
    CHECK_BUF_HEX(&b, "0104002800000021 0000232000000013"
                      "00000000 00000000 00000004 00000004 00000000 00000000");
    CHECK_ERR(ofp10_nx_set_async_decode(b.data, b.size, &a2), 0);
    CHECK(!memcmp(&a, &a2, sizeof a));
    check_malformed(decode_nx_set_async__, &b, 40);
    b.data[15] = 20; /* Another subtype. */
    CHECK_ERR(ofp10_nx_set_async_decode(b.data, b.size, &a2),
              OFPERR_OFPBRC_BAD_EXP_TYPE);
    b.data[15] = 19;
    b.data[10] = 0x24; /* Another vendor. */
    CHECK_ERR(ofp10_nx_set_async_decode(b.data, b.size, &a2),
              OFPERR_OFPBRC_BAD_EXPERIMENTER);
    ofp_buf_clear(&b);

    /* "OFPT_PORT_STATUS (xid=0x0): MOD: 1(vif0.0): addr:aa:00:00:00:00:00
     * config: NO_FLOOD state: 0 current: 10GB-FD COPPER". */
    struct ofp10_port_status_msg ps = {
        .reason = OFPPR10_MODIFY,
        .desc = { .port_no = 1,
                  .hw_addr = { 0xaa },
                  .name = "vif0.0",
                  .config = OFPPC10_NO_FLOOD,
                  .curr = 0xc0 },
    };
    struct ofp10_port_status_msg ps2;
    ofp10_port_status_encode(&ps, 0, &b);
    CHECK_BUF_HEX(&b,
                  "010c004000000000 0200000000000000"
                  "0001aa0000000000766966302e300000000000000000000000000010"
                  "00000000000000c0000000000000000000000000");
    CHECK_ERR(ofp10_port_status_decode(b.data, b.size, &ps2), 0);
    CHECK(ps2.reason == OFPPR10_MODIFY && ps2.desc.port_no == 1 &&
          ps2.desc.config == OFPPC10_NO_FLOOD &&
          !strcmp(ps2.desc.name, "vif0.0"));
    check_malformed(decode_port_status__, &b, 64);
    ofp_buf_uninit(&b);
}

int
main(void)
{
    test_classify();
    test_hello();
    test_empty_and_echo();
    test_error();
    test_features();
    test_port_names();
    test_port_mod();
    test_port_desc();
    test_watch_messages();
    return check_summary();
}
