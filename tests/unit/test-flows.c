/* Unit tests for the flow compiler (src/flows.c): the exact flows of each
 * group, in ovs-ofctl syntax, and the fingerprint properties the engine's
 * reconciliation relies on. */
#include <config.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ofp/print.h"
#include "src/flows.h"
#include "src/policy.h"
#include "tests/unit/check.h"

/* Checks that group 'g' holds exactly the flows in 'want' (NULL-terminated),
 * in order, as formatted by ofp_flow_mod_format(), and that every one has the
 * group's cookie and encodes. */
static void
check_group(const struct vg_flow_group *g, const char *const *want)
{
    size_t n_want = 0;
    while (want[n_want]) {
        n_want++;
    }
    CHECK_EQ(g->n, n_want);
    for (size_t i = 0; i < g->n && i < n_want; i++) {
        struct ofp_buf b, enc;
        ofp_buf_init(&b);
        ofp_buf_init(&enc);
        ofp_flow_mod_format(&g->flows[i], &b);
        CHECK_STREQ(ofp_buf_cstr(&b), want[i]);
        CHECK(g->flows[i].cookie == g->cookie);
        CHECK_EQ(ofp_flow_mod_encode(&g->flows[i], 1, &enc), 0);
        ofp_buf_uninit(&b);
        ofp_buf_uninit(&enc);
    }
}

static void
make_policy(struct vg_policy *p, enum vg_mode mode, const char *ipv4)
{
    char *err = NULL;
    vg_policy_init(p);
    p->mode = mode;
    CHECK_EQ(vg_parse_mac("02:00:00:00:00:05", p->mac, &err), 0);
    p->has_mac = true;
    CHECK_EQ(vg_parse_ipv4_list(ipv4, &p->ipv4, &p->n_ipv4, &err), 0);
    free(err);
}

#define BR "cookie:0x7667010000000000 "
#define P5 "cookie:0x7667020000000005 "
/* Table 0 of a locked guest records VLAN context and source class. */
#define LOCKED_CTX "actions=set_field:0x10000->reg0,set_field:0x2->reg1,"

/* An untagged guest port, and a trunk (trusted, no tag). */
static const struct vg_port_ctx untagged = { 0, VG_SOURCE_TRUSTED, 0 };
static const struct vg_port_ctx trunk = { -1, VG_SOURCE_TRUSTED, 0 };
/* A native-untagged trunk whose native VLAN is 7. */
static const struct vg_port_ctx native7 = { -1, VG_SOURCE_TRUSTED, 7 };
#define MAC5 "02:00:00:00:00:05"
#define NO_LLA "00:00:00:00:00:00"

/* The IPv6 flows of port 5 (MAC5) for one allowed address or prefix A,
 * in the three places where each allowed entry appears. */
#define V6_SRC(A)                                                 \
    "ADD table:10 priority=100,ipv6,in_port=5,ipv6_src=" A " " P5 \
    "actions=goto_table:12"
#define V6_NA(A)                                                           \
    "ADD table:12 priority=100,icmp6,in_port=5,icmp_type=136,nd_target=" A \
    ",nd_tll=" MAC5 " " P5 "actions=goto_table:40",                        \
        "ADD table:12 "                                                    \
        "priority=100,icmp6,in_port=5,icmp_type=136,nd_target=" A          \
        ",nd_tll=" NO_LLA " " P5 "actions=goto_table:40"
#define V6_DAD(A)                                                            \
    "ADD table:13 priority=100,icmp6,in_port=5,ipv6_dst=ff02::1:ff00:0/104," \
    "icmp_type=135,nd_target=" A ",nd_sll=" NO_LLA " " P5                    \
    "actions=goto_table:40"
/* NS from a proven source: SLL option absent or MAC5. */
#define V6_NS                                                              \
    "ADD table:12 priority=100,icmp6,in_port=5,icmp_type=135,nd_sll=" MAC5 \
    " " P5 "actions=goto_table:40",                                        \
        "ADD table:12 "                                                    \
        "priority=100,icmp6,in_port=5,icmp_type=135,nd_sll=" NO_LLA " " P5 \
        "actions=goto_table:40"
