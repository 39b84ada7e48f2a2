/* OpenFlow 1.3 messages: decoded forms, encoders and decoders.
 *
 * Every encoder appends one complete message (header included, length set)
 * to an owned ofp_buf, so that many messages can be batched in one buffer and
 * written with one syscall.  Every decoder takes one whole message, 'msg' of
 * exactly 'len' bytes (as framed by ofp_msg_frame()), validates it completely
 * and fills in a decoded struct; it returns 0 or an ofperr suitable for an
 * error reply (ofp_error_reply_encode()).  Decoders read only through
 * ofp_buf views and never trust a length field.
 *
 * Pointers in decoded structs named 'data' point into the decoded message and
 * live as long as it does; everything else is owned by the struct and freed
 * by its uninit function (which accepts a zeroed or NULL struct).
 *
 * ofp_msg is the union of every decoded message: ofp_msg_decode() dispatches
 * on the header (and multipart/experimenter subtype), ofp_msg_encode() is its
 * inverse.  The fuzz targets and the printer use it; the daemon calls the
 * specific functions. */
#ifndef OFP_MSGS_H
#define OFP_MSGS_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "openflow/of13.h"
#include "ofp/actions.h"
#include "ofp/buf.h"
#include "ofp/errors.h"
#include "ofp/match.h"

/* Every message kind libofp knows. */
enum ofp_msg_kind {
    OFPK_HELLO,
    OFPK_ERROR,
    OFPK_ECHO_REQUEST,
    OFPK_ECHO_REPLY,
    OFPK_FEATURES_REQUEST,
    OFPK_FEATURES_REPLY,
    OFPK_GET_CONFIG_REQUEST,
    OFPK_GET_CONFIG_REPLY,
    OFPK_SET_CONFIG,
    OFPK_PACKET_IN,
    OFPK_FLOW_REMOVED,
    OFPK_PORT_STATUS,
    OFPK_PACKET_OUT,
    OFPK_FLOW_MOD,
    OFPK_GROUP_MOD,
    OFPK_METER_MOD,
    OFPK_MULTIPART_REQUEST,
    OFPK_MULTIPART_REPLY,
    OFPK_BARRIER_REQUEST,
    OFPK_BARRIER_REPLY,
    OFPK_ROLE_REQUEST,
    OFPK_ROLE_REPLY,
    OFPK_GET_ASYNC_REQUEST,
    OFPK_GET_ASYNC_REPLY,
    OFPK_SET_ASYNC,
    OFPK_BUNDLE_CONTROL,
    OFPK_BUNDLE_ADD,
    OFPK_FLOW_MONITOR_PAUSED,  /* ONF experimenter, no body. */
    OFPK_FLOW_MONITOR_RESUMED, /* ONF experimenter, no body. */
    OFPK_N_KINDS
};

const char *ofp_msg_kind_name(enum ofp_msg_kind); /* "OFPT_FLOW_MOD" ... */

/* Framing: if 'data' (of 'size' bytes read from a stream) begins with a whole
 * message, stores its length in '*len' and returns 0; returns EAGAIN if more
 * bytes are needed, or OFPBRC_BAD_LEN if the header's length is below 8. */
int ofp_msg_frame(const void *data, size_t size, size_t *len);

/* Checks the header of message 'msg' ('len' bytes): length field equal to
 * 'len', version OFP13_VERSION unless it is a HELLO.  Stores the kind in
 * '*kind'.  Returns 0 or an ofperr (OFPBRC_BAD_LEN, OFPBRC_BAD_VERSION,
 * OFPBRC_BAD_TYPE, OFPBRC_BAD_MULTIPART, OFPBRC_BAD_EXPERIMENTER,
 * OFPBRC_BAD_EXP_TYPE). */
int ofp_msg_classify(const void *msg, size_t len, enum ofp_msg_kind *kind);

static inline uint32_t
ofp_msg_xid(const void *msg)
{
    return ofp_get_be32((const uint8_t *)msg + 4);
}

