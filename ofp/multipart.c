/* MULTIPART requests and replies (PORT_DESC, FLOW, AGGREGATE, GROUP_DESC,
 * METER, and Open vSwitch's ONF flow monitor), splitting and reassembly.
 *
 * Every MULTIPART message is the 8-byte OpenFlow header, the 8-byte
 * ofp13_multipart_header (type, flags) and a body.  Request bodies: empty for
 * PORT_DESC and GROUP_DESC, ofp13_flow_stats_request plus a match for FLOW
 * and AGGREGATE, ofp13_meter_multipart_request for METER.  Reply bodies are
 * arrays of entries (64-byte ports, flow stats, group descriptions, meter
 * stats), or one ofp13_aggregate_stats_reply.
 *
 * A reply may span several messages, all with the same xid and type, all but
 * the last flagged OFPMPF_REPLY_MORE.  ofp_mp_reply_encode() splits entries
 * over messages without ever splitting an entry; ofp_mp_assembler
 * concatenates the bodies and decodes them once the last part arrives.
 *
 * The flow monitor (OFPMP_ONF_FLOW_MONITOR in libofp) is an experimenter
 * multipart: every part carries {ONF_EXPERIMENTER_ID, ONFST_FLOW_MONITOR}
 * after the multipart header, which mp_start__() writes and
 * mp_pull_header__() checks and strips, so that the rest of this file sees
 * bodies as for any other type.  Its request body is one
 * onf_flow_monitor_request and a match; its reply entries are flow updates
 * (full: 24 bytes, a match, instructions; abbreviated: 8 bytes).
 *
 * A lenient assembler (msgs.h) keeps a FLOW entry or update whose frame is
 * sound but whose match or instructions do not decode, with 'error' set.
 *
 * Entry lengths are never trusted: each must be at least its fixed part,
 * within the body, and a multiple of 8 (OFPBRC_BAD_LEN otherwise); the match
 * and instructions of a flow entry must fill it exactly. */
#include <config.h>

#include <stdlib.h>

#include "ofp/group-private.h"
#include "ofp/msgs.h"

/* Size of the OpenFlow header plus the multipart header. */
#define MP_HEADER_LEN (OFP_HEADER_LEN + sizeof(struct ofp13_multipart_header))

/* Largest reassembled reply body the assembler accepts: far more than any
 * switch vifguard manages needs (100,000 flows are about 20 MB). */
#define OFP_MP_MAX_BODY (64u << 20)

static bool
mp_type_is_supported__(uint16_t type)
{
    return (type == OFPMP_PORT_DESC || type == OFPMP_FLOW ||
            type == OFPMP_AGGREGATE || type == OFPMP_GROUP_DESC ||
            type == OFPMP_METER || type == OFPMP_ONF_FLOW_MONITOR);
}

/* Length of the headers of a multipart message of (libofp) type 'type'. */
static size_t
mp_header_len__(uint16_t type)
{
    return (MP_HEADER_LEN + (type == OFPMP_ONF_FLOW_MONITOR
                                 ? sizeof(struct ofp13_experimenter_header)
                                 : 0));
}

/* Starts a MULTIPART message of header type 'msg_type' in 'b' and returns its
 * offset. */
static size_t
mp_start__(struct ofp_buf *b, uint8_t msg_type, uint16_t mp_type,
           uint16_t flags, uint32_t xid)
{
    size_t start = ofp_msg_start(b, OFP13_VERSION, msg_type, xid);
    bool monitor = mp_type == OFPMP_ONF_FLOW_MONITOR;
    ofp_buf_put_be16(b, monitor ? OFPMP_EXPERIMENTER : mp_type);
    ofp_buf_put_be16(b, flags);
    ofp_buf_put_zeros(b, 4);
    if (monitor) {
        ofp_buf_put_be32(b, ONF_EXPERIMENTER_ID);
        ofp_buf_put_be32(b, ONFST_FLOW_MONITOR);
    }
    return start;
}

/* Checks that 'msg' ('len' bytes) is a message of 'kind' with a multipart
 * header, stores its type and flags and makes 'body' a view of the rest.
 * Returns 0 or an ofperr. */
