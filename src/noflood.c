/* NO_FLOOD through one OpenFlow 1.0 connection per bridge.  See noflood.h.
 *
 * The session (struct noflood_session) owns the connection to the bridge's
 * management socket and a queue of operations, of which it runs one at a
 * time.  Connection states: CLOSED -> CONNECTING (non-blocking connect() in
 * progress) -> HELLO (our HELLO sent, waiting for the switch's) -> READY.
 * An operation may send its requests as soon as our HELLO is out (the
 * switch reads them after the negotiation), so the first operation on a
 * new connection still costs one round trip, not two.
 *
 * Life of an operation: QUEUED -> [CONNECTING (the connection is not up
 * yet)] -> FEATURES (FEATURES_REQUEST sent) -> [PORT_DESC (the
 * FEATURES_REPLY had no room for every port)] -> BARRIER (PORT_MODs and
 * BARRIER_REQUEST sent) -> DONE.  With every hardware address given
 * ('direct') the operation starts with the PORT_MODs and BARRIER_REQUEST;
 * ports whose PORT_MOD failed for a stale address go back to pending, and
 * the barrier reply then leads to FEATURES as above.  DONE calls the
 * callback and starts the next queued operation; the memory is freed when
 * the event-loop entry point that got there returns.
 *
 * Failures: any error of an operation (the switch closed or reset the
 * connection, bytes that are not OpenFlow 1.0, an ERROR that is not about
 * one PORT_MOD, the timeout) also closes the connection, whose state is
 * then unknown; the next operation connects again.  So does noflood_cancel()
 * of an operation in flight.  A connection that fails while no operation
 * runs (typically ovs-vswitchd restarting, or the bridge deleted) is just
 * closed.
 *
 * Transaction ids: each operation takes a fresh range of the session's
 * counter: base + XID_BARRIER, base + XID_FEATURES, base + XID_PORT_DESC,
 * and base + XID_PORT_MOD + i for the PORT_MOD of requested port i, so
 * that an ERROR names its port, and a late reply or ERROR for an earlier
 * (failed or cancelled) operation on the same connection is recognised and
 * ignored.
 *
 * Idle: while no operation runs, nothing is timed; the connection's socket
 * is watched for reading only.  What ovs-vswitchd does with such a
 * connection (OVS 3.1, ofproto/connmgr.c, vswitchd/bridge.c): the
 * management socket is an OFCONN_SERVICE listener with probe_interval 60,
 * so after 60 s without traffic ovs-vswitchd sends an ECHO_REQUEST (and
 * drops the connection if no reply comes within 60 more seconds): one
 * wakeup per bridge per minute, answered here.  A service connection gets
 * no asynchronous messages (PACKET_IN, PORT_STATUS, FLOW_REMOVED...)
 * unless it sets a nonzero miss_send_len (ofconn_receives_async_msg()),
 * which NXT_SET_ASYNC_CONFIG does (ofproto.c, handle_nxt_set_async_
 * config(): miss_send_len 0 becomes the default, 128); a watching session
 * sends it after HELLO, limiting them to PORT_STATUS MODIFY (noflood.h,
 * "Watching"); others are ignored if they come.
 * One side effect of any open OpenFlow 1.0 connection: while one is open,
 * ovs-vswitchd turns a table miss (default table-miss config) into a
 * packet to the controller instead of a drop (connmgr_wants_packet_in_on_
 * miss()).  Every vifguard table has a priority 0 flow, so this matters
 * only before the pipeline is installed, where the packets still go
 * nowhere but to userspace.
 *
 * What the switch sends that is not a reply we wait for: ECHO_REQUEST is
 * answered; PORT_STATUS MODIFY is reported if watched; PACKET_IN,
 * FLOW_REMOVED, ECHO_REPLY, VENDOR, other PORT_STATUS and replies with
 * another xid are ignored.  A message that is not valid
 * OpenFlow 1.0 (bad length, version, type) fails the connection with
 * EPROTO. */
#include <config.h>
#include "src/noflood.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ofp/buf.h"
#include "ofp/of10.h"
#include "src/log.h"
#include "src/loop.h"

#define SUBSYS "noflood"

/* Bytes read per recv() call, and at most this many calls per wakeup. */
#define RX_CHUNK 65536
#define READS_PER_WAKEUP 16

/* At most this many ports in port description replies: more than any
 * bridge can have (1.0 port numbers stop at 0xff00), so a switch that
 * sends more is broken. */
#define MAX_SWITCH_PORTS OFPP10_MAX

/* Transaction ids, relative to an operation's base. */
enum {
    XID_BARRIER = 0,
    XID_FEATURES = 1,
    XID_PORT_DESC = 2,
    XID_PORT_MOD = 3, /* + index of the requested port. */
};

enum nf_conn_state {
    NFC_CLOSED,
    NFC_CONNECTING,
    NFC_HELLO,
    NFC_READY,
};

/* The watch of the connection (noflood_session_watch()). */
enum nf_watch_state {
    NFW_OFF,     /* Not asked for (or no connection). */
    NFW_ARMED,   /* NXT_SET_ASYNC_CONFIG sent: the switch reports other
                  * clients' port changes from then on. */
    NFW_REFUSED, /* The switch refused it: not watched. */
};

enum nf_state {
    NF_QUEUED,
    NF_CONNECTING,
    NF_FEATURES,
    NF_PORT_DESC,
    NF_BARRIER,
    NF_DONE,
};

/* Per requested port. */
enum nf_port_state {
    NFP_PENDING, /* Not settled yet. */
    NFP_SENT,    /* PORT_MOD sent, waiting for the barrier. */
    NFP_SETTLED, /* Result final. */
};

