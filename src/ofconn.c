/* OpenFlow connections from ovs-vswitchd.  See ofconn.h. */
#include <config.h>
#include "src/ofconn.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ofp/print.h"
#include "src/log.h"
#include "src/loop.h"

#define SUBSYS "ofconn"

/* A peer that makes us buffer more than this is dropped. */
#define TX_LIMIT (256u << 20)
#define RX_CHUNK 65536
/* A send buffer larger than this is freed, not kept, once drained. */
#define TX_KEEP 65536
/* Seconds a peer has to complete the handshake (HELLO, FEATURES_REPLY):
 * one that connects and stays silent must not hold a connection (an fd and
 * its buffers) forever.  ovs-vswitchd answers within milliseconds. */
#define HANDSHAKE_TIMEOUT 10.0
/* Seconds of silence from a connected peer before we send it an echo
 * request, and again before we give up on it.  A switch that is alive but
 * stuck (stopped, deadlocked) would otherwise hold the bridge's
 * connection, and every reply the engine waits for, forever; once closed,
 * the bridge shows as disconnected and the switch reconnects when it
 * recovers.  ovs-vswitchd probes tcp: and ssl: controllers itself
 * (inactivity_probe, 5 s by default), unix: ones not: an idle unix:
 * connection costs one echo request and its reply every 10 s. */
#define PROBE_INTERVAL 10.0
/* Connections of one listener that may be in the handshake at once.  A
 * switch completes it within milliseconds; whoever can reach a ptcp:
 * listener (any local process) must not be able to make us hold
 * connections, and their fds, without bound. */
#define MAX_HANDSHAKING 64

enum conn_state {
    CONN_HELLO,    /* Waiting for the peer's HELLO. */
    CONN_FEATURES, /* Waiting for FEATURES_REPLY. */
    CONN_READY,    /* Handshake done. */
};

struct pending__ {
    uint32_t xid;
    ofconn_reply_cb *cb;
    void *aux;
};

struct ofconn_listener {
    int fd;
    struct vg_io *io;
    char *target;
    char *unlink_path; /* punix socket to remove on destroy, or NULL. */
    const struct ofconn_handler *handler;
    void *aux;
    unsigned long n_accepted;
    struct ofconn **conns; /* Open connections accepted here. */
    size_t n_conns;
};

struct ofconn {
    struct ofconn_listener *listener;
    int fd;
    struct vg_io *io;
    /* Until CONN_READY, the handshake deadline; then the keepalive. */
    struct vg_timer *timer;
    double last_rx; /* vg_now() when the peer last sent something. */
    bool echo_sent; /* The keepalive's echo request is unanswered. */
    char *name;     /* "ofp.sock#3", then "br0(dpid)" for logs. */
    enum conn_state state;
    uint64_t dpid;
    uint32_t next_xid;
    uint32_t features_xid;
    struct ofp_buf rx;
    struct ofp_buf tx;
    struct pending__ *pending;
    size_t n_pending;
    size_t allocated_pending;
    struct ofp_mp_assembler mp;
    struct ofp_mp_assembler mp_monitor; /* Flow monitor updates. */
    const struct ofconn_handler *handler;
    void *aux;
    bool closing;       /* Inside ofconn_close(). */
    int busy;           /* Nesting of message dispatch. */
    bool close_pending; /* Close requested while dispatching. */
};

static struct vg_ratelimit rl = VG_RATELIMIT_INIT(5, 20);

static void conn_io_cb__(struct vg_io *, int revents, void *aux);
static void conn_flush__(struct ofconn *);
static void conn_destroy__(struct ofconn *);

uint64_t
ofconn_dpid(const struct ofconn *conn)
{
    return conn->dpid;
}

const char *
ofconn_name(const struct ofconn *conn)
{
    return conn->name;
}

uint32_t
ofconn_next_xid(struct ofconn *conn)
{
    if (!++conn->next_xid) {
        conn->next_xid = 1;
    }
    return conn->next_xid;
}

void
ofconn_send(struct ofconn *conn, const struct ofp_buf *msgs)
{
    if (conn->closing || conn->close_pending) {
        return;
    }
    if (conn->tx.size + msgs->size > TX_LIMIT) {
        ofconn_close(conn, "peer is not reading (send buffer full)");
        return;
    }
    ofp_buf_put(&conn->tx, msgs->data, msgs->size);
    conn_flush__(conn);
}