/* MAC5's EUI-64 link-local address. */
#define LL5 "fe80::ff:fe00:5"
/* Every IPv6 flow of a guest whose only IPv6 address is LL5. */
#define V6_LL5_ONLY V6_SRC(LL5), V6_NS, V6_NA(LL5), V6_DAD(LL5)

static void
test_bridge(void)
{
    static const char *const want[] = {
        "ADD priority=0 " BR "actions=drop",
        "ADD table:10 priority=300,udp,tp_src=67 " BR "actions=drop",
        "ADD table:10 priority=300,udp,tp_dst=68 " BR "actions=drop",
        /* Ports 0: fragments and UDP headers cut short. */
        "ADD table:10 priority=300,udp,nw_frag=not_later,tp_src=0 " BR
        "actions=drop",
        "ADD table:10 priority=300,udp,nw_frag=not_later,tp_dst=0 " BR
        "actions=drop",
        "ADD table:10 priority=200,udp,nw_src=0.0.0.0,nw_dst=255.255.255.255,"
        "tp_src=68,tp_dst=67 " BR "actions=goto_table:40",
        "ADD table:10 priority=100,arp,arp_op=1 " BR "actions=goto_table:11",
        "ADD table:10 priority=100,arp,arp_op=2 " BR "actions=goto_table:11",
        /* IPv6: a guest is never a router nor a DHCPv6 server. */
        "ADD table:10 priority=300,icmp6,icmp_type=134 " BR "actions=drop",
        "ADD table:10 priority=300,icmp6,icmp_type=137 " BR "actions=drop",
        "ADD table:10 priority=300,icmp6,icmp_type=138 " BR "actions=drop",
        "ADD table:10 priority=300,icmp6,icmp_type=146 " BR "actions=drop",
        "ADD table:10 priority=300,icmp6,icmp_type=147 " BR "actions=drop",
        "ADD table:10 priority=300,icmp6,icmp_type=151 " BR "actions=drop",
        "ADD table:10 priority=300,icmp6,icmp_type=152 " BR "actions=drop",
        "ADD table:10 priority=300,icmp6,icmp_type=153 " BR "actions=drop",
        "ADD table:10 priority=300,udp6,tp_src=547 " BR "actions=drop",
        "ADD table:10 priority=300,udp6,tp_dst=546 " BR "actions=drop",
        /* Headers OVS could not parse. */
        "ADD table:10 priority=300,ipv6,nw_frag=yes " BR "actions=drop",
        "ADD table:10 priority=300,ipv6,nw_proto=0 " BR "actions=drop",
        "ADD table:10 priority=300,icmp6,icmp_type=0 " BR "actions=drop",
        "ADD table:10 priority=300,udp6,tp_src=0 " BR "actions=drop",
        "ADD table:10 priority=300,udp6,tp_dst=0 " BR "actions=drop",
        /* From ::, to table 13 (DAD probes and MLD reports only), on
         * the source alone: no ipv6_dst in the megaflows of other IPv6
         * traffic. */
        "ADD table:10 priority=200,ipv6,ipv6_src=:: " BR
        "actions=goto_table:13",
        "ADD table:10 priority=0 " BR "actions=drop",
        "ADD table:11 priority=0 " BR "actions=drop",
        /* NS/NA with options OVS found malformed, or that failed the
         * per-port checks. */
        "ADD table:12 priority=300,icmp6,icmp_type=135,nd_target=:: " BR
        "actions=drop",
        "ADD table:12 priority=300,icmp6,icmp_type=136,nd_target=:: " BR
        "actions=drop",
        "ADD table:12 priority=50,icmp6,icmp_type=135 " BR "actions=drop",
        "ADD table:12 priority=50,icmp6,icmp_type=136 " BR "actions=drop",
        "ADD table:12 priority=0 " BR "actions=goto_table:40",
        /* From ::, MLD reports (DAD probes: per port). */
        "ADD table:13 priority=200,icmp6,ipv6_dst=ff02::16,icmp_type=143 " BR
        "actions=goto_table:40",
        "ADD table:13 priority=200,icmp6,ipv6_dst=ff00::/8,icmp_type=131 " BR
        "actions=goto_table:40",
        "ADD table:13 priority=0 " BR "actions=drop",
        "ADD table:1 priority=0 " BR "actions=goto_table:40",
        "ADD table:45 priority=0 " BR "actions=drop",
        "ADD table:50 priority=0 " BR "actions=drop",
        /* Pre-802.1ad QinQ types from unlocked guests. */
        "ADD table:40 priority=600,reg1=0x3,dl_type=0x9100 " BR "actions=drop",
        "ADD table:40 priority=600,reg1=0x3,dl_type=0x9200 " BR "actions=drop",
        /* Link-local control frames: to NORMAL alone. */
        "ADD table:40 priority=450,dl_dst=01:80:c2:00:00:00/"
        "ff:ff:ff:ff:ff:f0 " BR "actions=NORMAL",
        "ADD table:40 priority=450,dl_dst=01:00:0c:00:00:00 " BR
        "actions=NORMAL",
        "ADD table:40 priority=450,dl_dst=01:00:0c:cc:cc:c0/"
        "ff:ff:ff:ff:ff:f8 " BR "actions=NORMAL",
        "ADD table:40 priority=450,dl_dst=01:00:0c:cc:cc:cc/"
        "ff:ff:ff:ff:ff:fe " BR "actions=NORMAL",
        "ADD table:40 priority=450,dl_dst=01:00:0c:cd:cd:cd " BR
        "actions=NORMAL",
        "ADD table:40 priority=0 " BR "actions=NORMAL",
        NULL,
    };
    struct vg_flow_group g;
    vg_flow_group_init(&g, vg_cookie(VG_COOKIE_BRIDGE, 0));
    vg_flows_bridge(&g);
    check_group(&g, want);
    vg_flow_group_destroy(&g);
}

