/* Unit tests for the text forms of flows and messages (ofp/print.c,
 * ofp/parse.c).
 *
 * The expected strings in flow_cases[] and stats_cases[] are what Open
 * vSwitch 3.1 prints for the same input: `ovs-ofctl -O OpenFlow13
 * parse-flow FLOW` (after "OFPT_FLOW_MOD (OF1.3) (xid=0x1): ") and, for a
 * flow stats reply holding the parsed flow with the statistics set by
 * make_stats__(), `ovs-ofctl ofp-print`.  They were collected while the
 * parser and formatter were written; the live comparison with OVS is done by
 * the golden tests, not here.  The tests check:
 *   - parse -> format gives OVS's text;
 *   - parse -> encode -> decode -> format gives it too, and ofp_raw_format()
 *     of the bytes gives OVS's ofp-print line;
 *   - dump-flows lines, and that they parse back to the same flow;
 *   - modify and delete flow_mods;
 *   - every bad input gives an error that quotes the bad token;
 *   - message summaries (ofp_msg_format(), ofp_raw_format()). */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "ofp/buf.h"
#include "ofp/errors.h"
#include "ofp/msgs.h"
#include "ofp/print.h"
#include "tests/unit/check.h"

#define ARRAY_SIZE(A) (sizeof(A) / sizeof *(A))

struct flow_case__ {
    const char *in;  /* ovs-ofctl add-flow text. */
    const char *out; /* What OVS prints for it. */
};

/* Every field, mask form, shorthand, action and instruction libofp knows,
 * with OVS's normalized text. */
