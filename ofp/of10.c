/* OpenFlow 1.0 messages for the NO_FLOOD session.  See ofp/of10.h.
 *
 * Only what src/noflood.c exchanges with ovs-vswitchd is encoded and
 * decoded; the rest of 1.0 is classified (ofp10_msg_classify()) so that the
 * client can skip asynchronous messages (PACKET_IN, PORT_STATUS, ...).
 *
 * Lengths: FEATURES_REPLY is 24 bytes of body plus a whole number of
 * 48-byte ports, PORT_MOD exactly 24 bytes of body, a port description
 * reply 4 bytes of statistics header plus whole ports, PORT_STATUS exactly
 * 56, NXT_SET_ASYNC_CONFIG exactly 32 (vendor and subtype included);
 * anything else is OFPBRC_BAD_LEN.  A FEATURES_REPLY with no room left for another port
 * (its length plus 48 exceeds 65535) decodes with 'truncated' set: Open
 * vSwitch then leaves out the ports that do not fit.
 *
 * Errors: 1.0 numbers its error types differently from 1.3 (FLOW_MOD_FAILED
 * is 3, PORT_MOD_FAILED 4, QUEUE_OP_FAILED 5) and its FLOW_MOD_FAILED codes
 * too; ofp10_error_from_wire() maps them to the enum ofperr of the same
 * meaning, so that callers compare with OFPERR_OFPPMFC_BAD_PORT etc.  Codes
 * of 1.0 that have no 1.3 counterpart (FLOW_MOD_FAILED UNSUPPORTED) and
 * vendor errors decode with 'error' 0 and their raw type and code. */
#include <config.h>

#include <errno.h>
#include <stdlib.h>

#include "ofp/of10.h"

/* Names of the 1.0 message types. */
static const char *const type_names__[OFPT10_N_TYPES] = {
    [OFPT10_HELLO] = "OFPT_HELLO",
    [OFPT10_ERROR] = "OFPT_ERROR",
    [OFPT10_ECHO_REQUEST] = "OFPT_ECHO_REQUEST",
    [OFPT10_ECHO_REPLY] = "OFPT_ECHO_REPLY",
    [OFPT10_VENDOR] = "OFPT_VENDOR",
    [OFPT10_FEATURES_REQUEST] = "OFPT_FEATURES_REQUEST",
    [OFPT10_FEATURES_REPLY] = "OFPT_FEATURES_REPLY",
    [OFPT10_GET_CONFIG_REQUEST] = "OFPT_GET_CONFIG_REQUEST",
    [OFPT10_GET_CONFIG_REPLY] = "OFPT_GET_CONFIG_REPLY",
    [OFPT10_SET_CONFIG] = "OFPT_SET_CONFIG",
    [OFPT10_PACKET_IN] = "OFPT_PACKET_IN",
    [OFPT10_FLOW_REMOVED] = "OFPT_FLOW_REMOVED",
    [OFPT10_PORT_STATUS] = "OFPT_PORT_STATUS",
    [OFPT10_PACKET_OUT] = "OFPT_PACKET_OUT",
    [OFPT10_FLOW_MOD] = "OFPT_FLOW_MOD",
    [OFPT10_PORT_MOD] = "OFPT_PORT_MOD",
    [OFPT10_STATS_REQUEST] = "OFPT_STATS_REQUEST",
    [OFPT10_STATS_REPLY] = "OFPT_STATS_REPLY",
    [OFPT10_BARRIER_REQUEST] = "OFPT_BARRIER_REQUEST",
    [OFPT10_BARRIER_REPLY] = "OFPT_BARRIER_REPLY",
    [OFPT10_QUEUE_GET_CONFIG_REQUEST] = "OFPT_QUEUE_GET_CONFIG_REQUEST",
    [OFPT10_QUEUE_GET_CONFIG_REPLY] = "OFPT_QUEUE_GET_CONFIG_REPLY",
};

