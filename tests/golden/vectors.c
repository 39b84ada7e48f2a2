/* Golden vectors: named OpenFlow 1.3 messages built through the libofp API.
 *
 * Each vector is one complete message encoded by libofp's specific encoders.
 * For every vector this program checks that ofp_msg_decode() followed by
 * ofp_msg_encode() gives back the same bytes, then prints "NAME HEX" on
 * stdout.  tests/test_golden.py feeds each HEX to `ovs-ofctl ofp-print` and
 * compares the text with tests/golden/expected/NAME.txt, so Open vSwitch is
 * the independent judge of every encoder.  tests/fuzz/gen-corpus.py turns
 * the same output into the fuzzers' seed corpora.
 *
 * The vectors cover every message kind of ofp/msgs.h (both bundle forms),
 * every OXM field of ofp/match.h exact and, where maskable, masked, every
 * action and instruction, every flow_mod command, every group type, both
 * meter band types, each multipart request and reply type and errors of
 * several types.  The OpenFlow 1.0 messages of ofp/of10.h (vectors named
 * "of10_*", gen_of10()) round-trip through the 1.0 decoders and encoders
 * instead, since ofp_msg_decode() speaks 1.3 only.
 *
 * Usage: vectors [--flows]
 *   --flows  print the flow_mod vectors as ovs-ofctl flow text instead
 *            (ofp_flow_mod_format()), one per line: the parser's corpus.
 *
 * Exit status: 0 if every vector encoded and round-tripped, 1 otherwise
 * (each failure is named on stderr). */
#include <config.h>

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ofp/actions.h"
#include "ofp/buf.h"
#include "ofp/errors.h"
#include "ofp/match.h"
#include "ofp/msgs.h"
#include "ofp/of10.h"
#include "ofp/print.h"
#include "src/bondlearn.h"

static bool failed;     /* Some vector failed. */
static bool flows_mode; /* --flows: print flow texts, not vectors. */
static int n_vectors;   /* Vectors printed. */
/* Returns the transaction id of vector 'name': a hash of the name, so that
 * every vector has its own xid and adding a vector changes no other
 * vector's bytes. */
static uint32_t
xid__(const char *name)
{
    uint32_t hash = 2166136261u; /* FNV-1a. */
    for (const char *p = name; *p; p++) {
        hash = (hash ^ (uint8_t)*p) * 16777619u;
    }
    return hash;
}

/* Reports that vector 'name' failed with 'what'. */
static void
fail__(const char *name, const char *what)
{
    fprintf(stderr, "vectors: %s: %s\n", name, what);
    failed = true;
}

/* Reports encoder error 'error' for vector 'name' if it is nonzero.
 * Returns true if it was zero. */
static bool
ok__(const char *name, int error)
{
    if (error) {
        char what[128];
        snprintf(what, sizeof what, "encode failed: %s", ofp_strerror(error));
        fail__(name, what);
        return false;
    }
    return true;
}

/* Prints 'len' bytes at 'p' as hex to stream 'f'. */
static void
put_hex__(FILE *f, const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        fprintf(f, "%02x", p[i]);
    }
}

/* Prints 'fm' in ovs-ofctl add-flow syntax, the parser's input. */
static void
print_flow_text__(const struct ofp_flow_mod *fm)
{
    struct ofp_buf text;
    ofp_buf_init(&text);
    ofp_buf_put_format(&text, "cookie=0x%llx,table=%d,priority=%d",
                       (unsigned long long)fm->cookie, fm->table_id,
                       fm->priority);
    if (fm->idle_timeout) {
        ofp_buf_put_format(&text, ",idle_timeout=%d", fm->idle_timeout);
    }
    if (fm->hard_timeout) {
        ofp_buf_put_format(&text, ",hard_timeout=%d", fm->hard_timeout);
    }
    size_t before = text.size;
    ofp_buf_put_char(&text, ',');
    ofp_match_format(&fm->match, &text);
    if (text.size == before + 1) {
        text.size = before;
    }
    ofp_buf_put_cstr(&text, " actions=");
    ofp_instructions_format(&fm->insts, &text);
    printf("%s\n", ofp_buf_cstr(&text));
    ofp_buf_uninit(&text);
}

/* Checks that 'b' holds exactly one message that survives decode ->
 * encode unchanged, then prints it as vector 'name'.  Frees 'b'. */
static void
emit(const char *name, struct ofp_buf *b)
{
    size_t len;
    int error = ofp_msg_frame(b->data, b->size, &len);
    if (error || len != b->size) {
        fail__(name, "encoder did not produce exactly one message");
        ofp_buf_uninit(b);
        return;
    }

    struct ofp_msg msg;
    memset(&msg, 0, sizeof msg);
    error = ofp_msg_decode(b->data, b->size, &msg);
    if (error) {
        char what[128];
        snprintf(what, sizeof what, "decode failed: %s", ofp_strerror(error));
        fail__(name, what);
        ofp_buf_uninit(b);
        return;
    }

    struct ofp_buf again;
    ofp_buf_init(&again);
    error = ofp_msg_encode(&msg, &again);
    if (error) {
        char what[128];
        snprintf(what, sizeof what, "re-encode failed: %s",
                 ofp_strerror(error));
        fail__(name, what);
    } else if (again.size != b->size || memcmp(again.data, b->data, b->size)) {
        fail__(name, "encode -> decode -> encode is not byte-identical");
        fprintf(stderr, "  first:  ");
        put_hex__(stderr, b->data, b->size);
        fprintf(stderr, "\n  second: ");
        put_hex__(stderr, again.data, again.size);
        fprintf(stderr, "\n");
    }

    if (flows_mode) {
        if (msg.kind == OFPK_FLOW_MOD) {
            print_flow_text__(&msg.flow_mod);
        }
    } else {
        printf("%s ", name);
        put_hex__(stdout, b->data, b->size);
        printf("\n");
    }
    n_vectors++;

    ofp_msg_uninit(&msg);
    ofp_buf_uninit(&again);
    ofp_buf_uninit(b);
}

/* Converts hex string 's' into 'n' bytes at 'out'; aborts on a malformed
 * string, which is a bug in this file. */
static void
hex__(const char *s, void *out, size_t n)
{
    uint8_t *p = out;
    if (strlen(s) != 2 * n) {
        fprintf(stderr, "vectors: bad hex constant %s\n", s);
        abort();
    }
    for (size_t i = 0; i < n; i++) {
        unsigned int x;
        if (sscanf(s + 2 * i, "%2x", &x) != 1) {
            fprintf(stderr, "vectors: bad hex constant %s\n", s);
            abort();
        }
        p[i] = x;
    }
}

/* Sets field 'id' of 'm' from hex 'value' and optional hex 'mask'. */
static void
set_hex__(struct ofp_match *m, enum ofp_field_id id, const char *value,
          const char *mask)
{
    const struct ofp_field_info *info = ofp_field_info(id);
    uint8_t v[16], k[16];
    hex__(value, v, info->len);
    if (mask) {
        hex__(mask, k, info->len);
    }
    ofp_match_set(m, id, v, mask ? k : NULL);
}

/* Adds a set_field action for 'id' with hex 'value' to 'acts'. */
static void
add_set_field__(struct ofp_actions *acts, enum ofp_field_id id,
                const char *value)
{
    uint8_t v[16];
    hex__(value, v, ofp_field_info(id)->len);
    ofp_actions_add_set_field(acts, id, v);
}

/* Common values. */
#define MAC1 "020000000001"
#define MAC2 "020000000002"
#define IP4_1 "0a000001"                         /* 10.0.0.1 */
#define IP6_1 "20010db8000000000000000000000001" /* 2001:db8::1 */

/* An ARP request from 02:00:00:00:00:01 10.0.0.1 for 10.0.0.2, used as the
 * data of packet-ins, packet-outs and echoes. */
static const uint8_t arp_frame[42] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00,
    0x01, 0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,
    0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x01, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x02,
};

/* A UDP DHCP discover-like frame (IPv4, 0.0.0.0:68 -> 255.255.255.255:67),
 * headers only, with correct IPv4 header checksum. */
static const uint8_t dhcp_frame[42] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00,
    0x01, 0x08, 0x00, 0x45, 0x00, 0x00, 0x1c, 0x00, 0x00, 0x00, 0x00,
    0x40, 0x11, 0x7a, 0xd2, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff,
    0xff, 0x00, 0x44, 0x00, 0x43, 0x00, 0x08, 0x00, 0x00,
};

/* ---- Flow mods ---- */

/* Encodes 'fm' and emits it as 'name'; uninitializes 'fm'. */
static void
emit_flow_mod(const char *name, struct ofp_flow_mod *fm)
{
    struct ofp_buf b;
    ofp_buf_init(&b);
    if (ok__(name, ofp_flow_mod_encode(fm, xid__(name), &b))) {
        emit(name, &b);
    } else {
        ofp_buf_uninit(&b);
    }
    ofp_flow_mod_uninit(fm);
}

/* Per-field test data: a realistic value and, for maskable fields, a masked
 * value/mask pair.  Prerequisites are added by set_prereqs__(). */
struct field_vec {
    enum ofp_field_id id;
    const char *name;   /* Vector name suffix. */
    const char *value;  /* Hex, the field's width. */
    const char *mvalue; /* Masked value, or NULL. */
    const char *mask;   /* Mask, or NULL. */
};

static const struct field_vec field_vecs[] = {
    { OFPF_IN_PORT, "in_port", "00000005", NULL, NULL },
    { OFPF_METADATA, "metadata", "0123456789abcdef", "0000000000001200",
      "000000000000ff00" },
    { OFPF_ETH_DST, "eth_dst", MAC2, "010000000000", "010000000000" },
    { OFPF_ETH_SRC, "eth_src", MAC1, "020000000000", "ffffff000000" },
    { OFPF_ETH_TYPE, "eth_type", "88cc", NULL, NULL },
    { OFPF_VLAN_VID, "vlan_vid", "100a", "1000", "1000" },
    { OFPF_VLAN_PCP, "vlan_pcp", "05", NULL, NULL },
    { OFPF_IP_PROTO, "ip_proto", "2f", NULL, NULL },
    { OFPF_IPV4_SRC, "ipv4_src", IP4_1, "0a000000", "ffffff00" },
    { OFPF_IPV4_DST, "ipv4_dst", "0a000002", "c0a80000", "ffff0000" },
    { OFPF_TCP_SRC, "tcp_src", "04d2", NULL, NULL },
    { OFPF_TCP_DST, "tcp_dst", "0050", NULL, NULL },
    { OFPF_UDP_SRC, "udp_src", "0044", NULL, NULL },
    { OFPF_UDP_DST, "udp_dst", "0043", NULL, NULL },
    { OFPF_ICMPV4_TYPE, "icmpv4_type", "08", NULL, NULL },
    { OFPF_ICMPV4_CODE, "icmpv4_code", "03", NULL, NULL },
    { OFPF_ARP_OP, "arp_op", "0002", NULL, NULL },
    { OFPF_ARP_SPA, "arp_spa", IP4_1, "0a000000", "ffffff00" },
    { OFPF_ARP_TPA, "arp_tpa", "0a0000fe", "0a000000", "ff000000" },
    { OFPF_ARP_SHA, "arp_sha", MAC1, "020000000000", "ffffff000000" },
    { OFPF_ARP_THA, "arp_tha", "0200000000fe", "000000000000",
      "010000000000" },
    { OFPF_IPV6_SRC, "ipv6_src", IP6_1, "20010db8000000000000000000000000",
      "ffffffff000000000000000000000000" },
    { OFPF_IPV6_DST, "ipv6_dst", "ff020000000000000000000000000001",
      "fe800000000000000000000000000000", "ffc00000000000000000000000000000" },
    { OFPF_ICMPV6_TYPE, "icmpv6_type", "87", NULL, NULL },
    { OFPF_ICMPV6_CODE, "icmpv6_code", "01", NULL, NULL },
    { OFPF_IPV6_ND_TARGET, "ipv6_nd_target", IP6_1,
      "20010db8000100000000000000000000", "ffffffffffffffff0000000000000000" },
    { OFPF_IPV6_ND_SLL, "ipv6_nd_sll", MAC1, NULL, NULL },
    { OFPF_IPV6_ND_TLL, "ipv6_nd_tll", "02000000000a", NULL, NULL },
    { OFPF_IP_FRAG, "ip_frag", "01", "00", "02" },
};