static int
mp_pull_header__(const void *msg, size_t len, enum ofp_msg_kind kind,
                 uint16_t *type, uint16_t *flags, struct ofp_buf *body)
{
    int error = ofp_msg_body__(msg, len, kind, body);
    if (error) {
        return error;
    }
    const uint8_t *p =
        ofp_buf_try_pull(body, sizeof(struct ofp13_multipart_header));
    if (!p) {
        return OFPERR_OFPBRC_BAD_LEN;
    }
    *type = ofp_get_be16(p);
    *flags = ofp_get_be16(p + 2);
    if (*type == OFPMP_ONF_FLOW_MONITOR) {
        return OFPERR_OFPBRC_BAD_MULTIPART; /* Internal: never on the wire. */
    }
    if (*type == OFPMP_EXPERIMENTER) {
        p = ofp_buf_try_pull(body, sizeof(struct ofp13_experimenter_header));
        if (!p) {
            return OFPERR_OFPBRC_BAD_LEN;
        }
        if (ofp_get_be32(p) != ONF_EXPERIMENTER_ID) {
            return OFPERR_OFPBRC_BAD_EXPERIMENTER;
        }
        if (ofp_get_be32(p + 4) != ONFST_FLOW_MONITOR) {
            return OFPERR_OFPBRC_BAD_EXP_TYPE;
        }
        *type = OFPMP_ONF_FLOW_MONITOR;
    }
    return mp_type_is_supported__(*type) ? 0 : OFPERR_OFPBRC_BAD_MULTIPART;
}

/* Initializes 'req' as a request of 'type' with the defaults documented in
 * msgs.h. */
void
ofp_mp_request_init(struct ofp_mp_request *req, uint16_t type)
{
    memset(req, 0, sizeof *req);
    req->type = type;
    req->table_id = OFPTT_ALL;
    req->out_port = OFPP_ANY;
    req->out_group = OFPG_ANY;
    ofp_match_init(&req->match);
    req->meter_id = OFPM_ALL;
}

/* Appends 'req' as a MULTIPART_REQUEST with 'xid' to 'b'.  Returns 0 or an
 * ofperr (OFPBRC_BAD_MULTIPART for a type libofp does not know, the match's
 * encoding error), in which case nothing is appended. */
int
ofp_mp_request_encode(const struct ofp_mp_request *req, uint32_t xid,
                      struct ofp_buf *b)
{
    if (!mp_type_is_supported__(req->type)) {
        return OFPERR_OFPBRC_BAD_MULTIPART;
    }

    size_t start =
        mp_start__(b, OFPT_MULTIPART_REQUEST, req->type, req->flags, xid);
    int error = 0;
    switch (req->type) {
    case OFPMP_FLOW:
    case OFPMP_AGGREGATE:
        ofp_buf_put_u8(b, req->table_id);
        ofp_buf_put_zeros(b, 3);
        ofp_buf_put_be32(b, req->out_port);
        ofp_buf_put_be32(b, req->out_group);
        ofp_buf_put_zeros(b, 4);
        ofp_buf_put_be64(b, req->cookie);
        ofp_buf_put_be64(b, req->cookie_mask);
        error = ofp_match_encode(&req->match, b);
        break;
    case OFPMP_METER:
        ofp_buf_put_be32(b, req->meter_id);
        ofp_buf_put_zeros(b, 4);
        break;
    case OFPMP_ONF_FLOW_MONITOR: {
        size_t fmr = b->size;
        ofp_buf_put_be32(b, req->monitor_id);
        ofp_buf_put_be16(b, req->monitor_flags);
        ofp_buf_put_be16(b, 0); /* match_len, set below. */
        ofp_buf_put_be32(b, req->out_port);
        ofp_buf_put_u8(b, req->table_id);
        ofp_buf_put_zeros(b, 3);
        size_t match = b->size;
        error = ofp_match_encode(&req->match, b);
        if (!error) {
            /* The ofp_match's own length: the OXM fields and its 4-byte
             * header, without the padding. */
            ofp_set_be16(ofp_buf_at(b, fmr + 6, 2),
                         ofp_get_be16(ofp_buf_at(b, match + 2, 2)));
        }
        break;
    }
    default:
        break;
    }
    if (error) {
        b->size = start;
        return error;
    }
    ofp_msg_finish(b, start);
    return 0;
}

/* Decodes MULTIPART_REQUEST 'msg' ('len' bytes) into 'req', which it
 * initializes.  Returns 0 or an ofperr: OFPBRC_BAD_MULTIPART for a type
 * libofp does not know, OFPBRC_BAD_LEN for a body of the wrong size, or the
 * match's decoding error. */
