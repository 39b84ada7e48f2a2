/* OXM matches: the field table, encode, decode and prerequisite validation.
 *
 * The field table below is the single description of every field libofp
 * knows.  Each field's bytes live at a fixed offset of the value and mask
 * stores of struct ofp_match; the offsets come from the layout struct
 * match_store__, so they are compile-time constants and the store size is
 * checked against OFP_MATCH_STORE.
 *
 * Decoding follows Open vSwitch 3.1 (lib/nx-match.c) where the spec leaves a
 * choice, with a few deliberate differences, all stricter:
 *   - A known field whose OXM length does not match its width is
 *     OFPBMC_BAD_LEN (OVS reports OFPBMC_BAD_FIELD).
 *   - HASMASK on a field the 1.3 spec does not allow to be masked is
 *     OFPBMC_BAD_MASK even if the mask is all-ones (OVS accepts that).
 *   - in_port 0, OFPP_ANY and ports between OFPP_MAX and OFPP_IN_PORT are
 *     OFPBMC_BAD_VALUE.
 *   - ARP fields need eth_type 0x0806 (OVS also accepts RARP, 0x8035).
 *   - An ip_frag mask other than all-ones with bits beyond the two
 *     fragment bits is OFPBMC_BAD_MASK (OVS ignores those bits).
 * Like OVS, value bits outside the mask are OFPBMC_BAD_WILDCARDS, arp_op
 * above 255 is OFPBMC_BAD_VALUE, the padding after the OXM fields is not
 * inspected, and the ND fields require icmpv6_code to be absent or 0.
 * Prerequisites are checked on the whole match after decoding, so fields
 * may arrive in any order; encoding always puts them in enum order, which
 * places every prerequisite first, as OVS requires. */
#include <config.h>

#include "ofp/match.h"

#include <stddef.h>
#include <string.h>

#include "ofp/buf.h"
#include "ofp/errors.h"
#include "openflow/of13.h"

/* Layout of the value and mask stores: one member per field, in enum
 * order.  Only used for offsetof() and sizeof. */
struct match_store__ {
    uint8_t in_port[4];
    uint8_t metadata[8];
    uint8_t eth_dst[6];
    uint8_t eth_src[6];
    uint8_t eth_type[2];
    uint8_t vlan_vid[2];
    uint8_t vlan_pcp[1];
    uint8_t ip_proto[1];
    uint8_t ipv4_src[4];
    uint8_t ipv4_dst[4];
    uint8_t tcp_src[2];
    uint8_t tcp_dst[2];
    uint8_t udp_src[2];
    uint8_t udp_dst[2];
    uint8_t icmpv4_type[1];
    uint8_t icmpv4_code[1];
    uint8_t arp_op[2];
    uint8_t arp_spa[4];
    uint8_t arp_tpa[4];
    uint8_t arp_sha[6];
    uint8_t arp_tha[6];
    uint8_t ipv6_src[16];
    uint8_t ipv6_dst[16];
    uint8_t icmpv6_type[1];
    uint8_t icmpv6_code[1];
    uint8_t nd_target[16];
    uint8_t nd_sll[6];
    uint8_t nd_tll[6];
    uint8_t regs[16][4];
    uint8_t ip_frag[1];
};
_Static_assert(sizeof(struct match_store__) == OFP_MATCH_STORE,
               "OFP_MATCH_STORE must be the sum of the field widths");
_Static_assert(OFPF_N_FIELDS <= 64, "present/masked are 64-bit masks");

#define STORE_LEN__(MEMBER) sizeof(((struct match_store__ *)0)->MEMBER)

/* One OpenFlow-basic field: ID, ovs-ofctl name, OXM name, OXM field number,
 * maskable, prerequisite, member of match_store__. */
#define OFB__(ID, NAME, OXM_NAME, FIELD, MASKABLE, PREREQ, MEMBER) \
    [ID] = {                                                       \
        .id = ID,                                                  \
        .name = NAME,                                              \
        .oxm_name = OXM_NAME,                                      \
        .oxm_class = OFPXMC_OPENFLOW_BASIC,                        \
        .oxm_field = FIELD,                                        \
        .len = STORE_LEN__(MEMBER),                                \
        .maskable = MASKABLE,                                      \
        .prereq = PREREQ,                                          \
        .offset = offsetof(struct match_store__, MEMBER),          \
    }

