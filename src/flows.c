/* The flow compiler.  See flows.h and docs/DESIGN.md.
 *
 * Priorities within a table: 300 guards that must win over every allow
 * (rogue DHCP server, router advertisements, malformed ND), 200 bridge-wide
 * allows, 100 per-port allows and dispatch, 50 the drops of NS/NA that
 * failed the per-port checks, 0 the default (drop; onward to forwarding in
 * table 12; NORMAL in the forward table). */
#include <config.h>
#include "src/flows.h"

#include <stdlib.h>
#include <string.h>

#include "src/policy.h"

enum {
    PRIO_FORWARD_GUARD = 600,    /* Table 40: above every delivery flow. */
    PRIO_FORWARD_RESERVED = 450, /* Table 40: above a guest's own
                                  * announcements (400), below the drop of
                                  * reflected guest frames (500). */
    PRIO_GUARD = 300,
    PRIO_BRIDGE_ALLOW = 200,
    PRIO_PORT = 100,
    PRIO_ND_DROP = 50,
    PRIO_DEFAULT = 0,
};

#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY 2
#define DHCP_SERVER_PORT 67
#define DHCP_CLIENT_PORT 68

#define ICMPV6_MLD_REPORT 131  /* MLDv1 Multicast Listener Report. */
#define ICMPV6_NS 135          /* Neighbor Solicitation. */
#define ICMPV6_NA 136          /* Neighbor Advertisement. */
#define ICMPV6_MLD2_REPORT 143 /* MLDv2 Multicast Listener Report. */
#define DHCPV6_CLIENT_PORT 546
#define DHCPV6_SERVER_PORT 547

/* ICMPv6 types a guest never sends: router advertisement (134), redirect
 * (137), router renumbering (138), mobile prefix advertisement (147) and
 * solicitation (146), multicast router advertisement, solicitation and
 * termination (151, 152, 153). */
static const uint8_t icmpv6_router_types__[] = {
    134, 137, 138, 146, 147, 151, 152, 153,
};

static const uint8_t ipv6_zero__[16];

void
vg_flow_group_init(struct vg_flow_group *g, uint64_t cookie)
{
    memset(g, 0, sizeof *g);
    g->cookie = cookie;
}

void
vg_flow_group_destroy(struct vg_flow_group *g)
{
    if (g) {
        for (size_t i = 0; i < g->n; i++) {
            ofp_flow_mod_uninit(&g->flows[i]);
        }
        free(g->flows);
        memset(g, 0, sizeof *g);
    }
}

struct ofp_flow_mod *
vg_flow_group_add(struct vg_flow_group *g, uint8_t table, uint16_t priority)
{
    if (g->n >= g->allocated) {
        g->allocated = g->allocated ? 2 * g->allocated : 16;
        g->flows = ofp_xrealloc(g->flows, g->allocated * sizeof *g->flows);
    }
    struct ofp_flow_mod *fm = &g->flows[g->n++];
    ofp_flow_mod_init(fm);
    fm->cookie = g->cookie;
    fm->table_id = table;
    fm->priority = priority;
    return fm;
}

/* Adds a flow in 'table' at 'priority' whose instruction is goto 'next'
 * (or drop if 'next' is 0) and returns it for the match to be filled in. */
static struct ofp_flow_mod *
add_goto__(struct vg_flow_group *g, uint8_t table, uint16_t priority,
           uint8_t next)
{
    struct ofp_flow_mod *fm = vg_flow_group_add(g, table, priority);
    if (next) {
        ofp_instructions_goto(&fm->insts, next);
    }
    return fm;
}

/* Sets 'field' of 'm' to an IPv6 address 'addr' or, if 'len' < 128, to the
 * prefix 'addr'/'len' ('len' 0 leaves the field out: any address). */
static void
set_ipv6__(struct ofp_match *m, enum ofp_field_id field,
           const uint8_t addr[16], unsigned int len)
{
    if (len >= 128) {
        ofp_match_set(m, field, addr, NULL);
    } else if (len) {
        uint8_t mask[16] = { 0 };
        for (unsigned int i = 0; i < len; i++) {
            mask[i / 8] |= 0x80 >> (i % 8);
        }
        ofp_match_set(m, field, addr, mask);
    }
}