void
ofconn_expect(struct ofconn *conn, uint32_t xid, ofconn_reply_cb *cb,
              void *aux)
{
    if (conn->n_pending >= conn->allocated_pending) {
        conn->allocated_pending =
            conn->allocated_pending ? 2 * conn->allocated_pending : 8;
        conn->pending = ofp_xrealloc(conn->pending, conn->allocated_pending *
                                                        sizeof *conn->pending);
    }
    struct pending__ *p = &conn->pending[conn->n_pending++];
    p->xid = xid;
    p->cb = cb;
    p->aux = aux;
}

void
ofconn_forget(struct ofconn *conn, uint32_t xid)
{
    for (size_t i = 0; i < conn->n_pending; i++) {
        if (conn->pending[i].xid == xid) {
            conn->pending[i] = conn->pending[--conn->n_pending];
            return;
        }
    }
}

static struct pending__ *
find_pending__(struct ofconn *conn, uint32_t xid)
{
    for (size_t i = 0; i < conn->n_pending; i++) {
        if (conn->pending[i].xid == xid) {
            return &conn->pending[i];
        }
    }
    return NULL;
}

/* Closes 'conn'.  If called from inside message dispatch, the close happens
 * when dispatch unwinds, so that no caller touches freed memory. */
void
ofconn_close(struct ofconn *conn, const char *why)
{
    if (conn->closing) {
        return;
    }
    if (conn->busy) {
        if (!conn->close_pending) {
            VG_INFO(SUBSYS, "%s: closing: %s", conn->name, why);
        }
        conn->close_pending = true;
        return;
    }
    if (!conn->close_pending) {
        VG_INFO(SUBSYS, "%s: closing: %s", conn->name, why);
    }
    conn->closing = true;
    if (conn->state == CONN_READY && conn->handler->closed) {
        conn->handler->closed(conn, conn->aux);
    }
    conn_destroy__(conn);
}

static void
conn_destroy__(struct ofconn *conn)
{
    struct ofconn_listener *l = conn->listener;
    for (size_t i = 0; i < l->n_conns; i++) {
        if (l->conns[i] == conn) {
            l->conns[i] = l->conns[--l->n_conns];
            break;
        }
    }
    vg_io_destroy(conn->io);
    vg_timer_destroy(conn->timer);
    close(conn->fd);
    ofp_buf_uninit(&conn->rx);
    ofp_buf_uninit(&conn->tx);
    ofp_mp_assembler_uninit(&conn->mp);
    ofp_mp_assembler_uninit(&conn->mp_monitor);
    free(conn->pending);
    free(conn->name);
    free(conn);
}

/* Writes as much of the send buffer as the socket takes. */
static void
conn_flush__(struct ofconn *conn)
{
    while (conn->tx.size) {
        ssize_t n = send(conn->fd, conn->tx.data, conn->tx.size, MSG_NOSIGNAL);
        if (n > 0) {
            ofp_buf_try_pull(&conn->tx, (size_t)n);
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            break;
        } else {
            ofconn_close(conn, n < 0 ? strerror(errno) : "send failed");
            return;
        }
    }
    if (!conn->tx.size) {
        /* A large send (a cold start's bundle: megabytes) must not pin its
         * buffer for the life of the connection. */
        if (conn->tx.allocated > TX_KEEP) {
            ofp_buf_uninit(&conn->tx);
        } else {
            ofp_buf_clear(&conn->tx);
        }
    }
    vg_io_set_events(conn->io, VG_READ | (conn->tx.size ? VG_WRITE : 0));
}

static void
send_error__(struct ofconn *conn, int error, const void *msg, size_t len)
{
    struct ofp_buf b;
    ofp_buf_init(&b);
    ofp_error_reply_encode(error, msg, len, &b);
    ofconn_send(conn, &b);
    ofp_buf_uninit(&b);
}

static void
deliver__(struct ofconn *conn, uint32_t xid, const struct ofconn_reply *r)
{
    struct pending__ *p = find_pending__(conn, xid);
    if (p) {
        p->cb(conn, r, p->aux);
    } else if (r->kind == OFPK_ERROR) {
        vg_log_rl(&rl, SUBSYS, VG_LOG_WARN,
                  "%s: unsolicited error (xid=%#x): %s", conn->name, xid,
                  r->error ? ofperr_name(r->error) : "unknown error");
    }
}

