/* Connection-level and switch-configuration messages: HELLO (with version
 * negotiation), ECHO, ERROR, FEATURES_REPLY, GET_CONFIG_REPLY / SET_CONFIG,
 * ROLE_REQUEST / ROLE_REPLY and SET_ASYNC / GET_ASYNC_REPLY.
 *
 * HELLO: the encoder sends the highest version of its bitmap in the header
 * and one OFPHET_VERSIONBITMAP element (8 bytes, so already padded to 8 as
 * Open vSwitch sends it).  The decoder walks every element: each must have a
 * length of at least 4 and be followed by its padding to 8 bytes
 * (OFPBRC_BAD_LEN otherwise, as OVS requires); unknown element types are
 * skipped; a bitmap element must hold a whole, nonzero number of 32-bit
 * words (OFPBRC_BAD_LEN).  Only the first word (versions 0..31) is kept, bit
 * 0 cleared (there is no version 0); if that leaves no version, the peer
 * supports nothing we could ever speak and the decoder answers
 * OFPHFC_INCOMPATIBLE.  With several bitmap elements the last one counts,
 * as in OVS.
 *
 * ERROR: 'error' in struct ofp_error is the enum ofperr of the wire
 * (type, code).  OpenFlow 1.3 has no bundle error type, so bundle errors
 * (OFPBFC_*, type 17 internally) travel as ONF experimenter errors:
 * type 0xffff, exp_code 2300 + code, experimenter ONF_EXPERIMENTER_ID, which
 * is what OVS 3.1 sends and understands on a 1.3 connection.  A type-17 error
 * received on 1.3, or an unknown (type, code) or experimenter error, decodes
 * with 'error' 0 and its raw wire fields.
 *
 * The fixed-size messages (FEATURES_REPLY, switch config, ROLE, ASYNC) must
 * have exactly their size (OFPBRC_BAD_LEN); reserved and pad fields are
 * ignored on input and zero on output.  ROLE decoding rejects a role above
 * OFPCR_ROLE_SLAVE with OFPRRFC_BAD_ROLE. */
#include <config.h>

#include <errno.h>

#include "ofp/msgs.h"

/* Number of bytes of a bad message that an ERROR reply echoes. */
#define ERROR_DATA_MAX 64

/* Checks message 'msg' of 'len' bytes with ofp_msg_classify() and that its
 * kind is 'k1' or 'k2'; on success makes 'body' a view of the bytes after
 * the header.  Returns 0 or an ofperr. */
static int
switch_body__(const void *msg, size_t len, enum ofp_msg_kind k1,
              enum ofp_msg_kind k2, struct ofp_buf *body)
{
    enum ofp_msg_kind kind;
    int error = ofp_msg_classify(msg, len, &kind);
    if (error) {
        return error;
    }
    if (kind != k1 && kind != k2) {
        return OFPERR_OFPBRC_BAD_TYPE;
    }
    ofp_buf_use_const(body, (const uint8_t *)msg + OFP_HEADER_LEN,
                      len - OFP_HEADER_LEN);
    return 0;
}

/* Like switch_body__() for a message whose body is exactly 'size' bytes:
 * returns a pointer to the body, or NULL with '*errorp' set. */
static const uint8_t *
switch_fixed_body__(const void *msg, size_t len, enum ofp_msg_kind k1,
                    enum ofp_msg_kind k2, size_t size, int *errorp)
{
    struct ofp_buf body;
    int error = switch_body__(msg, len, k1, k2, &body);
    if (!error && body.size != size) {
        error = OFPERR_OFPBRC_BAD_LEN;
    }
    *errorp = error;
    return error ? NULL : body.data;
}

/* Returns the highest version (bit number) set in 'bitmap', which must not be
 * zero. */
static uint8_t
highest_version__(uint32_t bitmap)
{
    return (uint8_t)(31 - __builtin_clz(bitmap));
}

/* Appends a HELLO with 'xid' announcing the versions in 'version_bitmap' (bit
 * N for version N; bit 0 is ignored) to 'b'.  The header carries the highest
 * of them.  A zero bitmap gives a plain OpenFlow 1.3 HELLO without
 * elements. */