int
ofp_mp_request_decode(const void *msg, size_t len, struct ofp_mp_request *req)
{
    struct ofp_buf body;
    uint16_t type = 0, flags = 0;
    const uint8_t *p;

    ofp_mp_request_init(req, 0);
    int error = mp_pull_header__(msg, len, OFPK_MULTIPART_REQUEST, &type,
                                 &flags, &body);
    if (error) {
        return error;
    }
    ofp_mp_request_init(req, type);
    req->flags = flags;

    switch (type) {
    case OFPMP_FLOW:
    case OFPMP_AGGREGATE:
        p = ofp_buf_try_pull(&body, sizeof(struct ofp13_flow_stats_request));
        if (!p) {
            return OFPERR_OFPBRC_BAD_LEN;
        }
        req->table_id = p[0];
        req->out_port = ofp_get_be32(p + 4);
        req->out_group = ofp_get_be32(p + 8);
        req->cookie = ofp_get_be64(p + 16);
        req->cookie_mask = ofp_get_be64(p + 24);
        error = ofp_match_decode(&body, &req->match);
        if (error) {
            return error;
        }
        break;
    case OFPMP_METER:
        p = ofp_buf_try_pull(&body,
                             sizeof(struct ofp13_meter_multipart_request));
        if (!p) {
            return OFPERR_OFPBRC_BAD_LEN;
        }
        req->meter_id = ofp_get_be32(p);
        break;
    case OFPMP_ONF_FLOW_MONITOR: {
        p = ofp_buf_try_pull(&body, sizeof(struct onf_flow_monitor_request));
        if (!p) {
            return OFPERR_OFPBRC_BAD_LEN;
        }
        uint16_t mflags = ofp_get_be16(p + 4);
        if (!(mflags & (ONFFMF_ADD | ONFFMF_DELETE | ONFFMF_MODIFY)) ||
            mflags & ~(ONFFMF_INITIAL | ONFFMF_ADD | ONFFMF_DELETE |
                       ONFFMF_MODIFY | ONFFMF_ACTIONS | ONFFMF_OWN)) {
            return OFPERR_OFPFMFC_BAD_FLAGS;
        }
        if (p[13] || p[14] || p[15]) {
            return OFPERR_OFPBRC_BAD_LEN; /* 'zeros' must be zero. */
        }
        req->monitor_id = ofp_get_be32(p);
        req->monitor_flags = mflags;
        req->out_port = ofp_get_be32(p + 8);
        req->table_id = p[12];
        size_t match_len = ofp_get_be16(p + 6);
        const uint8_t *mh = ofp_buf_at(&body, 2, 2);
        if (!mh || ofp_get_be16(mh) != match_len) {
            return OFPERR_OFPBMC_BAD_LEN;
        }
        error = ofp_match_decode(&body, &req->match);
        if (error) {
            return error;
        }
        break;
    }
    default:
        break;
    }
    return body.size ? OFPERR_OFPBRC_BAD_LEN : 0;
}

/* Initializes 'reply' as an empty reply of 'type'. */
void
ofp_mp_reply_init(struct ofp_mp_reply *reply, uint16_t type)
{
    memset(reply, 0, sizeof *reply);
    reply->type = type;
}

/* Frees the entries of 'reply' (the 'n' entries of the array its type uses)
 * and leaves it empty, keeping its type.  Accepts NULL. */
void
ofp_mp_reply_uninit(struct ofp_mp_reply *reply)
{
    if (!reply) {
        return;
    }
    for (size_t i = 0; i < reply->n; i++) {
        if (reply->type == OFPMP_FLOW && reply->flows) {
            ofp_instructions_uninit(&reply->flows[i].insts);
        } else if (reply->type == OFPMP_GROUP_DESC && reply->groups) {
            ofp_group_uninit(&reply->groups[i]);
        } else if (reply->type == OFPMP_METER && reply->meters) {
            free(reply->meters[i].bands);
        } else if (reply->type == OFPMP_ONF_FLOW_MONITOR && reply->updates) {
            ofp_instructions_uninit(&reply->updates[i].insts);
        }
    }
    free(reply->ports);
    free(reply->flows);
    free(reply->groups);
    free(reply->meters);
    free(reply->updates);
    ofp_mp_reply_init(reply, reply->type);
}

/* Appends flow stats entry 'fs' to 'b'.  Returns 0 or an ofperr. */
static int
flow_stats_encode__(const struct ofp_flow_stats *fs, struct ofp_buf *b)
{
    size_t start = b->size;

    ofp_buf_put_be16(b, 0); /* Length, set below. */
    ofp_buf_put_u8(b, fs->table_id);
    ofp_buf_put_u8(b, 0);
    ofp_buf_put_be32(b, fs->duration_sec);
    ofp_buf_put_be32(b, fs->duration_nsec);
    ofp_buf_put_be16(b, fs->priority);
    ofp_buf_put_be16(b, fs->idle_timeout);
    ofp_buf_put_be16(b, fs->hard_timeout);
    ofp_buf_put_be16(b, fs->flags);
    ofp_buf_put_zeros(b, 4);
    ofp_buf_put_be64(b, fs->cookie);
    ofp_buf_put_be64(b, fs->packet_count);
    ofp_buf_put_be64(b, fs->byte_count);
    int error = ofp_match_encode(&fs->match, b);
    if (!error) {
        error = ofp_instructions_encode(&fs->insts, b);
    }
    if (!error && b->size - start > OFP_MAX_LEN16) {
        error = OFPERR_OFPBRC_BAD_LEN;
    }
    if (!error) {
        ofp_set_be16(ofp_buf_at(b, start, 2), (uint16_t)(b->size - start));
    }
    return error;
}

