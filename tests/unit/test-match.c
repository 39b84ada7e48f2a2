/* Unit tests for ofp/match.c (the OXM field table, match encode/decode and
 * validation) and ofp/errors.c (error names and numbers).
 *
 * The golden encodings below were checked by wrapping them in an OpenFlow
 * 1.3 FLOW_MOD and decoding that with `ovs-ofctl ofp-print` (Open vSwitch
 * 3.1); the text it printed is quoted next to each. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "ofp/buf.h"
#include "ofp/errors.h"
#include "ofp/match.h"
#include "openflow/of13.h"
#include "tests/unit/check.h"
#include "tests/unit/hex.h"

/* Decodes the match whose bytes hex string 'hex' spells; returns the
 * error. */
static int
decode_hex(const char *hex)
{
    struct ofp_buf b, v;
    struct ofp_match m;
    ofp_buf_init(&b);
    put_hex(&b, hex);
    ofp_buf_use_const(&v, b.data, b.size);
    int error = ofp_match_decode(&v, &m);
    if (error) {
        CHECK_EQ(v.size, b.size);
    }
    ofp_buf_uninit(&b);
    return error;
}

/* Wraps OXM TLVs 'tlvs_hex' in a correct match header and padding, decodes
 * it, and returns the error. */
static int
decode_tlvs(const char *tlvs_hex)
{
    struct ofp_buf b, v;
    struct ofp_match m;
    ofp_buf_init(&b);
    ofp_buf_put_be16(&b, OFPMT_OXM);
    ofp_buf_put_be16(&b, 0);
    put_hex(&b, tlvs_hex);
    ofp_set_be16(b.data + 2, (uint16_t)b.size);
    ofp_buf_pad_to(&b, 0, 8);
    ofp_buf_use_const(&v, b.data, b.size);
    int error = ofp_match_decode(&v, &m);
    if (!error) {
        CHECK_EQ(v.size, 0);
    }
    ofp_buf_uninit(&b);
    return error;
}

#define CHECK_ERR(EXPR, ERR)                                          \
    do {                                                              \
        int e__ = (EXPR);                                             \
        if (e__ != (ERR)) {                                           \
            fprintf(stderr, "  got %s, want %s\n", ofp_strerror(e__), \
                    ofp_strerror(ERR));                               \
        }                                                             \
        CHECK_EQ(e__, ERR);                                           \
    } while (0)

/* Errors. */

