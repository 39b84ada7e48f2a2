/* OpenFlow 1.3 connections from ovs-vswitchd.
 *
 * vifguardd is the passive side: ovs-vswitchd connects to our listeners
 * (punix:PATH or ptcp:PORT[:IP]) once per bridge.  This module does the
 * handshake (HELLO, version 1.3 only; FEATURES for the datapath id), answers
 * echo requests, frames and classifies every message, reassembles multipart
 * replies, and hands replies to whoever registered for their xid.  It knows
 * nothing about flows or policy: that is the engine's business.
 *
 * A connection that misbehaves (bad framing, an undecodable reply, a failed
 * handshake, or none within 10 seconds of the connection) is logged and
 * closed; ovs-vswitchd reconnects by itself.  So is one whose peer stays
 * silent for 10 seconds and then does not answer an echo request within 10
 * more: a stuck switch must not hold a bridge's connection forever. */
#ifndef VG_OFCONN_H
#define VG_OFCONN_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ofp/msgs.h"

struct ofconn;
struct ofconn_listener;

/* Called by the module, on the loop. */
struct ofconn_handler {
    /* Handshake done: ofconn_dpid() is valid. */
    void (*ready)(struct ofconn *, void *aux);
    /* The connection is gone; 'conn' is freed when this returns, with every
     * registered reply callback dropped (not called). */
    void (*closed)(struct ofconn *, void *aux);
    /* A port was added, deleted or changed (optional). */
    void (*port_status)(struct ofconn *, const struct ofp_port_status *,
                        void *aux);
};

/* What arrived for a registered xid. */
struct ofconn_reply {
    enum ofp_msg_kind kind; /* ERROR, BARRIER_REPLY, BUNDLE_CONTROL, ... */
    const void *msg;        /* The raw message (last part of a multipart). */
    size_t len;
    int error;               /* For ERROR: its ofperr (0 if unknown). */
    struct ofp_mp_reply *mp; /* A complete, reassembled multipart reply. */
};
typedef void ofconn_reply_cb(struct ofconn *, const struct ofconn_reply *,
                             void *aux);

/* Opens a listener on 'target'.  Returns 0 or an errno with a message in
 * '*errp'. */
int ofconn_listen(const char *target, const struct ofconn_handler *, void *aux,
                  struct ofconn_listener **, char **errp);
void ofconn_listener_destroy(struct ofconn_listener *);

uint64_t ofconn_dpid(const struct ofconn *);
const char *ofconn_name(const struct ofconn *); /* For logs. */
uint32_t ofconn_next_xid(struct ofconn *);

/* Queues the messages in 'msgs' (complete, encoded) for sending. */
void ofconn_send(struct ofconn *, const struct ofp_buf *msgs);
/* Calls 'cb' for every reply with 'xid' until ofconn_forget(xid). */
void ofconn_expect(struct ofconn *, uint32_t xid, ofconn_reply_cb *,
                   void *aux);
void ofconn_forget(struct ofconn *, uint32_t xid);
/* Closes 'conn' (the closed handler runs). */
void ofconn_close(struct ofconn *, const char *why);

#endif /* src/ofconn.h */