/* Adds to 'm' the prerequisites of field 'id' (not 'id' itself). */
static void
set_prereqs__(struct ofp_match *m, enum ofp_field_id id)
{
    switch (ofp_field_info(id)->prereq) {
    case OFPPR_NONE:
        break;
    case OFPPR_VLAN:
        ofp_match_set_u16(m, OFPF_VLAN_VID, OFPVID_PRESENT | 10);
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
        ofp_match_set_u16(m, OFPF_ETH_TYPE, 0x0800);
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
        ofp_match_set_u16(m, OFPF_ETH_TYPE, 0x86dd);
        ofp_match_set_u8(m, OFPF_IP_PROTO, 58);
        ofp_match_set_u8(m, OFPF_ICMPV6_TYPE, 135);
        break;
    case OFPPR_ND_NA:
        ofp_match_set_u16(m, OFPF_ETH_TYPE, 0x86dd);
        ofp_match_set_u8(m, OFPF_IP_PROTO, 58);
        ofp_match_set_u8(m, OFPF_ICMPV6_TYPE, 136);
        break;
    }
}

/* Emits one flow_mod per OXM field matching that field exactly, and one
 * with a mask for each maskable field. */
static void
gen_fields(void)
{
    bool covered[OFPF_N_FIELDS] = { false };

    for (size_t i = 0; i < sizeof field_vecs / sizeof *field_vecs; i++) {
        const struct field_vec *fv = &field_vecs[i];
        const struct ofp_field_info *info = ofp_field_info(fv->id);
        char name[64];

        covered[fv->id] = true;
        for (int masked = 0; masked < 2; masked++) {
            if (masked && !info->maskable) {
                break;
            }
            snprintf(name, sizeof name, "oxm_%s%s", fv->name,
                     masked ? "_masked" : "");
            if (masked && !fv->mask) {
                fail__(name, "field is maskable but has no test mask");
                continue;
            }

            struct ofp_flow_mod fm;
            ofp_flow_mod_init(&fm);
            fm.priority = 100 + fv->id;
            fm.cookie = 0x1000 + fv->id;
            set_prereqs__(&fm.match, fv->id);
            if (masked) {
                set_hex__(&fm.match, fv->id, fv->mvalue, fv->mask);
            } else {
                set_hex__(&fm.match, fv->id, fv->value, NULL);
            }
            ofp_actions_add_output(ofp_instructions_apply(&fm.insts), 1, 0);
            emit_flow_mod(name, &fm);
        }
    }

    /* Registers: every one exact, every one masked. */
    for (int r = 0; r < 16; r++) {
        enum ofp_field_id id = OFPF_REG(r);
        char name[64];

        covered[id] = true;
        for (int masked = 0; masked < 2; masked++) {
            struct ofp_flow_mod fm;
            ofp_flow_mod_init(&fm);
            fm.priority = 200 + r;
            fm.table_id = 1;
            if (masked) {
                ofp_match_set_u32_masked(&fm.match, id, (uint32_t)(r + 1) << 8,
                                         0x0000ff00);
            } else {
                ofp_match_set_u32(&fm.match, id, 0x100 + r);
            }
            snprintf(name, sizeof name, "oxm_reg%d%s", r,
                     masked ? "_masked" : "");
            if (masked && !ofp_field_info(id)->maskable) {
                ofp_flow_mod_uninit(&fm);
                break;
            }
            emit_flow_mod(name, &fm);
        }
    }

    for (int id = 0; id < OFPF_N_FIELDS; id++) {
        if (!covered[id]) {
            char name[64];
            snprintf(name, sizeof name, "oxm_field_%d", id);
            fail__(name, "field has no golden vector");
        }
    }
}

/* A flow_mod in table 0 with match 'm' prerequisites for 'id', so that
 * actions that write 'id' are consistent with the match. */
static void
flow_for_set_field__(struct ofp_flow_mod *fm, enum ofp_field_id id)
{
    ofp_flow_mod_init(fm);
    fm->priority = 300;
    ofp_match_set_u32(&fm->match, OFPF_IN_PORT, 1);
    set_prereqs__(&fm->match, id);
}

/* Emits flow_mods covering every action type, output to each reserved port,
 * and set_field for the fields a switch can write. */
static void
gen_actions(void)
{
    static const struct {
        const char *name;
        uint32_t port;
        uint16_t max_len;
    } outputs[] = {
        { "act_output_port", 2, 0 },
        { "act_output_port_max", 0xfeff, 0 },
        { "act_output_controller", OFPP_CONTROLLER, 128 },
        { "act_output_controller_nobuf", OFPP_CONTROLLER, OFPCML_NO_BUFFER },
        { "act_output_normal", OFPP_NORMAL, 0 },
        { "act_output_flood", OFPP_FLOOD, 0 },
        { "act_output_all", OFPP_ALL, 0 },
        { "act_output_in_port", OFPP_IN_PORT, 0 },
        { "act_output_local", OFPP_LOCAL, 0 },
    };
    for (size_t i = 0; i < sizeof outputs / sizeof *outputs; i++) {
        struct ofp_flow_mod fm;
        ofp_flow_mod_init(&fm);
        fm.priority = 400;
        ofp_match_set_u32(&fm.match, OFPF_IN_PORT, 1);
        ofp_actions_add_output(ofp_instructions_apply(&fm.insts),
                               outputs[i].port, outputs[i].max_len);
        emit_flow_mod(outputs[i].name, &fm);
    }

    struct ofp_flow_mod fm;
    struct ofp_actions *a;

    ofp_flow_mod_init(&fm);
    ofp_match_set_u32(&fm.match, OFPF_IN_PORT, 1);
    ofp_actions_add_group(ofp_instructions_apply(&fm.insts), 7);
    emit_flow_mod("act_group", &fm);

    ofp_flow_mod_init(&fm);
    ofp_match_set_u32(&fm.match, OFPF_IN_PORT, 1);
    a = ofp_instructions_apply(&fm.insts);
    ofp_actions_add_push_vlan(a, 0x8100);
    ofp_match_set_u16(&fm.match, OFPF_ETH_TYPE, 0x0800);
    add_set_field__(a, OFPF_VLAN_VID, "100a");
    ofp_actions_add_output(a, 2, 0);
    emit_flow_mod("act_push_vlan_8100", &fm);

    ofp_flow_mod_init(&fm);
    ofp_match_set_u32(&fm.match, OFPF_IN_PORT, 1);
    a = ofp_instructions_apply(&fm.insts);
    ofp_actions_add_push_vlan(a, 0x88a8);
    ofp_actions_add_output(a, 2, 0);
    emit_flow_mod("act_push_vlan_88a8", &fm);

    ofp_flow_mod_init(&fm);
    ofp_match_set_u32(&fm.match, OFPF_IN_PORT, 2);
    ofp_match_set_u16(&fm.match, OFPF_VLAN_VID, OFPVID_PRESENT | 10);
    a = ofp_instructions_apply(&fm.insts);
    ofp_actions_add_pop_vlan(a);
    ofp_actions_add_output(a, 1, 0);
    emit_flow_mod("act_pop_vlan", &fm);

    /* Several actions in one list, as the daemon writes them. */
    ofp_flow_mod_init(&fm);
    ofp_match_set_u32(&fm.match, OFPF_IN_PORT, 3);
    a = ofp_instructions_apply(&fm.insts);
    add_set_field__(a, OFPF_REG(0), "00000003");
    ofp_actions_add_output(a, 1, 0);
    ofp_actions_add_output(a, 2, 0);
    ofp_actions_add_output(a, OFPP_CONTROLLER, 64);
    emit_flow_mod("act_list", &fm);

    static const struct {
        const char *name;
        enum ofp_field_id id;
        const char *value;
    } sets[] = {
        { "act_set_field_eth_dst", OFPF_ETH_DST, MAC2 },
        { "act_set_field_eth_src", OFPF_ETH_SRC, MAC1 },
        { "act_set_field_vlan_pcp", OFPF_VLAN_PCP, "03" },
        { "act_set_field_ipv4_src", OFPF_IPV4_SRC, IP4_1 },
        { "act_set_field_ipv4_dst", OFPF_IPV4_DST, "c0a80101" },
        { "act_set_field_tcp_src", OFPF_TCP_SRC, "1f90" },
        { "act_set_field_tcp_dst", OFPF_TCP_DST, "0050" },
        { "act_set_field_udp_src", OFPF_UDP_SRC, "0044" },
        { "act_set_field_udp_dst", OFPF_UDP_DST, "0043" },
        { "act_set_field_arp_op", OFPF_ARP_OP, "0002" },
        { "act_set_field_arp_spa", OFPF_ARP_SPA, IP4_1 },
        { "act_set_field_arp_tpa", OFPF_ARP_TPA, "0a000002" },
        { "act_set_field_arp_sha", OFPF_ARP_SHA, MAC1 },
        { "act_set_field_arp_tha", OFPF_ARP_THA, MAC2 },
        { "act_set_field_ipv6_src", OFPF_IPV6_SRC, IP6_1 },
        { "act_set_field_ipv6_dst", OFPF_IPV6_DST,
          "20010db8000000000000000000000002" },
        { "act_set_field_ipv6_nd_target", OFPF_IPV6_ND_TARGET, IP6_1 },
        { "act_set_field_ipv6_nd_sll", OFPF_IPV6_ND_SLL, MAC1 },
        { "act_set_field_ipv6_nd_tll", OFPF_IPV6_ND_TLL, MAC2 },
        { "act_set_field_reg0", OFPF_REG(0), "0000002a" },
        { "act_set_field_reg15", OFPF_REG(15), "deadbeef" },
    };
    for (size_t i = 0; i < sizeof sets / sizeof *sets; i++) {
        flow_for_set_field__(&fm, sets[i].id);
        a = ofp_instructions_apply(&fm.insts);
        add_set_field__(a, sets[i].id, sets[i].value);
        ofp_actions_add_output(a, OFPP_IN_PORT, 0);
        emit_flow_mod(sets[i].name, &fm);
    }

    /* set_field:vlan_vid needs a VLAN header: match one. */
    ofp_flow_mod_init(&fm);
    ofp_match_set_u32(&fm.match, OFPF_IN_PORT, 1);
    ofp_match_set_u16(&fm.match, OFPF_VLAN_VID, OFPVID_PRESENT | 10);
    a = ofp_instructions_apply(&fm.insts);
    add_set_field__(a, OFPF_VLAN_VID, "1014");
    ofp_actions_add_output(a, 2, 0);
    emit_flow_mod("act_set_field_vlan_vid", &fm);
}