static const struct flow_case__ flow_cases[] = {
    { "priority=100,arp,in_port=1,dl_src=02:00:00:00:00:01,"
      "arp_spa=10.0.0.1,actions=output:2",
      "ADD priority=100,arp,in_port=1,dl_src=02:00:00:00:00:01,"
      "arp_spa=10.0.0.1 actions=output:2" },
    { "cookie=0x5,table=1,idle_timeout=10,hard_timeout=20,send_flow_rem,"
      "check_overlap,reset_counts,no_packet_counts,no_byte_counts,"
      "priority=100,ip,in_port=3,actions=drop",
      "ADD table:1 priority=100,ip,in_port=3 cookie:0x5 idle:10 hard:20 "
      "send_flow_rem check_overlap reset_counts no_packet_counts "
      "no_byte_counts actions=drop" },
    { "in_port=LOCAL,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,"
      "actions=NORMAL",
      "ADD in_port=LOCAL,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00 "
      "actions=NORMAL" },
    { "ip,nw_src=10.0.0.0/24,nw_dst=10.0.0.0/255.0.255.0,actions=FLOOD,"
      "ALL,IN_PORT,CONTROLLER:65535",
      "ADD ip,nw_src=10.0.0.0/24,nw_dst=10.0.0.0/255.0.255.0 "
      "actions=FLOOD,ALL,IN_PORT,CONTROLLER:65535" },
    { "reg0=0x5/0xff,metadata=0x1/0xff,actions=group:5,push_vlan:0x8100,"
      "pop_vlan,set_field:0x5->reg0",
      "ADD reg0=0x5/0xff,metadata=0x1/0xff actions=group:5,"
      "push_vlan:0x8100,pop_vlan,set_field:0x5->reg0" },
    { "dl_vlan=5,actions=meter:1,clear_actions,write_actions(output:1),"
      "write_metadata:0x1/0xff,goto_table:1",
      "ADD dl_vlan=5 actions=meter:1,clear_actions,"
      "write_actions(output:1),write_metadata:0x1/0xff,goto_table:1" },
    { "vlan_vid=0x1005,actions=drop", "ADD dl_vlan=5 actions=drop" },
    { "vlan_vid=0x1000/0x1000,actions=drop",
      "ADD vlan_tci=0x1000/0x1000 actions=drop" },
    { "vlan_vid=0,actions=drop", "ADD vlan_tci=0x0000/0x1fff actions=drop" },
    { "vlan_vid=0x1005,vlan_pcp=3,actions=drop",
      "ADD dl_vlan=5,dl_vlan_pcp=3 actions=drop" },
    { "vlan_vid=0x1000/0x1000,vlan_pcp=3,actions=drop",
      "ADD dl_vlan_pcp=3 actions=drop" },
    { "vlan_vid=0x1005/0x1ff0,actions=drop",
      "ADD vlan_tci=0x1000/0x1ff0 actions=drop" },
    { "vlan_vid=0x5/0xfff,actions=drop",
      "ADD vlan_tci=0x0005/0x0fff actions=drop" },
    { "dl_vlan=5,dl_vlan_pcp=3,actions=drop",
      "ADD dl_vlan=5,dl_vlan_pcp=3 actions=drop" },
    { "vlan_tci=0x1005,actions=drop",
      "ADD dl_vlan=5,dl_vlan_pcp=0 actions=drop" },
    { "vlan_tci=0x1005/0x1fff,actions=drop", "ADD dl_vlan=5 actions=drop" },
    { "vlan_tci=0,actions=drop", "ADD vlan_tci=0x0000/0x1fff actions=drop" },
    { "vlan_tci=0x0000/0x1fff,actions=drop",
      "ADD vlan_tci=0x0000/0x1fff actions=drop" },
    { "vlan_pcp=3,actions=drop", "ADD dl_vlan_pcp=3 actions=drop" },
    { "dl_vlan_pcp=3,actions=drop", "ADD dl_vlan_pcp=3 actions=drop" },
    { "tcp,tp_src=80,tp_dst=443,actions=drop",
      "ADD tcp,tp_src=80,tp_dst=443 actions=drop" },
    { "tcp6,tcp_src=80,tcp_dst=443,actions=drop",
      "ADD tcp6,tp_src=80,tp_dst=443 actions=drop" },
    { "udp,udp_src=67,udp_dst=68,actions=drop",
      "ADD udp,tp_src=67,tp_dst=68 actions=drop" },
    { "udp6,tp_src=546,tp_dst=547,actions=drop",
      "ADD udp6,tp_src=546,tp_dst=547 actions=drop" },
    { "icmp,icmp_type=8,icmp_code=0,actions=drop",
      "ADD icmp,icmp_type=8,icmp_code=0 actions=drop" },
    { "udp,tp_src=0,nw_frag=not_later,actions=drop",
      "ADD udp,nw_frag=not_later,tp_src=0 actions=drop" },
    { "icmp6,icmp_type=135,ip_frag=yes,actions=drop",
      "ADD icmp6,nw_frag=yes,icmp_type=135 actions=drop" },
    { "ip,nw_frag=First,actions=drop", "ADD ip,nw_frag=first actions=drop" },
    { "ipv6,nw_frag=later,actions=drop",
      "ADD ipv6,nw_frag=later actions=drop" },
    { "ip,nw_frag=no,actions=drop", "ADD ip,nw_frag=no actions=drop" },
    { "icmp6,icmp_type=135,nd_target=fe80::1,nd_sll=02:00:00:00:00:01,"
      "actions=drop",
      "ADD icmp6,icmp_type=135,nd_target=fe80::1,nd_sll=02:00:00:00:00:01 "
      "actions=drop" },
    { "icmp6,icmpv6_type=136,icmpv6_code=0,nd_target=fe80::1,"
      "nd_tll=02:00:00:00:00:01,actions=drop",
      "ADD icmp6,icmp_type=136,icmp_code=0,nd_target=fe80::1,"
      "nd_tll=02:00:00:00:00:01 actions=drop" },
    { "ipv6,ipv6_src=fe80::/64,ipv6_dst=2001:db8::1,actions=drop",
      "ADD ipv6,ipv6_src=fe80::/64,ipv6_dst=2001:db8::1 actions=drop" },
    { "ipv6,ipv6_src=fe80::/ffff::ffff,actions=drop",
      "ADD ipv6,ipv6_src=fe80::/ffff::ffff actions=drop" },
    { "arp,arp_op=1,arp_spa=10.0.0.0/8,arp_tpa=10.0.0.1,"
      "arp_sha=02:00:00:00:00:01,"
      "arp_tha=ff:ff:ff:ff:ff:ff/ff:ff:00:00:00:00,actions=drop",
      "ADD arp,arp_spa=10.0.0.0/8,arp_tpa=10.0.0.1,arp_op=1,"
      "arp_sha=02:00:00:00:00:01,"
      "arp_tha=ff:ff:00:00:00:00/ff:ff:00:00:00:00 actions=drop" },
    { "ip,nw_proto=47,actions=drop", "ADD ip,nw_proto=47 actions=drop" },
    { "ipv6,nw_proto=47,actions=drop", "ADD ipv6,nw_proto=47 actions=drop" },
    { "dl_type=0x88cc,actions=drop", "ADD dl_type=0x88cc actions=drop" },
    { "dl_type=0x0800,nw_proto=6,actions=drop", "ADD tcp actions=drop" },
    { "eth_type=0x86dd,ip_proto=58,actions=drop", "ADD icmp6 actions=drop" },
    { "reg0=0,metadata=0,actions=drop", "ADD reg0=0,metadata=0 actions=drop" },
    { "reg15=0/0xff,actions=drop", "ADD reg15=0/0xff actions=drop" },
    { "metadata=0xffffffffffffffff,actions=drop",
      "ADD metadata=0xffffffffffffffff actions=drop" },
    { "reg3=0xffffffff,actions=drop", "ADD reg3=0xffffffff actions=drop" },
    { "priority=0,actions=drop", "ADD priority=0 actions=drop" },
    { "priority=32768,actions=drop", "ADD actions=drop" },
    { "in_port=CONTROLLER,actions=drop",
      "ADD in_port=CONTROLLER actions=drop" },
    { "in_port=4294967294,actions=drop", "ADD in_port=LOCAL actions=drop" },
    { "in_port=65534,actions=drop", "ADD in_port=LOCAL actions=drop" },
    { "in_port=IN_PORT,actions=drop", "ADD in_port=IN_PORT actions=drop" },
    { "in_port=65279,actions=drop", "ADD in_port=65279 actions=drop" },
    { "actions=output:CONTROLLER", "ADD actions=CONTROLLER:65535" },
    { "actions=CONTROLLER", "ADD actions=CONTROLLER:65535" },
    { "actions=CONTROLLER:128", "ADD actions=CONTROLLER:128" },
    { "actions=controller(max_len=128)", "ADD actions=CONTROLLER:128" },
    { "actions=output:LOCAL,LOCAL,output:4294967294,TABLE,in_port,normal",
      "ADD actions=LOCAL,LOCAL,LOCAL,TABLE,IN_PORT,NORMAL" },
    { "actions=set_field:5->reg3", "ADD actions=set_field:0x5->reg3" },
    { "actions=set_field:02:00:00:00:00:01->eth_src,"
      "set_field:02:00:00:00:00:02->dl_dst",
      "ADD actions=set_field:02:00:00:00:00:01->eth_src,"
      "set_field:02:00:00:00:00:02->eth_dst" },
    { "dl_vlan=5,actions=set_field:0x1006->vlan_vid,set_field:3->vlan_pcp",
      "ADD dl_vlan=5 actions=set_field:4102->vlan_vid,"
      "set_field:3->vlan_pcp" },
    { "actions=push_vlan:0x8100,set_field:4102->vlan_vid",
      "ADD actions=push_vlan:0x8100,set_field:4102->vlan_vid" },
    { "ip,actions=set_field:10.0.0.1->ip_src,set_field:10.0.0.2->nw_dst",
      "ADD ip actions=set_field:10.0.0.1->ip_src,"
      "set_field:10.0.0.2->ip_dst" },
    { "tcp,actions=set_field:80->tcp_src,set_field:81->tcp_dst,"
      "set_field:81->tp_dst",
      "ADD tcp actions=set_field:80->tcp_src,set_field:81->tcp_dst,"
      "set_field:81->tcp_dst" },
    { "udp,actions=set_field:80->udp_src,set_field:81->udp_dst",
      "ADD udp actions=set_field:80->udp_src,set_field:81->udp_dst" },
    { "arp,actions=set_field:1->arp_op,set_field:10.0.0.1->arp_spa,"
      "set_field:10.0.0.1->arp_tpa,set_field:02:00:00:00:00:01->arp_sha,"
      "set_field:02:00:00:00:00:01->arp_tha",
      "ADD arp actions=set_field:1->arp_op,set_field:10.0.0.1->arp_spa,"
      "set_field:10.0.0.1->arp_tpa,set_field:02:00:00:00:00:01->arp_sha,"
      "set_field:02:00:00:00:00:01->arp_tha" },
    { "ipv6,actions=set_field:fe80::1->ipv6_src,"
      "set_field:fe80::2->ipv6_dst",
      "ADD ipv6 actions=set_field:fe80::1->ipv6_src,"
      "set_field:fe80::2->ipv6_dst" },
    { "icmp,actions=set_field:3->icmp_type,set_field:1->icmp_code",
      "ADD icmp actions=set_field:3->icmp_type,set_field:1->icmp_code" },
    { "icmp6,actions=set_field:3->icmpv6_type,set_field:1->icmpv6_code",
      "ADD icmp6 actions=set_field:3->icmpv6_type,set_field:1->icmpv6_code" },
    { "icmp6,icmp_type=135,actions=set_field:fe80::1->nd_target,"
      "set_field:02:00:00:00:00:01->nd_sll",
      "ADD icmp6,icmp_type=135 actions=set_field:fe80::1->nd_target,"
      "set_field:02:00:00:00:00:01->nd_sll" },
    { "icmp6,icmp_type=136,actions=set_field:02:00:00:00:00:01->nd_tll",
      "ADD icmp6,icmp_type=136 actions=set_field:02:00:00:00:00:01->nd_tll" },
    { "actions=push_vlan:0x88a8", "ADD actions=push_vlan:0x88a8" },
    { "in_port=1 actions=drop", "ADD in_port=1 actions=drop" },
    { "  in_port=1,  ip  actions=drop", "ADD ip,in_port=1 actions=drop" },
    { "in_port:1,actions=drop", "ADD in_port=1 actions=drop" },
    { "in_port=1,actions=", "ADD in_port=1 actions=drop" },
    { "in_port=1,actions=1,2", "ADD in_port=1 actions=output:1,output:2" },
    { "in_port=1,actions=output:1 ,output:2",
      "ADD in_port=1 actions=output:1,output:2" },
    { "cookie=0xffffffffffffffff,actions=drop", "ADD actions=drop" },
    { "actions=meter:1,output:1", "ADD actions=meter:1,output:1" },
    { "actions=clear_actions", "ADD actions=clear_actions" },
    { "actions=write_actions(output:1)",
      "ADD actions=write_actions(output:1)" },
    { "actions=write_metadata:0x1/0xff",
      "ADD actions=write_metadata:0x1/0xff" },
    { "actions=write_metadata:0x1", "ADD actions=write_metadata:0x1" },
    { "actions=write_metadata:0", "ADD actions=write_metadata:0" },
    { "actions=goto_table:1", "ADD actions=goto_table:1" },
    { "actions=output:1,goto_table:1", "ADD actions=output:1,goto_table:1" },
    { "actions=output:1,clear_actions", "ADD actions=output:1,clear_actions" },
    { "actions=write_actions(output:1,group:2,pop_vlan)",
      "ADD actions=write_actions(output:1,group:2,pop_vlan)" },
    { "actions=write_actions(drop)", "ADD actions=drop" },
    { "arp,nw_proto=2,actions=drop", "ADD arp,arp_op=2 actions=drop" },
    { "ip,nw_src=10.0.0.1/32,nw_dst=0.0.0.0/0,actions=drop",
      "ADD ip,nw_src=10.0.0.1 actions=drop" },
    { "ipv6,ipv6_src=::/0,ipv6_dst=::1/128,actions=drop",
      "ADD ipv6,ipv6_dst=::1 actions=drop" },
    { "dl_dst=ff:ff:ff:ff:ff:ff,dl_src=0:0:0:0:0:1,actions=drop",
      "ADD dl_src=00:00:00:00:00:01,dl_dst=ff:ff:ff:ff:ff:ff actions=drop" },
    { "reg1=0x10/0x10,reg2=0x1/0x3,reg7=7,actions=drop",
      "ADD reg1=0x10/0x10,reg2=0x1/0x3,reg7=0x7 actions=drop" },
    { "metadata=0x0/0x1,actions=drop", "ADD metadata=0/0x1 actions=drop" },
    { "tcp,reg5=1,metadata=2,in_port=3,dl_vlan=4,dl_src=00:00:00:00:00:05,"
      "dl_dst=00:00:00:00:00:06,nw_src=1.2.3.4,nw_dst=5.6.7.8,tp_src=9,"
      "tp_dst=10,actions=drop",
      "ADD tcp,reg5=0x1,metadata=0x2,in_port=3,dl_vlan=4,"
      "dl_src=00:00:00:00:00:05,dl_dst=00:00:00:00:00:06,nw_src=1.2.3.4,"
      "nw_dst=5.6.7.8,tp_src=9,tp_dst=10 actions=drop" },
    { "vlan_tci=0x7000/0xff00,actions=drop",
      "ADD vlan_tci=0x7000/0xff00 actions=drop" },
    { "dl_vlan=0,actions=drop", "ADD dl_vlan=0 actions=drop" },
    { "dl_type=0x0806,nw_proto=1,actions=drop",
      "ADD arp,arp_op=1 actions=drop" },
    { "metadata=0x5/0xf0,actions=drop", "ADD metadata=0/0xf0 actions=drop" },
    { "reg0=5/0,actions=drop", "ADD actions=drop" },
    { "ip,nw_src=10.1.2.3/255.255.0.0,actions=drop",
      "ADD ip,nw_src=10.1.0.0/16 actions=drop" },
    { "ipv6,ipv6_dst=2001:db8::/32,ipv6_src=2001:db8::1:0:0:1,"
      "actions=output:65279",
      "ADD ipv6,ipv6_src=2001:db8::1:0:0:1,ipv6_dst=2001:db8::/32 "
      "actions=output:65279" },
    { "icmp6,icmp_type=135,icmp_code=0,nd_target=2001:db8::1,actions=drop",
      "ADD icmp6,icmp_type=135,icmp_code=0,nd_target=2001:db8::1 "
      "actions=drop" },
    { "udp6,ipv6_src=fe80::1,udp_src=546,udp_dst=547,actions=CONTROLLER:0",
      "ADD udp6,ipv6_src=fe80::1,tp_src=546,tp_dst=547 "
      "actions=CONTROLLER:0" },
    { "priority=65535,cookie=0x123456789abcdef0,table=254,"
      "dl_dst=ff:ff:ff:ff:ff:ff,actions=FLOOD",
      "ADD table:254 priority=65535,dl_dst=ff:ff:ff:ff:ff:ff "
      "cookie:0x123456789abcdef0 actions=FLOOD" },
    { "arp,in_port=2,dl_src=02:00:00:00:00:02,arp_spa=192.168.1.2,"
      "arp_sha=02:00:00:00:00:02,actions=NORMAL",
      "ADD arp,in_port=2,dl_src=02:00:00:00:00:02,arp_spa=192.168.1.2,"
      "arp_sha=02:00:00:00:00:02 actions=NORMAL" },
    { "priority=10,in_port=5,dl_vlan=10,actions=pop_vlan,output:7",
      "ADD priority=10,in_port=5,dl_vlan=10 actions=pop_vlan,output:7" },
    { "priority=10,in_port=7,actions=push_vlan:0x8100,"
      "set_field:4106->vlan_vid,output:5",
      "ADD priority=10,in_port=7 actions=push_vlan:0x8100,"
      "set_field:4106->vlan_vid,output:5" },
    { "table=1,priority=1,actions=meter:7,set_field:0x2a->reg1,"
      "write_actions(group:3),write_metadata:0xff00/0xff00,goto_table:2",
      "ADD table:1 priority=1 actions=meter:7,set_field:0x2a->reg1,"
      "write_actions(group:3),write_metadata:0xff00/0xff00,goto_table:2" },
};

