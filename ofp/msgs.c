/* Message framing, classification, the shared header helpers and the ofp_msg
 * dispatch (decode/encode/uninit of any message).
 *
 * ofp_msg_classify() is the first check every decoder makes: it judges the
 * OpenFlow header alone (plus the multipart or experimenter subtype that
 * selects the body's format) and names the message's kind, so that the
 * per-message decoders in switch.c, port.c, packet.c, flow.c, ... only have
 * to parse bodies.  Its rules, in order:
 *
 *   - fewer than 8 bytes, or a length field other than 'len':
 *     OFPBRC_BAD_LEN;
 *   - HELLO is accepted in any version (version negotiation needs it);
 *   - OpenFlow 1.4 BUNDLE_CONTROL / BUNDLE_ADD_MESSAGE (types 33/34) are
 *     accepted in version 5 only (so that both bundle forms can be decoded;
 *     vifguard itself speaks 1.3 and uses the ONF extension);
 *   - any other message must be version 4 (OFPBRC_BAD_VERSION);
 *   - MULTIPART_REQUEST / REPLY need the 8-byte multipart header
 *     (OFPBRC_BAD_LEN, as in OVS) and one of the types libofp decodes:
 *     PORT_DESC, FLOW, AGGREGATE, GROUP_DESC, METER (OFPBRC_BAD_MULTIPART);
 *   - EXPERIMENTER needs the 8-byte experimenter header (OFPBRC_BAD_LEN),
 *     the ONF experimenter id (OFPBRC_BAD_EXPERIMENTER) and exp_type
 *     ONFT_BUNDLE_CONTROL or ONFT_BUNDLE_ADD_MESSAGE (OFPBRC_BAD_EXP_TYPE);
 *   - other types, including 1.3 types libofp does not implement (PORT_MOD,
 *     TABLE_MOD, QUEUE_GET_CONFIG_*): OFPBRC_BAD_TYPE;
 *   - messages that have no body (FEATURES_REQUEST, GET_CONFIG_REQUEST,
 *     BARRIER_REQUEST/REPLY, GET_ASYNC_REQUEST) must be exactly 8 bytes
 *     long (OFPBRC_BAD_LEN). */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "ofp/msgs.h"

/* Per-kind facts: name and OpenFlow 1.3 header type (for the bundle kinds,
 * the 1.3 type of the ONF form). */
struct ofp_kind_info__ {
    const char *name;
    uint8_t type;
};