static void
handle_hello__(struct ofconn *conn, const void *msg, size_t len)
{
    struct ofp_hello hello;
    int error = ofp_hello_decode(msg, len, &hello);
    uint8_t version =
        error ? 0 : ofp_hello_negotiate(1u << OFP13_VERSION, &hello);
    if (version != OFP13_VERSION) {
        send_error__(conn, OFPERR_OFPHFC_INCOMPATIBLE, msg, len);
        ofconn_close(conn, "peer does not speak OpenFlow 1.3");
        return;
    }
    conn->state = CONN_FEATURES;
    conn->features_xid = ofconn_next_xid(conn);
    struct ofp_buf b;
    ofp_buf_init(&b);
    ofp_empty_encode(OFPT_FEATURES_REQUEST, conn->features_xid, &b);
    ofconn_send(conn, &b);
    ofp_buf_uninit(&b);
}

static void
handle_features__(struct ofconn *conn, const void *msg, size_t len)
{
    struct ofp_features f;
    int error = ofp_features_decode(msg, len, &f);
    if (error) {
        ofconn_close(conn, ofp_strerror(error));
        return;
    }
    if (f.auxiliary_id) {
        ofconn_close(conn, "auxiliary connections are not supported");
        return;
    }
    conn->dpid = f.datapath_id;
    conn->state = CONN_READY;
    vg_timer_start(conn->timer, PROBE_INTERVAL, 0);
    char *name =
        ofp_xasprintf("dpid %016llx", (unsigned long long)f.datapath_id);
    free(conn->name);
    conn->name = name;
    VG_INFO(SUBSYS, "%s: connected (OpenFlow 1.3)", conn->name);
    if (conn->handler->ready) {
        conn->handler->ready(conn, conn->aux);
    }
}

/* Handles one complete message 'msg' of 'len' bytes. */
static void
handle_msg__(struct ofconn *conn, const void *msg, size_t len)
{
    enum ofp_msg_kind kind;
    uint32_t xid = ofp_msg_xid(msg);
    int error = ofp_msg_classify(msg, len, &kind);

    if (error) {
        vg_log_rl(&rl, SUBSYS, VG_LOG_WARN, "%s: bad message (xid=%#x): %s",
                  conn->name, xid, ofp_strerror(error));
        send_error__(conn, error, msg, len);
        if (conn->state != CONN_READY) {
            ofconn_close(conn, "bad message during handshake");
        }
        return;
    }
    if (conn->state == CONN_HELLO) {
        if (kind != OFPK_HELLO) {
            ofconn_close(conn, "first message is not HELLO");
        } else {
            handle_hello__(conn, msg, len);
        }
        return;
    }

    struct ofconn_reply r = { .kind = kind, .msg = msg, .len = len };
    switch (kind) {
    case OFPK_ECHO_REQUEST: {
        struct ofp_buf b;
        ofp_buf_init(&b);
        ofp_echo_reply_for(msg, len, &b);
        ofconn_send(conn, &b);
        ofp_buf_uninit(&b);
        return;
    }
    case OFPK_FEATURES_REPLY:
        if (conn->state == CONN_FEATURES && xid == conn->features_xid) {
            handle_features__(conn, msg, len);
        }
        return;
    case OFPK_ERROR: {
        struct ofp_error e;
        if (!ofp_error_decode(msg, len, &e)) {
            r.error = e.error;
        }
        if (conn->state == CONN_FEATURES && xid == conn->features_xid) {
            ofconn_close(conn, "FEATURES_REQUEST refused");
            return;
        }
        deliver__(conn, xid, &r);
        return;
    }
    case OFPK_MULTIPART_REPLY: {
        struct ofp_mp_reply reply;
        bool done = false;
        if (!find_pending__(conn, xid)) {
            return;
        }
        /* Flow monitor updates (experimenter multipart, xid 0) come at any
         * time, between the parts of another reply too: they have their own
         * assembler. */
        bool monitor = ofp_get_be16((const uint8_t *)msg + OFP_HEADER_LEN) ==
                       OFPMP_EXPERIMENTER;
        ofp_mp_reply_init(&reply, 0);
        error = ofp_mp_assembler_add(monitor ? &conn->mp_monitor : &conn->mp,
                                     msg, len, &reply, &done);
        if (error) {
            ofp_mp_reply_uninit(&reply);
            ofconn_close(conn, ofp_strerror(error));
            return;
        }
        if (done) {
            r.mp = &reply;
            deliver__(conn, xid, &r);
        }
        ofp_mp_reply_uninit(&reply);
        return;
    }
    case OFPK_BARRIER_REPLY:
    case OFPK_BUNDLE_CONTROL:
    case OFPK_ROLE_REPLY:
    case OFPK_GET_CONFIG_REPLY:
    case OFPK_GET_ASYNC_REPLY:
    case OFPK_FLOW_MONITOR_PAUSED:
    case OFPK_FLOW_MONITOR_RESUMED:
        deliver__(conn, xid, &r);
        return;
    case OFPK_PORT_STATUS: {
        struct ofp_port_status ps;
        error = ofp_port_status_decode(msg, len, &ps);
        if (error) {
            vg_log_rl(&rl, SUBSYS, VG_LOG_WARN, "%s: bad PORT_STATUS: %s",
                      conn->name, ofp_strerror(error));
        } else if (conn->handler->port_status) {
            conn->handler->port_status(conn, &ps, conn->aux);
        }
        return;
    }
    case OFPK_HELLO:
    case OFPK_ECHO_REPLY:
    case OFPK_PACKET_IN:
    case OFPK_FLOW_REMOVED:
        return;
    default:
        /* A request a switch has no business sending us. */
        send_error__(conn, OFPERR_OFPBRC_BAD_TYPE, msg, len);
        return;
    }
}