const char *
ofp10_type_name(int type)
{
    return type >= 0 && type < OFPT10_N_TYPES ? type_names__[type]
                                              : "OFPT_UNKNOWN";
}

/* Returns true for the 1.0 types whose messages have no body. */
static bool
type_is_empty__(enum ofp10_type type)
{
    return (type == OFPT10_FEATURES_REQUEST ||
            type == OFPT10_GET_CONFIG_REQUEST ||
            type == OFPT10_BARRIER_REQUEST || type == OFPT10_BARRIER_REPLY);
}

/* See of10.h for the rules. */
int
ofp10_msg_classify(const void *msg, size_t len, enum ofp10_type *type)
{
    const uint8_t *p = msg;

    if (!msg || len < OFP_HEADER_LEN || ofp_get_be16(p + 2) != len) {
        return OFPERR_OFPBRC_BAD_LEN;
    }
    if (p[1] == OFPT10_HELLO) {
        *type = OFPT10_HELLO;
        return 0;
    }
    if (p[0] != OFP10_VERSION) {
        return OFPERR_OFPBRC_BAD_VERSION;
    }
    if (p[1] >= OFPT10_N_TYPES) {
        return OFPERR_OFPBRC_BAD_TYPE;
    }
    enum ofp10_type t = (enum ofp10_type)p[1];
    if (type_is_empty__(t) && len != OFP_HEADER_LEN) {
        return OFPERR_OFPBRC_BAD_LEN;
    }
    if ((t == OFPT10_STATS_REQUEST || t == OFPT10_STATS_REPLY) &&
        len < OFP_HEADER_LEN + sizeof(struct ofp10_stats_msg)) {
        return OFPERR_OFPBRC_BAD_LEN;
    }
    *type = t;
    return 0;
}

/* Classifies 'msg' ('len' bytes), checks that its type is 'want' and makes
 * 'body' a view of the bytes after the header.  Returns 0 or an ofperr. */
static int
body__(const void *msg, size_t len, enum ofp10_type want, struct ofp_buf *body)
{
    enum ofp10_type type;
    int error = ofp10_msg_classify(msg, len, &type);
    if (error) {
        return error;
    }
    if (type != want) {
        return OFPERR_OFPBRC_BAD_TYPE;
    }
    ofp_buf_use_const(body, (const uint8_t *)msg + OFP_HEADER_LEN,
                      len - OFP_HEADER_LEN);
    return 0;
}

/* HELLO. */

/* Appends a 1.0 HELLO (header only) with 'xid' to 'b'. */
void
ofp10_hello_encode(uint32_t xid, struct ofp_buf *b)
{
    ofp_msg_finish(b, ofp_msg_start(b, OFP10_VERSION, OFPT10_HELLO, xid));
}

/* See of10.h.  A version-1 HELLO may carry a body, which 1.0 says to
 * ignore; a later version's HELLO is parsed by ofp_hello_decode() (its
 * version bitmap element, if any, decides). */
int
ofp10_hello_check(const void *msg, size_t len)
{
    enum ofp10_type type;
    int error = ofp10_msg_classify(msg, len, &type);
    if (error) {
        return error;
    }
    if (type != OFPT10_HELLO) {
        return OFPERR_OFPBRC_BAD_TYPE;
    }
    uint8_t version = *(const uint8_t *)msg;
    if (version == OFP10_VERSION) {
        return 0;
    } else if (version < OFP10_VERSION) {
        return OFPERR_OFPHFC_INCOMPATIBLE;
    }

    struct ofp_hello hello;
    error = ofp_hello_decode(msg, len, &hello);
    if (error) {
        return error;
    }
    if (hello.version_bitmap &&
        !(hello.version_bitmap & (1u << OFP10_VERSION))) {
        return OFPERR_OFPHFC_INCOMPATIBLE;
    }
    return 0;
}