/* Register N: NXM_NX_REG<N>, class 0x0001, field N, 4 bytes, maskable. */
#define REG__(N)                                                \
    [OFPF_REG0 + N] = {                                         \
        .id = OFPF_REG0 + N,                                    \
        .name = "reg" #N,                                       \
        .oxm_name = "reg" #N,                                   \
        .oxm_class = OFPXMC_NXM_1,                              \
        .oxm_field = N,                                         \
        .len = 4,                                               \
        .maskable = true,                                       \
        .prereq = OFPPR_NONE,                                   \
        .offset = offsetof(struct match_store__, regs) + 4 * N, \
    }

/* The field table, indexed by enum ofp_field_id.  'name' is what ovs-ofctl
 * 3.1 prints for the field in dump-flows, except vlan_vid: OVS prints an
 * OXM vlan_vid match as "dl_vlan=N" (exact, present bit set) or
 * "vlan_tci=V/M" (otherwise), neither of which has OXM's value encoding, so
 * the table uses ovs-ofctl's "vlan_vid" field name, which has.  OVS prints
 * TCP and UDP ports as tp_src/tp_dst and ICMPv6 type/code as
 * icmp_type/icmp_code, so those names are shared by two fields;
 * ofp_field_by_name() returns the first, the OXM name is unique. */
static const struct ofp_field_info fields__[OFPF_N_FIELDS] = {
    OFB__(OFPF_IN_PORT, "in_port", "in_port", 0, false, OFPPR_NONE, in_port),
    OFB__(OFPF_METADATA, "metadata", "metadata", 2, true, OFPPR_NONE,
          metadata),
    OFB__(OFPF_ETH_DST, "dl_dst", "eth_dst", 3, true, OFPPR_NONE, eth_dst),
    OFB__(OFPF_ETH_SRC, "dl_src", "eth_src", 4, true, OFPPR_NONE, eth_src),
    OFB__(OFPF_ETH_TYPE, "dl_type", "eth_type", 5, false, OFPPR_NONE,
          eth_type),
    OFB__(OFPF_VLAN_VID, "vlan_vid", "vlan_vid", 6, true, OFPPR_NONE,
          vlan_vid),
    OFB__(OFPF_VLAN_PCP, "dl_vlan_pcp", "vlan_pcp", 7, false, OFPPR_VLAN,
          vlan_pcp),
    OFB__(OFPF_IP_PROTO, "nw_proto", "ip_proto", 10, false, OFPPR_IP_ANY,
          ip_proto),
    OFB__(OFPF_IPV4_SRC, "nw_src", "ipv4_src", 11, true, OFPPR_IPV4, ipv4_src),
    OFB__(OFPF_IPV4_DST, "nw_dst", "ipv4_dst", 12, true, OFPPR_IPV4, ipv4_dst),
    OFB__(OFPF_TCP_SRC, "tp_src", "tcp_src", 13, false, OFPPR_TCP, tcp_src),
    OFB__(OFPF_TCP_DST, "tp_dst", "tcp_dst", 14, false, OFPPR_TCP, tcp_dst),
    OFB__(OFPF_UDP_SRC, "tp_src", "udp_src", 15, false, OFPPR_UDP, udp_src),
    OFB__(OFPF_UDP_DST, "tp_dst", "udp_dst", 16, false, OFPPR_UDP, udp_dst),
    OFB__(OFPF_ICMPV4_TYPE, "icmp_type", "icmpv4_type", 19, false,
          OFPPR_ICMPV4, icmpv4_type),
    OFB__(OFPF_ICMPV4_CODE, "icmp_code", "icmpv4_code", 20, false,
          OFPPR_ICMPV4, icmpv4_code),
    OFB__(OFPF_ARP_OP, "arp_op", "arp_op", 21, false, OFPPR_ARP, arp_op),
    OFB__(OFPF_ARP_SPA, "arp_spa", "arp_spa", 22, true, OFPPR_ARP, arp_spa),
    OFB__(OFPF_ARP_TPA, "arp_tpa", "arp_tpa", 23, true, OFPPR_ARP, arp_tpa),
    OFB__(OFPF_ARP_SHA, "arp_sha", "arp_sha", 24, true, OFPPR_ARP, arp_sha),
    OFB__(OFPF_ARP_THA, "arp_tha", "arp_tha", 25, true, OFPPR_ARP, arp_tha),
    OFB__(OFPF_IPV6_SRC, "ipv6_src", "ipv6_src", 26, true, OFPPR_IPV6,
          ipv6_src),
    OFB__(OFPF_IPV6_DST, "ipv6_dst", "ipv6_dst", 27, true, OFPPR_IPV6,
          ipv6_dst),
    OFB__(OFPF_ICMPV6_TYPE, "icmp_type", "icmpv6_type", 29, false,
          OFPPR_ICMPV6, icmpv6_type),
    OFB__(OFPF_ICMPV6_CODE, "icmp_code", "icmpv6_code", 30, false,
          OFPPR_ICMPV6, icmpv6_code),
    /* The 1.3 spec's table lists nd_target as unmaskable; OVS accepts (and
     * vifguard needs) a mask on it in OpenFlow 1.3, so this follows OVS. */
    OFB__(OFPF_IPV6_ND_TARGET, "nd_target", "ipv6_nd_target", 31, true,
          OFPPR_ND, nd_target),
    OFB__(OFPF_IPV6_ND_SLL, "nd_sll", "ipv6_nd_sll", 32, false, OFPPR_ND_NS,
          nd_sll),
    OFB__(OFPF_IPV6_ND_TLL, "nd_tll", "ipv6_nd_tll", 33, false, OFPPR_ND_NA,
          nd_tll),
    REG__(0),
    REG__(1),
    REG__(2),
    REG__(3),
    REG__(4),
    REG__(5),
    REG__(6),
    REG__(7),
    REG__(8),
    REG__(9),
    REG__(10),
    REG__(11),
    REG__(12),
    REG__(13),
    REG__(14),
    REG__(15),
    /* Open vSwitch's fragment bits (FLOW_NW_FRAG_ANY 1, FLOW_NW_FRAG_LATER
     * 2), which OVS takes in OpenFlow 1.3 matches as an NXM field. */
    [OFPF_IP_FRAG] = {
        .id = OFPF_IP_FRAG,
        .name = "nw_frag",
        .oxm_name = "ip_frag",
        .oxm_class = OFPXMC_NXM_1,
        .oxm_field = 26,
        .len = 1,
        .maskable = true,
        .prereq = OFPPR_IP_ANY,
        .offset = offsetof(struct match_store__, ip_frag),
    },
};

