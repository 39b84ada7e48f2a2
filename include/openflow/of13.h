/* OpenFlow 1.3 wire format (OpenFlow Switch Specification 1.3.5), plus the
 * Open vSwitch (Nicira) and ONF extensions vifguard uses.
 *
 * These structs describe bytes on the wire: every multi-byte field is
 * big-endian (of_be16/32/64 are plain integer typedefs that document it) and
 * every struct's size is checked with a _Static_assert.  Only libofp reads and
 * writes them, always through the bounds-checked helpers of ofp/buf.h. */
#ifndef OPENFLOW_OF13_H
#define OPENFLOW_OF13_H 1

#include <stdint.h>

typedef uint16_t of_be16;
typedef uint32_t of_be32;
typedef uint64_t of_be64;

#define OFP13_VERSION 0x04
#define OFP14_VERSION 0x05
#define OFP_HEADER_LEN 8
#define OFP_MAX_MSG_LEN 65535

/* Message types. */
enum ofp_type {
    OFPT_HELLO = 0,
    OFPT_ERROR = 1,
    OFPT_ECHO_REQUEST = 2,
    OFPT_ECHO_REPLY = 3,
    OFPT_EXPERIMENTER = 4,
    OFPT_FEATURES_REQUEST = 5,
    OFPT_FEATURES_REPLY = 6,
    OFPT_GET_CONFIG_REQUEST = 7,
    OFPT_GET_CONFIG_REPLY = 8,
    OFPT_SET_CONFIG = 9,
    OFPT_PACKET_IN = 10,
    OFPT_FLOW_REMOVED = 11,
    OFPT_PORT_STATUS = 12,
    OFPT_PACKET_OUT = 13,
    OFPT_FLOW_MOD = 14,
    OFPT_GROUP_MOD = 15,
    OFPT_PORT_MOD = 16,
    OFPT_TABLE_MOD = 17,
    OFPT_MULTIPART_REQUEST = 18,
    OFPT_MULTIPART_REPLY = 19,
    OFPT_BARRIER_REQUEST = 20,
    OFPT_BARRIER_REPLY = 21,
    OFPT_QUEUE_GET_CONFIG_REQUEST = 22,
    OFPT_QUEUE_GET_CONFIG_REPLY = 23,
    OFPT_ROLE_REQUEST = 24,
    OFPT_ROLE_REPLY = 25,
    OFPT_GET_ASYNC_REQUEST = 26,
    OFPT_GET_ASYNC_REPLY = 27,
    OFPT_SET_ASYNC = 28,
    OFPT_METER_MOD = 29,
    /* OpenFlow 1.4 only. */
    OFPT14_BUNDLE_CONTROL = 33,
    OFPT14_BUNDLE_ADD_MESSAGE = 34,
};

struct ofp_header {
    uint8_t version;
    uint8_t type;
    of_be16 length; /* Including this header. */
    of_be32 xid;
};
_Static_assert(sizeof(struct ofp_header) == 8, "ofp_header");

/* HELLO elements. */
enum { OFPHET_VERSIONBITMAP = 1 };
struct ofp13_hello_elem_header {
    of_be16 type;
    of_be16 length; /* Not including padding to 8 bytes. */
};
_Static_assert(sizeof(struct ofp13_hello_elem_header) == 4, "hello_elem");

/* ERROR. */
struct ofp13_error_msg {
    of_be16 type;
    of_be16 code;
    /* Followed by data. */
};
_Static_assert(sizeof(struct ofp13_error_msg) == 4, "ofp_error_msg");

struct ofp13_error_experimenter_msg {
    of_be16 type; /* OFPET_EXPERIMENTER (0xffff). */
    of_be16 exp_code;
    of_be32 experimenter;
};
_Static_assert(sizeof(struct ofp13_error_experimenter_msg) == 8, "err_exp");

/* FEATURES_REPLY. */
struct ofp13_switch_features {
    of_be64 datapath_id;
    of_be32 n_buffers;
    uint8_t n_tables;
    uint8_t auxiliary_id;
    uint8_t pad[2];
    of_be32 capabilities;
    of_be32 reserved;
};
_Static_assert(sizeof(struct ofp13_switch_features) == 24, "features");

/* GET_CONFIG_REPLY / SET_CONFIG. */
struct ofp13_switch_config {
    of_be16 flags;
    of_be16 miss_send_len;
};
_Static_assert(sizeof(struct ofp13_switch_config) == 4, "switch_config");