static void
test_locked(void)
{
    static const char *const want[] = {
        "ADD priority=100,in_port=5,vlan_tci=0x0000/0x1fff,"
        "dl_src=02:00:00:00:00:05 " P5 LOCKED_CTX "goto_table:10",
        "ADD table:10 priority=100,ip,in_port=5,nw_src=10.0.0.5 " P5
        "actions=goto_table:40",
        "ADD table:10 priority=100,ip,in_port=5,nw_src=10.1.0.0/16 " P5
        "actions=goto_table:40",
        "ADD table:11 priority=100,arp,in_port=5,arp_spa=10.0.0.5,"
        "arp_sha=02:00:00:00:00:05 " P5 "actions=goto_table:40",
        /* RFC 5227 probes: for its own addresses only. */
        "ADD table:11 priority=100,arp,in_port=5,arp_spa=0.0.0.0,"
        "arp_tpa=10.0.0.5,arp_op=1,arp_sha=02:00:00:00:00:05 " P5
        "actions=goto_table:40",
        "ADD table:11 priority=100,arp,in_port=5,arp_spa=10.1.0.0/16,"
        "arp_sha=02:00:00:00:00:05 " P5 "actions=goto_table:40",
        "ADD table:11 priority=100,arp,in_port=5,arp_spa=0.0.0.0,"
        "arp_tpa=10.1.0.0/16,arp_op=1,arp_sha=02:00:00:00:00:05 " P5
        "actions=goto_table:40",
        V6_LL5_ONLY,
        NULL,
    };
    struct vg_policy p;
    struct vg_flow_group g;

    make_policy(&p, VG_MODE_LOCKED, "10.1.0.0/16 10.0.0.5");
    vg_flow_group_init(&g, vg_cookie(VG_COOKIE_PORT, 5));
    vg_flows_guest(5, &p, &untagged, &g);
    check_group(&g, want);
    vg_flow_group_destroy(&g);
    vg_policy_destroy(&p);

    /* No IPv4 address: no ARP at all, not even probes (for which
     * address?). */
    static const char *const want_none[] = {
        "ADD priority=100,in_port=5,vlan_tci=0x0000/0x1fff,"
        "dl_src=02:00:00:00:00:05 " P5 LOCKED_CTX "goto_table:10",
        V6_LL5_ONLY,
        NULL,
    };
    make_policy(&p, VG_MODE_LOCKED, "");
    vg_flow_group_init(&g, vg_cookie(VG_COOKIE_PORT, 5));
    vg_flows_guest(5, &p, &untagged, &g);
    check_group(&g, want_none);
    vg_flow_group_destroy(&g);
    vg_policy_destroy(&p);

    /* 0.0.0.0/0 allows any IPv4 source but still checks the ARP SHA. */
    static const char *const want_any[] = {
        "ADD priority=100,in_port=5,vlan_tci=0x0000/0x1fff,"
        "dl_src=02:00:00:00:00:05 " P5 LOCKED_CTX "goto_table:10",
        "ADD table:10 priority=100,ip,in_port=5 " P5 "actions=goto_table:40",
        "ADD table:11 priority=100,arp,in_port=5,arp_sha=02:00:00:00:00:05 " P5
        "actions=goto_table:40",
        "ADD table:11 priority=100,arp,in_port=5,arp_spa=0.0.0.0,arp_op=1,"
        "arp_sha=02:00:00:00:00:05 " P5 "actions=goto_table:40",
        V6_LL5_ONLY,
        NULL,
    };
    make_policy(&p, VG_MODE_LOCKED, "0.0.0.0/0");
    vg_flow_group_init(&g, vg_cookie(VG_COOKIE_PORT, 5));
    vg_flows_guest(5, &p, &untagged, &g);
    check_group(&g, want_any);
    vg_flow_group_destroy(&g);
    vg_policy_destroy(&p);
}