/* Emits flow_mods with each instruction type alone and all together. */
static void
gen_instructions(void)
{
    struct ofp_flow_mod fm;

    ofp_flow_mod_init(&fm);
    ofp_match_set_u32(&fm.match, OFPF_IN_PORT, 1);
    ofp_instructions_goto(&fm.insts, 1);
    emit_flow_mod("inst_goto_table", &fm);

    ofp_flow_mod_init(&fm);
    ofp_match_set_u32(&fm.match, OFPF_IN_PORT, 1);
    ofp_instructions_write_metadata(&fm.insts, 0x1234, 0xffff);
    emit_flow_mod("inst_write_metadata", &fm);

    ofp_flow_mod_init(&fm);
    ofp_match_set_u32(&fm.match, OFPF_IN_PORT, 1);
    fm.insts.present |= 1u << OFPIT_WRITE_ACTIONS;
    ofp_actions_add_group(&fm.insts.write, 3);
    ofp_actions_add_output(&fm.insts.write, 2, 0);
    emit_flow_mod("inst_write_actions", &fm);

    ofp_flow_mod_init(&fm);
    ofp_match_set_u32(&fm.match, OFPF_IN_PORT, 1);
    fm.insts.present |= 1u << OFPIT_CLEAR_ACTIONS;
    emit_flow_mod("inst_clear_actions", &fm);

    ofp_flow_mod_init(&fm);
    ofp_match_set_u32(&fm.match, OFPF_IN_PORT, 1);
    fm.insts.present |= 1u << OFPIT_METER;
    fm.insts.meter_id = 5;
    ofp_actions_add_output(ofp_instructions_apply(&fm.insts), 2, 0);
    emit_flow_mod("inst_meter", &fm);

    ofp_flow_mod_init(&fm);
    ofp_match_set_u32(&fm.match, OFPF_IN_PORT, 1);
    ofp_actions_add_output(ofp_instructions_apply(&fm.insts), OFPP_NORMAL, 0);
    emit_flow_mod("inst_apply_actions", &fm);

    /* Empty apply_actions is a valid (if useless) instruction. */
    ofp_flow_mod_init(&fm);
    ofp_match_set_u32(&fm.match, OFPF_IN_PORT, 1);
    ofp_instructions_apply(&fm.insts);
    emit_flow_mod("inst_apply_actions_empty", &fm);

    ofp_flow_mod_init(&fm);
    fm.table_id = 2;
    ofp_match_set_u32(&fm.match, OFPF_IN_PORT, 1);
    fm.insts.present |= 1u << OFPIT_METER;
    fm.insts.meter_id = 1;
    ofp_actions_add_output(ofp_instructions_apply(&fm.insts), OFPP_CONTROLLER,
                           128);
    fm.insts.present |= 1u << OFPIT_CLEAR_ACTIONS;
    fm.insts.present |= 1u << OFPIT_WRITE_ACTIONS;
    ofp_actions_add_output(&fm.insts.write, 3, 0);
    ofp_instructions_write_metadata(&fm.insts, 0xff00, 0xff00);
    ofp_instructions_goto(&fm.insts, 5);
    emit_flow_mod("inst_all", &fm);
}

/* Emits each flow_mod command with the header fields that go with it. */
static void
gen_flow_mod_commands(void)
{
    struct ofp_flow_mod fm;

    ofp_flow_mod_init(&fm);
    fm.cookie = 0x0123456789abcdefULL;
    fm.table_id = 3;
    fm.idle_timeout = 60;
    fm.hard_timeout = 300;
    fm.priority = 1000;
    fm.flags = OFPFF_SEND_FLOW_REM | OFPFF_CHECK_OVERLAP;
    ofp_match_set_u32(&fm.match, OFPF_IN_PORT, 4);
    ofp_actions_add_output(ofp_instructions_apply(&fm.insts), 5, 0);
    emit_flow_mod("flow_mod_add", &fm);

    ofp_flow_mod_init(&fm);
    fm.flags = OFPFF_RESET_COUNTS | OFPFF_NO_PKT_COUNTS | OFPFF_NO_BYT_COUNTS;
    fm.priority = 0;
    emit_flow_mod("flow_mod_add_flags_catchall", &fm);

    ofp_flow_mod_init(&fm);
    fm.buffer_id = 0x100;
    ofp_match_set_u32(&fm.match, OFPF_IN_PORT, 4);
    ofp_actions_add_output(ofp_instructions_apply(&fm.insts), 5, 0);
    emit_flow_mod("flow_mod_add_buffer", &fm);

    ofp_flow_mod_init(&fm);
    fm.command = OFPFC_MODIFY;
    fm.cookie = 0x100000000ULL;
    fm.cookie_mask = 0xffffffff00000000ULL;
    fm.table_id = 1;
    ofp_actions_add_output(ofp_instructions_apply(&fm.insts), OFPP_NORMAL, 0);
    emit_flow_mod("flow_mod_modify", &fm);

    ofp_flow_mod_init(&fm);
    fm.command = OFPFC_MODIFY_STRICT;
    fm.priority = 7000;
    ofp_match_set_u32(&fm.match, OFPF_IN_PORT, 4);
    ofp_match_set_u16(&fm.match, OFPF_ETH_TYPE, 0x0806);
    ofp_actions_add_output(ofp_instructions_apply(&fm.insts), OFPP_NORMAL, 0);
    emit_flow_mod("flow_mod_modify_strict", &fm);

    ofp_flow_mod_init(&fm);
    fm.command = OFPFC_DELETE;
    fm.table_id = OFPTT_ALL;
    fm.cookie = 0x5;
    fm.cookie_mask = UINT64_MAX;
    emit_flow_mod("flow_mod_delete_cookie", &fm);

    ofp_flow_mod_init(&fm);
    fm.command = OFPFC_DELETE;
    fm.table_id = 0;
    fm.out_port = 7;
    fm.out_group = 9;
    ofp_match_set_u32(&fm.match, OFPF_IN_PORT, 7);
    emit_flow_mod("flow_mod_delete_out_port", &fm);

    ofp_flow_mod_init(&fm);
    fm.command = OFPFC_DELETE;
    fm.table_id = OFPTT_ALL;
    emit_flow_mod("flow_mod_delete_all", &fm);

    ofp_flow_mod_init(&fm);
    fm.command = OFPFC_DELETE_STRICT;
    fm.priority = 4000;
    ofp_match_set_u32(&fm.match, OFPF_IN_PORT, 4);
    emit_flow_mod("flow_mod_delete_strict", &fm);
}

/* The locked-mode flows XenServer installs for one VIF with one IPv4 and
 * one IPv6 address (docs: reference-systems.md section 3), as vifguard
 * would write them with a cookie per VIF. */
static void
gen_xenserver_flows(void)
{
    struct ofp_flow_mod fm;
    uint64_t cookie = 0x10001;

#define XS_BEGIN(PRIO)      \
    ofp_flow_mod_init(&fm); \
    fm.cookie = cookie;     \
    fm.priority = (PRIO);   \
    ofp_match_set_u32(&fm.match, OFPF_IN_PORT, 9)
#define XS_MAC() set_hex__(&fm.match, OFPF_ETH_SRC, MAC1, NULL)
#define XS_NORMAL() \
    ofp_actions_add_output(ofp_instructions_apply(&fm.insts), OFPP_NORMAL, 0)

    XS_BEGIN(8000);
    XS_MAC();
    ofp_match_set_u16(&fm.match, OFPF_ETH_TYPE, 0x0800);
    ofp_match_set_u8(&fm.match, OFPF_IP_PROTO, 17);
    ofp_match_set_u16(&fm.match, OFPF_UDP_DST, 67);
    XS_NORMAL();
    emit_flow_mod("xs_dhcp", &fm);

    XS_BEGIN(7000);
    XS_MAC();
    ofp_match_set_u16(&fm.match, OFPF_ETH_TYPE, 0x0806);
    ofp_match_set_u32(&fm.match, OFPF_ARP_SPA, 0);
    set_hex__(&fm.match, OFPF_ARP_SHA, MAC1, NULL);
    XS_NORMAL();
    emit_flow_mod("xs_arp_probe", &fm);

    XS_BEGIN(7000);
    XS_MAC();
    ofp_match_set_u16(&fm.match, OFPF_ETH_TYPE, 0x0806);
    set_hex__(&fm.match, OFPF_ARP_SPA, IP4_1, NULL);
    set_hex__(&fm.match, OFPF_ARP_SHA, MAC1, NULL);
    XS_NORMAL();
    emit_flow_mod("xs_arp", &fm);

    XS_BEGIN(6000);
    XS_MAC();
    ofp_match_set_u16(&fm.match, OFPF_ETH_TYPE, 0x0800);
    set_hex__(&fm.match, OFPF_IPV4_SRC, IP4_1, NULL);
    XS_NORMAL();
    emit_flow_mod("xs_ipv4", &fm);

    XS_BEGIN(8000);
    XS_MAC();
    ofp_match_set_u16(&fm.match, OFPF_ETH_TYPE, 0x86dd);
    set_hex__(&fm.match, OFPF_IPV6_SRC, IP6_1, NULL);
    ofp_match_set_u8(&fm.match, OFPF_IP_PROTO, 58);
    ofp_match_set_u8(&fm.match, OFPF_ICMPV6_TYPE, 135);
    set_hex__(&fm.match, OFPF_IPV6_ND_SLL, MAC1, NULL);
    XS_NORMAL();
    emit_flow_mod("xs_nd_ns", &fm);

    XS_BEGIN(8000);
    XS_MAC();
    ofp_match_set_u16(&fm.match, OFPF_ETH_TYPE, 0x86dd);
    set_hex__(&fm.match, OFPF_IPV6_SRC, IP6_1, NULL);
    ofp_match_set_u8(&fm.match, OFPF_IP_PROTO, 58);
    ofp_match_set_u8(&fm.match, OFPF_ICMPV6_TYPE, 136);
    set_hex__(&fm.match, OFPF_IPV6_ND_TARGET, IP6_1, NULL);
    XS_NORMAL();
    emit_flow_mod("xs_nd_na", &fm);

    XS_BEGIN(5000);
    XS_MAC();
    ofp_match_set_u16(&fm.match, OFPF_ETH_TYPE, 0x86dd);
    set_hex__(&fm.match, OFPF_IPV6_SRC, IP6_1, NULL);
    ofp_match_set_u8(&fm.match, OFPF_IP_PROTO, 6);
    XS_NORMAL();
    emit_flow_mod("xs_tcp6", &fm);

    XS_BEGIN(6000);
    ofp_match_set_u16(&fm.match, OFPF_ETH_TYPE, 0x86dd);
    ofp_match_set_u8(&fm.match, OFPF_IP_PROTO, 58);
    ofp_match_set_u8(&fm.match, OFPF_ICMPV6_TYPE, 134);
    emit_flow_mod("xs_ra_drop", &fm);

    XS_BEGIN(4000);
    emit_flow_mod("xs_drop_rest", &fm);

#undef XS_BEGIN
#undef XS_MAC
#undef XS_NORMAL
}