/* ROLE_REQUEST / ROLE_REPLY. */
struct ofp13_role_request {
    of_be32 role;
    uint8_t pad[4];
    of_be64 generation_id;
};
_Static_assert(sizeof(struct ofp13_role_request) == 16, "role_request");

/* GET_ASYNC_REPLY / SET_ASYNC. */
struct ofp13_async_config {
    of_be32 packet_in_mask[2];
    of_be32 port_status_mask[2];
    of_be32 flow_removed_mask[2];
};
_Static_assert(sizeof(struct ofp13_async_config) == 24, "async_config");

/* Ports. */
#define OFP_MAX_PORT_NAME_LEN 16
enum ofp_port_no {
    OFPP_MAX = 0xffffff00,
    OFPP_IN_PORT = 0xfffffff8,
    OFPP_TABLE = 0xfffffff9,
    OFPP_NORMAL = 0xfffffffa,
    OFPP_FLOOD = 0xfffffffb,
    OFPP_ALL = 0xfffffffc,
    OFPP_CONTROLLER = 0xfffffffd,
    OFPP_LOCAL = 0xfffffffe,
    OFPP_ANY = 0xffffffff,
};

struct ofp13_port {
    of_be32 port_no;
    uint8_t pad[4];
    uint8_t hw_addr[6];
    uint8_t pad2[2];
    char name[OFP_MAX_PORT_NAME_LEN];
    of_be32 config;
    of_be32 state;
    of_be32 curr;
    of_be32 advertised;
    of_be32 supported;
    of_be32 peer;
    of_be32 curr_speed;
    of_be32 max_speed;
};
_Static_assert(sizeof(struct ofp13_port) == 64, "ofp_port");

struct ofp13_port_status {
    uint8_t reason;
    uint8_t pad[7];
    struct ofp13_port desc;
};
_Static_assert(sizeof(struct ofp13_port_status) == 72, "port_status");

/* Tables. */
enum { OFPTT_MAX = 0xfe, OFPTT_ALL = 0xff };

/* Flow match (OXM). */
enum { OFPMT_OXM = 1 };
struct ofp13_match_header {
    of_be16 type;
    of_be16 length; /* Excluding padding. */
};
_Static_assert(sizeof(struct ofp13_match_header) == 4, "match_header");

enum ofp_oxm_class {
    OFPXMC_NXM_0 = 0x0000,
    OFPXMC_NXM_1 = 0x0001,
    OFPXMC_OPENFLOW_BASIC = 0x8000,
    OFPXMC_EXPERIMENTER = 0xffff,
};

#define OXM_HEADER(CLASS, FIELD, HASMASK, LEN)              \
    (((uint32_t)(CLASS) << 16) | ((uint32_t)(FIELD) << 9) | \
     ((uint32_t)(HASMASK) << 8) | (uint32_t)(LEN))
#define OXM_CLASS(H) ((H) >> 16)
#define OXM_FIELD(H) (((H) >> 9) & 0x7f)
#define OXM_HASMASK(H) (((H) >> 8) & 1)
#define OXM_LENGTH(H) ((H)&0xff)

enum { OFPVID_PRESENT = 0x1000, OFPVID_NONE = 0x0000 };

/* Instructions. */
enum ofp_instruction_type {
    OFPIT_GOTO_TABLE = 1,
    OFPIT_WRITE_METADATA = 2,
    OFPIT_WRITE_ACTIONS = 3,
    OFPIT_APPLY_ACTIONS = 4,
    OFPIT_CLEAR_ACTIONS = 5,
    OFPIT_METER = 6,
    OFPIT_EXPERIMENTER = 0xffff,
};

struct ofp13_instruction_header {
    of_be16 type;
    of_be16 len;
};
_Static_assert(sizeof(struct ofp13_instruction_header) == 4, "inst_header");

struct ofp13_instruction_goto_table {
    of_be16 type;
    of_be16 len;
    uint8_t table_id;
    uint8_t pad[3];
};
_Static_assert(sizeof(struct ofp13_instruction_goto_table) == 8, "goto");

struct ofp13_instruction_write_metadata {
    of_be16 type;
    of_be16 len;
    uint8_t pad[4];
    of_be64 metadata;
    of_be64 metadata_mask;
};
_Static_assert(sizeof(struct ofp13_instruction_write_metadata) == 24, "wmd");