/* Appends GROUP_DESC entry 'group' to 'b'.  Returns 0 or an ofperr. */
static int
group_desc_encode__(const struct ofp_group *group, struct ofp_buf *b)
{
    size_t start = b->size;

    ofp_buf_put_be16(b, 0); /* Length, set below. */
    ofp_buf_put_u8(b, group->type);
    ofp_buf_put_u8(b, 0);
    ofp_buf_put_be32(b, group->group_id);
    int error = ofp_buckets_encode__(group->buckets, group->n_buckets, b);
    if (!error && b->size - start > OFP_MAX_LEN16) {
        error = OFPERR_OFPBRC_BAD_LEN;
    }
    if (!error) {
        ofp_set_be16(ofp_buf_at(b, start, 2), (uint16_t)(b->size - start));
    }
    return error;
}

/* Appends meter stats entry 'ms' to 'b'.  Returns 0 or an ofperr. */
static int
meter_stats_encode__(const struct ofp_meter_stats *ms, struct ofp_buf *b)
{
    size_t len = (sizeof(struct ofp13_meter_stats) +
                  ms->n_bands * sizeof(struct ofp13_meter_band_stats));
    if (ms->n_bands > OFP_MAX_LEN16 || len > OFP_MAX_LEN16) {
        return OFPERR_OFPBRC_BAD_LEN;
    }

    ofp_buf_put_be32(b, ms->meter_id);
    ofp_buf_put_be16(b, (uint16_t)len);
    ofp_buf_put_zeros(b, 6);
    ofp_buf_put_be32(b, ms->flow_count);
    ofp_buf_put_be64(b, ms->packet_in_count);
    ofp_buf_put_be64(b, ms->byte_in_count);
    ofp_buf_put_be32(b, ms->duration_sec);
    ofp_buf_put_be32(b, ms->duration_nsec);
    for (size_t i = 0; i < ms->n_bands; i++) {
        ofp_buf_put_be64(b, ms->bands[i].packet_band_count);
        ofp_buf_put_be64(b, ms->bands[i].byte_band_count);
    }
    return 0;
}

/* Appends flow monitor update 'fu' to 'b'.  Returns 0 or an ofperr
 * (OFPBRC_BAD_LEN for an unknown event). */
static int
flow_update_encode__(const struct ofp_flow_update *fu, struct ofp_buf *b)
{
    size_t start = b->size;

    if (fu->event == ONFFME_ABBREV) {
        ofp_buf_put_be16(b, sizeof(struct onf_flow_update_abbrev));
        ofp_buf_put_be16(b, fu->event);
        ofp_buf_put_be32(b, fu->xid);
        return 0;
    }
    if (fu->event > ONFFME_MODIFIED) {
        return OFPERR_OFPBRC_BAD_LEN;
    }
    ofp_buf_put_be16(b, 0); /* Length, set below. */
    ofp_buf_put_be16(b, fu->event);
    ofp_buf_put_be16(b, fu->reason);
    ofp_buf_put_be16(b, fu->priority);
    ofp_buf_put_be16(b, fu->idle_timeout);
    ofp_buf_put_be16(b, fu->hard_timeout);
    ofp_buf_put_be16(b, 0); /* match_len, set below. */
    ofp_buf_put_u8(b, fu->table_id);
    ofp_buf_put_u8(b, 0);
    ofp_buf_put_be64(b, fu->cookie);
    size_t match = b->size;
    int error = ofp_match_encode(&fu->match, b);
    if (!error) {
        ofp_set_be16(ofp_buf_at(b, start + 12, 2),
                     ofp_get_be16(ofp_buf_at(b, match + 2, 2)));
        error = ofp_instructions_encode(&fu->insts, b);
    }
    if (!error && b->size - start > OFP_MAX_LEN16) {
        error = OFPERR_OFPBRC_BAD_LEN;
    }
    if (!error) {
        ofp_set_be16(ofp_buf_at(b, start, 2), (uint16_t)(b->size - start));
    }
    return error;
}

/* Appends entry 'i' of 'reply' to 'b'.  Returns 0 or an ofperr. */
static int
entry_encode__(const struct ofp_mp_reply *reply, size_t i, struct ofp_buf *b)
{
    switch (reply->type) {
    case OFPMP_PORT_DESC:
        ofp_port_encode(&reply->ports[i], b);
        return 0;
    case OFPMP_FLOW:
        return flow_stats_encode__(&reply->flows[i], b);
    case OFPMP_GROUP_DESC:
        return group_desc_encode__(&reply->groups[i], b);
    case OFPMP_METER:
        return meter_stats_encode__(&reply->meters[i], b);
    case OFPMP_ONF_FLOW_MONITOR:
        return flow_update_encode__(&reply->updates[i], b);
    default:
        return OFPERR_OFPBRC_BAD_MULTIPART;
    }
}

/* Sets or clears OFPMPF_REPLY_MORE in the multipart message at offset
 * 'start' of 'b', then sets its length. */