void
ofp_hello_encode(uint32_t version_bitmap, uint32_t xid, struct ofp_buf *b)
{
    uint32_t bitmap = version_bitmap & ~1u;
    uint8_t version = bitmap ? highest_version__(bitmap) : OFP13_VERSION;
    size_t start = ofp_msg_start(b, version, OFPT_HELLO, xid);

    if (bitmap) {
        size_t elem = b->size;
        ofp_buf_put_be16(b, OFPHET_VERSIONBITMAP);
        ofp_buf_put_be16(b, sizeof(struct ofp13_hello_elem_header) + 4);
        ofp_buf_put_be32(b, bitmap);
        ofp_buf_pad_to(b, elem, 8);
    }
    ofp_msg_finish(b, start);
}

/* Decodes the version bitmap element 'elem', whose length field is 'len'
 * (at least 4), into '*bitmap'.  Returns 0 or an ofperr. */
static int
hello_bitmap__(const uint8_t *elem, size_t len, uint32_t *bitmap)
{
    size_t n = len - sizeof(struct ofp13_hello_elem_header);
    if (!n || n % 4) {
        return OFPERR_OFPBRC_BAD_LEN;
    }
    *bitmap = ofp_get_be32(elem + 4) & ~1u;
    return *bitmap ? 0 : OFPERR_OFPHFC_INCOMPATIBLE;
}

/* Decodes HELLO 'msg' ('len' bytes, any version) into 'hello'.  Returns 0 or
 * an ofperr (see the top of the file). */
int
ofp_hello_decode(const void *msg, size_t len, struct ofp_hello *hello)
{
    struct ofp_buf body;

    memset(hello, 0, sizeof *hello);
    int error = switch_body__(msg, len, OFPK_HELLO, OFPK_HELLO, &body);
    if (error) {
        return error;
    }
    hello->version = *(const uint8_t *)msg;

    while (body.size) {
        if (body.size < sizeof(struct ofp13_hello_elem_header)) {
            return OFPERR_OFPBRC_BAD_LEN;
        }
        uint16_t type = ofp_get_be16(body.data);
        size_t elen = ofp_get_be16(body.data + 2);
        if (elen < sizeof(struct ofp13_hello_elem_header)) {
            return OFPERR_OFPBRC_BAD_LEN;
        }
        const uint8_t *elem = ofp_buf_try_pull(&body, (elen + 7) / 8 * 8);
        if (!elem) {
            return OFPERR_OFPBRC_BAD_LEN;
        }
        if (type == OFPHET_VERSIONBITMAP) {
            error = hello_bitmap__(elem, elen, &hello->version_bitmap);
            if (error) {
                return error;
            }
        }
    }
    return 0;
}

/* Negotiates a version as the OpenFlow 1.3.5 spec (section 6.3.1) says: if
 * the peer sent a version bitmap, the highest version in both 'ours' and the
 * peer's bitmap; otherwise the lower of our highest version and the peer's
 * header version, if 'ours' contains it.  Returns 0 if there is none. */
uint8_t
ofp_hello_negotiate(uint32_t ours, const struct ofp_hello *peer)
{
    ours &= ~1u;
    if (!ours) {
        return 0;
    }
    if (peer->version_bitmap) {
        uint32_t common = ours & peer->version_bitmap;
        return common ? highest_version__(common) : 0;
    }
    uint8_t version = highest_version__(ours);
    if (peer->version < version) {
        version = peer->version;
    }
    return ours & (1u << version) ? version : 0;
}

/* Appends an ECHO_REQUEST (or an ECHO_REPLY if 'reply') with 'xid' carrying
 * the 'len' bytes at 'data' to 'b'.  'len' must be at most 65527. */
void
ofp_echo_encode(bool reply, const void *data, size_t len, uint32_t xid,
                struct ofp_buf *b)
{
    size_t start = ofp_msg_start(
        b, OFP13_VERSION, reply ? OFPT_ECHO_REPLY : OFPT_ECHO_REQUEST, xid);
    ofp_buf_put(b, data, len);
    ofp_msg_finish(b, start);
}

