/* NO_FLOOD through a short OpenFlow 1.0 session.  See noflood.h.
 *
 * Life of an operation: CONNECTING (non-blocking connect() in progress) ->
 * HELLO (HELLO and FEATURES_REQUEST sent, waiting for the switch's HELLO)
 * -> FEATURES (waiting for FEATURES_REPLY) -> [PORT_DESC (waiting for the
 * port description reply, when the FEATURES_REPLY had no room for every
 * port)] -> BARRIER (PORT_MODs and BARRIER_REQUEST sent) -> DONE.  Any
 * failure, the timeout included, goes straight to DONE.  With every
 * hardware address given ('direct'), HELLO is followed by the PORT_MODs and
 * BARRIER_REQUEST and the HELLO state leads to BARRIER; ports whose
 * PORT_MOD failed for a stale address go back to pending, and the barrier
 * reply then leads to FEATURES as above.  DONE closes the
 * socket and calls the callback; the memory is freed when the event-loop
 * entry point that got there returns (or at once by noflood_cancel()).
 *
 * Transaction ids: fixed ones for HELLO, FEATURES_REQUEST, the port
 * description request and the barrier; XID_PORT_MOD + i for the PORT_MOD of
 * requested port i, so that an ERROR names its port.
 *
 * What the switch sends that is not a reply we wait for: ECHO_REQUEST is
 * answered; PACKET_IN, PORT_STATUS, FLOW_REMOVED, ECHO_REPLY, VENDOR and
 * replies with another xid are ignored.  A message that is not valid
 * OpenFlow 1.0 (bad length, version, type) ends the operation with
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

enum {
    XID_HELLO = 1,
    XID_FEATURES = 2,
    XID_PORT_DESC = 3,
    XID_BARRIER = 4,
    XID_PORT_MOD = 16, /* + index of the requested port. */
};

enum nf_state {
    NF_CONNECTING,
    NF_HELLO,
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

struct noflood {
    char *path;             /* Management socket. */
    int fd;                 /* Socket, or -1. */
    struct vg_io *io;       /* Watcher of 'fd', or NULL. */
    struct vg_timer *timer; /* Timeout, or the report of an early error. */
    enum nf_state state;
    int early_error; /* Error found by noflood_apply() itself. */

    struct ofp_buf rx; /* Bytes received, not yet handled. */
    struct ofp_buf tx; /* Bytes not yet sent. */

    struct noflood_result *results; /* One per requested port. */
    enum nf_port_state *port_states;
    size_t n;

    struct ofp10_port *sw_ports; /* The switch's ports, from the replies. */
    size_t n_sw_ports;

    uint8_t (*hw_addrs)[6]; /* Per requested port, if 'direct'. */
    bool direct;            /* PORT_MODs sent without FEATURES_REQUEST. */

    noflood_done_cb *cb;
    void *aux;
    int busy;         /* Inside an event-loop entry point. */
    bool in_callback; /* Inside 'cb'. */
};

static struct vg_ratelimit rl = VG_RATELIMIT_INIT(5, 20);

static void nf_io_cb__(struct vg_io *, int revents, void *nf_);
static void nf_timer_cb__(struct vg_timer *, void *nf_);

/* Frees 'nf' and everything it owns; its socket must be closed. */
static void
nf_free__(struct noflood *nf)
{
    vg_timer_destroy(nf->timer);
    ofp_buf_uninit(&nf->rx);
    ofp_buf_uninit(&nf->tx);
    free(nf->results);
    free(nf->port_states);
    free(nf->sw_ports);
    free(nf->hw_addrs);
    free(nf->path);
    free(nf);
}

/* Closes the socket of 'nf' and stops its timer. */
static void
nf_close__(struct noflood *nf)
{
    vg_io_destroy(nf->io);
    nf->io = NULL;
    if (nf->fd >= 0) {
        close(nf->fd);
        nf->fd = -1;
    }
    vg_timer_stop(nf->timer);
}

/* Ends 'nf' with 'error' (0 if the session completed; then the first failed
 * port's error, if any, becomes the operation's): settles every unsettled
 * port with 'error', closes the connection and calls the callback.  Frees
 * 'nf' unless an entry point is running ('busy'): it frees it then. */
static void
nf_finish__(struct noflood *nf, int error)
{
    if (nf->state == NF_DONE) {
        return;
    }
    nf->state = NF_DONE;
    nf_close__(nf);

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
                nf->path, n_set, n_cleared,
                n_failed ? " (some ports failed)" : "");
    }
    VG_DBG(SUBSYS, "%s: done: %zu port(s), %zu failed: %s", nf->path, nf->n,
           n_failed, error ? ofp_strerror(error) : "success");

    nf->in_callback = true;
    nf->cb(nf->aux, error, nf->results, nf->n);
    nf->in_callback = false;
    if (!nf->busy) {
        nf_free__(nf);
    }
}