/* Compiles the group of locked port 5 (MAC5) with IPv4 list 'ipv4' and
 * IPv6 list 'ipv6' and checks it against 'want'. */
static void
check_locked6(const char *ipv4, const char *ipv6, const char *const *want)
{
    struct vg_policy p;
    struct vg_flow_group g;
    char *err = NULL;

    make_policy(&p, VG_MODE_LOCKED, ipv4);
    CHECK_EQ(vg_parse_ipv6_list(ipv6, &p.ipv6, &p.n_ipv6, &err), 0);
    free(err);
    vg_flow_group_init(&g, vg_cookie(VG_COOKIE_PORT, 5));
    vg_flows_guest(5, &p, &untagged, &g);
    check_group(&g, want);
    vg_flow_group_destroy(&g);
    vg_policy_destroy(&p);
}

#define CLASSIFY5                                                    \
    "ADD priority=100,in_port=5,vlan_tci=0x0000/0x1fff,dl_src=" MAC5 \
    " " P5 LOCKED_CTX "goto_table:10"
#define ARP_PROBE5                                             \
    "ADD table:11 priority=100,arp,in_port=5,arp_spa=0.0.0.0," \
    "arp_tpa=10.0.0.5,arp_op=1,arp_sha=" MAC5 " " P5 "actions=goto_table:40"