struct ofp13_instruction_actions {
    of_be16 type;
    of_be16 len;
    uint8_t pad[4];
    /* Followed by actions. */
};
_Static_assert(sizeof(struct ofp13_instruction_actions) == 8, "inst_actions");

struct ofp13_instruction_meter {
    of_be16 type;
    of_be16 len;
    of_be32 meter_id;
};
_Static_assert(sizeof(struct ofp13_instruction_meter) == 8, "inst_meter");

/* Actions. */
enum ofp_action_type {
    OFPAT_OUTPUT = 0,
    OFPAT_COPY_TTL_OUT = 11,
    OFPAT_COPY_TTL_IN = 12,
    OFPAT_SET_MPLS_TTL = 15,
    OFPAT_DEC_MPLS_TTL = 16,
    OFPAT_PUSH_VLAN = 17,
    OFPAT_POP_VLAN = 18,
    OFPAT_PUSH_MPLS = 19,
    OFPAT_POP_MPLS = 20,
    OFPAT_SET_QUEUE = 21,
    OFPAT_GROUP = 22,
    OFPAT_SET_NW_TTL = 23,
    OFPAT_DEC_NW_TTL = 24,
    OFPAT_SET_FIELD = 25,
    OFPAT_PUSH_PBB = 26,
    OFPAT_POP_PBB = 27,
    OFPAT_EXPERIMENTER = 0xffff,
};

struct ofp13_action_header {
    of_be16 type;
    of_be16 len;
};
_Static_assert(sizeof(struct ofp13_action_header) == 4, "action_header");

enum { OFPCML_MAX = 0xffe5, OFPCML_NO_BUFFER = 0xffff };

/* ofp_switch_config flags: fragment handling.  Open vSwitch takes the value
 * 3, the whole mask, as its own "nx-match" (OFPC_FRAG_NX_MATCH). */
enum {
    OFPC_FRAG_NORMAL = 0,
    OFPC_FRAG_DROP = 1,
    OFPC_FRAG_REASM = 2,
    OFPC_FRAG_MASK = 3,
    OFPC_FRAG_NX_MATCH = 3,
};
struct ofp13_action_output {
    of_be16 type;
    of_be16 len;
    of_be32 port;
    of_be16 max_len;
    uint8_t pad[6];
};
_Static_assert(sizeof(struct ofp13_action_output) == 16, "action_output");

struct ofp13_action_group {
    of_be16 type;
    of_be16 len;
    of_be32 group_id;
};
_Static_assert(sizeof(struct ofp13_action_group) == 8, "action_group");

struct ofp13_action_push {
    of_be16 type;
    of_be16 len;
    of_be16 ethertype;
    uint8_t pad[2];
};
_Static_assert(sizeof(struct ofp13_action_push) == 8, "action_push");

struct ofp13_action_generic {
    of_be16 type;
    of_be16 len;
    uint8_t pad[4];
};
_Static_assert(sizeof(struct ofp13_action_generic) == 8, "action_generic");

struct ofp13_action_set_field {
    of_be16 type;
    of_be16 len;
    /* Followed by one OXM TLV, padded to 8 bytes. */
};
_Static_assert(sizeof(struct ofp13_action_set_field) == 4, "action_set_field");

/* FLOW_MOD. */
enum ofp_flow_mod_command {
    OFPFC_ADD = 0,
    OFPFC_MODIFY = 1,
    OFPFC_MODIFY_STRICT = 2,
    OFPFC_DELETE = 3,
    OFPFC_DELETE_STRICT = 4,
};

enum ofp_flow_mod_flags {
    OFPFF_SEND_FLOW_REM = 1 << 0,
    OFPFF_CHECK_OVERLAP = 1 << 1,
    OFPFF_RESET_COUNTS = 1 << 2,
    OFPFF_NO_PKT_COUNTS = 1 << 3,
    OFPFF_NO_BYT_COUNTS = 1 << 4,
};

#define OFP_NO_BUFFER 0xffffffff