/* Decodes ECHO_REQUEST or ECHO_REPLY 'msg' ('len' bytes) into 'echo', whose
 * data then points into 'msg'.  Returns 0 or an ofperr. */
int
ofp_echo_decode(const void *msg, size_t len, struct ofp_echo *echo)
{
    struct ofp_buf body;

    memset(echo, 0, sizeof *echo);
    int error =
        switch_body__(msg, len, OFPK_ECHO_REQUEST, OFPK_ECHO_REPLY, &body);
    if (!error) {
        echo->data = body.data;
        echo->data_len = body.size;
    }
    return error;
}

/* Appends to 'b' the ECHO_REPLY to ECHO_REQUEST 'msg' of 'len' bytes (as
 * framed; the caller has checked it): same xid, same data.  Appends nothing
 * if 'len' is not a possible message length. */
void
ofp_echo_reply_for(const void *msg, size_t len, struct ofp_buf *b)
{
    if (len < OFP_HEADER_LEN || len > OFP_MAX_MSG_LEN) {
        return;
    }
    ofp_echo_encode(true, (const uint8_t *)msg + OFP_HEADER_LEN,
                    len - OFP_HEADER_LEN, ofp_msg_xid(msg), b);
}

/* Stores the OpenFlow 1.3 wire form of ofperr 'error' in '*type', '*code'
 * and '*experimenter'. */
static void
error_to_wire__(int error, uint16_t *type, uint16_t *code,
                uint32_t *experimenter)
{
    uint16_t t = ofperr_type(error);
    uint16_t c = ofperr_code(error);

    if (t == OFPET14_BUNDLE_FAILED) {
        *type = OFPET_EXPERIMENTER;
        *code = (uint16_t)(ONFT_BUNDLE_CONTROL + c);
        *experimenter = ONF_EXPERIMENTER_ID;
    } else {
        *type = t;
        *code = c;
        *experimenter = 0;
    }
}

/* Appends 'err' as an OpenFlow 1.3 ERROR with 'xid' to 'b'.  If 'err->error'
 * is nonzero it selects type and code (bundle errors in their ONF form) and
 * the wire fields of 'err' are ignored; otherwise 'err->type', 'code' and,
 * for type OFPET_EXPERIMENTER, 'experimenter' are sent as they are.  Returns
 * 0, EINVAL if 'err->error' is not an enum ofperr, or EMSGSIZE if the data
 * does not fit; then nothing is appended. */
int
ofp_error_encode(const struct ofp_error *err, uint32_t xid, struct ofp_buf *b)
{
    uint16_t type = err->type;
    uint16_t code = err->code;
    uint32_t experimenter = err->experimenter;

    if (err->error) {
        if (!ofperr_is_valid(err->error)) {
            return EINVAL;
        }
        error_to_wire__(err->error, &type, &code, &experimenter);
    }
    size_t head = OFP_HEADER_LEN + (type == OFPET_EXPERIMENTER ? 8 : 4);
    if (err->data_len > OFP_MAX_MSG_LEN - head) {
        return EMSGSIZE;
    }

    size_t start = ofp_msg_start(b, OFP13_VERSION, OFPT_ERROR, xid);
    ofp_buf_put_be16(b, type);
    ofp_buf_put_be16(b, code);
    if (type == OFPET_EXPERIMENTER) {
        ofp_buf_put_be32(b, experimenter);
    }
    ofp_buf_put(b, err->data, err->data_len);
    ofp_msg_finish(b, start);
    return 0;
}

/* Decodes ERROR 'msg' ('len' bytes) into 'err', whose data then points into
 * 'msg'.  Returns 0 or an ofperr (OFPBRC_BAD_LEN if the type and code, or
 * for an experimenter error the experimenter id, are missing).  An error
 * vifguard does not know decodes successfully with 'err->error' 0. */
