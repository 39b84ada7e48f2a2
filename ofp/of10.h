/* OpenFlow 1.0: the few messages of the NO_FLOOD session (src/noflood.c).
 *
 * Open vSwitch honours the port config bit NO_FLOOD only in an OpenFlow 1.0
 * PORT_MOD, so vifguard speaks 1.0 on short connections to a bridge's
 * management socket: HELLO, FEATURES_REQUEST / FEATURES_REPLY (with the
 * ports and their current config), PORT_MOD, BARRIER, ECHO, ERROR, port
 * description statistics (an Open vSwitch extension to 1.0) for bridges with
 * too many ports for one FEATURES_REPLY, and what it takes to watch other
 * clients' changes of the bit: PORT_STATUS and Open vSwitch's
 * NXT_SET_ASYNC_CONFIG.  Everything else of 1.0 is only
 * classified, so that a client can skip it.
 *
 * Same conventions as ofp/msgs.h: encoders append one complete message to an
 * owned ofp_buf; decoders take one whole message 'msg' of exactly 'len'
 * bytes (as framed by ofp_msg_frame(), which works for 1.0 too), read it
 * only through ofp_buf views, validate it completely and return 0 or an
 * enum ofperr.  Decoded structs own their port arrays (free them with the
 * uninit functions, which accept zeroed structs); 'data' pointers point into
 * the message. */
#ifndef OFP_OF10_H
#define OFP_OF10_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "openflow/of10.h"
#include "ofp/buf.h"
#include "ofp/errors.h"
#include "ofp/msgs.h"

/* Returns the name of 1.0 message type 'type', e.g. "OFPT_PORT_MOD", or
 * "OFPT_UNKNOWN". */
const char *ofp10_type_name(int type);

/* Checks the header of 1.0 message 'msg' ('len' bytes) and stores its type
 * in '*type'.  Rules, in order: fewer than 8 bytes or a length field other
 * than 'len': OFPBRC_BAD_LEN; HELLO is accepted in any version; any other
 * message must be version 1 (OFPBRC_BAD_VERSION); types above 21:
 * OFPBRC_BAD_TYPE; FEATURES_REQUEST, GET_CONFIG_REQUEST and
 * BARRIER_REQUEST / REPLY must be exactly 8 bytes, STATS_REQUEST / REPLY at
 * least 12 (OFPBRC_BAD_LEN).  Bodies are the decoders' business. */
int ofp10_msg_classify(const void *msg, size_t len, enum ofp10_type *type);

/* HELLO: version 1, no elements (1.0 has none). */
void ofp10_hello_encode(uint32_t xid, struct ofp_buf *);
/* Checks the peer's HELLO 'msg' (any version): returns 0 if the session can
 * use 1.0 (the peer's version bitmap has bit 1, or without a bitmap its
 * header version is at least 1), OFPHFC_INCOMPATIBLE if not, or another
 * ofperr for a malformed HELLO. */
int ofp10_hello_check(const void *msg, size_t len);

/* Messages without a body: FEATURES_REQUEST, BARRIER_REQUEST/REPLY,
 * GET_CONFIG_REQUEST. */
void ofp10_empty_encode(enum ofp10_type, uint32_t xid, struct ofp_buf *);

/* ECHO_REQUEST / ECHO_REPLY (struct ofp_echo of ofp/msgs.h). */
void ofp10_echo_encode(bool reply, const void *data, size_t len, uint32_t xid,
                       struct ofp_buf *);
int ofp10_echo_decode(const void *msg, size_t len, struct ofp_echo *);
/* Appends the 1.0 reply to echo request 'msg' ('len' bytes, framed): same
 * xid, same data.  Appends nothing if 'len' is not a message length. */
void ofp10_echo_reply_for(const void *msg, size_t len, struct ofp_buf *);

/* ERROR (struct ofp_error of ofp/msgs.h; 'experimenter' stays 0: 1.0 vendor
 * errors decode with their raw type and code).  'error' is the enum ofperr
 * that matches the 1.0 (type, code), or 0 if none does. */
int ofp10_error_decode(const void *msg, size_t len, struct ofp_error *);
/* Appends 'err' as a 1.0 ERROR.  A nonzero 'err->error' selects type and
 * code (EINVAL if that ofperr has no 1.0 form); otherwise 'err->type' and
 * 'err->code' go out as they are.  Returns 0, EINVAL or EMSGSIZE (then
 * nothing is appended). */
int ofp10_error_encode(const struct ofp_error *, uint32_t xid,
                       struct ofp_buf *);
/* Returns the enum ofperr of 1.0 wire error 'type'/'code', or 0. */
int ofp10_error_from_wire(uint16_t type, uint16_t code);