/* ---- Groups and meters ---- */

/* Encodes group_mod 'g' as 'name'; uninitializes 'g'. */
static void
emit_group_mod(const char *name, struct ofp_group *g)
{
    struct ofp_buf b;
    ofp_buf_init(&b);
    if (ok__(name, ofp_group_mod_encode(g, xid__(name), &b))) {
        emit(name, &b);
    } else {
        ofp_buf_uninit(&b);
    }
    ofp_group_uninit(g);
}

/* Adds a bucket to 'g' that outputs to 'port'. */
static struct ofp_bucket *
add_bucket__(struct ofp_group *g, uint32_t port)
{
    struct ofp_bucket *bk = ofp_group_add_bucket(g);
    bk->weight = 0;
    bk->watch_port = OFPP_ANY;
    bk->watch_group = OFPG_ANY;
    ofp_actions_add_output(&bk->actions, port, 0);
    return bk;
}

/* Fills 'g' with a group of each type, for group_mod and group_desc. */
static void
make_group__(struct ofp_group *g, uint8_t type, uint32_t group_id)
{
    struct ofp_bucket *bk;

    ofp_group_init(g);
    g->command = OFPGC_ADD;
    g->type = type;
    g->group_id = group_id;
    switch (type) {
    case OFPGT_ALL:
        add_bucket__(g, 1);
        add_bucket__(g, 2);
        bk = add_bucket__(g, 3);
        ofp_actions_add_push_vlan(&bk->actions, 0x8100);
        break;
    case OFPGT_SELECT:
        add_bucket__(g, 1)->weight = 10;
        add_bucket__(g, 2)->weight = 20;
        break;
    case OFPGT_INDIRECT:
        add_bucket__(g, 4);
        break;
    case OFPGT_FF:
        add_bucket__(g, 1)->watch_port = 1;
        bk = add_bucket__(g, 2);
        bk->watch_port = 2;
        bk->watch_group = 0;
        break;
    }
}

/* Emits a group_mod of every group type and command. */
static void
gen_groups(void)
{
    struct ofp_group g;

    make_group__(&g, OFPGT_ALL, 1);
    emit_group_mod("group_add_all", &g);
    make_group__(&g, OFPGT_SELECT, 2);
    emit_group_mod("group_add_select", &g);
    make_group__(&g, OFPGT_INDIRECT, 3);
    emit_group_mod("group_add_indirect", &g);
    make_group__(&g, OFPGT_FF, 4);
    emit_group_mod("group_add_ff", &g);

    make_group__(&g, OFPGT_ALL, 1);
    g.command = OFPGC_MODIFY;
    emit_group_mod("group_modify", &g);

    ofp_group_init(&g);
    g.command = OFPGC_ADD;
    g.type = OFPGT_ALL;
    g.group_id = 10;
    emit_group_mod("group_add_empty", &g);

    ofp_group_init(&g);
    g.command = OFPGC_DELETE;
    g.type = OFPGT_ALL;
    g.group_id = 1;
    emit_group_mod("group_delete", &g);

    ofp_group_init(&g);
    g.command = OFPGC_DELETE;
    g.type = OFPGT_ALL;
    g.group_id = OFPG_ALL;
    emit_group_mod("group_delete_all", &g);
}

/* Encodes meter_mod 'mm' as 'name'. */
static void
emit_meter_mod(const char *name, const struct ofp_meter_mod *mm)
{
    struct ofp_buf b;
    ofp_buf_init(&b);
    if (ok__(name, ofp_meter_mod_encode(mm, xid__(name), &b))) {
        emit(name, &b);
    } else {
        ofp_buf_uninit(&b);
    }
}

/* Emits meter_mods with both band types, every flag and command. */
static void
gen_meters(void)
{
    struct ofp_meter_band drop = {
        .type = OFPMBT_DROP,
        .rate = 1000,
        .burst_size = 0,
    };
    struct ofp_meter_band remark = {
        .type = OFPMBT_DSCP_REMARK,
        .rate = 500,
        .burst_size = 0,
        .prec_level = 1,
    };
    struct ofp_meter_band two[2] = {
        { .type = OFPMBT_DSCP_REMARK,
          .rate = 100,
          .burst_size = 50,
          .prec_level = 2 },
        { .type = OFPMBT_DROP, .rate = 200, .burst_size = 100 },
    };
    struct ofp_meter_mod mm;

    mm = (struct ofp_meter_mod){
        .command = OFPMC_ADD,
        .flags = OFPMF_KBPS,
        .meter_id = 1,
        .bands = &drop,
        .n_bands = 1,
    };
    emit_meter_mod("meter_add_drop_kbps", &mm);

    mm = (struct ofp_meter_mod){
        .command = OFPMC_ADD,
        .flags = OFPMF_PKTPS,
        .meter_id = 2,
        .bands = &remark,
        .n_bands = 1,
    };
    emit_meter_mod("meter_add_dscp_remark_pktps", &mm);

    mm = (struct ofp_meter_mod){
        .command = OFPMC_ADD,
        .flags = OFPMF_PKTPS | OFPMF_BURST | OFPMF_STATS,
        .meter_id = 3,
        .bands = two,
        .n_bands = 2,
    };
    emit_meter_mod("meter_add_two_bands_burst_stats", &mm);

    mm = (struct ofp_meter_mod){
        .command = OFPMC_MODIFY,
        .flags = OFPMF_KBPS,
        .meter_id = 1,
        .bands = &remark,
        .n_bands = 1,
    };
    emit_meter_mod("meter_modify", &mm);

    mm = (struct ofp_meter_mod){
        .command = OFPMC_DELETE,
        .flags = 0,
        .meter_id = 1,
    };
    emit_meter_mod("meter_delete", &mm);

    mm = (struct ofp_meter_mod){
        .command = OFPMC_DELETE,
        .flags = 0,
        .meter_id = OFPM_ALL,
    };
    emit_meter_mod("meter_delete_all", &mm);
}

/* ---- Multipart ---- */

/* Encodes request 'req' as 'name'. */
static void
emit_mp_request(const char *name, const struct ofp_mp_request *req)
{
    struct ofp_buf b;
    ofp_buf_init(&b);
    if (ok__(name, ofp_mp_request_encode(req, xid__(name), &b))) {
        emit(name, &b);
    } else {
        ofp_buf_uninit(&b);
    }
}

/* Emits each multipart request type, plain and filtered. */
static void
gen_mp_requests(void)
{
    struct ofp_mp_request req;

    ofp_mp_request_init(&req, OFPMP_PORT_DESC);
    emit_mp_request("mp_request_port_desc", &req);

    ofp_mp_request_init(&req, OFPMP_FLOW);
    emit_mp_request("mp_request_flow_all", &req);

    ofp_mp_request_init(&req, OFPMP_FLOW);
    req.table_id = 0;
    req.out_port = 2;
    req.cookie = 0x10000;
    req.cookie_mask = 0xffff0000;
    ofp_match_set_u32(&req.match, OFPF_IN_PORT, 1);
    ofp_match_set_u16(&req.match, OFPF_ETH_TYPE, 0x0806);
    emit_mp_request("mp_request_flow_filtered", &req);

    ofp_mp_request_init(&req, OFPMP_AGGREGATE);
    emit_mp_request("mp_request_aggregate_all", &req);

    ofp_mp_request_init(&req, OFPMP_AGGREGATE);
    req.table_id = 1;
    req.out_group = 3;
    req.cookie = 0x5;
    req.cookie_mask = UINT64_MAX;
    ofp_match_set_u16(&req.match, OFPF_ETH_TYPE, 0x86dd);
    emit_mp_request("mp_request_aggregate_filtered", &req);

    ofp_mp_request_init(&req, OFPMP_GROUP_DESC);
    emit_mp_request("mp_request_group_desc", &req);

    ofp_mp_request_init(&req, OFPMP_METER);
    emit_mp_request("mp_request_meter_all", &req);

    ofp_mp_request_init(&req, OFPMP_METER);
    req.meter_id = 3;
    emit_mp_request("mp_request_meter_one", &req);

    /* vifguardd's own monitor: every table, additions and modifications,
     * not its own changes. */
    ofp_mp_request_init(&req, OFPMP_ONF_FLOW_MONITOR);
    req.monitor_id = 1;
    req.monitor_flags = ONFFMF_ADD | ONFFMF_MODIFY;
    emit_mp_request("mp_request_flow_monitor", &req);

    ofp_mp_request_init(&req, OFPMP_ONF_FLOW_MONITOR);
    req.monitor_id = 7;
    req.monitor_flags = (ONFFMF_INITIAL | ONFFMF_ADD | ONFFMF_DELETE |
                         ONFFMF_MODIFY | ONFFMF_ACTIONS | ONFFMF_OWN);
    req.table_id = 0;
    req.out_port = 3;
    ofp_match_set_u32(&req.match, OFPF_IN_PORT, 5);
    ofp_match_set_u16(&req.match, OFPF_ETH_TYPE, 0x0800);
    emit_mp_request("mp_request_flow_monitor_filtered", &req);
}

/* Encodes 'reply' as 'name' (it must fit in one message); uninitializes
 * 'reply'. */
static void
emit_mp_reply(const char *name, struct ofp_mp_reply *reply)
{
    struct ofp_buf b;
    ofp_buf_init(&b);
    if (ok__(name, ofp_mp_reply_encode(reply, xid__(name), 0, &b))) {
        emit(name, &b);
    } else {
        ofp_buf_uninit(&b);
    }
    ofp_mp_reply_uninit(reply);
}

/* Fills port 'p' with a typical 10 Gb/s port description. */
static void
make_port__(struct ofp_port *p, uint32_t port_no, const char *name)
{
    memset(p, 0, sizeof *p);
    p->port_no = port_no;
    hex__("020000000a00", p->hw_addr, 6);
    p->hw_addr[5] = port_no & 0xff;
    snprintf(p->name, sizeof p->name, "%s", name);
    p->config = 0;
    p->state = 4;           /* OFPPS_LIVE. */
    p->curr = 0x800 | 0x40; /* 10GB_FD, copper. */
    p->advertised = 0;
    p->supported = 0x800 | 0x40;
    p->peer = 0;
    p->curr_speed = 10000000;
    p->max_speed = 10000000;
}

