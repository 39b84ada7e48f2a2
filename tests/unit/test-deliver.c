/* Unit tests for the delivery compiler (src/deliver.c): the exact flows of a
 * locked and an unlocked guest's MAC group and of VLAN groups, in ovs-ofctl syntax (each
 * string checked against `ovs-ofctl ofp-print` of our encoding when it was
 * written), and that every flow encodes. */
#include <config.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ofp/print.h"
#include "src/deliver.h"
#include "src/policy.h"
#include "tests/unit/check.h"

#define MAC5 "cookie:0x7667040000000005 "
#define VLAN7 "cookie:0x7667030000010007 "

/* Checks that 'g' holds exactly the flows in 'want' (NULL-terminated) from
 * its flow 'from' on, in order, and that each encodes.  'cookie' replaces
 * MAC5 in 'want' when the group's cookie differs. */
static void
check_group_from(const struct vg_flow_group *g, size_t from,
                 const char *const *want, const char *cookie)
{
    size_t n_want = 0;
    while (want[n_want]) {
        n_want++;
    }
    CHECK_EQ(g->n, from + n_want);
    for (size_t i = 0; i < n_want && from + i < g->n; i++) {
        struct ofp_buf b, enc, exp;
        ofp_buf_init(&b);
        ofp_buf_init(&enc);
        ofp_buf_init(&exp);
        ofp_flow_mod_format(&g->flows[from + i], &b);
        const char *w = want[i];
        const char *at = strstr(w, MAC5);
        if (at && cookie) {
            ofp_buf_put(&exp, w, (size_t)(at - w));
            ofp_buf_put_cstr(&exp, cookie);
            ofp_buf_put_cstr(&exp, at + strlen(MAC5));
            w = ofp_buf_cstr(&exp);
        }
        CHECK_STREQ(ofp_buf_cstr(&b), w);
        CHECK_EQ(ofp_flow_mod_encode(&g->flows[from + i], 1, &enc), 0);
        ofp_buf_uninit(&b);
        ofp_buf_uninit(&enc);
        ofp_buf_uninit(&exp);
    }
}

static void
check_group(const struct vg_flow_group *g, const char *const *want,
            const char *cookie)
{
    check_group_from(g, 0, want, cookie);
}

/* The number of flows of 'g' whose ovs-ofctl form contains 'text'. */
static size_t
count_flows(const struct vg_flow_group *g, const char *text)
{
    size_t n = 0;
    for (size_t i = 0; i < g->n; i++) {
        struct ofp_buf b;
        ofp_buf_init(&b);
        ofp_flow_mod_format(&g->flows[i], &b);
        n += strstr(ofp_buf_cstr(&b), text) != NULL;
        ofp_buf_uninit(&b);
    }
    return n;
}

/* vg_deliver_vlan() with the view of 'members', as the engine calls it. */
static void
deliver_vlan(uint16_t vlan, const struct vg_delivery *members, size_t n,
             struct vg_flow_group *g)
{
    struct vg_vlan_view view;
    vg_vlan_view_init(&view, members, n);
    vg_deliver_vlan(vlan, members, n, &view, g);
    vg_vlan_view_destroy(&view);
}

/* Many guests drawing IPv4 addresses from a small pool: the view's shared
 * targets are exactly the addresses of two or more locked guests (their
 * link-local addresses, from distinct MACs, are their own), each with the
 * ports of those guests, in the members' order. */