/* Returns the description of field 'id', or NULL if 'id' is out of
 * range. */
const struct ofp_field_info *
ofp_field_info(enum ofp_field_id id)
{
    return (unsigned int)id < OFPF_N_FIELDS ? &fields__[id] : NULL;
}

/* Returns the field whose ovs-ofctl name is 'name' (the first one, for the
 * names two fields share) or, failing that, whose OXM name is 'name'.
 * Returns NULL if there is none. */
const struct ofp_field_info *
ofp_field_by_name(const char *name)
{
    for (int i = 0; i < OFPF_N_FIELDS; i++) {
        if (!strcmp(fields__[i].name, name)) {
            return &fields__[i];
        }
    }
    for (int i = 0; i < OFPF_N_FIELDS; i++) {
        if (!strcmp(fields__[i].oxm_name, name)) {
            return &fields__[i];
        }
    }
    return NULL;
}

/* Returns the field with OXM class 'oxm_class' and number 'oxm_field', or
 * NULL if libofp does not know it. */
const struct ofp_field_info *
ofp_field_by_oxm(uint16_t oxm_class, uint8_t oxm_field)
{
    /* OpenFlow basic field number -> 1 + enum ofp_field_id (0: unknown).
     * The decoder's hot path; test-match checks it against fields__. */
    static const uint8_t basic__[34] = {
        [0] = 1 + OFPF_IN_PORT,      [2] = 1 + OFPF_METADATA,
        [3] = 1 + OFPF_ETH_DST,      [4] = 1 + OFPF_ETH_SRC,
        [5] = 1 + OFPF_ETH_TYPE,     [6] = 1 + OFPF_VLAN_VID,
        [7] = 1 + OFPF_VLAN_PCP,     [10] = 1 + OFPF_IP_PROTO,
        [11] = 1 + OFPF_IPV4_SRC,    [12] = 1 + OFPF_IPV4_DST,
        [13] = 1 + OFPF_TCP_SRC,     [14] = 1 + OFPF_TCP_DST,
        [15] = 1 + OFPF_UDP_SRC,     [16] = 1 + OFPF_UDP_DST,
        [19] = 1 + OFPF_ICMPV4_TYPE, [20] = 1 + OFPF_ICMPV4_CODE,
        [21] = 1 + OFPF_ARP_OP,      [22] = 1 + OFPF_ARP_SPA,
        [23] = 1 + OFPF_ARP_TPA,     [24] = 1 + OFPF_ARP_SHA,
        [25] = 1 + OFPF_ARP_THA,     [26] = 1 + OFPF_IPV6_SRC,
        [27] = 1 + OFPF_IPV6_DST,    [29] = 1 + OFPF_ICMPV6_TYPE,
        [30] = 1 + OFPF_ICMPV6_CODE, [31] = 1 + OFPF_IPV6_ND_TARGET,
        [32] = 1 + OFPF_IPV6_ND_SLL, [33] = 1 + OFPF_IPV6_ND_TLL,
    };
    if (oxm_class == OFPXMC_OPENFLOW_BASIC) {
        return (oxm_field < sizeof basic__ && basic__[oxm_field]
                    ? &fields__[basic__[oxm_field] - 1]
                    : NULL);
    }
    for (int i = 0; i < OFPF_N_FIELDS; i++) {
        if (fields__[i].oxm_class == oxm_class &&
            fields__[i].oxm_field == oxm_field) {
            return &fields__[i];
        }
    }
    return NULL;
}