/* Adds a flow in 'table' at 'priority' going to 'next' (or dropping) that
 * matches ICMPv6 messages of type 'type', and returns it. */
static struct ofp_flow_mod *
add_icmp6__(struct vg_flow_group *g, uint8_t table, uint16_t priority,
            uint8_t next, uint8_t type)
{
    struct ofp_flow_mod *fm = add_goto__(g, table, priority, next);
    ofp_match_set_u16(&fm->match, OFPF_ETH_TYPE, VG_ETH_TYPE_IPV6);
    ofp_match_set_u8(&fm->match, OFPF_IP_PROTO, VG_IP_PROTO_ICMPV6);
    ofp_match_set_u8(&fm->match, OFPF_ICMPV6_TYPE, type);
    return fm;
}

/* The bridge flows of table 10 for IPv6: router and DHCPv6 server guards,
 * and what a guest may send from the unspecified address '::'. */
static void
bridge_ipv6_guest_in__(struct vg_flow_group *g)
{
    struct ofp_flow_mod *fm;

    /* A guest is never a router. */
    for (size_t i = 0; i < sizeof icmpv6_router_types__; i++) {
        add_icmp6__(g, VG_TABLE_GUEST_IN, PRIO_GUARD, 0,
                    icmpv6_router_types__[i]);
    }

    /* Nor a DHCPv6 server or relay: nothing from the server port, nothing
     * to the client port. */
    fm = add_goto__(g, VG_TABLE_GUEST_IN, PRIO_GUARD, 0);
    ofp_match_set_u16(&fm->match, OFPF_ETH_TYPE, VG_ETH_TYPE_IPV6);
    ofp_match_set_u8(&fm->match, OFPF_IP_PROTO, VG_IP_PROTO_UDP);
    ofp_match_set_u16(&fm->match, OFPF_UDP_SRC, DHCPV6_SERVER_PORT);
    fm = add_goto__(g, VG_TABLE_GUEST_IN, PRIO_GUARD, 0);
    ofp_match_set_u16(&fm->match, OFPF_ETH_TYPE, VG_ETH_TYPE_IPV6);
    ofp_match_set_u8(&fm->match, OFPF_IP_PROTO, VG_IP_PROTO_UDP);
    ofp_match_set_u16(&fm->match, OFPF_UDP_DST, DHCPV6_CLIENT_PORT);

    /* Every IPv6 fragment.  Open vSwitch cannot show where a first
     * fragment's transport header starts: behind extension headers that
     * follow the fragment header, a later fragment that overlaps it can
     * rewrite the ICMPv6 type, the UDP ports or the next header (into an RA,
     * say) in a receiver that takes overlapping fragments (against RFC
     * 5722), and on the kernel datapath a first fragment cut short inside
     * its extension headers can share the datapath flow of one that passed.
     * Nor may Neighbor Discovery be fragmented (RFC 6980), whose options
     * Open vSwitch parses in the first fragment only.  IPv6 hosts rarely
     * fragment (RFC 8900); IPv4 fragments, whose transport header is always
     * whole in the first 8 bytes, pass (vg_flows_bridge()). */
    static const uint8_t any = OFP_IP_FRAG_ANY;
    fm = add_goto__(g, VG_TABLE_GUEST_IN, PRIO_GUARD, 0);
    ofp_match_set_u16(&fm->match, OFPF_ETH_TYPE, VG_ETH_TYPE_IPV6);
    ofp_match_set(&fm->match, OFPF_IP_FRAG, &any, &any);

    /* Headers Open vSwitch could not parse, so that the checks above and
     * below cannot see the ICMPv6 type or the UDP ports: an IPv6 extension
     * header chain cut short (OVS leaves ip_proto 0), an ICMPv6 header cut
     * short (type 0, a reserved value) or a UDP header cut short (ports 0,
     * reserved), e.g. by a first fragment that ends before it (RFC 7112,
     * RFC 7113; the rest of the datagram, a DHCPv6 server's answer say,
     * in the next fragment).  Unless the bridge's fragment handling is
     * nx-match, OVS reports type 0 and ports 0 for every first fragment
     * too. */
    fm = add_goto__(g, VG_TABLE_GUEST_IN, PRIO_GUARD, 0);
    ofp_match_set_u16(&fm->match, OFPF_ETH_TYPE, VG_ETH_TYPE_IPV6);
    ofp_match_set_u8(&fm->match, OFPF_IP_PROTO, 0);
    add_icmp6__(g, VG_TABLE_GUEST_IN, PRIO_GUARD, 0, 0);
    for (int dst = 0; dst < 2; dst++) {
        fm = add_goto__(g, VG_TABLE_GUEST_IN, PRIO_GUARD, 0);
        ofp_match_set_u16(&fm->match, OFPF_ETH_TYPE, VG_ETH_TYPE_IPV6);
        ofp_match_set_u8(&fm->match, OFPF_IP_PROTO, VG_IP_PROTO_UDP);
        ofp_match_set_u16(&fm->match, dst ? OFPF_UDP_DST : OFPF_UDP_SRC, 0);
    }

    /* From '::': DAD probes and MLD reports sent before the guest has an
     * address, checked in table 13.  One flow on the source alone, so that
     * the destination checks of table 13 stay out of the datapath megaflows
     * of a guest's other IPv6 traffic: a flow here that matched ipv6_dst
     * would make every megaflow from a guest match the full destination
     * address (Open vSwitch keeps no prefix trie for IPv6 addresses by
     * default), one megaflow per remote host. */
    fm = add_goto__(g, VG_TABLE_GUEST_IN, PRIO_BRIDGE_ALLOW,
                    VG_TABLE_GUEST_DAD);
    ofp_match_set_u16(&fm->match, OFPF_ETH_TYPE, VG_ETH_TYPE_IPV6);
    set_ipv6__(&fm->match, OFPF_IPV6_SRC, ipv6_zero__, 128);
}