static void
test_shared_at_scale(void)
{
    enum { N = 300, POOL = 97 };
    static struct vg_policy pol[N];
    static struct vg_delivery m[N];
    static uint32_t port_nos[N][2];
    unsigned owners[POOL][2] = { { 0 } }; /* Distinct locked owners, <= 2. */
    unsigned first_owner[POOL];
    unsigned addr[N][2];
    uint32_t seed = 12345;

    for (size_t i = 0; i < N; i++) {
        char text[64], *err = NULL;
        seed = seed * 1103515245 + 12345;
        unsigned a = (seed >> 8) % POOL, b = (seed >> 20) % POOL;
        addr[i][0] = a;
        addr[i][1] = b;
        vg_policy_init(&pol[i]);
        pol[i].has_mac = true;
        pol[i].mac[0] = 2;
        pol[i].mac[4] = (uint8_t)(i >> 8);
        pol[i].mac[5] = (uint8_t)i;
        pol[i].mode = (seed >> 28) % 8 ? VG_MODE_LOCKED : VG_MODE_UNLOCKED;
        snprintf(text, sizeof text, "10.0.1.%u,10.0.1.%u", a, b);
        CHECK_EQ(vg_parse_ipv4_list(text, &pol[i].ipv4, &pol[i].n_ipv4, &err),
                 0);
        port_nos[i][0] = (uint32_t)(2 * i + 1);
        port_nos[i][1] = (uint32_t)(2 * i + 2);
        m[i] = (struct vg_delivery){ &pol[i], 7, port_nos[i], 1 + i % 2 };
        if (pol[i].mode == VG_MODE_UNLOCKED) {
            continue;
        }
        unsigned addrs[2] = { a, b };
        for (size_t k = 0; k < (a == b ? 1 : 2); k++) {
            unsigned x = addrs[k];
            if (!owners[x][0]) {
                owners[x][0] = 1;
                first_owner[x] = (unsigned)i;
            } else if (first_owner[x] != i) {
                owners[x][1] = 1;
            }
        }
    }

    struct vg_vlan_view view;
    vg_vlan_view_init(&view, m, N);
    size_t k = 0;
    for (unsigned x = 0; x < POOL; x++) {
        if (!owners[x][1]) {
            continue;
        }
        CHECK(k < view.n_shared);
        if (k < view.n_shared) {
            const struct vg_target *t = &view.shared[k];
            CHECK(!t->v6 && t->len == 32 && t->addr[0] == 10 &&
                  t->addr[2] == 1 && t->addr[3] == x);
            size_t o = view.owner_start[k];
            for (size_t i = 0; i < N; i++) {
                if (pol[i].mode == VG_MODE_UNLOCKED ||
                    (addr[i][0] != x && addr[i][1] != x)) {
                    continue;
                }
                for (size_t j = 0; j < m[i].n_ports; j++) {
                    CHECK(o < view.owner_start[k + 1]);
                    CHECK_EQ(view.owner_ports[o], port_nos[i][j]);
                    o++;
                }
            }
            CHECK_EQ(o, view.owner_start[k + 1]);
        }
        k++;
    }
    CHECK_EQ(view.n_shared, k);
    vg_vlan_view_destroy(&view);
    for (size_t i = 0; i < N; i++) {
        vg_policy_destroy(&pol[i]);
    }
}

/* What vg_deliver_egress_ports() reads from flow 'fm' after a round trip
 * through its encoding (as the switch would give it back): returns the
 * count, with the MAC in 'mac' and the ports in 'ports'. */
static size_t
egress_ports(const struct ofp_flow_mod *fm, uint8_t mac[6], uint32_t ports[2])
{
    struct ofp_flow_mod dec;
    struct ofp_buf b;
    ofp_buf_init(&b);
    CHECK_EQ(ofp_flow_mod_encode(fm, 1, &b), 0);
    CHECK_EQ(ofp_flow_mod_decode(b.data, b.size, &dec), 0);
    size_t n = vg_deliver_egress_ports(dec.table_id, &dec.match, &dec.insts,
                                       mac, ports);
    ofp_flow_mod_uninit(&dec);
    ofp_buf_uninit(&b);
    return n;
}

/* vg_deliver_egress_ports(): the engine's way of telling, after a restart,
 * which ports had a MAC.  Every egress flow of a MAC group names the MAC and
 * all of its ports, no other flow of a group names any, and a flow not
 * shaped like an egress flow (a mask, a group address, any other action or
 * instruction, more than two ports) names none: such a flow is not ours. */
