/* Formatter: flows and messages in ovs-ofctl's text syntax.
 *
 * Matches, actions and instructions print exactly as Open vSwitch 3.1 prints
 * the same OpenFlow 1.3 flow: OVS's fixed field order (its match_format():
 * priority, protocol shorthand, registers, metadata, in_port, VLAN, Ethernet
 * addresses, dl_type, L3 addresses, nw_proto/arp_op, ARP hardware addresses,
 * L4 or ICMP/ND fields), its names (dl_src, nw_src, tp_src, icmp_type, ...),
 * its number bases and its mask forms.  An OXM vlan_vid/vlan_pcp pair is
 * turned into OVS's 802.1Q TCI view and printed as dl_vlan/dl_vlan_pcp or
 * vlan_tci, as OVS does.  A FLOW_MOD prints as `ovs-ofctl ofp-print` prints
 * it, a flow stats entry as `ovs-ofctl dump-flows` does.  Message summaries
 * (ofp_msg_format()) keep ofp-print's first line and put on the same line
 * what ofp-print spreads over several. */
#include <config.h>
#include "ofp/print.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ofp/actions.h"
#include "ofp/buf.h"
#include "ofp/errors.h"
#include "ofp/match.h"
#include "ofp/msgs.h"

#define DEFAULT_PRIORITY__ 0x8000

/* How OVS writes a field's value. */
enum value_style__ {
    VS_DEC,  /* Decimal. */
    VS_HEX,  /* 0x-prefixed hex without leading zeros ("0" for zero). */
    VS_ETH,  /* xx:xx:xx:xx:xx:xx. */
    VS_IPV4, /* Dotted quad. */
    VS_IPV6, /* inet_ntop(). */
    VS_PORT, /* Port number or reserved port name. */
    VS_FRAG, /* nw_frag's words: no, yes, first, later, not_later. */
};

/* Per-field printing facts that are OVS's, not OpenFlow's: the name OVS
 * gives the field as a set_field destination (its meta-flow name) and how it
 * writes the value. */
struct field_style__ {
    const char *mf_name;
    enum value_style__ style;
};

static const struct field_style__ field_styles__[OFPF_N_FIELDS] = {
    [OFPF_IN_PORT] = { "in_port", VS_PORT },
    [OFPF_METADATA] = { "metadata", VS_HEX },
    [OFPF_ETH_DST] = { "eth_dst", VS_ETH },
    [OFPF_ETH_SRC] = { "eth_src", VS_ETH },
    [OFPF_ETH_TYPE] = { "eth_type", VS_HEX },
    [OFPF_VLAN_VID] = { "vlan_vid", VS_DEC },
    [OFPF_VLAN_PCP] = { "vlan_pcp", VS_DEC },
    [OFPF_IP_PROTO] = { "ip_proto", VS_DEC },
    [OFPF_IP_FRAG] = { "ip_frag", VS_FRAG },
    [OFPF_IPV4_SRC] = { "ip_src", VS_IPV4 },
    [OFPF_IPV4_DST] = { "ip_dst", VS_IPV4 },
    [OFPF_TCP_SRC] = { "tcp_src", VS_DEC },
    [OFPF_TCP_DST] = { "tcp_dst", VS_DEC },
    [OFPF_UDP_SRC] = { "udp_src", VS_DEC },
    [OFPF_UDP_DST] = { "udp_dst", VS_DEC },
    [OFPF_ICMPV4_TYPE] = { "icmp_type", VS_DEC },
    [OFPF_ICMPV4_CODE] = { "icmp_code", VS_DEC },
    [OFPF_ARP_OP] = { "arp_op", VS_DEC },
    [OFPF_ARP_SPA] = { "arp_spa", VS_IPV4 },
    [OFPF_ARP_TPA] = { "arp_tpa", VS_IPV4 },
    [OFPF_ARP_SHA] = { "arp_sha", VS_ETH },
    [OFPF_ARP_THA] = { "arp_tha", VS_ETH },
    [OFPF_IPV6_SRC] = { "ipv6_src", VS_IPV6 },
    [OFPF_IPV6_DST] = { "ipv6_dst", VS_IPV6 },
    [OFPF_ICMPV6_TYPE] = { "icmpv6_type", VS_DEC },
    [OFPF_ICMPV6_CODE] = { "icmpv6_code", VS_DEC },
    [OFPF_IPV6_ND_TARGET] = { "nd_target", VS_IPV6 },
    [OFPF_IPV6_ND_SLL] = { "nd_sll", VS_ETH },
    [OFPF_IPV6_ND_TLL] = { "nd_tll", VS_ETH },
#define REG_STYLE__(N) [OFPF_REG0 + N] = { "reg" #N, VS_HEX }
    REG_STYLE__(0),
    REG_STYLE__(1),
    REG_STYLE__(2),
    REG_STYLE__(3),
    REG_STYLE__(4),
    REG_STYLE__(5),
    REG_STYLE__(6),
    REG_STYLE__(7),
    REG_STYLE__(8),
    REG_STYLE__(9),
    REG_STYLE__(10),
    REG_STYLE__(11),
    REG_STYLE__(12),
    REG_STYLE__(13),
    REG_STYLE__(14),
    REG_STYLE__(15),
#undef REG_STYLE__
};

/* Reserved ports by name, as OVS names them. */
static const struct {
    uint32_t port;
    const char *name;
} reserved_ports__[] = {
    { OFPP_IN_PORT, "IN_PORT" }, { OFPP_TABLE, "TABLE" },
    { OFPP_NORMAL, "NORMAL" },   { OFPP_FLOOD, "FLOOD" },
    { OFPP_ALL, "ALL" },         { OFPP_CONTROLLER, "CONTROLLER" },
    { OFPP_LOCAL, "LOCAL" },     { OFPP_ANY, "ANY" },
    { 0xfffffff7, "UNSET" }, /* OVS-internal OFPP_UNSET. */
};

static void format_msg__(const struct ofp_msg *, struct ofp_buf *, int depth);
static void format_raw__(const void *msg, size_t len, struct ofp_buf *,
                         int depth);

/* Returns the last character of text buffer 'b', or 0 if it is empty. */
static char
last_char__(const struct ofp_buf *b)
{
    return b->size ? (char)b->data[b->size - 1] : 0;
}

/* Removes a trailing 'c' from text buffer 'b', if there is one. */
static void
chomp__(struct ofp_buf *b, char c)
{
    if (last_char__(b) == c) {
        b->size--;
    }
}

static bool
all_ones__(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] != 0xff) {
            return false;
        }
    }
    return true;
}

static uint64_t
get_uint__(const uint8_t *p, size_t n)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n && i < 8; i++) {
        v = (v << 8) | p[i];
    }
    return v;
}

/* Returns the name OVS uses for reserved port 'port', or NULL. */
static const char *
reserved_port_name__(uint32_t port)
{
    for (size_t i = 0; i < sizeof reserved_ports__ / sizeof *reserved_ports__;
         i++) {
        if (reserved_ports__[i].port == port) {
            return reserved_ports__[i].name;
        }
    }
    return NULL;
}

/* Appends port 'port' as OVS prints an OpenFlow 1.3 port: a reserved name
 * ("LOCAL", "CONTROLLER", ...) or a decimal number.  Numbers from OFPP_MAX
 * up to the reserved range print as OVS's 16-bit equivalents (0xff00...),
 * since that is how OVS maps them. */
void
ofp_port_format(uint32_t port, struct ofp_buf *b)
{
    const char *name = reserved_port_name__(port);
    if (name) {
        ofp_buf_put_cstr(b, name);
    } else if (port >= OFPP_MAX) {
        ofp_buf_put_format(b, "%" PRIu32, port - 0xffff0000u);
    } else {
        ofp_buf_put_format(b, "%" PRIu32, port);
    }
}

/* Appends 'n' bytes at 'p' as OVS's ds_put_hex() does: "0x" and the
 * significant hex digits, or "0". */