/* Encoding helpers shared by the encoders: start a message (returns its
 * offset in 'b') and set its final length. */
size_t ofp_msg_start(struct ofp_buf *b, uint8_t version, uint8_t type,
                     uint32_t xid);
void ofp_msg_finish(struct ofp_buf *b, size_t start);

/* Messages with an empty body: FEATURES_REQUEST, GET_CONFIG_REQUEST,
 * BARRIER_REQUEST/REPLY, GET_ASYNC_REQUEST. */
void ofp_empty_encode(uint8_t type, uint32_t xid, struct ofp_buf *);

/* HELLO. */
struct ofp_hello {
    uint8_t version;         /* Header version. */
    uint32_t version_bitmap; /* Bit N set: version N supported; 0 if absent. */
};
void ofp_hello_encode(uint32_t version_bitmap, uint32_t xid, struct ofp_buf *);
int ofp_hello_decode(const void *msg, size_t len, struct ofp_hello *);
/* Returns the highest version in both 'ours' (a bitmap) and the peer's
 * hello, or 0 if there is none (then reply OFPHFC_INCOMPATIBLE). */
uint8_t ofp_hello_negotiate(uint32_t ours, const struct ofp_hello *peer);

/* ECHO_REQUEST / ECHO_REPLY. */
struct ofp_echo {
    const uint8_t *data; /* Points into the message. */
    size_t data_len;
};
void ofp_echo_encode(bool reply, const void *data, size_t len, uint32_t xid,
                     struct ofp_buf *);
int ofp_echo_decode(const void *msg, size_t len, struct ofp_echo *);
/* Appends the reply to echo request 'msg'. */
void ofp_echo_reply_for(const void *msg, size_t len, struct ofp_buf *);

/* ERROR. */
struct ofp_error {
    uint16_t type;         /* Wire type. */
    uint16_t code;         /* Wire code (exp_code for experimenter). */
    uint32_t experimenter; /* For OFPET_EXPERIMENTER, else 0. */
    int error;             /* The matching enum ofperr, or 0 if unknown. */
    const uint8_t *data;   /* Usually the start of the offending message. */
    size_t data_len;
};
int ofp_error_encode(const struct ofp_error *, uint32_t xid, struct ofp_buf *);
int ofp_error_decode(const void *msg, size_t len, struct ofp_error *);
/* Appends an ERROR for 'error' (an ofperr) in reply to 'bad' ('bad_len'
 * bytes, at most 64 of them are echoed), with the bad message's xid. */
void ofp_error_reply_encode(int error, const void *bad, size_t bad_len,
                            struct ofp_buf *);

/* FEATURES_REPLY. */
struct ofp_features {
    uint64_t datapath_id;
    uint32_t n_buffers;
    uint8_t n_tables;
    uint8_t auxiliary_id;
    uint32_t capabilities;
};
void ofp_features_encode(const struct ofp_features *, uint32_t xid,
                         struct ofp_buf *);
int ofp_features_decode(const void *msg, size_t len, struct ofp_features *);

/* GET_CONFIG_REPLY and SET_CONFIG. */
struct ofp_switch_config {
    uint16_t flags;
    uint16_t miss_send_len;
};
void ofp_switch_config_encode(uint8_t type, const struct ofp_switch_config *,
                              uint32_t xid, struct ofp_buf *);
int ofp_switch_config_decode(const void *msg, size_t len,
                             struct ofp_switch_config *);

/* ROLE_REQUEST / ROLE_REPLY. */
enum ofp_controller_role {
    OFPCR_ROLE_NOCHANGE = 0,
    OFPCR_ROLE_EQUAL = 1,
    OFPCR_ROLE_MASTER = 2,
    OFPCR_ROLE_SLAVE = 3,
};
struct ofp_role {
    uint32_t role;
    uint64_t generation_id;
};
void ofp_role_encode(uint8_t type, const struct ofp_role *, uint32_t xid,
                     struct ofp_buf *);