static uint64_t
field_bit__(enum ofp_field_id id)
{
    return UINT64_C(1) << id;
}

static bool
is_all_ones__(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] != 0xff) {
            return false;
        }
    }
    return true;
}

/* Returns the big-endian integer in the 'n' bytes at 'p'; for n > 8, its
 * low 64 bits. */
static uint64_t
get_uint__(const uint8_t *p, size_t n)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        v = (v << 8) | p[i];
    }
    return v;
}

/* Stores 'v' as a big-endian integer of 'n' bytes at 'p', truncated or
 * zero-extended. */
static void
put_uint__(uint8_t *p, size_t n, uint64_t v)
{
    for (size_t i = n; i > 0; i--) {
        p[i - 1] = (uint8_t)v;
        v >>= 8;
    }
}

/* Initializes 'match' to match every packet. */
void
ofp_match_init(struct ofp_match *match)
{
    memset(match, 0, sizeof *match);
}

/* Returns true if 'a' and 'b' match the same fields, with the same masks
 * given or not, and the same values and masks for those fields.  Bytes of
 * absent fields are not compared. */
bool
ofp_match_equal(const struct ofp_match *a, const struct ofp_match *b)
{
    if (a->present != b->present || a->masked != b->masked) {
        return false;
    }
    for (int i = 0; i < OFPF_N_FIELDS; i++) {
        const struct ofp_field_info *f = &fields__[i];
        if (a->present & field_bit__(i) &&
            (memcmp(&a->values[f->offset], &b->values[f->offset], f->len) ||
             memcmp(&a->masks[f->offset], &b->masks[f->offset], f->len))) {
            return false;
        }
    }
    return true;
}

/* Returns true if 'match' matches on field 'id'. */
bool
ofp_match_has(const struct ofp_match *match, enum ofp_field_id id)
{
    return (unsigned int)id < OFPF_N_FIELDS &&
           (match->present & field_bit__(id)) != 0;
}

/* Makes 'match' match field 'id' against 'value' (network byte order, the
 * field's width).  A NULL or all-ones 'mask' is an exact match (so is an
 * ip_frag mask with both its bits); any other 'mask' makes the field masked,
 * even on a field the spec does not allow to be masked
 * (ofp_match_validate() catches that).  'value' is stored as given, bits
 * outside the mask included. */
