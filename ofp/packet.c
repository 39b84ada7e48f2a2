/* PACKET_IN and PACKET_OUT.
 *
 * PACKET_IN: the 16-byte ofp13_packet_in, an OXM match (ofp/match.c), 2
 * bytes of padding, then the frame (possibly truncated: 'total_len' is the
 * frame's full length, 'data_len' what was sent).  A message that ends
 * before the padding is OFPBRC_BAD_LEN; the match's errors are the match
 * decoder's.  'reason' and 'total_len' are passed through unchecked, as OVS
 * does.
 *
 * PACKET_OUT: the 16-byte ofp13_packet_out, 'actions_len' bytes of actions
 * (ofp/actions.c), then the frame.  'actions_len' running past the end of
 * the message is OFPBRC_BAD_LEN; the actions' errors are the action
 * decoder's.  'in_port' must be a physical port (below OFPP_MAX), LOCAL,
 * CONTROLLER or ANY, as OVS requires, else OFPBRC_BAD_PORT; the encoder
 * checks the same. */
#include <config.h>

#include <errno.h>

#include "ofp/msgs.h"

/* Checks message 'msg' of 'len' bytes with ofp_msg_classify() and that its
 * kind is 'kind'; on success makes 'body' a view of the bytes after the
 * header.  Returns 0 or an ofperr. */
static int
packet_body__(const void *msg, size_t len, enum ofp_msg_kind kind,
              struct ofp_buf *body)
{
    enum ofp_msg_kind actual;
    int error = ofp_msg_classify(msg, len, &actual);
    if (error) {
        return error;
    }
    if (actual != kind) {
        return OFPERR_OFPBRC_BAD_TYPE;
    }
    ofp_buf_use_const(body, (const uint8_t *)msg + OFP_HEADER_LEN,
                      len - OFP_HEADER_LEN);
    return 0;
}

/* Appends 'pi' as a PACKET_IN with 'xid' to 'b'.  Returns 0, the match's
 * encoding error, or EMSGSIZE if the data does not fit in one message; then
 * nothing is appended. */
int
ofp_packet_in_encode(const struct ofp_packet_in *pi, uint32_t xid,
                     struct ofp_buf *b)
{
    size_t start = ofp_msg_start(b, OFP13_VERSION, OFPT_PACKET_IN, xid);
    ofp_buf_put_be32(b, pi->buffer_id);
    ofp_buf_put_be16(b, pi->total_len);
    ofp_buf_put_u8(b, pi->reason);
    ofp_buf_put_u8(b, pi->table_id);
    ofp_buf_put_be64(b, pi->cookie);

    int error = ofp_match_encode(&pi->match, b);
    if (!error && (pi->data_len > OFP_MAX_MSG_LEN ||
                   b->size - start + 2 + pi->data_len > OFP_MAX_MSG_LEN)) {
        error = EMSGSIZE;
    }
    if (error) {
        b->size = start;
        return error;
    }
    ofp_buf_put_zeros(b, 2);
    ofp_buf_put(b, pi->data, pi->data_len);
    ofp_msg_finish(b, start);
    return 0;
}

/* Decodes PACKET_IN 'msg' ('len' bytes) into 'pi', whose data then points
 * into 'msg'.  Returns 0 or an ofperr. */
int
ofp_packet_in_decode(const void *msg, size_t len, struct ofp_packet_in *pi)
{
    struct ofp_buf body;

    memset(pi, 0, sizeof *pi);
    ofp_match_init(&pi->match);
    int error = packet_body__(msg, len, OFPK_PACKET_IN, &body);
    if (error) {
        return error;
    }
    const uint8_t *p = ofp_buf_try_pull(&body, sizeof(struct ofp13_packet_in));
    if (!p) {
        return OFPERR_OFPBRC_BAD_LEN;
    }
    pi->buffer_id = ofp_get_be32(p);
    pi->total_len = ofp_get_be16(p + 4);
    pi->reason = p[6];
    pi->table_id = p[7];
    pi->cookie = ofp_get_be64(p + 8);

    error = ofp_match_decode(&body, &pi->match);
    if (error) {
        return error;
    }
    if (!ofp_buf_try_pull(&body, 2)) {
        return OFPERR_OFPBRC_BAD_LEN;
    }
    pi->data = body.data;
    pi->data_len = body.size;
    return 0;
}

