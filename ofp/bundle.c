/* Bundles: OpenFlow 1.4 BUNDLE_CONTROL/ADD_MESSAGE and the ONF extension
 * for OpenFlow 1.3.
 *
 * Both forms carry the same body; only the header differs:
 *
 *   1.3 (ONF): header {4, OFPT_EXPERIMENTER}, then ofp13_experimenter_header
 *              {ONF_EXPERIMENTER_ID, ONFT_BUNDLE_CONTROL (2300) or
 *              ONFT_BUNDLE_ADD_MESSAGE (2301)}, then the body;
 *   1.4:       header {5, OFPT14_BUNDLE_CONTROL (33) or
 *              OFPT14_BUNDLE_ADD_MESSAGE (34)}, then the body.
 *
 * This is the layout Open vSwitch 3.1 prints as ONFT_BUNDLE_CONTROL /
 * ONFT_BUNDLE_ADD_MESSAGE (OF1.3) and OFPT_BUNDLE_* (OF1.4).
 *
 * Control body: bundle_id, type, flags (8 bytes), then properties.  Add
 * body: bundle_id, 2 pad bytes, flags (8 bytes), the inner message (its own
 * header included), then, only if there are properties, zero padding of the
 * inner message to 8 bytes and the properties.  libofp never sends
 * properties; on input it only checks that they are well-formed TLVs (type,
 * length >= 4, each padded to 8 bytes; OFPBRC_BAD_LEN otherwise) and skips
 * them.
 *
 * Checks, for both forms, in this order: a body shorter than 8 bytes is
 * OFPBRC_BAD_LEN.  For an add: fewer than 8 bytes left for the inner message
 * is OFPBFC_MSG_BAD_LEN; an inner version other than the outer one is
 * OFPBRC_BAD_VERSION (OVS has a private OFPBFC_BAD_VERSION); an inner length
 * below 8 or beyond the end of the message is OFPBFC_MSG_BAD_LEN; an inner
 * xid other than the outer one is OFPBFC_MSG_BAD_XID (these three as OVS).
 * Then nonzero padding or bad properties (OFPBRC_BAD_LEN; padding without
 * properties is tolerated), a control type above
 * OFPBCT_DISCARD_REPLY (OFPBFC_BAD_TYPE) and flags other than ATOMIC and
 * ORDERED (OFPBFC_BAD_FLAGS).  The inner message itself is not decoded:
 * whether it may go in a bundle is for the switch to say
 * (OFPBFC_MSG_UNSUP). */
#include <config.h>

#include "ofp/msgs.h"

#define BUNDLE_FLAGS_ALL (OFPBF_ATOMIC | OFPBF_ORDERED)

/* Appends the header of a bundle message to 'b' for 'version' (the 1.4 form
 * for OFP14_VERSION, else the ONF form), with 1.4 type 'type14', ONF exp_type
 * 'exp_type' and 'xid'.  Returns the message's start offset. */
static size_t
bundle_start__(uint8_t version, uint8_t type14, uint32_t exp_type,
               uint32_t xid, struct ofp_buf *b)
{
    if (version == OFP14_VERSION) {
        return ofp_msg_start(b, OFP14_VERSION, type14, xid);
    }
    size_t start = ofp_msg_start(b, OFP13_VERSION, OFPT_EXPERIMENTER, xid);
    ofp_buf_put_be32(b, ONF_EXPERIMENTER_ID);
    ofp_buf_put_be32(b, exp_type);
    return start;
}

/* Checks message 'msg' of 'len' bytes with ofp_msg_classify() and that its
 * kind is 'kind'; on success makes 'body' a view of the bytes after the
 * header (and after the experimenter header for the ONF form).  Returns 0 or
 * an ofperr. */
static int
bundle_body__(const void *msg, size_t len, enum ofp_msg_kind kind,
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
    size_t head = OFP_HEADER_LEN;
    if (*(const uint8_t *)msg == OFP13_VERSION) {
        head += sizeof(struct ofp13_experimenter_header);
    }
    ofp_buf_use_const(body, (const uint8_t *)msg + head, len - head);
    return 0;
}

/* Checks that view 'props' holds nothing but well-formed, padded property
 * TLVs.  Returns 0 or OFPBRC_BAD_LEN. */
static int
bundle_check_props__(struct ofp_buf *props)
{
    while (props->size) {
        if (props->size < 4) {
            return OFPERR_OFPBRC_BAD_LEN;
        }
        size_t plen = ofp_get_be16(props->data + 2);
        if (plen < 4 || !ofp_buf_try_pull(props, (plen + 7) / 8 * 8)) {
            return OFPERR_OFPBRC_BAD_LEN;
        }
    }
    return 0;
}

/* Appends 'bc' as a bundle control message with 'xid' to 'b', in the form
 * for 'version' (OFP14_VERSION: OpenFlow 1.4; anything else: the ONF
 * extension for OpenFlow 1.3). */