/* A port (struct ofp10_phy_port). */
struct ofp10_port {
    uint16_t port_no;
    uint8_t hw_addr[6];
    char name[OFP_MAX_PORT_NAME_LEN + 1]; /* Always NUL-terminated. */
    uint32_t config;                      /* OFPPC10_*. */
    uint32_t state;
    uint32_t curr;
    uint32_t advertised;
    uint32_t supported;
    uint32_t peer;
};
/* Appends 'port' as a 48-byte ofp10_phy_port / pulls one from the front of
 * view 'view' (OFPBRC_BAD_LEN if fewer bytes remain; 'view' untouched).
 * Names are handled as in ofp/port.c: 16 characters without a NUL are
 * accepted; bytes after the first NUL are ignored. */
void ofp10_port_encode(const struct ofp10_port *, struct ofp_buf *);
int ofp10_port_decode(struct ofp_buf *view, struct ofp10_port *);

/* FEATURES_REPLY. */
struct ofp10_features {
    uint64_t datapath_id;
    uint32_t n_buffers;
    uint8_t n_tables;
    uint32_t capabilities;
    uint32_t actions;
    struct ofp10_port *ports; /* Owned. */
    size_t n_ports;
    /* No room was left for another port: a switch with more ports than
     * fit in 65535 bytes (1364) leaves some out; ask for port descriptions
     * (ofp10_port_desc_request_encode()) instead. */
    bool truncated;
};
void ofp10_features_uninit(struct ofp10_features *);
/* Returns 0, or EMSGSIZE if the ports do not fit in one message. */
int ofp10_features_encode(const struct ofp10_features *, uint32_t xid,
                          struct ofp_buf *);
/* The body must be 24 bytes plus a whole number of 48-byte ports
 * (OFPBRC_BAD_LEN otherwise). */
int ofp10_features_decode(const void *msg, size_t len,
                          struct ofp10_features *);

/* PORT_MOD, decoded (struct ofp10_port_mod is its wire form). */
struct ofp10_port_mod_msg {
    uint16_t port_no;
    uint8_t hw_addr[6]; /* The port's current address. */
    uint32_t config;    /* OFPPC10_* values of the bits in 'mask'. */
    uint32_t mask;      /* OFPPC10_* bits to change. */
    uint32_t advertise; /* 0: unchanged. */
};
void ofp10_port_mod_encode(const struct ofp10_port_mod_msg *, uint32_t xid,
                           struct ofp_buf *);
/* The body must be exactly 24 bytes (OFPBRC_BAD_LEN). */
int ofp10_port_mod_decode(const void *msg, size_t len,
                          struct ofp10_port_mod_msg *);

/* PORT_STATUS. */
struct ofp10_port_status_msg {
    uint8_t reason; /* OFPPR10_*; other values decode as they are. */
    struct ofp10_port desc;
};
void ofp10_port_status_encode(const struct ofp10_port_status_msg *,
                              uint32_t xid, struct ofp_buf *);
/* The body must be exactly 56 bytes (OFPBRC_BAD_LEN). */
int ofp10_port_status_decode(const void *msg, size_t len,
                             struct ofp10_port_status_msg *);

/* NXT_SET_ASYNC_CONFIG (an Open vSwitch VENDOR message): the reasons for
 * which the connection receives PACKET_IN, PORT_STATUS and FLOW_REMOVED,
 * as bitmaps ([0]: master or equal role, [1]: slave). */
struct ofp10_async_config {
    uint32_t packet_in[2];
    uint32_t port_status[2];
    uint32_t flow_removed[2];
};
void ofp10_nx_set_async_encode(const struct ofp10_async_config *, uint32_t xid,
                               struct ofp_buf *);
/* OFPBRC_BAD_TYPE unless a VENDOR message; OFPBRC_BAD_EXPERIMENTER (1.0's
 * BAD_VENDOR) for another vendor, OFPBRC_BAD_EXP_TYPE for another subtype;
 * the body must be exactly 32 bytes (OFPBRC_BAD_LEN). */
int ofp10_nx_set_async_decode(const void *msg, size_t len,
                              struct ofp10_async_config *);

/* Port description statistics (STATS_REQUEST / REPLY of type
 * OFPST10_PORT_DESC).  The request has an empty body; a reply carries
 * ports and may be one part of several ('more': OFPSF10_REPLY_MORE). */
void ofp10_port_desc_request_encode(uint32_t xid, struct ofp_buf *);
struct ofp10_port_desc_reply {
    bool more;                /* More parts follow. */
    struct ofp10_port *ports; /* Owned. */
    size_t n_ports;
};
void ofp10_port_desc_reply_uninit(struct ofp10_port_desc_reply *);
/* Returns 0, or EMSGSIZE if the ports do not fit in one message. */
int ofp10_port_desc_reply_encode(const struct ofp10_port_desc_reply *,
                                 uint32_t xid, struct ofp_buf *);
/* Returns 0 or an ofperr: OFPBRC_BAD_TYPE for another message type,
 * OFPBRC_BAD_STAT (OFPBRC_BAD_MULTIPART) for another statistics type,
 * OFPBRC_BAD_LEN unless the body is a whole number of ports. */
int ofp10_port_desc_reply_decode(const void *msg, size_t len,
                                 struct ofp10_port_desc_reply *);

#endif /* ofp/of10.h */
