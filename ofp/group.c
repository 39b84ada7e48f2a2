/* GROUP_MOD and the bucket lists shared with GROUP_DESC replies.
 *
 * A group is a struct ofp_group holding an owned array of buckets, each with
 * its own action list.  ofp_group_mod_encode() and ofp_group_mod_decode()
 * apply the same checks, following Open vSwitch 3.1 (which follows the
 * OpenFlow 1.3.5 spec) so that anything we encode is accepted by OVS and
 * anything OVS would reject is rejected with the same error:
 *
 *   - a bucket shorter than 16 bytes, not a multiple of 8, or running past
 *     the end of the message: OFPGMFC_BAD_BUCKET;
 *   - OFPGC_DELETE with buckets: OFPGMFC_INVALID_GROUP (1.3.5);
 *   - type not ALL/SELECT/INDIRECT/FF: OFPGMFC_BAD_TYPE;
 *   - INDIRECT without exactly one bucket: OFPGMFC_INVALID_GROUP;
 *   - command not ADD/MODIFY/DELETE: OFPGMFC_BAD_COMMAND;
 *   - ADD or MODIFY of a reserved group id (> OFPG_MAX):
 *     OFPGMFC_INVALID_GROUP;
 *   - a nonzero weight outside a SELECT group: OFPGMFC_INVALID_GROUP;
 *   - a watch port or group in an ALL or INDIRECT group:
 *     OFPGMFC_WATCH_UNSUPPORTED;
 *   - a FF bucket watching neither a port nor a group:
 *     OFPGMFC_INVALID_GROUP.
 *
 * This file also holds ofp_msg_body__(), the header check shared by the
 * decoders of flow.c, group.c, meter.c and multipart.c (group-private.h). */
#include <config.h>

#include <stdlib.h>

#include "ofp/group-private.h"
#include "ofp/msgs.h"

/* See group-private.h. */
int
ofp_msg_body__(const void *msg, size_t len, enum ofp_msg_kind kind,
               struct ofp_buf *body)
{
    enum ofp_msg_kind actual;
    int error;