struct ofp13_flow_mod {
    of_be64 cookie;
    of_be64 cookie_mask;
    uint8_t table_id;
    uint8_t command;
    of_be16 idle_timeout;
    of_be16 hard_timeout;
    of_be16 priority;
    of_be32 buffer_id;
    of_be32 out_port;
    of_be32 out_group;
    of_be16 flags;
    uint8_t pad[2];
    /* Followed by struct ofp13_match, then instructions. */
};
_Static_assert(sizeof(struct ofp13_flow_mod) == 40, "flow_mod");

/* FLOW_REMOVED. */
enum ofp_flow_removed_reason {
    OFPRR_IDLE_TIMEOUT = 0,
    OFPRR_HARD_TIMEOUT = 1,
    OFPRR_DELETE = 2,
    OFPRR_GROUP_DELETE = 3,
    /* OpenFlow 1.4+ only (OVS sends OFPRR_DELETE instead on 1.3). */
    OFPRR14_METER_DELETE = 4,
    OFPRR14_EVICTION = 5,
};

struct ofp13_flow_removed {
    of_be64 cookie;
    of_be16 priority;
    uint8_t reason;
    uint8_t table_id;
    of_be32 duration_sec;
    of_be32 duration_nsec;
    of_be16 idle_timeout;
    of_be16 hard_timeout;
    of_be64 packet_count;
    of_be64 byte_count;
    /* Followed by struct ofp13_match. */
};
_Static_assert(sizeof(struct ofp13_flow_removed) == 40, "flow_removed");

/* GROUP_MOD. */
enum ofp_group_mod_command {
    OFPGC_ADD = 0,
    OFPGC_MODIFY = 1,
    OFPGC_DELETE = 2
};
enum ofp_group_type {
    OFPGT_ALL = 0,
    OFPGT_SELECT = 1,
    OFPGT_INDIRECT = 2,
    OFPGT_FF = 3,
};
enum { OFPG_MAX = 0xffffff00, OFPG_ALL = 0xfffffffc, OFPG_ANY = 0xffffffff };

struct ofp13_group_mod {
    of_be16 command;
    uint8_t type;
    uint8_t pad;
    of_be32 group_id;
    /* Followed by buckets. */
};
_Static_assert(sizeof(struct ofp13_group_mod) == 8, "group_mod");

struct ofp13_bucket {
    of_be16 len;
    of_be16 weight;
    of_be32 watch_port;
    of_be32 watch_group;
    uint8_t pad[4];
    /* Followed by actions. */
};
_Static_assert(sizeof(struct ofp13_bucket) == 16, "bucket");

/* METER_MOD. */
enum ofp_meter_mod_command {
    OFPMC_ADD = 0,
    OFPMC_MODIFY = 1,
    OFPMC_DELETE = 2
};
enum ofp_meter_flags {
    OFPMF_KBPS = 1 << 0,
    OFPMF_PKTPS = 1 << 1,
    OFPMF_BURST = 1 << 2,
    OFPMF_STATS = 1 << 3,
};
enum { OFPM_MAX = 0xffff0000, OFPM_ALL = 0xffffffff };
enum ofp_meter_band_type {
    OFPMBT_DROP = 1,
    OFPMBT_DSCP_REMARK = 2,
    OFPMBT_EXPERIMENTER = 0xffff,
};

struct ofp13_meter_mod {
    of_be16 command;
    of_be16 flags;
    of_be32 meter_id;
    /* Followed by bands. */
};
_Static_assert(sizeof(struct ofp13_meter_mod) == 8, "meter_mod");

struct ofp13_meter_band {
    of_be16 type;
    of_be16 len;
    of_be32 rate;
    of_be32 burst_size;
    uint8_t prec_level; /* DSCP_REMARK only; pad otherwise. */
    uint8_t pad[3];
};
_Static_assert(sizeof(struct ofp13_meter_band) == 16, "meter_band");

/* MULTIPART. */
enum ofp_multipart_type {
    OFPMP_DESC = 0,
    OFPMP_FLOW = 1,
    OFPMP_AGGREGATE = 2,
    OFPMP_TABLE = 3,
    OFPMP_PORT_STATS = 4,
    OFPMP_QUEUE = 5,
    OFPMP_GROUP = 6,
    OFPMP_GROUP_DESC = 7,
    OFPMP_GROUP_FEATURES = 8,
    OFPMP_METER = 9,
    OFPMP_METER_CONFIG = 10,
    OFPMP_METER_FEATURES = 11,
    OFPMP_TABLE_FEATURES = 12,
    OFPMP_PORT_DESC = 13,
    OFPMP_EXPERIMENTER = 0xffff,
};
enum { OFPMPF_REQ_MORE = 1, OFPMPF_REPLY_MORE = 1 };