static void
put_hex_value__(struct ofp_buf *b, const uint8_t *p, size_t n)
{
    bool printed = false;
    for (size_t i = 0; i < n; i++) {
        if (p[i] || printed) {
            ofp_buf_put_format(b, printed ? "%02" PRIx8 : "0x%" PRIx8, p[i]);
            printed = true;
        }
    }
    if (!printed) {
        ofp_buf_put_char(b, '0');
    }
}

static void
put_eth__(struct ofp_buf *b, const uint8_t *e)
{
    ofp_buf_put_format(b,
                       "%02" PRIx8 ":%02" PRIx8 ":%02" PRIx8 ":%02" PRIx8
                       ":%02" PRIx8 ":%02" PRIx8,
                       e[0], e[1], e[2], e[3], e[4], e[5]);
}

/* Appends Ethernet address 'value' and, unless it is NULL or exact, "/mask".
 */
static void
put_eth_masked__(struct ofp_buf *b, const uint8_t *value, const uint8_t *mask)
{
    put_eth__(b, value);
    if (mask && !all_ones__(mask, 6)) {
        ofp_buf_put_char(b, '/');
        put_eth__(b, mask);
    }
}

/* Returns the prefix length of 'n'-byte 'mask' if it is a CIDR mask (ones
 * then zeros), otherwise -1. */
static int
cidr_bits__(const uint8_t *mask, size_t n)
{
    int bits = 0;
    size_t i = 0;
    for (; i < n && mask[i] == 0xff; i++) {
        bits += 8;
    }
    if (i < n) {
        uint8_t x = (uint8_t)~mask[i];
        if (x & (x + 1)) {
            return -1;
        }
        for (uint8_t m = mask[i]; m & 0x80; m <<= 1) {
            bits++;
        }
        for (i++; i < n; i++) {
            if (mask[i]) {
                return -1;
            }
        }
    }
    return bits;
}

static void
put_ipv4__(struct ofp_buf *b, const uint8_t *a)
{
    ofp_buf_put_format(b, "%" PRIu8 ".%" PRIu8 ".%" PRIu8 ".%" PRIu8, a[0],
                       a[1], a[2], a[3]);
}

/* Appends an IPv4 address with "/N" for a CIDR mask or "/a.b.c.d"
 * otherwise, nothing for an exact or NULL mask. */
static void
put_ipv4_masked__(struct ofp_buf *b, const uint8_t *value, const uint8_t *mask)
{
    put_ipv4__(b, value);
    if (mask && !all_ones__(mask, 4)) {
        int bits = cidr_bits__(mask, 4);
        ofp_buf_put_char(b, '/');
        if (bits >= 0) {
            ofp_buf_put_format(b, "%d", bits);
        } else {
            put_ipv4__(b, mask);
        }
    }
}

static void
put_ipv6__(struct ofp_buf *b, const uint8_t *a)
{
    char s[INET6_ADDRSTRLEN];
    if (inet_ntop(AF_INET6, a, s, sizeof s)) {
        ofp_buf_put_cstr(b, s);
    } else {
        ofp_buf_put_hex(b, a, 16);
    }
}

static void
put_ipv6_masked__(struct ofp_buf *b, const uint8_t *value, const uint8_t *mask)
{
    put_ipv6__(b, value);
    if (mask && !all_ones__(mask, 16)) {
        int bits = cidr_bits__(mask, 16);
        ofp_buf_put_char(b, '/');
        if (bits >= 0) {
            ofp_buf_put_format(b, "%d", bits);
        } else {
            put_ipv6__(b, mask);
        }
    }
}

/* Returns the word OVS's match_format() writes for nw_frag value 'v' under
 * mask 'm' (all-ones for exact), or NULL if it writes nothing. */
static const char *
frag_word__(uint8_t v, uint8_t m)
{
    bool any = v & OFP_IP_FRAG_ANY, later = v & OFP_IP_FRAG_LATER;
    switch (m & OFP_IP_FRAG_MASK) {
    case OFP_IP_FRAG_MASK:
        return any ? (later ? "later" : "first") : (later ? "<error>" : "no");
    case OFP_IP_FRAG_ANY:
        return any ? "yes" : "no";
    case OFP_IP_FRAG_LATER:
        return later ? "later" : "not_later";
    default:
        return NULL;
    }
}

/* Appends the value of field 'id' ('value', network byte order) as OVS's
 * mf_format() would, with "/mask" unless 'mask' is NULL or all-ones. */
static void
put_field_value__(struct ofp_buf *b, enum ofp_field_id id,
                  const uint8_t *value, const uint8_t *mask)
{
    const struct ofp_field_info *f = ofp_field_info(id);
    if (mask && all_ones__(mask, f->len)) {
        mask = NULL;
    }
    switch (field_styles__[id].style) {
    case VS_PORT:
        if (!mask) {
            ofp_port_format((uint32_t)get_uint__(value, f->len), b);
            return;
        }
        /* fall through */
    case VS_DEC:
    case VS_HEX:
        if (field_styles__[id].style == VS_HEX) {
            put_hex_value__(b, value, f->len);
        } else {
            ofp_buf_put_format(b, "%" PRIu64, get_uint__(value, f->len));
        }
        if (mask) {
            ofp_buf_put_char(b, '/');
            put_hex_value__(b, mask, f->len);
        }
        break;
    case VS_ETH:
        put_eth_masked__(b, value, mask);
        break;
    case VS_IPV4:
        put_ipv4_masked__(b, value, mask);
        break;
    case VS_IPV6:
        put_ipv6_masked__(b, value, mask);
        break;
    case VS_FRAG: {
        const char *word = frag_word__(value[0], mask ? mask[0] : 0xff);
        ofp_buf_put_cstr(b, word ? word : "?");
        break;
    }
    }
}

/* Formatting state for one match: which fields are still to be printed. */
struct match_fmt__ {
    const struct ofp_match *match;
    struct ofp_buf *b;
    uint64_t todo; /* 1 << field for each field not yet printed. */
};

/* If field 'id' is present and not yet printed, fetches its value and mask
 * (NULL if exact) into 'v' and '*m', marks it printed and returns true. */
static bool
take__(struct match_fmt__ *mf, enum ofp_field_id id, uint8_t v[16],
       uint8_t m[16], const uint8_t **maskp)
{
    uint64_t bit = UINT64_C(1) << id;
    if (!(mf->todo & bit) || !ofp_match_get(mf->match, id, v, m)) {
        return false;
    }
    mf->todo &= ~bit;
    *maskp = all_ones__(m, ofp_field_info(id)->len) ? NULL : m;
    return true;
}

/* Prints field 'id' as "NAME=VALUE," in the style OVS's match_format() uses
 * for that kind of field, if it is present and not yet printed. */
static void
put_match_field__(struct match_fmt__ *mf, enum ofp_field_id id,
                  const char *name)
{
    uint8_t v[16], m[16];
    const uint8_t *mask;
    if (!take__(mf, id, v, m, &mask)) {
        return;
    }

    const struct ofp_field_info *f = ofp_field_info(id);
    struct ofp_buf *b = mf->b;
    if (field_styles__[id].style == VS_FRAG) {
        const char *word = frag_word__(v[0], m[0]);
        if (word) {
            ofp_buf_put_format(b, "%s=%s,", name, word);
        }
        return;
    }
    ofp_buf_put_format(b, "%s=", name);
    switch (field_styles__[id].style) {
    case VS_ETH:
        put_eth_masked__(b, v, mask);
        break;
    case VS_IPV4:
        put_ipv4_masked__(b, v, mask);
        break;
    case VS_IPV6:
        put_ipv6_masked__(b, v, mask);
        break;
    case VS_PORT:
        if (!mask) {
            ofp_port_format((uint32_t)get_uint__(v, f->len), b);
            break;
        }
        /* fall through */
    case VS_HEX:
        /* Registers and metadata: "%#x" value, "/%#x" mask. */
        ofp_buf_put_format(b, get_uint__(v, f->len) ? "%#" PRIx64 : "0",
                           get_uint__(v, f->len));
        if (mask) {
            ofp_buf_put_format(b, get_uint__(m, f->len) ? "/%#" PRIx64 : "/0",
                               get_uint__(m, f->len));
        }
        break;
    case VS_FRAG: /* Printed above. */
        break;
    case VS_DEC:
        /* OVS prints L4 fields and the like as "%u", or "0x%x/0x%x" when
         * masked. */
        if (!mask) {
            ofp_buf_put_format(b, "%" PRIu64, get_uint__(v, f->len));
        } else {
            ofp_buf_put_format(b, "0x%" PRIx64 "/0x%" PRIx64,
                               get_uint__(v, f->len), get_uint__(m, f->len));
        }
        break;
    }
    ofp_buf_put_char(b, ',');
}