/* The same flows as dump-flows lines (statistics from make_stats__()). */
static const struct flow_case__ stats_cases[] = {
    { "priority=100,arp,in_port=1,dl_src=02:00:00:00:00:01,"
      "arp_spa=10.0.0.1,actions=output:2",
      "cookie=0x0, duration=0s, table=0, n_packets=0, n_bytes=0, "
      "priority=100,arp,in_port=1,dl_src=02:00:00:00:00:01,"
      "arp_spa=10.0.0.1 actions=output:2" },
    { "cookie=0x5,table=1,idle_timeout=10,hard_timeout=20,send_flow_rem,"
      "check_overlap,reset_counts,no_packet_counts,no_byte_counts,"
      "priority=100,ip,in_port=3,actions=drop",
      "cookie=0x5, duration=3.500s, table=1, n_packets=7, n_bytes=700, "
      "idle_timeout=10, hard_timeout=20, send_flow_rem check_overlap "
      "reset_counts no_packet_counts no_byte_counts priority=100,ip,"
      "in_port=3 actions=drop" },
    { "actions=drop",
      "cookie=0x0, duration=6.1234567s, table=0, n_packets=14, "
      "n_bytes=1400, actions=drop" },
    { "priority=32768,actions=drop",
      "cookie=0x0, duration=9s, table=0, n_packets=21, n_bytes=2100, "
      "actions=drop" },
    { "vlan_vid=0x1000/0x1000,vlan_pcp=3,actions=drop",
      "cookie=0x0, duration=12.500s, table=0, n_packets=28, n_bytes=2800, "
      "dl_vlan_pcp=3 actions=drop" },
    { "tcp6,tcp_src=80,tcp_dst=443,actions=drop",
      "cookie=0x0, duration=15.1234567s, table=0, n_packets=35, "
      "n_bytes=3500, tcp6,tp_src=80,tp_dst=443 actions=drop" },
    { "table=1,priority=1,actions=meter:7,set_field:0x2a->reg1,"
      "write_actions(group:3),write_metadata:0xff00/0xff00,goto_table:2",
      "cookie=0x0, duration=18s, table=1, n_packets=42, n_bytes=4200, "
      "priority=1 actions=meter:7,set_field:0x2a->reg1,"
      "write_actions(group:3),write_metadata:0xff00/0xff00,goto_table:2" },
    { "cookie=0xffffffffffffffff,priority=0,actions=CONTROLLER:128",
      "cookie=0xffffffffffffffff, duration=21.500s, table=0, n_packets=49,"
      " n_bytes=4900, priority=0 actions=CONTROLLER:128" },
    { "icmp6,icmp_type=135,nd_target=fe80::1,nd_sll=02:00:00:00:00:01,"
      "actions=drop",
      "cookie=0x0, duration=24.1234567s, table=0, n_packets=56, "
      "n_bytes=5600, icmp6,icmp_type=135,nd_target=fe80::1,"
      "nd_sll=02:00:00:00:00:01 actions=drop" },
    { "hard_timeout=5,send_flow_rem,reg3=0x10/0xf0,actions=NORMAL",
      "cookie=0x0, duration=27s, table=0, n_packets=63, n_bytes=6300, "
      "hard_timeout=5, send_flow_rem reg3=0x10/0xf0 actions=NORMAL" },
};

