/* Text forms of flows and messages in ovs-ofctl's syntax, both ways.
 *
 * The formatter is used in logs and by vifguard-ctl; its output for a flow
 * is what `ovs-ofctl -O OpenFlow13 dump-flows` prints for the same flow
 * (without the statistics that only the switch knows), so an operator can
 * compare the two directly.  The parser accepts the subset of ovs-ofctl's
 * add-flow syntax that libofp can encode; tests and tools use it to write
 * flows as text. */
#ifndef OFP_PRINT_H
#define OFP_PRINT_H 1

#include <stdint.h>

#include "ofp/msgs.h"

struct ofp_buf;

/* "arp,in_port=1,dl_src=02:00:00:00:00:01,arp_spa=10.0.0.1"; nothing for a
 * catch-all match.  Shorthands (ip, arp, tcp, udp, icmp, ipv6, tcp6, udp6,
 * icmp6) replace dl_type/nw_proto as ovs-ofctl does. */
void ofp_match_format(const struct ofp_match *, struct ofp_buf *);
/* "output:1,push_vlan:0x8100,set_field:5->reg0,NORMAL"; "drop" if empty. */
void ofp_actions_format(const struct ofp_actions *, struct ofp_buf *);
/* The value of "actions=": "meter:1,output:2,goto_table:3", or "drop". */
void ofp_instructions_format(const struct ofp_instructions *,
                             struct ofp_buf *);
/* "cookie=0x5, table=1, priority=100,ip,in_port=3 actions=drop" (fields
 * at their default values are left out, as dump-flows does). */
void ofp_flow_mod_format(const struct ofp_flow_mod *, struct ofp_buf *);
void ofp_flow_stats_format(const struct ofp_flow_stats *, struct ofp_buf *);
/* One message: its kind, xid and a summary of its body. */
void ofp_msg_format(const struct ofp_msg *, struct ofp_buf *);
/* Decodes and formats raw message bytes (or the decode error). */
void ofp_raw_format(const void *msg, size_t len, struct ofp_buf *);

/* Parse 's' in ovs-ofctl syntax.  Return NULL on success or a malloc'd
 * message naming the bad part, in which case the output is unspecified but
 * safe to uninit. */
char *ofp_match_parse(const char *s, struct ofp_match *);
char *ofp_actions_parse(const char *s, struct ofp_actions *);
char *ofp_flow_mod_parse(const char *s, uint8_t command,
                         struct ofp_flow_mod *);

#endif /* ofp/print.h */