    if (!msg || len < OFP_HEADER_LEN) {
        return OFPERR_OFPBRC_BAD_LEN;
    }
    error = ofp_msg_classify(msg, len, &actual);
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

/* Initializes 'group' as an ADD of an empty ALL group with id 0. */
void
ofp_group_init(struct ofp_group *group)
{
    memset(group, 0, sizeof *group);
    group->command = OFPGC_ADD;
    group->type = OFPGT_ALL;
}

/* Frees the buckets of 'group' and leaves it empty (as after
 * ofp_group_init()).  Accepts NULL and a zeroed struct. */
void
ofp_group_uninit(struct ofp_group *group)
{
    if (!group) {
        return;
    }
    for (size_t i = 0; i < group->n_buckets; i++) {
        ofp_actions_uninit(&group->buckets[i].actions);
    }
    free(group->buckets);
    ofp_group_init(group);
}

/* Appends a new bucket to 'group' and returns it: weight 0, watching no port
 * (OFPP_ANY) and no group (OFPG_ANY), no actions.  The pointer is valid until
 * the next call. */
struct ofp_bucket *
ofp_group_add_bucket(struct ofp_group *group)
{
    group->buckets = ofp_xrealloc(group->buckets, (group->n_buckets + 1) *
                                                      sizeof *group->buckets);
    struct ofp_bucket *bucket = &group->buckets[group->n_buckets++];
    memset(bucket, 0, sizeof *bucket);
    bucket->watch_port = OFPP_ANY;
    bucket->watch_group = OFPG_ANY;
    ofp_actions_init(&bucket->actions);
    return bucket;
}

/* True if 'bucket' watches a port or a group (as OVS defines it). */
static bool
bucket_has_liveness__(const struct ofp_bucket *bucket)
{
    return bucket->watch_port != OFPP_ANY || bucket->watch_group != OFPG_ANY;
}

/* Checks the semantics of GROUP_MOD 'group' (see the top of the file).
 * Returns 0 or an ofperr. */
static int
group_mod_check__(const struct ofp_group *group)
{
    if (group->command == OFPGC_DELETE && group->n_buckets) {
        return OFPERR_OFPGMFC_INVALID_GROUP;
    }
    if (group->type > OFPGT_FF) {
        return OFPERR_OFPGMFC_BAD_TYPE;
    }
    if (group->type == OFPGT_INDIRECT && group->command != OFPGC_DELETE &&
        group->n_buckets != 1) {
        return OFPERR_OFPGMFC_INVALID_GROUP;
    }
    if (group->command > OFPGC_DELETE) {
        return OFPERR_OFPGMFC_BAD_COMMAND;
    }
    if (group->command != OFPGC_DELETE && group->group_id > OFPG_MAX) {
        return OFPERR_OFPGMFC_INVALID_GROUP;
    }
    for (size_t i = 0; i < group->n_buckets; i++) {
        const struct ofp_bucket *bucket = &group->buckets[i];

        if (bucket->weight && group->type != OFPGT_SELECT) {
            return OFPERR_OFPGMFC_INVALID_GROUP;
        }
        switch (group->type) {
        case OFPGT_ALL:
        case OFPGT_INDIRECT:
            if (bucket_has_liveness__(bucket)) {
                return OFPERR_OFPGMFC_WATCH_UNSUPPORTED;
            }
            break;
        case OFPGT_FF:
            if (!bucket_has_liveness__(bucket)) {
                return OFPERR_OFPGMFC_INVALID_GROUP;
            }
            break;
        default:
            break;
        }
    }
    return 0;
}

/* See group-private.h. */
int
ofp_buckets_encode__(const struct ofp_bucket *buckets, size_t n,
                     struct ofp_buf *b)
{
    for (size_t i = 0; i < n; i++) {
        const struct ofp_bucket *bucket = &buckets[i];
        size_t start = b->size;

        ofp_buf_put_be16(b, 0); /* Length, set below. */
        ofp_buf_put_be16(b, bucket->weight);
        ofp_buf_put_be32(b, bucket->watch_port);
        ofp_buf_put_be32(b, bucket->watch_group);
        ofp_buf_put_zeros(b, 4);
        int error = ofp_actions_encode(&bucket->actions, b);
        if (error) {
            return error;
        }
        size_t len = b->size - start;
        if (len > OFP_MAX_LEN16) {
            return OFPERR_OFPGMFC_BAD_BUCKET;
        }
        ofp_set_be16(ofp_buf_at(b, start, 2), (uint16_t)len);
    }
    return 0;
}

/* See group-private.h. */
int
ofp_buckets_decode__(struct ofp_buf *b, size_t len, struct ofp_group *group)
{
    while (len > 0) {
        const uint8_t *p =
            (len >= sizeof(struct ofp13_bucket)
                 ? ofp_buf_try_pull(b, sizeof(struct ofp13_bucket))
                 : NULL);
        if (!p) {
            return OFPERR_OFPGMFC_BAD_BUCKET;
        }

        size_t bucket_len = ofp_get_be16(p);
        if (bucket_len < sizeof(struct ofp13_bucket) || bucket_len > len ||
            bucket_len % 8) {
            return OFPERR_OFPGMFC_BAD_BUCKET;
        }

        struct ofp_bucket *bucket = ofp_group_add_bucket(group);
        bucket->weight = ofp_get_be16(p + 2);
        bucket->watch_port = ofp_get_be32(p + 4);
        bucket->watch_group = ofp_get_be32(p + 8);
        int error = ofp_actions_decode(
            b, bucket_len - sizeof(struct ofp13_bucket), &bucket->actions);
        if (error) {
            return error;
        }
        len -= bucket_len;
    }
    return 0;
}

/* Appends 'group' as a GROUP_MOD with 'xid' to 'b'.  Returns 0 or an ofperr
 * (see the top of the file; OFPBRC_BAD_LEN if the message would exceed 65535
 * bytes), in which case nothing is appended. */
int
ofp_group_mod_encode(const struct ofp_group *group, uint32_t xid,
                     struct ofp_buf *b)
{
    int error = group_mod_check__(group);
    if (error) {
        return error;
    }

    size_t start = ofp_msg_start(b, OFP13_VERSION, OFPT_GROUP_MOD, xid);
    ofp_buf_put_be16(b, group->command);
    ofp_buf_put_u8(b, group->type);
    ofp_buf_put_u8(b, 0);
    ofp_buf_put_be32(b, group->group_id);
    error = ofp_buckets_encode__(group->buckets, group->n_buckets, b);
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

/* Decodes GROUP_MOD 'msg' ('len' bytes) into 'group', which it initializes.
 * Returns 0 or an ofperr, in which case 'group' is left empty. */
int
ofp_group_mod_decode(const void *msg, size_t len, struct ofp_group *group)
{
    struct ofp_buf body;
    const uint8_t *p;

    ofp_group_init(group);
    int error = ofp_msg_body__(msg, len, OFPK_GROUP_MOD, &body);
    if (error) {
        return error;
    }
    p = ofp_buf_try_pull(&body, sizeof(struct ofp13_group_mod));
    if (!p) {
        return OFPERR_OFPBRC_BAD_LEN;
    }
    group->command = ofp_get_be16(p);
    group->type = p[2];
    group->group_id = ofp_get_be32(p + 4);

    error = ofp_buckets_decode__(&body, body.size, group);
    if (!error) {
        error = group_mod_check__(group);
    }
    if (error) {
        ofp_group_uninit(group);
    }
    return error;
}
