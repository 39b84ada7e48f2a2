/* FLOW_MOD and FLOW_REMOVED.
 *
 * A FLOW_MOD is the 40-byte ofp13_flow_mod, an OXM match (ofp/match.c) and
 * instructions (ofp/actions.c).  The encoder and the decoder apply the same
 * checks as Open vSwitch 3.1, in its order when a message has several
 * faults: the match's own errors, then table_id OFPTT_ALL on anything but a
 * delete (OFPFMFC_BAD_TABLE_ID), then a command above DELETE_STRICT
 * (OFPFMFC_BAD_COMMAND), then the instructions' errors, then flags outside
 * the five defined by OpenFlow 1.3 (OFPFMFC_BAD_FLAGS).
 *
 * A FLOW_REMOVED is the 40-byte ofp13_flow_removed and a match, nothing
 * after it.  Its reason is passed through unchecked, as OVS does: 1.3
 * defines 0..3 (OFPRR_*), later versions add more. */
#include <config.h>

#include <stdlib.h>

#include "ofp/group-private.h"
#include "ofp/msgs.h"

#define OFPFF13_ALL                                                   \
    (OFPFF_SEND_FLOW_REM | OFPFF_CHECK_OVERLAP | OFPFF_RESET_COUNTS | \
     OFPFF_NO_PKT_COUNTS | OFPFF_NO_BYT_COUNTS)

/* Initializes 'fm' with the defaults documented in msgs.h. */
void
ofp_flow_mod_init(struct ofp_flow_mod *fm)
{
    memset(fm, 0, sizeof *fm);
    fm->command = OFPFC_ADD;
    fm->table_id = 0;
    fm->priority = 0x8000;
    fm->buffer_id = OFP_NO_BUFFER;
    fm->out_port = OFPP_ANY;
    fm->out_group = OFPG_ANY;
    ofp_match_init(&fm->match);
    ofp_instructions_init(&fm->insts);
}

/* Frees the instructions of 'fm' and leaves it as after ofp_flow_mod_init().
 * Accepts NULL. */
void
ofp_flow_mod_uninit(struct ofp_flow_mod *fm)
{
    if (fm) {
        ofp_instructions_uninit(&fm->insts);
        ofp_flow_mod_init(fm);
    }
}

/* Checks 'table_id' against 'command': OFPTT_ALL is only for deletes.  Then
 * checks 'command'.  Returns 0 or an ofperr. */
static int
check_table_and_command__(uint8_t table_id, uint8_t command)
{
    if (table_id == OFPTT_ALL && command != OFPFC_DELETE &&
        command != OFPFC_DELETE_STRICT) {
        return OFPERR_OFPFMFC_BAD_TABLE_ID;
    }
    if (command > OFPFC_DELETE_STRICT) {
        return OFPERR_OFPFMFC_BAD_COMMAND;
    }
    return 0;
}

/* Checks FLOW_MOD 'flags'.  Returns 0 or OFPFMFC_BAD_FLAGS. */
static int
check_flags__(uint16_t flags)
{
    return flags & ~OFPFF13_ALL ? OFPERR_OFPFMFC_BAD_FLAGS : 0;
}

/* Appends 'fm' as a FLOW_MOD with 'xid' to 'b'.  Returns 0 or an ofperr (see
 * the top of the file; the match's and instructions' encoding errors;
 * OFPBRC_BAD_LEN if the message would exceed 65535 bytes), in which case
 * nothing is appended. */
int
ofp_flow_mod_encode(const struct ofp_flow_mod *fm, uint32_t xid,
                    struct ofp_buf *b)
{
    int error = check_table_and_command__(fm->table_id, fm->command);
    if (!error) {
        error = check_flags__(fm->flags);
    }
    if (error) {
        return error;
    }

    size_t start = ofp_msg_start(b, OFP13_VERSION, OFPT_FLOW_MOD, xid);
    ofp_buf_put_be64(b, fm->cookie);
    ofp_buf_put_be64(b, fm->cookie_mask);
    ofp_buf_put_u8(b, fm->table_id);
    ofp_buf_put_u8(b, fm->command);
    ofp_buf_put_be16(b, fm->idle_timeout);
    ofp_buf_put_be16(b, fm->hard_timeout);
    ofp_buf_put_be16(b, fm->priority);
    ofp_buf_put_be32(b, fm->buffer_id);
    ofp_buf_put_be32(b, fm->out_port);
    ofp_buf_put_be32(b, fm->out_group);
    ofp_buf_put_be16(b, fm->flags);
    ofp_buf_put_zeros(b, 2);

    error = ofp_match_encode(&fm->match, b);
    if (!error) {
        error = ofp_instructions_encode(&fm->insts, b);
    }
    if (!error && b->size - start > OFP_MAX_MSG_LEN) {
        error = OFPERR_OFPBRC_BAD_LEN;
    }
    if (error) {
        b->size = start;
        return error;
    }
    ofp_msg_finish(b, start);
    return 0;
}