struct noflood_session {
    char *path;       /* Management socket. */
    int fd;           /* Socket, or -1. */
    struct vg_io *io; /* Watcher of 'fd', or NULL. */
    enum nf_conn_state conn;
    unsigned long conn_id;  /* Counts connections: tells a loop that the
                             * one it was reading was replaced. */
    uint32_t next_xid;      /* Start of the next transaction id range. */
    struct vg_timer *timer; /* Deadline of 'cur', or the report of an
                             * error found outside the event loop. */
    struct ofp_buf rx;      /* Bytes received, not yet handled. */
    struct ofp_buf tx;      /* Bytes not yet sent. */

    noflood_watch_cb *watch_cb; /* Or NULL: nothing watched. */
    void *watch_aux;
    enum nf_watch_state watch; /* Of the current connection. */
    uint32_t watch_xid;        /* NXT_SET_ASYNC_CONFIG's xid. */

    struct noflood *cur;     /* Operation in flight, or NULL. */
    struct noflood *queue;   /* Operations waiting, oldest first. */
    struct noflood *zombies; /* Ended, freed when the entry point returns. */
    int busy;                /* Inside an event-loop entry point. */
    bool destroyed;          /* Destroyed while 'busy'. */
};

struct noflood {
    struct noflood_session *s;
    struct noflood *next; /* In the queue or among the zombies. */
    enum nf_state state;
    int early_error; /* Error found outside the event loop. */
    uint32_t xid;    /* Base of its transaction ids. */

    struct noflood_result *results; /* One per requested port. */
    enum nf_port_state *port_states;
    size_t n;

    struct ofp10_port *sw_ports; /* The switch's ports, from the replies. */
    size_t n_sw_ports;

    uint8_t (*hw_addrs)[6]; /* Per requested port, if 'direct'. */
    bool direct;            /* PORT_MODs sent without FEATURES_REQUEST. */

    noflood_done_cb *cb;
    void *aux;
    bool in_callback; /* Inside 'cb'. */
};

static struct vg_ratelimit rl = VG_RATELIMIT_INIT(5, 20);

static void nfs_io_cb__(struct vg_io *, int revents, void *s_);
static void nfs_timer_cb__(struct vg_timer *, void *s_);
static void nfs_next__(struct noflood_session *);
static void nf_start__(struct noflood *);
static bool ofport_is_valid__(uint32_t ofport);

/* Frees operation 'nf' and everything it owns. */
static void
nf_free__(struct noflood *nf)
{
    free(nf->results);
    free(nf->port_states);
    free(nf->sw_ports);
    free(nf->hw_addrs);
    free(nf);
}

/* Closes the connection of 's', if any, and forgets what was in transit. */
static void
nfs_close__(struct noflood_session *s)
{
    vg_io_destroy(s->io);
    s->io = NULL;
    if (s->fd >= 0) {
        close(s->fd);
        s->fd = -1;
    }
    s->conn = NFC_CLOSED;
    s->watch = NFW_OFF;
    ofp_buf_uninit(&s->rx);
    ofp_buf_init(&s->rx);
    ofp_buf_clear(&s->tx);
}

/* Frees session 's', its operations (without calling back) and its
 * connection. */
static void
nfs_free__(struct noflood_session *s)
{
    nfs_close__(s);
    if (s->cur) {
        nf_free__(s->cur);
    }
    while (s->queue) {
        struct noflood *nf = s->queue;
        s->queue = nf->next;
        nf_free__(nf);
    }
    while (s->zombies) {
        struct noflood *nf = s->zombies;
        s->zombies = nf->next;
        nf_free__(nf);
    }
    vg_timer_destroy(s->timer);
    ofp_buf_uninit(&s->rx);
    ofp_buf_uninit(&s->tx);
    free(s->path);
    free(s);
}

/* Enters an event-loop entry point of 's'. */
static void
nfs_enter__(struct noflood_session *s)
{
    s->busy++;
}

/* Leaves an event-loop entry point of 's': frees the operations that ended
 * meanwhile, and 's' itself if it was destroyed meanwhile. */
static void
nfs_leave__(struct noflood_session *s)
{
    if (--s->busy) {
        return;
    }
    while (s->zombies) {
        struct noflood *nf = s->zombies;
        s->zombies = nf->next;
        nf_free__(nf);
    }
    if (s->destroyed) {
        nfs_free__(s);
    }
}

/* Ends the current operation 'nf' of its session with 'error' (0 if it
 * completed; then the first failed port's error, if any, becomes the
 * operation's): settles every unsettled port with 'error', calls the
 * callback and starts the next queued operation.  Only inside an entry
 * point: 'nf' is freed when it returns. */
static void
nf_finish__(struct noflood *nf, int error)
{
    struct noflood_session *s = nf->s;

    nf->state = NF_DONE;
    s->cur = NULL;
    vg_timer_stop(s->timer);
    nf->next = s->zombies;
    s->zombies = nf;

    int op_error = error ? error : EPROTO; /* For unsettled ports. */
    size_t n_set = 0, n_cleared = 0, n_failed = 0;
    for (size_t i = 0; i < nf->n; i++) {
        struct noflood_result *r = &nf->results[i];
        if (nf->port_states[i] != NFP_SETTLED) {
            r->error = op_error;
            nf->port_states[i] = NFP_SETTLED;
        }
        if (r->error) {
            n_failed++;
            if (!error) {
                error = r->error;
            }
        } else if (r->changed && r->no_flood) {
            n_set++;
        } else if (r->changed) {
            n_cleared++;
        }
    }
    if (n_set || n_cleared) {
        VG_INFO(SUBSYS, "%s: NO_FLOOD set on %zu, cleared on %zu port(s)%s",
                s->path, n_set, n_cleared,
                n_failed ? " (some ports failed)" : "");
    }
    VG_DBG(SUBSYS, "%s: done: %zu port(s), %zu failed: %s", s->path, nf->n,
           n_failed, error ? ofp_strerror(error) : "success");

    nf->in_callback = true;
    nf->cb(nf->aux, error, nf->results, nf->n);
    nf->in_callback = false;
    if (!s->destroyed) {
        nfs_next__(s);
    }
}