static void
mp_finish__(struct ofp_buf *b, size_t start, bool more)
{
    uint8_t *flags = ofp_buf_at(b, start + OFP_HEADER_LEN + 2, 2);
    uint16_t value = ofp_get_be16(flags);
    value = more ? value | OFPMPF_REPLY_MORE : value & ~OFPMPF_REPLY_MORE;
    ofp_set_be16(flags, value);
    ofp_msg_finish(b, start);
}

/* Appends 'reply' as one or more MULTIPART_REPLY messages (see msgs.h).  An
 * entry is never split: when the next entry would take a message past
 * 'max_msg_len', the message is closed with OFPMPF_REPLY_MORE and the entry
 * starts the next one.  AGGREGATE is always one message, and a reply without
 * entries is one message with an empty body.  The last message carries
 * OFPMPF_REPLY_MORE only if 'reply->flags' has it (a decoded part of a longer
 * reply re-encodes as it was).  Returns 0 or an ofperr
 * (OFPBRC_BAD_MULTIPART for an unknown type, OFPBRC_BAD_LEN for an entry
 * that fits in no message of 'max_msg_len' bytes, or an entry's encoding
 * error), in which case nothing is appended. */
int
ofp_mp_reply_encode(const struct ofp_mp_reply *reply, uint32_t xid,
                    size_t max_msg_len, struct ofp_buf *b)
{
    size_t orig = b->size;
    uint16_t flags = reply->flags & ~OFPMPF_REPLY_MORE;
    /* A decoded part of a longer reply keeps its MORE flag. */
    bool last_more = reply->flags & OFPMPF_REPLY_MORE;

    if (!mp_type_is_supported__(reply->type)) {
        return OFPERR_OFPBRC_BAD_MULTIPART;
    }
    if (!max_msg_len || max_msg_len > OFP_MAX_MSG_LEN) {
        max_msg_len = OFP_MAX_MSG_LEN;
    }
    if (max_msg_len < mp_header_len__(reply->type)) {
        return OFPERR_OFPBRC_BAD_LEN;
    }

    size_t start =
        mp_start__(b, OFPT_MULTIPART_REPLY, reply->type, flags, xid);
    if (reply->type == OFPMP_AGGREGATE) {
        const struct ofp_aggregate_stats *agg = &reply->aggregate;

        if (max_msg_len <
            MP_HEADER_LEN + sizeof(struct ofp13_aggregate_stats_reply)) {
            b->size = orig;
            return OFPERR_OFPBRC_BAD_LEN;
        }
        ofp_buf_put_be64(b, agg->packet_count);
        ofp_buf_put_be64(b, agg->byte_count);
        ofp_buf_put_be32(b, agg->flow_count);
        ofp_buf_put_zeros(b, 4);
        mp_finish__(b, start, last_more);
        return 0;
    }

    struct ofp_buf spill;
    ofp_buf_init(&spill);
    int error = 0;
    for (size_t i = 0; i < reply->n; i++) {
        size_t entry_start = b->size;

        error = entry_encode__(reply, i, b);
        if (error) {
            break;
        }
        if (b->size - start <= max_msg_len) {
            continue;
        }

        /* The entry does not fit: move it to a new message, unless it is
         * alone in this one, in which case it fits nowhere. */
        size_t entry_len = b->size - entry_start;
        if (entry_start - start == mp_header_len__(reply->type)) {
            error = OFPERR_OFPBRC_BAD_LEN;
            break;
        }
        ofp_buf_clear(&spill);
        ofp_buf_put(&spill, ofp_buf_at(b, entry_start, entry_len), entry_len);
        b->size = entry_start;
        mp_finish__(b, start, true);
        start = mp_start__(b, OFPT_MULTIPART_REPLY, reply->type, flags, xid);
        ofp_buf_put(b, spill.data, spill.size);
        if (b->size - start > max_msg_len) {
            error = OFPERR_OFPBRC_BAD_LEN;
            break;
        }
    }
    ofp_buf_uninit(&spill);
    if (error) {
        b->size = orig;
        return error;
    }
    mp_finish__(b, start, last_more);
    return 0;
}

/* Reserves room for one more entry in the array '*array' of '*n' entries of
 * 'size' bytes with capacity '*cap', and returns a pointer to the new,
 * zeroed entry (counted in '*n'). */
static void *
array_add__(void **array, size_t *n, size_t *cap, size_t size)
{
    if (*n >= *cap) {
        *cap = *cap ? 2 * *cap : 16;
        *array = ofp_xrealloc(*array, *cap * size);
    }
    void *entry = (uint8_t *)*array + *n * size;
    memset(entry, 0, size);
    (*n)++;
    return entry;
}

/* Pulls the next entry of a reply body from 'body' into the view 'entry',
 * reading its 16-bit length at offset 'len_ofs'.  The entry must be at least
 * 'min_len' bytes, within the body and a multiple of 8.  Returns 0 or
 * OFPBRC_BAD_LEN. */