static void
test_egress_ports(const struct vg_policy *p, const struct vg_policy *u)
{
    struct vg_flow_group g;
    uint8_t mac[6];
    uint32_t ports[2], hvm[] = { 5, 6 }, one[] = { 9 };
    struct vg_delivery d = { p, 7, hvm, 2 }, du = { u, 7, one, 1 };

    /* A locked HVM guest in its VLAN: 5 egress flows to both ports. */
    struct vg_vlan_view view;
    vg_vlan_view_init(&view, &d, 1);
    vg_flow_group_init(&g, vg_cookie(VG_COOKIE_MAC, 5));
    vg_deliver_guest(&d, &view, &g);
    size_t n_egress = 0;
    for (size_t i = 0; i < g.n; i++) {
        size_t n = egress_ports(&g.flows[i], mac, ports);
        CHECK_EQ(n, g.flows[i].table_id == VG_TABLE_EGRESS ? 2 : 0);
        if (n == 2) {
            n_egress++;
            CHECK(!memcmp(mac, p->mac, 6));
            CHECK(ports[0] == 5 && ports[1] == 6);
        }
    }
    CHECK_EQ(n_egress, 5);

    /* Not its shape: none. */
    struct ofp_flow_mod *fm = &g.flows[3];
    CHECK_EQ(fm->table_id, VG_TABLE_EGRESS);
    static const uint8_t group_mac[6] = { 3, 0, 0, 0, 0, 5 };
    static const uint8_t prefix[6] = { 2, 0, 0, 0, 0, 0 };
    static const uint8_t mask[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0 };
    ofp_match_set(&fm->match, OFPF_ETH_DST, group_mac, NULL);
    CHECK_EQ(egress_ports(fm, mac, ports), 0);
    ofp_match_set(&fm->match, OFPF_ETH_DST, prefix, mask);
    CHECK_EQ(egress_ports(fm, mac, ports), 0);
    ofp_match_clear(&fm->match, OFPF_ETH_DST);
    CHECK_EQ(egress_ports(fm, mac, ports), 0);
    ofp_match_set(&fm->match, OFPF_ETH_DST, p->mac, NULL);
    CHECK_EQ(egress_ports(fm, mac, ports), 2);
    fm->table_id = VG_TABLE_FORWARD;
    CHECK_EQ(egress_ports(fm, mac, ports), 0);
    fm->table_id = VG_TABLE_EGRESS;
    ofp_instructions_goto(&fm->insts, VG_TABLE_UNLOCKED);
    CHECK_EQ(egress_ports(fm, mac, ports), 0);
    ofp_instructions_uninit(&fm->insts);
    ofp_instructions_init(&fm->insts);
    CHECK_EQ(egress_ports(fm, mac, ports), 0);
    struct ofp_actions *acts = ofp_instructions_apply(&fm->insts);
    ofp_actions_add_output(acts, OFPP_NORMAL, 0);
    CHECK_EQ(egress_ports(fm, mac, ports), 0);
    ofp_instructions_uninit(&fm->insts);
    ofp_instructions_init(&fm->insts);
    acts = ofp_instructions_apply(&fm->insts);
    ofp_actions_add_pop_vlan(acts);
    ofp_actions_add_output(acts, 5, 0);
    CHECK_EQ(egress_ports(fm, mac, ports), 0);
    ofp_instructions_uninit(&fm->insts);
    ofp_instructions_init(&fm->insts);
    acts = ofp_instructions_apply(&fm->insts);
    for (uint32_t port = 5; port <= 7; port++) {
        ofp_actions_add_output(acts, port, 0);
    }
    CHECK_EQ(egress_ports(fm, mac, ports), 0);
    vg_flow_group_destroy(&g);
    vg_vlan_view_destroy(&view);

    /* An unlocked guest: one egress flow, to its port. */
    vg_flow_group_init(&g, vg_cookie(VG_COOKIE_MAC, 9));
    vg_deliver_guest(&du, NULL, &g);
    n_egress = 0;
    for (size_t i = 0; i < g.n; i++) {
        size_t n = egress_ports(&g.flows[i], mac, ports);
        n_egress += n;
        if (n) {
            CHECK(!memcmp(mac, u->mac, 6) && ports[0] == 9);
        }
    }
    CHECK_EQ(n_egress, 1);
    vg_flow_group_destroy(&g);

    /* A disabled guest's MAC group and a VLAN group deliver no MAC. */
    vg_flow_group_init(&g, vg_cookie(VG_COOKIE_MAC, 5));
    vg_deliver_disabled(p->mac, &g);
    deliver_vlan(7, &d, 1, &g);
    deliver_vlan(0, &du, 1, &g);
    CHECK(g.n > 10);
    for (size_t i = 0; i < g.n; i++) {
        CHECK_EQ(egress_ports(&g.flows[i], mac, ports), 0);
    }
    vg_flow_group_destroy(&g);
}