/* Parses add-flow text 's', which must succeed. */
static bool
parse_ok__(const char *s, uint8_t command, struct ofp_flow_mod *fm)
{
    char *error = ofp_flow_mod_parse(s, command, fm);
    if (error) {
        fprintf(stderr, "parse of \"%s\" failed: %s\n", s, error);
        free(error);
        return false;
    }
    return true;
}

/* parse -> format equals OVS's text. */
static void
test_flow_table(void)
{
    CHECK(ARRAY_SIZE(flow_cases) >= 40);
    for (size_t i = 0; i < ARRAY_SIZE(flow_cases); i++) {
        struct ofp_flow_mod fm;
        struct ofp_buf b;

        ofp_buf_init(&b);
        CHECK(parse_ok__(flow_cases[i].in, OFPFC_ADD, &fm));
        ofp_flow_mod_format(&fm, &b);
        CHECK_STREQ(ofp_buf_cstr(&b), flow_cases[i].out);
        ofp_buf_uninit(&b);
        ofp_flow_mod_uninit(&fm);
    }
}

/* parse -> encode -> decode -> format, and ofp_raw_format() of the bytes. */
static void
test_round_trip(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(flow_cases); i++) {
        struct ofp_flow_mod fm;
        struct ofp_msg msg;
        struct ofp_buf wire, text;
        char *want;

        ofp_buf_init(&wire);
        ofp_buf_init(&text);
        memset(&msg, 0, sizeof msg);
        CHECK(parse_ok__(flow_cases[i].in, OFPFC_ADD, &fm));
        CHECK_EQ(ofp_flow_mod_encode(&fm, 1, &wire), 0);
        CHECK_EQ(ofp_msg_decode(wire.data, wire.size, &msg), 0);
        CHECK_EQ(msg.kind, OFPK_FLOW_MOD);
        if (msg.kind == OFPK_FLOW_MOD) {
            ofp_flow_mod_format(&msg.flow_mod, &text);
            CHECK_STREQ(ofp_buf_cstr(&text), flow_cases[i].out);
            CHECK(ofp_match_equal(&msg.flow_mod.match, &fm.match));
            CHECK(ofp_instructions_equal(&msg.flow_mod.insts, &fm.insts));
        }

        want = ofp_xasprintf("OFPT_FLOW_MOD (OF1.3) (xid=0x1): %s",
                             flow_cases[i].out);
        ofp_buf_clear(&text);
        ofp_raw_format(wire.data, wire.size, &text);
        CHECK_STREQ(ofp_buf_cstr(&text), want);
        free(want);

        ofp_msg_uninit(&msg);
        ofp_flow_mod_uninit(&fm);
        ofp_buf_uninit(&wire);
        ofp_buf_uninit(&text);
    }
}

/* Fills 'fs' from 'fm' with statistics that depend on 'k'. */
static void
make_stats__(const struct ofp_flow_mod *fm, int k, struct ofp_flow_stats *fs)
{
    static const uint32_t nsecs[] = { 0, 500000000, 123456700 };

    memset(fs, 0, sizeof *fs);
    fs->table_id = fm->table_id;
    fs->duration_sec = (uint32_t)k * 3;
    fs->duration_nsec = nsecs[k % 3];
    fs->priority = fm->priority;
    fs->idle_timeout = fm->idle_timeout;
    fs->hard_timeout = fm->hard_timeout;
    fs->flags = fm->flags;
    fs->cookie = fm->cookie;
    fs->packet_count = (uint64_t)k * 7;
    fs->byte_count = (uint64_t)k * 700;
    fs->match = fm->match;
    ofp_instructions_clone(&fs->insts, &fm->insts);
}