/* Fills flow stats entry 'fs' (number 'i'). */
static void
make_flow_stats__(struct ofp_flow_stats *fs, int i)
{
    memset(fs, 0, sizeof *fs);
    ofp_match_init(&fs->match);
    ofp_instructions_init(&fs->insts);
    fs->table_id = i;
    fs->duration_sec = 10 + i;
    fs->duration_nsec = 500000000;
    fs->priority = 1000 + i;
    fs->idle_timeout = i ? 0 : 60;
    fs->hard_timeout = 0;
    fs->flags = i ? 0 : OFPFF_SEND_FLOW_REM;
    fs->cookie = 0x10000 + i;
    fs->packet_count = 100 * i;
    fs->byte_count = 6400 * i;
    ofp_match_set_u32(&fs->match, OFPF_IN_PORT, 1 + i);
    if (i == 1) {
        ofp_match_set_u16(&fs->match, OFPF_ETH_TYPE, 0x0800);
        set_hex__(&fs->match, OFPF_IPV4_SRC, IP4_1, NULL);
        ofp_instructions_goto(&fs->insts, 2);
    } else {
        ofp_actions_add_output(ofp_instructions_apply(&fs->insts), OFPP_NORMAL,
                               0);
    }
}

/* Fills flow monitor update 'fu' of 'event' like xapi's locking flows
 * (cookie 0x1, table 0). */
static void
make_flow_update__(struct ofp_flow_update *fu, uint16_t event)
{
    memset(fu, 0, sizeof *fu);
    ofp_match_init(&fu->match);
    ofp_instructions_init(&fu->insts);
    fu->event = event;
    fu->reason = event == ONFFME_DELETED ? OFPRR_DELETE : 0;
    fu->priority = 4000 + 1000 * event;
    fu->idle_timeout = event == ONFFME_MODIFIED ? 30 : 0;
    fu->table_id = 0;
    fu->cookie = 0x1;
    ofp_match_set_u32(&fu->match, OFPF_IN_PORT, 5);
    if (event == ONFFME_ADDED) {
        ofp_match_set_u16(&fu->match, OFPF_ETH_TYPE, 0x0800);
        set_hex__(&fu->match, OFPF_IPV4_SRC, IP4_1, NULL);
    }
    if (event != ONFFME_DELETED) {
        ofp_actions_add_output(ofp_instructions_apply(&fu->insts), OFPP_NORMAL,
                               0);
    }
}

/* Emits flow monitor updates: every event, and the pause signals. */
static void
gen_flow_monitor(void)
{
    struct ofp_mp_reply r;
    struct ofp_buf b;

    ofp_mp_reply_init(&r, OFPMP_ONF_FLOW_MONITOR);
    r.updates = ofp_xcalloc(4, sizeof *r.updates);
    make_flow_update__(&r.updates[0], ONFFME_ADDED);
    make_flow_update__(&r.updates[1], ONFFME_MODIFIED);
    make_flow_update__(&r.updates[2], ONFFME_DELETED);
    memset(&r.updates[3], 0, sizeof r.updates[3]);
    ofp_match_init(&r.updates[3].match);
    ofp_instructions_init(&r.updates[3].insts);
    r.updates[3].event = ONFFME_ABBREV;
    r.updates[3].xid = 0x1234;
    r.n = 4;
    emit_mp_reply("mp_reply_flow_monitor", &r);

    ofp_mp_reply_init(&r, OFPMP_ONF_FLOW_MONITOR);
    emit_mp_reply("mp_reply_flow_monitor_empty", &r);

    ofp_buf_init(&b);
    ofp_flow_monitor_signal_encode(false, xid__("flow_monitor_paused"), &b);
    emit("flow_monitor_paused", &b);
    ofp_buf_init(&b);
    ofp_flow_monitor_signal_encode(true, xid__("flow_monitor_resumed"), &b);
    emit("flow_monitor_resumed", &b);
}

/* Emits each multipart reply type, and a flow reply split in two. */
static void
gen_mp_replies(void)
{
    struct ofp_mp_reply r;

    ofp_mp_reply_init(&r, OFPMP_PORT_DESC);
    r.ports = ofp_xcalloc(3, sizeof *r.ports);
    make_port__(&r.ports[0], 1, "vif1.0");
    make_port__(&r.ports[1], 2, "tap1.0");
    make_port__(&r.ports[2], OFPP_LOCAL, "xenbr0");
    r.ports[2].config = 1; /* OFPPC_PORT_DOWN. */
    r.ports[2].state = 1;  /* OFPPS_LINK_DOWN. */
    r.n = 3;
    emit_mp_reply("mp_reply_port_desc", &r);

    ofp_mp_reply_init(&r, OFPMP_FLOW);
    r.flows = ofp_xcalloc(2, sizeof *r.flows);
    make_flow_stats__(&r.flows[0], 0);
    make_flow_stats__(&r.flows[1], 1);
    r.n = 2;
    emit_mp_reply("mp_reply_flow", &r);

    ofp_mp_reply_init(&r, OFPMP_FLOW);
    emit_mp_reply("mp_reply_flow_empty", &r);

    ofp_mp_reply_init(&r, OFPMP_AGGREGATE);
    r.aggregate.packet_count = 123456;
    r.aggregate.byte_count = 7890123;
    r.aggregate.flow_count = 42;
    emit_mp_reply("mp_reply_aggregate", &r);

    ofp_mp_reply_init(&r, OFPMP_GROUP_DESC);
    r.groups = ofp_xcalloc(2, sizeof *r.groups);
    make_group__(&r.groups[0], OFPGT_ALL, 1);
    make_group__(&r.groups[1], OFPGT_SELECT, 2);
    r.n = 2;
    emit_mp_reply("mp_reply_group_desc", &r);

    ofp_mp_reply_init(&r, OFPMP_METER);
    r.meters = ofp_xcalloc(2, sizeof *r.meters);
    r.meters[0].meter_id = 1;
    r.meters[0].flow_count = 3;
    r.meters[0].packet_in_count = 1000;
    r.meters[0].byte_in_count = 64000;
    r.meters[0].duration_sec = 20;
    r.meters[0].duration_nsec = 1000;
    r.meters[0].bands = ofp_xcalloc(1, sizeof *r.meters[0].bands);
    r.meters[0].bands[0].packet_band_count = 10;
    r.meters[0].bands[0].byte_band_count = 640;
    r.meters[0].n_bands = 1;
    r.meters[1].meter_id = 2;
    r.n = 2;
    emit_mp_reply("mp_reply_meter", &r);

    /* A flow reply split in two parts: the first part carries
     * OFPMPF_REPLY_MORE. */
    ofp_mp_reply_init(&r, OFPMP_FLOW);
    r.flows = ofp_xcalloc(2, sizeof *r.flows);
    make_flow_stats__(&r.flows[0], 0);
    make_flow_stats__(&r.flows[1], 1);
    r.n = 2;
    struct ofp_buf b;
    ofp_buf_init(&b);
    if (ok__("mp_reply_flow_more",
             ofp_mp_reply_encode(&r, xid__("mp_reply_flow_more"), 160, &b))) {
        size_t len;
        if (!ofp_msg_frame(b.data, b.size, &len) && len < b.size) {
            struct ofp_buf part1, part2;
            ofp_buf_init(&part1);
            ofp_buf_put(&part1, b.data, len);
            emit("mp_reply_flow_more", &part1);
            ofp_buf_init(&part2);
            ofp_buf_put(&part2, b.data + len, b.size - len);
            emit("mp_reply_flow_last", &part2);
        } else {
            fail__("mp_reply_flow_more", "reply was not split");
        }
    }
    ofp_buf_uninit(&b);
    ofp_mp_reply_uninit(&r);
}

/* ---- Asynchronous messages and packets ---- */

/* Emits packet-ins for each reason and packet-outs with data, a buffer
 * and no actions. */
static void
gen_packets(void)
{
    struct ofp_buf b;

    struct ofp_packet_in pin;
    memset(&pin, 0, sizeof pin);
    pin.buffer_id = OFP_NO_BUFFER;
    pin.total_len = sizeof arp_frame;
    pin.reason = 0; /* OFPR_NO_MATCH. */
    pin.table_id = 0;
    pin.cookie = UINT64_MAX;
    ofp_match_init(&pin.match);
    ofp_match_set_u32(&pin.match, OFPF_IN_PORT, 3);
    pin.data = arp_frame;
    pin.data_len = sizeof arp_frame;
    ofp_buf_init(&b);
    if (ok__("packet_in_no_match",
             ofp_packet_in_encode(&pin, xid__("packet_in_no_match"), &b))) {
        emit("packet_in_no_match", &b);
    }

    pin.reason = 1; /* OFPR_ACTION. */
    pin.table_id = 2;
    pin.cookie = 0x10001;
    ofp_match_set_u64_masked(&pin.match, OFPF_METADATA, 0x42, UINT64_MAX);
    ofp_match_set_u32(&pin.match, OFPF_REG(0), 7);
    pin.data = dhcp_frame;
    pin.data_len = sizeof dhcp_frame;
    pin.total_len = sizeof dhcp_frame;
    ofp_buf_init(&b);
    if (ok__("packet_in_action",
             ofp_packet_in_encode(&pin, xid__("packet_in_action"), &b))) {
        emit("packet_in_action", &b);
    }

    /* Truncated to 14 bytes by max_len, with a buffer. */
    pin.reason = 2; /* OFPR_INVALID_TTL. */
    pin.buffer_id = 0x200;
    pin.total_len = sizeof dhcp_frame;
    pin.data_len = 14;
    ofp_match_init(&pin.match);
    ofp_match_set_u32(&pin.match, OFPF_IN_PORT, 1);
    ofp_buf_init(&b);
    if (ok__("packet_in_buffered",
             ofp_packet_in_encode(&pin, xid__("packet_in_buffered"), &b))) {
        emit("packet_in_buffered", &b);
    }

    struct ofp_packet_out po;
    memset(&po, 0, sizeof po);
    ofp_actions_init(&po.actions);
    po.buffer_id = OFP_NO_BUFFER;
    po.in_port = OFPP_CONTROLLER;
    ofp_actions_add_output(&po.actions, 1, 0);
    po.data = arp_frame;
    po.data_len = sizeof arp_frame;
    ofp_buf_init(&b);
    if (ok__("packet_out_data",
             ofp_packet_out_encode(&po, xid__("packet_out_data"), &b))) {
        emit("packet_out_data", &b);
    }
    ofp_packet_out_uninit(&po);

    memset(&po, 0, sizeof po);
    ofp_actions_init(&po.actions);
    po.buffer_id = OFP_NO_BUFFER;
    po.in_port = 3;
    ofp_actions_add_output(&po.actions, OFPP_TABLE, 0);
    po.data = dhcp_frame;
    po.data_len = sizeof dhcp_frame;
    ofp_buf_init(&b);
    if (ok__("packet_out_table",
             ofp_packet_out_encode(&po, xid__("packet_out_table"), &b))) {
        emit("packet_out_table", &b);
    }
    ofp_packet_out_uninit(&po);

    memset(&po, 0, sizeof po);
    ofp_actions_init(&po.actions);
    po.buffer_id = 0x300;
    po.in_port = OFPP_LOCAL;
    ofp_actions_add_push_vlan(&po.actions, 0x8100);
    add_set_field__(&po.actions, OFPF_VLAN_VID, "1005");
    ofp_actions_add_output(&po.actions, OFPP_FLOOD, 0);
    ofp_buf_init(&b);
    if (ok__("packet_out_buffer",
             ofp_packet_out_encode(&po, xid__("packet_out_buffer"), &b))) {
        emit("packet_out_buffer", &b);
    }
    ofp_packet_out_uninit(&po);

    memset(&po, 0, sizeof po);
    ofp_actions_init(&po.actions);
    po.buffer_id = OFP_NO_BUFFER;
    po.in_port = OFPP_CONTROLLER;
    po.data = arp_frame;
    po.data_len = sizeof arp_frame;
    ofp_buf_init(&b);
    if (ok__("packet_out_drop",
             ofp_packet_out_encode(&po, xid__("packet_out_drop"), &b))) {
        emit("packet_out_drop", &b);
    }
    ofp_packet_out_uninit(&po);
}