static const struct ofp_kind_info__ kind_info__[OFPK_N_KINDS] = {
    [OFPK_HELLO] = { "OFPT_HELLO", OFPT_HELLO },
    [OFPK_ERROR] = { "OFPT_ERROR", OFPT_ERROR },
    [OFPK_ECHO_REQUEST] = { "OFPT_ECHO_REQUEST", OFPT_ECHO_REQUEST },
    [OFPK_ECHO_REPLY] = { "OFPT_ECHO_REPLY", OFPT_ECHO_REPLY },
    [OFPK_FEATURES_REQUEST] = { "OFPT_FEATURES_REQUEST",
                                OFPT_FEATURES_REQUEST },
    [OFPK_FEATURES_REPLY] = { "OFPT_FEATURES_REPLY", OFPT_FEATURES_REPLY },
    [OFPK_GET_CONFIG_REQUEST] = { "OFPT_GET_CONFIG_REQUEST",
                                  OFPT_GET_CONFIG_REQUEST },
    [OFPK_GET_CONFIG_REPLY] = { "OFPT_GET_CONFIG_REPLY",
                                OFPT_GET_CONFIG_REPLY },
    [OFPK_SET_CONFIG] = { "OFPT_SET_CONFIG", OFPT_SET_CONFIG },
    [OFPK_PACKET_IN] = { "OFPT_PACKET_IN", OFPT_PACKET_IN },
    [OFPK_FLOW_REMOVED] = { "OFPT_FLOW_REMOVED", OFPT_FLOW_REMOVED },
    [OFPK_PORT_STATUS] = { "OFPT_PORT_STATUS", OFPT_PORT_STATUS },
    [OFPK_PACKET_OUT] = { "OFPT_PACKET_OUT", OFPT_PACKET_OUT },
    [OFPK_FLOW_MOD] = { "OFPT_FLOW_MOD", OFPT_FLOW_MOD },
    [OFPK_GROUP_MOD] = { "OFPT_GROUP_MOD", OFPT_GROUP_MOD },
    [OFPK_METER_MOD] = { "OFPT_METER_MOD", OFPT_METER_MOD },
    [OFPK_MULTIPART_REQUEST] = { "OFPT_MULTIPART_REQUEST",
                                 OFPT_MULTIPART_REQUEST },
    [OFPK_MULTIPART_REPLY] = { "OFPT_MULTIPART_REPLY", OFPT_MULTIPART_REPLY },
    [OFPK_BARRIER_REQUEST] = { "OFPT_BARRIER_REQUEST", OFPT_BARRIER_REQUEST },
    [OFPK_BARRIER_REPLY] = { "OFPT_BARRIER_REPLY", OFPT_BARRIER_REPLY },
    [OFPK_ROLE_REQUEST] = { "OFPT_ROLE_REQUEST", OFPT_ROLE_REQUEST },
    [OFPK_ROLE_REPLY] = { "OFPT_ROLE_REPLY", OFPT_ROLE_REPLY },
    [OFPK_GET_ASYNC_REQUEST] = { "OFPT_GET_ASYNC_REQUEST",
                                 OFPT_GET_ASYNC_REQUEST },
    [OFPK_GET_ASYNC_REPLY] = { "OFPT_GET_ASYNC_REPLY", OFPT_GET_ASYNC_REPLY },
    [OFPK_SET_ASYNC] = { "OFPT_SET_ASYNC", OFPT_SET_ASYNC },
    [OFPK_BUNDLE_CONTROL] = { "OFPT_BUNDLE_CONTROL", OFPT_EXPERIMENTER },
    [OFPK_BUNDLE_ADD] = { "OFPT_BUNDLE_ADD_MESSAGE", OFPT_EXPERIMENTER },
    [OFPK_FLOW_MONITOR_PAUSED] = { "OFPT_FLOW_MONITOR_PAUSED",
                                   OFPT_EXPERIMENTER },
    [OFPK_FLOW_MONITOR_RESUMED] = { "OFPT_FLOW_MONITOR_RESUMED",
                                    OFPT_EXPERIMENTER },
};

/* Returns the name of message kind 'kind', e.g. "OFPT_FLOW_MOD", or
 * "OFPT_UNKNOWN" (never NULL) for a value outside the enum. */
const char *
ofp_msg_kind_name(enum ofp_msg_kind kind)
{
    return (unsigned int)kind < OFPK_N_KINDS ? kind_info__[kind].name
                                             : "OFPT_UNKNOWN";
}

/* See msgs.h.  Never reads beyond 'size' bytes of 'data'. */
int
ofp_msg_frame(const void *data, size_t size, size_t *len)
{
    if (size < OFP_HEADER_LEN) {
        return EAGAIN;
    }
    size_t length = ofp_get_be16((const uint8_t *)data + 2);
    if (length < OFP_HEADER_LEN) {
        return OFPERR_OFPBRC_BAD_LEN;
    }
    if (size < length) {
        return EAGAIN;
    }
    *len = length;
    return 0;
}

/* Length of the headers of an experimenter multipart message. */
#define MP_EXP_HEADER_LEN__                                   \
    (OFP_HEADER_LEN + sizeof(struct ofp13_multipart_header) + \
     sizeof(struct ofp13_experimenter_header))

/* Returns true if libofp decodes multipart bodies of type 'type'. */
static bool
multipart_type_supported__(uint16_t type)
{
    return (type == OFPMP_PORT_DESC || type == OFPMP_FLOW ||
            type == OFPMP_AGGREGATE || type == OFPMP_GROUP_DESC ||
            type == OFPMP_METER || type == OFPMP_EXPERIMENTER);
}

/* Classifies the OFPT_EXPERIMENTER message 'p' of 'len' bytes into '*kind'.
 * Returns 0 or an ofperr. */