/* Flow stats print as dump-flows lines, which parse back to the flow. */
static void
test_flow_stats(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(stats_cases); i++) {
        struct ofp_flow_mod fm, back;
        struct ofp_flow_stats fs;
        struct ofp_buf b;

        ofp_buf_init(&b);
        CHECK(parse_ok__(stats_cases[i].in, OFPFC_ADD, &fm));
        make_stats__(&fm, (int)i, &fs);
        ofp_flow_stats_format(&fs, &b);
        CHECK_STREQ(ofp_buf_cstr(&b), stats_cases[i].out);

        CHECK(parse_ok__(ofp_buf_cstr(&b), OFPFC_ADD, &back));
        CHECK(ofp_match_equal(&back.match, &fm.match));
        CHECK(ofp_instructions_equal(&back.insts, &fm.insts));
        CHECK_EQ(back.priority, fm.priority);
        CHECK_EQ(back.cookie, fm.cookie);
        CHECK_EQ(back.table_id, fm.table_id);
        CHECK_EQ(back.flags, fm.flags);
        CHECK_EQ(back.idle_timeout, fm.idle_timeout);
        CHECK_EQ(back.hard_timeout, fm.hard_timeout);

        ofp_instructions_uninit(&fs.insts);
        ofp_flow_mod_uninit(&back);
        ofp_flow_mod_uninit(&fm);
        ofp_buf_uninit(&b);
    }
}

/* Modify and delete flow_mods print as `ovs-ofctl ofp-print` prints their
 * encodings. */
static void
test_commands(void)
{
    static const struct {
        uint8_t command;
        const char *in;
        const char *out;
    } cases[] = {
        { OFPFC_DELETE, "in_port=1", "DEL table:255 in_port=1 actions=drop" },
        { OFPFC_DELETE, "cookie=0x5/0xff,out_port=2,out_group=3",
          "DEL table:255 cookie:0x5/0xff out_port:2 actions=drop" },
        { OFPFC_DELETE, "table=1,cookie=0x5/-1",
          "DEL table:1 cookie:0x5/0xffffffffffffffff actions=drop" },
        { OFPFC_DELETE, "cookie=0x15/0xf0,ip",
          "DEL table:255 ip cookie:0x10/0xf0 actions=drop" },
        { OFPFC_DELETE, "out_port=LOCAL,out_group=ALL",
          "DEL table:255 out_port:LOCAL actions=drop" },
        { OFPFC_DELETE, "table=all,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00",
          "DEL table:255 dl_dst=01:00:00:00:00:00/01:00:00:00:00:00 "
          "actions=drop" },
        { OFPFC_DELETE, "", "DEL table:255 actions=drop" },
        { OFPFC_DELETE_STRICT, "priority=5,in_port=1",
          "DEL_STRICT table:255 priority=5,in_port=1 actions=drop" },
        { OFPFC_MODIFY, "in_port=1,actions=drop",
          "MOD in_port=1 actions=drop" },
        { OFPFC_MODIFY, "cookie=0x5,in_port=1,actions=output:1",
          "MOD in_port=1 actions=output:1" },
        { OFPFC_MODIFY,
          "cookie=0x5/0xff,in_port=1,idle_timeout=5,send_flow_rem,"
          "actions=drop",
          "MOD in_port=1 cookie:0x5/0xff idle:5 send_flow_rem actions=drop" },
        { OFPFC_MODIFY_STRICT, "table=3,priority=7,ip,actions=goto_table:4",
          "MOD_STRICT table:3 priority=7,ip actions=goto_table:4" },
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct ofp_flow_mod fm;
        struct ofp_msg msg;
        struct ofp_buf wire, text;

        ofp_buf_init(&wire);
        ofp_buf_init(&text);
        memset(&msg, 0, sizeof msg);
        CHECK(parse_ok__(cases[i].in, cases[i].command, &fm));
        CHECK_EQ(fm.command, cases[i].command);
        ofp_flow_mod_format(&fm, &text);
        CHECK_STREQ(ofp_buf_cstr(&text), cases[i].out);

        CHECK_EQ(ofp_flow_mod_encode(&fm, 9, &wire), 0);
        CHECK_EQ(ofp_msg_decode(wire.data, wire.size, &msg), 0);
        ofp_buf_clear(&text);
        ofp_msg_format(&msg, &text);
        char *want =
            ofp_xasprintf("OFPT_FLOW_MOD (OF1.3) (xid=0x9): %s", cases[i].out);
        CHECK_STREQ(ofp_buf_cstr(&text), want);
        free(want);

        ofp_msg_uninit(&msg);
        ofp_flow_mod_uninit(&fm);
        ofp_buf_uninit(&wire);
        ofp_buf_uninit(&text);
    }

    /* Defaults the formatter leaves out, and values it shows. */
    struct ofp_flow_mod fm;
    struct ofp_buf b;
    ofp_buf_init(&b);
    char *error = ofp_flow_mod_parse("delete", OFPFC_DELETE, &fm);
    CHECK(error && strstr(error, "\"delete\""));
    free(error);
    ofp_flow_mod_uninit(&fm);
    CHECK(parse_ok__("out_group=7", OFPFC_DELETE, &fm));
    CHECK_EQ(fm.table_id, OFPTT_ALL);
    CHECK_EQ(fm.out_group, 7);
    CHECK_EQ(fm.out_port, OFPP_ANY);
    ofp_flow_mod_uninit(&fm);
    CHECK(parse_ok__("actions=drop", OFPFC_ADD, &fm));
    fm.buffer_id = 0x10;
    ofp_flow_mod_format(&fm, &b);
    CHECK_STREQ(ofp_buf_cstr(&b), "ADD buf:0x10 actions=drop");
    ofp_flow_mod_uninit(&fm);
    ofp_buf_uninit(&b);
}