/* Emits the learning frames vifguardd sends for a bond's guests
 * (src/bondlearn.c): a RARP request from the guest's MAC, out of the
 * active member, untagged and tagged with the guest's VLAN. */
static void
gen_bondlearn(void)
{
    static const struct vg_bondlearn_mac macs[] = {
        { { 0x02, 0, 0, 0, 0x10, 0x0b }, 0 },
        { { 0x02, 0, 0, 0, 0x10, 0x0c }, 10 },
    };
    static const char *const names[] = { "packet_out_learning",
                                         "packet_out_learning_vlan" };

    for (size_t i = 0; i < 2; i++) {
        struct ofp_buf b;
        size_t n;
        ofp_buf_init(&b);
        if (ok__(names[i], vg_bondlearn_encode(&macs[i], 1, -1, 2,
                                               xid__(names[i]), &b, &n))) {
            emit(names[i], &b);
        } else {
            ofp_buf_uninit(&b);
        }
    }
}

/* Emits a flow_removed for each reason. */
static void
gen_flow_removed(void)
{
    static const char *names[] = {
        "flow_removed_idle",
        "flow_removed_hard",
        "flow_removed_delete",
        "flow_removed_group_delete",
    };
    for (int reason = 0; reason < 4; reason++) {
        struct ofp_flow_removed fr;
        memset(&fr, 0, sizeof fr);
        fr.cookie = 0x10000 + reason;
        fr.priority = 6000;
        fr.reason = reason;
        fr.table_id = reason;
        fr.duration_sec = 61;
        fr.duration_nsec = 250000000;
        fr.idle_timeout = reason == 0 ? 60 : 0;
        fr.hard_timeout = reason == 1 ? 300 : 0;
        fr.packet_count = 17;
        fr.byte_count = 1700;
        ofp_match_init(&fr.match);
        ofp_match_set_u32(&fr.match, OFPF_IN_PORT, 2);
        if (reason == 2) {
            ofp_match_set_u16(&fr.match, OFPF_ETH_TYPE, 0x0800);
            set_hex__(&fr.match, OFPF_IPV4_SRC, IP4_1, NULL);
        }
        struct ofp_buf b;
        ofp_buf_init(&b);
        if (ok__(names[reason],
                 ofp_flow_removed_encode(&fr, xid__(names[reason]), &b))) {
            emit(names[reason], &b);
        } else {
            ofp_buf_uninit(&b);
        }
    }
}

/* Emits a port_status for each reason. */
static void
gen_port_status(void)
{
    static const char *names[] = {
        "port_status_add",
        "port_status_delete",
        "port_status_modify",
    };
    for (int reason = 0; reason < 3; reason++) {
        struct ofp_port_status ps;
        memset(&ps, 0, sizeof ps);
        ps.reason = reason;
        make_port__(&ps.desc, 5 + reason, "vif5.0");
        if (reason == OFPPR_MODIFY) {
            ps.desc.config = 1 | 4; /* PORT_DOWN, NO_RECV. */
            ps.desc.state = 1;      /* LINK_DOWN. */
        }
        struct ofp_buf b;
        ofp_buf_init(&b);
        ofp_port_status_encode(&ps, xid__(names[reason]), &b);
        emit(names[reason], &b);
    }
}

/* ---- Session messages ---- */

/* Emits the session messages: hello, echo, features, config, barrier, role
 * and async. */
static void
gen_session(void)
{
    struct ofp_buf b;

    ofp_buf_init(&b);
    ofp_hello_encode(1u << OFP13_VERSION, xid__("hello_of13"), &b);
    emit("hello_of13", &b);

    ofp_buf_init(&b);
    ofp_hello_encode((1u << 1) | (1u << OFP13_VERSION) | (1u << 5),
                     xid__("hello_of10_of13_of14"), &b);
    emit("hello_of10_of13_of14", &b);

    ofp_buf_init(&b);
    ofp_hello_encode(0, xid__("hello_plain"), &b);
    emit("hello_plain", &b);

    ofp_buf_init(&b);
    ofp_echo_encode(false, NULL, 0, xid__("echo_request"), &b);
    emit("echo_request", &b);

    ofp_buf_init(&b);
    ofp_echo_encode(false, "vifguard", 8, xid__("echo_request_data"), &b);
    emit("echo_request_data", &b);

    ofp_buf_init(&b);
    ofp_echo_encode(true, NULL, 0, xid__("echo_reply"), &b);
    emit("echo_reply", &b);

    ofp_buf_init(&b);
    ofp_echo_encode(true, arp_frame, sizeof arp_frame,
                    xid__("echo_reply_data"), &b);
    emit("echo_reply_data", &b);

    ofp_buf_init(&b);
    ofp_empty_encode(OFPT_FEATURES_REQUEST, xid__("features_request"), &b);
    emit("features_request", &b);

    struct ofp_features f = {
        .datapath_id = 0x0000020000000a01ULL,
        .n_buffers = 0,
        .n_tables = 254,
        .auxiliary_id = 0,
        .capabilities = 0x1 | 0x2 | 0x4 | 0x8 | 0x40, /* FLOW/TABLE/PORT/
                                                       * GROUP_STATS,
                                                       * QUEUE_STATS. */
    };
    ofp_buf_init(&b);
    ofp_features_encode(&f, xid__("features_reply"), &b);
    emit("features_reply", &b);

    f.auxiliary_id = 1;
    f.n_buffers = 256;
    f.capabilities = 0x20 | 0x100; /* IP_REASM, PORT_BLOCKED. */
    ofp_buf_init(&b);
    ofp_features_encode(&f, xid__("features_reply_aux"), &b);
    emit("features_reply_aux", &b);

    ofp_buf_init(&b);
    ofp_empty_encode(OFPT_GET_CONFIG_REQUEST, xid__("get_config_request"), &b);
    emit("get_config_request", &b);

    struct ofp_switch_config sc = { .flags = 0, .miss_send_len = 128 };
    ofp_buf_init(&b);
    ofp_switch_config_encode(OFPT_GET_CONFIG_REPLY, &sc,
                             xid__("get_config_reply"), &b);
    emit("get_config_reply", &b);

    sc.flags = 1; /* OFPC_FRAG_DROP. */
    sc.miss_send_len = OFPCML_NO_BUFFER;
    ofp_buf_init(&b);
    ofp_switch_config_encode(OFPT_SET_CONFIG, &sc, xid__("set_config"), &b);
    emit("set_config", &b);

    ofp_buf_init(&b);
    ofp_empty_encode(OFPT_BARRIER_REQUEST, xid__("barrier_request"), &b);
    emit("barrier_request", &b);

    ofp_buf_init(&b);
    ofp_empty_encode(OFPT_BARRIER_REPLY, xid__("barrier_reply"), &b);
    emit("barrier_reply", &b);

    struct ofp_role role = {
        .role = OFPCR_ROLE_MASTER,
        .generation_id = 1,
    };
    ofp_buf_init(&b);
    ofp_role_encode(OFPT_ROLE_REQUEST, &role, xid__("role_request_master"),
                    &b);
    emit("role_request_master", &b);

    role =
        (struct ofp_role){ .role = OFPCR_ROLE_NOCHANGE, .generation_id = 0 };
    ofp_buf_init(&b);
    ofp_role_encode(OFPT_ROLE_REQUEST, &role, xid__("role_request_nochange"),
                    &b);
    emit("role_request_nochange", &b);

    role = (struct ofp_role){ .role = OFPCR_ROLE_SLAVE,
                              .generation_id = 0x123456789ULL };
    ofp_buf_init(&b);
    ofp_role_encode(OFPT_ROLE_REPLY, &role, xid__("role_reply_slave"), &b);
    emit("role_reply_slave", &b);

    role = (struct ofp_role){ .role = OFPCR_ROLE_EQUAL, .generation_id = 0 };
    ofp_buf_init(&b);
    ofp_role_encode(OFPT_ROLE_REPLY, &role, xid__("role_reply_equal"), &b);
    emit("role_reply_equal", &b);

    ofp_buf_init(&b);
    ofp_empty_encode(OFPT_GET_ASYNC_REQUEST, xid__("get_async_request"), &b);
    emit("get_async_request", &b);

    struct ofp_async async = {
        .packet_in_mask = { 0x7, 0x0 }, /* All reasons / none. */
        .port_status_mask = { 0x7, 0x7 },
        .flow_removed_mask = { 0xf, 0x0 },
    };
    ofp_buf_init(&b);
    ofp_async_encode(OFPT_GET_ASYNC_REPLY, &async, xid__("get_async_reply"),
                     &b);
    emit("get_async_reply", &b);

    async = (struct ofp_async){
        .packet_in_mask = { 0x2, 0x0 },   /* Action only. */
        .port_status_mask = { 0x1, 0x0 }, /* Add only. */
        .flow_removed_mask = { 0x0, 0x0 },
    };
    ofp_buf_init(&b);
    ofp_async_encode(OFPT_SET_ASYNC, &async, xid__("set_async"), &b);
    emit("set_async", &b);
}

/* ---- Bundles ---- */

/* Emits bundle control 'type' with 'flags' in OpenFlow 'version'. */
static void
emit_bundle_ctrl__(const char *name, uint8_t version, uint16_t type,
                   uint16_t flags)
{
    struct ofp_bundle_ctrl bc = {
        .bundle_id = 0x1000 + type,
        .type = type,
        .flags = flags,
    };
    struct ofp_buf b;
    ofp_buf_init(&b);
    ofp_bundle_ctrl_encode(version, &bc, xid__(name), &b);
    emit(name, &b);
}

/* Emits a bundle_add in OpenFlow 'version' carrying an add flow_mod of the
 * same version (the OpenFlow 1.4 flow_mod has the 1.3 layout). */
static void
emit_bundle_add__(const char *name, uint8_t version, uint16_t flags)
{
    uint32_t xid = xid__(name);
    struct ofp_flow_mod fm;
    ofp_flow_mod_init(&fm);
    fm.cookie = 0x10001;
    fm.priority = 4000;
    ofp_match_set_u32(&fm.match, OFPF_IN_PORT, 9);

    struct ofp_buf inner;
    ofp_buf_init(&inner);
    if (!ok__(name, ofp_flow_mod_encode(&fm, xid, &inner))) {
        ofp_buf_uninit(&inner);
        ofp_flow_mod_uninit(&fm);
        return;
    }
    inner.data[0] = version;

    struct ofp_bundle_add ba = {
        .bundle_id = 0x1000,
        .flags = flags,
        .msg = inner.data,
        .msg_len = inner.size,
    };
    struct ofp_buf b;
    ofp_buf_init(&b);
    ofp_bundle_add_encode(version, &ba, xid, &b);
    emit(name, &b);
    ofp_buf_uninit(&inner);
    ofp_flow_mod_uninit(&fm);
}