/* Reads what the socket has and dispatches every complete message. */
static void
conn_read__(struct ofconn *conn)
{
    for (;;) {
        /* Move unconsumed bytes to the front before reading more. */
        if (conn->rx.base && conn->rx.data != conn->rx.base) {
            memmove(conn->rx.base, conn->rx.data, conn->rx.size);
            conn->rx.data = conn->rx.base;
        }
        ofp_buf_reserve(&conn->rx, RX_CHUNK);
        ssize_t n = recv(conn->fd, conn->rx.data + conn->rx.size, RX_CHUNK, 0);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return;
        }
        if (n <= 0) {
            ofconn_close(conn, n < 0 ? strerror(errno) : "peer closed");
            return;
        }
        conn->rx.size += (size_t)n;
        /* vg_now() is the loop's time of this wakeup, which may be the one
         * that sent the echo request: the flag, not the time, says that
         * the peer answered. */
        conn->last_rx = vg_now();
        conn->echo_sent = false;

        conn->busy++;
        while (!conn->close_pending) {
            size_t len;
            int error = ofp_msg_frame(conn->rx.data, conn->rx.size, &len);
            if (error == EAGAIN) {
                break;
            } else if (error) {
                ofconn_close(conn, "bad framing");
                break;
            }
            handle_msg__(conn, conn->rx.data, len);
            ofp_buf_try_pull(&conn->rx, len);
        }
        conn->busy--;
        if (conn->close_pending) {
            ofconn_close(conn, "");
            return;
        }
    }
}

static void
conn_io_cb__(struct vg_io *io, int revents, void *conn_)
{
    struct ofconn *conn = conn_;
    (void)io;
    if (revents & VG_WRITE) {
        conn->busy++;
        conn_flush__(conn);
        conn->busy--;
        if (conn->close_pending) {
            ofconn_close(conn, "");
            return;
        }
    }
    if (revents & VG_READ) {
        conn_read__(conn);
    }
}

/* Until the handshake is done: the peer has not completed it in time, and
 * is dropped.  Then the keepalive: after PROBE_INTERVAL of silence, an echo
 * request; after another one, the connection is closed. */