/* The bridge flows of tables 12 and 13. */
static void
bridge_ipv6_nd__(struct vg_flow_group *g)
{
    static const uint8_t nd_types[] = { ICMPV6_NS, ICMPV6_NA };
    struct ofp_flow_mod *fm;

    /* Open vSwitch reports target '::' (and no link-layer options) for an
     * NS or NA whose options it finds malformed, e.g. a link-layer option
     * given twice, which the receiver may still accept (Linux uses the
     * first): such a message must not reach the "option absent" allows. */
    for (size_t i = 0; i < sizeof nd_types; i++) {
        fm = add_icmp6__(g, VG_TABLE_GUEST_ND, PRIO_GUARD, 0, nd_types[i]);
        set_ipv6__(&fm->match, OFPF_IPV6_ND_TARGET, ipv6_zero__, 128);
    }
    /* An NS or NA that failed the per-port checks. */
    for (size_t i = 0; i < sizeof nd_types; i++) {
        add_icmp6__(g, VG_TABLE_GUEST_ND, PRIO_ND_DROP, 0, nd_types[i]);
    }
    /* Everything else from a proven IPv6 source. */
    add_goto__(g, VG_TABLE_GUEST_ND, PRIO_DEFAULT, VG_TABLE_FORWARD);

    /* From '::' (table 13): MLD reports; DAD probes are per port. */
    static const uint8_t mld2_routers[16] = { 0xff, 0x02, [15] = 0x16 };
    static const uint8_t multicast[16] = { 0xff };

    fm = add_icmp6__(g, VG_TABLE_GUEST_DAD, PRIO_BRIDGE_ALLOW,
                     VG_TABLE_FORWARD, ICMPV6_MLD2_REPORT);
    set_ipv6__(&fm->match, OFPF_IPV6_DST, mld2_routers, 128);
    fm = add_icmp6__(g, VG_TABLE_GUEST_DAD, PRIO_BRIDGE_ALLOW,
                     VG_TABLE_FORWARD, ICMPV6_MLD_REPORT);
    set_ipv6__(&fm->match, OFPF_IPV6_DST, multicast, 8);
    add_goto__(g, VG_TABLE_GUEST_DAD, PRIO_DEFAULT, 0);
}