/* Emits every bundle control type and bundle adds, in the OpenFlow 1.3
 * (ONF extension) and OpenFlow 1.4 forms. */
static void
gen_bundles(void)
{
    static const struct {
        const char *name;
        uint16_t type;
        uint16_t flags;
    } ctrls[] = {
        { "open_request", OFPBCT_OPEN_REQUEST, OFPBF_ATOMIC },
        { "open_reply", OFPBCT_OPEN_REPLY, OFPBF_ATOMIC },
        { "close_request", OFPBCT_CLOSE_REQUEST, OFPBF_ATOMIC },
        { "close_reply", OFPBCT_CLOSE_REPLY, OFPBF_ATOMIC },
        { "commit_request", OFPBCT_COMMIT_REQUEST,
          OFPBF_ATOMIC | OFPBF_ORDERED },
        { "commit_reply", OFPBCT_COMMIT_REPLY, OFPBF_ATOMIC | OFPBF_ORDERED },
        { "discard_request", OFPBCT_DISCARD_REQUEST, 0 },
        { "discard_reply", OFPBCT_DISCARD_REPLY, 0 },
    };
    char name[64];

    for (size_t i = 0; i < sizeof ctrls / sizeof *ctrls; i++) {
        snprintf(name, sizeof name, "bundle13_%s", ctrls[i].name);
        emit_bundle_ctrl__(name, OFP13_VERSION, ctrls[i].type, ctrls[i].flags);
    }
    emit_bundle_add__("bundle13_add_flow_mod", OFP13_VERSION, OFPBF_ATOMIC);
    emit_bundle_add__("bundle13_add_ordered", OFP13_VERSION,
                      OFPBF_ATOMIC | OFPBF_ORDERED);

    emit_bundle_ctrl__("bundle14_open_request", OFP14_VERSION,
                       OFPBCT_OPEN_REQUEST, OFPBF_ATOMIC);
    emit_bundle_ctrl__("bundle14_commit_request", OFP14_VERSION,
                       OFPBCT_COMMIT_REQUEST, OFPBF_ATOMIC | OFPBF_ORDERED);
    emit_bundle_ctrl__("bundle14_commit_reply", OFP14_VERSION,
                       OFPBCT_COMMIT_REPLY, OFPBF_ATOMIC | OFPBF_ORDERED);
    emit_bundle_ctrl__("bundle14_discard_request", OFP14_VERSION,
                       OFPBCT_DISCARD_REQUEST, 0);
    emit_bundle_add__("bundle14_add_flow_mod", OFP14_VERSION, OFPBF_ATOMIC);
}

/* ---- Errors ---- */

/* Emits an ERROR of wire 'type'/'code' (or the experimenter form) carrying
 * 'data'. */
static void
emit_error__(const char *name, int error, const void *data, size_t len)
{
    struct ofp_error e;
    memset(&e, 0, sizeof e);
    e.error = error;
    e.type = ofperr_type(error);
    e.code = ofperr_code(error);
    if (e.type == OFPET14_BUNDLE_FAILED) {
        /* OpenFlow 1.3 carries bundle errors as ONF experimenter errors. */
        e.type = OFPET_EXPERIMENTER;
        e.code = 2300 + ofperr_code(error);
        e.experimenter = ONF_EXPERIMENTER_ID;
    }
    e.data = data;
    e.data_len = len;

    struct ofp_buf b;
    ofp_buf_init(&b);
    if (ok__(name, ofp_error_encode(&e, xid__(name), &b))) {
        emit(name, &b);
    } else {
        ofp_buf_uninit(&b);
    }
}

/* Emits errors of several types, each carrying the offending message, in
 * both the explicit and the reply form, including bundle errors (ONF
 * experimenter errors in OpenFlow 1.3). */
static void
gen_errors(void)
{
    static const char hello_text[] = "We support version 0x04, you "
                                     "support no later than version 0x01.";
    emit_error__("error_hello_failed", OFPERR_OFPHFC_INCOMPATIBLE, hello_text,
                 strlen(hello_text));

    /* A small but complete flow_mod as the offending message. */
    struct ofp_flow_mod fm;
    ofp_flow_mod_init(&fm);
    ofp_match_set_u32(&fm.match, OFPF_IN_PORT, 1);
    struct ofp_buf bad;
    ofp_buf_init(&bad);
    ok__("error_*", ofp_flow_mod_encode(&fm, 0x77, &bad));
    ofp_flow_mod_uninit(&fm);

    struct ofp_buf barrier;
    ofp_buf_init(&barrier);
    ofp_empty_encode(OFPT_BARRIER_REQUEST, 0x78, &barrier);

    struct ofp_buf gm;
    ofp_buf_init(&gm);
    struct ofp_group g;
    ofp_group_init(&g);
    g.command = OFPGC_DELETE;
    g.group_id = 5;
    ok__("error_*", ofp_group_mod_encode(&g, 0x79, &gm));
    ofp_group_uninit(&g);

    struct ofp_buf bc;
    ofp_buf_init(&bc);
    struct ofp_bundle_ctrl ctrl = {
        .bundle_id = 9,
        .type = OFPBCT_COMMIT_REQUEST,
        .flags = OFPBF_ATOMIC,
    };
    ofp_bundle_ctrl_encode(OFP13_VERSION, &ctrl, 0x7a, &bc);

    struct ofp_buf mm;
    ofp_buf_init(&mm);
    struct ofp_meter_mod meter = {
        .command = OFPMC_DELETE,
        .meter_id = 7,
    };
    ok__("error_*", ofp_meter_mod_encode(&meter, 0x7b, &mm));

    struct ofp_buf role;
    ofp_buf_init(&role);
    struct ofp_role r = { .role = OFPCR_ROLE_MASTER, .generation_id = 1 };
    ofp_role_encode(OFPT_ROLE_REQUEST, &r, 0x7c, &role);

    struct ofp_buf sc;
    ofp_buf_init(&sc);
    struct ofp_switch_config config = { .flags = 2, .miss_send_len = 128 };
    ofp_switch_config_encode(OFPT_SET_CONFIG, &config, 0x7d, &sc);

    emit_error__("error_bad_request_bad_type", OFPERR_OFPBRC_BAD_TYPE,
                 barrier.data, barrier.size);
    emit_error__("error_bad_request_bad_len", OFPERR_OFPBRC_BAD_LEN, bad.data,
                 bad.size);
    emit_error__("error_bad_action_bad_out_port", OFPERR_OFPBAC_BAD_OUT_PORT,
                 bad.data, bad.size);
    emit_error__("error_bad_instruction_unknown_inst",
                 OFPERR_OFPBIC_UNKNOWN_INST, bad.data, bad.size);
    emit_error__("error_bad_match_bad_prereq", OFPERR_OFPBMC_BAD_PREREQ,
                 bad.data, bad.size);
    emit_error__("error_flow_mod_failed_table_full", OFPERR_OFPFMFC_TABLE_FULL,
                 bad.data, bad.size);
    emit_error__("error_group_mod_failed_unknown_group",
                 OFPERR_OFPGMFC_UNKNOWN_GROUP, gm.data, gm.size);
    emit_error__("error_meter_mod_failed_unknown_meter",
                 OFPERR_OFPMMFC_UNKNOWN_METER, mm.data, mm.size);
    emit_error__("error_role_request_failed_stale", OFPERR_OFPRRFC_STALE,
                 role.data, role.size);
    emit_error__("error_switch_config_failed_bad_flags",
                 OFPERR_OFPSCFC_BAD_FLAGS, sc.data, sc.size);
    emit_error__("error_bundle_msg_failed", OFPERR_OFPBFC_MSG_FAILED, bc.data,
                 bc.size);
    emit_error__("error_bundle_bad_id", OFPERR_OFPBFC_BAD_ID, bc.data,
                 bc.size);
    emit_error__("error_no_data", OFPERR_OFPBRC_EPERM, NULL, 0);

    /* The reply form that the daemon uses: xid and data from the bad
     * message. */
    struct ofp_buf b;
    ofp_buf_init(&b);
    ofp_error_reply_encode(OFPERR_OFPBFC_BUNDLE_CLOSED, bc.data, bc.size, &b);
    emit("error_reply_bundle_closed", &b);

    ofp_buf_init(&b);
    ofp_error_reply_encode(OFPERR_OFPBMC_BAD_FIELD, bad.data, bad.size, &b);
    emit("error_reply_bad_field", &b);

    ofp_buf_uninit(&bad);
    ofp_buf_uninit(&barrier);
    ofp_buf_uninit(&gm);
    ofp_buf_uninit(&bc);
    ofp_buf_uninit(&mm);
    ofp_buf_uninit(&role);
    ofp_buf_uninit(&sc);
}

/* ---- OpenFlow 1.0 (ofp/of10.h) ---- */

/* Decodes 1.0 message 'msg' ('len' bytes) with the ofp/of10.h decoder of its
 * type and appends its re-encoding to 'out'.  Returns 0 or an error. */
static int
of10_reencode__(const uint8_t *msg, size_t len, struct ofp_buf *out)
{
    enum ofp10_type type;
    int error = ofp10_msg_classify(msg, len, &type);
    if (error) {
        return error;
    }
    uint32_t xid = ofp_msg_xid(msg);
    switch (type) {
    case OFPT10_HELLO:
        error = ofp10_hello_check(msg, len);
        if (!error) {
            ofp10_hello_encode(xid, out);
        }
        return error;
    case OFPT10_FEATURES_REQUEST:
    case OFPT10_BARRIER_REQUEST:
    case OFPT10_BARRIER_REPLY:
        ofp10_empty_encode(type, xid, out);
        return 0;
    case OFPT10_ECHO_REQUEST:
    case OFPT10_ECHO_REPLY: {
        struct ofp_echo echo;
        error = ofp10_echo_decode(msg, len, &echo);
        if (!error) {
            ofp10_echo_encode(type == OFPT10_ECHO_REPLY, echo.data,
                              echo.data_len, xid, out);
        }
        return error;
    }
    case OFPT10_ERROR: {
        struct ofp_error err;
        error = ofp10_error_decode(msg, len, &err);
        if (!error) {
            err.error = 0; /* Re-encode the wire type and code as they are. */
            error = ofp10_error_encode(&err, xid, out);
        }
        return error;
    }
    case OFPT10_FEATURES_REPLY: {
        struct ofp10_features f;
        error = ofp10_features_decode(msg, len, &f);
        if (!error) {
            error = ofp10_features_encode(&f, xid, out);
        }
        ofp10_features_uninit(&f);
        return error;
    }
    case OFPT10_PORT_MOD: {
        struct ofp10_port_mod_msg pm;
        error = ofp10_port_mod_decode(msg, len, &pm);
        if (!error) {
            ofp10_port_mod_encode(&pm, xid, out);
        }
        return error;
    }
    case OFPT10_STATS_REQUEST:
        /* Only the port description request, which has no body. */
        if (len != OFP_HEADER_LEN + sizeof(struct ofp10_stats_msg) ||
            ofp_get_be16(msg + 8) != OFPST10_PORT_DESC) {
            return OFPERR_OFPBRC_BAD_MULTIPART;
        }
        ofp10_port_desc_request_encode(xid, out);
        return 0;
    case OFPT10_STATS_REPLY: {
        struct ofp10_port_desc_reply r;
        error = ofp10_port_desc_reply_decode(msg, len, &r);
        if (!error) {
            error = ofp10_port_desc_reply_encode(&r, xid, out);
        }
        ofp10_port_desc_reply_uninit(&r);
        return error;
    }
    default:
        return OFPERR_OFPBRC_BAD_TYPE;
    }
}