static void
timer_cb__(struct vg_timer *t, void *conn_)
{
    struct ofconn *conn = conn_;
    if (conn->state != CONN_READY) {
        ofconn_close(conn, conn->state == CONN_HELLO
                               ? "no HELLO within the handshake timeout"
                               : "no FEATURES_REPLY within the handshake "
                                 "timeout");
        return;
    }
    double idle = vg_now() - conn->last_rx;
    if (idle < PROBE_INTERVAL) {
        vg_timer_start(t, PROBE_INTERVAL - idle, 0);
    } else if (!conn->echo_sent) {
        struct ofp_buf b;
        ofp_buf_init(&b);
        ofp_empty_encode(OFPT_ECHO_REQUEST, ofconn_next_xid(conn), &b);
        ofconn_send(conn, &b);
        ofp_buf_uninit(&b);
        conn->echo_sent = true;
        vg_timer_start(t, PROBE_INTERVAL, 0);
    } else {
        VG_WARN(SUBSYS,
                "%s: silent for %.0f s and no reply to an echo request: "
                "is ovs-vswitchd stuck?",
                conn->name, idle);
        ofconn_close(conn, "keepalive timeout");
    }
}

static size_t
n_handshaking__(const struct ofconn_listener *l)
{
    size_t n = 0;
    for (size_t i = 0; i < l->n_conns; i++) {
        n += l->conns[i]->state != CONN_READY;
    }
    return n;
}

static void
listener_cb__(struct vg_io *io, int revents, void *l_)
{
    struct ofconn_listener *l = l_;
    (void)revents;

    for (;;) {
        bool paused;
        int fd = vg_accept(io, &paused);
        if (fd < 0) {
            if (paused || (errno != EAGAIN && errno != EWOULDBLOCK)) {
                vg_log_rl(&rl, SUBSYS, VG_LOG_WARN, "%s: accept: %s%s",
                          l->target, strerror(errno),
                          paused ? ": not accepting for a second" : "");
            }
            return;
        }
        if (n_handshaking__(l) >= MAX_HANDSHAKING) {
            vg_log_rl(&rl, SUBSYS, VG_LOG_WARN,
                      "%s: %d connections in the handshake already: new "
                      "one closed",
                      l->target, MAX_HANDSHAKING);
            close(fd);
            continue;
        }
        struct ofconn *conn = ofp_xcalloc(1, sizeof *conn);
        conn->listener = l;
        l->conns = ofp_xrealloc(l->conns, (l->n_conns + 1) * sizeof *l->conns);
        l->conns[l->n_conns++] = conn;
        conn->fd = fd;
        conn->name = ofp_xasprintf("%s#%lu", l->target, ++l->n_accepted);
        conn->state = CONN_HELLO;
        conn->handler = l->handler;
        conn->aux = l->aux;
        ofp_buf_init(&conn->rx);
        ofp_buf_init(&conn->tx);
        ofp_mp_assembler_init(&conn->mp);
        ofp_mp_assembler_init(&conn->mp_monitor);
        /* The engine reads back flows of others too (msgs.h). */
        conn->mp.lenient = true;
        conn->mp_monitor.lenient = true;
        conn->io = vg_io_create(fd, VG_READ, conn_io_cb__, conn);
        conn->last_rx = vg_now();
        conn->timer = vg_timer_create(timer_cb__, conn);
        vg_timer_start(conn->timer, HANDSHAKE_TIMEOUT, 0);
        VG_DBG(SUBSYS, "%s: accepted", conn->name);

        struct ofp_buf b;
        ofp_buf_init(&b);
        ofp_hello_encode(1u << OFP13_VERSION, ofconn_next_xid(conn), &b);
        ofconn_send(conn, &b);
        ofp_buf_uninit(&b);
    }
}

/* Parses "ptcp:PORT[:IP]" into 'ss' (IP defaults to 127.0.0.1).  Returns 0
 * or EINVAL. */
static int
parse_ptcp__(const char *spec, struct sockaddr_storage *ss, socklen_t *len)
{
    char *end;
    unsigned long port = strtoul(spec, &end, 10);
    if (end == spec || port > 65535 || (*end && *end != ':')) {
        return EINVAL;
    }
    /* Loopback unless told otherwise: see ofconn_listen(). */
    const char *ip = *end ? end + 1 : "127.0.0.1";
    memset(ss, 0, sizeof *ss);
    struct sockaddr_in *sin = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
    char ip6[INET6_ADDRSTRLEN + 2];
    size_t iplen = strlen(ip);
    if (ip[0] == '[' && iplen >= 2 && ip[iplen - 1] == ']' &&
        iplen - 2 < sizeof ip6) {
        memcpy(ip6, ip + 1, iplen - 2);
        ip6[iplen - 2] = '\0';
        ip = ip6;
    }
    if (inet_pton(AF_INET, ip, &sin->sin_addr) == 1) {
        sin->sin_family = AF_INET;
        sin->sin_port = htons((uint16_t)port);
        *len = sizeof *sin;
    } else if (inet_pton(AF_INET6, ip, &sin6->sin6_addr) == 1) {
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons((uint16_t)port);
        *len = sizeof *sin6;
    } else {
        return EINVAL;
    }
    return 0;
}