/* Closes the connection of 's' for 'error' and ends the current operation,
 * if any, with it.  Logs why (rate-limited: the switch or the socket is to
 * blame; at debug level if no operation was affected, e.g. ovs-vswitchd
 * restarted while the connection was idle).  Only inside an entry
 * point. */
static void nfs_fail__(struct noflood_session *s, int error, const char *fmt,
                       ...) __attribute__((format(printf, 3, 4)));

static void
nfs_fail__(struct noflood_session *s, int error, const char *fmt, ...)
{
    char why[256];
    va_list args;

    va_start(args, fmt);
    vsnprintf(why, sizeof why, fmt, args);
    va_end(args);
    bool was_armed = s->watch == NFW_ARMED;
    nfs_close__(s);
    if (was_armed) {
        /* First, so that the operation's callback below already finds the
         * caller's view of the bits updated. */
        s->watch_cb(s->watch_aux, 0, false);
        if (s->destroyed) {
            return;
        }
    }
    if (s->cur) {
        vg_log_rl(&rl, SUBSYS, VG_LOG_WARN, "%s: NO_FLOOD not applied: %s",
                  s->path, why);
        nf_finish__(s->cur, error);
    } else {
        VG_DBG(SUBSYS, "%s: idle connection closed: %s", s->path, why);
    }
}

/* Settles requested port 'i' of 'nf' with 'error'. */
static void
nf_settle__(struct noflood *nf, size_t i, int error)
{
    nf->results[i].error = error;
    nf->results[i].settled = true;
    nf->port_states[i] = NFP_SETTLED;
}

/* Sends what 's' has queued, as far as the socket takes it, and watches
 * for what is needed next.  Returns 0 or an errno value. */
static int
nfs_flush__(struct noflood_session *s)
{
    if (s->conn == NFC_CONNECTING) {
        return 0; /* Sent once connected. */
    } else if (s->fd < 0) {
        return ENOTCONN;
    }
    while (s->tx.size) {
        ssize_t n =
            send(s->fd, s->tx.data, s->tx.size, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            ofp_buf_try_pull(&s->tx, (size_t)n);
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            break;
        } else if (n < 0 && errno != EPIPE && errno != ECONNRESET) {
            return errno;
        } else {
            return ECONNRESET; /* The switch closed the connection. */
        }
    }
    if (!s->tx.size) {
        ofp_buf_clear(&s->tx);
    }
    vg_io_set_events(s->io, VG_READ | (s->tx.size ? VG_WRITE : 0));
    return 0;
}

/* nfs_flush__(), and on error fails the connection.  Only inside an entry
 * point. */
static void
nfs_flush_or_fail__(struct noflood_session *s)
{
    int error = nfs_flush__(s);
    if (error) {
        nfs_fail__(s, error, "send: %s", strerror(error));
    }
}

/* Compares struct ofp10_port by port number, for qsort() and bsearch(). */
static int
port_cmp__(const void *a_, const void *b_)
{
    const struct ofp10_port *a = a_, *b = b_;
    return a->port_no < b->port_no ? -1 : a->port_no > b->port_no;
}

/* Adds the 'n' ports in 'ports' to what 'nf' knows of the switch.  Returns
 * false if that makes too many. */
static bool
nf_add_sw_ports__(struct noflood *nf, const struct ofp10_port *ports, size_t n)
{
    if (n > MAX_SWITCH_PORTS - nf->n_sw_ports) {
        return false;
    }
    if (n) {
        nf->sw_ports = ofp_xrealloc(nf->sw_ports, (nf->n_sw_ports + n) *
                                                      sizeof *nf->sw_ports);
        memcpy(nf->sw_ports + nf->n_sw_ports, ports, n * sizeof *ports);
        nf->n_sw_ports += n;
    }
    return true;
}

/* Queues the PORT_MOD of requested port 'i' of 'nf', whose address is
 * 'hw_addr'. */
static void
nf_queue_port_mod__(struct noflood *nf, size_t i, const uint8_t hw_addr[6])
{
    struct noflood_result *r = &nf->results[i];
    struct ofp10_port_mod_msg pm = {
        .port_no = (uint16_t)r->ofport,
        .config = r->no_flood ? OFPPC10_NO_FLOOD : 0,
        .mask = OFPPC10_NO_FLOOD,
    };
    memcpy(pm.hw_addr, hw_addr, sizeof pm.hw_addr);
    ofp10_port_mod_encode(&pm, nf->xid + XID_PORT_MOD + (uint32_t)i,
                          &nf->s->tx);
    r->changed = true;
    nf->port_states[i] = NFP_SENT;
}

/* Now that 'nf' knows the switch's ports: settles the ports that are
 * missing or already right, sends a PORT_MOD for each of the others and a
 * barrier after them, or ends the operation if nothing needs sending. */