int
main(void)
{
    struct vg_policy p;
    struct vg_flow_group g;
    char *err = NULL;
    uint32_t ports[] = { 5, 6 };

    vg_policy_init(&p);
    CHECK_EQ(vg_parse_mac("02:00:00:00:00:05", p.mac, &err), 0);
    p.has_mac = true;
    CHECK_EQ(vg_parse_ipv4_list("10.0.0.5", &p.ipv4, &p.n_ipv4, &err), 0);
    CHECK_EQ(vg_parse_ipv6_list("2001:db8::/64", &p.ipv6, &p.n_ipv6, &err), 0);

    /* A locked HVM guest (two ports) on VLAN 7. */
    static const char *const want_guest[] = {
        "ADD table:40 priority=500,reg1=0x1,"
        "dl_src=02:00:00:00:00:05 " MAC5 "actions=drop",
        "ADD table:40 priority=300,vlan_tci=0x0000/0x1fff,"
        "dl_dst=02:00:00:00:00:05 " MAC5 "actions=goto_table:50",
        "ADD table:40 priority=300,vlan_tci=0x1000/0x1000,"
        "dl_dst=02:00:00:00:00:05 " MAC5 "actions=pop_vlan,goto_table:50",
        "ADD table:50 priority=100,ip,reg0=0x10007,"
        "dl_dst=02:00:00:00:00:05,"
        "nw_dst=10.0.0.5 " MAC5 "actions=output:5,output:6",
        "ADD table:50 priority=100,arp,reg0=0x10007,"
        "dl_dst=02:00:00:00:00:05,"
        "arp_tpa=10.0.0.5 " MAC5 "actions=output:5,output:6",
        "ADD table:50 priority=100,udp,reg0=0x10007,"
        "dl_dst=02:00:00:00:00:05,tp_src=67,"
        "tp_dst=68 " MAC5 "actions=output:5,output:6",
        "ADD table:50 priority=100,ipv6,reg0=0x10007,"
        "dl_dst=02:00:00:00:00:05,"
        "ipv6_dst=fe80::ff:fe00:5 " MAC5 "actions=output:5,output:6",
        "ADD table:50 priority=100,ipv6,reg0=0x10007,"
        "dl_dst=02:00:00:00:00:05,"
        "ipv6_dst=2001:db8::/64 " MAC5 "actions=output:5,output:6",
        /* In its VLAN: its announcements, to NORMAL only (no unlocked
         * guest), and the requests for its targets. */
        "ADD table:40 priority=400,arp,in_port=5,arp_tpa=10.0.0.5,"
        "arp_op=1 " MAC5 "actions=NORMAL,goto_table:45",
        "ADD table:40 priority=400,icmp6,in_port=5,icmp_type=135,"
        "nd_target=fe80::ff:fe00:5 " MAC5 "actions=NORMAL,goto_table:45",
        "ADD table:40 priority=400,arp,in_port=6,arp_tpa=10.0.0.5,"
        "arp_op=1 " MAC5 "actions=NORMAL,goto_table:45",
        "ADD table:40 priority=400,icmp6,in_port=6,icmp_type=135,"
        "nd_target=fe80::ff:fe00:5 " MAC5 "actions=NORMAL,goto_table:45",
        "ADD table:40 priority=232,arp,reg0=0x10007,"
        "vlan_tci=0x0000/0x1fff,"
        "dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,arp_tpa=10.0.0.5,"
        "arp_op=1 " MAC5 "actions=output:5,output:6",
        "ADD table:40 priority=232,arp,reg0=0x10007,"
        "vlan_tci=0x1000/0x1000,"
        "dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,arp_tpa=10.0.0.5,"
        "arp_op=1 " MAC5 "actions=pop_vlan,output:5,output:6",
        "ADD table:40 priority=328,icmp6,reg0=0x10007,"
        "vlan_tci=0x0000/0x1fff,"
        "dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,icmp_type=135,"
        "nd_target=fe80::ff:fe00:5 " MAC5 "actions=output:5,output:6",
        "ADD table:40 priority=328,icmp6,reg0=0x10007,"
        "vlan_tci=0x1000/0x1000,"
        "dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,icmp_type=135,"
        "nd_target=fe80::ff:fe00:5 " MAC5 "actions=pop_vlan,output:5,"
        "output:6",
        "ADD table:40 priority=264,icmp6,reg0=0x10007,"
        "vlan_tci=0x0000/0x1fff,"
        "dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,icmp_type=135,"
        "nd_target=2001:db8::/64 " MAC5 "actions=NORMAL,output:5,output:6,"
        "goto_table:45",
        "ADD table:40 priority=264,icmp6,reg0=0x10007,"
        "vlan_tci=0x1000/0x1000,"
        "dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,icmp_type=135,"
        "nd_target=2001:db8::/64 " MAC5 "actions=NORMAL,pop_vlan,output:5,"
        "output:6,goto_table:45",
        NULL,
    };
    static const char *const want_vlan[] = {
        "ADD table:1 priority=100,"
        "dl_vlan=7 " MAC5 "actions=set_field:0x10007->reg0,goto_table:40",
        "ADD table:40 priority=150,arp,reg0=0x10007,reg1=0x1,"
        "vlan_tci=0x0000/0x1fff,dl_dst=ff:ff:ff:ff:ff:ff,"
        "arp_op=1 " MAC5 "actions=NORMAL,output:5,output:6",
        "ADD table:40 priority=150,arp,reg0=0x10007,reg1=0x1,"
        "vlan_tci=0x0000/0x1fff,dl_dst=ff:ff:ff:ff:ff:ff,"
        "arp_op=2 " MAC5 "actions=NORMAL,output:5,output:6",
        "ADD table:40 priority=150,udp,reg0=0x10007,reg1=0x1,"
        "vlan_tci=0x0000/0x1fff,dl_dst=ff:ff:ff:ff:ff:ff,tp_src=67,"
        "tp_dst=68 " MAC5 "actions=NORMAL,output:5,output:6",
        "ADD table:40 priority=150,ipv6,reg0=0x10007,reg1=0x1,"
        "vlan_tci=0x0000/0x1fff,"
        "dl_dst=33:33:00:00:00:01 " MAC5 "actions=NORMAL,output:5,output:6",
        "ADD table:40 priority=150,arp,reg0=0x10007,reg1=0x1,"
        "vlan_tci=0x1000/0x1000,dl_dst=ff:ff:ff:ff:ff:ff,"
        "arp_op=1 " MAC5 "actions=NORMAL,pop_vlan,output:5,output:6",
        "ADD table:40 priority=150,arp,reg0=0x10007,reg1=0x1,"
        "vlan_tci=0x1000/0x1000,dl_dst=ff:ff:ff:ff:ff:ff,"
        "arp_op=2 " MAC5 "actions=NORMAL,pop_vlan,output:5,output:6",
        "ADD table:40 priority=150,udp,reg0=0x10007,reg1=0x1,"
        "vlan_tci=0x1000/0x1000,dl_dst=ff:ff:ff:ff:ff:ff,tp_src=67,"
        "tp_dst=68 " MAC5 "actions=NORMAL,pop_vlan,output:5,output:6",
        "ADD table:40 priority=150,ipv6,reg0=0x10007,reg1=0x1,"
        "vlan_tci=0x1000/0x1000,"
        "dl_dst=33:33:00:00:00:01 " MAC5 "actions=NORMAL,pop_vlan,"
        "output:5,output:6",
        NULL,
    };

    struct vg_delivery d = { &p, 7, ports, 2 };
    struct vg_vlan_view view;
    vg_vlan_view_init(&view, &d, 1);
    CHECK_EQ(view.n_shared, 0);
    vg_flow_group_init(&g, vg_cookie(VG_COOKIE_MAC, 5));
    vg_deliver_guest(&d, &view, &g);
    check_group(&g, want_guest, NULL);
    vg_flow_group_destroy(&g);
    vg_vlan_view_destroy(&view);

    /* Not in its VLAN yet: its own MAC and egress only. */
    vg_flow_group_init(&g, vg_cookie(VG_COOKIE_MAC, 5));
    vg_deliver_guest(&d, NULL, &g);
    CHECK_EQ(g.n, 8);
    vg_flow_group_destroy(&g);

    vg_flow_group_init(&g, vg_cookie(VG_COOKIE_VLAN, VG_VLAN_CTX(7)));
    deliver_vlan(7, &d, 1, &g);
    check_group(&g, want_vlan, VLAN7);
    vg_flow_group_destroy(&g);

    /* The untagged network: trunk frames without a tag. */
    vg_flow_group_init(&g, vg_cookie(VG_COOKIE_VLAN, VG_VLAN_CTX(0)));
    struct vg_delivery d0 = { &p, 0, ports, 1 };
    deliver_vlan(0, &d0, 1, &g);
    struct ofp_buf b;
    ofp_buf_init(&b);
    ofp_flow_mod_format(&g.flows[0], &b);
    CHECK_STREQ(ofp_buf_cstr(&b),
                "ADD table:1 priority=100,vlan_tci=0x0000/0x1fff "
                "cookie:0x7667030000010000 "
                "actions=set_field:0x10000->reg0,goto_table:40");
    /* The fan-out of an untagged network: NORMAL, then the guest. */
    bool fanout = false;
    for (size_t i = 0; i < g.n; i++) {
        ofp_buf_clear(&b);
        ofp_flow_mod_format(&g.flows[i], &b);
        fanout |= strstr(ofp_buf_cstr(&b), "actions=NORMAL,output:5") != NULL;
    }
    CHECK(fanout);
    ofp_buf_uninit(&b);
    vg_flow_group_destroy(&g);

    /* An unlocked guest (port 9, MAC ...:09, VLAN 7): its MAC on its VLAN,
     * no address checks, no announcements of its own. */
    struct vg_policy u;
    uint32_t uports[] = { 9 };
    vg_policy_init(&u);
    u.mode = VG_MODE_UNLOCKED;
    CHECK_EQ(vg_parse_mac("02:00:00:00:00:09", u.mac, &err), 0);
    u.has_mac = true;
    CHECK_EQ(vg_parse_ipv4_list("10.0.0.9", &u.ipv4, &u.n_ipv4, &err), 0);
    struct vg_delivery du = { &u, 7, uports, 1 };
    vg_flow_group_init(&g, vg_cookie(VG_COOKIE_MAC, 5));
    vg_deliver_guest(&du, NULL, &g);
    static const char *const want_unlocked[] = {
        "ADD table:40 priority=500,reg1=0x1,"
        "dl_src=02:00:00:00:00:09 " MAC5 "actions=drop",
        "ADD table:40 priority=300,vlan_tci=0x0000/0x1fff,"
        "dl_dst=02:00:00:00:00:09 " MAC5 "actions=goto_table:50",
        "ADD table:40 priority=300,vlan_tci=0x1000/0x1000,"
        "dl_dst=02:00:00:00:00:09 " MAC5 "actions=pop_vlan,goto_table:50",
        "ADD table:50 priority=100,reg0=0x10007,"
        "dl_dst=02:00:00:00:00:09 " MAC5 "actions=output:9",
        NULL,
    };
    check_group(&g, want_unlocked, NULL);
    vg_flow_group_destroy(&g);

    /* VLAN 7 with the locked guest on port 5 and the unlocked one: the
     * locked guest's announcements and prefix targets (its MAC group) go
     * on to table 45, where the VLAN group outputs them to port 9; its
     * exact targets do not; the fan-outs also go to port 9, and every
     * other multicast and broadcast to NORMAL and port 9.  The MAC group
     * is the same as without the unlocked guest. */
    struct vg_delivery both[] = { { &p, 7, ports, 1 }, du };
    vg_vlan_view_init(&view, both, 2);
    CHECK_EQ(view.n_shared, 0);
    vg_flow_group_init(&g, vg_cookie(VG_COOKIE_MAC, 5));
    vg_deliver_guest(&both[0], &view, &g);
    static const char *const want_mixed_guest[] = {
        "ADD table:40 priority=400,arp,in_port=5,arp_tpa=10.0.0.5,"
        "arp_op=1 " MAC5 "actions=NORMAL,goto_table:45",
        "ADD table:40 priority=400,icmp6,in_port=5,icmp_type=135,"
        "nd_target=fe80::ff:fe00:5 " MAC5 "actions=NORMAL,goto_table:45",
        "ADD table:40 priority=232,arp,reg0=0x10007,"
        "vlan_tci=0x0000/0x1fff,"
        "dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,arp_tpa=10.0.0.5,"
        "arp_op=1 " MAC5 "actions=output:5",
        "ADD table:40 priority=232,arp,reg0=0x10007,"
        "vlan_tci=0x1000/0x1000,"
        "dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,arp_tpa=10.0.0.5,"
        "arp_op=1 " MAC5 "actions=pop_vlan,output:5",
        "ADD table:40 priority=328,icmp6,reg0=0x10007,"
        "vlan_tci=0x0000/0x1fff,"
        "dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,icmp_type=135,"
        "nd_target=fe80::ff:fe00:5 " MAC5 "actions=output:5",
        "ADD table:40 priority=328,icmp6,reg0=0x10007,"
        "vlan_tci=0x1000/0x1000,"
        "dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,icmp_type=135,"
        "nd_target=fe80::ff:fe00:5 " MAC5 "actions=pop_vlan,output:5",
        "ADD table:40 priority=264,icmp6,reg0=0x10007,"
        "vlan_tci=0x0000/0x1fff,"
        "dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,icmp_type=135,"
        "nd_target=2001:db8::/64 " MAC5 "actions=NORMAL,output:5,"
        "goto_table:45",
        "ADD table:40 priority=264,icmp6,reg0=0x10007,"
        "vlan_tci=0x1000/0x1000,"
        "dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,icmp_type=135,"
        "nd_target=2001:db8::/64 " MAC5 "actions=NORMAL,pop_vlan,output:5,"
        "goto_table:45",
        NULL,
    };
    /* After its 8 flows of the MAC and egress. */
    check_group_from(&g, 8, want_mixed_guest, NULL);
    struct vg_vlan_view alone;
    struct vg_flow_group g1;
    vg_vlan_view_init(&alone, both, 1);
    vg_flow_group_init(&g1, vg_cookie(VG_COOKIE_MAC, 5));
    vg_deliver_guest(&both[0], &alone, &g1);
    CHECK_EQ(vg_flow_group_fingerprint(&g1), vg_flow_group_fingerprint(&g));
    vg_flow_group_destroy(&g1);
    vg_vlan_view_destroy(&alone);
    vg_flow_group_destroy(&g);
    vg_flow_group_init(&g, vg_cookie(VG_COOKIE_VLAN, VG_VLAN_CTX(7)));
    deliver_vlan(7, both, 2, &g);

    static const char *const want_mixed[] = {
        "ADD table:1 priority=100,"
        "dl_vlan=7 " MAC5 "actions=set_field:0x10007->reg0,goto_table:40",
        "ADD table:40 priority=150,arp,reg0=0x10007,reg1=0x1,"
        "vlan_tci=0x0000/0x1fff,dl_dst=ff:ff:ff:ff:ff:ff,"
        "arp_op=1 " MAC5 "actions=NORMAL,output:5,output:9",
        "ADD table:40 priority=150,arp,reg0=0x10007,reg1=0x1,"
        "vlan_tci=0x0000/0x1fff,dl_dst=ff:ff:ff:ff:ff:ff,"
        "arp_op=2 " MAC5 "actions=NORMAL,output:5,output:9",
        "ADD table:40 priority=150,udp,reg0=0x10007,reg1=0x1,"
        "vlan_tci=0x0000/0x1fff,dl_dst=ff:ff:ff:ff:ff:ff,tp_src=67,"
        "tp_dst=68 " MAC5 "actions=NORMAL,output:5,output:9",
        "ADD table:40 priority=150,ipv6,reg0=0x10007,reg1=0x1,"
        "vlan_tci=0x0000/0x1fff,"
        "dl_dst=33:33:00:00:00:01 " MAC5 "actions=NORMAL,output:5,output:9",
        "ADD table:40 priority=100,reg0=0x10007,vlan_tci=0x0000/0x1fff,"
        "dl_dst=01:00:00:00:00:00/01:00:00:00:00:00 " MAC5
        "actions=NORMAL,output:9",
        "ADD table:40 priority=150,arp,reg0=0x10007,reg1=0x1,"
        "vlan_tci=0x1000/0x1000,dl_dst=ff:ff:ff:ff:ff:ff,"
        "arp_op=1 " MAC5 "actions=NORMAL,pop_vlan,output:5,output:9",
        "ADD table:40 priority=150,arp,reg0=0x10007,reg1=0x1,"
        "vlan_tci=0x1000/0x1000,dl_dst=ff:ff:ff:ff:ff:ff,"
        "arp_op=2 " MAC5 "actions=NORMAL,pop_vlan,output:5,output:9",
        "ADD table:40 priority=150,udp,reg0=0x10007,reg1=0x1,"
        "vlan_tci=0x1000/0x1000,dl_dst=ff:ff:ff:ff:ff:ff,tp_src=67,"
        "tp_dst=68 " MAC5 "actions=NORMAL,pop_vlan,output:5,output:9",
        "ADD table:40 priority=150,ipv6,reg0=0x10007,reg1=0x1,"
        "vlan_tci=0x1000/0x1000,"
        "dl_dst=33:33:00:00:00:01 " MAC5 "actions=NORMAL,pop_vlan,"
        "output:5,output:9",
        "ADD table:40 priority=100,reg0=0x10007,vlan_tci=0x1000/0x1000,"
        "dl_dst=01:00:00:00:00:00/01:00:00:00:00:00 " MAC5
        "actions=NORMAL,pop_vlan,output:9",
        "ADD table:45 priority=100,reg0=0x10007 " MAC5 "actions=output:9",
        NULL,
    };
    check_group(&g, want_mixed, VLAN7);
    vg_flow_group_destroy(&g);
    vg_vlan_view_destroy(&view);

    /* A VLAN with unlocked guests only (one without a MAC): the trunk
     * mapping and the catch-all, nothing for locked guests. */
    struct vg_policy nomac;
    vg_policy_init(&nomac);
    nomac.mode = VG_MODE_UNLOCKED;
    uint32_t nports[] = { 12 };
    struct vg_delivery onlyu[] = { du, { &nomac, 7, nports, 1 } };
    vg_flow_group_init(&g, vg_cookie(VG_COOKIE_VLAN, VG_VLAN_CTX(7)));
    deliver_vlan(7, onlyu, 2, &g);
    static const char *const want_onlyu[] = {
        "ADD table:1 priority=100,"
        "dl_vlan=7 " MAC5 "actions=set_field:0x10007->reg0,goto_table:40",
        "ADD table:40 priority=100,reg0=0x10007,vlan_tci=0x0000/0x1fff,"
        "dl_dst=01:00:00:00:00:00/01:00:00:00:00:00 " MAC5
        "actions=NORMAL,output:9,output:12",
        "ADD table:40 priority=100,reg0=0x10007,vlan_tci=0x1000/0x1000,"
        "dl_dst=01:00:00:00:00:00/01:00:00:00:00:00 " MAC5
        "actions=NORMAL,pop_vlan,output:9,output:12",
        "ADD table:45 priority=100,reg0=0x10007 " MAC5
        "actions=output:9,output:12",
        NULL,
    };
    check_group(&g, want_onlyu, VLAN7);
    vg_flow_group_destroy(&g);
    vg_policy_destroy(&nomac);
    test_egress_ports(&p, &u);
    vg_policy_destroy(&u);

    /* Two locked guests of VLAN 7 that share a target: port 5 (10.0.0.5,
     * 2001:db8::/64) and port 8 (10.0.0.5 too, in conflict, and
     * 2001:db8::/64 as SLAAC guests of one network).  The VLAN group
     * delivers those to both; each MAC group keeps its own announcements
     * and its link-local address alone. */
    struct vg_policy q;
    uint32_t qports[] = { 8 };
    vg_policy_init(&q);
    CHECK_EQ(vg_parse_mac("02:00:00:00:00:08", q.mac, &err), 0);
    q.has_mac = true;
    CHECK_EQ(vg_parse_ipv4_list("10.0.0.5", &q.ipv4, &q.n_ipv4, &err), 0);
    CHECK_EQ(vg_parse_ipv6_list("2001:db8::/64", &q.ipv6, &q.n_ipv6, &err), 0);
    struct vg_delivery pair[] = { { &p, 7, ports, 1 }, { &q, 7, qports, 1 } };
    vg_vlan_view_init(&view, pair, 2);
    CHECK_EQ(view.n_shared, 2);
    for (size_t i = 0; i < 2; i++) {
        vg_flow_group_init(&g, vg_cookie(VG_COOKIE_MAC, pair[i].ports[0]));
        vg_deliver_guest(&pair[i], &view, &g);
        /* No announcement flow for the prefix: its own requests in it
         * take the target flows. */
        CHECK_EQ(count_flows(&g, "priority=400"), 2);
        CHECK_EQ(count_flows(&g, "priority=232"), 0);
        CHECK_EQ(count_flows(&g, "priority=264"), 0);
        CHECK_EQ(count_flows(&g, "priority=328"), 2);
        vg_flow_group_destroy(&g);
    }
    vg_flow_group_init(&g, vg_cookie(VG_COOKIE_VLAN, VG_VLAN_CTX(7)));
    deliver_vlan(7, pair, 2, &g);
    CHECK_EQ(count_flows(
                 &g,
                 "priority=232,arp,reg0=0x10007,"
                 "vlan_tci=0x0000/0x1fff,"
                 "dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,arp_tpa=10.0.0.5,"
                 "arp_op=1 cookie:0x7667030000010007 "
                 "actions=output:5,output:8"),
             1);
    CHECK_EQ(count_flows(&g, "nd_target=2001:db8::/64 "
                             "cookie:0x7667030000010007 "
                             "actions=NORMAL,pop_vlan,output:5,output:8"),
             1);
    CHECK_EQ(count_flows(&g, "priority=328"), 0);
    CHECK_EQ(count_flows(&g, "priority=400"), 0);
    /* Trunk, 4 shared target flows, 8 fan-outs. */
    CHECK_EQ(g.n, 13);
    vg_flow_group_destroy(&g);
    vg_vlan_view_destroy(&view);

    /* A guest with two ports (a bond) between them owns its address on
     * both: not shared, and the pair's targets still are. */
    struct vg_policy r;
    uint32_t rports[] = { 20, 21 };
    vg_policy_init(&r);
    CHECK_EQ(vg_parse_mac("02:00:00:00:00:20", r.mac, &err), 0);
    r.has_mac = true;
    CHECK_EQ(vg_parse_ipv4_list("10.0.0.9", &r.ipv4, &r.n_ipv4, &err), 0);
    struct vg_delivery three[] = { { &p, 7, ports, 1 },
                                   { &r, 7, rports, 2 },
                                   { &q, 7, qports, 1 } };
    vg_vlan_view_init(&view, three, 3);
    CHECK_EQ(view.n_shared, 2);
    vg_flow_group_init(&g, vg_cookie(VG_COOKIE_VLAN, VG_VLAN_CTX(7)));
    deliver_vlan(7, three, 3, &g);
    CHECK_EQ(count_flows(&g, "arp_tpa=10.0.0.5,arp_op=1 "
                             "cookie:0x7667030000010007 "
                             "actions=output:5,output:8"),
             1);
    CHECK_EQ(count_flows(&g, "10.0.0.9"), 0);
    CHECK_EQ(g.n, 13);
    vg_flow_group_destroy(&g);
    vg_vlan_view_destroy(&view);
    vg_policy_destroy(&r);
    vg_policy_destroy(&q);

    /* A disabled guest's MAC receives nothing. */
    vg_flow_group_init(&g, vg_cookie(VG_COOKIE_MAC, 5));
    vg_deliver_disabled(p.mac, &g);
    static const char *const want_disabled[] = {
        "ADD table:40 priority=300,dl_dst=02:00:00:00:00:05 " MAC5
        "actions=drop",
        NULL,
    };
    check_group(&g, want_disabled, NULL);
    vg_flow_group_destroy(&g);

    vg_policy_destroy(&p);
    test_shared_at_scale();
    return check_summary();
}