void
vg_flows_bridge(struct vg_flow_group *g)
{
    struct ofp_flow_mod *fm;

    /* Fail closed: whatever is not classified is dropped. */
    add_goto__(g, VG_TABLE_CLASSIFY, PRIO_DEFAULT, 0);

    /* Guest ingress: a locked guest never acts as a DHCP server or relay,
     * whatever source port it answers from. */
    fm = add_goto__(g, VG_TABLE_GUEST_IN, PRIO_GUARD, 0);
    ofp_match_set_u16(&fm->match, OFPF_ETH_TYPE, VG_ETH_TYPE_IPV4);
    ofp_match_set_u8(&fm->match, OFPF_IP_PROTO, VG_IP_PROTO_UDP);
    ofp_match_set_u16(&fm->match, OFPF_UDP_SRC, DHCP_SERVER_PORT);
    fm = add_goto__(g, VG_TABLE_GUEST_IN, PRIO_GUARD, 0);
    ofp_match_set_u16(&fm->match, OFPF_ETH_TYPE, VG_ETH_TYPE_IPV4);
    ofp_match_set_u8(&fm->match, OFPF_IP_PROTO, VG_IP_PROTO_UDP);
    ofp_match_set_u16(&fm->match, OFPF_UDP_DST, DHCP_CLIENT_PORT);
    /* UDP ports 0 (reserved) in a datagram's first fragment or a whole
     * one: what Open vSwitch reports for a UDP header cut short and, unless
     * the bridge's fragment handling is nx-match (engine.c sets it), for
     * every first fragment.  Such a first fragment can carry a DHCP
     * server's answer (67 -> 68) past the two flows above, and the
     * receiver reassembles it.  Later fragments (ports 0 too) hold no UDP
     * header and pass: without their first fragment they are never
     * reassembled. */
    for (int dst = 0; dst < 2; dst++) {
        static const uint8_t not_later = 0, later = OFP_IP_FRAG_LATER;
        fm = add_goto__(g, VG_TABLE_GUEST_IN, PRIO_GUARD, 0);
        ofp_match_set_u16(&fm->match, OFPF_ETH_TYPE, VG_ETH_TYPE_IPV4);
        ofp_match_set_u8(&fm->match, OFPF_IP_PROTO, VG_IP_PROTO_UDP);
        ofp_match_set(&fm->match, OFPF_IP_FRAG, &not_later, &later);
        ofp_match_set_u16(&fm->match, dst ? OFPF_UDP_DST : OFPF_UDP_SRC, 0);
    }

    /* DHCP client discovery from 0.0.0.0 (its source MAC was checked). */
    fm = add_goto__(g, VG_TABLE_GUEST_IN, PRIO_BRIDGE_ALLOW, VG_TABLE_FORWARD);
    ofp_match_set_u16(&fm->match, OFPF_ETH_TYPE, VG_ETH_TYPE_IPV4);
    ofp_match_set_u8(&fm->match, OFPF_IP_PROTO, VG_IP_PROTO_UDP);
    ofp_match_set_u32(&fm->match, OFPF_IPV4_SRC, 0);
    ofp_match_set_u32(&fm->match, OFPF_IPV4_DST, UINT32_MAX);
    ofp_match_set_u16(&fm->match, OFPF_UDP_SRC, DHCP_CLIENT_PORT);
    ofp_match_set_u16(&fm->match, OFPF_UDP_DST, DHCP_SERVER_PORT);

    /* ARP: only requests and replies go on to the sender checks. */
    static const uint16_t ops[] = { ARP_OP_REQUEST, ARP_OP_REPLY };
    for (size_t i = 0; i < sizeof ops / sizeof *ops; i++) {
        fm = add_goto__(g, VG_TABLE_GUEST_IN, PRIO_PORT, VG_TABLE_GUEST_ARP);
        ofp_match_set_u16(&fm->match, OFPF_ETH_TYPE, VG_ETH_TYPE_ARP);
        ofp_match_set_u16(&fm->match, OFPF_ARP_OP, ops[i]);
    }
    bridge_ipv6_guest_in__(g);
    add_goto__(g, VG_TABLE_GUEST_IN, PRIO_DEFAULT, 0);
    add_goto__(g, VG_TABLE_GUEST_ARP, PRIO_DEFAULT, 0);
    bridge_ipv6_nd__(g);

    /* Trunk frames of a VLAN without locked guests: no VLAN context, so no
     * delivery flow matches them; NORMAL forwards them. */
    add_goto__(g, VG_TABLE_TRUNK, PRIO_DEFAULT, VG_TABLE_FORWARD);
    /* Copies for the unlocked guests of a VLAN without any. */
    add_goto__(g, VG_TABLE_UNLOCKED, PRIO_DEFAULT, 0);
    /* Frames for a guest's MAC that failed its egress checks. */
    add_goto__(g, VG_TABLE_EGRESS, PRIO_DEFAULT, 0);

    /* An unlocked guest's frames whose type is an outer VLAN tag to some
     * switches (0x9100, 0x9200: pre-802.1ad QinQ) but not to Open vSwitch
     * (table 0 takes 0x8100 and 0x88a8 as tags and drops them): upstream
     * they could land in another VLAN.  Locked guests send only ARP and IP
     * (table 10). */
    static const uint16_t tpids[] = { 0x9100, 0x9200 };
    for (size_t i = 0; i < sizeof tpids / sizeof *tpids; i++) {
        fm = add_goto__(g, VG_TABLE_FORWARD, PRIO_FORWARD_GUARD, 0);
        ofp_match_set_u32(&fm->match, VG_REG_SOURCE, VG_SOURCE_UNLOCKED);
        ofp_match_set_u16(&fm->match, OFPF_ETH_TYPE, tpids[i]);
    }

    /* Link-local control frames (STP, pause, LACP, LLDP, 802.1X and the
     * Cisco protocols: the multicast part of Open vSwitch's
     * eth_addr_is_reserved()) go to NORMAL alone, whoever sends them:
     * NORMAL drops them unless the bridge has other_config:forward-bpdu,
     * and never floods them to a guest (NO_FLOOD), while the fan-out flows
     * below would copy them to the VLAN's unlocked guests. */
    static const struct {
        uint8_t mac[6];
        uint8_t mask[6];
    } reserved[] = {
        { { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x00 },
          { 0xff, 0xff, 0xff, 0xff, 0xff, 0xf0 } }, /* 802.1 reserved. */
        { { 0x01, 0x00, 0x0c, 0x00, 0x00, 0x00 },
          { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } }, /* Cisco ISL. */
        { { 0x01, 0x00, 0x0c, 0xcc, 0xcc, 0xc0 },
          { 0xff, 0xff, 0xff, 0xff, 0xff, 0xf8 } }, /* Cisco CFM. */
        { { 0x01, 0x00, 0x0c, 0xcc, 0xcc, 0xcc },
          { 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe } }, /* CDP..., PVST+. */
        { { 0x01, 0x00, 0x0c, 0xcd, 0xcd, 0xcd },
          { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } }, /* STP Uplink Fast. */
    };
    for (size_t i = 0; i < sizeof reserved / sizeof *reserved; i++) {
        fm = vg_flow_group_add(g, VG_TABLE_FORWARD, PRIO_FORWARD_RESERVED);
        ofp_match_set(&fm->match, OFPF_ETH_DST, reserved[i].mac,
                      reserved[i].mask);
        ofp_actions_add_output(ofp_instructions_apply(&fm->insts), OFPP_NORMAL,
                               0);
    }

    /* Forwarding. */
    fm = vg_flow_group_add(g, VG_TABLE_FORWARD, PRIO_DEFAULT);
    ofp_actions_add_output(ofp_instructions_apply(&fm->insts), OFPP_NORMAL, 0);
}