static int
pull_entry__(struct ofp_buf *body, size_t len_ofs, size_t min_len,
             struct ofp_buf *entry)
{
    const uint8_t *p = ofp_buf_at(body, len_ofs, 2);
    if (!p || body->size < min_len) {
        return OFPERR_OFPBRC_BAD_LEN;
    }
    size_t len = ofp_get_be16(p);
    if (len < min_len || len > body->size || len % 8) {
        return OFPERR_OFPBRC_BAD_LEN;
    }
    ofp_buf_use_const(entry, ofp_buf_try_pull(body, len), len);
    return 0;
}

/* The decoders of each reply body: they fill in 'reply' from all of view
 * 'body' and return 0 or an ofperr, leaving the caller to free what they
 * decoded before failing. */
static int
decode_ports__(struct ofp_buf *body, struct ofp_mp_reply *reply)
{
    if (body->size % sizeof(struct ofp13_port)) {
        return OFPERR_OFPBRC_BAD_LEN;
    }
    size_t n = body->size / sizeof(struct ofp13_port);
    reply->ports = ofp_xcalloc(n, sizeof *reply->ports);
    for (size_t i = 0; i < n; i++) {
        int error = ofp_port_decode(body, &reply->ports[i]);
        if (error) {
            return error;
        }
        reply->n++;
    }
    return 0;
}

/* In a lenient decoding (see ofp_mp_assembler in msgs.h), records
 * 'error', the decoding error of the match or instructions of an entry
 * whose frame is sound, in '*entry_error' and forgets what was decoded of
 * them; returns 0 so that decoding goes on.  Otherwise returns 'error'. */
static int
entry_error__(int error, bool lenient, int *entry_error,
              struct ofp_match *match, struct ofp_instructions *insts)
{
    if (!error || !lenient) {
        return error;
    }
    *entry_error = error;
    ofp_match_init(match);
    ofp_instructions_uninit(insts);
    ofp_instructions_init(insts);
    return 0;
}

static int
decode_flows__(struct ofp_buf *body, struct ofp_mp_reply *reply, bool lenient)
{
    size_t cap = 0;

    while (body->size) {
        struct ofp_buf entry;
        int error =
            pull_entry__(body, 0, sizeof(struct ofp13_flow_stats), &entry);
        if (error) {
            return error;
        }

        struct ofp_flow_stats *fs =
            array_add__((void **)&reply->flows, &reply->n, &cap, sizeof *fs);
        ofp_match_init(&fs->match);
        ofp_instructions_init(&fs->insts);

        const uint8_t *p =
            ofp_buf_try_pull(&entry, sizeof(struct ofp13_flow_stats));
        fs->table_id = p[2];
        fs->duration_sec = ofp_get_be32(p + 4);
        fs->duration_nsec = ofp_get_be32(p + 8);
        fs->priority = ofp_get_be16(p + 12);
        fs->idle_timeout = ofp_get_be16(p + 14);
        fs->hard_timeout = ofp_get_be16(p + 16);
        fs->flags = ofp_get_be16(p + 18);
        fs->cookie = ofp_get_be64(p + 24);
        fs->packet_count = ofp_get_be64(p + 32);
        fs->byte_count = ofp_get_be64(p + 40);
        error = ofp_match_decode(&entry, &fs->match);
        if (!error) {
            error = ofp_instructions_decode(&entry, &fs->insts);
        }
        error =
            entry_error__(error, lenient, &fs->error, &fs->match, &fs->insts);
        if (error) {
            return error;
        }
    }
    return 0;
}

static int
decode_aggregate__(struct ofp_buf *body, struct ofp_mp_reply *reply)
{
    if (body->size != sizeof(struct ofp13_aggregate_stats_reply)) {
        return OFPERR_OFPBRC_BAD_LEN;
    }
    const uint8_t *p = body->data;
    reply->aggregate.packet_count = ofp_get_be64(p);
    reply->aggregate.byte_count = ofp_get_be64(p + 8);
    reply->aggregate.flow_count = ofp_get_be32(p + 16);
    return 0;
}

static int
decode_groups__(struct ofp_buf *body, struct ofp_mp_reply *reply)
{
    size_t cap = 0;

    while (body->size) {
        struct ofp_buf entry;
        int error =
            pull_entry__(body, 0, sizeof(struct ofp13_group_desc), &entry);
        if (error) {
            return error;
        }

        struct ofp_group *group = array_add__((void **)&reply->groups,
                                              &reply->n, &cap, sizeof *group);
        ofp_group_init(group);

        const uint8_t *p =
            ofp_buf_try_pull(&entry, sizeof(struct ofp13_group_desc));
        group->type = p[2];
        group->group_id = ofp_get_be32(p + 4);
        error = ofp_buckets_decode__(&entry, entry.size, group);
        if (error) {
            return error;
        }
    }
    return 0;
}