/* Every bad input is refused with an error that quotes the bad token. */
static void
test_bad_input(void)
{
    static const struct {
        uint8_t command;
        const char *in;
        const char *token; /* The error must contain this. */
    } cases[] = {
        { OFPFC_ADD, "foo=1,actions=drop", "\"foo=1\"" },
        { OFPFC_ADD, "ip,nw_frag=maybe,actions=drop", "\"nw_frag=maybe\"" },
        { OFPFC_ADD, "ip,nw_frag=1/1,actions=drop", "\"nw_frag=1/1\"" },
        { OFPFC_ADD, "arp,nw_frag=yes,actions=drop", "nw_frag" },
        { OFPFC_ADD, "ip,actions=set_field:1->nw_frag", "nw_frag" },
        { OFPFC_ADD, "in_port=1", "actions" },
        { OFPFC_ADD, "in_port=1,ip", "actions" },
        { OFPFC_ADD, "arp_spa=10.0.0.1,actions=drop", "\"arp_spa=10.0.0.1\"" },
        { OFPFC_ADD, "ip,arp_tpa=10.0.0.1,actions=drop", "arp_tpa" },
        { OFPFC_ADD, "tp_src=80,actions=drop", "\"tp_src=80\"" },
        { OFPFC_ADD, "ip,tp_dst=80,actions=drop", "\"tp_dst=80\"" },
        { OFPFC_ADD, "tcp_dst=80,udp,actions=drop", "\"tcp_dst=80\"" },
        { OFPFC_ADD, "icmp_type=8,actions=drop", "\"icmp_type=8\"" },
        { OFPFC_ADD, "nw_src=10.0.0.1,actions=drop", "\"nw_src=10.0.0.1\"" },
        { OFPFC_ADD, "ipv6_src=::1,ip,actions=drop", "\"ipv6_src=::1\"" },
        { OFPFC_ADD, "nd_target=fe80::1,icmp6,actions=drop", "nd_target" },
        { OFPFC_ADD, "icmp6,icmp_type=136,nd_sll=0:0:0:0:0:1,actions=drop",
          "nd_sll" },
        { OFPFC_ADD, "vlan_tci=0x6000/0xe000,actions=drop", "vlan_tci" },
        { OFPFC_ADD, "vlan_tci=0x7000/0x7000,actions=drop", "vlan_tci" },
        { OFPFC_ADD, "in_port=foo,actions=drop", "\"in_port=foo\"" },
        { OFPFC_ADD, "in_port=0,actions=drop", "\"in_port=0\"" },
        { OFPFC_ADD, "in_port=ANY,actions=drop", "\"in_port=ANY\"" },
        { OFPFC_ADD, "in_port=1/0xff,actions=drop", "\"in_port=1/0xff\"" },
        { OFPFC_ADD, "tcp,tp_src=80/0xff,actions=drop", "tp_src" },
        { OFPFC_ADD, "ip,nw_src=10.0.0.300,actions=drop", "10.0.0.300" },
        { OFPFC_ADD, "ip,nw_src=10.0.0.0/33,actions=drop", "\"33\"" },
        { OFPFC_ADD, "ipv6,ipv6_src=::/129,actions=drop", "\"129\"" },
        { OFPFC_ADD, "dl_src=02:00:00:00:00,actions=drop", "dl_src" },
        { OFPFC_ADD, "dl_src=02:00:00:00:00:01/zz,actions=drop", "\"zz\"" },
        { OFPFC_ADD, "reg0=0x100000000,actions=drop", "reg0" },
        { OFPFC_ADD, "reg16=1,actions=drop", "\"reg16=1\"" },
        { OFPFC_ADD, "metadata=,actions=drop", "\"metadata=\"" },
        { OFPFC_ADD, "metadata=1/x,actions=drop", "\"x\"" },
        { OFPFC_ADD, "dl_vlan=4096,actions=drop", "\"dl_vlan=4096\"" },
        { OFPFC_ADD, "vlan_pcp=8,actions=drop", "\"vlan_pcp=8\"" },
        { OFPFC_ADD, "vlan_vid=0x2000,actions=drop", "vlan_vid" },
        { OFPFC_ADD, "arp,arp_op=256,actions=drop", "arp_op" },
        { OFPFC_ADD, "sctp,actions=drop", "\"sctp\"" },
        { OFPFC_ADD, "ip=1,actions=drop", "\"ip=1\"" },
        { OFPFC_ADD, "priority=65536,actions=drop", "\"priority=65536\"" },
        { OFPFC_ADD, "idle_timeout=-1,actions=drop", "idle_timeout" },
        { OFPFC_ADD, "hard_timeout=x,actions=drop", "hard_timeout" },
        { OFPFC_ADD, "table=255,actions=drop", "\"table=255\"" },
        { OFPFC_ADD, "table=x,actions=drop", "\"table=x\"" },
        { OFPFC_ADD, "cookie=0x5/0xff,actions=drop", "\"cookie=0x5/0xff\"" },
        { OFPFC_ADD, "cookie=zz,actions=drop", "\"cookie=zz\"" },
        { OFPFC_ADD, "out_port=1,actions=drop", "\"out_port=1\"" },
        { OFPFC_ADD, "send_flow_rem=1,actions=drop", "send_flow_rem" },
        { OFPFC_ADD, "actions=frobnicate", "\"frobnicate\"" },
        { OFPFC_ADD, "actions=output:foo", "\"output:foo\"" },
        { OFPFC_ADD, "actions=output:ANY", "\"output:ANY\"" },
        { OFPFC_ADD, "actions=output:1,drop", "drop" },
        { OFPFC_ADD, "actions=drop,goto_table:1", "drop" },
        { OFPFC_ADD, "actions=goto_table:1,output:1", "\"output:1\"" },
        { OFPFC_ADD, "actions=clear_actions,meter:1", "\"meter:1\"" },
        { OFPFC_ADD, "actions=goto_table:1,goto_table:2", "goto_table:2" },
        { OFPFC_ADD, "actions=goto_table:255", "\"goto_table:255\"" },
        { OFPFC_ADD, "actions=meter:0", "\"meter:0\"" },
        { OFPFC_ADD, "actions=write_metadata:x", "write_metadata:x" },
        { OFPFC_ADD, "actions=write_actions(output:1", "write_actions" },
        { OFPFC_ADD, "actions=write_actions(goto_table:1)", "goto_table" },
        { OFPFC_ADD, "actions=apply_actions(output:1)", "apply_actions" },
        { OFPFC_ADD, "actions=set_field:1->eth_type", "eth_type" },
        { OFPFC_ADD, "actions=set_field:1->ip_proto", "ip_proto" },
        { OFPFC_ADD, "actions=set_field:1->metadata", "metadata" },
        { OFPFC_ADD, "actions=set_field:1->nope", "\"set_field:1->nope\"" },
        { OFPFC_ADD, "actions=set_field:1", "\"set_field:1\"" },
        { OFPFC_ADD, "actions=set_field:8->vlan_pcp", "vlan_pcp" },
        { OFPFC_ADD, "actions=set_field:5->vlan_vid", "vlan_vid" },
        { OFPFC_ADD, "actions=set_field:1/1->reg0", "reg0" },
        { OFPFC_ADD, "actions=push_vlan:0x800", "\"push_vlan:0x800\"" },
        { OFPFC_ADD, "actions=group:x", "\"group:x\"" },
        { OFPFC_ADD, "actions=controller(reason=no_match)", "controller" },
        { OFPFC_ADD, "actions=load:5->NXM_NX_REG0[]", "load" },
        { OFPFC_ADD, "ip actions=drop garbage=1", "\"garbage=1\"" },
        { OFPFC_DELETE, "priority=5", "\"priority=5\"" },
        { OFPFC_DELETE, "cookie=5", "\"cookie=5\"" },
        { OFPFC_DELETE, "in_port=1,actions=drop", "\"actions=drop\"" },
        { OFPFC_DELETE, "idle_timeout=5", "\"idle_timeout=5\"" },
        { OFPFC_DELETE, "send_flow_rem", "\"send_flow_rem\"" },
        { OFPFC_DELETE, "out_group=x", "\"out_group=x\"" },
        { OFPFC_MODIFY, "out_port=1,actions=drop", "\"out_port=1\"" },
        { 9, "actions=drop", "command" },
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct ofp_flow_mod fm;
        char *error = ofp_flow_mod_parse(cases[i].in, cases[i].command, &fm);
        if (!error) {
            fprintf(stderr, "\"%s\" parsed\n", cases[i].in);
        }
        CHECK(error != NULL);
        if (error && !strstr(error, cases[i].token)) {
            CHECK_STREQ(error, cases[i].token);
        }
        free(error);
        ofp_flow_mod_uninit(&fm);
    }
}

