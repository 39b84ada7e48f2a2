/* OpenFlow 1.0 wire format: the small subset vifguard needs.
 *
 * Open vSwitch accepts the port config bit NO_FLOOD only in an OpenFlow 1.0
 * PORT_MOD (ovs-facts.md), so src/noflood.c speaks OpenFlow 1.0 for a few
 * messages on the bridge's management socket.  These structs describe those
 * bytes (OpenFlow Switch Specification 1.0.0, plus the port description
 * statistics and the NXT_SET_ASYNC_CONFIG vendor message that Open vSwitch
 * also offers in OpenFlow 1.0); like
 * openflow/of13.h they exclude the 8-byte header, which is the same in every
 * OpenFlow version (struct ofp_header), every multi-byte field is big-endian
 * and every struct's size is checked.  Only ofp/of10.c reads and writes
 * them. */
#ifndef OPENFLOW_OF10_H
#define OPENFLOW_OF10_H 1

#include <stdint.h>

#include "openflow/of13.h"

#define OFP10_VERSION 0x01

/* Message types.  OpenFlow 1.0 numbers its types differently from 1.3 from
 * PORT_MOD on (PORT_MOD is 15, BARRIER_REQUEST 18, ...). */
enum ofp10_type {
    OFPT10_HELLO = 0,
    OFPT10_ERROR = 1,
    OFPT10_ECHO_REQUEST = 2,
    OFPT10_ECHO_REPLY = 3,
    OFPT10_VENDOR = 4,
    OFPT10_FEATURES_REQUEST = 5,
    OFPT10_FEATURES_REPLY = 6,
    OFPT10_GET_CONFIG_REQUEST = 7,
    OFPT10_GET_CONFIG_REPLY = 8,
    OFPT10_SET_CONFIG = 9,
    OFPT10_PACKET_IN = 10,
    OFPT10_FLOW_REMOVED = 11,
    OFPT10_PORT_STATUS = 12,
    OFPT10_PACKET_OUT = 13,
    OFPT10_FLOW_MOD = 14,
    OFPT10_PORT_MOD = 15,
    OFPT10_STATS_REQUEST = 16,
    OFPT10_STATS_REPLY = 17,
    OFPT10_BARRIER_REQUEST = 18,
    OFPT10_BARRIER_REPLY = 19,
    OFPT10_QUEUE_GET_CONFIG_REQUEST = 20,
    OFPT10_QUEUE_GET_CONFIG_REPLY = 21,
    OFPT10_N_TYPES = 22
};

/* Port numbers are 16 bits wide. */
enum ofp10_port_no {
    OFPP10_MAX = 0xff00,
    OFPP10_IN_PORT = 0xfff8,
    OFPP10_TABLE = 0xfff9,
    OFPP10_NORMAL = 0xfffa,
    OFPP10_FLOOD = 0xfffb,
    OFPP10_ALL = 0xfffc,
    OFPP10_CONTROLLER = 0xfffd,
    OFPP10_LOCAL = 0xfffe,
    OFPP10_NONE = 0xffff,
};

/* Port config bits (struct ofp10_phy_port 'config', PORT_MOD). */
enum ofp10_port_config {
    OFPPC10_PORT_DOWN = 1 << 0,
    OFPPC10_NO_STP = 1 << 1,
    OFPPC10_NO_RECV = 1 << 2,
    OFPPC10_NO_RECV_STP = 1 << 3,
    OFPPC10_NO_FLOOD = 1 << 4, /* Not in NORMAL's or FLOOD's flood set. */
    OFPPC10_NO_FWD = 1 << 5,
    OFPPC10_NO_PACKET_IN = 1 << 6,
};

/* Error types.  1.0 has fewer than 1.3 and numbers them differently from 3
 * on; codes of types 0, 1, 2 and 5 match their 1.3 counterparts'. */
enum ofp10_error_type {
    OFPET10_HELLO_FAILED = 0,
    OFPET10_BAD_REQUEST = 1,
    OFPET10_BAD_ACTION = 2,
    OFPET10_FLOW_MOD_FAILED = 3,
    OFPET10_PORT_MOD_FAILED = 4,
    OFPET10_QUEUE_OP_FAILED = 5,
};