static void
nf_apply__(struct noflood *nf)
{
    struct noflood_session *s = nf->s;
    size_t n_sent = 0;

    if (nf->n_sw_ports) {
        qsort(nf->sw_ports, nf->n_sw_ports, sizeof *nf->sw_ports, port_cmp__);
    }
    for (size_t i = 0; i < nf->n; i++) {
        struct noflood_result *r = &nf->results[i];
        if (nf->port_states[i] != NFP_PENDING) {
            continue;
        }
        struct ofp10_port key = { .port_no = (uint16_t)r->ofport };
        const struct ofp10_port *port =
            nf->n_sw_ports ? bsearch(&key, nf->sw_ports, nf->n_sw_ports,
                                     sizeof *nf->sw_ports, port_cmp__)
                           : NULL;
        if (!port) {
            vg_log_rl(&rl, SUBSYS, VG_LOG_WARN,
                      "%s: port %" PRIu32 " is not on the bridge", s->path,
                      r->ofport);
            nf_settle__(nf, i, ENOENT);
            continue;
        }
        bool has = (port->config & OFPPC10_NO_FLOOD) != 0;
        if (has == r->no_flood) {
            nf_settle__(nf, i, 0);
            continue;
        }
        nf_queue_port_mod__(nf, i, port->hw_addr);
        VG_DBG(SUBSYS, "%s: port %" PRIu32 " (%s): %s NO_FLOOD", s->path,
               r->ofport, port->name, r->no_flood ? "setting" : "clearing");
        n_sent++;
    }
    free(nf->sw_ports);
    nf->sw_ports = NULL;
    nf->n_sw_ports = 0;

    if (!n_sent) {
        nf_finish__(nf, 0);
        return;
    }
    ofp10_empty_encode(OFPT10_BARRIER_REQUEST, nf->xid + XID_BARRIER, &s->tx);
    nf->state = NF_BARRIER;
    nfs_flush_or_fail__(s);
}

/* The switch refused the watch's request of 's' ('name': its error): the
 * connection goes on unwatched. */
static void
nfs_watch_refused__(struct noflood_session *s, const char *name)
{
    vg_log_rl(&rl, SUBSYS, VG_LOG_WARN,
              "%s: switch refused to report port changes (%s): NO_FLOOD "
              "bits cleared by other clients go unnoticed",
              s->path, name);
    s->watch = NFW_REFUSED;
}

/* Handles PORT_STATUS 'msg' ('len' bytes): another client changed a port's
 * config (the switch does not report a connection's own PORT_MODs back to
 * it). */
static void
nfs_handle_port_status__(struct noflood_session *s, const uint8_t *msg,
                         size_t len)
{
    struct ofp10_port_status_msg ps;
    int error = ofp10_port_status_decode(msg, len, &ps);
    if (error) {
        nfs_fail__(s, EPROTO, "malformed PORT_STATUS: %s",
                   ofp_strerror(error));
        return;
    }
    if (s->watch == NFW_ARMED && ps.reason == OFPPR10_MODIFY &&
        ofport_is_valid__(ps.desc.port_no)) {
        VG_DBG(SUBSYS, "%s: port %u (%s) changed: NO_FLOOD %s", s->path,
               ps.desc.port_no, ps.desc.name,
               ps.desc.config & OFPPC10_NO_FLOOD ? "set" : "clear");
        s->watch_cb(s->watch_aux, ps.desc.port_no,
                    (ps.desc.config & OFPPC10_NO_FLOOD) != 0);
    }
}

/* Handles ERROR 'msg' ('len' bytes) on the connection of 's'. */
static void
nfs_handle_error__(struct noflood_session *s, const uint8_t *msg, size_t len)
{
    struct ofp_error err;
    int error = ofp10_error_decode(msg, len, &err);
    if (error) {
        nfs_fail__(s, EPROTO, "malformed ERROR: %s", ofp_strerror(error));
        return;
    }
    uint32_t xid = ofp_msg_xid(msg);
    const char *name = err.error ? ofperr_name(err.error) : "unknown error";
    if (err.type == OFPET10_HELLO_FAILED) {
        /* The data is a text for humans, e.g. "We support version 0x04, you
         * support no later than version 0x01."; keep it printable. */
        char text[128];
        size_t n =
            err.data_len < sizeof text - 1 ? err.data_len : sizeof text - 1;
        for (size_t i = 0; i < n; i++) {
            text[i] = isprint(err.data[i]) ? (char)err.data[i] : '?';
        }
        text[n] = '\0';
        nfs_fail__(s, EPROTONOSUPPORT,
                   "switch refused the OpenFlow 1.0 session: %s%s%s", name,
                   n ? ": " : "", text);
        return;
    }

    if (s->watch == NFW_ARMED && xid == s->watch_xid) {
        nfs_watch_refused__(s, name);
        return;
    }

    struct noflood *nf = s->cur;
    uint32_t rel = nf ? xid - nf->xid : UINT32_MAX;
    if (!nf || nf->state == NF_CONNECTING || rel >= XID_PORT_MOD + nf->n) {
        /* About an earlier operation: it ended already. */
        VG_DBG(SUBSYS, "%s: ignoring ERROR %s for xid %#" PRIx32, s->path,
               name, xid);
        return;
    }
    if (rel >= XID_PORT_MOD &&
        nf->port_states[rel - XID_PORT_MOD] == NFP_SENT) {
        size_t i = rel - XID_PORT_MOD;
        if (nf->direct && (err.error == OFPERR_OFPPMFC_BAD_PORT ||
                           err.error == OFPERR_OFPPMFC_BAD_HW_ADDR)) {
            /* The given address was stale: look the port up after the
             * barrier. */
            VG_DBG(SUBSYS, "%s: port %" PRIu32 ": %s, asking for features",
                   s->path, nf->results[i].ofport, name);
            nf->results[i].changed = false;
            nf->port_states[i] = NFP_PENDING;
            return;
        }
        vg_log_rl(&rl, SUBSYS, VG_LOG_WARN,
                  "%s: port %" PRIu32 ": switch rejected PORT_MOD: %s "
                  "(type %u, code %u)",
                  s->path, nf->results[i].ofport, name, err.type, err.code);
        nf_settle__(nf, i, err.error ? err.error : EPROTO);
        return;
    }
    nfs_fail__(s, err.error ? err.error : EPROTO,
               "switch sent ERROR %s (type %u, code %u, xid %#" PRIx32 ")",
               name, err.type, err.code, xid);
}