int ofp_role_decode(const void *msg, size_t len, struct ofp_role *);

/* SET_ASYNC and GET_ASYNC_REPLY.  Index 0: master/equal, 1: slave. */
struct ofp_async {
    uint32_t packet_in_mask[2];
    uint32_t port_status_mask[2];
    uint32_t flow_removed_mask[2];
};
void ofp_async_encode(uint8_t type, const struct ofp_async *, uint32_t xid,
                      struct ofp_buf *);
int ofp_async_decode(const void *msg, size_t len, struct ofp_async *);

/* FLOW_MOD. */
struct ofp_flow_mod {
    uint64_t cookie;
    uint64_t cookie_mask;
    uint8_t table_id;
    uint8_t command; /* OFPFC_*. */
    uint16_t idle_timeout;
    uint16_t hard_timeout;
    uint16_t priority;
    uint32_t buffer_id;
    uint32_t out_port;
    uint32_t out_group;
    uint16_t flags; /* OFPFF_*. */
    struct ofp_match match;
    struct ofp_instructions insts;
};
/* Defaults: ADD, table 0, priority 0x8000, no buffer, out_port/out_group
 * ANY, catch-all match, no instructions (drop). */
void ofp_flow_mod_init(struct ofp_flow_mod *);
void ofp_flow_mod_uninit(struct ofp_flow_mod *);
int ofp_flow_mod_encode(const struct ofp_flow_mod *, uint32_t xid,
                        struct ofp_buf *);
int ofp_flow_mod_decode(const void *msg, size_t len, struct ofp_flow_mod *);

/* FLOW_REMOVED. */
struct ofp_flow_removed {
    uint64_t cookie;
    uint16_t priority;
    uint8_t reason;
    uint8_t table_id;
    uint32_t duration_sec;
    uint32_t duration_nsec;
    uint16_t idle_timeout;
    uint16_t hard_timeout;
    uint64_t packet_count;
    uint64_t byte_count;
    struct ofp_match match;
};
int ofp_flow_removed_encode(const struct ofp_flow_removed *, uint32_t xid,
                            struct ofp_buf *);
int ofp_flow_removed_decode(const void *msg, size_t len,
                            struct ofp_flow_removed *);

/* GROUP_MOD and GROUP_DESC. */
struct ofp_bucket {
    uint16_t weight;
    uint32_t watch_port;
    uint32_t watch_group;
    struct ofp_actions actions;
};
struct ofp_group {
    uint16_t command; /* OFPGC_* (GROUP_MOD only). */
    uint8_t type;     /* OFPGT_*. */
    uint32_t group_id;
    struct ofp_bucket *buckets;
    size_t n_buckets;
};
void ofp_group_init(struct ofp_group *);
void ofp_group_uninit(struct ofp_group *);
struct ofp_bucket *ofp_group_add_bucket(struct ofp_group *);
int ofp_group_mod_encode(const struct ofp_group *, uint32_t xid,
                         struct ofp_buf *);
int ofp_group_mod_decode(const void *msg, size_t len, struct ofp_group *);

/* METER_MOD. */
struct ofp_meter_band {
    uint16_t type; /* OFPMBT_DROP or OFPMBT_DSCP_REMARK. */
    uint32_t rate;
    uint32_t burst_size;
    uint8_t prec_level; /* DSCP_REMARK only. */
};
struct ofp_meter_mod {
    uint16_t command; /* OFPMC_*. */
    uint16_t flags;   /* OFPMF_*. */
    uint32_t meter_id;
    struct ofp_meter_band *bands;
    size_t n_bands;
};
void ofp_meter_mod_uninit(struct ofp_meter_mod *);
int ofp_meter_mod_encode(const struct ofp_meter_mod *, uint32_t xid,
                         struct ofp_buf *);
int ofp_meter_mod_decode(const void *msg, size_t len, struct ofp_meter_mod *);