/* Makes 'fm' record, in registers, the VLAN context of 'ctx' (unless it is a
 * trunk: table 1 does that) and source class 'source'. */
static void
set_ctx__(struct ofp_flow_mod *fm, const struct vg_port_ctx *ctx,
          enum vg_source source)
{
    struct ofp_actions *acts = ofp_instructions_apply(&fm->insts);
    uint8_t v[4];

    if (ctx->vlan >= 0) {
        ofp_set_be32(v, VG_VLAN_CTX((uint32_t)ctx->vlan));
        ofp_actions_add_set_field(acts, VG_REG_VLAN, v);
    }
    ofp_set_be32(v, source);
    ofp_actions_add_set_field(acts, VG_REG_SOURCE, v);
}

void
vg_flows_trusted(uint32_t ofport, const struct vg_port_ctx *ctx,
                 struct vg_flow_group *g)
{
    struct ofp_flow_mod *fm;

    fm = add_goto__(g, VG_TABLE_CLASSIFY, PRIO_PORT,
                    ctx->vlan < 0 ? VG_TABLE_TRUNK : VG_TABLE_FORWARD);
    set_ctx__(fm, ctx, VG_SOURCE_TRUSTED);
    ofp_match_set_u32(&fm->match, OFPF_IN_PORT, ofport);