int
ofp_error_decode(const void *msg, size_t len, struct ofp_error *err)
{
    struct ofp_buf body;

    memset(err, 0, sizeof *err);
    int error = switch_body__(msg, len, OFPK_ERROR, OFPK_ERROR, &body);
    if (error) {
        return error;
    }
    if (!ofp_buf_pull_be16(&body, &err->type) ||
        !ofp_buf_pull_be16(&body, &err->code)) {
        return OFPERR_OFPBRC_BAD_LEN;
    }
    if (err->type == OFPET_EXPERIMENTER) {
        if (!ofp_buf_pull_be32(&body, &err->experimenter)) {
            return OFPERR_OFPBRC_BAD_LEN;
        }
        if (err->experimenter == ONF_EXPERIMENTER_ID &&
            err->code >= ONFT_BUNDLE_CONTROL) {
            err->error = ofperr_from_type_code(
                OFPET14_BUNDLE_FAILED,
                (uint16_t)(err->code - ONFT_BUNDLE_CONTROL));
        }
    } else if (err->type != OFPET14_BUNDLE_FAILED) {
        err->error = ofperr_from_type_code(err->type, err->code);
    }
    err->data = body.data;
    err->data_len = body.size;
    return 0;
}

/* Appends to 'b' an OpenFlow 1.3 ERROR reporting 'error' about message 'bad'
 * ('bad_len' bytes): the bad message's xid (0 if it is shorter than a
 * header) and its first 64 bytes as data.  An 'error' that is not an enum
 * ofperr (an errno value) is reported as OFPBRC_EPERM. */
void
ofp_error_reply_encode(int error, const void *bad, size_t bad_len,
                       struct ofp_buf *b)
{
    struct ofp_error err;

    memset(&err, 0, sizeof err);
    err.error = ofperr_is_valid(error) ? error : OFPERR_OFPBRC_EPERM;
    err.data = bad;
    err.data_len = bad_len < ERROR_DATA_MAX ? bad_len : ERROR_DATA_MAX;
    uint32_t xid = bad_len >= OFP_HEADER_LEN ? ofp_msg_xid(bad) : 0;
    ofp_error_encode(&err, xid, b);
}

/* Appends 'f' as a FEATURES_REPLY with 'xid' to 'b'. */
void
ofp_features_encode(const struct ofp_features *f, uint32_t xid,
                    struct ofp_buf *b)
{
    size_t start = ofp_msg_start(b, OFP13_VERSION, OFPT_FEATURES_REPLY, xid);
    ofp_buf_put_be64(b, f->datapath_id);
    ofp_buf_put_be32(b, f->n_buffers);
    ofp_buf_put_u8(b, f->n_tables);
    ofp_buf_put_u8(b, f->auxiliary_id);
    ofp_buf_put_zeros(b, 2);
    ofp_buf_put_be32(b, f->capabilities);
    ofp_buf_put_be32(b, 0);
    ofp_msg_finish(b, start);
}

/* Decodes FEATURES_REPLY 'msg' ('len' bytes) into 'f'.  Returns 0 or an
 * ofperr. */
int
ofp_features_decode(const void *msg, size_t len, struct ofp_features *f)
{
    int error;

    memset(f, 0, sizeof *f);
    const uint8_t *p =
        switch_fixed_body__(msg, len, OFPK_FEATURES_REPLY, OFPK_FEATURES_REPLY,
                            sizeof(struct ofp13_switch_features), &error);
    if (p) {
        f->datapath_id = ofp_get_be64(p);
        f->n_buffers = ofp_get_be32(p + 8);
        f->n_tables = p[12];
        f->auxiliary_id = p[13];
        f->capabilities = ofp_get_be32(p + 16);
    }
    return error;
}

/* Appends 'sc' as a message of 'type' (OFPT_GET_CONFIG_REPLY or
 * OFPT_SET_CONFIG) with 'xid' to 'b'. */
void
ofp_switch_config_encode(uint8_t type, const struct ofp_switch_config *sc,
                         uint32_t xid, struct ofp_buf *b)
{
    size_t start = ofp_msg_start(b, OFP13_VERSION, type, xid);
    ofp_buf_put_be16(b, sc->flags);
    ofp_buf_put_be16(b, sc->miss_send_len);
    ofp_msg_finish(b, start);
}

