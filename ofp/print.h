/* Text forms of flows and messages in ovs-ofctl's syntax, both ways.
 *
 * The formatter is used in logs and by vifguard-ctl.  Its output is what
 * Open vSwitch 3.1 prints for the same OpenFlow 1.3 bytes, character for
 * character: matches in OVS's field order and names (OXM vlan_vid/vlan_pcp
 * appear as dl_vlan/dl_vlan_pcp or vlan_tci, as OVS shows them), a FLOW_MOD
 * as `ovs-ofctl ofp-print` shows it, a flow stats entry as `ovs-ofctl -O
 * OpenFlow13 dump-flows` does (statistics included), so an operator can
 * compare the two directly.  Message summaries keep ofp-print's first line
 * but stay on one line.  The parser accepts the subset of ovs-ofctl's
 * add-flow syntax that libofp can encode; tests and tools use it to write
 * flows as text. */
#ifndef OFP_PRINT_H
#define OFP_PRINT_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ofp/msgs.h"

struct ofp_buf;

/* "arp,in_port=1,dl_src=02:00:00:00:00:01,arp_spa=10.0.0.1"; nothing for a
 * catch-all match.  Shorthands (ip, arp, tcp, udp, icmp, ipv6, tcp6, udp6,
 * icmp6) replace dl_type/nw_proto as ovs-ofctl does. */
void ofp_match_format(const struct ofp_match *, struct ofp_buf *);
/* "output:1,push_vlan:0x8100,set_field:0x5->reg0,NORMAL"; "drop" if
 * empty. */
void ofp_actions_format(const struct ofp_actions *, struct ofp_buf *);
/* The value of "actions=": "meter:1,output:2,clear_actions,
 * write_actions(output:3),write_metadata:0x1/0xff,goto_table:3" (execution
 * order), or "drop". */
void ofp_instructions_format(const struct ofp_instructions *,
                             struct ofp_buf *);
/* What `ovs-ofctl ofp-print` prints after a FLOW_MOD's header: "ADD table:1
 * priority=100,ip,in_port=3 cookie:0x5 idle:10 hard:20 send_flow_rem
 * actions=drop" (values at their defaults are left out; for MOD/DEL a
 * cookie shows only as "cookie:V/M" with a nonzero mask; OVS never shows
 * out_group). */
void ofp_flow_mod_format(const struct ofp_flow_mod *, struct ofp_buf *);
/* A dump-flows line, statistics included: "cookie=0x1, duration=1.5s,
 * table=0, n_packets=0, n_bytes=0, idle_timeout=10, send_flow_rem
 * priority=5,ip actions=drop".  Unlike ofp_flow_mod_format()'s output this
 * can be fed back to ofp_flow_mod_parse(), which ignores the statistics. */
void ofp_flow_stats_format(const struct ofp_flow_stats *, struct ofp_buf *);
/* One message on one line: OVS's header "OFPT_FLOW_MOD (OF1.3) (xid=0x5):"
 * (multipart messages as "OFPST_FLOW reply", ONF bundles as
 * "ONFT_BUNDLE_CONTROL") and a summary of the body: "ADD priority=...",
 * "OFPBMC_BAD_PREREQ", "ADD: 5(vif5.0): addr:... config: 0 state: LIVE ...",
 * the number of entries of a multipart reply, and so on. */
void ofp_msg_format(const struct ofp_msg *, struct ofp_buf *);
/* Decodes and formats raw message bytes, or, if they do not decode, appends
 * "***decode error: NAME***" and a hex dump of the first 64 bytes. */
void ofp_raw_format(const void *msg, size_t len, struct ofp_buf *);
/* A port number as OVS prints it: "LOCAL", "CONTROLLER", ..., or "5". */
void ofp_port_format(uint32_t port, struct ofp_buf *);

/* Parse 's' in ovs-ofctl syntax.  Return NULL on success or a malloc'd
 * message that quotes the bad token, in which case the output is
 * unspecified but safe to uninit.  Each function initializes its output
 * (ofp_match_init(), ofp_actions_init(), ofp_flow_mod_init()) first.  As in
 * ovs-ofctl, value bits outside a mask are cleared and a zero mask drops the
 * field; unlike ovs-ofctl, a field whose prerequisites are missing
 * ("arp_spa=..." without "arp") is an error, not silently dropped. */
char *ofp_match_parse(const char *s, struct ofp_match *);
char *ofp_actions_parse(const char *s, struct ofp_actions *);
/* 'command' (OFPFC_*) decides what 's' may hold, as in ovs-ofctl: add and
 * modify need "actions=" (last); delete takes none but accepts out_port=,
 * out_group= and only a masked cookie ("cookie=V/M"); priority= is not
 * accepted by a non-strict delete.  'fm' is initialized here (release it
 * with ofp_flow_mod_uninit() in every case); delete commands default to
 * table=255 (all tables) like ovs-ofctl. */
char *ofp_flow_mod_parse(const char *s, uint8_t command,
                         struct ofp_flow_mod *);
/* Parses a port as ovs-ofctl does: a decimal number or a reserved name
 * (case-insensitive: LOCAL, IN_PORT, ...).  Returns false if 's' is
 * neither. */
bool ofp_port_parse(const char *s, uint32_t *port);

#endif /* ofp/print.h */