/* Appends a 1.0 message of 'type' with no body and 'xid' to 'b'. */
void
ofp10_empty_encode(enum ofp10_type type, uint32_t xid, struct ofp_buf *b)
{
    ofp_msg_finish(b, ofp_msg_start(b, OFP10_VERSION, type, xid));
}

/* ECHO. */

/* Appends a 1.0 ECHO_REPLY (if 'reply') or ECHO_REQUEST with 'xid' carrying
 * 'len' bytes of 'data' to 'b'.  Data beyond what fits in one message is
 * dropped. */
void
ofp10_echo_encode(bool reply, const void *data, size_t len, uint32_t xid,
                  struct ofp_buf *b)
{
    size_t start =
        ofp_msg_start(b, OFP10_VERSION,
                      reply ? OFPT10_ECHO_REPLY : OFPT10_ECHO_REQUEST, xid);
    if (len > OFP_MAX_MSG_LEN - OFP_HEADER_LEN) {
        len = OFP_MAX_MSG_LEN - OFP_HEADER_LEN;
    }
    if (len) {
        ofp_buf_put(b, data, len);
    }
    ofp_msg_finish(b, start);
}

/* Decodes 1.0 ECHO_REQUEST or ECHO_REPLY 'msg' ('len' bytes) into 'echo',
 * whose data then points into 'msg'.  Returns 0 or an ofperr. */
int
ofp10_echo_decode(const void *msg, size_t len, struct ofp_echo *echo)
{
    enum ofp10_type type;

    memset(echo, 0, sizeof *echo);
    int error = ofp10_msg_classify(msg, len, &type);
    if (error) {
        return error;
    }
    if (type != OFPT10_ECHO_REQUEST && type != OFPT10_ECHO_REPLY) {
        return OFPERR_OFPBRC_BAD_TYPE;
    }
    echo->data = (const uint8_t *)msg + OFP_HEADER_LEN;
    echo->data_len = len - OFP_HEADER_LEN;
    return 0;
}

void
ofp10_echo_reply_for(const void *msg, size_t len, struct ofp_buf *b)
{
    if (len < OFP_HEADER_LEN || len > OFP_MAX_MSG_LEN) {
        return;
    }
    ofp10_echo_encode(true, (const uint8_t *)msg + OFP_HEADER_LEN,
                      len - OFP_HEADER_LEN, ofp_msg_xid(msg), b);
}

/* ERROR. */

/* 1.0 FLOW_MOD_FAILED codes and their enum ofperr. */
static const struct {
    uint16_t code;
    int error;
} flow_mod_codes__[] = {
    { OFPFMFC10_ALL_TABLES_FULL, OFPERR_OFPFMFC_TABLE_FULL },
    { OFPFMFC10_OVERLAP, OFPERR_OFPFMFC_OVERLAP },
    { OFPFMFC10_EPERM, OFPERR_OFPFMFC_EPERM },
    { OFPFMFC10_BAD_EMERG_TIMEOUT, OFPERR_OFPFMFC_BAD_TIMEOUT },
    { OFPFMFC10_BAD_COMMAND, OFPERR_OFPFMFC_BAD_COMMAND },
};
#define N_FLOW_MOD_CODES (sizeof flow_mod_codes__ / sizeof *flow_mod_codes__)

/* Highest 1.0 code of the types whose codes equal 1.3's. */
static int
max_same_code__(uint16_t type10)
{
    switch (type10) {
    case OFPET10_HELLO_FAILED:
        return 1;
    case OFPET10_BAD_REQUEST:
    case OFPET10_BAD_ACTION:
        return 8;
    case OFPET10_PORT_MOD_FAILED:
        return 1;
    case OFPET10_QUEUE_OP_FAILED:
        return 2;
    default:
        return -1;
    }
}

/* The 1.3 type of 1.0 error type 'type10', for the types of
 * max_same_code__(). */