/* Prints the VLAN fields the way OVS does after converting OXM vlan_vid and
 * vlan_pcp into an 802.1Q TCI value and mask. */
static void
put_vlan__(struct match_fmt__ *mf)
{
    uint8_t v[16], m[16];
    const uint8_t *mask;
    uint16_t tci = 0, tci_mask = 0;

    if (take__(mf, OFPF_VLAN_VID, v, m, &mask)) {
        uint16_t vid_mask = mask ? ofp_get_be16(m) : 0x1fff;
        tci |= ofp_get_be16(v) & vid_mask & 0x1fff;
        tci_mask |= vid_mask & 0x1fff;
    }
    if (take__(mf, OFPF_VLAN_PCP, v, m, &mask)) {
        tci |= (uint16_t)((v[0] & 7) << 13) | OFPVID_PRESENT;
        tci_mask |= 0xe000 | OFPVID_PRESENT;
    }
    if (!tci_mask) {
        return;
    }

    uint16_t vid_mask = tci_mask & 0x0fff;
    uint16_t pcp_mask = tci_mask & 0xe000;
    struct ofp_buf *b = mf->b;
    if ((tci_mask & tci & OFPVID_PRESENT) &&
        (!vid_mask || vid_mask == 0x0fff) &&
        (!pcp_mask || pcp_mask == 0xe000) && (vid_mask || pcp_mask)) {
        if (vid_mask) {
            ofp_buf_put_format(b, "dl_vlan=%u,", tci & 0x0fff);
        }
        if (pcp_mask) {
            ofp_buf_put_format(b, "dl_vlan_pcp=%u,", tci >> 13);
        }
    } else if (tci_mask == 0xffff) {
        ofp_buf_put_format(b, "vlan_tci=0x%04" PRIx16 ",", tci);
    } else {
        ofp_buf_put_format(b, "vlan_tci=0x%04" PRIx16 "/0x%04" PRIx16 ",", tci,
                           tci_mask);
    }
}

/* Returns field 'id''s exact value in 'match', or -1 if it is absent or
 * masked. */
static int64_t
exact_value__(const struct ofp_match *match, enum ofp_field_id id)
{
    uint8_t v[16], m[16];
    const struct ofp_field_info *f = ofp_field_info(id);
    if (!ofp_match_get(match, id, v, m) || !all_ones__(m, f->len)) {
        return -1;
    }
    return (int64_t)get_uint__(v, f->len);
}

/* Appends 'match' in OVS's order, preceded by "priority=N," when 'priority'
 * is not the default (pass DEFAULT_PRIORITY__ to omit it), with no trailing
 * comma.  Appends nothing for a catch-all match at the default priority. */
static void
format_match__(const struct ofp_match *match, int priority, struct ofp_buf *b)
{
    struct match_fmt__ mf = { .match = match, .b = b, .todo = match->present };
    size_t start = b->size;
    int64_t dl_type = exact_value__(match, OFPF_ETH_TYPE);
    int64_t nw_proto = exact_value__(match, OFPF_IP_PROTO);
    uint8_t v[16], m[16];
    const uint8_t *mask;

    if (priority != DEFAULT_PRIORITY__) {
        ofp_buf_put_format(b, "priority=%d,", priority);
    }

    /* Protocol shorthand, which also stands for dl_type and (for all but
     * "ip" and "ipv6") nw_proto. */
    const char *shorthand = NULL;
    bool skip_proto = false;
    if (dl_type == 0x0800) {
        skip_proto = true;
        shorthand = (nw_proto == 1     ? "icmp"
                     : nw_proto == 6   ? "tcp"
                     : nw_proto == 17  ? "udp"
                     : nw_proto == 132 ? "sctp"
                                       : NULL);
        if (!shorthand) {
            shorthand = "ip";
            skip_proto = false;
        }
    } else if (dl_type == 0x86dd) {
        skip_proto = true;
        shorthand = (nw_proto == 58    ? "icmp6"
                     : nw_proto == 6   ? "tcp6"
                     : nw_proto == 17  ? "udp6"
                     : nw_proto == 132 ? "sctp6"
                                       : NULL);
        if (!shorthand) {
            shorthand = "ipv6";
            skip_proto = false;
        }
    } else if (dl_type == 0x0806) {
        shorthand = "arp";
    } else if (dl_type == 0x8035) {
        shorthand = "rarp";
    } else if (dl_type == 0x8847) {
        shorthand = "mpls";
    } else if (dl_type == 0x8848) {
        shorthand = "mplsm";
    }
    if (shorthand) {
        ofp_buf_put_format(b, "%s,", shorthand);
        mf.todo &= ~(UINT64_C(1) << OFPF_ETH_TYPE);
        if (skip_proto) {
            mf.todo &= ~(UINT64_C(1) << OFPF_IP_PROTO);
        }
    }

    for (int i = 0; i < 16; i++) {
        put_match_field__(&mf, OFPF_REG(i), ofp_field_info(OFPF_REG(i))->name);
    }
    put_match_field__(&mf, OFPF_METADATA, "metadata");
    put_match_field__(&mf, OFPF_IN_PORT, "in_port");
    put_vlan__(&mf);
    put_match_field__(&mf, OFPF_ETH_SRC, "dl_src");
    put_match_field__(&mf, OFPF_ETH_DST, "dl_dst");
    if (take__(&mf, OFPF_ETH_TYPE, v, m, &mask)) {
        ofp_buf_put_format(b, "dl_type=0x%04" PRIx16 ",", ofp_get_be16(v));
    }

    if (dl_type == 0x86dd) {
        put_match_field__(&mf, OFPF_IPV6_SRC, "ipv6_src");
        put_match_field__(&mf, OFPF_IPV6_DST, "ipv6_dst");
    } else if (dl_type == 0x0806 || dl_type == 0x8035) {
        put_match_field__(&mf, OFPF_ARP_SPA, "arp_spa");
        put_match_field__(&mf, OFPF_ARP_TPA, "arp_tpa");
    } else {
        put_match_field__(&mf, OFPF_IPV4_SRC, "nw_src");
        put_match_field__(&mf, OFPF_IPV4_DST, "nw_dst");
    }
    put_match_field__(&mf, OFPF_ARP_OP, "arp_op");
    put_match_field__(&mf, OFPF_IP_PROTO, "nw_proto");
    put_match_field__(&mf, OFPF_ARP_SHA, "arp_sha");
    put_match_field__(&mf, OFPF_ARP_THA, "arp_tha");
    put_match_field__(&mf, OFPF_IP_FRAG, "nw_frag");

    if (dl_type == 0x0800 && nw_proto == 1) {
        put_match_field__(&mf, OFPF_ICMPV4_TYPE, "icmp_type");
        put_match_field__(&mf, OFPF_ICMPV4_CODE, "icmp_code");
    } else if (dl_type == 0x86dd && nw_proto == 58) {
        put_match_field__(&mf, OFPF_ICMPV6_TYPE, "icmp_type");
        put_match_field__(&mf, OFPF_ICMPV6_CODE, "icmp_code");
        put_match_field__(&mf, OFPF_IPV6_ND_TARGET, "nd_target");
        put_match_field__(&mf, OFPF_IPV6_ND_SLL, "nd_sll");
        put_match_field__(&mf, OFPF_IPV6_ND_TLL, "nd_tll");
    } else {
        put_match_field__(&mf, OFPF_TCP_SRC, "tp_src");
        put_match_field__(&mf, OFPF_TCP_DST, "tp_dst");
        put_match_field__(&mf, OFPF_UDP_SRC, "tp_src");
        put_match_field__(&mf, OFPF_UDP_DST, "tp_dst");
    }

    /* Fields whose prerequisites are missing (a match that would not pass
     * ofp_match_validate()): OVS has no way to show them; print them under
     * their OXM names so that nothing is hidden. */
    for (int i = 0; i < OFPF_N_FIELDS; i++) {
        put_match_field__(&mf, i, ofp_field_info(i)->oxm_name);
    }

    if (b->size > start) {
        chomp__(b, ',');
    }
}