static void
test_locked_ipv6(void)
{
    /* SLAAC prefixes (masked ipv6_src and nd_target) and an exact address;
     * the EUI-64 link-local address is added in sorted order. */
    static const char *const prefixes[] = {
        CLASSIFY5,
        "ADD table:10 priority=100,ip,in_port=5,nw_src=10.0.0.5 " P5
        "actions=goto_table:40",
        "ADD table:11 priority=100,arp,in_port=5,arp_spa=10.0.0.5,"
        "arp_sha=" MAC5 " " P5 "actions=goto_table:40",
        ARP_PROBE5,
        V6_SRC("2001:db8:1::/64"),
        V6_SRC("2001:db8:2::5"),
        V6_SRC("fd00::/48"),
        V6_SRC(LL5),
        V6_NS,
        V6_NA("2001:db8:1::/64"),
        V6_NA("2001:db8:2::5"),
        V6_NA("fd00::/48"),
        V6_NA(LL5),
        V6_DAD("2001:db8:1::/64"),
        V6_DAD("2001:db8:2::5"),
        V6_DAD("fd00::/48"),
        V6_DAD(LL5),
        NULL,
    };
    check_locked6("10.0.0.5", "fd00::/48 2001:db8:2::5,2001:db8:1::/64",
                  prefixes);

    /* A listed RFC 7217 link-local address, next to the EUI-64 one. */
    static const char *const rfc7217[] = {
        CLASSIFY5,
        V6_SRC("2001:db8:1::a"),
        V6_SRC(LL5),
        V6_SRC("fe80::8d4e:13a2:5c0f:77b1"),
        V6_NS,
        V6_NA("2001:db8:1::a"),
        V6_NA(LL5),
        V6_NA("fe80::8d4e:13a2:5c0f:77b1"),
        V6_DAD("2001:db8:1::a"),
        V6_DAD(LL5),
        V6_DAD("fe80::8d4e:13a2:5c0f:77b1"),
        NULL,
    };
    check_locked6("", "fe80::8d4e:13a2:5c0f:77b1 2001:db8:1::a", rfc7217);

    /* No IPv6 list: the EUI-64 link-local address alone. */
    static const char *const eui64_only[] = {
        CLASSIFY5,
        V6_LL5_ONLY,
        NULL,
    };
    check_locked6("", "", eui64_only);

    /* The EUI-64 address listed as well: no duplicate flows. */
    check_locked6("", LL5, eui64_only);
    check_locked6("", "fe80::ff:fe00:5/128 " LL5, eui64_only);
}

/* No flow of a locked guest can let an NS or NA through without its
 * checks: every table-12 allow for NS pins nd_sll, every one for NA pins
 * nd_target and nd_tll, every table-13 allow pins nd_target and nd_sll, and
 * no table-10 allow for a guest's source skips table 12 (bug 4 of the
 * reference systems: a looser duplicate shadowing the strict flow). */
static void
test_no_loose_nd(void)
{
    struct vg_policy p;
    struct vg_flow_group g;
    char *err = NULL;

    make_policy(&p, VG_MODE_LOCKED, "10.0.0.5");
    CHECK_EQ(vg_parse_ipv6_list("2001:db8:1::/64 fe80::1 2001:db8::7", &p.ipv6,
                                &p.n_ipv6, &err),
             0);
    vg_flow_group_init(&g, vg_cookie(VG_COOKIE_PORT, 5));
    vg_flows_guest(5, &p, &untagged, &g);
    size_t n_nd = 0;
    for (size_t i = 0; i < g.n; i++) {
        const struct ofp_flow_mod *fm = &g.flows[i];
        const struct ofp_match *m = &fm->match;
        bool v6 = (ofp_match_has(m, OFPF_ETH_TYPE) &&
                   ofp_match_get_uint(m, OFPF_ETH_TYPE) == 0x86dd);

        if (fm->table_id == VG_TABLE_GUEST_IN && v6) {
            CHECK(ofp_match_has(m, OFPF_IPV6_SRC));
            CHECK(!ofp_match_has(m, OFPF_IP_PROTO));
            CHECK_EQ(fm->priority, 100);
        } else if (fm->table_id == VG_TABLE_GUEST_ND) {
            uint64_t type = ofp_match_get_uint(m, OFPF_ICMPV6_TYPE);
            CHECK(type == 135 || type == 136);
            CHECK(type != 135 || ofp_match_has(m, OFPF_IPV6_ND_SLL));
            CHECK(type != 136 || (ofp_match_has(m, OFPF_IPV6_ND_TARGET) &&
                                  ofp_match_has(m, OFPF_IPV6_ND_TLL)));
            n_nd++;
        } else if (fm->table_id == VG_TABLE_GUEST_DAD) {
            CHECK_EQ(ofp_match_get_uint(m, OFPF_ICMPV6_TYPE), 135);
            CHECK(ofp_match_has(m, OFPF_IPV6_ND_TARGET));
            CHECK(ofp_match_has(m, OFPF_IPV6_ND_SLL));
        }
    }
    /* 2 NS + 2 NA for each of 4 addresses (3 listed + EUI-64). */
    CHECK_EQ(n_nd, 2 + 2 * 4);
    vg_flow_group_destroy(&g);
    vg_policy_destroy(&p);
}