/* FLOW_MOD_FAILED codes. */
enum ofp10_flow_mod_failed_code {
    OFPFMFC10_ALL_TABLES_FULL = 0,
    OFPFMFC10_OVERLAP = 1,
    OFPFMFC10_EPERM = 2,
    OFPFMFC10_BAD_EMERG_TIMEOUT = 3,
    OFPFMFC10_BAD_COMMAND = 4,
    OFPFMFC10_UNSUPPORTED = 5,
};

/* One port: FEATURES_REPLY, PORT_STATUS, port description statistics. */
struct ofp10_phy_port {
    of_be16 port_no;
    uint8_t hw_addr[6];
    char name[OFP_MAX_PORT_NAME_LEN];
    of_be32 config; /* OFPPC10_*. */
    of_be32 state;
    of_be32 curr;
    of_be32 advertised;
    of_be32 supported;
    of_be32 peer;
};
_Static_assert(sizeof(struct ofp10_phy_port) == 48, "ofp10_phy_port");

/* FEATURES_REPLY: this, then ports up to the message's end. */
struct ofp10_switch_features {
    of_be64 datapath_id;
    of_be32 n_buffers;
    uint8_t n_tables;
    uint8_t pad[3];
    of_be32 capabilities;
    of_be32 actions; /* Bitmap of supported OFPAT10_* actions. */
};
_Static_assert(sizeof(struct ofp10_switch_features) == 24, "of10 features");

/* PORT_MOD. */
struct ofp10_port_mod {
    of_be16 port_no;
    uint8_t hw_addr[6]; /* Must equal the port's (OFPPMFC_BAD_HW_ADDR). */
    of_be32 config;     /* New values of the bits selected by 'mask'. */
    of_be32 mask;       /* Bits of 'config' to change. */
    of_be32 advertise;  /* 0: leave unchanged. */
    uint8_t pad[4];
};
_Static_assert(sizeof(struct ofp10_port_mod) == 24, "ofp10_port_mod");

/* PORT_STATUS: reason (OFPPR10_*), 7 bytes of padding, the port. */
enum ofp10_port_reason {
    OFPPR10_ADD = 0,
    OFPPR10_DELETE = 1,
    OFPPR10_MODIFY = 2,
};
struct ofp10_port_status {
    uint8_t reason;
    uint8_t pad[7];
    struct ofp10_phy_port desc;
};
_Static_assert(sizeof(struct ofp10_port_status) == 56, "of10 port status");

/* VENDOR messages of Open vSwitch ("Nicira", NX_VENDOR_ID): the header, then
 * this, then the body of 'subtype'. */
#define OF10_NX_VENDOR_ID 0x00002320
struct ofp10_nx_header {
    of_be32 vendor;  /* OF10_NX_VENDOR_ID. */
    of_be32 subtype; /* NXT10_*. */
};
_Static_assert(sizeof(struct ofp10_nx_header) == 8, "of10 nx header");

/* NXT_SET_ASYNC_CONFIG: which asynchronous messages the connection gets,
 * each a bitmap of reasons; [0] for the master and equal roles, [1] for
 * the slave role. */
enum { NXT10_SET_ASYNC_CONFIG = 19 };
struct ofp10_nx_async_config {
    of_be32 packet_in_mask[2];    /* 1 << OFPR_*. */
    of_be32 port_status_mask[2];  /* 1 << OFPPR10_*. */
    of_be32 flow_removed_mask[2]; /* 1 << OFPRR_*. */
};
_Static_assert(sizeof(struct ofp10_nx_async_config) == 24, "nx async");

/* STATS_REQUEST / STATS_REPLY: this, then the body. */
struct ofp10_stats_msg {
    of_be16 type;  /* OFPST10_*. */
    of_be16 flags; /* OFPSF10_REPLY_MORE in replies. */
};
_Static_assert(sizeof(struct ofp10_stats_msg) == 4, "ofp10_stats_msg");

/* Statistics types: only port descriptions, an Open vSwitch extension to
 * 1.0 (1.3's PORT_DESC); empty request body, reply body ofp10_phy_port[]. */
enum { OFPST10_PORT_DESC = 13 };
enum { OFPSF10_REPLY_MORE = 1 };

#endif /* openflow/of10.h */