    if (ctx->vlan < 0) {
        /* A trunk: NORMAL puts its priority-tagged frames (VID 0) and, on a
         * native-tagged or native-untagged trunk, its untagged frames on
         * the native VLAN; so does vifguard, ahead of the VLAN groups'
         * mapping of tags (priority 100). */
        uint8_t v[4];
        for (int untagged = 0; untagged < 2; untagged++) {
            if (untagged && !ctx->native) {
                break; /* VLAN 0's group maps untagged frames already. */
            }
            fm = add_goto__(g, VG_TABLE_TRUNK, PRIO_PORT + 10,
                            VG_TABLE_FORWARD);
            ofp_match_set_u32(&fm->match, OFPF_IN_PORT, ofport);
            ofp_match_set_u16(&fm->match, OFPF_VLAN_VID,
                              untagged ? OFPVID_NONE : OFPVID_PRESENT);
            ofp_set_be32(v, VG_VLAN_CTX((uint32_t)ctx->native));
            ofp_actions_add_set_field(ofp_instructions_apply(&fm->insts),
                                      VG_REG_VLAN, v);
        }
    }

    if (ctx->source == VG_SOURCE_TRUSTED_UNICAST) {
        /* A bond member that is not the active one: NORMAL would drop the
         * broadcasts and multicasts it receives (the upstream switch floods
         * them to every member), so vifguard does too. */
        static const uint8_t group_bit[6] = { 1, 0, 0, 0, 0, 0 };
        fm = add_goto__(g, VG_TABLE_CLASSIFY, PRIO_PORT + 10, 0);
        ofp_match_set_u32(&fm->match, OFPF_IN_PORT, ofport);
        ofp_match_set(&fm->match, OFPF_ETH_DST, group_bit, group_bit);
    }
}

static uint32_t
prefix_mask4__(uint8_t len)
{
    return len ? UINT32_MAX << (32 - len) : 0;
}

static int
cmp_prefix6__(const void *a_, const void *b_)
{
    const struct vg_prefix6 *a = a_, *b = b_;
    int c = memcmp(a->addr, b->addr, 16);
    return c ? c : (int)a->len - (int)b->len;
}

/* Returns the allowed IPv6 set of locked guest 'p': its list plus the
 * EUI-64 link-local address of its MAC, sorted, without duplicates, in a
 * malloc'd array of '*n' entries. */
static struct vg_prefix6 *
allowed_ipv6__(const struct vg_policy *p, size_t *n)
{
    struct vg_prefix6 *v = ofp_xrealloc(NULL, (p->n_ipv6 + 1) * sizeof *v);

    if (p->n_ipv6) {
        memcpy(v, p->ipv6, p->n_ipv6 * sizeof *v);
    }
    vg_ipv6_eui64_link_local(p->mac, &v[p->n_ipv6]);
    qsort(v, p->n_ipv6 + 1, sizeof *v, cmp_prefix6__);

    size_t k = 0;
    for (size_t i = 0; i <= p->n_ipv6; i++) {
        if (!k || cmp_prefix6__(&v[k - 1], &v[i])) {
            v[k++] = v[i];
        }
    }
    *n = k;
    return v;
}

/* The IPv6 flows of locked guest 'p' on 'ofport': see "Table pipeline" in
 * docs/DESIGN.md. */
static void
flows_locked_ipv6__(uint32_t ofport, const struct vg_policy *p,
                    struct vg_flow_group *g)
{
    static const uint8_t no_lla[6];
    struct ofp_flow_mod *fm;
    size_t n;
    struct vg_prefix6 *v = allowed_ipv6__(p, &n);

    /* Source check: from here on the source is proven. */
    for (size_t i = 0; i < n; i++) {
        fm = add_goto__(g, VG_TABLE_GUEST_IN, PRIO_PORT, VG_TABLE_GUEST_ND);
        ofp_match_set_u32(&fm->match, OFPF_IN_PORT, ofport);
        ofp_match_set_u16(&fm->match, OFPF_ETH_TYPE, VG_ETH_TYPE_IPV6);
        set_ipv6__(&fm->match, OFPF_IPV6_SRC, v[i].addr, v[i].len);
    }