/* Appends 'match' in ovs-ofctl syntax, without a priority. */
void
ofp_match_format(const struct ofp_match *match, struct ofp_buf *b)
{
    format_match__(match, DEFAULT_PRIORITY__, b);
}

/* Appends one action as OVS prints it. */
static void
format_action__(const struct ofp_action *a, struct ofp_buf *b)
{
    switch (a->type) {
    case OFPAT_OUTPUT:
        if (a->output.port < OFPP_MAX) {
            ofp_buf_put_cstr(b, "output:");
        }
        ofp_port_format(a->output.port, b);
        if (a->output.port == OFPP_CONTROLLER) {
            ofp_buf_put_format(b, ":%" PRIu16, a->output.max_len);
        }
        break;
    case OFPAT_GROUP:
        ofp_buf_put_format(b, "group:%" PRIu32, a->group_id);
        break;
    case OFPAT_PUSH_VLAN:
        ofp_buf_put_format(b, "push_vlan:%#" PRIx16, a->ethertype);
        break;
    case OFPAT_POP_VLAN:
        ofp_buf_put_cstr(b, "pop_vlan");
        break;
    case OFPAT_SET_FIELD:
        if (ofp_field_info(a->set_field.field)) {
            ofp_buf_put_cstr(b, "set_field:");
            put_field_value__(b, a->set_field.field, a->set_field.value, NULL);
            ofp_buf_put_format(b, "->%s",
                               field_styles__[a->set_field.field].mf_name);
        } else {
            ofp_buf_put_format(b, "set_field:?->field%d",
                               (int)a->set_field.field);
        }
        break;
    default:
        ofp_buf_put_format(b, "action%" PRIu16, a->type);
        break;
    }
}

/* Appends 'n' actions separated by commas, without "drop" for none. */
static void
format_action_list__(const struct ofp_actions *acts, struct ofp_buf *b)
{
    for (size_t i = 0; i < acts->n; i++) {
        if (i) {
            ofp_buf_put_char(b, ',');
        }
        format_action__(&acts->acts[i], b);
    }
}

/* Appends 'acts' as OVS prints an action list: "drop" when empty. */
void
ofp_actions_format(const struct ofp_actions *acts, struct ofp_buf *b)
{
    if (!acts->n) {
        ofp_buf_put_cstr(b, "drop");
    } else {
        format_action_list__(acts, b);
    }
}

/* Appends 'insts' as the value of "actions=", in execution order, as OVS
 * prints them: "meter:1,output:2,clear_actions,write_actions(...),
 * write_metadata:0x1/0xff,goto_table:3", or "drop" for nothing. */
void
ofp_instructions_format(const struct ofp_instructions *insts,
                        struct ofp_buf *b)
{
    size_t start = b->size;
    uint32_t p = insts->present;

    if (p & (1u << OFPIT_METER)) {
        ofp_buf_put_format(b, "meter:%" PRIu32 ",", insts->meter_id);
    }
    if (p & (1u << OFPIT_APPLY_ACTIONS) && insts->apply.n) {
        format_action_list__(&insts->apply, b);
        ofp_buf_put_char(b, ',');
    }
    if (p & (1u << OFPIT_CLEAR_ACTIONS)) {
        ofp_buf_put_cstr(b, "clear_actions,");
    }
    if (p & (1u << OFPIT_WRITE_ACTIONS)) {
        ofp_buf_put_cstr(b, "write_actions(");
        ofp_actions_format(&insts->write, b);
        ofp_buf_put_cstr(b, "),");
    }
    if (p & (1u << OFPIT_WRITE_METADATA)) {
        ofp_buf_put_format(b,
                           insts->metadata ? "write_metadata:%#" PRIx64
                                           : "write_metadata:0",
                           insts->metadata);
        if (insts->metadata_mask != UINT64_MAX) {
            ofp_buf_put_format(b, insts->metadata_mask ? "/%#" PRIx64 : "/0",
                               insts->metadata_mask);
        }
        ofp_buf_put_char(b, ',');
    }
    if (p & (1u << OFPIT_GOTO_TABLE)) {
        ofp_buf_put_format(b, "goto_table:%" PRIu8 ",", insts->goto_table);
    }

    if (b->size == start) {
        ofp_buf_put_cstr(b, "drop");
    } else {
        chomp__(b, ',');
    }
}

/* Appends the flow_mod flag words OVS prints, each followed by a space. */
static void
format_flow_flags__(uint16_t flags, struct ofp_buf *b)
{
    static const struct {
        uint16_t flag;
        const char *name;
    } names[] = {
        { OFPFF_SEND_FLOW_REM, "send_flow_rem" },
        { OFPFF_CHECK_OVERLAP, "check_overlap" },
        { OFPFF_RESET_COUNTS, "reset_counts" },
        { OFPFF_NO_PKT_COUNTS, "no_packet_counts" },
        { OFPFF_NO_BYT_COUNTS, "no_byte_counts" },
    };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        if (flags & names[i].flag) {
            ofp_buf_put_format(b, "%s ", names[i].name);
            flags &= ~names[i].flag;
        }
    }
    if (flags) {
        ofp_buf_put_format(b, "flags:%#" PRIx16 " ", flags);
    }
}

/* Appends 'fm' as `ovs-ofctl ofp-print` prints an OpenFlow 1.3 FLOW_MOD after
 * the header: "ADD table:1 priority=100,ip,in_port=3 cookie:0x5 idle:10
 * hard:20 send_flow_rem actions=drop".  As in OVS, a cookie shows only for
 * ADD ("cookie:V") or when a cookie mask selects flows ("cookie:V/M"); and
 * out_group is not shown. */
void
ofp_flow_mod_format(const struct ofp_flow_mod *fm, struct ofp_buf *b)
{
    static const char *const commands[] = {
        [OFPFC_ADD] = "ADD",
        [OFPFC_MODIFY] = "MOD",
        [OFPFC_MODIFY_STRICT] = "MOD_STRICT",
        [OFPFC_DELETE] = "DEL",
        [OFPFC_DELETE_STRICT] = "DEL_STRICT",
    };
    if (fm->command < sizeof commands / sizeof *commands) {
        ofp_buf_put_cstr(b, commands[fm->command]);
    } else {
        ofp_buf_put_format(b, "cmd:%" PRIu8, fm->command);
    }
    if (fm->table_id) {
        ofp_buf_put_format(b, " table:%" PRIu8, fm->table_id);
    }
    ofp_buf_put_char(b, ' ');
    format_match__(&fm->match, fm->priority, b);
    if (last_char__(b) != ' ') {
        ofp_buf_put_char(b, ' ');
    }

    if (fm->command == OFPFC_ADD) {
        if (fm->cookie && fm->cookie != UINT64_MAX) {
            ofp_buf_put_format(b, "cookie:%#" PRIx64 " ", fm->cookie);
        }
    } else if (fm->cookie_mask) {
        ofp_buf_put_format(b, "cookie:0x%" PRIx64 "/0x%" PRIx64 " ",
                           fm->cookie, fm->cookie_mask);
    }
    if (fm->idle_timeout) {
        ofp_buf_put_format(b, "idle:%" PRIu16 " ", fm->idle_timeout);
    }
    if (fm->hard_timeout) {
        ofp_buf_put_format(b, "hard:%" PRIu16 " ", fm->hard_timeout);
    }
    if (fm->buffer_id != OFP_NO_BUFFER) {
        ofp_buf_put_format(b, "buf:0x%" PRIx32 " ", fm->buffer_id);
    }
    if (fm->out_port != OFPP_ANY) {
        ofp_buf_put_cstr(b, "out_port:");
        ofp_port_format(fm->out_port, b);
        ofp_buf_put_char(b, ' ');
    }
    format_flow_flags__(fm->flags, b);
    ofp_buf_put_cstr(b, "actions=");
    ofp_instructions_format(&fm->insts, b);
}