static int
classify_experimenter__(const uint8_t *p, size_t len, enum ofp_msg_kind *kind)
{
    if (len < OFP_HEADER_LEN + sizeof(struct ofp13_experimenter_header)) {
        return OFPERR_OFPBRC_BAD_LEN;
    }
    if (ofp_get_be32(p + 8) != ONF_EXPERIMENTER_ID) {
        return OFPERR_OFPBRC_BAD_EXPERIMENTER;
    }
    switch (ofp_get_be32(p + 12)) {
    case ONFT_BUNDLE_CONTROL:
        *kind = OFPK_BUNDLE_CONTROL;
        return 0;
    case ONFT_BUNDLE_ADD_MESSAGE:
        *kind = OFPK_BUNDLE_ADD;
        return 0;
    case ONFT_FLOW_MONITOR_PAUSED:
    case ONFT_FLOW_MONITOR_RESUMED:
        if (len != OFP_HEADER_LEN + sizeof(struct ofp13_experimenter_header)) {
            return OFPERR_OFPBRC_BAD_LEN;
        }
        *kind = (ofp_get_be32(p + 12) == ONFT_FLOW_MONITOR_PAUSED
                     ? OFPK_FLOW_MONITOR_PAUSED
                     : OFPK_FLOW_MONITOR_RESUMED);
        return 0;
    default:
        return OFPERR_OFPBRC_BAD_EXP_TYPE;
    }
}

/* Maps OpenFlow 1.3 header type 'type' to '*kind' for the types whose kind
 * follows from the type alone.  Returns false for any other type. */
static bool
simple_kind__(uint8_t type, enum ofp_msg_kind *kind)
{
    for (int k = 0; k < OFPK_N_KINDS; k++) {
        if (kind_info__[k].type != OFPT_EXPERIMENTER &&
            kind_info__[k].type == type) {
            *kind = (enum ofp_msg_kind)k;
            return true;
        }
    }
    return false;
}

/* Returns true for the kinds whose messages have no body. */
static bool
kind_is_empty__(enum ofp_msg_kind kind)
{
    return (kind == OFPK_FEATURES_REQUEST || kind == OFPK_GET_CONFIG_REQUEST ||
            kind == OFPK_BARRIER_REQUEST || kind == OFPK_BARRIER_REPLY ||
            kind == OFPK_GET_ASYNC_REQUEST);
}

/* See msgs.h and the comment at the top of this file for the rules. */
int
ofp_msg_classify(const void *msg, size_t len, enum ofp_msg_kind *kind)
{
    const uint8_t *p = msg;

    if (!msg || len < OFP_HEADER_LEN || ofp_get_be16(p + 2) != len) {
        return OFPERR_OFPBRC_BAD_LEN;
    }

    uint8_t version = p[0];
    uint8_t type = p[1];
    if (type == OFPT_HELLO) {
        *kind = OFPK_HELLO;
        return 0;
    }
    if (version == OFP14_VERSION) {
        if (type == OFPT14_BUNDLE_CONTROL) {
            *kind = OFPK_BUNDLE_CONTROL;
            return 0;
        } else if (type == OFPT14_BUNDLE_ADD_MESSAGE) {
            *kind = OFPK_BUNDLE_ADD;
            return 0;
        }
    }
    if (version != OFP13_VERSION) {
        return OFPERR_OFPBRC_BAD_VERSION;
    }

    if (type == OFPT_EXPERIMENTER) {
        return classify_experimenter__(p, len, kind);
    }
    enum ofp_msg_kind k;
    if (!simple_kind__(type, &k)) {
        return OFPERR_OFPBRC_BAD_TYPE;
    }
    if (k == OFPK_MULTIPART_REQUEST || k == OFPK_MULTIPART_REPLY) {
        if (len < OFP_HEADER_LEN + sizeof(struct ofp13_multipart_header)) {
            return OFPERR_OFPBRC_BAD_LEN;
        }
        if (!multipart_type_supported__(ofp_get_be16(p + 8))) {
            return OFPERR_OFPBRC_BAD_MULTIPART;
        }
        /* The only experimenter multipart libofp knows: the flow monitor. */
        if (ofp_get_be16(p + 8) == OFPMP_EXPERIMENTER) {
            if (len < MP_EXP_HEADER_LEN__) {
                return OFPERR_OFPBRC_BAD_LEN;
            }
            if (ofp_get_be32(p + 16) != ONF_EXPERIMENTER_ID) {
                return OFPERR_OFPBRC_BAD_EXPERIMENTER;
            }
            if (ofp_get_be32(p + 20) != ONFST_FLOW_MONITOR) {
                return OFPERR_OFPBRC_BAD_EXP_TYPE;
            }
        }
    } else if (kind_is_empty__(k) && len != OFP_HEADER_LEN) {
        return OFPERR_OFPBRC_BAD_LEN;
    }
    *kind = k;
    return 0;
}