void
ofp_match_set(struct ofp_match *match, enum ofp_field_id id, const void *value,
              const void *mask)
{
    const struct ofp_field_info *f = ofp_field_info(id);
    if (!f) {
        return;
    }
    memcpy(&match->values[f->offset], value, f->len);
    match->present |= field_bit__(id);
    if (!mask || is_all_ones__(mask, f->len) ||
        (id == OFPF_IP_FRAG &&
         (*(const uint8_t *)mask & OFP_IP_FRAG_MASK) == OFP_IP_FRAG_MASK)) {
        /* Open vSwitch sends such an ip_frag match back as exact. */
        memset(&match->masks[f->offset], 0xff, f->len);
        match->masked &= ~field_bit__(id);
    } else {
        memcpy(&match->masks[f->offset], mask, f->len);
        match->masked |= field_bit__(id);
    }
}

/* Stops 'match' from matching on field 'id'. */
void
ofp_match_clear(struct ofp_match *match, enum ofp_field_id id)
{
    const struct ofp_field_info *f = ofp_field_info(id);
    if (!f) {
        return;
    }
    memset(&match->values[f->offset], 0, f->len);
    memset(&match->masks[f->offset], 0, f->len);
    match->present &= ~field_bit__(id);
    match->masked &= ~field_bit__(id);
}

/* If 'match' matches on field 'id', copies its value and mask (all-ones if
 * exact) into 'value' and 'mask' (each may be NULL; the field's width in
 * network byte order) and returns true.  Otherwise zeroes them and returns
 * false. */
bool
ofp_match_get(const struct ofp_match *match, enum ofp_field_id id, void *value,
              void *mask)
{
    const struct ofp_field_info *f = ofp_field_info(id);
    if (!f) {
        return false;
    }
    bool has = (match->present & field_bit__(id)) != 0;
    if (value) {
        if (has) {
            memcpy(value, &match->values[f->offset], f->len);
        } else {
            memset(value, 0, f->len);
        }
    }
    if (mask) {
        if (has) {
            memcpy(mask, &match->masks[f->offset], f->len);
        } else {
            memset(mask, 0, f->len);
        }
    }
    return has;
}

/* Sets field 'id' of 'match' to host-order integer 'value' and host-order
 * 'mask' (all-ones for exact), written big-endian in the field's width. */
static void
set_uint__(struct ofp_match *match, enum ofp_field_id id, uint64_t value,
           const uint64_t *mask)
{
    const struct ofp_field_info *f = ofp_field_info(id);
    uint8_t v[16] = { 0 }, m[16] = { 0 };
    if (!f) {
        return;
    }
    put_uint__(v, f->len, value);
    if (mask) {
        put_uint__(m, f->len, *mask);
        if (f->len > 8) {
            /* Only the low 64 bits were given: match the rest exactly. */
            memset(m, 0xff, f->len - 8);
        }
    }
    ofp_match_set(match, id, v, mask ? m : NULL);
}

void
ofp_match_set_u8(struct ofp_match *match, enum ofp_field_id id, uint8_t v)
{
    set_uint__(match, id, v, NULL);
}

void
ofp_match_set_u16(struct ofp_match *match, enum ofp_field_id id, uint16_t v)
{
    set_uint__(match, id, v, NULL);
}

void
ofp_match_set_u32(struct ofp_match *match, enum ofp_field_id id, uint32_t v)
{
    set_uint__(match, id, v, NULL);
}

void
ofp_match_set_u32_masked(struct ofp_match *match, enum ofp_field_id id,
                         uint32_t value, uint32_t mask)
{
    uint64_t m = mask;
    set_uint__(match, id, value, &m);
}

void
ofp_match_set_u64_masked(struct ofp_match *match, enum ofp_field_id id,
                         uint64_t value, uint64_t mask)
{
    set_uint__(match, id, value, &mask);
}

/* Returns field 'id' of 'match' as a host-order integer (for the 16-byte
 * fields, its low 64 bits), or 0 if 'match' does not match on it. */
uint64_t
ofp_match_get_uint(const struct ofp_match *match, enum ofp_field_id id)
{
    const struct ofp_field_info *f = ofp_field_info(id);
    if (!f || !(match->present & field_bit__(id))) {
        return 0;
    }
    return get_uint__(&match->values[f->offset], f->len);
}

