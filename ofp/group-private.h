/* Internal to libofp: helpers shared by the FLOW_MOD, GROUP_MOD, METER_MOD
 * and MULTIPART codecs (flow.c, group.c, meter.c, multipart.c).
 *
 * Bucket lists appear both in GROUP_MOD and in GROUP_DESC reply entries, so
 * group.c exports their encoder and decoder here.  ofp_msg_body__() is the
 * common first step of every decoder in those files. */
#ifndef OFP_GROUP_PRIVATE_H
#define OFP_GROUP_PRIVATE_H 1

#include <stddef.h>
#include <stdint.h>

#include "ofp/msgs.h"

struct ofp_buf;

/* Checks the header of message 'msg' ('len' bytes) with ofp_msg_classify()
 * and that it is a message of kind 'kind'; on success makes 'body' a view of
 * the bytes after the header.  Returns 0 or an ofperr. */
int ofp_msg_body__(const void *msg, size_t len, enum ofp_msg_kind kind,
                   struct ofp_buf *body);

/* Appends the 'n' buckets at 'buckets' as ofp13_bucket structures with their
 * actions.  Returns 0 or an ofperr (OFPGMFC_BAD_BUCKET if a bucket's length
 * does not fit its 16-bit field, or an action encoding error); on error the
 * contents appended to 'b' are unspecified, so the caller truncates. */
int ofp_buckets_encode__(const struct ofp_bucket *buckets, size_t n,
                         struct ofp_buf *b);

/* Pulls exactly 'len' bytes of buckets from view 'b' and appends them to
 * 'group' (which the caller uninitializes on error).  Returns 0 or an ofperr:
 * OFPGMFC_BAD_BUCKET for a bucket shorter than 16 bytes, not a multiple of 8
 * bytes long, or running past 'len', else the error of
 * ofp_actions_decode(). */
int ofp_buckets_decode__(struct ofp_buf *b, size_t len,
                         struct ofp_group *group);

/* Largest length a 16-bit length field can hold. */
#define OFP_MAX_LEN16 65535

#endif /* ofp/group-private.h */