/* Appends a duration as OVS does: "10s", "10.500s" (whole milliseconds) or
 * as many decimals as needed. */
static void
format_duration__(uint32_t sec, uint32_t nsec, struct ofp_buf *b)
{
    ofp_buf_put_format(b, "%" PRIu32, sec);
    if (nsec > 0) {
        uint32_t msec = nsec / 1000000;
        if (msec * 1000000 == nsec) {
            ofp_buf_put_format(b, ".%03" PRIu32, msec);
        } else {
            ofp_buf_put_format(b, ".%09" PRIu32, nsec);
            while (last_char__(b) == '0') {
                b->size--;
            }
        }
    }
    ofp_buf_put_char(b, 's');
}

/* Appends flow stats entry 'fs' as `ovs-ofctl -O OpenFlow13 dump-flows`
 * prints it, statistics included: "cookie=0x1, duration=1.5s, table=0,
 * n_packets=0, n_bytes=0, idle_timeout=10, send_flow_rem priority=5,ip
 * actions=drop". */
void
ofp_flow_stats_format(const struct ofp_flow_stats *fs, struct ofp_buf *b)
{
    ofp_buf_put_format(b, "cookie=0x%" PRIx64 ", duration=", fs->cookie);
    format_duration__(fs->duration_sec, fs->duration_nsec, b);
    ofp_buf_put_format(b,
                       ", table=%" PRIu8 ", n_packets=%" PRIu64 ", "
                       "n_bytes=%" PRIu64 ", ",
                       fs->table_id, fs->packet_count, fs->byte_count);
    if (fs->idle_timeout) {
        ofp_buf_put_format(b, "idle_timeout=%" PRIu16 ", ", fs->idle_timeout);
    }
    if (fs->hard_timeout) {
        ofp_buf_put_format(b, "hard_timeout=%" PRIu16 ", ", fs->hard_timeout);
    }
    format_flow_flags__(fs->flags, b);

    size_t len = b->size;
    format_match__(&fs->match, fs->priority, b);
    if (b->size != len) {
        ofp_buf_put_char(b, ' ');
    }
    ofp_buf_put_cstr(b, "actions=");
    ofp_instructions_format(&fs->insts, b);
}

/* Appends the names of the bits set in 'bits' separated by spaces, "0" if
 * there are none, and any unnamed bits in hex, like OVS's
 * ofp_print_bit_names().  'names[i]' names bit i (NULL: unnamed). */
static void
format_bits__(uint32_t bits, const char *const *names, size_t n_names,
              struct ofp_buf *b)
{
    int n = 0;
    if (!bits) {
        ofp_buf_put_char(b, '0');
        return;
    }
    for (size_t i = 0; i < n_names && i < 32; i++) {
        uint32_t bit = UINT32_C(1) << i;
        if (bits & bit && names[i]) {
            if (n++) {
                ofp_buf_put_char(b, ' ');
            }
            ofp_buf_put_cstr(b, names[i]);
            bits &= ~bit;
        }
    }
    if (bits) {
        if (n) {
            ofp_buf_put_char(b, ' ');
        }
        ofp_buf_put_format(b, "0x%" PRIx32, bits);
    }
}

#define FORMAT_BITS__(BITS, NAMES, B) \
    format_bits__(BITS, NAMES, sizeof NAMES / sizeof *NAMES, B)

/* The name of multipart type 'type' in OVS's "OFPST_<NAME>". */
static const char *
mp_type_name__(uint16_t type)
{
    static const char *const names[] = {
        [OFPMP_DESC] = "DESC",
        [OFPMP_FLOW] = "FLOW",
        [OFPMP_AGGREGATE] = "AGGREGATE",
        [OFPMP_TABLE] = "TABLE",
        [OFPMP_PORT_STATS] = "PORT",
        [OFPMP_QUEUE] = "QUEUE",
        [OFPMP_GROUP] = "GROUP",
        [OFPMP_GROUP_DESC] = "GROUP_DESC",
        [OFPMP_GROUP_FEATURES] = "GROUP_FEATURES",
        [OFPMP_METER] = "METER",
        [OFPMP_METER_CONFIG] = "METER_CONFIG",
        [OFPMP_METER_FEATURES] = "METER_FEATURES",
        [OFPMP_TABLE_FEATURES] = "TABLE_FEATURES",
        [OFPMP_PORT_DESC] = "PORT_DESC",
    };
    return (type < sizeof names / sizeof *names && names[type] ? names[type]
                                                               : NULL);
}

/* Appends OVS's header line start: "<NAME> (OF1.3) (xid=0x5):". */
static void
format_header__(const struct ofp_msg *msg, struct ofp_buf *b)
{
    if (msg->kind == OFPK_MULTIPART_REQUEST ||
        msg->kind == OFPK_MULTIPART_REPLY) {
        uint16_t type =
            (msg->kind == OFPK_MULTIPART_REQUEST ? msg->mp_request.type
                                                 : msg->mp_reply.type);
        const char *name = mp_type_name__(type);
        if (type == OFPMP_ONF_FLOW_MONITOR) {
            ofp_buf_put_cstr(b, "ONFST_FLOW_MONITOR");
        } else if (name) {
            ofp_buf_put_format(b, "OFPST_%s", name);
        } else {
            ofp_buf_put_format(b, "OFPST_%" PRIu16, type);
        }
        ofp_buf_put_cstr(b, msg->kind == OFPK_MULTIPART_REQUEST ? " request"
                                                                : " reply");
    } else if (msg->kind == OFPK_BUNDLE_CONTROL ||
               msg->kind == OFPK_BUNDLE_ADD) {
        ofp_buf_put_format(
            b, "%s_%s", msg->version == OFP13_VERSION ? "ONFT" : "OFPT",
            msg->kind == OFPK_BUNDLE_CONTROL ? "BUNDLE_CONTROL"
                                             : "BUNDLE_ADD_MESSAGE");
    } else if (msg->kind == OFPK_FLOW_MONITOR_PAUSED ||
               msg->kind == OFPK_FLOW_MONITOR_RESUMED) {
        /* ONF experimenter messages, named as Open vSwitch names them. */
        ofp_buf_put_format(b, "ONFT_%s", ofp_msg_kind_name(msg->kind) + 5);
    } else {
        const char *name = ofp_msg_kind_name(msg->kind);
        ofp_buf_put_cstr(b, name ? name : "OFPT_UNKNOWN");
    }

    switch (msg->version) {
    case 0x01:
        break;
    case 0x02:
    case 0x03:
    case OFP13_VERSION:
    case OFP14_VERSION:
    case 0x06:
        ofp_buf_put_format(b, " (OF1.%d)", msg->version - 1);
        break;
    default:
        ofp_buf_put_format(b, " (OF 0x%02" PRIx8 ")", msg->version);
        break;
    }
    ofp_buf_put_format(b, " (xid=0x%" PRIx32 "):", msg->xid);
}

static void
format_hello__(const struct ofp_hello *h, struct ofp_buf *b)
{
    uint32_t bitmap = h->version_bitmap;
    if (!bitmap) {
        /* No bitmap: every version up to the header's. */
        bitmap = h->version >= 31 ? UINT32_MAX - 1
                                  : (UINT32_C(2) << h->version) - 2;
    }
    ofp_buf_put_cstr(b, " version bitmap: ");
    bool first = true;
    for (int i = 0; i < 32; i++) {
        if (bitmap & (UINT32_C(1) << i)) {
            ofp_buf_put_format(b, "%s0x%02x", first ? "" : ", ", i);
            first = false;
        }
    }
}