/* Returns true if 'match' matches field 'id' exactly and its value is 'v'
 * (host order). */
static bool
exact_is__(const struct ofp_match *match, enum ofp_field_id id, uint64_t v)
{
    const struct ofp_field_info *f = &fields__[id];
    return (match->present & field_bit__(id)) &&
           is_all_ones__(&match->masks[f->offset], f->len) &&
           get_uint__(&match->values[f->offset], f->len) == v;
}

/* Returns true if 'match' satisfies prerequisite 'pr'. */
static bool
prereq_ok__(const struct ofp_match *match, enum ofp_prereq pr)
{
    switch (pr) {
    case OFPPR_NONE:
        return true;
    case OFPPR_VLAN: {
        const struct ofp_field_info *f = &fields__[OFPF_VLAN_VID];
        return (match->present & field_bit__(OFPF_VLAN_VID)) &&
               (get_uint__(&match->values[f->offset], 2) &
                get_uint__(&match->masks[f->offset], 2) & OFPVID_PRESENT);
    }
    case OFPPR_IP_ANY:
        return prereq_ok__(match, OFPPR_IPV4) ||
               prereq_ok__(match, OFPPR_IPV6);
    case OFPPR_IPV4:
        return exact_is__(match, OFPF_ETH_TYPE, 0x0800);
    case OFPPR_IPV6:
        return exact_is__(match, OFPF_ETH_TYPE, 0x86dd);
    case OFPPR_ARP:
        return exact_is__(match, OFPF_ETH_TYPE, 0x0806);
    case OFPPR_TCP:
        return prereq_ok__(match, OFPPR_IP_ANY) &&
               exact_is__(match, OFPF_IP_PROTO, 6);
    case OFPPR_UDP:
        return prereq_ok__(match, OFPPR_IP_ANY) &&
               exact_is__(match, OFPF_IP_PROTO, 17);
    case OFPPR_ICMPV4:
        return prereq_ok__(match, OFPPR_IPV4) &&
               exact_is__(match, OFPF_IP_PROTO, 1);
    case OFPPR_ICMPV6:
        return prereq_ok__(match, OFPPR_IPV6) &&
               exact_is__(match, OFPF_IP_PROTO, 58);
    case OFPPR_ND:
        return prereq_ok__(match, OFPPR_ND_NS) ||
               prereq_ok__(match, OFPPR_ND_NA);
    case OFPPR_ND_NS:
    case OFPPR_ND_NA:
        /* Like OVS, an ND packet also has ICMPv6 code 0. */
        return prereq_ok__(match, OFPPR_ICMPV6) &&
               exact_is__(match, OFPF_ICMPV6_TYPE,
                          pr == OFPPR_ND_NS ? 135 : 136) &&
               (!(match->present & field_bit__(OFPF_ICMPV6_CODE)) ||
                exact_is__(match, OFPF_ICMPV6_CODE, 0));
    }
    return false;
}

/* Returns true if 'value' (the field's width, network byte order) is a valid
 * value for field 'id'. */
static bool
value_ok__(enum ofp_field_id id, const uint8_t *value)
{
    switch (id) {
    case OFPF_IN_PORT: {
        uint32_t port = ofp_get_be32(value);
        return port != 0 && port != OFPP_ANY &&
               (port <= OFPP_MAX || port >= OFPP_IN_PORT);
    }
    case OFPF_VLAN_VID:
        return ofp_get_be16(value) <= (OFPVID_PRESENT | 0xfff);
    case OFPF_VLAN_PCP:
        return value[0] <= 7;
    case OFPF_ARP_OP:
        return ofp_get_be16(value) <= 0xff;
    case OFPF_IP_FRAG:
        return value[0] <= OFP_IP_FRAG_MASK;
    default:
        return true;
    }
}

/* Checks one field's value and mask as they appear on the wire: value bits
 * outside the mask, a mask where the spec allows none, an invalid value.
 * 'mask' is NULL for an exact match. */