struct ofp13_multipart_header {
    of_be16 type;
    of_be16 flags;
    uint8_t pad[4];
};
_Static_assert(sizeof(struct ofp13_multipart_header) == 8, "mp_header");

struct ofp13_flow_stats_request {
    uint8_t table_id;
    uint8_t pad[3];
    of_be32 out_port;
    of_be32 out_group;
    uint8_t pad2[4];
    of_be64 cookie;
    of_be64 cookie_mask;
    /* Followed by struct ofp13_match. */
};
_Static_assert(sizeof(struct ofp13_flow_stats_request) == 32, "fs_request");

struct ofp13_flow_stats {
    of_be16 length;
    uint8_t table_id;
    uint8_t pad;
    of_be32 duration_sec;
    of_be32 duration_nsec;
    of_be16 priority;
    of_be16 idle_timeout;
    of_be16 hard_timeout;
    of_be16 flags;
    uint8_t pad2[4];
    of_be64 cookie;
    of_be64 packet_count;
    of_be64 byte_count;
    /* Followed by struct ofp13_match, then instructions. */
};
_Static_assert(sizeof(struct ofp13_flow_stats) == 48, "flow_stats");

struct ofp13_aggregate_stats_reply {
    of_be64 packet_count;
    of_be64 byte_count;
    of_be32 flow_count;
    uint8_t pad[4];
};
_Static_assert(sizeof(struct ofp13_aggregate_stats_reply) == 24, "agg_reply");

struct ofp13_group_desc {
    of_be16 length;
    uint8_t type;
    uint8_t pad;
    of_be32 group_id;
    /* Followed by buckets. */
};
_Static_assert(sizeof(struct ofp13_group_desc) == 8, "group_desc");

struct ofp13_meter_multipart_request {
    of_be32 meter_id;
    uint8_t pad[4];
};
_Static_assert(sizeof(struct ofp13_meter_multipart_request) == 8, "meter_req");

struct ofp13_meter_stats {
    of_be32 meter_id;
    of_be16 len;
    uint8_t pad[6];
    of_be32 flow_count;
    of_be64 packet_in_count;
    of_be64 byte_in_count;
    of_be32 duration_sec;
    of_be32 duration_nsec;
    /* Followed by struct ofp13_meter_band_stats. */
};
_Static_assert(sizeof(struct ofp13_meter_stats) == 40, "meter_stats");

struct ofp13_meter_band_stats {
    of_be64 packet_band_count;
    of_be64 byte_band_count;
};
_Static_assert(sizeof(struct ofp13_meter_band_stats) == 16, "band_stats");

/* PACKET_IN. */
struct ofp13_packet_in {
    of_be32 buffer_id;
    of_be16 total_len;
    uint8_t reason;
    uint8_t table_id;
    of_be64 cookie;
    /* Followed by struct ofp13_match, 2 bytes of padding, then data. */
};
_Static_assert(sizeof(struct ofp13_packet_in) == 16, "packet_in");

/* PACKET_OUT. */
struct ofp13_packet_out {
    of_be32 buffer_id;
    of_be32 in_port;
    of_be16 actions_len;
    uint8_t pad[6];
    /* Followed by actions, then data. */
};
_Static_assert(sizeof(struct ofp13_packet_out) == 16, "packet_out");

/* PORT_MOD (OpenFlow 1.3). */
struct ofp13_port_mod {
    of_be32 port_no;
    uint8_t pad[4];
    uint8_t hw_addr[6];
    uint8_t pad2[2];
    of_be32 config;
    of_be32 mask;
    of_be32 advertise;
    uint8_t pad3[4];
};
_Static_assert(sizeof(struct ofp13_port_mod) == 32, "port_mod");

/* Experimenter messages. */
#define ONF_EXPERIMENTER_ID 0x4f4e4600
#define NX_EXPERIMENTER_ID 0x00002320

struct ofp13_experimenter_header {
    of_be32 experimenter;
    of_be32 exp_type;
};
_Static_assert(sizeof(struct ofp13_experimenter_header) == 8, "exp_header");

/* Bundles: OpenFlow 1.4 (type 33/34) and the ONF extension for OpenFlow 1.3
 * (OFPT_EXPERIMENTER, experimenter ONF, exp_type 2300/2301). */