/* Appends an OpenFlow header with 'version', 'type' and 'xid' to 'b' and
 * returns its offset in 'b', to be passed to ofp_msg_finish() once the body
 * has been appended. */
size_t
ofp_msg_start(struct ofp_buf *b, uint8_t version, uint8_t type, uint32_t xid)
{
    size_t start = b->size;
    ofp_buf_put_u8(b, version);
    ofp_buf_put_u8(b, type);
    ofp_buf_put_be16(b, 0);
    ofp_buf_put_be32(b, xid);
    return start;
}

/* Sets the length field of the message that starts at offset 'start' of 'b'
 * to the number of bytes from 'start' to the end of 'b'.  A message longer
 * than 65535 bytes is a bug in the caller (encoders that take variable-length
 * input check for it first): it aborts. */
void
ofp_msg_finish(struct ofp_buf *b, size_t start)
{
    size_t len = b->size - start;
    if (len > OFP_MAX_MSG_LEN) {
        fprintf(stderr, "vifguard: %zu-byte OpenFlow message\n", len);
        abort();
    }
    ofp_set_be16(b->data + start + 2, (uint16_t)len);
}

/* Appends an OpenFlow 1.3 message of 'type' with no body and 'xid' to 'b'. */
void
ofp_empty_encode(uint8_t type, uint32_t xid, struct ofp_buf *b)
{
    ofp_msg_finish(b, ofp_msg_start(b, OFP13_VERSION, type, xid));
}

/* Decodes message 'msg' of 'len' bytes, whatever its kind, into 'm'.
 * Returns 0 or an ofperr (from ofp_msg_classify() or the kind's decoder).
 * On success the caller must ofp_msg_uninit() 'm'; on failure 'm' owns
 * nothing (its header fields are set if the header was valid). */