static int
check_field__(const struct ofp_field_info *f, const uint8_t *value,
              const uint8_t *mask)
{
    if (mask) {
        for (size_t i = 0; i < f->len; i++) {
            if (value[i] & ~mask[i]) {
                return OFPERR_OFPBMC_BAD_WILDCARDS;
            }
        }
        if (!f->maskable) {
            return OFPERR_OFPBMC_BAD_MASK;
        }
        /* Only two bits of ip_frag mean anything; a mask with others is
         * not one Open vSwitch would send (it sends all-ones for both). */
        if (f->id == OFPF_IP_FRAG && mask[0] != 0xff &&
            mask[0] & ~OFP_IP_FRAG_MASK) {
            return OFPERR_OFPBMC_BAD_MASK;
        }
    }
    return value_ok__(f->id, value) ? 0 : OFPERR_OFPBMC_BAD_VALUE;
}

/* Checks 'match' against the rules of the OpenFlow 1.3 spec (see the
 * header).  Returns 0 or an ofperr. */
/* Returns OFPBMC_BAD_PREREQ if a field of 'match' lacks its prerequisite,
 * else 0. */
static int
check_prereqs__(const struct ofp_match *match)
{
    for (uint64_t bits = match->present; bits; bits &= bits - 1) {
        if (!prereq_ok__(match, fields__[__builtin_ctzll(bits)].prereq)) {
            return OFPERR_OFPBMC_BAD_PREREQ;
        }
    }
    return 0;
}

int
ofp_match_validate(const struct ofp_match *match)
{
    /* Values and masks of every field first, then prerequisites, so that a
     * bad value is reported as such even when a prerequisite is missing. */
    for (uint64_t bits = match->present; bits; bits &= bits - 1) {
        const struct ofp_field_info *f = &fields__[__builtin_ctzll(bits)];
        bool masked = (match->masked & (bits & -bits)) != 0;
        int error = check_field__(f, &match->values[f->offset],
                                  masked ? &match->masks[f->offset] : NULL);
        if (error) {
            return error;
        }
    }
    return check_prereqs__(match);
}

/* Appends field 'f' as one OXM TLV. */
static void
put_tlv__(struct ofp_buf *b, const struct ofp_field_info *f, const void *value,
          const void *mask)
{
    ofp_buf_put_be32(b, OXM_HEADER(f->oxm_class, f->oxm_field, mask != NULL,
                                   mask ? 2 * f->len : f->len));
    ofp_buf_put(b, value, f->len);
    if (mask) {
        ofp_buf_put(b, mask, f->len);
    }
}

/* Appends 'match' to 'b' as an OXM ofp_match padded to 8 bytes.  Returns 0,
 * or the error of ofp_match_validate() with nothing appended. */
int
ofp_match_encode(const struct ofp_match *match, struct ofp_buf *b)
{
    int error = ofp_match_validate(match);
    if (error) {
        return error;
    }

    size_t start = b->size;
    ofp_buf_put_be16(b, OFPMT_OXM);
    ofp_buf_put_be16(b, 0);
    for (uint64_t bits = match->present; bits; bits &= bits - 1) {
        const struct ofp_field_info *f = &fields__[__builtin_ctzll(bits)];
        bool masked = (match->masked & (bits & -bits)) != 0;
        put_tlv__(b, f, &match->values[f->offset],
                  masked ? &match->masks[f->offset] : NULL);
    }
    ofp_set_be16(b->data + start + 2, (uint16_t)(b->size - start));
    ofp_buf_pad_to(b, start, 8);
    return 0;
}

/* Pulls an ofp_match (header, OXM fields, padding) from the front of view
 * 'b' into 'match', which it initializes, and validates it.  Returns 0 or an
 * ofperr; on error 'b' is left as it was and 'match' is unspecified. */