static uint16_t
type_to_13__(uint16_t type10)
{
    switch (type10) {
    case OFPET10_PORT_MOD_FAILED:
        return OFPET_PORT_MOD_FAILED;
    case OFPET10_QUEUE_OP_FAILED:
        return OFPET_QUEUE_OP_FAILED;
    default:
        return type10;
    }
}

int
ofp10_error_from_wire(uint16_t type, uint16_t code)
{
    if (type == OFPET10_FLOW_MOD_FAILED) {
        for (size_t i = 0; i < N_FLOW_MOD_CODES; i++) {
            if (flow_mod_codes__[i].code == code) {
                return flow_mod_codes__[i].error;
            }
        }
        return 0;
    }
    if ((int)code > max_same_code__(type)) {
        return 0;
    }
    return ofperr_from_type_code(type_to_13__(type), code);
}

/* Stores the 1.0 wire form of ofperr 'error' in '*type' and '*code'.
 * Returns false if it has none. */
static bool
error_to_wire__(int error, uint16_t *type, uint16_t *code)
{
    for (uint16_t t = OFPET10_HELLO_FAILED; t <= OFPET10_QUEUE_OP_FAILED;
         t++) {
        if (t == OFPET10_FLOW_MOD_FAILED) {
            for (size_t i = 0; i < N_FLOW_MOD_CODES; i++) {
                if (flow_mod_codes__[i].error == error) {
                    *type = t;
                    *code = flow_mod_codes__[i].code;
                    return true;
                }
            }
        } else if (ofperr_type(error) == type_to_13__(t) &&
                   (int)ofperr_code(error) <= max_same_code__(t)) {
            *type = t;
            *code = ofperr_code(error);
            return true;
        }
    }
    return false;
}

int
ofp10_error_encode(const struct ofp_error *err, uint32_t xid,
                   struct ofp_buf *b)
{
    uint16_t type = err->type;
    uint16_t code = err->code;

    if (err->error && (!ofperr_is_valid(err->error) ||
                       !error_to_wire__(err->error, &type, &code))) {
        return EINVAL;
    }
    if (err->data_len > OFP_MAX_MSG_LEN - OFP_HEADER_LEN - 4) {
        return EMSGSIZE;
    }
    size_t start = ofp_msg_start(b, OFP10_VERSION, OFPT10_ERROR, xid);
    ofp_buf_put_be16(b, type);
    ofp_buf_put_be16(b, code);
    if (err->data_len) {
        ofp_buf_put(b, err->data, err->data_len);
    }
    ofp_msg_finish(b, start);
    return 0;
}

/* Decodes 1.0 ERROR 'msg' ('len' bytes) into 'err', whose data then points
 * into 'msg'.  Returns 0 or an ofperr (OFPBRC_BAD_LEN without type and
 * code). */
int
ofp10_error_decode(const void *msg, size_t len, struct ofp_error *err)
{
    struct ofp_buf body;

    memset(err, 0, sizeof *err);
    int error = body__(msg, len, OFPT10_ERROR, &body);
    if (error) {
        return error;
    }
    if (!ofp_buf_pull_be16(&body, &err->type) ||
        !ofp_buf_pull_be16(&body, &err->code)) {
        return OFPERR_OFPBRC_BAD_LEN;
    }
    err->error = ofp10_error_from_wire(err->type, err->code);
    err->data = body.data;
    err->data_len = body.size;
    return 0;
}

/* Ports. */

void
ofp10_port_encode(const struct ofp10_port *port, struct ofp_buf *b)
{
    char name[OFP_MAX_PORT_NAME_LEN];

    ofp_buf_put_be16(b, port->port_no);
    ofp_buf_put(b, port->hw_addr, sizeof port->hw_addr);
    memset(name, 0, sizeof name);
    memcpy(name, port->name, strnlen(port->name, sizeof name));
    ofp_buf_put(b, name, sizeof name);
    ofp_buf_put_be32(b, port->config);
    ofp_buf_put_be32(b, port->state);
    ofp_buf_put_be32(b, port->curr);
    ofp_buf_put_be32(b, port->advertised);
    ofp_buf_put_be32(b, port->supported);
    ofp_buf_put_be32(b, port->peer);
}