    /* NS: source link-layer address option absent or the guest's MAC. */
    for (int absent = 0; absent < 2; absent++) {
        fm = add_icmp6__(g, VG_TABLE_GUEST_ND, PRIO_PORT, VG_TABLE_FORWARD,
                         ICMPV6_NS);
        ofp_match_set_u32(&fm->match, OFPF_IN_PORT, ofport);
        ofp_match_set(&fm->match, OFPF_IPV6_ND_SLL, absent ? no_lla : p->mac,
                      NULL);
    }

    /* NA: an allowed target, and target link-layer address option absent
     * or the guest's MAC. */
    for (size_t i = 0; i < n; i++) {
        for (int absent = 0; absent < 2; absent++) {
            fm = add_icmp6__(g, VG_TABLE_GUEST_ND, PRIO_PORT, VG_TABLE_FORWARD,
                             ICMPV6_NA);
            ofp_match_set_u32(&fm->match, OFPF_IN_PORT, ofport);
            set_ipv6__(&fm->match, OFPF_IPV6_ND_TARGET, v[i].addr, v[i].len);
            ofp_match_set(&fm->match, OFPF_IPV6_ND_TLL,
                          absent ? no_lla : p->mac, NULL);
        }
    }

    /* DAD probes: only for the guest's own addresses, to a solicited-node
     * address, without a source link-layer address option (RFC 4862). */
    static const uint8_t sol_node[16] = { 0xff, 0x02, 0, 0, 0, 0,   0,
                                          0,    0,    0, 0, 1, 0xff };
    for (size_t i = 0; i < n; i++) {
        fm = add_icmp6__(g, VG_TABLE_GUEST_DAD, PRIO_PORT, VG_TABLE_FORWARD,
                         ICMPV6_NS);
        ofp_match_set_u32(&fm->match, OFPF_IN_PORT, ofport);
        set_ipv6__(&fm->match, OFPF_IPV6_DST, sol_node, 104);
        set_ipv6__(&fm->match, OFPF_IPV6_ND_TARGET, v[i].addr, v[i].len);
        ofp_match_set(&fm->match, OFPF_IPV6_ND_SLL, no_lla, NULL);
    }
    free(v);
}

/* The flows of a locked guest: see "Table pipeline" in docs/DESIGN.md. */
static void
flows_locked__(uint32_t ofport, const struct vg_policy *p,
               const struct vg_port_ctx *ctx, struct vg_flow_group *g)
{
    struct ofp_flow_mod *fm;

    /* Own source MAC, no VLAN tag. */
    fm = add_goto__(g, VG_TABLE_CLASSIFY, PRIO_PORT, VG_TABLE_GUEST_IN);
    set_ctx__(fm, ctx, VG_SOURCE_LOCKED);
    ofp_match_set_u32(&fm->match, OFPF_IN_PORT, ofport);
    ofp_match_set(&fm->match, OFPF_ETH_SRC, p->mac, NULL);
    ofp_match_set_u16(&fm->match, OFPF_VLAN_VID, OFPVID_NONE);

    for (size_t i = 0; i < p->n_ipv4; i++) {
        const struct vg_prefix4 *a = &p->ipv4[i];

        fm = add_goto__(g, VG_TABLE_GUEST_IN, PRIO_PORT, VG_TABLE_FORWARD);
        ofp_match_set_u32(&fm->match, OFPF_IN_PORT, ofport);
        ofp_match_set_u16(&fm->match, OFPF_ETH_TYPE, VG_ETH_TYPE_IPV4);
        if (a->len == 32) {
            ofp_match_set_u32(&fm->match, OFPF_IPV4_SRC, a->addr);
        } else if (a->len) {
            ofp_match_set_u32_masked(&fm->match, OFPF_IPV4_SRC, a->addr,
                                     prefix_mask4__(a->len));
        }
    }

    /* ARP sender: own MAC and an allowed address; or 0.0.0.0 in a probe
     * (RFC 5227) for an allowed address, as DAD in table 13: a probe for
     * another guest's address would make it give that address up. */
    for (size_t i = 0; i < 2 * p->n_ipv4; i++) {
        const struct vg_prefix4 *a = &p->ipv4[i / 2];
        bool probe = i % 2;

        fm = add_goto__(g, VG_TABLE_GUEST_ARP, PRIO_PORT, VG_TABLE_FORWARD);
        ofp_match_set_u32(&fm->match, OFPF_IN_PORT, ofport);
        ofp_match_set_u16(&fm->match, OFPF_ETH_TYPE, VG_ETH_TYPE_ARP);
        if (probe) {
            ofp_match_set_u16(&fm->match, OFPF_ARP_OP, ARP_OP_REQUEST);
            ofp_match_set_u32(&fm->match, OFPF_ARP_SPA, 0);
        }
        enum ofp_field_id f = probe ? OFPF_ARP_TPA : OFPF_ARP_SPA;
        if (a->len == 32) {
            ofp_match_set_u32(&fm->match, f, a->addr);
        } else if (a->len) {
            ofp_match_set_u32_masked(&fm->match, f, a->addr,
                                     prefix_mask4__(a->len));
        }
        ofp_match_set(&fm->match, OFPF_ARP_SHA, p->mac, NULL);
    }

    flows_locked_ipv6__(ofport, p, g);
}