/* Returns true if 'port' may be the in_port of a PACKET_OUT. */
static bool
packet_out_in_port_ok__(uint32_t port)
{
    return (port < OFPP_MAX || port == OFPP_LOCAL || port == OFPP_CONTROLLER ||
            port == OFPP_ANY);
}

/* Frees the actions of 'po' and zeroes it.  Accepts NULL and a zeroed
 * struct. */
void
ofp_packet_out_uninit(struct ofp_packet_out *po)
{
    if (po) {
        ofp_actions_uninit(&po->actions);
        memset(po, 0, sizeof *po);
    }
}

/* Appends 'po' as a PACKET_OUT with 'xid' to 'b'.  Returns 0 or an error:
 * OFPBRC_BAD_PORT for an 'in_port' a switch would reject, the actions'
 * encoding error, or EMSGSIZE if the data does not fit in one message; then
 * nothing is appended. */
int
ofp_packet_out_encode(const struct ofp_packet_out *po, uint32_t xid,
                      struct ofp_buf *b)
{
    if (!packet_out_in_port_ok__(po->in_port)) {
        return OFPERR_OFPBRC_BAD_PORT;
    }

    size_t start = ofp_msg_start(b, OFP13_VERSION, OFPT_PACKET_OUT, xid);
    ofp_buf_put_be32(b, po->buffer_id);
    ofp_buf_put_be32(b, po->in_port);
    size_t actions_len_ofs = b->size;
    ofp_buf_put_be16(b, 0);
    ofp_buf_put_zeros(b, 6);

    size_t actions_start = b->size;
    int error = ofp_actions_encode(&po->actions, b);
    if (!error && (po->data_len > OFP_MAX_MSG_LEN ||
                   b->size - start + po->data_len > OFP_MAX_MSG_LEN)) {
        error = EMSGSIZE;
    }
    if (error) {
        b->size = start;
        return error;
    }
    ofp_set_be16(b->data + actions_len_ofs,
                 (uint16_t)(b->size - actions_start));
    ofp_buf_put(b, po->data, po->data_len);
    ofp_msg_finish(b, start);
    return 0;
}

/* Decodes PACKET_OUT 'msg' ('len' bytes) into 'po', whose data then points
 * into 'msg'.  Returns 0 or an ofperr (see the top of the file).  On
 * success the caller must ofp_packet_out_uninit() 'po'; on failure it owns
 * nothing. */
int
ofp_packet_out_decode(const void *msg, size_t len, struct ofp_packet_out *po)
{
    struct ofp_buf body;

    memset(po, 0, sizeof *po);
    ofp_actions_init(&po->actions);
    int error = packet_body__(msg, len, OFPK_PACKET_OUT, &body);
    if (error) {
        return error;
    }
    const uint8_t *p =
        ofp_buf_try_pull(&body, sizeof(struct ofp13_packet_out));
    if (!p) {
        return OFPERR_OFPBRC_BAD_LEN;
    }
    po->buffer_id = ofp_get_be32(p);
    po->in_port = ofp_get_be32(p + 4);
    size_t actions_len = ofp_get_be16(p + 8);
    if (actions_len > body.size) {
        return OFPERR_OFPBRC_BAD_LEN;
    }
    if (!packet_out_in_port_ok__(po->in_port)) {
        return OFPERR_OFPBRC_BAD_PORT;
    }
    error = ofp_actions_decode(&body, actions_len, &po->actions);
    if (error) {
        ofp_packet_out_uninit(po);
        return error;
    }
    po->data = body.data;
    po->data_len = body.size;
    return 0;
}