/* Ports (PORT_DESC entries and PORT_STATUS). */
struct ofp_port {
    uint32_t port_no;
    uint8_t hw_addr[6];
    char name[OFP_MAX_PORT_NAME_LEN + 1]; /* Always NUL-terminated. */
    uint32_t config;
    uint32_t state;
    uint32_t curr;
    uint32_t advertised;
    uint32_t supported;
    uint32_t peer;
    uint32_t curr_speed;
    uint32_t max_speed;
};
enum ofp_port_reason { OFPPR_ADD = 0, OFPPR_DELETE = 1, OFPPR_MODIFY = 2 };
struct ofp_port_status {
    uint8_t reason; /* OFPPR_*. */
    struct ofp_port desc;
};
void ofp_port_status_encode(const struct ofp_port_status *, uint32_t xid,
                            struct ofp_buf *);
int ofp_port_status_decode(const void *msg, size_t len,
                           struct ofp_port_status *);
/* One struct ofp13_port (64 bytes), for PORT_STATUS and PORT_DESC: encode
 * appends it; decode pulls it from the front of view 'view' and returns 0 or
 * OFPBRC_BAD_LEN. */
void ofp_port_encode(const struct ofp_port *, struct ofp_buf *);
int ofp_port_decode(struct ofp_buf *view, struct ofp_port *);

/* PACKET_IN. */
struct ofp_packet_in {
    uint32_t buffer_id;
    uint16_t total_len;
    uint8_t reason;
    uint8_t table_id;
    uint64_t cookie;
    struct ofp_match match;
    const uint8_t *data; /* Points into the message. */
    size_t data_len;
};
int ofp_packet_in_encode(const struct ofp_packet_in *, uint32_t xid,
                         struct ofp_buf *);
int ofp_packet_in_decode(const void *msg, size_t len, struct ofp_packet_in *);

/* PACKET_OUT. */
struct ofp_packet_out {
    uint32_t buffer_id;
    uint32_t in_port;
    struct ofp_actions actions;
    const uint8_t *data; /* Points into the message (decode) or caller's. */
    size_t data_len;
};
void ofp_packet_out_uninit(struct ofp_packet_out *);
int ofp_packet_out_encode(const struct ofp_packet_out *, uint32_t xid,
                          struct ofp_buf *);
int ofp_packet_out_decode(const void *msg, size_t len,
                          struct ofp_packet_out *);

/* libofp's multipart type for Open vSwitch's flow monitor for OpenFlow 1.3,
 * ONFST_FLOW_MONITOR: on the wire it is OFPMP_EXPERIMENTER followed by
 * {ONF_EXPERIMENTER_ID, ONFST_FLOW_MONITOR} in every part, which the
 * multipart code adds and strips.  This value itself never appears on the
 * wire (a message carrying it is rejected). */
#define OFPMP_ONF_FLOW_MONITOR 0xfff0

/* MULTIPART requests: PORT_DESC, FLOW, AGGREGATE, GROUP_DESC, METER,
 * ONF_FLOW_MONITOR. */
struct ofp_mp_request {
    uint16_t type; /* OFPMP_*. */
    uint16_t flags;
    /* FLOW and AGGREGATE: */
    uint8_t table_id;   /* OFPTT_ALL for all tables. */
    uint32_t out_port;  /* OFPP_ANY for any. */
    uint32_t out_group; /* OFPG_ANY for any. */
    uint64_t cookie;
    uint64_t cookie_mask;
    struct ofp_match match;
    /* METER: */
    uint32_t meter_id; /* OFPM_ALL for all. */
    /* ONF_FLOW_MONITOR (one monitor; also uses table_id, out_port, match): */
    uint32_t monitor_id;
    uint16_t monitor_flags; /* ONFFMF_*: at least one of ADD, DELETE,
                             * MODIFY. */
};
/* Defaults: table ALL, out_port ANY, out_group ANY, catch-all, meter ALL. */
void ofp_mp_request_init(struct ofp_mp_request *, uint16_t type);
int ofp_mp_request_encode(const struct ofp_mp_request *, uint32_t xid,
                          struct ofp_buf *);