int
ofp10_port_decode(struct ofp_buf *view, struct ofp10_port *port)
{
    const uint8_t *p = ofp_buf_try_pull(view, sizeof(struct ofp10_phy_port));

    memset(port, 0, sizeof *port);
    if (!p) {
        return OFPERR_OFPBRC_BAD_LEN;
    }
    port->port_no = ofp_get_be16(p);
    memcpy(port->hw_addr, p + 2, sizeof port->hw_addr);
    memcpy(port->name, p + 8,
           strnlen((const char *)p + 8, OFP_MAX_PORT_NAME_LEN));
    port->config = ofp_get_be32(p + 24);
    port->state = ofp_get_be32(p + 28);
    port->curr = ofp_get_be32(p + 32);
    port->advertised = ofp_get_be32(p + 36);
    port->supported = ofp_get_be32(p + 40);
    port->peer = ofp_get_be32(p + 44);
    return 0;
}

/* Decodes the rest of view 'body', which must be a whole number of ports,
 * into a new array '*ports' of '*n_ports'.  Returns 0 or OFPBRC_BAD_LEN
 * (then '*ports' is NULL). */
static int
ports_decode__(struct ofp_buf *body, struct ofp10_port **ports,
               size_t *n_ports)
{
    *ports = NULL;
    *n_ports = 0;
    if (body->size % sizeof(struct ofp10_phy_port)) {
        return OFPERR_OFPBRC_BAD_LEN;
    }
    size_t n = body->size / sizeof(struct ofp10_phy_port);
    if (!n) {
        return 0;
    }
    struct ofp10_port *array = ofp_xcalloc(n, sizeof *array);
    for (size_t i = 0; i < n; i++) {
        /* Cannot fail: the size was checked above. */
        ofp10_port_decode(body, &array[i]);
    }
    *ports = array;
    *n_ports = n;
    return 0;
}

/* Returns true if a message of 'head' bytes and 'n_ports' ports fits in
 * one OpenFlow message. */
static bool
ports_fit__(size_t head, size_t n_ports)
{
    return n_ports <= (OFP_MAX_MSG_LEN - head) / sizeof(struct ofp10_phy_port);
}

/* FEATURES_REPLY. */

void
ofp10_features_uninit(struct ofp10_features *f)
{
    if (f) {
        free(f->ports);
        f->ports = NULL;
        f->n_ports = 0;
    }
}

int
ofp10_features_encode(const struct ofp10_features *f, uint32_t xid,
                      struct ofp_buf *b)
{
    size_t head = OFP_HEADER_LEN + sizeof(struct ofp10_switch_features);
    if (!ports_fit__(head, f->n_ports)) {
        return EMSGSIZE;
    }
    size_t start = ofp_msg_start(b, OFP10_VERSION, OFPT10_FEATURES_REPLY, xid);
    ofp_buf_put_be64(b, f->datapath_id);
    ofp_buf_put_be32(b, f->n_buffers);
    ofp_buf_put_u8(b, f->n_tables);
    ofp_buf_put_zeros(b, 3);
    ofp_buf_put_be32(b, f->capabilities);
    ofp_buf_put_be32(b, f->actions);
    for (size_t i = 0; i < f->n_ports; i++) {
        ofp10_port_encode(&f->ports[i], b);
    }
    ofp_msg_finish(b, start);
    return 0;
}