/* Like emit() for a 1.0 message: checks that 'b' holds exactly one message
 * that survives the 1.0 decode -> encode unchanged, then prints it as
 * vector 'name' (nothing in --flows mode).  Frees 'b'. */
static void
emit_of10(const char *name, struct ofp_buf *b)
{
    size_t len;
    int error = ofp_msg_frame(b->data, b->size, &len);
    if (error || len != b->size) {
        fail__(name, "encoder did not produce exactly one message");
        ofp_buf_uninit(b);
        return;
    }

    struct ofp_buf again;
    ofp_buf_init(&again);
    error = of10_reencode__(b->data, b->size, &again);
    if (error) {
        char what[128];
        snprintf(what, sizeof what, "1.0 decode failed: %s",
                 ofp_strerror(error));
        fail__(name, what);
    } else if (again.size != b->size || memcmp(again.data, b->data, b->size)) {
        fail__(name, "encode -> decode -> encode is not byte-identical");
        fprintf(stderr, "  first:  ");
        put_hex__(stderr, b->data, b->size);
        fprintf(stderr, "\n  second: ");
        put_hex__(stderr, again.data, again.size);
        fprintf(stderr, "\n");
    }
    if (!error && !flows_mode) {
        printf("%s ", name);
        put_hex__(stdout, b->data, b->size);
        printf("\n");
        n_vectors++;
    }
    ofp_buf_uninit(&again);
    ofp_buf_uninit(b);
}

/* Fills 'p' as 1.0 port 'port_no' named 'name' with MAC aa:00:00:00:00:NN
 * (NN the low byte of 'port_no') and config 'config'. */
static void
make_of10_port__(struct ofp10_port *p, uint16_t port_no, const char *name,
                 uint32_t config)
{
    memset(p, 0, sizeof *p);
    p->port_no = port_no;
    p->hw_addr[0] = 0xaa;
    p->hw_addr[5] = (uint8_t)port_no;
    snprintf(p->name, sizeof p->name, "%s", name);
    p->config = config;
    p->state = port_no == OFPP10_LOCAL ? 1 : 0; /* LINK_DOWN. */
    p->curr = 0xc0;                             /* 10GB-FD COPPER. */
}

/* Emits the OpenFlow 1.0 messages of the NO_FLOOD session (src/noflood.c):
 * HELLO, FEATURES_REQUEST / REPLY, PORT_MOD, BARRIER, ECHO, ERROR and port
 * descriptions. */
static void
gen_of10(void)
{
    struct ofp_buf b;

    ofp_buf_init(&b);
    ofp10_hello_encode(xid__("of10_hello"), &b);
    emit_of10("of10_hello", &b);

    ofp_buf_init(&b);
    ofp10_empty_encode(OFPT10_FEATURES_REQUEST, xid__("of10_features_request"),
                       &b);
    emit_of10("of10_features_request", &b);

    /* A XenServer-like bridge: two guests (one already NO_FLOOD), a 16-
     * character port name, the local port. */
    struct ofp10_port ports[4];
    make_of10_port__(&ports[0], 1, "eth0", 0);
    make_of10_port__(&ports[1], 2, "vif1.0", OFPPC10_NO_FLOOD);
    make_of10_port__(&ports[2], 3, "vif1234567890.15", OFPPC10_NO_FLOOD);
    make_of10_port__(&ports[3], OFPP10_LOCAL, "xenbr0", OFPPC10_PORT_DOWN);
    struct ofp10_features f = {
        .datapath_id = 0x00000c29ab12cd34ULL,
        .n_buffers = 0,
        .n_tables = 254,
        .capabilities = 0xc7,
        .actions = 0xfff,
        .ports = ports,
        .n_ports = 4,
    };
    ofp_buf_init(&b);
    ok__("of10_features_reply",
         ofp10_features_encode(&f, xid__("of10_features_reply"), &b));
    emit_of10("of10_features_reply", &b);

    f.n_ports = 0;
    ofp_buf_init(&b);
    ok__("of10_features_reply_no_ports",
         ofp10_features_encode(&f, xid__("of10_features_reply_no_ports"), &b));
    emit_of10("of10_features_reply_no_ports", &b);

    struct ofp10_port_mod_msg pm = {
        .port_no = 2,
        .config = OFPPC10_NO_FLOOD,
        .mask = OFPPC10_NO_FLOOD,
    };
    memcpy(pm.hw_addr, ports[1].hw_addr, sizeof pm.hw_addr);
    ofp_buf_init(&b);
    ofp10_port_mod_encode(&pm, xid__("of10_port_mod_no_flood"), &b);
    emit_of10("of10_port_mod_no_flood", &b);

    pm.port_no = OFPP10_LOCAL;
    memcpy(pm.hw_addr, ports[3].hw_addr, sizeof pm.hw_addr);
    pm.config = 0;
    ofp_buf_init(&b);
    ofp10_port_mod_encode(&pm, xid__("of10_port_mod_flood_local"), &b);
    emit_of10("of10_port_mod_flood_local", &b);

    pm.port_no = 1;
    memcpy(pm.hw_addr, ports[0].hw_addr, sizeof pm.hw_addr);
    pm.config = OFPPC10_PORT_DOWN | OFPPC10_NO_RECV | OFPPC10_NO_FWD;
    pm.mask = 0x7f;
    pm.advertise = 0x1; /* 10MB-HD. */
    ofp_buf_init(&b);
    ofp10_port_mod_encode(&pm, xid__("of10_port_mod_all_bits"), &b);
    emit_of10("of10_port_mod_all_bits", &b);

    ofp_buf_init(&b);
    ofp10_empty_encode(OFPT10_BARRIER_REQUEST, xid__("of10_barrier_request"),
                       &b);
    emit_of10("of10_barrier_request", &b);

    ofp_buf_init(&b);
    ofp10_empty_encode(OFPT10_BARRIER_REPLY, xid__("of10_barrier_reply"), &b);
    emit_of10("of10_barrier_reply", &b);

    ofp_buf_init(&b);
    ofp10_echo_encode(false, "vifguard", 8, xid__("of10_echo_request"), &b);
    emit_of10("of10_echo_request", &b);

    ofp_buf_init(&b);
    ofp10_echo_encode(true, "vifguard", 8, xid__("of10_echo_reply"), &b);
    emit_of10("of10_echo_reply", &b);

    /* Errors as ovs-vswitchd sends them: the offending PORT_MOD as data. */
    struct ofp_buf bad;
    ofp_buf_init(&bad);
    pm.port_no = 77;
    memset(pm.hw_addr, 0, sizeof pm.hw_addr);
    pm.config = pm.mask = OFPPC10_NO_FLOOD;
    pm.advertise = 0;
    ofp10_port_mod_encode(&pm, 0x77, &bad);
    static const struct {
        const char *name;
        int error;
    } errors[] = {
        { "of10_error_port_mod_bad_port", OFPERR_OFPPMFC_BAD_PORT },
        { "of10_error_port_mod_bad_hw_addr", OFPERR_OFPPMFC_BAD_HW_ADDR },
        { "of10_error_bad_request_bad_type", OFPERR_OFPBRC_BAD_TYPE },
        { "of10_error_flow_mod_all_tables_full", OFPERR_OFPFMFC_TABLE_FULL },
        { "of10_error_queue_op_bad_queue", OFPERR_OFPQOFC_BAD_QUEUE },
    };
    for (size_t i = 0; i < sizeof errors / sizeof *errors; i++) {
        struct ofp_error err = {
            .error = errors[i].error,
            .data = bad.data,
            .data_len = bad.size,
        };
        ofp_buf_init(&b);
        if (ok__(errors[i].name,
                 ofp10_error_encode(&err, xid__(errors[i].name), &b))) {
            emit_of10(errors[i].name, &b);
        } else {
            ofp_buf_uninit(&b);
        }
    }
    ofp_buf_uninit(&bad);

    static const char hello_text[] = "We support version 0x04, you "
                                     "support no later than version 0x01.";
    struct ofp_error hf = {
        .error = OFPERR_OFPHFC_INCOMPATIBLE,
        .data = (const uint8_t *)hello_text,
        .data_len = strlen(hello_text),
    };
    ofp_buf_init(&b);
    if (ok__("of10_error_hello_failed",
             ofp10_error_encode(&hf, xid__("of10_error_hello_failed"), &b))) {
        emit_of10("of10_error_hello_failed", &b);
    } else {
        ofp_buf_uninit(&b);
    }

    ofp_buf_init(&b);
    ofp10_port_desc_request_encode(xid__("of10_port_desc_request"), &b);
    emit_of10("of10_port_desc_request", &b);

    struct ofp10_port_desc_reply pd = {
        .more = true,
        .ports = ports,
        .n_ports = 2,
    };
    ofp_buf_init(&b);
    ok__("of10_port_desc_reply_more",
         ofp10_port_desc_reply_encode(&pd, xid__("of10_port_desc_reply_more"),
                                      &b));
    emit_of10("of10_port_desc_reply_more", &b);

    pd.more = false;
    pd.ports = ports + 2;
    ofp_buf_init(&b);
    ok__("of10_port_desc_reply",
         ofp10_port_desc_reply_encode(&pd, xid__("of10_port_desc_reply"), &b));
    emit_of10("of10_port_desc_reply", &b);
}

int
main(int argc, char *argv[])
{
    if (argc == 2 && !strcmp(argv[1], "--flows")) {
        flows_mode = true;
    } else if (argc != 1) {
        fprintf(stderr, "usage: %s [--flows]\n", argv[0]);
        return 2;
    }

    gen_session();
    gen_fields();
    gen_actions();
    gen_instructions();
    gen_flow_mod_commands();
    gen_xenserver_flows();
    gen_groups();
    gen_meters();
    gen_mp_requests();
    gen_mp_replies();
    gen_flow_monitor();
    gen_packets();
    gen_bondlearn();
    gen_flow_removed();
    gen_port_status();
    gen_bundles();
    gen_errors();
    gen_of10();

    fprintf(stderr, "vectors: %d vectors%s\n", n_vectors,
            failed ? ", some FAILED" : "");
    return failed ? 1 : 0;
}