int ofp_mp_request_decode(const void *msg, size_t len,
                          struct ofp_mp_request *);

/* MULTIPART reply entries. */
struct ofp_flow_stats {
    uint8_t table_id;
    uint32_t duration_sec;
    uint32_t duration_nsec;
    uint16_t priority;
    uint16_t idle_timeout;
    uint16_t hard_timeout;
    uint16_t flags;
    uint64_t cookie;
    uint64_t packet_count;
    uint64_t byte_count;
    struct ofp_match match;
    struct ofp_instructions insts;
    int error; /* Lenient decoding only: why the match or instructions did
                * not decode (both then empty), or 0. */
};
struct ofp_aggregate_stats {
    uint64_t packet_count;
    uint64_t byte_count;
    uint32_t flow_count;
};
struct ofp_meter_stats {
    uint32_t meter_id;
    uint32_t flow_count;
    uint64_t packet_in_count;
    uint64_t byte_in_count;
    uint32_t duration_sec;
    uint32_t duration_nsec;
    struct ofp_band_stats {
        uint64_t packet_band_count;
        uint64_t byte_band_count;
    } * bands;
    size_t n_bands;
};

/* One ONF_FLOW_MONITOR update.  ONFFME_ABBREV (a change made by the
 * monitoring connection itself) has only 'xid'; the others have the rest. */
struct ofp_flow_update {
    uint16_t event;  /* ONFFME_*. */
    uint16_t reason; /* OFPRR_* for ONFFME_DELETED. */
    uint16_t priority;
    uint16_t idle_timeout;
    uint16_t hard_timeout;
    uint8_t table_id;
    uint64_t cookie;
    struct ofp_match match;
    struct ofp_instructions insts; /* Empty unless ONFFMF_ACTIONS. */
    uint32_t xid;                  /* ONFFME_ABBREV. */
    int error; /* Lenient decoding only, as in ofp_flow_stats. */
};

/* A multipart reply body: one message's worth, or a whole reassembled
 * reply.  Arrays are owned. */
struct ofp_mp_reply {
    uint16_t type;          /* OFPMP_*. */
    uint16_t flags;         /* OFPMPF_REPLY_MORE on all parts but the last. */
    struct ofp_port *ports; /* PORT_DESC. */
    struct ofp_flow_stats *flows;         /* FLOW. */
    struct ofp_group *groups;             /* GROUP_DESC (command unused). */
    struct ofp_meter_stats *meters;       /* METER. */
    struct ofp_flow_update *updates;      /* ONF_FLOW_MONITOR. */
    size_t n;                             /* Entries in the array in use. */
    struct ofp_aggregate_stats aggregate; /* AGGREGATE. */
};
void ofp_mp_reply_init(struct ofp_mp_reply *, uint16_t type);
void ofp_mp_reply_uninit(struct ofp_mp_reply *);
/* Appends 'reply' as one or more MULTIPART_REPLY messages of at most
 * 'max_msg_len' bytes each (65535 if 0), all with 'xid', every one but the
 * last flagged OFPMPF_REPLY_MORE (the last too if 'reply->flags' has it).
 * Returns 0 or an ofperr. */
int ofp_mp_reply_encode(const struct ofp_mp_reply *, uint32_t xid,
                        size_t max_msg_len, struct ofp_buf *);
/* Decodes one MULTIPART_REPLY message (one part). */
int ofp_mp_reply_decode(const void *msg, size_t len, struct ofp_mp_reply *);
/* Decodes a reply body of 'type' (the concatenated bodies of all parts). */
int ofp_mp_reply_decode_body(uint16_t type, const void *body, size_t len,
                             struct ofp_mp_reply *);