static void
format_error__(const struct ofp_error *e, struct ofp_buf *b)
{
    const char *name = e->error ? ofperr_name(e->error) : NULL;
    if (name) {
        ofp_buf_put_format(b, " %s", name);
    } else if (e->type == OFPET_EXPERIMENTER) {
        ofp_buf_put_format(b, " experimenter=%#" PRIx32 " exp_code=%" PRIu16,
                           e->experimenter, e->code);
    } else {
        ofp_buf_put_format(b, " type=%" PRIu16 " code=%" PRIu16, e->type,
                           e->code);
    }
}

static void
format_features__(const struct ofp_features *f, struct ofp_buf *b)
{
    static const char *const caps[] = {
        "FLOW_STATS", "TABLE_STATS", "PORT_STATS", "GROUP_STATS",  NULL,
        "IP_REASM",   "QUEUE_STATS", NULL,         "PORT_BLOCKED",
    };
    ofp_buf_put_format(
        b, " dpid:%016" PRIx64 " n_tables:%" PRIu8 ", n_buffers:%" PRIu32,
        f->datapath_id, f->n_tables, f->n_buffers);
    if (f->auxiliary_id) {
        ofp_buf_put_format(b, " auxiliary_id:%" PRIu8, f->auxiliary_id);
    }
    ofp_buf_put_cstr(b, " capabilities: ");
    FORMAT_BITS__(f->capabilities, caps, b);
}

static void
format_config__(const struct ofp_switch_config *c, struct ofp_buf *b)
{
    static const char *const frags[] = { "normal", "drop", "reassemble",
                                         "nx-match" };
    ofp_buf_put_format(b, " frags=%s", frags[c->flags & 3]);
    if (c->flags & ~3) {
        ofp_buf_put_format(b, " flags=%#" PRIx16, (uint16_t)(c->flags & ~3));
    }
    ofp_buf_put_format(b, " miss_send_len=%" PRIu16, c->miss_send_len);
}

static void
format_role__(const struct ofp_role *r, struct ofp_buf *b)
{
    static const char *const roles[] = { "nochange", "equal", "primary",
                                         "secondary" };
    if (r->role < 4) {
        ofp_buf_put_format(b, " role=%s", roles[r->role]);
    } else {
        ofp_buf_put_format(b, " role=%" PRIu32, r->role);
    }
    if (r->generation_id != UINT64_MAX) {
        ofp_buf_put_format(b, " generation_id=%" PRIu64, r->generation_id);
    }
}

/* Like format_bits__(), but "(off)" for no bits, as OVS prints async
 * configuration. */
static void
format_async_bits__(uint32_t bits, const char *const *names, size_t n,
                    struct ofp_buf *b)
{
    if (bits) {
        format_bits__(bits, names, n, b);
    } else {
        ofp_buf_put_cstr(b, "(off)");
    }
}

static void
format_async__(const struct ofp_async *a, struct ofp_buf *b)
{
    static const char *const pin[] = { "no_match", "action", "invalid_ttl" };
    static const char *const ps[] = { "add", "delete", "modify" };
    static const char *const fr[] = { "idle", "hard", "delete",
                                      "group_delete" };
    for (int i = 0; i < 2; i++) {
        ofp_buf_put_cstr(b, i ? " secondary:" : " primary:");
        ofp_buf_put_cstr(b, " PACKET_IN: ");
        format_async_bits__(a->packet_in_mask[i], pin, 3, b);
        ofp_buf_put_cstr(b, " PORT_STATUS: ");
        format_async_bits__(a->port_status_mask[i], ps, 3, b);
        ofp_buf_put_cstr(b, " FLOW_REMOVED: ");
        format_async_bits__(a->flow_removed_mask[i], fr, 4, b);
    }
}

static void
format_packet_in__(const struct ofp_packet_in *pi, struct ofp_buf *b)
{
    static const char *const reasons[] = { "no_match", "action",
                                           "invalid_ttl" };
    if (pi->table_id) {
        ofp_buf_put_format(b, " table_id=%" PRIu8, pi->table_id);
    }
    if (pi->cookie != UINT64_MAX) {
        ofp_buf_put_format(b, " cookie=0x%" PRIx64, pi->cookie);
    }
    ofp_buf_put_format(b, " total_len=%" PRIu16 " ", pi->total_len);
    ofp_match_format(&pi->match, b);
    if (pi->reason < 3) {
        ofp_buf_put_format(b, " (via %s)", reasons[pi->reason]);
    } else {
        ofp_buf_put_format(b, " (via %" PRIu8 ")", pi->reason);
    }
    ofp_buf_put_format(b, " data_len=%zu", pi->data_len);
    if (pi->buffer_id == OFP_NO_BUFFER) {
        ofp_buf_put_cstr(b, " (unbuffered)");
        if (pi->total_len != pi->data_len) {
            ofp_buf_put_cstr(b, " (***total_len != data_len***)");
        }
    } else {
        ofp_buf_put_format(b, " buffer=0x%08" PRIx32, pi->buffer_id);
        if (pi->total_len < pi->data_len) {
            ofp_buf_put_cstr(b, " (***total_len < data_len***)");
        }
    }
}

static void
format_flow_removed__(const struct ofp_flow_removed *fr, struct ofp_buf *b)
{
    static const char *const reasons[] = { "idle",         "hard",
                                           "delete",       "group_delete",
                                           "meter_delete", "eviction" };
    ofp_buf_put_char(b, ' ');
    format_match__(&fr->match, fr->priority, b);
    if (fr->reason < sizeof reasons / sizeof *reasons) {
        ofp_buf_put_format(b, " reason=%s", reasons[fr->reason]);
    } else {
        ofp_buf_put_format(b, " reason=%" PRIu8, fr->reason);
    }
    if (fr->table_id != OFPTT_ALL) {
        ofp_buf_put_format(b, " table_id=%" PRIu8, fr->table_id);
    }
    if (fr->cookie) {
        ofp_buf_put_format(b, " cookie:0x%" PRIx64, fr->cookie);
    }
    ofp_buf_put_cstr(b, " duration");
    format_duration__(fr->duration_sec, fr->duration_nsec, b);
    ofp_buf_put_format(b, " idle%" PRIu16, fr->idle_timeout);
    if (fr->hard_timeout) {
        ofp_buf_put_format(b, " hard%" PRIu16, fr->hard_timeout);
    }
    ofp_buf_put_format(b, " pkts%" PRIu64 " bytes%" PRIu64, fr->packet_count,
                       fr->byte_count);
}

/* Appends " 5(vif5.0): addr:fe:ff:ff:ff:ff:ff config: 0 state: LIVE". */
static void
format_port__(const struct ofp_port *p, struct ofp_buf *b)
{
    static const char *const config[] = {
        "PORT_DOWN", NULL, "NO_RECV", NULL, NULL, "NO_FWD", "NO_PACKET_IN",
    };
    static const char *const state[] = { "LINK_DOWN", "BLOCKED", "LIVE" };
    size_t n = 0;

    ofp_buf_put_char(b, ' ');
    ofp_port_format(p->port_no, b);
    ofp_buf_put_char(b, '(');
    while (n < sizeof p->name && p->name[n] &&
           isprint((unsigned char)p->name[n])) {
        n++;
    }
    ofp_buf_put(b, p->name, n);
    ofp_buf_put_cstr(b, "): addr:");
    put_eth__(b, p->hw_addr);
    ofp_buf_put_cstr(b, " config: ");
    FORMAT_BITS__(p->config, config, b);
    ofp_buf_put_cstr(b, " state: ");
    FORMAT_BITS__(p->state, state, b);
    ofp_buf_put_format(b, " speed: %" PRIu32 " Mbps now, %" PRIu32 " Mbps max",
                       p->curr_speed / 1000, p->max_speed / 1000);
}

static void
format_port_status__(const struct ofp_port_status *ps, struct ofp_buf *b)
{
    static const char *const reasons[] = { "ADD", "DEL", "MOD" };
    if (ps->reason < 3) {
        ofp_buf_put_format(b, " %s:", reasons[ps->reason]);
    } else {
        ofp_buf_put_format(b, " reason=%" PRIu8 ":", ps->reason);
    }
    format_port__(&ps->desc, b);
}