int
ofp10_features_decode(const void *msg, size_t len, struct ofp10_features *f)
{
    struct ofp_buf body;

    memset(f, 0, sizeof *f);
    int error = body__(msg, len, OFPT10_FEATURES_REPLY, &body);
    if (error) {
        return error;
    }
    const uint8_t *p =
        ofp_buf_try_pull(&body, sizeof(struct ofp10_switch_features));
    if (!p) {
        return OFPERR_OFPBRC_BAD_LEN;
    }
    f->datapath_id = ofp_get_be64(p);
    f->n_buffers = ofp_get_be32(p + 8);
    f->n_tables = p[12];
    f->capabilities = ofp_get_be32(p + 16);
    f->actions = ofp_get_be32(p + 20);
    error = ports_decode__(&body, &f->ports, &f->n_ports);
    if (error) {
        return error;
    }
    f->truncated = len + sizeof(struct ofp10_phy_port) > OFP_MAX_MSG_LEN;
    return 0;
}

/* PORT_MOD. */

void
ofp10_port_mod_encode(const struct ofp10_port_mod_msg *pm, uint32_t xid,
                      struct ofp_buf *b)
{
    size_t start = ofp_msg_start(b, OFP10_VERSION, OFPT10_PORT_MOD, xid);
    ofp_buf_put_be16(b, pm->port_no);
    ofp_buf_put(b, pm->hw_addr, sizeof pm->hw_addr);
    ofp_buf_put_be32(b, pm->config);
    ofp_buf_put_be32(b, pm->mask);
    ofp_buf_put_be32(b, pm->advertise);
    ofp_buf_put_zeros(b, 4);
    ofp_msg_finish(b, start);
}

int
ofp10_port_mod_decode(const void *msg, size_t len,
                      struct ofp10_port_mod_msg *pm)
{
    struct ofp_buf body;

    memset(pm, 0, sizeof *pm);
    int error = body__(msg, len, OFPT10_PORT_MOD, &body);
    if (error) {
        return error;
    }
    if (body.size != sizeof(struct ofp10_port_mod)) {
        return OFPERR_OFPBRC_BAD_LEN;
    }
    const uint8_t *p = body.data;
    pm->port_no = ofp_get_be16(p);
    memcpy(pm->hw_addr, p + 2, sizeof pm->hw_addr);
    pm->config = ofp_get_be32(p + 8);
    pm->mask = ofp_get_be32(p + 12);
    pm->advertise = ofp_get_be32(p + 16);
    return 0;
}

/* PORT_STATUS. */

void
ofp10_port_status_encode(const struct ofp10_port_status_msg *ps, uint32_t xid,
                         struct ofp_buf *b)
{
    size_t start = ofp_msg_start(b, OFP10_VERSION, OFPT10_PORT_STATUS, xid);
    ofp_buf_put_u8(b, ps->reason);
    ofp_buf_put_zeros(b, 7);
    ofp10_port_encode(&ps->desc, b);
    ofp_msg_finish(b, start);
}

int
ofp10_port_status_decode(const void *msg, size_t len,
                         struct ofp10_port_status_msg *ps)
{
    struct ofp_buf body;

    memset(ps, 0, sizeof *ps);
    int error = body__(msg, len, OFPT10_PORT_STATUS, &body);
    if (error) {
        return error;
    }
    if (body.size != sizeof(struct ofp10_port_status)) {
        return OFPERR_OFPBRC_BAD_LEN;
    }
    ofp_buf_pull_u8(&body, &ps->reason);
    ofp_buf_try_pull(&body, 7);
    return ofp10_port_decode(&body, &ps->desc);
}

/* NXT_SET_ASYNC_CONFIG. */

void
ofp10_nx_set_async_encode(const struct ofp10_async_config *c, uint32_t xid,
                          struct ofp_buf *b)
{
    size_t start = ofp_msg_start(b, OFP10_VERSION, OFPT10_VENDOR, xid);
    ofp_buf_put_be32(b, OF10_NX_VENDOR_ID);
    ofp_buf_put_be32(b, NXT10_SET_ASYNC_CONFIG);
    for (size_t i = 0; i < 2; i++) {
        ofp_buf_put_be32(b, c->packet_in[i]);
    }
    for (size_t i = 0; i < 2; i++) {
        ofp_buf_put_be32(b, c->port_status[i]);
    }
    for (size_t i = 0; i < 2; i++) {
        ofp_buf_put_be32(b, c->flow_removed[i]);
    }
    ofp_msg_finish(b, start);
}