/* The match, actions and port functions on their own. */
static void
test_parts(void)
{
    struct ofp_match match;
    struct ofp_actions acts;
    struct ofp_instructions insts;
    struct ofp_buf b;
    uint32_t port;
    char *error;

    ofp_buf_init(&b);

    /* Catch-all and an OVS-ordered match. */
    CHECK(ofp_match_parse("", &match) == NULL);
    ofp_match_format(&match, &b);
    CHECK_STREQ(ofp_buf_cstr(&b), "");
    ofp_buf_clear(&b);
    CHECK(ofp_match_parse("nw_dst=10.0.0.2,tcp_dst=22,in_port=3,tcp,reg1=0",
                          &match) == NULL);
    ofp_match_format(&match, &b);
    CHECK_STREQ(ofp_buf_cstr(&b), "tcp,reg1=0,in_port=3,nw_dst=10.0.0.2,"
                                  "tp_dst=22");
    CHECK_EQ(ofp_match_get_uint(&match, OFPF_TCP_DST), 22);
    ofp_buf_clear(&b);
    error = ofp_match_parse("in_port=1,actions=drop", &match);
    CHECK(error && strstr(error, "\"actions=drop\""));
    free(error);
    error = ofp_match_parse("priority=5", &match);
    CHECK(error && strstr(error, "\"priority=5\""));
    free(error);

    /* Actions alone. */
    CHECK(ofp_actions_parse("drop", &acts) == NULL);
    CHECK_EQ(acts.n, 0);
    ofp_actions_format(&acts, &b);
    CHECK_STREQ(ofp_buf_cstr(&b), "drop");
    ofp_buf_clear(&b);
    ofp_actions_uninit(&acts);
    CHECK(ofp_actions_parse("strip_vlan,1,controller,output:NORMAL,"
                            "set_field:10.0.0.1->nw_src",
                            &acts) == NULL);
    ofp_actions_format(&acts, &b);
    CHECK_STREQ(ofp_buf_cstr(&b), "pop_vlan,output:1,CONTROLLER:65535,"
                                  "NORMAL,set_field:10.0.0.1->ip_src");
    ofp_buf_clear(&b);
    ofp_actions_uninit(&acts);
    error = ofp_actions_parse("output:1,goto_table:2", &acts);
    CHECK(error && strstr(error, "\"goto_table:2\""));
    free(error);
    ofp_actions_uninit(&acts);

    /* Instructions built by hand. */
    ofp_instructions_init(&insts);
    ofp_instructions_format(&insts, &b);
    CHECK_STREQ(ofp_buf_cstr(&b), "drop");
    ofp_buf_clear(&b);
    ofp_instructions_apply(&insts);
    ofp_instructions_format(&insts, &b);
    CHECK_STREQ(ofp_buf_cstr(&b), "drop");
    ofp_buf_clear(&b);
    ofp_instructions_write_metadata(&insts, 0, 1);
    ofp_instructions_goto(&insts, 200);
    ofp_instructions_format(&insts, &b);
    CHECK_STREQ(ofp_buf_cstr(&b), "write_metadata:0/0x1,goto_table:200");
    ofp_buf_clear(&b);
    ofp_instructions_uninit(&insts);

    /* Ports. */
    static const struct {
        const char *in;
        uint32_t port;
        const char *out;
    } ports[] = {
        { "1", 1, "1" },
        { "65279", 65279, "65279" },
        { "65534", OFPP_LOCAL, "LOCAL" },
        { "4294967294", OFPP_LOCAL, "LOCAL" },
        { "local", OFPP_LOCAL, "LOCAL" },
        { "in_port", OFPP_IN_PORT, "IN_PORT" },
        { "TABLE", OFPP_TABLE, "TABLE" },
        { "Normal", OFPP_NORMAL, "NORMAL" },
        { "FLOOD", OFPP_FLOOD, "FLOOD" },
        { "all", OFPP_ALL, "ALL" },
        { "controller", OFPP_CONTROLLER, "CONTROLLER" },
        { "ANY", OFPP_ANY, "ANY" },
        { "none", OFPP_ANY, "ANY" },
        { "100000", 100000, "100000" },
        { "65280", OFPP_MAX, "65280" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(ports); i++) {
        CHECK(ofp_port_parse(ports[i].in, &port));
        CHECK_EQ(port, ports[i].port);
        ofp_port_format(ports[i].port, &b);
        CHECK_STREQ(ofp_buf_cstr(&b), ports[i].out);
        ofp_buf_clear(&b);
    }
    CHECK(!ofp_port_parse("", &port));
    CHECK(!ofp_port_parse("0x1", &port));
    CHECK(!ofp_port_parse("-1", &port));
    CHECK(!ofp_port_parse("4294967296", &port));
    CHECK(!ofp_port_parse("eth0", &port));

    ofp_buf_uninit(&b);
}

/* Decodes 'wire' and checks ofp_msg_format() and ofp_raw_format() against
 * 'want'. */
static void
check_msg__(struct ofp_buf *wire, const char *want)
{
    struct ofp_msg msg;
    struct ofp_buf text;

    memset(&msg, 0, sizeof msg);
    ofp_buf_init(&text);
    CHECK_EQ(ofp_msg_decode(wire->data, wire->size, &msg), 0);
    ofp_msg_format(&msg, &text);
    CHECK_STREQ(ofp_buf_cstr(&text), want);
    ofp_buf_clear(&text);
    ofp_raw_format(wire->data, wire->size, &text);
    CHECK_STREQ(ofp_buf_cstr(&text), want);
    ofp_msg_uninit(&msg);
    ofp_buf_uninit(&text);
    ofp_buf_clear(wire);
}

/* One-line message summaries. */
static void
test_msgs(void)
{
    struct ofp_buf b, flow;
    struct ofp_flow_mod fm;

    ofp_buf_init(&b);
    ofp_buf_init(&flow);

    ofp_hello_encode(1u << OFP13_VERSION, 0, &b);
    check_msg__(&b, "OFPT_HELLO (OF1.3) (xid=0x0): version bitmap: 0x04");

    ofp_echo_encode(false, "abc", 3, 7, &b);
    check_msg__(&b, "OFPT_ECHO_REQUEST (OF1.3) (xid=0x7): 3 bytes of "
                    "payload");

    ofp_empty_encode(OFPT_BARRIER_REQUEST, 9, &b);
    check_msg__(&b, "OFPT_BARRIER_REQUEST (OF1.3) (xid=0x9):");

    CHECK(parse_ok__("priority=100,ip,actions=drop", OFPFC_ADD, &fm));
    CHECK_EQ(ofp_flow_mod_encode(&fm, 5, &flow), 0);
    ofp_buf_put(&b, flow.data, flow.size);
    check_msg__(&b, "OFPT_FLOW_MOD (OF1.3) (xid=0x5): ADD priority=100,ip "
                    "actions=drop");

    ofp_error_reply_encode(OFPERR_OFPBMC_BAD_PREREQ, flow.data, flow.size, &b);
    check_msg__(&b, "OFPT_ERROR (OF1.3) (xid=0x5): OFPBMC_BAD_PREREQ");

    struct ofp_features features = {
        .datapath_id = 0x123,
        .n_buffers = 256,
        .n_tables = 254,
        .capabilities = 0x4f,
    };
    ofp_features_encode(&features, 1, &b);
    check_msg__(&b, "OFPT_FEATURES_REPLY (OF1.3) (xid=0x1): "
                    "dpid:0000000000000123 n_tables:254, n_buffers:256 "
                    "capabilities: FLOW_STATS TABLE_STATS PORT_STATS "
                    "GROUP_STATS QUEUE_STATS");

    struct ofp_port_status ps;
    memset(&ps, 0, sizeof ps);
    ps.reason = OFPPR_ADD;
    ps.desc.port_no = 5;
    memcpy(ps.desc.hw_addr, "\xfe\xff\xff\xff\xff\xff", 6);
    strcpy(ps.desc.name, "vif5.0");
    ps.desc.state = 4;
    ps.desc.curr = 0x2840;
    ps.desc.curr_speed = 10000000;
    ofp_port_status_encode(&ps, 0, &b);
    check_msg__(&b,
                "OFPT_PORT_STATUS (OF1.3) (xid=0x0): ADD: 5(vif5.0): "
                "addr:fe:ff:ff:ff:ff:ff config: 0 state: LIVE speed: 10000 "
                "Mbps now, 0 Mbps max");

    struct ofp_mp_reply reply;
    ofp_mp_reply_init(&reply, OFPMP_FLOW);
    reply.flows = ofp_xcalloc(2, sizeof *reply.flows);
    reply.n = 2;
    make_stats__(&fm, 1, &reply.flows[0]);
    make_stats__(&fm, 2, &reply.flows[1]);
    CHECK_EQ(ofp_mp_reply_encode(&reply, 2, 0, &b), 0);
    check_msg__(&b, "OFPST_FLOW reply (OF1.3) (xid=0x2): 2 flows");
    ofp_mp_reply_uninit(&reply);

    struct ofp_mp_request req;
    ofp_mp_request_init(&req, OFPMP_FLOW);
    req.table_id = 1;
    req.out_port = 2;
    ofp_match_set_u32(&req.match, OFPF_IN_PORT, 3);
    CHECK_EQ(ofp_mp_request_encode(&req, 2, &b), 0);
    check_msg__(&b, "OFPST_FLOW request (OF1.3) (xid=0x2): table=1 "
                    "out_port=2 in_port=3");

    struct ofp_group group;
    ofp_group_init(&group);
    group.group_id = 5;
    ofp_actions_add_output(&ofp_group_add_bucket(&group)->actions, 1, 0);
    ofp_actions_add_output(&ofp_group_add_bucket(&group)->actions, 2, 0);
    CHECK_EQ(ofp_group_mod_encode(&group, 1, &b), 0);
    check_msg__(&b,
                "OFPT_GROUP_MOD (OF1.3) (xid=0x1): ADD group_id=5,"
                "type=all,bucket=actions=output:1,bucket=actions=output:2");
    ofp_group_uninit(&group);

    struct ofp_bundle_add ba = {
        .bundle_id = 7,
        .flags = OFPBF_ATOMIC,
        .msg = flow.data,
        .msg_len = flow.size,
    };
    ofp_bundle_add_encode(OFP13_VERSION, &ba, 5, &b);
    check_msg__(&b, "ONFT_BUNDLE_ADD_MESSAGE (OF1.3) (xid=0x5): "
                    "bundle_id=0x7 flags=atomic msg: OFPT_FLOW_MOD (OF1.3) "
                    "(xid=0x5): ADD priority=100,ip actions=drop");

    /* Bytes that do not decode. */
    ofp_raw_format(flow.data, 10, &b);
    CHECK_STREQ(ofp_buf_cstr(&b), "OFPT_FLOW_MOD (OF1.3) (xid=0x5): "
                                  "***decode error: OFPBRC_BAD_LEN***\n"
                                  "00000000  04 0e 00 40 00 00 00 05-00 00 "
                                  "                  |...@......      |");
    ofp_buf_clear(&b);
    ofp_raw_format("\x04\x01", 2, &b);
    CHECK(strstr(ofp_buf_cstr(&b), "too short") != NULL);
    ofp_buf_clear(&b);
    ofp_raw_format(NULL, 0, &b);
    CHECK(strstr(ofp_buf_cstr(&b), "decode error") != NULL);
    ofp_buf_clear(&b);

    ofp_flow_mod_uninit(&fm);
    ofp_buf_uninit(&flow);
    ofp_buf_uninit(&b);
}

int
main(void)
{
    test_flow_table();
    test_round_trip();
    test_flow_stats();
    test_commands();
    test_bad_input();
    test_parts();
    test_msgs();
    return check_summary();
}