/* Handles the switch's first message 'msg' ('len' bytes), which must be
 * its HELLO. */
static void
nfs_handle_hello__(struct noflood_session *s, const uint8_t *msg, size_t len)
{
    int error = ofp10_hello_check(msg, len);
    if (error == OFPERR_OFPHFC_INCOMPATIBLE) {
        nfs_fail__(s, EPROTONOSUPPORT,
                   "bridge does not allow OpenFlow 1.0 (switch HELLO version "
                   "%#x; add OpenFlow10 to the bridge's protocols)",
                   msg[0]);
    } else if (error) {
        nfs_fail__(s, EPROTO, "expected HELLO, got %s: %s",
                   ofp10_type_name(msg[1]), ofp_strerror(error));
    } else {
        s->conn = NFC_READY;
    }
}

/* Handles FEATURES_REPLY 'msg' ('len' bytes) for operation 'nf'. */
static void
nf_handle_features__(struct noflood *nf, const uint8_t *msg, size_t len)
{
    struct noflood_session *s = nf->s;
    struct ofp10_features f;
    int error = ofp10_features_decode(msg, len, &f);
    if (error) {
        nfs_fail__(s, EPROTO, "malformed FEATURES_REPLY: %s",
                   ofp_strerror(error));
        return;
    }
    if (f.truncated) {
        /* The list may be incomplete: get them all another way. */
        VG_DBG(SUBSYS,
               "%s: %zu ports in FEATURES_REPLY, asking for port "
               "descriptions",
               s->path, f.n_ports);
        ofp10_features_uninit(&f);
        ofp10_port_desc_request_encode(nf->xid + XID_PORT_DESC, &s->tx);
        nf->state = NF_PORT_DESC;
        nfs_flush_or_fail__(s);
        return;
    }
    nf_add_sw_ports__(nf, f.ports, f.n_ports);
    ofp10_features_uninit(&f);
    nf_apply__(nf);
}

/* Handles port description reply 'msg' ('len' bytes) for operation
 * 'nf'. */
static void
nf_handle_port_desc__(struct noflood *nf, const uint8_t *msg, size_t len)
{
    struct ofp10_port_desc_reply r;
    int error = ofp10_port_desc_reply_decode(msg, len, &r);
    if (error) {
        nfs_fail__(nf->s, EPROTO, "malformed port description reply: %s",
                   ofp_strerror(error));
        return;
    }
    bool ok = nf_add_sw_ports__(nf, r.ports, r.n_ports);
    bool more = r.more;
    ofp10_port_desc_reply_uninit(&r);
    if (!ok) {
        nfs_fail__(nf->s, EPROTO, "more than %d ports in port descriptions",
                   MAX_SWITCH_PORTS);
    } else if (!more) {
        nf_apply__(nf);
    }
}

/* Handles the BARRIER_REPLY for operation 'nf': the PORT_MODs sent took
 * effect.  Ends the operation, unless a direct PORT_MOD's address was
 * stale: then asks for the switch's ports to settle those. */
static void
nf_handle_barrier__(struct noflood *nf)
{
    bool pending = false;
    for (size_t i = 0; i < nf->n; i++) {
        if (nf->port_states[i] == NFP_SENT) {
            nf_settle__(nf, i, 0);
        } else if (nf->port_states[i] == NFP_PENDING) {
            pending = true;
        }
    }
    if (!pending) {
        nf_finish__(nf, 0);
        return;
    }
    nf->direct = false;
    nf->state = NF_FEATURES;
    ofp10_empty_encode(OFPT10_FEATURES_REQUEST, nf->xid + XID_FEATURES,
                       &nf->s->tx);
    nfs_flush_or_fail__(nf->s);
}

/* Returns true if 'xid' is transaction 'which' of the current operation of
 * 's' and that operation is in state 'state'. */
static bool
nfs_expects__(const struct noflood_session *s, enum nf_state state,
              uint32_t which, uint32_t xid)
{
    return s->cur && s->cur->state == state && xid == s->cur->xid + which;
}