int
ofp10_nx_set_async_decode(const void *msg, size_t len,
                          struct ofp10_async_config *c)
{
    struct ofp_buf body;
    uint32_t vendor, subtype;

    memset(c, 0, sizeof *c);
    int error = body__(msg, len, OFPT10_VENDOR, &body);
    if (error) {
        return error;
    }
    if (!ofp_buf_pull_be32(&body, &vendor) ||
        !ofp_buf_pull_be32(&body, &subtype)) {
        return OFPERR_OFPBRC_BAD_LEN;
    }
    if (vendor != OF10_NX_VENDOR_ID) {
        return OFPERR_OFPBRC_BAD_EXPERIMENTER;
    }
    if (subtype != NXT10_SET_ASYNC_CONFIG) {
        return OFPERR_OFPBRC_BAD_EXP_TYPE;
    }
    if (body.size != sizeof(struct ofp10_nx_async_config)) {
        return OFPERR_OFPBRC_BAD_LEN;
    }
    for (size_t i = 0; i < 2; i++) {
        ofp_buf_pull_be32(&body, &c->packet_in[i]);
    }
    for (size_t i = 0; i < 2; i++) {
        ofp_buf_pull_be32(&body, &c->port_status[i]);
    }
    for (size_t i = 0; i < 2; i++) {
        ofp_buf_pull_be32(&body, &c->flow_removed[i]);
    }
    return 0;
}

/* Port description statistics. */

void
ofp10_port_desc_request_encode(uint32_t xid, struct ofp_buf *b)
{
    size_t start = ofp_msg_start(b, OFP10_VERSION, OFPT10_STATS_REQUEST, xid);
    ofp_buf_put_be16(b, OFPST10_PORT_DESC);
    ofp_buf_put_be16(b, 0);
    ofp_msg_finish(b, start);
}

void
ofp10_port_desc_reply_uninit(struct ofp10_port_desc_reply *r)
{
    if (r) {
        free(r->ports);
        r->ports = NULL;
        r->n_ports = 0;
    }
}

int
ofp10_port_desc_reply_encode(const struct ofp10_port_desc_reply *r,
                             uint32_t xid, struct ofp_buf *b)
{
    size_t head = OFP_HEADER_LEN + sizeof(struct ofp10_stats_msg);
    if (!ports_fit__(head, r->n_ports)) {
        return EMSGSIZE;
    }
    size_t start = ofp_msg_start(b, OFP10_VERSION, OFPT10_STATS_REPLY, xid);
    ofp_buf_put_be16(b, OFPST10_PORT_DESC);
    ofp_buf_put_be16(b, r->more ? OFPSF10_REPLY_MORE : 0);
    for (size_t i = 0; i < r->n_ports; i++) {
        ofp10_port_encode(&r->ports[i], b);
    }
    ofp_msg_finish(b, start);
    return 0;
}

int
ofp10_port_desc_reply_decode(const void *msg, size_t len,
                             struct ofp10_port_desc_reply *r)
{
    struct ofp_buf body;
    uint16_t type = 0, flags = 0;

    memset(r, 0, sizeof *r);
    int error = body__(msg, len, OFPT10_STATS_REPLY, &body);
    if (error) {
        return error;
    }
    /* ofp10_msg_classify() checked that the statistics header is there. */
    ofp_buf_pull_be16(&body, &type);
    ofp_buf_pull_be16(&body, &flags);
    if (type != OFPST10_PORT_DESC) {
        return OFPERR_OFPBRC_BAD_MULTIPART;
    }
    r->more = (flags & OFPSF10_REPLY_MORE) != 0;
    return ports_decode__(&body, &r->ports, &r->n_ports);
}