/* Logs why 'nf' failed (rate-limited: the switch or the socket is to blame)
 * and ends it with 'error'. */
static void nf_fail__(struct noflood *nf, int error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
nf_fail__(struct noflood *nf, int error, const char *fmt, ...)
{
    char why[256];
    va_list args;

    va_start(args, fmt);
    vsnprintf(why, sizeof why, fmt, args);
    va_end(args);
    vg_log_rl(&rl, SUBSYS, VG_LOG_WARN, "%s: NO_FLOOD not applied: %s",
              nf->path, why);
    nf_finish__(nf, error);
}

/* Settles requested port 'i' with 'error'. */
static void
nf_settle__(struct noflood *nf, size_t i, int error)
{
    nf->results[i].error = error;
    nf->results[i].settled = true;
    nf->port_states[i] = NFP_SETTLED;
}

/* Sends what 'nf' has queued, as far as the socket takes it, and watches
 * for what is needed next.  Returns 0 or an errno value. */
static int
nf_flush__(struct noflood *nf)
{
    while (nf->tx.size) {
        ssize_t n = send(nf->fd, nf->tx.data, nf->tx.size,
                         MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            ofp_buf_try_pull(&nf->tx, (size_t)n);
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
    if (!nf->tx.size) {
        ofp_buf_clear(&nf->tx);
    }
    vg_io_set_events(nf->io, VG_READ | (nf->tx.size ? VG_WRITE : 0));
    return 0;
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

/* Queues the PORT_MOD of requested port 'i', whose address is 'hw_addr'. */
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
    ofp10_port_mod_encode(&pm, (uint32_t)(XID_PORT_MOD + i), &nf->tx);
    r->changed = true;
    nf->port_states[i] = NFP_SENT;
}

/* Now that 'nf' knows the switch's ports: settles the ports that are
 * missing or already right, sends a PORT_MOD for each of the others and a
 * barrier after them, or ends the operation if nothing needs sending. */
static void
nf_apply__(struct noflood *nf)
{
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
                      "%s: port %" PRIu32 " is not on the bridge", nf->path,
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
        VG_DBG(SUBSYS, "%s: port %" PRIu32 " (%s): %s NO_FLOOD", nf->path,
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
    ofp10_empty_encode(OFPT10_BARRIER_REQUEST, XID_BARRIER, &nf->tx);
    nf->state = NF_BARRIER;
    int error = nf_flush__(nf);
    if (error) {
        nf_fail__(nf, error, "send: %s", strerror(error));
    }
}

/* Handles ERROR 'msg' ('len' bytes). */
static void
nf_handle_error__(struct noflood *nf, const uint8_t *msg, size_t len)
{
    struct ofp_error err;
    int error = ofp10_error_decode(msg, len, &err);
    if (error) {
        nf_fail__(nf, EPROTO, "malformed ERROR: %s", ofp_strerror(error));
        return;
    }
    uint32_t xid = ofp_msg_xid(msg);
    const char *name = err.error ? ofperr_name(err.error) : "unknown error";
    if (xid >= XID_PORT_MOD && xid - XID_PORT_MOD < nf->n &&
        nf->port_states[xid - XID_PORT_MOD] == NFP_SENT) {
        size_t i = xid - XID_PORT_MOD;
        if (nf->direct && (err.error == OFPERR_OFPPMFC_BAD_PORT ||
                           err.error == OFPERR_OFPPMFC_BAD_HW_ADDR)) {
            /* The given address was stale: look the port up after the
             * barrier. */
            VG_DBG(SUBSYS, "%s: port %" PRIu32 ": %s, asking for features",
                   nf->path, nf->results[i].ofport, name);
            nf->results[i].changed = false;
            nf->port_states[i] = NFP_PENDING;
            return;
        }
        vg_log_rl(&rl, SUBSYS, VG_LOG_WARN,
                  "%s: port %" PRIu32 ": switch rejected PORT_MOD: %s "
                  "(type %u, code %u)",
                  nf->path, nf->results[i].ofport, name, err.type, err.code);
        nf_settle__(nf, i, err.error ? err.error : EPROTO);
        return;
    }
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
        nf_fail__(nf, EPROTONOSUPPORT,
                  "switch refused the OpenFlow 1.0 session: %s%s%s", name,
                  n ? ": " : "", text);
        return;
    }
    nf_fail__(nf, err.error ? err.error : EPROTO,
              "switch sent ERROR %s (type %u, code %u, xid %#" PRIx32 ")",
              name, err.type, err.code, xid);
}

/* Handles the switch's first message 'msg' ('len' bytes), which must be
 * its HELLO. */
static void
nf_handle_hello__(struct noflood *nf, const uint8_t *msg, size_t len)
{
    int error = ofp10_hello_check(msg, len);
    if (error == OFPERR_OFPHFC_INCOMPATIBLE) {
        nf_fail__(nf, EPROTONOSUPPORT,
                  "bridge does not allow OpenFlow 1.0 (switch HELLO version "
                  "%#x; add OpenFlow10 to the bridge's protocols)",
                  msg[0]);
    } else if (error) {
        nf_fail__(nf, EPROTO, "expected HELLO, got %s: %s",
                  ofp10_type_name(msg[1]), ofp_strerror(error));
    } else {
        nf->state = nf->direct ? NF_BARRIER : NF_FEATURES;
    }
}

/* Handles FEATURES_REPLY 'msg' ('len' bytes). */
static void
nf_handle_features__(struct noflood *nf, const uint8_t *msg, size_t len)
{
    struct ofp10_features f;
    int error = ofp10_features_decode(msg, len, &f);
    if (error) {
        nf_fail__(nf, EPROTO, "malformed FEATURES_REPLY: %s",
                  ofp_strerror(error));
        return;
    }
    if (f.truncated) {
        /* The list may be incomplete: get them all another way. */
        VG_DBG(SUBSYS,
               "%s: %zu ports in FEATURES_REPLY, asking for port "
               "descriptions",
               nf->path, f.n_ports);
        ofp10_features_uninit(&f);
        ofp10_port_desc_request_encode(XID_PORT_DESC, &nf->tx);
        nf->state = NF_PORT_DESC;
        error = nf_flush__(nf);
        if (error) {
            nf_fail__(nf, error, "send: %s", strerror(error));
        }
        return;
    }
    nf_add_sw_ports__(nf, f.ports, f.n_ports);
    ofp10_features_uninit(&f);
    nf_apply__(nf);
}

/* Handles port description reply 'msg' ('len' bytes). */
static void
nf_handle_port_desc__(struct noflood *nf, const uint8_t *msg, size_t len)
{
    struct ofp10_port_desc_reply r;
    int error = ofp10_port_desc_reply_decode(msg, len, &r);
    if (error) {
        nf_fail__(nf, EPROTO, "malformed port description reply: %s",
                  ofp_strerror(error));
        return;
    }
    bool ok = nf_add_sw_ports__(nf, r.ports, r.n_ports);
    bool more = r.more;
    ofp10_port_desc_reply_uninit(&r);
    if (!ok) {
        nf_fail__(nf, EPROTO, "more than %d ports in port descriptions",
                  MAX_SWITCH_PORTS);
    } else if (!more) {
        nf_apply__(nf);
    }
}

/* Handles the BARRIER_REPLY: the PORT_MODs sent took effect.  Ends the
 * operation, unless a direct PORT_MOD's address was stale: then asks for the
 * switch's ports to settle those. */
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
    ofp10_empty_encode(OFPT10_FEATURES_REQUEST, XID_FEATURES, &nf->tx);
    int error = nf_flush__(nf);
    if (error) {
        nf_fail__(nf, error, "send: %s", strerror(error));
    }
}

/* Handles one message 'msg' of 'len' bytes (framed) from the switch. */
static void
nf_handle_msg__(struct noflood *nf, const uint8_t *msg, size_t len)
{
    if (nf->state == NF_HELLO) {
        nf_handle_hello__(nf, msg, len);
        return;
    }

    enum ofp10_type type;
    int error = ofp10_msg_classify(msg, len, &type);
    if (error) {
        nf_fail__(nf, EPROTO, "bad message (version %#x, type %u): %s", msg[0],
                  msg[1], ofp_strerror(error));
        return;
    }
    uint32_t xid = ofp_msg_xid(msg);
    switch (type) {
    case OFPT10_ERROR:
        nf_handle_error__(nf, msg, len);
        return;
    case OFPT10_ECHO_REQUEST:
        ofp10_echo_reply_for(msg, len, &nf->tx);
        error = nf_flush__(nf);
        if (error) {
            nf_fail__(nf, error, "send: %s", strerror(error));
        }
        return;
    case OFPT10_FEATURES_REPLY:
        if (nf->state == NF_FEATURES && xid == XID_FEATURES) {
            nf_handle_features__(nf, msg, len);
            return;
        }
        break;
    case OFPT10_STATS_REPLY:
        if (nf->state == NF_PORT_DESC && xid == XID_PORT_DESC) {
            nf_handle_port_desc__(nf, msg, len);
            return;
        }
        break;
    case OFPT10_BARRIER_REPLY:
        if (nf->state == NF_BARRIER && xid == XID_BARRIER) {
            nf_handle_barrier__(nf);
            return;
        }
        break;
    case OFPT10_HELLO:
    case OFPT10_ECHO_REPLY:
    case OFPT10_VENDOR:
    case OFPT10_FEATURES_REQUEST:
    case OFPT10_GET_CONFIG_REQUEST:
    case OFPT10_GET_CONFIG_REPLY:
    case OFPT10_SET_CONFIG:
    case OFPT10_PACKET_IN:
    case OFPT10_FLOW_REMOVED:
    case OFPT10_PORT_STATUS:
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
    VG_DBG(SUBSYS, "%s: ignoring %s (xid %#" PRIx32 ")", nf->path,
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

/* Reads what the socket has and handles every complete message, until the
 * operation ends or the socket has nothing more. */
static void
nf_read__(struct noflood *nf)
{
    for (int r = 0; r < READS_PER_WAKEUP && nf->state != NF_DONE; r++) {
        if (nf->rx.base && nf->rx.data != nf->rx.base) {
            memmove(nf->rx.base, nf->rx.data, nf->rx.size);
            nf->rx.data = nf->rx.base;
        }
        ofp_buf_reserve(&nf->rx, RX_CHUNK);
        ssize_t n =
            recv(nf->fd, nf->rx.data + nf->rx.size, RX_CHUNK, MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno == ECONNRESET) {
                nf_fail__(nf, ECONNRESET, "switch reset the connection");
            } else if (errno != EAGAIN && errno != EWOULDBLOCK) {
                nf_fail__(nf, errno, "recv: %s", strerror(errno));
            }
            return;
        } else if (!n) {
            nf_fail__(nf, ECONNRESET, "switch closed the connection%s",
                      nf->rx.size ? " in the middle of a message" : "");
            return;
        }
        nf->rx.size += (size_t)n;

        while (nf->state != NF_DONE) {
            size_t len;
            int error = ofp_msg_frame(nf->rx.data, nf->rx.size, &len);
            if (error == EAGAIN) {
                if (nf->rx.size >= OFP_HEADER_LEN &&
                    !header_is_plausible__(nf->rx.data)) {
                    nf_fail__(nf, EPROTO,
                              "not OpenFlow 1.0 (version %#x, type %u)",
                              nf->rx.data[0], nf->rx.data[1]);
                    return;
                }
                break;
            } else if (error) {
                nf_fail__(nf, EPROTO, "bad message length");
                return;
            }
            nf_handle_msg__(nf, nf->rx.data, len);
            ofp_buf_try_pull(&nf->rx, len);
        }
    }
}

/* Queues the start of the session on the connected socket: HELLO, then
 * FEATURES_REQUEST or (if 'direct') the PORT_MODs and BARRIER_REQUEST. */
static void
nf_start__(struct noflood *nf)
{
    nf->state = NF_HELLO;
    ofp10_hello_encode(XID_HELLO, &nf->tx);
    if (!nf->direct) {
        ofp10_empty_encode(OFPT10_FEATURES_REQUEST, XID_FEATURES, &nf->tx);
        return;
    }
    size_t n_sent = 0;
    for (size_t i = 0; i < nf->n; i++) {
        if (nf->port_states[i] == NFP_PENDING) {
            nf_queue_port_mod__(nf, i, nf->hw_addrs[i]);
            n_sent++;
        }
    }
    ofp10_empty_encode(OFPT10_BARRIER_REQUEST, XID_BARRIER, &nf->tx);
    VG_DBG(SUBSYS, "%s: %zu PORT_MOD(s) with the given addresses", nf->path,
           n_sent);
}

static void
nf_io_cb__(struct vg_io *io, int revents, void *nf_)
{
    struct noflood *nf = nf_;
    (void)io;

    nf->busy++;
    if (nf->state == NF_CONNECTING) {
        int error = 0;
        socklen_t len = sizeof error;
        if (getsockopt(nf->fd, SOL_SOCKET, SO_ERROR, &error, &len) < 0) {
            error = errno;
        }
        if (error) {
            nf_fail__(nf, error, "connect: %s", strerror(error));
        } else {
            nf_start__(nf);
            error = nf_flush__(nf);
            if (error) {
                nf_fail__(nf, error, "send: %s", strerror(error));
            }
        }
    } else {
        if (revents & VG_WRITE) {
            int error = nf_flush__(nf);
            if (error) {
                nf_fail__(nf, error, "send: %s", strerror(error));
            }
        }
        if ((revents & VG_READ) && nf->state != NF_DONE) {
            nf_read__(nf);
        }
    }
    if (!--nf->busy && nf->state == NF_DONE) {
        nf_free__(nf);
    }
}

static void
nf_timer_cb__(struct vg_timer *timer, void *nf_)
{
    struct noflood *nf = nf_;
    (void)timer;

    nf->busy++;
    if (nf->early_error) {
        nf_fail__(nf, nf->early_error, "%s", strerror(nf->early_error));
    } else {
        nf_fail__(nf, ETIMEDOUT, "no answer within %g seconds",
                  NOFLOOD_TIMEOUT);
    }
    if (!--nf->busy && nf->state == NF_DONE) {
        nf_free__(nf);
    }
}

/* Returns true if 'ofport' can be a port in an OpenFlow 1.0 PORT_MOD. */
static bool
ofport_is_valid__(uint32_t ofport)
{
    return (ofport >= 1 && ofport < OFPP10_MAX) || ofport == OFPP10_LOCAL;
}

/* Connects 'nf' to its socket.  Returns 0 or an errno value. */
static int
nf_connect__(struct noflood *nf)
{
    struct sockaddr_un sun;

    memset(&sun, 0, sizeof sun);
    sun.sun_family = AF_UNIX;
    if (strlen(nf->path) >= sizeof sun.sun_path) {
        return ENAMETOOLONG;
    }
    strcpy(sun.sun_path, nf->path);

    nf->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (nf->fd < 0) {
        return errno;
    }
    int rc = connect(nf->fd, (struct sockaddr *)&sun, sizeof sun);
    if (rc < 0 && errno != EINPROGRESS) {
        /* EAGAIN on a unix socket means a full backlog: not in progress. */
        int error = errno;
        close(nf->fd);
        nf->fd = -1;
        return error;
    }
    if (!rc) {
        /* Connected at once (the usual case on a unix socket): start now,
         * so that the switch works while the caller goes on.  A send error
         * is reported from the event loop, where the next send finds it
         * again, so that nothing calls back from inside noflood_apply(). */
        nf_start__(nf);
        nf->io = vg_io_create(nf->fd, VG_READ | VG_WRITE, nf_io_cb__, nf);
        (void)nf_flush__(nf);
        return 0;
    }
    /* The rest happens on the event loop once the socket is writable. */
    nf->state = NF_CONNECTING;
    nf->io = vg_io_create(nf->fd, VG_WRITE, nf_io_cb__, nf);
    return 0;
}

struct noflood *
noflood_apply(const char *mgmt_path, const struct noflood_port *ports,
              size_t n, noflood_done_cb *cb, void *aux)
{
    struct noflood *nf = ofp_xcalloc(1, sizeof *nf);
    nf->path = ofp_xstrdup(mgmt_path);
    nf->fd = -1;
    nf->cb = cb;
    nf->aux = aux;
    nf->n = n;
    nf->results = ofp_xcalloc(n, sizeof *nf->results);
    nf->port_states = ofp_xcalloc(n, sizeof *nf->port_states);
    ofp_buf_init(&nf->rx);
    ofp_buf_init(&nf->tx);
    nf->timer = vg_timer_create(nf_timer_cb__, nf);

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
                    nf->path, r->ofport);
            nf_settle__(nf, i, EINVAL);
        } else if (seen[r->ofport]) {
            VG_WARN(SUBSYS, "%s: port %" PRIu32 " requested twice", nf->path,
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

    /* The callback never runs inside this function: report an early error
     * from the event loop, through the timer. */
    nf->state = NF_CONNECTING;
    int error = nf_connect__(nf);
    if (error) {
        nf->early_error = error;
        vg_timer_start(nf->timer, 0, 0);
    } else {
        vg_timer_start(nf->timer, NOFLOOD_TIMEOUT, 0);
    }
    return nf;
}

void
noflood_cancel(struct noflood *nf)
{
    if (!nf || nf->in_callback) {
        return;
    }
    VG_DBG(SUBSYS, "%s: cancelled", nf->path);
    nf_close__(nf);
    nf_free__(nf);
}

char *
noflood_mgmt_path(const char *ovsdb_remote, const char *rundir_override,
                  const char *bridge)
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

    /* No doubled slash: "/run/openvswitch/" + "br0.mgmt". */
    size_t len = strlen(dir);
    while (len > 1 && dir[len - 1] == '/') {
        dir[--len] = '\0';
    }
    char *path = ofp_xasprintf("%s%s%s.mgmt", dir,
                               dir[len - 1] == '/' ? "" : "/", bridge);
    free(dir);
    return path;
}