int
ofp_msg_decode(const void *msg, size_t len, struct ofp_msg *m)
{
    enum ofp_msg_kind kind;

    memset(m, 0, sizeof *m);
    int error = ofp_msg_classify(msg, len, &kind);
    if (error) {
        return error;
    }

    const uint8_t *p = msg;
    m->kind = kind;
    m->version = p[0];
    m->type = p[1];
    m->xid = ofp_msg_xid(msg);

    switch (kind) {
    case OFPK_HELLO:
        return ofp_hello_decode(msg, len, &m->hello);
    case OFPK_ERROR:
        return ofp_error_decode(msg, len, &m->error);
    case OFPK_ECHO_REQUEST:
    case OFPK_ECHO_REPLY:
        return ofp_echo_decode(msg, len, &m->echo);
    case OFPK_FEATURES_REQUEST:
    case OFPK_GET_CONFIG_REQUEST:
    case OFPK_BARRIER_REQUEST:
    case OFPK_BARRIER_REPLY:
    case OFPK_GET_ASYNC_REQUEST:
        return 0; /* ofp_msg_classify() checked that the body is empty. */
    case OFPK_FEATURES_REPLY:
        return ofp_features_decode(msg, len, &m->features);
    case OFPK_GET_CONFIG_REPLY:
    case OFPK_SET_CONFIG:
        return ofp_switch_config_decode(msg, len, &m->config);
    case OFPK_PACKET_IN:
        return ofp_packet_in_decode(msg, len, &m->packet_in);
    case OFPK_FLOW_REMOVED:
        return ofp_flow_removed_decode(msg, len, &m->flow_removed);
    case OFPK_PORT_STATUS:
        return ofp_port_status_decode(msg, len, &m->port_status);
    case OFPK_PACKET_OUT:
        return ofp_packet_out_decode(msg, len, &m->packet_out);
    case OFPK_FLOW_MOD:
        return ofp_flow_mod_decode(msg, len, &m->flow_mod);
    case OFPK_GROUP_MOD:
        return ofp_group_mod_decode(msg, len, &m->group_mod);
    case OFPK_METER_MOD:
        return ofp_meter_mod_decode(msg, len, &m->meter_mod);
    case OFPK_MULTIPART_REQUEST:
        return ofp_mp_request_decode(msg, len, &m->mp_request);
    case OFPK_MULTIPART_REPLY:
        return ofp_mp_reply_decode(msg, len, &m->mp_reply);
    case OFPK_ROLE_REQUEST:
    case OFPK_ROLE_REPLY:
        return ofp_role_decode(msg, len, &m->role);
    case OFPK_GET_ASYNC_REPLY:
    case OFPK_SET_ASYNC:
        return ofp_async_decode(msg, len, &m->async);
    case OFPK_BUNDLE_CONTROL:
        return ofp_bundle_ctrl_decode(msg, len, &m->bundle_ctrl);
    case OFPK_BUNDLE_ADD:
        return ofp_bundle_add_decode(msg, len, &m->bundle_add);
    case OFPK_FLOW_MONITOR_PAUSED:
    case OFPK_FLOW_MONITOR_RESUMED:
        return 0; /* ofp_msg_classify() checked that the body is empty. */
    case OFPK_N_KINDS:
    default:
        break;
    }
    return OFPERR_OFPBRC_BAD_TYPE;
}

/* Appends message 'm' to 'b': the inverse of ofp_msg_decode().  'm->kind'
 * selects the encoder and 'm->xid' is the xid; 'm->version' matters only for
 * bundle messages (OFP14_VERSION selects the OpenFlow 1.4 form, anything
 * else the ONF form for 1.3) and 'm->type' not at all.  Returns 0 or the
 * encoder's error (EINVAL for an unknown kind), in which case nothing is
 * appended. */