void
ofp_bundle_ctrl_encode(uint8_t version, const struct ofp_bundle_ctrl *bc,
                       uint32_t xid, struct ofp_buf *b)
{
    size_t start = bundle_start__(version, OFPT14_BUNDLE_CONTROL,
                                  ONFT_BUNDLE_CONTROL, xid, b);
    ofp_buf_put_be32(b, bc->bundle_id);
    ofp_buf_put_be16(b, bc->type);
    ofp_buf_put_be16(b, bc->flags);
    ofp_msg_finish(b, start);
}

/* Decodes bundle control message 'msg' ('len' bytes, either form) into 'bc'.
 * Returns 0 or an ofperr (see the top of the file). */
int
ofp_bundle_ctrl_decode(const void *msg, size_t len, struct ofp_bundle_ctrl *bc)
{
    struct ofp_buf body;

    memset(bc, 0, sizeof *bc);
    int error = bundle_body__(msg, len, OFPK_BUNDLE_CONTROL, &body);
    if (error) {
        return error;
    }
    if (!ofp_buf_pull_be32(&body, &bc->bundle_id) ||
        !ofp_buf_pull_be16(&body, &bc->type) ||
        !ofp_buf_pull_be16(&body, &bc->flags)) {
        return OFPERR_OFPBRC_BAD_LEN;
    }
    error = bundle_check_props__(&body);
    if (error) {
        return error;
    }
    if (bc->type > OFPBCT_DISCARD_REPLY) {
        return OFPERR_OFPBFC_BAD_TYPE;
    }
    if (bc->flags & ~BUNDLE_FLAGS_ALL) {
        return OFPERR_OFPBFC_BAD_FLAGS;
    }
    return 0;
}

/* Appends 'ba' as a bundle add message with 'xid' to 'b', in the form for
 * 'version' (as ofp_bundle_ctrl_encode()).  The inner message is copied as
 * it is: it should have the same version and xid (the decoder checks both),
 * and be short enough for the whole to fit in 65535 bytes. */
void
ofp_bundle_add_encode(uint8_t version, const struct ofp_bundle_add *ba,
                      uint32_t xid, struct ofp_buf *b)
{
    size_t start = bundle_start__(version, OFPT14_BUNDLE_ADD_MESSAGE,
                                  ONFT_BUNDLE_ADD_MESSAGE, xid, b);
    ofp_buf_put_be32(b, ba->bundle_id);
    ofp_buf_put_zeros(b, 2);
    ofp_buf_put_be16(b, ba->flags);
    ofp_buf_put(b, ba->msg, ba->msg_len);
    ofp_msg_finish(b, start);
}

/* Decodes bundle add message 'msg' ('len' bytes, either form) into 'ba',
 * whose 'msg' then points to the inner message inside 'msg'.  Returns 0 or
 * an ofperr (see the top of the file). */
int
ofp_bundle_add_decode(const void *msg, size_t len, struct ofp_bundle_add *ba)
{
    struct ofp_buf body;

    memset(ba, 0, sizeof *ba);
    int error = bundle_body__(msg, len, OFPK_BUNDLE_ADD, &body);
    if (error) {
        return error;
    }
    const uint8_t *p =
        ofp_buf_try_pull(&body, sizeof(struct ofp13_bundle_add_msg));
    if (!p) {
        return OFPERR_OFPBRC_BAD_LEN;
    }
    ba->bundle_id = ofp_get_be32(p);
    ba->flags = ofp_get_be16(p + 6);

    if (body.size < OFP_HEADER_LEN) {
        return OFPERR_OFPBFC_MSG_BAD_LEN;
    }
    const uint8_t *inner = body.data;
    if (inner[0] != *(const uint8_t *)msg) {
        return OFPERR_OFPBRC_BAD_VERSION;
    }
    size_t inner_len = ofp_get_be16(inner + 2);
    if (inner_len < OFP_HEADER_LEN || inner_len > body.size) {
        return OFPERR_OFPBFC_MSG_BAD_LEN;
    }
    if (ofp_msg_xid(inner) != ofp_msg_xid(msg)) {
        return OFPERR_OFPBFC_MSG_BAD_XID;
    }
    ofp_buf_try_pull(&body, inner_len);

    if (body.size) {
        /* Properties follow, after the inner message's padding. */
        size_t pad_len = (inner_len + 7) / 8 * 8 - inner_len;
        const uint8_t *pad = ofp_buf_try_pull(&body, pad_len);
        if (!pad) {
            return OFPERR_OFPBRC_BAD_LEN;
        }
        for (size_t i = 0; i < pad_len; i++) {
            if (pad[i]) {
                return OFPERR_OFPBRC_BAD_LEN;
            }
        }
        error = bundle_check_props__(&body);
        if (error) {
            return error;
        }
    }
    if (ba->flags & ~BUNDLE_FLAGS_ALL) {
        return OFPERR_OFPBFC_BAD_FLAGS;
    }
    ba->msg = inner;
    ba->msg_len = inner_len;
    return 0;
}