static void
test_other_modes(void)
{
    static const char *const unlocked[] = {
        "ADD priority=100,in_port=5,vlan_tci=0x0000/0x1fff " P5
        "actions=set_field:0x10000->reg0,set_field:0x3->reg1,goto_table:40",
        NULL,
    };
    static const char *const disabled[] = {
        "ADD priority=100,in_port=5 " P5 "actions=drop",
        NULL,
    };
    static const char *const trusted[] = {
        "ADD priority=100,in_port=LOCAL cookie:0x76670200fffffffe "
        "actions=set_field:0x1->reg1,goto_table:1",
        "ADD table:1 priority=110,in_port=LOCAL,dl_vlan=0 "
        "cookie:0x76670200fffffffe "
        "actions=set_field:0x10000->reg0,goto_table:40",
        NULL,
    };
    /* Priority-tagged and untagged frames of a native-VLAN trunk are on
     * its native VLAN, as NORMAL has it. */
    static const char *const trusted_native[] = {
        "ADD priority=100,in_port=3 cookie:0x7667020000000003 "
        "actions=set_field:0x1->reg1,goto_table:1",
        "ADD table:1 priority=110,in_port=3,dl_vlan=0 "
        "cookie:0x7667020000000003 "
        "actions=set_field:0x10007->reg0,goto_table:40",
        "ADD table:1 priority=110,in_port=3,vlan_tci=0x0000/0x1fff "
        "cookie:0x7667020000000003 "
        "actions=set_field:0x10007->reg0,goto_table:40",
        NULL,
    };
    struct vg_policy p;
    struct vg_flow_group g;

    make_policy(&p, VG_MODE_UNLOCKED, "10.0.0.5");
    vg_flow_group_init(&g, vg_cookie(VG_COOKIE_PORT, 5));
    vg_flows_guest(5, &p, &untagged, &g);
    check_group(&g, unlocked);
    vg_flow_group_destroy(&g);
    vg_policy_destroy(&p);

    make_policy(&p, VG_MODE_DISABLED, "10.0.0.5");
    vg_flow_group_init(&g, vg_cookie(VG_COOKIE_PORT, 5));
    vg_flows_guest(5, &p, &untagged, &g);
    check_group(&g, disabled);
    vg_flow_group_destroy(&g);
    vg_policy_destroy(&p);

    vg_flow_group_init(&g, vg_cookie(VG_COOKIE_PORT, OFPP_LOCAL));
    vg_flows_trusted(OFPP_LOCAL, &trunk, &g);
    check_group(&g, trusted);
    vg_flow_group_destroy(&g);

    vg_flow_group_init(&g, vg_cookie(VG_COOKIE_PORT, 3));
    vg_flows_trusted(3, &native7, &g);
    check_group(&g, trusted_native);
    vg_flow_group_destroy(&g);
}

/* The fingerprint of a group equals the fingerprint of the same flows after
 * a trip through the wire (what read-back sees), whatever their order, and
 * changes with any policy change. */