static int
decode_meters__(struct ofp_buf *body, struct ofp_mp_reply *reply)
{
    size_t cap = 0;

    while (body->size) {
        struct ofp_buf entry;
        int error =
            pull_entry__(body, 4, sizeof(struct ofp13_meter_stats), &entry);
        if (error) {
            return error;
        }
        if ((entry.size - sizeof(struct ofp13_meter_stats)) %
            sizeof(struct ofp13_meter_band_stats)) {
            return OFPERR_OFPBRC_BAD_LEN;
        }

        struct ofp_meter_stats *ms =
            array_add__((void **)&reply->meters, &reply->n, &cap, sizeof *ms);
        const uint8_t *p =
            ofp_buf_try_pull(&entry, sizeof(struct ofp13_meter_stats));
        ms->meter_id = ofp_get_be32(p);
        ms->flow_count = ofp_get_be32(p + 12);
        ms->packet_in_count = ofp_get_be64(p + 16);
        ms->byte_in_count = ofp_get_be64(p + 24);
        ms->duration_sec = ofp_get_be32(p + 32);
        ms->duration_nsec = ofp_get_be32(p + 36);
        ms->n_bands = entry.size / sizeof(struct ofp13_meter_band_stats);
        ms->bands = ofp_xcalloc(ms->n_bands, sizeof *ms->bands);
        for (size_t i = 0; i < ms->n_bands; i++) {
            p = ofp_buf_try_pull(&entry,
                                 sizeof(struct ofp13_meter_band_stats));
            ms->bands[i].packet_band_count = ofp_get_be64(p);
            ms->bands[i].byte_band_count = ofp_get_be64(p + 8);
        }
    }
    return 0;
}

static int
decode_updates__(struct ofp_buf *body, struct ofp_mp_reply *reply,
                 bool lenient)
{
    size_t cap = 0;

    while (body->size) {
        struct ofp_buf entry;
        int error = pull_entry__(
            body, 0, sizeof(struct onf_flow_update_abbrev), &entry);
        if (error) {
            return error;
        }

        struct ofp_flow_update *fu =
            array_add__((void **)&reply->updates, &reply->n, &cap, sizeof *fu);
        ofp_match_init(&fu->match);
        ofp_instructions_init(&fu->insts);

        const uint8_t *p = entry.data;
        fu->event = ofp_get_be16(p + 2);
        if (fu->event == ONFFME_ABBREV) {
            if (entry.size != sizeof(struct onf_flow_update_abbrev)) {
                return OFPERR_OFPBRC_BAD_LEN;
            }
            fu->xid = ofp_get_be32(p + 4);
            continue;
        }
        if (fu->event > ONFFME_MODIFIED) {
            return OFPERR_OFPBRC_BAD_TYPE; /* OVS: NXBRC_FM_BAD_EVENT. */
        }
        p = ofp_buf_try_pull(&entry, sizeof(struct onf_flow_update_full));
        if (!p) {
            return OFPERR_OFPBRC_BAD_LEN;
        }
        fu->reason = ofp_get_be16(p + 4);
        fu->priority = ofp_get_be16(p + 6);
        fu->idle_timeout = ofp_get_be16(p + 8);
        fu->hard_timeout = ofp_get_be16(p + 10);
        size_t match_len = ofp_get_be16(p + 12);
        fu->table_id = p[14];
        fu->cookie = ofp_get_be64(p + 16);
        const uint8_t *mh = ofp_buf_at(&entry, 2, 2);
        if (!mh || ofp_get_be16(mh) != match_len) {
            error = OFPERR_OFPBMC_BAD_LEN;
        } else {
            error = ofp_match_decode(&entry, &fu->match);
        }
        if (!error) {
            error = ofp_instructions_decode(&entry, &fu->insts);
        }
        error =
            entry_error__(error, lenient, &fu->error, &fu->match, &fu->insts);
        if (error) {
            return error;
        }
    }
    return 0;
}

/* Decodes the 'len' bytes at 'body_', the concatenated bodies of every part
 * of a reply of 'type', into 'reply', which it initializes, leniently or not
 * (see ofp_mp_assembler in msgs.h).  Returns 0 or an ofperr, in which case
 * 'reply' is left empty. */
static int
decode_body__(uint16_t type, const void *body_, size_t len,
              struct ofp_mp_reply *reply, bool lenient)
{
    struct ofp_buf body;
    int error;

    ofp_mp_reply_init(reply, type);
    ofp_buf_use_const(&body, body_, len);
    switch (type) {
    case OFPMP_PORT_DESC:
        error = decode_ports__(&body, reply);
        break;
    case OFPMP_FLOW:
        error = decode_flows__(&body, reply, lenient);
        break;
    case OFPMP_AGGREGATE:
        error = decode_aggregate__(&body, reply);
        break;
    case OFPMP_GROUP_DESC:
        error = decode_groups__(&body, reply);
        break;
    case OFPMP_METER:
        error = decode_meters__(&body, reply);
        break;
    case OFPMP_ONF_FLOW_MONITOR:
        error = decode_updates__(&body, reply, lenient);
        break;
    default:
        error = OFPERR_OFPBRC_BAD_MULTIPART;
        break;
    }
    if (error) {
        ofp_mp_reply_uninit(reply);
    }
    return error;
}