void
vg_flows_guest(uint32_t ofport, const struct vg_policy *p,
               const struct vg_port_ctx *ctx, struct vg_flow_group *g)
{
    struct ofp_flow_mod *fm;

    switch (p->mode) {
    case VG_MODE_LOCKED:
        flows_locked__(ofport, p, ctx, g);
        break;
    case VG_MODE_UNLOCKED:
        /* Any source, but no VLAN tag: an untagged XenServer VIF is an OVS
         * trunk port, where NORMAL would take a tagged frame into that
         * VLAN. */
        fm = add_goto__(g, VG_TABLE_CLASSIFY, PRIO_PORT, VG_TABLE_FORWARD);
        set_ctx__(fm, ctx, VG_SOURCE_UNLOCKED);
        ofp_match_set_u32(&fm->match, OFPF_IN_PORT, ofport);
        ofp_match_set_u16(&fm->match, OFPF_VLAN_VID, OFPVID_NONE);
        break;
    case VG_MODE_DISABLED:
        fm = add_goto__(g, VG_TABLE_CLASSIFY, PRIO_PORT, 0);
        ofp_match_set_u32(&fm->match, OFPF_IN_PORT, ofport);
        break;
    }
}

/* Eight bytes at a time, each step a bijection of the state (xor,
 * multiply by an odd constant, xorshift; a VLAN group's fan-out flows
 * are about 130 kB, hashed on every change of its guests), the last bytes
 * FNV-1a style, then a splitmix64 finalizer for good bit mixing.  The
 * value is host-specific (byte order) and never leaves the process. */
uint64_t
vg_hash_bytes(const void *p_, size_t n, uint64_t h)
{
    const uint8_t *p = p_;
    for (; n >= 8; n -= 8, p += 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
        h ^= h >> 32;
    }
    for (size_t i = 0; i < n; i++) {
        h = (h ^ p[i]) * 0x100000001b3ULL;
    }
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebULL;
    return h ^ (h >> 31);
}

uint64_t
vg_flow_hash(uint8_t table, uint16_t priority, const struct ofp_match *match,
             const struct ofp_instructions *insts)
{
    struct ofp_buf b;

    ofp_buf_init(&b);
    ofp_buf_put_u8(&b, table);
    ofp_buf_put_be16(&b, priority);
    if (ofp_match_encode(match, &b) || ofp_instructions_encode(insts, &b)) {
        /* Cannot be encoded, so cannot be installed: never equal to any
         * installed flow. */
        ofp_buf_put_be64(&b, UINT64_MAX);
    }
    uint64_t h = vg_hash_bytes(b.data, b.size, 0xcbf29ce484222325ULL);
    ofp_buf_uninit(&b);
    return h;
}

uint64_t
vg_flow_group_fingerprint(const struct vg_flow_group *g)
{
    uint64_t sum = 0;
    for (size_t i = 0; i < g->n; i++) {
        const struct ofp_flow_mod *fm = &g->flows[i];
        sum +=
            vg_flow_hash(fm->table_id, fm->priority, &fm->match, &fm->insts);
    }
    return sum;
}