static void
test_fingerprint(void)
{
    struct vg_policy p;
    struct vg_flow_group g, g2;

    make_policy(&p, VG_MODE_LOCKED, "10.0.0.5 10.0.0.6");
    vg_flow_group_init(&g, vg_cookie(VG_COOKIE_PORT, 5));
    vg_flows_guest(5, &p, &untagged, &g);
    uint64_t fp = vg_flow_group_fingerprint(&g);

    uint64_t wire = 0;
    for (size_t i = g.n; i-- > 0;) {
        struct ofp_buf b;
        struct ofp_flow_mod fm;
        ofp_buf_init(&b);
        CHECK_EQ(ofp_flow_mod_encode(&g.flows[i], 7, &b), 0);
        CHECK_EQ(ofp_flow_mod_decode(b.data, b.size, &fm), 0);
        wire += vg_flow_hash(fm.table_id, fm.priority, &fm.match, &fm.insts);
        ofp_flow_mod_uninit(&fm);
        ofp_buf_uninit(&b);
    }
    CHECK(wire == fp);
    vg_flow_group_destroy(&g);
    vg_policy_destroy(&p);

    static const char *const others[] = { "10.0.0.5", "10.0.0.5 10.0.0.7",
                                          "10.0.0.0/24" };
    for (size_t i = 0; i < sizeof others / sizeof *others; i++) {
        make_policy(&p, VG_MODE_LOCKED, others[i]);
        vg_flow_group_init(&g2, vg_cookie(VG_COOKIE_PORT, 5));
        vg_flows_guest(5, &p, &untagged, &g2);
        CHECK(vg_flow_group_fingerprint(&g2) != fp);
        vg_flow_group_destroy(&g2);
        vg_policy_destroy(&p);
    }

    /* IPv6 too: an IPv6 group survives the wire (masked nd_target
     * included), and any change of the IPv6 list changes it. */
    uint64_t fp6[3];
    static const char *const v6[] = { "2001:db8:1::/64 fe80::1",
                                      "2001:db8:1::/64",
                                      "2001:db8:1::/64 fe80::2" };
    for (size_t i = 0; i < 3; i++) {
        char *err = NULL;
        make_policy(&p, VG_MODE_LOCKED, "10.0.0.5 10.0.0.6");
        CHECK_EQ(vg_parse_ipv6_list(v6[i], &p.ipv6, &p.n_ipv6, &err), 0);
        vg_flow_group_init(&g2, vg_cookie(VG_COOKIE_PORT, 5));
        vg_flows_guest(5, &p, &untagged, &g2);
        fp6[i] = vg_flow_group_fingerprint(&g2);
        CHECK(fp6[i] != fp);
        if (i == 0) {
            uint64_t sum = 0;
            for (size_t k = 0; k < g2.n; k++) {
                struct ofp_buf b;
                struct ofp_flow_mod fm;
                ofp_buf_init(&b);
                CHECK_EQ(ofp_flow_mod_encode(&g2.flows[k], 7, &b), 0);
                CHECK_EQ(ofp_flow_mod_decode(b.data, b.size, &fm), 0);
                sum += vg_flow_hash(fm.table_id, fm.priority, &fm.match,
                                    &fm.insts);
                ofp_flow_mod_uninit(&fm);
                ofp_buf_uninit(&b);
            }
            CHECK(sum == fp6[0]);
        }
        vg_flow_group_destroy(&g2);
        vg_policy_destroy(&p);
    }
    CHECK(fp6[0] != fp6[1] && fp6[0] != fp6[2] && fp6[1] != fp6[2]);

    /* Another port with the same policy differs (in_port). */
    make_policy(&p, VG_MODE_LOCKED, "10.0.0.5 10.0.0.6");
    vg_flow_group_init(&g2, vg_cookie(VG_COOKIE_PORT, 6));
    vg_flows_guest(6, &p, &untagged, &g2);
    CHECK(vg_flow_group_fingerprint(&g2) != fp);
    vg_flow_group_destroy(&g2);
    vg_policy_destroy(&p);
}

static void
test_cookies(void)
{
    CHECK(vg_cookie(VG_COOKIE_PORT, 5) == 0x7667020000000005ULL);
    CHECK(vg_cookie(VG_COOKIE_BRIDGE, 0) == 0x7667010000000000ULL);
    CHECK(vg_cookie_is_ours(vg_cookie(VG_COOKIE_PORT, 0xfffffffe)));
    CHECK(!vg_cookie_is_ours(0));
    CHECK(!vg_cookie_is_ours(1));
    CHECK(!vg_cookie_is_ours(0x7668020000000005ULL));
}

int
main(void)
{
    test_bridge();
    test_locked();
    test_locked_ipv6();
    test_no_loose_nd();
    test_other_modes();
    test_fingerprint();
    test_cookies();
    return check_summary();
}