int
ofp_msg_encode(const struct ofp_msg *m, struct ofp_buf *b)
{
    uint32_t xid = m->xid;

    if ((unsigned int)m->kind >= OFPK_N_KINDS) {
        return EINVAL;
    }
    uint8_t type = kind_info__[m->kind].type;

    switch (m->kind) {
    case OFPK_HELLO:
        ofp_hello_encode(m->hello.version_bitmap, xid, b);
        return 0;
    case OFPK_ERROR:
        return ofp_error_encode(&m->error, xid, b);
    case OFPK_ECHO_REQUEST:
    case OFPK_ECHO_REPLY:
        if (m->echo.data_len > OFP_MAX_MSG_LEN - OFP_HEADER_LEN) {
            return EMSGSIZE;
        }
        ofp_echo_encode(m->kind == OFPK_ECHO_REPLY, m->echo.data,
                        m->echo.data_len, xid, b);
        return 0;
    case OFPK_FEATURES_REQUEST:
    case OFPK_GET_CONFIG_REQUEST:
    case OFPK_BARRIER_REQUEST:
    case OFPK_BARRIER_REPLY:
    case OFPK_GET_ASYNC_REQUEST:
        ofp_empty_encode(type, xid, b);
        return 0;
    case OFPK_FEATURES_REPLY:
        ofp_features_encode(&m->features, xid, b);
        return 0;
    case OFPK_GET_CONFIG_REPLY:
    case OFPK_SET_CONFIG:
        ofp_switch_config_encode(type, &m->config, xid, b);
        return 0;
    case OFPK_PACKET_IN:
        return ofp_packet_in_encode(&m->packet_in, xid, b);
    case OFPK_FLOW_REMOVED:
        return ofp_flow_removed_encode(&m->flow_removed, xid, b);
    case OFPK_PORT_STATUS:
        ofp_port_status_encode(&m->port_status, xid, b);
        return 0;
    case OFPK_PACKET_OUT:
        return ofp_packet_out_encode(&m->packet_out, xid, b);
    case OFPK_FLOW_MOD:
        return ofp_flow_mod_encode(&m->flow_mod, xid, b);
    case OFPK_GROUP_MOD:
        return ofp_group_mod_encode(&m->group_mod, xid, b);
    case OFPK_METER_MOD:
        return ofp_meter_mod_encode(&m->meter_mod, xid, b);
    case OFPK_MULTIPART_REQUEST:
        return ofp_mp_request_encode(&m->mp_request, xid, b);
    case OFPK_MULTIPART_REPLY:
        return ofp_mp_reply_encode(&m->mp_reply, xid, 0, b);
    case OFPK_ROLE_REQUEST:
    case OFPK_ROLE_REPLY:
        ofp_role_encode(type, &m->role, xid, b);
        return 0;
    case OFPK_GET_ASYNC_REPLY:
    case OFPK_SET_ASYNC:
        ofp_async_encode(type, &m->async, xid, b);
        return 0;
    case OFPK_BUNDLE_CONTROL:
        ofp_bundle_ctrl_encode(m->version, &m->bundle_ctrl, xid, b);
        return 0;
    case OFPK_BUNDLE_ADD:
        if (m->bundle_add.msg_len > OFP_MAX_MSG_LEN - 24) {
            return EMSGSIZE;
        }
        ofp_bundle_add_encode(m->version, &m->bundle_add, xid, b);
        return 0;
    case OFPK_FLOW_MONITOR_PAUSED:
    case OFPK_FLOW_MONITOR_RESUMED:
        ofp_flow_monitor_signal_encode(m->kind == OFPK_FLOW_MONITOR_RESUMED,
                                       xid, b);
        return 0;
    case OFPK_N_KINDS:
    default:
        break;
    }
    return EINVAL;
}

/* Frees what 'm' owns (according to its kind) and zeroes it.  Accepts NULL
 * and a zeroed struct. */
void
ofp_msg_uninit(struct ofp_msg *m)
{
    if (!m) {
        return;
    }
    switch (m->kind) {
    case OFPK_FLOW_MOD:
        ofp_flow_mod_uninit(&m->flow_mod);
        break;
    case OFPK_GROUP_MOD:
        ofp_group_uninit(&m->group_mod);
        break;
    case OFPK_METER_MOD:
        ofp_meter_mod_uninit(&m->meter_mod);
        break;
    case OFPK_PACKET_OUT:
        ofp_packet_out_uninit(&m->packet_out);
        break;
    case OFPK_MULTIPART_REPLY:
        ofp_mp_reply_uninit(&m->mp_reply);
        break;
    case OFPK_HELLO:
    case OFPK_ERROR:
    case OFPK_ECHO_REQUEST:
    case OFPK_ECHO_REPLY:
    case OFPK_FEATURES_REQUEST:
    case OFPK_FEATURES_REPLY:
    case OFPK_GET_CONFIG_REQUEST:
    case OFPK_GET_CONFIG_REPLY:
    case OFPK_SET_CONFIG:
    case OFPK_PACKET_IN:
    case OFPK_FLOW_REMOVED:
    case OFPK_PORT_STATUS:
    case OFPK_MULTIPART_REQUEST:
    case OFPK_BARRIER_REQUEST:
    case OFPK_BARRIER_REPLY:
    case OFPK_ROLE_REQUEST:
    case OFPK_ROLE_REPLY:
    case OFPK_GET_ASYNC_REQUEST:
    case OFPK_GET_ASYNC_REPLY:
    case OFPK_SET_ASYNC:
    case OFPK_BUNDLE_CONTROL:
    case OFPK_BUNDLE_ADD:
    case OFPK_FLOW_MONITOR_PAUSED:
    case OFPK_FLOW_MONITOR_RESUMED:
    case OFPK_N_KINDS:
    default:
        break;
    }
    memset(m, 0, sizeof *m);
}