/* Handles one message 'msg' of 'len' bytes (framed) from the switch. */
static void
nfs_handle_msg__(struct noflood_session *s, const uint8_t *msg, size_t len)
{
    if (s->conn == NFC_HELLO) {
        nfs_handle_hello__(s, msg, len);
        return;
    }

    enum ofp10_type type;
    int error = ofp10_msg_classify(msg, len, &type);
    if (error) {
        nfs_fail__(s, EPROTO, "bad message (version %#x, type %u): %s", msg[0],
                   msg[1], ofp_strerror(error));
        return;
    }
    uint32_t xid = ofp_msg_xid(msg);
    switch (type) {
    case OFPT10_ERROR:
        nfs_handle_error__(s, msg, len);
        return;
    case OFPT10_ECHO_REQUEST:
        ofp10_echo_reply_for(msg, len, &s->tx);
        nfs_flush_or_fail__(s);
        return;
    case OFPT10_FEATURES_REPLY:
        if (nfs_expects__(s, NF_FEATURES, XID_FEATURES, xid)) {
            nf_handle_features__(s->cur, msg, len);
            return;
        }
        break;
    case OFPT10_STATS_REPLY:
        if (nfs_expects__(s, NF_PORT_DESC, XID_PORT_DESC, xid)) {
            nf_handle_port_desc__(s->cur, msg, len);
            return;
        }
        break;
    case OFPT10_BARRIER_REPLY:
        if (nfs_expects__(s, NF_BARRIER, XID_BARRIER, xid)) {
            nf_handle_barrier__(s->cur);
            return;
        }
        break;
    case OFPT10_PORT_STATUS:
        nfs_handle_port_status__(s, msg, len);
        return;
    case OFPT10_HELLO:
    case OFPT10_ECHO_REPLY:
    case OFPT10_VENDOR:
    case OFPT10_FEATURES_REQUEST:
    case OFPT10_GET_CONFIG_REQUEST:
    case OFPT10_GET_CONFIG_REPLY:
    case OFPT10_SET_CONFIG:
    case OFPT10_PACKET_IN:
    case OFPT10_FLOW_REMOVED:
    case OFPT10_PACKET_OUT:
    case OFPT10_FLOW_MOD:
    case OFPT10_PORT_MOD:
    case OFPT10_STATS_REQUEST:
    case OFPT10_BARRIER_REQUEST:
    case OFPT10_QUEUE_GET_CONFIG_REQUEST:
    case OFPT10_QUEUE_GET_CONFIG_REPLY:
    case OFPT10_N_TYPES:
    default:
        break;
    }
    VG_DBG(SUBSYS, "%s: ignoring %s (xid %#" PRIx32 ")", s->path,
           ofp10_type_name(type), xid);
}

/* Returns true if the 8-byte header at 'p' can start a message of the
 * session: a HELLO, or a version 1 message of a 1.0 type.  Checked before
 * the whole message is in, so that garbage fails the operation at once
 * rather than at the timeout. */
static bool
header_is_plausible__(const uint8_t *p)
{
    return p[1] == OFPT10_HELLO ||
           (p[0] == OFP10_VERSION && p[1] < OFPT10_N_TYPES);
}

/* Reads what the socket of 's' has and handles every complete message,
 * until the connection closes (or is replaced: a callback may start an
 * operation that connects again) or the socket has nothing more. */
static void
nfs_read__(struct noflood_session *s)
{
    unsigned long conn_id = s->conn_id;

    for (int r = 0; r < READS_PER_WAKEUP; r++) {
        if (s->rx.base && s->rx.data != s->rx.base) {
            memmove(s->rx.base, s->rx.data, s->rx.size);
            s->rx.data = s->rx.base;
        }
        ofp_buf_reserve(&s->rx, RX_CHUNK);
        ssize_t n =
            recv(s->fd, s->rx.data + s->rx.size, RX_CHUNK, MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno == ECONNRESET) {
                nfs_fail__(s, ECONNRESET, "switch reset the connection");
            } else if (errno != EAGAIN && errno != EWOULDBLOCK) {
                nfs_fail__(s, errno, "recv: %s", strerror(errno));
            }
            break;
        } else if (!n) {
            nfs_fail__(s, ECONNRESET, "switch closed the connection%s",
                       s->rx.size ? " in the middle of a message" : "");
            return;
        }
        s->rx.size += (size_t)n;

        while (s->conn_id == conn_id && s->fd >= 0) {
            size_t len;
            int error = ofp_msg_frame(s->rx.data, s->rx.size, &len);
            if (error == EAGAIN) {
                if (s->rx.size >= OFP_HEADER_LEN &&
                    !header_is_plausible__(s->rx.data)) {
                    nfs_fail__(s, EPROTO,
                               "not OpenFlow 1.0 (version %#x, type %u)",
                               s->rx.data[0], s->rx.data[1]);
                    return;
                }
                break;
            } else if (error) {
                nfs_fail__(s, EPROTO, "bad message length");
                return;
            }
            nfs_handle_msg__(s, s->rx.data, len);
            if (s->conn_id == conn_id && s->fd >= 0) {
                ofp_buf_try_pull(&s->rx, len);
            }
        }
        if (s->conn_id != conn_id || s->fd < 0) {
            return;
        }
    }
    if (!s->rx.size && !s->cur) {
        /* Idle: do not keep RX_CHUNK bytes per bridge. */
        ofp_buf_uninit(&s->rx);
        ofp_buf_init(&s->rx);
    }
}

/* Queues the requests that start operation 'nf', the current one of its
 * session, whose connection is at least in the HELLO state. */
static void
nf_start__(struct noflood *nf)
{
    struct noflood_session *s = nf->s;

    if (!nf->direct) {
        ofp10_empty_encode(OFPT10_FEATURES_REQUEST, nf->xid + XID_FEATURES,
                           &s->tx);
        nf->state = NF_FEATURES;
        return;
    }
    size_t n_sent = 0;
    for (size_t i = 0; i < nf->n; i++) {
        if (nf->port_states[i] == NFP_PENDING) {
            nf_queue_port_mod__(nf, i, nf->hw_addrs[i]);
            n_sent++;
        }
    }
    ofp10_empty_encode(OFPT10_BARRIER_REQUEST, nf->xid + XID_BARRIER, &s->tx);
    nf->state = NF_BARRIER;
    VG_DBG(SUBSYS, "%s: %zu PORT_MOD(s) with the given addresses", s->path,
           n_sent);
}