int
ofp_match_decode(struct ofp_buf *b, struct ofp_match *match)
{
    struct ofp_buf v = *b;
    uint16_t type, length;

    ofp_match_init(match);
    if (!ofp_buf_pull_be16(&v, &type) || !ofp_buf_pull_be16(&v, &length)) {
        return OFPERR_OFPBMC_BAD_LEN;
    }
    if (length < sizeof(struct ofp13_match_header)) {
        return OFPERR_OFPBMC_BAD_LEN;
    }
    if (type != OFPMT_OXM) {
        return OFPERR_OFPBMC_BAD_TYPE;
    }

    size_t oxm_len = length - sizeof(struct ofp13_match_header);
    size_t padded = ((size_t)length + 7) / 8 * 8;
    const uint8_t *oxms =
        ofp_buf_try_pull(&v, padded - sizeof(struct ofp13_match_header));
    if (!oxms) {
        return OFPERR_OFPBMC_BAD_LEN;
    }

    struct ofp_buf tlvs;
    ofp_buf_use_const(&tlvs, oxms, oxm_len);
    while (tlvs.size) {
        enum ofp_field_id id;
        uint8_t value[16], mask[16];
        bool has_mask;
        int error = ofp_oxm_pull(&tlvs, &id, value, mask, &has_mask);
        if (error) {
            return error;
        }
        if (match->present & field_bit__(id)) {
            return OFPERR_OFPBMC_DUP_FIELD;
        }

        const struct ofp_field_info *f = &fields__[id];
        memcpy(&match->values[f->offset], value, f->len);
        memcpy(&match->masks[f->offset], mask, f->len);
        match->present |= field_bit__(id);
        if (has_mask) {
            match->masked |= field_bit__(id);
        }
    }

    /* ofp_oxm_pull() checked every value and mask already. */
    int error = check_prereqs__(match);
    if (error) {
        return error;
    }
    *b = v;
    return 0;
}

/* Appends one OXM TLV for field 'id' to 'b': header, 'value' and, if 'mask'
 * is nonnull, 'mask' (each the field's width, network byte order). */
void
ofp_oxm_put(struct ofp_buf *b, enum ofp_field_id id, const void *value,
            const void *mask)
{
    const struct ofp_field_info *f = ofp_field_info(id);
    if (f) {
        put_tlv__(b, f, value, mask);
    }
}

/* Pulls one OXM TLV from the front of view 'b'.  On success stores the field
 * in '*id', its value in 'value' and its mask in 'mask' (all-ones if the TLV
 * has none; 'mask' may be NULL), whether the TLV had a mask in '*has_mask'
 * (may be NULL), and returns 0.  'value' and 'mask' must have room for 16
 * bytes.  Returns OFPBMC_BAD_LEN (truncated TLV, length not the field's
 * width), OFPBMC_BAD_FIELD (unknown class or field), OFPBMC_BAD_WILDCARDS,
 * OFPBMC_BAD_MASK (mask on an unmaskable field) or OFPBMC_BAD_VALUE; on error
 * 'b' is left as it was. */
int
ofp_oxm_pull(struct ofp_buf *b, enum ofp_field_id *id, void *value, void *mask,
             bool *has_mask)
{
    struct ofp_buf v = *b;
    uint32_t header;

    if (!ofp_buf_pull_be32(&v, &header)) {
        return OFPERR_OFPBMC_BAD_LEN;
    }

    unsigned int len = OXM_LENGTH(header);
    bool hasmask = OXM_HASMASK(header);
    if (OXM_CLASS(header) == OFPXMC_EXPERIMENTER && len < 4) {
        /* Too short for its experimenter ID. */
        return OFPERR_OFPBMC_BAD_LEN;
    }
    const uint8_t *payload = ofp_buf_try_pull(&v, len);
    if (!payload) {
        return OFPERR_OFPBMC_BAD_LEN;
    }

    const struct ofp_field_info *f =
        ofp_field_by_oxm(OXM_CLASS(header), OXM_FIELD(header));
    if (!f) {
        return OFPERR_OFPBMC_BAD_FIELD;
    }
    if (len != (hasmask ? 2u * f->len : f->len)) {
        return OFPERR_OFPBMC_BAD_LEN;
    }

    int error = check_field__(f, payload, hasmask ? payload + f->len : NULL);
    if (error) {
        return error;
    }

    *id = f->id;
    memcpy(value, payload, f->len);
    if (mask) {
        if (hasmask) {
            memcpy(mask, payload + f->len, f->len);
        } else {
            memset(mask, 0xff, f->len);
        }
    }
    if (has_mask) {
        *has_mask = hasmask;
    }
    *b = v;
    return 0;
}