enum { ONFT_BUNDLE_CONTROL = 2300, ONFT_BUNDLE_ADD_MESSAGE = 2301 };
enum ofp_bundle_ctrl_type {
    OFPBCT_OPEN_REQUEST = 0,
    OFPBCT_OPEN_REPLY = 1,
    OFPBCT_CLOSE_REQUEST = 2,
    OFPBCT_CLOSE_REPLY = 3,
    OFPBCT_COMMIT_REQUEST = 4,
    OFPBCT_COMMIT_REPLY = 5,
    OFPBCT_DISCARD_REQUEST = 6,
    OFPBCT_DISCARD_REPLY = 7,
};
enum ofp_bundle_flags { OFPBF_ATOMIC = 1 << 0, OFPBF_ORDERED = 1 << 1 };

struct ofp13_bundle_ctrl_msg {
    of_be32 bundle_id;
    of_be16 type;
    of_be16 flags;
    /* Followed by properties. */
};
_Static_assert(sizeof(struct ofp13_bundle_ctrl_msg) == 8, "bundle_ctrl");

struct ofp13_bundle_add_msg {
    of_be32 bundle_id;
    uint8_t pad[2];
    of_be16 flags;
    /* Followed by the inner message (its own header), then properties. */
};
_Static_assert(sizeof(struct ofp13_bundle_add_msg) == 8, "bundle_add");

/* Flow monitoring: the ONF extension for OpenFlow 1.3 that Open vSwitch
 * implements (ONFST_FLOW_MONITOR, a multipart of type OFPMP_EXPERIMENTER with
 * experimenter ONF and exp_type 1870; ONFT_FLOW_MONITOR_PAUSED/RESUMED,
 * OFPT_EXPERIMENTER messages without a body).  The request body is
 * onf_flow_monitor_request followed by an ofp_match; the reply body is a
 * sequence of flow updates, each a full update (24 bytes, then an ofp_match
 * and, if asked for, instructions) or an abbreviated one (8 bytes). */
enum {
    ONFST_FLOW_MONITOR = 1870,
    ONFT_FLOW_MONITOR_PAUSED = 1871,
    ONFT_FLOW_MONITOR_RESUMED = 1872,
};
enum onf_flow_monitor_flags {
    ONFFMF_INITIAL = 1 << 0, /* Flows matching at the start. */
    ONFFMF_ADD = 1 << 1,     /* Flows as they are added. */
    ONFFMF_DELETE = 1 << 2,  /* Flows as they are removed. */
    ONFFMF_MODIFY = 1 << 3,  /* Flows as they are changed. */
    ONFFMF_ACTIONS = 1 << 4, /* Include instructions. */
    ONFFMF_OWN = 1 << 5,     /* Report this connection's changes in full. */
};
enum onf_flow_update_event {
    ONFFME_ADDED = 0,
    ONFFME_DELETED = 1,
    ONFFME_MODIFIED = 2,
    ONFFME_ABBREV = 3, /* This connection's own change, by xid. */
};

struct onf_flow_monitor_request {
    of_be32 id;
    of_be16 flags;     /* ONFFMF_*. */
    of_be16 match_len; /* Of the ofp_match that follows, unpadded. */
    of_be32 out_port;
    uint8_t table_id;
    uint8_t zeros[3];
};
_Static_assert(sizeof(struct onf_flow_monitor_request) == 16, "onf_fmr");

struct onf_flow_update_full {
    of_be16 length;
    of_be16 event;  /* ONFFME_ADDED, _DELETED or _MODIFIED. */
    of_be16 reason; /* OFPRR_* for DELETED, else 0. */
    of_be16 priority;
    of_be16 idle_timeout;
    of_be16 hard_timeout;
    of_be16 match_len;
    uint8_t table_id;
    uint8_t pad;
    of_be64 cookie;
    /* Followed by an ofp_match, then instructions. */
};
_Static_assert(sizeof(struct onf_flow_update_full) == 24, "onf_fuf");

struct onf_flow_update_abbrev {
    of_be16 length; /* 8. */
    of_be16 event;  /* ONFFME_ABBREV. */
    of_be32 xid;
};
_Static_assert(sizeof(struct onf_flow_update_abbrev) == 8, "onf_fua");

#endif /* openflow/of13.h */
