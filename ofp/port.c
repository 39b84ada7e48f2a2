/* Ports: struct ofp_port <-> the 64-byte struct ofp13_port, and PORT_STATUS.
 *
 * ofp_port_encode() / ofp_port_decode() handle one ofp13_port; PORT_DESC
 * multipart replies (multipart.c) use them too.
 *
 * Port names: the spec says the 16-byte name is NUL-terminated, but Open
 * vSwitch accepts a name that fills all 16 bytes (it truncates it to 15
 * characters).  struct ofp_port has room for 16 characters and a NUL, so
 * libofp accepts such a name and keeps all 16 characters; bytes after the
 * first NUL are ignored.  The encoder writes the name NUL-padded to 16 bytes
 * (a 16-character name then has no NUL, which OVS accepts).  Port numbers,
 * config, state and feature bits are passed through unchecked.
 *
 * PORT_STATUS is exactly 8 + 64 bytes of body (OFPBRC_BAD_LEN otherwise).
 * Its reason must be ADD, DELETE or MODIFY, the only values in OpenFlow 1.3;
 * OVS rejects other values with its own NXBRC_BAD_REASON, which OpenFlow
 * lacks, so libofp answers OFPBRC_BAD_PACKET (the closest standard code:
 * the message's content is invalid). */
#include <config.h>

#include "ofp/msgs.h"

/* Appends 'port' to 'b' as a struct ofp13_port. */
void
ofp_port_encode(const struct ofp_port *port, struct ofp_buf *b)
{
    char name[OFP_MAX_PORT_NAME_LEN];

    ofp_buf_put_be32(b, port->port_no);
    ofp_buf_put_zeros(b, 4);
    ofp_buf_put(b, port->hw_addr, sizeof port->hw_addr);
    ofp_buf_put_zeros(b, 2);
    memset(name, 0, sizeof name);
    memcpy(name, port->name, strnlen(port->name, sizeof name));
    ofp_buf_put(b, name, sizeof name);
    ofp_buf_put_be32(b, port->config);
    ofp_buf_put_be32(b, port->state);
    ofp_buf_put_be32(b, port->curr);
    ofp_buf_put_be32(b, port->advertised);
    ofp_buf_put_be32(b, port->supported);
    ofp_buf_put_be32(b, port->peer);
    ofp_buf_put_be32(b, port->curr_speed);
    ofp_buf_put_be32(b, port->max_speed);
}

/* Pulls one struct ofp13_port from the front of view 'view' into 'port'.
 * Returns 0 or OFPBRC_BAD_LEN if fewer than 64 bytes remain (then 'view' is
 * untouched). */
int
ofp_port_decode(struct ofp_buf *view, struct ofp_port *port)
{
    const uint8_t *p = ofp_buf_try_pull(view, sizeof(struct ofp13_port));

    memset(port, 0, sizeof *port);
    if (!p) {
        return OFPERR_OFPBRC_BAD_LEN;
    }
    port->port_no = ofp_get_be32(p);
    memcpy(port->hw_addr, p + 8, sizeof port->hw_addr);
    memcpy(port->name, p + 16,
           strnlen((const char *)p + 16, OFP_MAX_PORT_NAME_LEN));
    port->config = ofp_get_be32(p + 32);
    port->state = ofp_get_be32(p + 36);
    port->curr = ofp_get_be32(p + 40);
    port->advertised = ofp_get_be32(p + 44);
    port->supported = ofp_get_be32(p + 48);
    port->peer = ofp_get_be32(p + 52);
    port->curr_speed = ofp_get_be32(p + 56);
    port->max_speed = ofp_get_be32(p + 60);
    return 0;
}

/* Appends 'ps' as a PORT_STATUS with 'xid' to 'b'. */
void
ofp_port_status_encode(const struct ofp_port_status *ps, uint32_t xid,
                       struct ofp_buf *b)
{
    size_t start = ofp_msg_start(b, OFP13_VERSION, OFPT_PORT_STATUS, xid);
    ofp_buf_put_u8(b, ps->reason);
    ofp_buf_put_zeros(b, 7);
    ofp_port_encode(&ps->desc, b);
    ofp_msg_finish(b, start);
}

/* Decodes PORT_STATUS 'msg' ('len' bytes) into 'ps'.  Returns 0 or an ofperr
 * (see the top of the file). */
int
ofp_port_status_decode(const void *msg, size_t len, struct ofp_port_status *ps)
{
    enum ofp_msg_kind kind;
    struct ofp_buf body;

    memset(ps, 0, sizeof *ps);
    int error = ofp_msg_classify(msg, len, &kind);
    if (error) {
        return error;
    }
    if (kind != OFPK_PORT_STATUS) {
        return OFPERR_OFPBRC_BAD_TYPE;
    }
    ofp_buf_use_const(&body, (const uint8_t *)msg + OFP_HEADER_LEN,
                      len - OFP_HEADER_LEN);
    if (body.size != sizeof(struct ofp13_port_status)) {
        return OFPERR_OFPBRC_BAD_LEN;
    }
    const uint8_t *p = ofp_buf_try_pull(&body, 8);
    ps->reason = p[0];
    error = ofp_port_decode(&body, &ps->desc);
    if (!error && ps->reason > OFPPR_MODIFY) {
        error = OFPERR_OFPBRC_BAD_PACKET;
    }
    return error;
}