/* Reassembly of a multipart reply split over several messages.
 *
 * 'lenient' (false after ofp_mp_assembler_init(); set it after) is for a
 * controller reading flows it did not write: a FLOW entry or a flow monitor
 * update whose frame is sound but whose match or instructions libofp cannot
 * decode (a field or action it does not know) is kept, with its cookie,
 * table and priority, an empty match and instructions and 'error' set,
 * instead of failing the whole reply. */
struct ofp_mp_assembler {
    bool lenient;
    bool active;         /* A reply is being assembled. */
    uint32_t xid;        /* Its xid. */
    uint16_t type;       /* Its OFPMP_* type. */
    struct ofp_buf body; /* Concatenated bodies so far. */
};
void ofp_mp_assembler_init(struct ofp_mp_assembler *);
void ofp_mp_assembler_uninit(struct ofp_mp_assembler *);
/* Adds reply part 'msg'.  When it is the last part (no MORE flag), decodes
 * the whole reply into '*reply', sets '*done' and resets the assembler.
 * A part whose xid or type differs from the reply in progress is an error
 * (OFPBRC_BAD_MULTIPART) that abandons it. */
int ofp_mp_assembler_add(struct ofp_mp_assembler *, const void *msg,
                         size_t len, struct ofp_mp_reply *reply, bool *done);

/* Bundles: OpenFlow 1.4 messages, or the ONF extension for OpenFlow 1.3
 * (OFPT_EXPERIMENTER, ONF_EXPERIMENTER_ID, exp_type 2300/2301).  'version'
 * selects which: OFP13_VERSION uses the extension. */
struct ofp_bundle_ctrl {
    uint32_t bundle_id;
    uint16_t type;  /* OFPBCT_*. */
    uint16_t flags; /* OFPBF_*. */
};
void ofp_bundle_ctrl_encode(uint8_t version, const struct ofp_bundle_ctrl *,
                            uint32_t xid, struct ofp_buf *);
int ofp_bundle_ctrl_decode(const void *msg, size_t len,
                           struct ofp_bundle_ctrl *);
struct ofp_bundle_add {
    uint32_t bundle_id;
    uint16_t flags;
    const uint8_t *msg; /* The inner message, header included. */
    size_t msg_len;
};
/* The inner message must have the same xid as the bundle_add (spec). */
void ofp_bundle_add_encode(uint8_t version, const struct ofp_bundle_add *,
                           uint32_t xid, struct ofp_buf *);
int ofp_bundle_add_decode(const void *msg, size_t len,
                          struct ofp_bundle_add *);

/* ONFT_FLOW_MONITOR_PAUSED ('resumed' false) or _RESUMED: Open vSwitch
 * pauses a flow monitor whose connection is backlogged and resumes it,
 * with the updates it held back, once the backlog drains. */
void ofp_flow_monitor_signal_encode(bool resumed, uint32_t xid,
                                    struct ofp_buf *);

/* Any message. */
struct ofp_msg {
    enum ofp_msg_kind kind;
    uint8_t version;
    uint8_t type; /* Header type. */
    uint32_t xid;
    union {
        struct ofp_hello hello;
        struct ofp_echo echo;
        struct ofp_error error;
        struct ofp_features features;
        struct ofp_switch_config config;
        struct ofp_role role;
        struct ofp_async async;
        struct ofp_flow_mod flow_mod;
        struct ofp_flow_removed flow_removed;
        struct ofp_group group_mod;
        struct ofp_meter_mod meter_mod;
        struct ofp_port_status port_status;
        struct ofp_packet_in packet_in;
        struct ofp_packet_out packet_out;
        struct ofp_mp_request mp_request;
        struct ofp_mp_reply mp_reply;
        struct ofp_bundle_ctrl bundle_ctrl;
        struct ofp_bundle_add bundle_add;
    };
};
int ofp_msg_decode(const void *msg, size_t len, struct ofp_msg *);
int ofp_msg_encode(const struct ofp_msg *, struct ofp_buf *);
void ofp_msg_uninit(struct ofp_msg *);

#endif /* ofp/msgs.h */