/* Whether 'ss' is a unix socket or a loopback address (127.0.0.0/8, ::1,
 * ::ffff:127.0.0.0/104). */
static bool
is_loopback__(const struct sockaddr_storage *ss)
{
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;
        return (ntohl(sin->sin_addr.s_addr) >> 24) == 127;
    } else if (ss->ss_family == AF_INET6) {
        const struct in6_addr *a =
            &((const struct sockaddr_in6 *)ss)->sin6_addr;
        return IN6_IS_ADDR_LOOPBACK(a) ||
               (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127);
    }
    return true;
}

int
ofconn_listen(const char *target, const struct ofconn_handler *handler,
              void *aux, struct ofconn_listener **lp, char **errp)
{
    struct sockaddr_storage ss;
    socklen_t sslen;
    char *unlink_path = NULL;
    int fd;

    *lp = NULL;
    if (!strncmp(target, "punix:", 6)) {
        const char *path = target + 6;
        struct sockaddr_un *sun = (struct sockaddr_un *)&ss;
        if (!*path || strlen(path) >= sizeof sun->sun_path) {
            *errp = ofp_xasprintf("%s: bad socket path", target);
            return EINVAL;
        }
        memset(&ss, 0, sizeof ss);
        sun->sun_family = AF_UNIX;
        strcpy(sun->sun_path, path);
        sslen = sizeof *sun;
        struct stat st;
        if (!lstat(path, &st) && S_ISSOCK(st.st_mode)) {
            unlink(path); /* Stale socket of a previous run. */
        }
        unlink_path = ofp_xstrdup(path);
    } else if (!strncmp(target, "ptcp:", 5)) {
        if (parse_ptcp__(target + 5, &ss, &sslen)) {
            *errp = ofp_xasprintf("%s: bad target (expected ptcp:PORT[:IP])",
                                  target);
            return EINVAL;
        }
    } else {
        *errp = ofp_xasprintf("%s: unknown listen target (expected "
                              "punix:PATH or ptcp:PORT[:IP])",
                              target);
        return EINVAL;
    }

    fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        goto error;
    }
    if (ss.ss_family != AF_UNIX) {
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    }
    if (bind(fd, (struct sockaddr *)&ss, sslen) || listen(fd, 64)) {
        goto error;
    }
    if (unlink_path) {
        chmod(unlink_path, 0660);
    }

    if (!is_loopback__(&ss)) {
        VG_WARN(SUBSYS,
                "listen %s: other hosts can connect, and a peer that claims "
                "a bridge's datapath id takes over that bridge's "
                "connection; listen on punix:PATH or 127.0.0.1",
                target);
    }

    struct ofconn_listener *l = ofp_xcalloc(1, sizeof *l);
    l->fd = fd;
    l->target = ofp_xstrdup(target);
    l->unlink_path = unlink_path;
    l->handler = handler;
    l->aux = aux;
    l->io = vg_io_create(fd, VG_READ, listener_cb__, l);
    *lp = l;
    VG_INFO(SUBSYS, "listening on %s", target);
    return 0;

error:;
    int error = errno;
    *errp = ofp_xasprintf("%s: %s", target, strerror(error));
    if (fd >= 0) {
        close(fd);
    }
    free(unlink_path);
    return error;
}

/* Closes the listener and every connection accepted on it (their closed
 * handlers run). */
void
ofconn_listener_destroy(struct ofconn_listener *l)
{
    if (l) {
        while (l->n_conns) {
            ofconn_close(l->conns[0], "shutting down");
        }
        free(l->conns);
        vg_io_destroy(l->io);
        close(l->fd);
        if (l->unlink_path) {
            unlink(l->unlink_path);
        }
        free(l->unlink_path);
        free(l->target);
        free(l);
    }
}