/* Decodes GET_CONFIG_REPLY or SET_CONFIG 'msg' ('len' bytes) into 'sc'.
 * Flags are not checked.  Returns 0 or an ofperr. */
int
ofp_switch_config_decode(const void *msg, size_t len,
                         struct ofp_switch_config *sc)
{
    int error;

    memset(sc, 0, sizeof *sc);
    const uint8_t *p =
        switch_fixed_body__(msg, len, OFPK_GET_CONFIG_REPLY, OFPK_SET_CONFIG,
                            sizeof(struct ofp13_switch_config), &error);
    if (p) {
        sc->flags = ofp_get_be16(p);
        sc->miss_send_len = ofp_get_be16(p + 2);
    }
    return error;
}

/* Appends 'role' as a message of 'type' (OFPT_ROLE_REQUEST or
 * OFPT_ROLE_REPLY) with 'xid' to 'b'. */
void
ofp_role_encode(uint8_t type, const struct ofp_role *role, uint32_t xid,
                struct ofp_buf *b)
{
    size_t start = ofp_msg_start(b, OFP13_VERSION, type, xid);
    ofp_buf_put_be32(b, role->role);
    ofp_buf_put_zeros(b, 4);
    ofp_buf_put_be64(b, role->generation_id);
    ofp_msg_finish(b, start);
}

/* Decodes ROLE_REQUEST or ROLE_REPLY 'msg' ('len' bytes) into 'role'.
 * Returns 0 or an ofperr (OFPRRFC_BAD_ROLE for a role above SLAVE). */
int
ofp_role_decode(const void *msg, size_t len, struct ofp_role *role)
{
    int error;

    memset(role, 0, sizeof *role);
    const uint8_t *p =
        switch_fixed_body__(msg, len, OFPK_ROLE_REQUEST, OFPK_ROLE_REPLY,
                            sizeof(struct ofp13_role_request), &error);
    if (!p) {
        return error;
    }
    role->role = ofp_get_be32(p);
    role->generation_id = ofp_get_be64(p + 8);
    return role->role > OFPCR_ROLE_SLAVE ? OFPERR_OFPRRFC_BAD_ROLE : 0;
}

/* Appends 'async' as a message of 'type' (OFPT_SET_ASYNC or
 * OFPT_GET_ASYNC_REPLY) with 'xid' to 'b'. */
void
ofp_async_encode(uint8_t type, const struct ofp_async *async, uint32_t xid,
                 struct ofp_buf *b)
{
    size_t start = ofp_msg_start(b, OFP13_VERSION, type, xid);
    for (int i = 0; i < 2; i++) {
        ofp_buf_put_be32(b, async->packet_in_mask[i]);
    }
    for (int i = 0; i < 2; i++) {
        ofp_buf_put_be32(b, async->port_status_mask[i]);
    }
    for (int i = 0; i < 2; i++) {
        ofp_buf_put_be32(b, async->flow_removed_mask[i]);
    }
    ofp_msg_finish(b, start);
}

/* Decodes SET_ASYNC or GET_ASYNC_REPLY 'msg' ('len' bytes) into 'async'.
 * Returns 0 or an ofperr. */
int
ofp_async_decode(const void *msg, size_t len, struct ofp_async *async)
{
    int error;

    memset(async, 0, sizeof *async);
    const uint8_t *p =
        switch_fixed_body__(msg, len, OFPK_GET_ASYNC_REPLY, OFPK_SET_ASYNC,
                            sizeof(struct ofp13_async_config), &error);
    if (p) {
        for (int i = 0; i < 2; i++) {
            async->packet_in_mask[i] = ofp_get_be32(p + 4 * i);
            async->port_status_mask[i] = ofp_get_be32(p + 8 + 4 * i);
            async->flow_removed_mask[i] = ofp_get_be32(p + 16 + 4 * i);
        }
    }
    return error;
}