/* The socket of 's' is connected: queues our HELLO and the current
 * operation's requests. */
static void
nfs_connected__(struct noflood_session *s)
{
    VG_DBG(SUBSYS, "%s: connected (connection %lu)", s->path, s->conn_id);
    s->conn = NFC_HELLO;
    ofp10_hello_encode(s->next_xid++, &s->tx);
    if (s->watch_cb) {
        /* PORT_STATUS MODIFY and no other asynchronous message; for a
         * service connection this also turns them on. */
        const uint32_t modify = 1u << OFPPR10_MODIFY;
        struct ofp10_async_config async = {
            .port_status = { modify, modify },
        };
        s->watch_xid = s->next_xid++;
        ofp10_nx_set_async_encode(&async, s->watch_xid, &s->tx);
        s->watch = NFW_ARMED;
        VG_DBG(SUBSYS, "%s: watching port changes", s->path);
    }
    if (s->cur) {
        nf_start__(s->cur);
    }
}

/* Event-loop entry point: the socket of session 's_' is ready ('revents'):
 * completes a connect(), sends what is queued, reads what came. */
static void
nfs_io_cb__(struct vg_io *io, int revents, void *s_)
{
    struct noflood_session *s = s_;
    (void)io;

    nfs_enter__(s);
    if (s->conn == NFC_CONNECTING) {
        int error = 0;
        socklen_t len = sizeof error;
        if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &error, &len) < 0) {
            error = errno;
        }
        if (error) {
            nfs_fail__(s, error, "connect: %s", strerror(error));
        } else {
            nfs_connected__(s);
            nfs_flush_or_fail__(s);
        }
    } else {
        unsigned long conn_id = s->conn_id;
        if (revents & VG_WRITE) {
            nfs_flush_or_fail__(s);
        }
        if ((revents & VG_READ) && s->conn_id == conn_id && s->fd >= 0) {
            nfs_read__(s);
        }
    }
    nfs_leave__(s);
}

/* Event-loop entry point: the current operation of session 's_' ran out
 * of time, or failed outside the event loop: fails it (and closes the
 * connection). */
static void
nfs_timer_cb__(struct vg_timer *timer, void *s_)
{
    struct noflood_session *s = s_;
    (void)timer;

    nfs_enter__(s);
    if (s->cur && s->cur->early_error) {
        int error = s->cur->early_error;
        nfs_fail__(s, error, "%s", strerror(error));
    } else if (s->cur) {
        nfs_fail__(s, ETIMEDOUT, "no answer within %g seconds",
                   NOFLOOD_TIMEOUT);
    }
    nfs_leave__(s);
}

/* Returns true if 'ofport' can be a port in an OpenFlow 1.0 PORT_MOD. */
static bool
ofport_is_valid__(uint32_t ofport)
{
    return (ofport >= 1 && ofport < OFPP10_MAX) || ofport == OFPP10_LOCAL;
}

/* Starts connecting 's' to its socket.  Returns 0 or an errno value. */
static int
nfs_connect__(struct noflood_session *s)
{
    struct sockaddr_un sun;

    memset(&sun, 0, sizeof sun);
    sun.sun_family = AF_UNIX;
    if (strlen(s->path) >= sizeof sun.sun_path) {
        return ENAMETOOLONG;
    }
    strcpy(sun.sun_path, s->path);

    s->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (s->fd < 0) {
        return errno;
    }
    int rc = connect(s->fd, (struct sockaddr *)&sun, sizeof sun);
    if (rc < 0 && errno != EINPROGRESS) {
        /* EAGAIN on a unix socket means a full backlog: not in progress. */
        int error = errno;
        close(s->fd);
        s->fd = -1;
        return error;
    }
    s->conn_id++;
    if (!rc) {
        /* Connected at once (the usual case on a unix socket). */
        s->io = vg_io_create(s->fd, VG_READ, nfs_io_cb__, s);
        nfs_connected__(s);
        return 0;
    }
    /* The rest happens on the event loop once the socket is writable. */
    s->conn = NFC_CONNECTING;
    s->io = vg_io_create(s->fd, VG_WRITE, nfs_io_cb__, s);
    return 0;
}

/* Starts the oldest queued operation of 's' if none is in flight.  Never
 * calls back: an error found here is reported from the event loop, through
 * the timer. */
static void
nfs_next__(struct noflood_session *s)
{
    if (s->cur || !s->queue) {
        return;
    }
    struct noflood *nf = s->queue;
    s->queue = nf->next;
    nf->next = NULL;
    s->cur = nf;

    /* A fresh range of transaction ids (0 is never used). */
    uint32_t span = XID_PORT_MOD + (uint32_t)nf->n;
    if (s->next_xid == 0 || s->next_xid > UINT32_MAX - span) {
        s->next_xid = 1;
    }
    nf->xid = s->next_xid;
    s->next_xid += span;

    int error = 0;
    if (s->conn == NFC_CLOSED) {
        nf->state = NF_CONNECTING;
        error = nfs_connect__(s);
    } else if (s->conn == NFC_CONNECTING) {
        nf->state = NF_CONNECTING;
    } else {
        nf_start__(nf);
    }
    if (!error && s->conn != NFC_CONNECTING) {
        /* Send now, so that the switch works while the caller goes on. */
        error = nfs_flush__(s);
    }
    if (error) {
        nf->early_error = error;
        vg_timer_start(s->timer, 0, 0);
    } else {
        vg_timer_start(s->timer, NOFLOOD_TIMEOUT, 0);
    }
}