static void
format_packet_out__(const struct ofp_packet_out *po, struct ofp_buf *b)
{
    ofp_buf_put_cstr(b, " in_port=");
    ofp_port_format(po->in_port, b);
    ofp_buf_put_cstr(b, " actions=");
    ofp_actions_format(&po->actions, b);
    if (po->buffer_id == OFP_NO_BUFFER) {
        ofp_buf_put_format(b, " data_len=%zu", po->data_len);
    } else {
        ofp_buf_put_format(b, " buffer=0x%08" PRIx32, po->buffer_id);
    }
}

/* Appends "group_id=5,type=all,bucket=actions=output:1,...". */
static void
format_group_body__(const struct ofp_group *g, struct ofp_buf *b)
{
    static const char *const types[] = { "all", "select", "indirect", "ff" };
    ofp_buf_put_format(b, "group_id=%" PRIu32 ",type=%s", g->group_id,
                       g->type < 4 ? types[g->type] : "unknown");
    for (size_t i = 0; i < g->n_buckets; i++) {
        const struct ofp_bucket *bk = &g->buckets[i];
        ofp_buf_put_cstr(b, ",bucket=");
        if (bk->weight != (g->type == OFPGT_SELECT ? 1 : 0)) {
            ofp_buf_put_format(b, "weight:%" PRIu16 ",", bk->weight);
        }
        if (bk->watch_port != OFPP_ANY) {
            ofp_buf_put_cstr(b, "watch_port:");
            ofp_port_format(bk->watch_port, b);
            ofp_buf_put_char(b, ',');
        }
        if (bk->watch_group != OFPG_ANY) {
            ofp_buf_put_format(b, "watch_group:%" PRIu32 ",", bk->watch_group);
        }
        ofp_buf_put_cstr(b, "actions=");
        ofp_actions_format(&bk->actions, b);
    }
}

static void
format_group_mod__(const struct ofp_group *g, struct ofp_buf *b)
{
    static const char *const commands[] = { "ADD", "MOD", "DEL" };
    if (g->command < 3) {
        ofp_buf_put_format(b, " %s ", commands[g->command]);
    } else {
        ofp_buf_put_format(b, " cmd:%" PRIu16 " ", g->command);
    }
    format_group_body__(g, b);
}

/* Appends "meter=1" or "meter=all" (with 'sep' instead of '='). */
static void
format_meter_id__(uint32_t id, char sep, struct ofp_buf *b)
{
    if (id <= OFPM_MAX) {
        ofp_buf_put_format(b, "meter%c%" PRIu32, sep, id);
    } else {
        ofp_buf_put_format(b, "meter%c%s", sep,
                           id == 0xfffffffd   ? "slowpath"
                           : id == 0xfffffffe ? "controller"
                           : id == OFPM_ALL   ? "all"
                                              : "unknown");
    }
}

/* Formats the table, out_port and match of a flow or flow monitor request,
 * as ovs-ofctl does. */
static void
format_table_port_match__(const struct ofp_mp_request *r, struct ofp_buf *b)
{
    if (r->table_id != OFPTT_ALL) {
        ofp_buf_put_format(b, " table=%" PRIu8, r->table_id);
    }
    if (r->out_port != OFPP_ANY) {
        ofp_buf_put_cstr(b, " out_port=");
        ofp_port_format(r->out_port, b);
    }
    ofp_buf_put_char(b, ' ');
    ofp_match_format(&r->match, b);
}

static void
format_meter_mod__(const struct ofp_meter_mod *mm, struct ofp_buf *b)
{
    static const char *const commands[] = { "ADD", "MOD", "DEL" };
    static const char *const flags[] = { "kbps", "pktps", "burst", "stats" };
    if (mm->command < 3) {
        ofp_buf_put_format(b, " %s ", commands[mm->command]);
    } else {
        ofp_buf_put_format(b, " cmd:%" PRIu16 " ", mm->command);
    }
    format_meter_id__(mm->meter_id, '=', b);
    ofp_buf_put_char(b, ' ');
    for (int i = 0; i < 4; i++) {
        if (mm->flags & (1u << i)) {
            ofp_buf_put_format(b, "%s ", flags[i]);
        }
    }
    if (mm->flags & ~0xfu) {
        ofp_buf_put_format(b, "flags:0x%x ",
                           (unsigned int)(mm->flags & ~0xfu));
    }
    ofp_buf_put_cstr(b, "bands=");
    for (size_t i = 0; i < mm->n_bands; i++) {
        const struct ofp_meter_band *mb = &mm->bands[i];
        if (i) {
            ofp_buf_put_char(b, ' ');
        }
        if (mb->type == OFPMBT_DROP) {
            ofp_buf_put_cstr(b, "type=drop");
        } else if (mb->type == OFPMBT_DSCP_REMARK) {
            ofp_buf_put_cstr(b, "type=dscp_remark");
        } else {
            ofp_buf_put_format(b, "type=%" PRIu16, mb->type);
        }
        ofp_buf_put_format(b, " rate=%" PRIu32, mb->rate);
        if (mm->flags & OFPMF_BURST) {
            ofp_buf_put_format(b, " burst_size=%" PRIu32, mb->burst_size);
        }
        if (mb->type == OFPMBT_DSCP_REMARK) {
            ofp_buf_put_format(b, " prec_level=%" PRIu8, mb->prec_level);
        }
    }
}

static void
format_mp_request__(const struct ofp_mp_request *r, struct ofp_buf *b)
{
    if (r->flags) {
        ofp_buf_put_cstr(b, " flags=[more]");
    }
    switch (r->type) {
    case OFPMP_PORT_DESC:
        ofp_buf_put_cstr(b, " port=ANY");
        break;
    case OFPMP_FLOW:
    case OFPMP_AGGREGATE:
        format_table_port_match__(r, b);
        break;
    case OFPMP_GROUP_DESC:
        ofp_buf_put_cstr(b, " group_id=ALL");
        break;
    case OFPMP_METER:
        ofp_buf_put_char(b, ' ');
        format_meter_id__(r->meter_id, '=', b);
        break;
    case OFPMP_ONF_FLOW_MONITOR:
        ofp_buf_put_format(b, " id=%" PRIu32 " flags=%#" PRIx16, r->monitor_id,
                           r->monitor_flags);
        format_table_port_match__(r, b);
        break;
    default:
        break;
    }
}

static void
format_mp_reply__(const struct ofp_mp_reply *r, struct ofp_buf *b)
{
    const char *what, *whats;

    if (r->flags & OFPMPF_REPLY_MORE) {
        ofp_buf_put_cstr(b, " flags=[more]");
    }
    switch (r->type) {
    case OFPMP_AGGREGATE:
        ofp_buf_put_format(b,
                           " packet_count=%" PRIu64 " byte_count=%" PRIu64
                           " flow_count=%" PRIu32,
                           r->aggregate.packet_count, r->aggregate.byte_count,
                           r->aggregate.flow_count);
        return;
    case OFPMP_FLOW:
        what = "flow";
        whats = "flows";
        break;
    case OFPMP_PORT_DESC:
        what = "port";
        whats = "ports";
        break;
    case OFPMP_GROUP_DESC:
        what = "group";
        whats = "groups";
        break;
    case OFPMP_METER:
        what = "meter";
        whats = "meters";
        break;
    case OFPMP_ONF_FLOW_MONITOR:
        what = "update";
        whats = "updates";
        break;
    default:
        what = "entry";
        whats = "entries";
        break;
    }
    ofp_buf_put_format(b, " %zu %s", r->n, r->n == 1 ? what : whats);
}

static void
format_bundle_flags__(uint16_t flags, struct ofp_buf *b)
{
    static const char *const names[] = { "atomic", "ordered" };
    ofp_buf_put_cstr(b, " flags=");
    FORMAT_BITS__(flags, names, b);
}