static void
test_errors(void)
{
    CHECK_STREQ(ofperr_name(OFPERR_OFPBRC_BAD_LEN), "OFPBRC_BAD_LEN");
    CHECK_STREQ(ofperr_name(OFPERR_OFPBMC_DUP_FIELD), "OFPBMC_DUP_FIELD");
    CHECK_STREQ(ofperr_name(OFPERR_OFPBFC_BUNDLE_IN_PROGRESS),
                "OFPBFC_BUNDLE_IN_PROGRESS");
    CHECK_STREQ(ofperr_name((enum ofperr)OFPERR_MAKE(4, 99)),
                "OFPERR_UNKNOWN");
    CHECK_EQ(ofperr_type(OFPERR_OFPBMC_BAD_PREREQ), OFPET_BAD_MATCH);
    CHECK_EQ(ofperr_code(OFPERR_OFPBMC_BAD_PREREQ), 9);
    CHECK_EQ(ofperr_type(OFPERR_OFPBFC_TIMEOUT), OFPET14_BUNDLE_FAILED);
    CHECK_EQ(ofperr_code(OFPERR_OFPBFC_TIMEOUT), 14);
    CHECK_EQ(ofperr_from_type_code(3, 1), OFPERR_OFPBIC_UNSUP_INST);
    CHECK_EQ(ofperr_from_type_code(0, 0), OFPERR_OFPHFC_INCOMPATIBLE);
    CHECK_EQ(ofperr_from_type_code(17, 15), OFPERR_OFPBFC_BUNDLE_IN_PROGRESS);
    CHECK_EQ(ofperr_from_type_code(1, 14), 0);
    CHECK_EQ(ofperr_from_type_code(0xffff, 2300), 0);
    CHECK_EQ(ofperr_from_type_code(0xffff, 0xffff), 0);
    CHECK(ofperr_is_valid(OFPERR_OFPHFC_INCOMPATIBLE));
    CHECK(ofperr_is_valid(OFPERR_OFPTFFC_EPERM));
    CHECK(!ofperr_is_valid(0));
    CHECK(!ofperr_is_valid(22));
    CHECK(!ofperr_is_valid(OFPERR_MAKE(2, 16)));
    CHECK_STREQ(ofperr_type_name(OFPET_BAD_REQUEST), "OFPET_BAD_REQUEST");
    CHECK_STREQ(ofperr_type_name(17), "OFPET_BUNDLE_FAILED");
    CHECK_STREQ(ofperr_type_name(0xffff), "OFPET_EXPERIMENTER");
    CHECK_STREQ(ofperr_type_name(14), "OFPET_UNKNOWN");
    CHECK_STREQ(ofp_strerror(OFPERR_OFPBAC_BAD_OUT_PORT),
                "OFPBAC_BAD_OUT_PORT");
    CHECK_STREQ(ofp_strerror(22), strerror(22));

    /* Every listed error round-trips through its type and code. */
    int n = 0, ok = 0;
#define ROUNDTRIP__(NAME, TYPE, CODE)                            \
    n++;                                                         \
    ok += (ofperr_from_type_code(TYPE, CODE) == OFPERR_##NAME && \
           ofperr_type(OFPERR_##NAME) == TYPE &&                 \
           ofperr_code(OFPERR_##NAME) == CODE &&                 \
           ofperr_is_valid(OFPERR_##NAME) &&                     \
           !strcmp(ofperr_name(OFPERR_##NAME), #NAME) &&         \
           strcmp(ofperr_type_name(TYPE), "OFPET_UNKNOWN"));
    OFPERR_LIST(ROUNDTRIP__)
#undef ROUNDTRIP__
    CHECK_EQ(ok, n);
}

/* The field table. */

static void
test_field_table(void)
{
    size_t offset = 0;
    for (int i = 0; i < OFPF_N_FIELDS; i++) {
        const struct ofp_field_info *f = ofp_field_info(i);
        CHECK(f != NULL);
        if (!f) {
            continue;
        }
        CHECK_EQ(f->id, i);
        CHECK_EQ(f->offset, offset);
        CHECK(f->len == 1 || f->len == 2 || f->len == 4 || f->len == 6 ||
              f->len == 8 || f->len == 16);
        offset += f->len;
        CHECK(ofp_field_by_oxm(f->oxm_class, f->oxm_field) == f);
        CHECK(ofp_field_by_name(f->oxm_name) == f);
        const struct ofp_field_info *byname = ofp_field_by_name(f->name);
        CHECK(byname != NULL && byname->len == f->len);
    }
    CHECK_EQ(offset, OFP_MATCH_STORE);
    CHECK(ofp_field_info(OFPF_N_FIELDS) == NULL);
    CHECK(ofp_field_info(OFPF_N_FIELDS + 5) == NULL);

    static const struct {
        enum ofp_field_id id;
        const char *name, *oxm_name;
        uint16_t class;
        uint8_t field, len;
        bool maskable;
    } expect[] = {
        { OFPF_IN_PORT, "in_port", "in_port", 0x8000, 0, 4, false },
        { OFPF_METADATA, "metadata", "metadata", 0x8000, 2, 8, true },
        { OFPF_ETH_DST, "dl_dst", "eth_dst", 0x8000, 3, 6, true },
        { OFPF_ETH_SRC, "dl_src", "eth_src", 0x8000, 4, 6, true },
        { OFPF_ETH_TYPE, "dl_type", "eth_type", 0x8000, 5, 2, false },
        { OFPF_VLAN_VID, "vlan_vid", "vlan_vid", 0x8000, 6, 2, true },
        { OFPF_VLAN_PCP, "dl_vlan_pcp", "vlan_pcp", 0x8000, 7, 1, false },
        { OFPF_IP_PROTO, "nw_proto", "ip_proto", 0x8000, 10, 1, false },
        { OFPF_IP_FRAG, "nw_frag", "ip_frag", 0x0001, 26, 1, true },
        { OFPF_IPV4_SRC, "nw_src", "ipv4_src", 0x8000, 11, 4, true },
        { OFPF_IPV4_DST, "nw_dst", "ipv4_dst", 0x8000, 12, 4, true },
        { OFPF_TCP_SRC, "tp_src", "tcp_src", 0x8000, 13, 2, false },
        { OFPF_TCP_DST, "tp_dst", "tcp_dst", 0x8000, 14, 2, false },
        { OFPF_UDP_SRC, "tp_src", "udp_src", 0x8000, 15, 2, false },
        { OFPF_UDP_DST, "tp_dst", "udp_dst", 0x8000, 16, 2, false },
        { OFPF_ICMPV4_TYPE, "icmp_type", "icmpv4_type", 0x8000, 19, 1, false },
        { OFPF_ICMPV4_CODE, "icmp_code", "icmpv4_code", 0x8000, 20, 1, false },
        { OFPF_ARP_OP, "arp_op", "arp_op", 0x8000, 21, 2, false },
        { OFPF_ARP_SPA, "arp_spa", "arp_spa", 0x8000, 22, 4, true },
        { OFPF_ARP_TPA, "arp_tpa", "arp_tpa", 0x8000, 23, 4, true },
        { OFPF_ARP_SHA, "arp_sha", "arp_sha", 0x8000, 24, 6, true },
        { OFPF_ARP_THA, "arp_tha", "arp_tha", 0x8000, 25, 6, true },
        { OFPF_IPV6_SRC, "ipv6_src", "ipv6_src", 0x8000, 26, 16, true },
        { OFPF_IPV6_DST, "ipv6_dst", "ipv6_dst", 0x8000, 27, 16, true },
        { OFPF_ICMPV6_TYPE, "icmp_type", "icmpv6_type", 0x8000, 29, 1, false },
        { OFPF_ICMPV6_CODE, "icmp_code", "icmpv6_code", 0x8000, 30, 1, false },
        /* Maskable as in OVS, although the 1.3 spec's table says not. */
        { OFPF_IPV6_ND_TARGET, "nd_target", "ipv6_nd_target", 0x8000, 31, 16,
          true },
        { OFPF_IPV6_ND_SLL, "nd_sll", "ipv6_nd_sll", 0x8000, 32, 6, false },
        { OFPF_IPV6_ND_TLL, "nd_tll", "ipv6_nd_tll", 0x8000, 33, 6, false },
        { OFPF_REG(0), "reg0", "reg0", 0x0001, 0, 4, true },
        { OFPF_REG(7), "reg7", "reg7", 0x0001, 7, 4, true },
        { OFPF_REG15, "reg15", "reg15", 0x0001, 15, 4, true },
    };
    for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++) {
        const struct ofp_field_info *f = ofp_field_info(expect[i].id);
        CHECK_STREQ(f->name, expect[i].name);
        CHECK_STREQ(f->oxm_name, expect[i].oxm_name);
        CHECK_EQ(f->oxm_class, expect[i].class);
        CHECK_EQ(f->oxm_field, expect[i].field);
        CHECK_EQ(f->len, expect[i].len);
        CHECK_EQ(f->maskable, expect[i].maskable);
    }

    CHECK(ofp_field_by_name("dl_src") == ofp_field_info(OFPF_ETH_SRC));
    CHECK(ofp_field_by_name("tp_src") == ofp_field_info(OFPF_TCP_SRC));
    CHECK(ofp_field_by_name("udp_dst") == ofp_field_info(OFPF_UDP_DST));
    CHECK(ofp_field_by_name("icmp_type") == ofp_field_info(OFPF_ICMPV4_TYPE));
    CHECK(ofp_field_by_name("icmpv6_code") ==
          ofp_field_info(OFPF_ICMPV6_CODE));
    CHECK(ofp_field_by_name("reg12") == ofp_field_info(OFPF_REG(12)));
    CHECK(ofp_field_by_name("reg16") == NULL);
    CHECK(ofp_field_by_name("") == NULL);
    CHECK(ofp_field_by_oxm(0x8000, 1) == NULL);
    CHECK(ofp_field_by_oxm(0x0001, 16) == NULL);
    CHECK(ofp_field_by_oxm(0x0000, 0) == NULL);
}

/* Accessors. */

static void
test_accessors(void)
{
    struct ofp_match m, m2;
    uint8_t v[16], mk[16];

    ofp_match_init(&m);
    CHECK(!ofp_match_has(&m, OFPF_IN_PORT));
    CHECK(!ofp_match_get(&m, OFPF_IN_PORT, v, mk));
    CHECK_EQ(ofp_match_get_uint(&m, OFPF_IN_PORT), 0);

    ofp_match_set_u32(&m, OFPF_IN_PORT, 7);
    CHECK(ofp_match_has(&m, OFPF_IN_PORT));
    CHECK(ofp_match_get(&m, OFPF_IN_PORT, v, mk));
    CHECK_HEX(v, 4, "00000007");
    CHECK_HEX(mk, 4, "ffffffff");
    CHECK_EQ(ofp_match_get_uint(&m, OFPF_IN_PORT), 7);
    CHECK_EQ(m.masked, 0);

    ofp_match_set_u16(&m, OFPF_ETH_TYPE, 0x86dd);
    CHECK_EQ(ofp_match_get_uint(&m, OFPF_ETH_TYPE), 0x86dd);
    ofp_match_set_u8(&m, OFPF_IP_PROTO, 58);
    CHECK_EQ(ofp_match_get_uint(&m, OFPF_IP_PROTO), 58);

    /* A masked set; an all-ones mask is an exact match. */
    ofp_match_set_u64_masked(&m, OFPF_METADATA, 0x1200, 0xff00);
    CHECK(m.masked & (UINT64_C(1) << OFPF_METADATA));
    CHECK(ofp_match_get(&m, OFPF_METADATA, v, mk));
    CHECK_HEX(mk, 8, "000000000000ff00");
    CHECK_EQ(ofp_match_get_uint(&m, OFPF_METADATA), 0x1200);
    ofp_match_set_u32_masked(&m, OFPF_REG(2), 5, 0xffffffff);
    CHECK(!(m.masked & (UINT64_C(1) << OFPF_REG(2))));
    ofp_match_set_u32_masked(&m, OFPF_REG(2), 4, 0xfffffffc);
    CHECK(m.masked & (UINT64_C(1) << OFPF_REG(2)));

    /* Integers wider than 8 bytes: only the low 64 bits. */
    ofp_match_set_u64_masked(&m, OFPF_IPV6_SRC, 1, 0xffffffffffffff00);
    CHECK(ofp_match_get(&m, OFPF_IPV6_SRC, v, mk));
    CHECK_HEX(v, 16, "00000000000000000000000000000001");
    CHECK_HEX(mk, 16, "ffffffffffffffffffffffffffffff00");
    CHECK_EQ(ofp_match_get_uint(&m, OFPF_IPV6_SRC), 1);
    ofp_match_set_u32(&m, OFPF_ETH_SRC, 0x01020304);
    CHECK_EQ(ofp_match_get_uint(&m, OFPF_ETH_SRC), 0x01020304);
    CHECK(ofp_match_get(&m, OFPF_ETH_SRC, v, NULL));
    CHECK_HEX(v, 6, "000001020304");

    /* Equality ignores bytes of absent fields. */
    ofp_match_init(&m2);
    m2.values[ofp_field_info(OFPF_VLAN_VID)->offset] = 0x55;
    CHECK(!ofp_match_equal(&m, &m2));
    struct ofp_match m3 = m;
    m3.values[ofp_field_info(OFPF_VLAN_VID)->offset] = 0x55;
    CHECK(ofp_match_equal(&m, &m3));
    m3.values[ofp_field_info(OFPF_IN_PORT)->offset + 3] = 8;
    CHECK(!ofp_match_equal(&m, &m3));
    m3 = m;
    m3.masks[ofp_field_info(OFPF_METADATA)->offset] = 0x80;
    CHECK(!ofp_match_equal(&m, &m3));
    m3 = m;
    m3.masked ^= UINT64_C(1) << OFPF_IN_PORT;
    CHECK(!ofp_match_equal(&m, &m3));

    ofp_match_clear(&m, OFPF_METADATA);
    CHECK(!ofp_match_has(&m, OFPF_METADATA));
    CHECK(!(m.masked & (UINT64_C(1) << OFPF_METADATA)));
    CHECK(!ofp_match_get(&m, OFPF_METADATA, v, mk));
    CHECK_HEX(v, 8, "0000000000000000");

    /* Out-of-range ids are ignored. */
    ofp_match_set_u32(&m, OFPF_N_FIELDS, 1);
    ofp_match_clear(&m, OFPF_N_FIELDS);
    CHECK(!ofp_match_has(&m, OFPF_N_FIELDS));
    CHECK(!ofp_match_get(&m, OFPF_N_FIELDS, v, mk));
}

/* Per-field round trips. */

/* Adds to 'm' fields that satisfy prerequisite 'pr'. */
static void
add_prereq(struct ofp_match *m, enum ofp_prereq pr)
{
    switch (pr) {
    case OFPPR_NONE:
        break;
    case OFPPR_VLAN:
        ofp_match_set_u16(m, OFPF_VLAN_VID, 0x1005);
        break;
    case OFPPR_IP_ANY:
    case OFPPR_IPV4:
        ofp_match_set_u16(m, OFPF_ETH_TYPE, 0x0800);
        break;
    case OFPPR_IPV6:
        ofp_match_set_u16(m, OFPF_ETH_TYPE, 0x86dd);
        break;
    case OFPPR_ARP:
        ofp_match_set_u16(m, OFPF_ETH_TYPE, 0x0806);
        break;
    case OFPPR_TCP:
        ofp_match_set_u16(m, OFPF_ETH_TYPE, 0x86dd);
        ofp_match_set_u8(m, OFPF_IP_PROTO, 6);
        break;
    case OFPPR_UDP:
        ofp_match_set_u16(m, OFPF_ETH_TYPE, 0x0800);
        ofp_match_set_u8(m, OFPF_IP_PROTO, 17);
        break;
    case OFPPR_ICMPV4:
        ofp_match_set_u16(m, OFPF_ETH_TYPE, 0x0800);
        ofp_match_set_u8(m, OFPF_IP_PROTO, 1);
        break;
    case OFPPR_ICMPV6:
        ofp_match_set_u16(m, OFPF_ETH_TYPE, 0x86dd);
        ofp_match_set_u8(m, OFPF_IP_PROTO, 58);
        break;
    case OFPPR_ND:
    case OFPPR_ND_NS:
    case OFPPR_ND_NA:
        ofp_match_set_u16(m, OFPF_ETH_TYPE, 0x86dd);
        ofp_match_set_u8(m, OFPF_IP_PROTO, 58);
        ofp_match_set_u8(m, OFPF_ICMPV6_TYPE, pr == OFPPR_ND_NA ? 136 : 135);
        break;
    }
}

/* Fills 'value' (and, if nonnull, 'mask' with 'value' inside it) with a
 * valid sample for field 'f'. */
static void
sample(const struct ofp_field_info *f, uint8_t *value, uint8_t *mask)
{
    for (int i = 0; i < f->len; i++) {
        value[i] = (uint8_t)(0x11 * (i + 1) + f->id);
        if (mask) {
            mask[i] = i % 2 ? 0xf0 : 0xff;
        }
    }
    switch (f->id) {
    case OFPF_VLAN_VID:
        ofp_set_be16(value, 0x1abc);
        break;
    case OFPF_VLAN_PCP:
        value[0] = 5;
        break;
    case OFPF_ARP_OP:
        ofp_set_be16(value, 2);
        break;
    case OFPF_IP_FRAG:
        value[0] = OFP_IP_FRAG_ANY | OFP_IP_FRAG_LATER;
        if (mask) {
            mask[0] = OFP_IP_FRAG_LATER;
        }
        break;
    default:
        break;
    }
    if (mask) {
        for (int i = 0; i < f->len; i++) {
            value[i] &= mask[i];
        }
    }
}

/* Checks that every proper prefix of the 'n' bytes at 'p' fails to decode
 * without reading outside it (each prefix is copied into its own malloc'd
 * block, so ASan and valgrind catch overreads). */
static void
check_prefixes(const uint8_t *p, size_t n)
{
    int failures = 0;
    for (size_t k = 0; k < n; k++) {
        uint8_t *copy = malloc(k ? k : 1);
        struct ofp_buf v;
        struct ofp_match m;
        memcpy(copy, p, k);
        ofp_buf_use_const(&v, copy, k);
        if (!ofp_match_decode(&v, &m) || v.size != k) {
            failures++;
        }
        free(copy);
    }
    CHECK_EQ(failures, 0);
}

/* Encodes 'm', checks decode -> equal -> encode gives the same bytes and
 * that every prefix fails, and returns the encoding in 'out' (owned). */
static void
roundtrip(const struct ofp_match *m, struct ofp_buf *out)
{
    struct ofp_buf b2, v;
    struct ofp_match d;

    ofp_buf_init(out);
    ofp_buf_put(out, "\xaa", 1); /* Encoding appends after existing data. */
    CHECK_EQ(ofp_match_encode(m, out), 0);
    ofp_buf_try_pull(out, 1);
    CHECK_EQ(out->size % 8, 0);
    CHECK_EQ(ofp_get_be16(out->data), OFPMT_OXM);
    size_t len = ofp_get_be16(out->data + 2);
    CHECK(len >= 4 && len <= out->size && (len + 7) / 8 * 8 == out->size);

    /* Decode with trailing bytes after the match: they stay in 'v'. */
    ofp_buf_init(&b2);
    ofp_buf_put(&b2, out->data, out->size);
    ofp_buf_put(&b2, "\x01\x02\x03", 3);
    ofp_buf_use_const(&v, b2.data, b2.size);
    CHECK_EQ(ofp_match_decode(&v, &d), 0);
    CHECK_EQ(v.size, 3);
    CHECK(ofp_match_equal(m, &d));
    CHECK_EQ(ofp_match_validate(&d), 0);

    ofp_buf_clear(&b2);
    CHECK_EQ(ofp_match_encode(&d, &b2), 0);
    CHECK_EQ(b2.size, out->size);
    CHECK(b2.size == out->size && !memcmp(b2.data, out->data, b2.size));
    ofp_buf_uninit(&b2);

    check_prefixes(out->data, out->size);
}

static void
test_every_field(void)
{
    for (int i = 0; i < OFPF_N_FIELDS; i++) {
        const struct ofp_field_info *f = ofp_field_info(i);
        for (int masked = 0; masked <= f->maskable; masked++) {
            struct ofp_match m;
            struct ofp_buf enc;
            uint8_t value[16], mask[16];

            ofp_match_init(&m);
            add_prereq(&m, f->prereq);
            sample(f, value, masked ? mask : NULL);
            ofp_match_set(&m, i, value, masked ? mask : NULL);
            roundtrip(&m, &enc);

            /* The field's TLV is last (enum order puts prerequisites
             * first), with the expected header. */
            size_t tlv_len = 4 + f->len * (masked ? 2 : 1);
            size_t len = ofp_get_be16(enc.data + 2);
            const uint8_t *tlv = enc.data + len - tlv_len;
            CHECK_EQ(ofp_get_be32(tlv), OXM_HEADER(f->oxm_class, f->oxm_field,
                                                   masked, tlv_len - 4));
            CHECK(!memcmp(tlv + 4, value, f->len));
            CHECK(!masked || !memcmp(tlv + 4 + f->len, mask, f->len));
            ofp_buf_uninit(&enc);

            /* The single TLV through ofp_oxm_put / ofp_oxm_pull. */
            struct ofp_buf b, v;
            enum ofp_field_id id;
            uint8_t v2[16], m2[16];
            bool has_mask;
            ofp_buf_init(&b);
            ofp_oxm_put(&b, i, value, masked ? mask : NULL);
            CHECK_EQ(b.size, tlv_len);
            ofp_buf_put_u8(&b, 0x77);
            ofp_buf_use_const(&v, b.data, b.size);
            CHECK_EQ(ofp_oxm_pull(&v, &id, v2, m2, &has_mask), 0);
            CHECK_EQ(v.size, 1);
            CHECK_EQ(id, i);
            CHECK_EQ(has_mask, masked);
            CHECK(!memcmp(v2, value, f->len));
            if (masked) {
                CHECK(!memcmp(m2, mask, f->len));
            } else {
                CHECK_EQ(m2[0], 0xff);
                CHECK_EQ(m2[f->len - 1], 0xff);
            }
            for (size_t k = 0; k < tlv_len; k++) {
                ofp_buf_use_const(&v, b.data, k);
                CHECK_ERR(ofp_oxm_pull(&v, &id, v2, m2, &has_mask),
                          OFPERR_OFPBMC_BAD_LEN);
                CHECK_EQ(v.size, k);
            }
            ofp_buf_uninit(&b);
        }
    }

    /* Everything at once. */
    struct ofp_match m;
    struct ofp_buf enc;
    uint8_t value[16], mask[16];
    ofp_match_init(&m);
    add_prereq(&m, OFPPR_ND_NS);
    ofp_match_set_u16(&m, OFPF_VLAN_VID, 0x1001);
    ofp_match_set_u8(&m, OFPF_VLAN_PCP, 7);
    for (int i = 0; i < OFPF_N_FIELDS; i++) {
        const struct ofp_field_info *f = ofp_field_info(i);
        if (f->prereq == OFPPR_NONE || f->prereq == OFPPR_IPV6 ||
            f->prereq == OFPPR_ND || f->prereq == OFPPR_ND_NS) {
            if (i != OFPF_ETH_TYPE && i != OFPF_VLAN_VID) {
                sample(f, value, f->maskable ? mask : NULL);
                ofp_match_set(&m, i, value, f->maskable ? mask : NULL);
            }
        }
    }
    roundtrip(&m, &enc);
    CHECK(enc.size > 200);
    ofp_buf_uninit(&enc);
}

/* Golden encodings, checked with ovs-ofctl ofp-print. */

static void
check_golden(const struct ofp_match *m, const char *hex)
{
    struct ofp_buf b;
    ofp_buf_init(&b);
    CHECK_EQ(ofp_match_encode(m, &b), 0);
    CHECK_HEX(b.data, b.size, hex);
    ofp_buf_uninit(&b);
    CHECK_EQ(decode_hex(hex), 0);
}

static void
test_golden(void)
{
    static const uint8_t mac[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };
    static const uint8_t mac_pfx[6] = { 0x00, 0x11, 0x22, 0, 0, 0 };
    static const uint8_t mac_mask[6] = { 0xff, 0xff, 0xff, 0, 0, 0 };
    static const uint8_t fe80_1[16] = { 0xfe, 0x80, [15] = 1 };
    static const uint8_t fe80[16] = { 0xfe, 0x80 };
    static const uint8_t mask64[16] = { 0xff, 0xff, 0xff, 0xff,
                                        0xff, 0xff, 0xff, 0xff };
    struct ofp_match m;

    /* "ovs-ofctl ofp-print" prints an empty match as nothing at all. */
    ofp_match_init(&m);
    check_golden(&m, "0001000400000000");

    /* arp,reg3=0x10/0xf0,metadata=0x100/0xff00,in_port=5,
     * dl_src=00:11:22:33:44:55,dl_dst=00:11:22:00:00:00/ff:ff:ff:00:00:00,
     * arp_spa=10.0.1.0/24,arp_op=1,arp_sha=00:11:22:33:44:55 */
    ofp_match_init(&m);
    ofp_match_set_u32(&m, OFPF_IN_PORT, 5);
    ofp_match_set(&m, OFPF_ETH_SRC, mac, NULL);
    ofp_match_set(&m, OFPF_ETH_DST, mac_pfx, mac_mask);
    ofp_match_set_u16(&m, OFPF_ETH_TYPE, 0x0806);
    ofp_match_set_u16(&m, OFPF_ARP_OP, 1);
    ofp_match_set_u32_masked(&m, OFPF_ARP_SPA, 0x0a000100, 0xffffff00);
    ofp_match_set(&m, OFPF_ARP_SHA, mac, NULL);
    ofp_match_set_u32_masked(&m, OFPF_REG(3), 0x10, 0xf0);
    ofp_match_set_u64_masked(&m, OFPF_METADATA, 0x100, 0xff00);
    check_golden(&m,
                 "0001006880000004000000058000051000000000000001000000000000"
                 "00ff008000070c001122000000ffffff00000080000806001122334455"
                 "80000a02080680002a02000180002d080a000100ffffff008000300600"
                 "11223344550001070800000010000000f0");

    /* tcp,dl_vlan=5,dl_vlan_pcp=3,nw_src=10.0.0.1,nw_dst=10.0.0.0/8,
     * tp_src=80,tp_dst=443 */
    ofp_match_init(&m);
    ofp_match_set_u16(&m, OFPF_VLAN_VID, 0x1005);
    ofp_match_set_u8(&m, OFPF_VLAN_PCP, 3);
    ofp_match_set_u16(&m, OFPF_ETH_TYPE, 0x0800);
    ofp_match_set_u8(&m, OFPF_IP_PROTO, 6);
    ofp_match_set_u32(&m, OFPF_IPV4_SRC, 0x0a000001);
    ofp_match_set_u32_masked(&m, OFPF_IPV4_DST, 0x0a000000, 0xff000000);
    ofp_match_set_u16(&m, OFPF_TCP_SRC, 80);
    ofp_match_set_u16(&m, OFPF_TCP_DST, 443);
    check_golden(&m,
                 "0001003a80000a02080080000c02100580000e01038000140106800016"
                 "040a000001800019080a000000ff00000080001a02005080001c0201bb"
                 "000000000000");

    /* udp,dl_vlan=0,tp_src=68,tp_dst=67 */
    ofp_match_init(&m);
    ofp_match_set_u16(&m, OFPF_VLAN_VID, 0x1000);
    ofp_match_set_u16(&m, OFPF_ETH_TYPE, 0x0800);
    ofp_match_set_u8(&m, OFPF_IP_PROTO, 17);
    ofp_match_set_u16(&m, OFPF_UDP_SRC, 68);
    ofp_match_set_u16(&m, OFPF_UDP_DST, 67);
    check_golden(&m,
                 "0001002180000a02080080000c021000800014011180001e0200448000"
                 "2002004300000000000000");

    /* icmp,vlan_tci=0x1000/0x1000,icmp_type=8,icmp_code=0 */
    ofp_match_init(&m);
    ofp_match_set_u32_masked(&m, OFPF_VLAN_VID, 0x1000, 0x1000);
    ofp_match_set_u16(&m, OFPF_ETH_TYPE, 0x0800);
    ofp_match_set_u8(&m, OFPF_IP_PROTO, 1);
    ofp_match_set_u8(&m, OFPF_ICMPV4_TYPE, 8);
    ofp_match_set_u8(&m, OFPF_ICMPV4_CODE, 0);
    check_golden(&m,
                 "0001002180000a02080080000d0410001000800014010180002601088000"
                 "28010000000000000000");

    /* icmp6,ipv6_src=fe80::1,ipv6_dst=fe80::/64,icmp_type=135,icmp_code=0,
     * nd_target=fe80::1,nd_sll=00:11:22:33:44:55 */
    ofp_match_init(&m);
    ofp_match_set_u16(&m, OFPF_ETH_TYPE, 0x86dd);
    ofp_match_set(&m, OFPF_IPV6_SRC, fe80_1, NULL);
    ofp_match_set(&m, OFPF_IPV6_DST, fe80, mask64);
    ofp_match_set_u8(&m, OFPF_IP_PROTO, 58);
    ofp_match_set_u8(&m, OFPF_ICMPV6_TYPE, 135);
    ofp_match_set_u8(&m, OFPF_ICMPV6_CODE, 0);
    ofp_match_set(&m, OFPF_IPV6_ND_TARGET, fe80_1, NULL);
    ofp_match_set(&m, OFPF_IPV6_ND_SLL, mac, NULL);
    check_golden(&m,
                 "0001006f80000a0286dd800014013a80003410fe800000000000000000"
                 "00000000000180003720fe800000000000000000000000000000ffffff"
                 "ffffffffff000000000000000080003a018780003c010080003e10fe80"
                 "00000000000000000000000000018000400600112233445500");

    /* icmp6,icmp_type=136,nd_target=fe80::1,nd_tll=00:11:22:33:44:55 */
    ofp_match_init(&m);
    ofp_match_set_u16(&m, OFPF_ETH_TYPE, 0x86dd);
    ofp_match_set_u8(&m, OFPF_IP_PROTO, 58);
    ofp_match_set_u8(&m, OFPF_ICMPV6_TYPE, 136);
    ofp_match_set(&m, OFPF_IPV6_ND_TARGET, fe80_1, NULL);
    ofp_match_set(&m, OFPF_IPV6_ND_TLL, mac, NULL);
    check_golden(&m,
                 "0001003280000a0286dd800014013a80003a018880003e10fe80000000"
                 "000000000000000000000180004206001122334455000000000000");

    /* icmp6,icmp_type=136,nd_target=2001:db8::/64: OVS accepts a masked
     * nd_target in OpenFlow 1.3 (vifguard matches NA targets against
     * allowed prefixes). */
    static const uint8_t db8[16] = { 0x20, 0x01, 0x0d, 0xb8 };
    ofp_match_init(&m);
    ofp_match_set_u16(&m, OFPF_ETH_TYPE, 0x86dd);
    ofp_match_set_u8(&m, OFPF_IP_PROTO, 58);
    ofp_match_set_u8(&m, OFPF_ICMPV6_TYPE, 136);
    ofp_match_set(&m, OFPF_IPV6_ND_TARGET, db8, mask64);
    check_golden(&m,
                 "0001003880000a0286dd800014013a80003a018880003f2020010db8"
                 "000000000000000000000000ffffffffffffffff0000000000000000");

    /* arp,reg0=0x1,reg15=0xffffffff,arp_tpa=10.0.0.1,
     * arp_tha=00:11:22:00:00:00/ff:ff:ff:00:00:00 */
    ofp_match_init(&m);
    ofp_match_set_u16(&m, OFPF_ETH_TYPE, 0x0806);
    ofp_match_set_u32(&m, OFPF_ARP_TPA, 0x0a000001);
    ofp_match_set(&m, OFPF_ARP_THA, mac_pfx, mac_mask);
    ofp_match_set_u32(&m, OFPF_REG(0), 1);
    ofp_match_set_u32(&m, OFPF_REG(15), 0xffffffff);
    check_golden(&m,
                 "0001003280000a02080680002e040a0000018000330c001122000000ff"
                 "ffff000000000100040000000100011e04ffffffff000000000000");
}

/* Malformed matches. */

static void
test_malformed_header(void)
{
    CHECK_ERR(decode_hex(""), OFPERR_OFPBMC_BAD_LEN);
    CHECK_ERR(decode_hex("00"), OFPERR_OFPBMC_BAD_LEN);
    CHECK_ERR(decode_hex("000100"), OFPERR_OFPBMC_BAD_LEN);
    /* Length 4 without its padding. */
    CHECK_ERR(decode_hex("00010004"), OFPERR_OFPBMC_BAD_LEN);
    CHECK_ERR(decode_hex("00010004000000"), OFPERR_OFPBMC_BAD_LEN);
    /* Length below the header's own size. */
    CHECK_ERR(decode_hex("0001000300000000"), OFPERR_OFPBMC_BAD_LEN);
    CHECK_ERR(decode_hex("0001000000000000"), OFPERR_OFPBMC_BAD_LEN);
    /* OFPMT_STANDARD (0) and others are not OXM. */
    CHECK_ERR(decode_hex("0000000400000000"), OFPERR_OFPBMC_BAD_TYPE);
    CHECK_ERR(decode_hex("0002000400000000"), OFPERR_OFPBMC_BAD_TYPE);
    /* The length runs past the available bytes. */
    CHECK_ERR(decode_hex("0001000c8000000400000001"), OFPERR_OFPBMC_BAD_LEN);
    CHECK_ERR(decode_hex("0001ffff8000000400000001"), OFPERR_OFPBMC_BAD_LEN);
    /* Padding contents are not inspected (as in OVS). */
    CHECK_ERR(decode_hex("0001000c8000000400000001ffffffff"), 0);
}

static void
test_malformed_tlvs(void)
{
    /* Valid: in_port=1. */
    CHECK_ERR(decode_tlvs("8000000400000001"), 0);

    /* Truncated TLV header and payload. */
    CHECK_ERR(decode_tlvs("80"), OFPERR_OFPBMC_BAD_LEN);
    CHECK_ERR(decode_tlvs("800000"), OFPERR_OFPBMC_BAD_LEN);
    CHECK_ERR(decode_tlvs("80000004"), OFPERR_OFPBMC_BAD_LEN);
    CHECK_ERR(decode_tlvs("80000004000000"), OFPERR_OFPBMC_BAD_LEN);
    CHECK_ERR(decode_tlvs("8000000400000001 80"), OFPERR_OFPBMC_BAD_LEN);
    /* Truncated unknown field: the length problem wins. */
    CHECK_ERR(decode_tlvs("80000204000000"), OFPERR_OFPBMC_BAD_LEN);

    /* Length that is not the field's width. */
    CHECK_ERR(decode_tlvs("80000003000001"), OFPERR_OFPBMC_BAD_LEN);
    CHECK_ERR(decode_tlvs("800000050000000100"), OFPERR_OFPBMC_BAD_LEN);
    CHECK_ERR(decode_tlvs("80000a0108"), OFPERR_OFPBMC_BAD_LEN);
    CHECK_ERR(decode_tlvs("80000a00"), OFPERR_OFPBMC_BAD_LEN);
    /* Masked: length must be twice the width. */
    CHECK_ERR(decode_tlvs("8000050f000000000000000000ffffffffffffff"),
              OFPERR_OFPBMC_BAD_LEN);
    CHECK_ERR(decode_tlvs("800005080000000000000001"), OFPERR_OFPBMC_BAD_LEN);
    CHECK_ERR(decode_tlvs("000101040000000f"), OFPERR_OFPBMC_BAD_LEN);

    /* Unknown fields. */
    CHECK_ERR(decode_tlvs("8000020400000001"), OFPERR_OFPBMC_BAD_FIELD);
    CHECK_ERR(decode_tlvs("80001001 00"), OFPERR_OFPBMC_BAD_FIELD);
    CHECK_ERR(decode_tlvs("80007e0400000001"), OFPERR_OFPBMC_BAD_FIELD);
    CHECK_ERR(decode_tlvs("0001200800000000 00000001"),
              OFPERR_OFPBMC_BAD_FIELD);
    CHECK_ERR(decode_tlvs("0000000400000001"), OFPERR_OFPBMC_BAD_FIELD);
    CHECK_ERR(decode_tlvs("0002000400000001"), OFPERR_OFPBMC_BAD_FIELD);
    CHECK_ERR(decode_tlvs("ffff000800002320 00000001"),
              OFPERR_OFPBMC_BAD_FIELD);
    /* An experimenter TLV too short for its experimenter ID. */
    CHECK_ERR(decode_tlvs("ffff00020000"), OFPERR_OFPBMC_BAD_LEN);

    /* A mask on a field the spec does not allow to be masked, even an
     * all-ones one. */
    CHECK_ERR(decode_tlvs("80000108 00000001 ffffffff"),
              OFPERR_OFPBMC_BAD_MASK);
    CHECK_ERR(decode_tlvs("80000b04 0800 ffff"), OFPERR_OFPBMC_BAD_MASK);
    CHECK_ERR(decode_tlvs("80000a02 0800 80001502 06 ff"),
              OFPERR_OFPBMC_BAD_MASK);
    /* nd_sll and nd_tll stay unmaskable; nd_target is maskable (OVS). */
    CHECK_ERR(decode_tlvs("80000a0286dd 800014013a 80003a0187 "
                          "8000410c 001122000000 ffffff000000"),
              OFPERR_OFPBMC_BAD_MASK);
    CHECK_ERR(decode_tlvs("80000a0286dd 800014013a 80003a0188 "
                          "8000430c 001122000000 ffffff000000"),
              OFPERR_OFPBMC_BAD_MASK);
    CHECK_ERR(decode_tlvs("80000a0286dd 800014013a 80003a0188 "
                          "80003f20 20010db8000000000000000000000000 "
                          "ffffffffffffffff0000000000000000"),
              0);
    /* ... with value bits outside its mask. */
    CHECK_ERR(decode_tlvs("80000a0286dd 800014013a 80003a0188 "
                          "80003f20 20010db8000000000000000000000001 "
                          "ffffffffffffffff0000000000000000"),
              OFPERR_OFPBMC_BAD_WILDCARDS);

    /* Value bits outside the mask. */
    CHECK_ERR(decode_tlvs("80000510 0000000000000001 0000000000000000"),
              OFPERR_OFPBMC_BAD_WILDCARDS);
    CHECK_ERR(decode_tlvs("80000d04 1001 1000"), OFPERR_OFPBMC_BAD_WILDCARDS);
    CHECK_ERR(decode_tlvs("00010108 00000003 fffffffe"),
              OFPERR_OFPBMC_BAD_WILDCARDS);
    /* ... on an unmaskable field too: checked first, as in OVS. */
    CHECK_ERR(decode_tlvs("80000108 00000001 fffffff0"),
              OFPERR_OFPBMC_BAD_WILDCARDS);
    /* An all-zero mask is fine (and matches anything). */
    CHECK_ERR(decode_tlvs("80000510 0000000000000000 0000000000000000"), 0);

    /* Duplicates, exact or masked. */
    CHECK_ERR(decode_tlvs("8000000400000001 8000000400000002"),
              OFPERR_OFPBMC_DUP_FIELD);
    CHECK_ERR(decode_tlvs("0001000400000001 00010108 00000000 0000000f"),
              OFPERR_OFPBMC_DUP_FIELD);
    CHECK_ERR(decode_tlvs("80000a020800 80000a020800"),
              OFPERR_OFPBMC_DUP_FIELD);

    /* Bad values. */
    CHECK_ERR(decode_tlvs("8000000400000000"), OFPERR_OFPBMC_BAD_VALUE);
    CHECK_ERR(decode_tlvs("80000004ffffffff"), OFPERR_OFPBMC_BAD_VALUE);
    CHECK_ERR(decode_tlvs("80000004ffffff01"), OFPERR_OFPBMC_BAD_VALUE);
    CHECK_ERR(decode_tlvs("80000004fffffff7"), OFPERR_OFPBMC_BAD_VALUE);
    CHECK_ERR(decode_tlvs("80000004ffffff00"), 0);
    CHECK_ERR(decode_tlvs("80000004fffffff8"), 0);
    CHECK_ERR(decode_tlvs("80000004fffffffe"), 0);
    CHECK_ERR(decode_tlvs("80000c022000"), OFPERR_OFPBMC_BAD_VALUE);
    CHECK_ERR(decode_tlvs("80000c021fff"), 0);
    CHECK_ERR(decode_tlvs("80000d04 2000 f000"), OFPERR_OFPBMC_BAD_VALUE);
    CHECK_ERR(decode_tlvs("80000c021001 80000e0108"), OFPERR_OFPBMC_BAD_VALUE);
    CHECK_ERR(decode_tlvs("80000c021001 80000e0107"), 0);
    CHECK_ERR(decode_tlvs("80000a020806 80002a020100"),
              OFPERR_OFPBMC_BAD_VALUE);
    CHECK_ERR(decode_tlvs("80000a020806 80002a0200ff"), 0);
}

/* One bad-prerequisite case: 'tlvs' decode to OFPBMC_BAD_PREREQ, and the
 * same match built with the setters fails validation and encoding. */
static void
check_bad_prereq(const char *tlvs)
{
    CHECK_ERR(decode_tlvs(tlvs), OFPERR_OFPBMC_BAD_PREREQ);

    /* Rebuild the match with ofp_oxm_pull + ofp_match_set. */
    struct ofp_buf b, v;
    struct ofp_match m;
    ofp_buf_init(&b);
    put_hex(&b, tlvs);
    ofp_buf_use_const(&v, b.data, b.size);
    ofp_match_init(&m);
    while (v.size) {
        enum ofp_field_id id;
        uint8_t value[16], mask[16];
        bool has_mask;
        if (ofp_oxm_pull(&v, &id, value, mask, &has_mask)) {
            CHECK(false);
            break;
        }
        ofp_match_set(&m, id, value, has_mask ? mask : NULL);
    }
    ofp_buf_uninit(&b);

    CHECK_ERR(ofp_match_validate(&m), OFPERR_OFPBMC_BAD_PREREQ);
    ofp_buf_init(&b);
    CHECK_ERR(ofp_match_encode(&m, &b), OFPERR_OFPBMC_BAD_PREREQ);
    CHECK_EQ(b.size, 0);
    ofp_buf_uninit(&b);
}

static void
test_prereqs(void)
{
    /* OFPPR_VLAN: vlan_pcp without vlan_vid, with vlan_vid=NONE, with the
     * present bit wildcarded. */
    check_bad_prereq("80000e0103");
    check_bad_prereq("80000c020000 80000e0103");
    check_bad_prereq("80000d04 0005 0fff 80000e0103");
    CHECK_ERR(decode_tlvs("80000d04 1000 1000 80000e0103"), 0);

    /* OFPPR_IP_ANY: ip_proto without eth_type, with ARP. */
    check_bad_prereq("80001401 06");
    check_bad_prereq("80000a020806 80001401 06");
    CHECK_ERR(decode_tlvs("80000a0286dd 8000140106"), 0);

    /* OFPPR_IPV4 / OFPPR_IPV6. */
    check_bad_prereq("80001604 0a000001");
    check_bad_prereq("80000a0286dd 80001604 0a000001");
    check_bad_prereq("80000a020800 80003410 00000000000000000000000000000001");
    check_bad_prereq("80003610 00000000000000000000000000000001");

    /* OFPPR_ARP. */
    check_bad_prereq("80002a020001");
    check_bad_prereq("80000a020800 80002c04 0a000001");
    check_bad_prereq("80000a028035 80002a020001");

    /* OFPPR_TCP / OFPPR_UDP: wrong or missing ip_proto, missing IP. */
    check_bad_prereq("80000a020800 8000140111 80001a020050");
    check_bad_prereq("80000a020800 80001a020050");
    check_bad_prereq("8000140106 80001a020050");
    check_bad_prereq("80000a020800 8000140106 80001e020044");
    check_bad_prereq("80000a0286dd 8000140106 800020020043");

    /* OFPPR_ICMPV4 / OFPPR_ICMPV6: crossed IP versions. */
    check_bad_prereq("80000a0286dd 8000140101 8000260108");
    check_bad_prereq("80000a020800 800014013a 80003a0187");
    check_bad_prereq("80000a020800 800014013a 8000280100");
    check_bad_prereq("80000a0286dd 8000140111 80003c0100");

    /* OFPPR_ND / _NS / _NA. */
    check_bad_prereq("80000a0286dd 800014013a 80003a0180 "
                     "80003e10 fe800000000000000000000000000001");
    check_bad_prereq("80000a0286dd 800014013a "
                     "80003e10 fe800000000000000000000000000001");
    check_bad_prereq("80000a0286dd 800014013a 80003a0188 "
                     "80004006 001122334455");
    check_bad_prereq("80000a0286dd 800014013a 80003a0187 "
                     "80004206 001122334455");
    /* ND also needs icmpv6_code 0, when given (as in OVS). */
    check_bad_prereq("80000a0286dd 800014013a 80003a0187 80003c0101 "
                     "80003e10 fe800000000000000000000000000001");
    CHECK_ERR(decode_tlvs("80000a0286dd 800014013a 80003a0188 80003c0100 "
                          "80003e10 fe800000000000000000000000000001"),
              0);

    /* Order does not matter for prerequisites. */
    CHECK_ERR(decode_tlvs("80001a020050 8000140106 80000a020800"), 0);
}

static void
test_validate(void)
{
    struct ofp_match m;
    struct ofp_buf b;

    ofp_buf_init(&b);

    /* A mask on an unmaskable field. */
    ofp_match_init(&m);
    ofp_match_set_u32_masked(&m, OFPF_IN_PORT, 0x10, 0xf0);
    CHECK_ERR(ofp_match_validate(&m), OFPERR_OFPBMC_BAD_MASK);
    CHECK_ERR(ofp_match_encode(&m, &b), OFPERR_OFPBMC_BAD_MASK);
    CHECK_EQ(b.size, 0);

    /* Value bits outside the mask. */
    ofp_match_init(&m);
    ofp_match_set_u32_masked(&m, OFPF_REG(1), 0x11, 0xf0);
    CHECK_ERR(ofp_match_validate(&m), OFPERR_OFPBMC_BAD_WILDCARDS);
    CHECK_ERR(ofp_match_encode(&m, &b), OFPERR_OFPBMC_BAD_WILDCARDS);
    CHECK_EQ(b.size, 0);

    /* Bad values. */
    ofp_match_init(&m);
    ofp_match_set_u16(&m, OFPF_VLAN_VID, 0x2001);
    CHECK_ERR(ofp_match_validate(&m), OFPERR_OFPBMC_BAD_VALUE);
    ofp_match_init(&m);
    ofp_match_set_u32(&m, OFPF_IN_PORT, 0);
    CHECK_ERR(ofp_match_encode(&m, &b), OFPERR_OFPBMC_BAD_VALUE);
    CHECK_EQ(b.size, 0);

    /* ip_frag (NXM_NX_IP_FRAG, class 0x0001, field 26): two bits, on IPv4
     * or IPv6 only. */
    CHECK_ERR(decode_tlvs("80000a020800 0001340101"), 0);
    CHECK_ERR(decode_tlvs("80000a0286dd 0001340103"), 0);
    CHECK_ERR(decode_tlvs("80000a020800 000135020002"), 0);
    CHECK_ERR(decode_tlvs("80000a020800 0001350201ff"), 0);
    CHECK_ERR(decode_tlvs("80000a020800 0001340104"), OFPERR_OFPBMC_BAD_VALUE);
    CHECK_ERR(decode_tlvs("80000a020800 000135020006"),
              OFPERR_OFPBMC_BAD_MASK);
    CHECK_ERR(decode_tlvs("80000a020800 000135020302"),
              OFPERR_OFPBMC_BAD_WILDCARDS);
    CHECK_ERR(decode_tlvs("0001340101"), OFPERR_OFPBMC_BAD_PREREQ);
    /* A mask with both bits is an exact match, as Open vSwitch sends it
     * back in a flow dump. */
    {
        struct ofp_match a, e;
        static const uint8_t first = OFP_IP_FRAG_ANY, both = OFP_IP_FRAG_MASK;
        ofp_match_init(&a);
        ofp_match_init(&e);
        ofp_match_set_u16(&a, OFPF_ETH_TYPE, 0x0800);
        ofp_match_set_u16(&e, OFPF_ETH_TYPE, 0x0800);
        ofp_match_set(&a, OFPF_IP_FRAG, &first, &both);
        ofp_match_set(&e, OFPF_IP_FRAG, &first, NULL);
        CHECK(ofp_match_equal(&a, &e));
        CHECK(!(a.masked & (UINT64_C(1) << OFPF_IP_FRAG)));
    }
    CHECK_ERR(decode_tlvs("80000a020806 0001340101"),
              OFPERR_OFPBMC_BAD_PREREQ);

    /* Masked with an all-ones mask (as decoded from the wire) is kept
     * masked and round-trips. */
    CHECK_EQ(decode_tlvs("8000070c 001122334455 ffffffffffff"), 0);
    ofp_buf_clear(&b);
    put_hex(&b, "000100148000070c001122334455ffffffffffff00000000");
    struct ofp_buf view;
    ofp_buf_use_const(&view, b.data, b.size);
    CHECK_EQ(ofp_match_decode(&view, &m), 0);
    CHECK(m.masked & (UINT64_C(1) << OFPF_ETH_DST));
    struct ofp_buf enc;
    ofp_buf_init(&enc);
    CHECK_EQ(ofp_match_encode(&m, &enc), 0);
    CHECK_HEX(enc.data, enc.size,
              "000100148000070c001122334455ffffffffffff00000000");
    ofp_buf_uninit(&enc);
    ofp_buf_uninit(&b);
}

int
main(void)
{
    test_errors();
    test_field_table();
    test_accessors();
    test_every_field();
    test_golden();
    test_malformed_header();
    test_malformed_tlvs();
    test_prereqs();
    test_validate();
    return check_summary();
}