/* Decodes the 'len' bytes at 'body_', the concatenated bodies of every part
 * of a reply of 'type', into 'reply', which it initializes.  Returns 0 or an
 * ofperr, in which case 'reply' is left empty. */
int
ofp_mp_reply_decode_body(uint16_t type, const void *body_, size_t len,
                         struct ofp_mp_reply *reply)
{
    return decode_body__(type, body_, len, reply, false);
}

/* Decodes MULTIPART_REPLY 'msg' ('len' bytes), one part of a reply, into
 * 'reply', which it initializes; 'reply->flags' tells whether more parts
 * follow.  Returns 0 or an ofperr, in which case 'reply' is left empty. */
int
ofp_mp_reply_decode(const void *msg, size_t len, struct ofp_mp_reply *reply)
{
    struct ofp_buf body;
    uint16_t type = 0, flags = 0;

    ofp_mp_reply_init(reply, 0);
    int error =
        mp_pull_header__(msg, len, OFPK_MULTIPART_REPLY, &type, &flags, &body);
    if (!error) {
        error = ofp_mp_reply_decode_body(type, body.data, body.size, reply);
    }
    if (!error) {
        reply->flags = flags;
    }
    return error;
}

/* Initializes 'as' with no reply in progress. */
void
ofp_mp_assembler_init(struct ofp_mp_assembler *as)
{
    memset(as, 0, sizeof *as);
    ofp_buf_init(&as->body);
}

/* Frees the memory of 'as' and abandons any reply in progress.  Accepts
 * NULL. */
void
ofp_mp_assembler_uninit(struct ofp_mp_assembler *as)
{
    if (as) {
        ofp_buf_uninit(&as->body);
        ofp_mp_assembler_init(as);
    }
}

/* Abandons the reply in progress in 'as', if any, and frees its memory;
 * 'as' stays lenient if it was. */
static void
assembler_reset__(struct ofp_mp_assembler *as)
{
    bool lenient = as->lenient;
    ofp_mp_assembler_uninit(as);
    as->lenient = lenient;
}

/* Adds reply part 'msg' ('len' bytes) to 'as' (see msgs.h).  The parts'
 * bodies are only concatenated, so a malformed body is reported when the
 * last part arrives.  Every error abandons the reply in progress: a bad
 * header or multipart header, a part whose xid or type differs
 * (OFPBRC_BAD_MULTIPART), more than 64 MiB of body
 * (OFPBRC_MULTIPART_BUFFER_OVERFLOW), or a failure to decode the whole. */
int
ofp_mp_assembler_add(struct ofp_mp_assembler *as, const void *msg, size_t len,
                     struct ofp_mp_reply *reply, bool *done)
{
    struct ofp_buf body;
    uint16_t type = 0, flags = 0;

    *done = false;
    int error =
        mp_pull_header__(msg, len, OFPK_MULTIPART_REPLY, &type, &flags, &body);
    if (error) {
        assembler_reset__(as);
        return error;
    }

    uint32_t xid = ofp_msg_xid(msg);
    if (as->active && (xid != as->xid || type != as->type)) {
        assembler_reset__(as);
        return OFPERR_OFPBRC_BAD_MULTIPART;
    }
    if (!as->active) {
        as->active = true;
        as->xid = xid;
        as->type = type;
        ofp_buf_clear(&as->body);
    }
    if (body.size > OFP_MP_MAX_BODY - as->body.size) {
        assembler_reset__(as);
        return OFPERR_OFPBRC_MULTIPART_BUFFER_OVERFLOW;
    }
    ofp_buf_put(&as->body, body.data, body.size);
    if (flags & OFPMPF_REPLY_MORE) {
        return 0;
    }

    error =
        decode_body__(type, as->body.data, as->body.size, reply, as->lenient);
    assembler_reset__(as);
    if (!error) {
        *done = true;
    }
    return error;
}

/* Appends ONFT_FLOW_MONITOR_PAUSED, or _RESUMED if 'resumed', with 'xid' to
 * 'b' (see msgs.h). */
void
ofp_flow_monitor_signal_encode(bool resumed, uint32_t xid, struct ofp_buf *b)
{
    size_t start = ofp_msg_start(b, OFP13_VERSION, OFPT_EXPERIMENTER, xid);
    ofp_buf_put_be32(b, ONF_EXPERIMENTER_ID);
    ofp_buf_put_be32(b, resumed ? ONFT_FLOW_MONITOR_RESUMED
                                : ONFT_FLOW_MONITOR_PAUSED);
    ofp_msg_finish(b, start);
}