static void
format_bundle_ctrl__(const struct ofp_bundle_ctrl *bc, struct ofp_buf *b)
{
    static const char *const types[] = {
        "OPEN_REQUEST",   "OPEN_REPLY",   "CLOSE_REQUEST",   "CLOSE_REPLY",
        "COMMIT_REQUEST", "COMMIT_REPLY", "DISCARD_REQUEST", "DISCARD_REPLY",
    };
    ofp_buf_put_format(b, " bundle_id=%#" PRIx32 " type=", bc->bundle_id);
    if (bc->type < 8) {
        ofp_buf_put_cstr(b, types[bc->type]);
    } else {
        ofp_buf_put_format(b, "%" PRIu16, bc->type);
    }
    format_bundle_flags__(bc->flags, b);
}

static void
format_bundle_add__(const struct ofp_bundle_add *ba, struct ofp_buf *b,
                    int depth)
{
    ofp_buf_put_format(b, " bundle_id=%#" PRIx32, ba->bundle_id);
    format_bundle_flags__(ba->flags, b);
    ofp_buf_put_cstr(b, " msg: ");
    format_raw__(ba->msg, ba->msg_len, b, depth + 1);
}

/* Appends a one-line summary of 'msg'; 'depth' counts enclosing bundle adds.
 */
static void
format_msg__(const struct ofp_msg *msg, struct ofp_buf *b, int depth)
{
    format_header__(msg, b);
    switch (msg->kind) {
    case OFPK_HELLO:
        format_hello__(&msg->hello, b);
        break;
    case OFPK_ERROR:
        format_error__(&msg->error, b);
        break;
    case OFPK_ECHO_REQUEST:
    case OFPK_ECHO_REPLY:
        ofp_buf_put_format(b, " %zu bytes of payload", msg->echo.data_len);
        break;
    case OFPK_FEATURES_REPLY:
        format_features__(&msg->features, b);
        break;
    case OFPK_GET_CONFIG_REPLY:
    case OFPK_SET_CONFIG:
        format_config__(&msg->config, b);
        break;
    case OFPK_ROLE_REQUEST:
    case OFPK_ROLE_REPLY:
        format_role__(&msg->role, b);
        break;
    case OFPK_GET_ASYNC_REPLY:
    case OFPK_SET_ASYNC:
        format_async__(&msg->async, b);
        break;
    case OFPK_PACKET_IN:
        format_packet_in__(&msg->packet_in, b);
        break;
    case OFPK_FLOW_REMOVED:
        format_flow_removed__(&msg->flow_removed, b);
        break;
    case OFPK_PORT_STATUS:
        format_port_status__(&msg->port_status, b);
        break;
    case OFPK_PACKET_OUT:
        format_packet_out__(&msg->packet_out, b);
        break;
    case OFPK_FLOW_MOD:
        ofp_buf_put_char(b, ' ');
        ofp_flow_mod_format(&msg->flow_mod, b);
        break;
    case OFPK_GROUP_MOD:
        format_group_mod__(&msg->group_mod, b);
        break;
    case OFPK_METER_MOD:
        format_meter_mod__(&msg->meter_mod, b);
        break;
    case OFPK_MULTIPART_REQUEST:
        format_mp_request__(&msg->mp_request, b);
        break;
    case OFPK_MULTIPART_REPLY:
        format_mp_reply__(&msg->mp_reply, b);
        break;
    case OFPK_BUNDLE_CONTROL:
        format_bundle_ctrl__(&msg->bundle_ctrl, b);
        break;
    case OFPK_BUNDLE_ADD:
        format_bundle_add__(&msg->bundle_add, b, depth);
        break;
    case OFPK_FEATURES_REQUEST:
    case OFPK_GET_CONFIG_REQUEST:
    case OFPK_BARRIER_REQUEST:
    case OFPK_BARRIER_REPLY:
    case OFPK_GET_ASYNC_REQUEST:
    case OFPK_FLOW_MONITOR_PAUSED:
    case OFPK_FLOW_MONITOR_RESUMED:
    case OFPK_N_KINDS:
    default:
        break;
    }
    chomp__(b, ' ');
}

/* Appends a one-line summary of decoded message 'msg': OVS's header
 * ("OFPT_FLOW_MOD (OF1.3) (xid=0x5):") and a summary of the body, e.g.
 * "ADD priority=100,ip actions=drop", "OFPBMC_BAD_PREREQ", "ADD: 5(vif5.0):
 * addr:..."; multipart replies show the number of entries. */
void
ofp_msg_format(const struct ofp_msg *msg, struct ofp_buf *b)
{
    format_msg__(msg, b, 0);
}

/* Appends up to the first 64 bytes of 'data' as a hex dump laid out like
 * OVS's ds_put_hex_dump() with ASCII: one line of 16 bytes per line, each
 * line preceded by a newline. */
static void
format_hex_dump__(const uint8_t *data, size_t len, struct ofp_buf *b)
{
    size_t n = len < 64 ? len : 64;
    for (size_t ofs = 0; ofs < n; ofs += 16) {
        size_t end = ofs + 16 < n ? ofs + 16 : n;
        ofp_buf_put_format(b, "\n%08zx  ", ofs);
        for (size_t i = ofs; i < ofs + 16; i++) {
            if (i < end) {
                ofp_buf_put_format(b, "%02" PRIx8 "%c", data[i],
                                   i == ofs + 7 ? '-' : ' ');
            } else {
                ofp_buf_put_cstr(b, "   ");
            }
        }
        ofp_buf_put_char(b, '|');
        for (size_t i = ofs; i < ofs + 16; i++) {
            ofp_buf_put_char(b,
                             (i >= end                         ? ' '
                              : data[i] >= 32 && data[i] < 127 ? (char)data[i]
                                                               : '.'));
        }
        ofp_buf_put_char(b, '|');
    }
    if (len > n) {
        ofp_buf_put_format(b, "\n(%zu more bytes)", len - n);
    }
}

static void
format_raw__(const void *msg_, size_t len, struct ofp_buf *b, int depth)
{
    const uint8_t *msg = msg_;
    struct ofp_msg m;
    int error;

    if (depth > 1) {
        /* A bundle add inside a bundle add: do not recurse further. */
        ofp_buf_put_format(b, "(%zu bytes)", len);
        return;
    }
    memset(&m, 0, sizeof m);
    error = ofp_msg_decode(msg, len, &m);
    if (!error) {
        format_msg__(&m, b, depth);
        ofp_msg_uninit(&m);
        return;
    }
    ofp_msg_uninit(&m);

    /* Name the message as OVS does if its header makes sense.  The
     * classifier insists on a length field that matches, and may look at
     * up to 16 bytes (multipart and experimenter subtypes): give it a
     * zero-padded copy of the first 16 bytes whose length field says 16. */
    enum ofp_msg_kind kind;
    uint8_t head[16];
    memset(head, 0, sizeof head);
    if (len) {
        memcpy(head, msg, len < sizeof head ? len : sizeof head);
    }
    ofp_set_be16(head + 2, sizeof head);
    if (len >= OFP_HEADER_LEN && !ofp_msg_classify(head, sizeof head, &kind)) {
        memset(&m, 0, sizeof m);
        m.kind = kind;
        m.version = msg[0];
        m.type = msg[1];
        m.xid = ofp_msg_xid(msg);
        if ((kind == OFPK_MULTIPART_REQUEST || kind == OFPK_MULTIPART_REPLY) &&
            len >= OFP_HEADER_LEN + 2) {
            m.mp_request.type = ofp_get_be16(msg + OFP_HEADER_LEN);
            m.mp_reply.type = m.mp_request.type;
        }
        format_header__(&m, b);
        ofp_buf_put_char(b, ' ');
    } else if (len < OFP_HEADER_LEN) {
        ofp_buf_put_format(
            b, "OpenFlow packet too short (only %zu bytes): ", len);
    }
    ofp_buf_put_format(b, "***decode error: %s***", ofp_strerror(error));
    format_hex_dump__(msg, len, b);
}

/* Decodes the 'len' bytes at 'msg' as one OpenFlow message and appends its
 * summary (ofp_msg_format()), or, if it does not decode, the decode error
 * and a hex dump of its first bytes. */
void
ofp_raw_format(const void *msg, size_t len, struct ofp_buf *b)
{
    format_raw__(msg, len, b, 0);
}