struct noflood_session *
noflood_session_create(const char *mgmt_path)
{
    struct noflood_session *s = ofp_xcalloc(1, sizeof *s);
    s->path = ofp_xstrdup(mgmt_path);
    s->fd = -1;
    s->conn = NFC_CLOSED;
    s->next_xid = 1;
    s->timer = vg_timer_create(nfs_timer_cb__, s);
    ofp_buf_init(&s->rx);
    ofp_buf_init(&s->tx);
    return s;
}

void
noflood_session_destroy(struct noflood_session *s)
{
    if (!s || s->destroyed) {
        return;
    }
    if (s->busy) {
        /* Inside a callback: free it when the entry point returns. */
        s->destroyed = true;
        nfs_close__(s);
        vg_timer_stop(s->timer);
        return;
    }
    nfs_free__(s);
}

const char *
noflood_session_path(const struct noflood_session *s)
{
    return s->path;
}

void
noflood_session_watch(struct noflood_session *s, noflood_watch_cb *cb,
                      void *aux)
{
    s->watch_cb = cb;
    s->watch_aux = aux;
}

struct noflood *
noflood_apply(struct noflood_session *s, const struct noflood_port *ports,
              size_t n, noflood_done_cb *cb, void *aux)
{
    struct noflood *nf = ofp_xcalloc(1, sizeof *nf);
    nf->s = s;
    nf->state = NF_QUEUED;
    nf->cb = cb;
    nf->aux = aux;
    nf->n = n;
    nf->results = ofp_xcalloc(n, sizeof *nf->results);
    nf->port_states = ofp_xcalloc(n, sizeof *nf->port_states);

    /* Invalid and repeated port numbers.  1.0 port numbers are 16 bits, so
     * a table of the ones seen is small. */
    uint8_t *seen = ofp_xcalloc(UINT16_MAX + 1, 1);
    nf->direct = n > 0;
    for (size_t i = 0; i < n; i++) {
        nf->direct = nf->direct && ports[i].has_hw_addr;
    }
    if (nf->direct) {
        nf->hw_addrs = ofp_xcalloc(n, sizeof *nf->hw_addrs);
    }
    for (size_t i = 0; i < n; i++) {
        struct noflood_result *r = &nf->results[i];
        r->ofport = ports[i].ofport;
        r->no_flood = ports[i].no_flood;
        if (!ofport_is_valid__(r->ofport)) {
            VG_WARN(SUBSYS, "%s: %" PRIu32 " is not a valid port number",
                    s->path, r->ofport);
            nf_settle__(nf, i, EINVAL);
        } else if (seen[r->ofport]) {
            VG_WARN(SUBSYS, "%s: port %" PRIu32 " requested twice", s->path,
                    r->ofport);
            nf_settle__(nf, i, EINVAL);
        } else {
            seen[r->ofport] = 1;
            if (nf->direct) {
                memcpy(nf->hw_addrs[i], ports[i].hw_addr, 6);
            }
        }
    }
    free(seen);

    struct noflood **tail = &s->queue;
    while (*tail) {
        tail = &(*tail)->next;
    }
    *tail = nf;
    nfs_next__(s);
    return nf;
}

void
noflood_cancel(struct noflood *nf)
{
    if (!nf || nf->in_callback || nf->state == NF_DONE) {
        return;
    }
    struct noflood_session *s = nf->s;
    VG_DBG(SUBSYS, "%s: cancelled", s->path);
    if (nf == s->cur) {
        /* Its requests may be in the switch's hands: start afresh. */
        s->cur = NULL;
        vg_timer_stop(s->timer);
        nfs_close__(s);
    } else {
        struct noflood **p = &s->queue;
        while (*p != nf) {
            p = &(*p)->next;
        }
        *p = nf->next;
    }
    if (s->busy) {
        nf->state = NF_DONE;
        nf->next = s->zombies;
        s->zombies = nf;
    } else {
        nf_free__(nf);
    }
    nfs_next__(s);
}

char *
noflood_ovs_rundir(const char *ovsdb_remote, const char *rundir_override)
{
    char *dir;

    if (rundir_override && *rundir_override) {
        dir = ofp_xstrdup(rundir_override);
    } else if (ovsdb_remote && !strncmp(ovsdb_remote, "unix:", 5)) {
        const char *path = ovsdb_remote + 5;
        const char *slash = strrchr(path, '/');
        if (!slash) {
            dir = ofp_xstrdup(".");
        } else if (slash == path) {
            dir = ofp_xstrdup("/");
        } else {
            dir = ofp_xasprintf("%.*s", (int)(slash - path), path);
        }
    } else {
        dir = ofp_xstrdup("/var/run/openvswitch");
    }

    /* No trailing slash but for "/" itself. */
    size_t len = strlen(dir);
    while (len > 1 && dir[len - 1] == '/') {
        dir[--len] = '\0';
    }
    return dir;
}

char *
noflood_mgmt_path(const char *ovsdb_remote, const char *rundir_override,
                  const char *bridge)
{
    char *dir = noflood_ovs_rundir(ovsdb_remote, rundir_override);
    /* No doubled slash: "/" + "br0.mgmt". */
    char *path = ofp_xasprintf("%s%s%s.mgmt", dir,
                               dir[strlen(dir) - 1] == '/' ? "" : "/", bridge);
    free(dir);
    return path;
}