/* Decodes FLOW_MOD 'msg' ('len' bytes) into 'fm', which it initializes.
 * Returns 0 or an ofperr (see the top of the file; OFPBRC_BAD_LEN for a body
 * shorter than 40 bytes), in which case 'fm' is left as after
 * ofp_flow_mod_init(). */
int
ofp_flow_mod_decode(const void *msg, size_t len, struct ofp_flow_mod *fm)
{
    struct ofp_buf body;
    const uint8_t *p;

    ofp_flow_mod_init(fm);
    int error = ofp_msg_body__(msg, len, OFPK_FLOW_MOD, &body);
    if (error) {
        return error;
    }
    p = ofp_buf_try_pull(&body, sizeof(struct ofp13_flow_mod));
    if (!p) {
        return OFPERR_OFPBRC_BAD_LEN;
    }
    fm->cookie = ofp_get_be64(p);
    fm->cookie_mask = ofp_get_be64(p + 8);
    fm->table_id = p[16];
    fm->command = p[17];
    fm->idle_timeout = ofp_get_be16(p + 18);
    fm->hard_timeout = ofp_get_be16(p + 20);
    fm->priority = ofp_get_be16(p + 22);
    fm->buffer_id = ofp_get_be32(p + 24);
    fm->out_port = ofp_get_be32(p + 28);
    fm->out_group = ofp_get_be32(p + 32);
    fm->flags = ofp_get_be16(p + 36);

    error = ofp_match_decode(&body, &fm->match);
    if (!error) {
        error = check_table_and_command__(fm->table_id, fm->command);
    }
    if (!error) {
        error = ofp_instructions_decode(&body, &fm->insts);
    }
    if (!error) {
        error = check_flags__(fm->flags);
    }
    if (error) {
        ofp_flow_mod_uninit(fm);
    }
    return error;
}

/* Appends 'fr' as a FLOW_REMOVED with 'xid' to 'b'.  Returns 0 or the
 * match's encoding error, in which case nothing is appended. */
int
ofp_flow_removed_encode(const struct ofp_flow_removed *fr, uint32_t xid,
                        struct ofp_buf *b)
{
    size_t start = ofp_msg_start(b, OFP13_VERSION, OFPT_FLOW_REMOVED, xid);
    ofp_buf_put_be64(b, fr->cookie);
    ofp_buf_put_be16(b, fr->priority);
    ofp_buf_put_u8(b, fr->reason);
    ofp_buf_put_u8(b, fr->table_id);
    ofp_buf_put_be32(b, fr->duration_sec);
    ofp_buf_put_be32(b, fr->duration_nsec);
    ofp_buf_put_be16(b, fr->idle_timeout);
    ofp_buf_put_be16(b, fr->hard_timeout);
    ofp_buf_put_be64(b, fr->packet_count);
    ofp_buf_put_be64(b, fr->byte_count);

    int error = ofp_match_encode(&fr->match, b);
    if (error) {
        b->size = start;
        return error;
    }
    ofp_msg_finish(b, start);
    return 0;
}

/* Decodes FLOW_REMOVED 'msg' ('len' bytes) into 'fr'.  Returns 0 or an
 * ofperr: OFPBRC_BAD_LEN for a body shorter than 40 bytes or bytes after the
 * match, or the match's decoding error. */
int
ofp_flow_removed_decode(const void *msg, size_t len,
                        struct ofp_flow_removed *fr)
{
    struct ofp_buf body;
    const uint8_t *p;

    memset(fr, 0, sizeof *fr);
    ofp_match_init(&fr->match);
    int error = ofp_msg_body__(msg, len, OFPK_FLOW_REMOVED, &body);
    if (error) {
        return error;
    }
    p = ofp_buf_try_pull(&body, sizeof(struct ofp13_flow_removed));
    if (!p) {
        return OFPERR_OFPBRC_BAD_LEN;
    }
    fr->cookie = ofp_get_be64(p);
    fr->priority = ofp_get_be16(p + 8);
    fr->reason = p[10];
    fr->table_id = p[11];
    fr->duration_sec = ofp_get_be32(p + 12);
    fr->duration_nsec = ofp_get_be32(p + 16);
    fr->idle_timeout = ofp_get_be16(p + 20);
    fr->hard_timeout = ofp_get_be16(p + 22);
    fr->packet_count = ofp_get_be64(p + 24);
    fr->byte_count = ofp_get_be64(p + 32);

    error = ofp_match_decode(&body, &fr->match);
    if (!error && body.size) {
        error = OFPERR_OFPBRC_BAD_LEN;
    }
    return error;
}
