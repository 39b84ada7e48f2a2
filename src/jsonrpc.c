/* JSON-RPC 1.0 stream client.  See jsonrpc.h.
 *
 * Life of a connection: CONNECTING (non-blocking connect, waiting for the
 * socket to become writable) -> CONNECTED -> DEAD.  A connection becomes DEAD
 * on any error; the owner then gets one 'closed' callback and must call
 * jsonrpc_close().  Callbacks may close the connection they are called for:
 * every entry point from the event loop holds a reference ('busy') and the
 * memory is freed when the last one returns. */
#include <config.h>
#include "src/jsonrpc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <json-c/json.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

#include "ofp/buf.h"
#include "src/log.h"
#include "src/loop.h"

#define SUBSYS "jsonrpc"

/* Bytes read per recv() call, and at most this many calls per wakeup so
 * that one busy connection cannot starve the others. */
#define READ_CHUNK 65536
#define READS_PER_WAKEUP 16

static struct vg_ratelimit rl = VG_RATELIMIT_INIT(5, 20);

/* Remote strings. */

/* Parses decimal TCP port 's' (1..65535) into '*port'. */
static bool
parse_port__(const char *s, uint16_t *port)
{
    unsigned long v = 0;

    if (!*s || strlen(s) > 5) {
        return false;
    }
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9') {
            return false;
        }
        v = v * 10 + (unsigned long)(*p - '0');
    }
    if (v < 1 || v > 65535) {
        return false;
    }
    *port = (uint16_t)v;
    return true;
}

/* Parses "IPV4:PORT" or "[IPV6]:PORT" (the part after "tcp:"). */
static int
parse_tcp__(const char *s, struct sockaddr_storage *ss, socklen_t *lenp,
            const char *remote, char **errorp)
{
    char host[INET6_ADDRSTRLEN + 1];
    const char *colon;
    const char *port_s;
    uint16_t port;
    bool v6 = s[0] == '[';

    if (v6) {
        const char *rb = strchr(s, ']');
        if (!rb || rb[1] != ':' || (size_t)(rb - s - 1) >= sizeof host) {
            goto bad;
        }
        memcpy(host, s + 1, (size_t)(rb - s - 1));
        host[rb - s - 1] = '\0';
        port_s = rb + 2;
    } else {
        colon = strrchr(s, ':');
        if (!colon || (size_t)(colon - s) >= sizeof host) {
            goto bad;
        }
        memcpy(host, s, (size_t)(colon - s));
        host[colon - s] = '\0';
        port_s = colon + 1;
    }
    if (!parse_port__(port_s, &port)) {
        *errorp = ofp_xasprintf("bad remote \"%s\": \"%s\" is not a port "
                                "number (1 to 65535)",
                                remote, port_s);
        return EINVAL;
    }

    memset(ss, 0, sizeof *ss);
    if (v6) {
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
        if (inet_pton(AF_INET6, host, &sin6->sin6_addr) != 1) {
            *errorp = ofp_xasprintf("bad remote \"%s\": \"%s\" is not an IPv6 "
                                    "address",
                                    remote, host);
            return EINVAL;
        }
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons(port);
        *lenp = sizeof *sin6;
    } else {
        struct sockaddr_in *sin = (struct sockaddr_in *)ss;
        if (inet_pton(AF_INET, host, &sin->sin_addr) != 1) {
            *errorp = ofp_xasprintf("bad remote \"%s\": \"%s\" is not an IPv4 "
                                    "address (host names are not supported; "
                                    "IPv6 goes in brackets)",
                                    remote, host);
            return EINVAL;
        }
        sin->sin_family = AF_INET;
        sin->sin_port = htons(port);
        *lenp = sizeof *sin;
    }
    return 0;

bad:
    *errorp = ofp_xasprintf("bad remote \"%s\": expected tcp:IP:PORT or "
                            "tcp:[IPV6]:PORT",
                            remote);
    return EINVAL;
}

int
jsonrpc_parse_remote(const char *remote, struct sockaddr_storage *ss,
                     socklen_t *lenp, char **errorp)
{
    *errorp = NULL;
    if (!strncmp(remote, "unix:", 5)) {
        const char *path = remote + 5;
        struct sockaddr_un *sun = (struct sockaddr_un *)ss;
        size_t len = strlen(path);

        if (!len) {
            *errorp =
                ofp_xasprintf("bad remote \"%s\": empty socket path", remote);
            return EINVAL;
        }
        if (len >= sizeof sun->sun_path) {
            *errorp = ofp_xasprintf("bad remote \"%s\": socket path longer "
                                    "than %zu bytes",
                                    remote, sizeof sun->sun_path - 1);
            return EINVAL;
        }
        memset(ss, 0, sizeof *ss);
        sun->sun_family = AF_UNIX;
        memcpy(sun->sun_path, path, len + 1);
        *lenp = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + 1);
        return 0;
    } else if (!strncmp(remote, "tcp:", 4)) {
        return parse_tcp__(remote + 4, ss, lenp, remote, errorp);
    }
    *errorp = ofp_xasprintf("bad remote \"%s\": expected unix:PATH or "
                            "tcp:IP:PORT",
                            remote);
    return EINVAL;
}

/* The stream parser. */

struct jsonrpc_parser {
    struct json_tokener *tok;
    size_t max;  /* Largest value accepted, in bytes. */
    size_t n;    /* Bytes of the current value fed so far. */
    bool failed; /* An error was reported: unusable. */
};

struct jsonrpc_parser *
jsonrpc_parser_create(size_t max_msg)
{
    struct jsonrpc_parser *p = ofp_xcalloc(1, sizeof *p);

    p->tok = json_tokener_new();
    if (!p->tok) {
        abort();
    }
    /* Not JSON_TOKENER_VALIDATE_UTF8: json-c 0.16 loses its state when a
     * multibyte character straddles two chunks.  src/ovsdb.c checks the
     * strings it uses. */
    json_tokener_set_flags(p->tok, JSON_TOKENER_STRICT |
                                       JSON_TOKENER_ALLOW_TRAILING_CHARS);
    p->max = max_msg;
    return p;
}

void
jsonrpc_parser_destroy(struct jsonrpc_parser *p)
{
    if (p) {
        json_tokener_free(p->tok);
        free(p);
    }
}

bool
jsonrpc_parser_busy(const struct jsonrpc_parser *p)
{
    return p->n > 0;
}

static bool
is_space__(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int
jsonrpc_parser_feed(struct jsonrpc_parser *p, const char *data, size_t n,
                    size_t *used, struct json_object **valuep,
                    const char **errorp)
{
    size_t skip = 0;

    *used = 0;
    *valuep = NULL;
    *errorp = NULL;
    if (p->failed) {
        *errorp = "parser used after an error";
        return EPROTO;
    }

    /* Whitespace between values belongs to no value. */
    if (!p->n) {
        while (skip < n && is_space__(data[skip])) {
            skip++;
        }
        if (skip == n) {
            *used = n;
            return 0;
        }
    }

    /* Never hand the tokener more than the limit allows, so that an
     * oversized value is caught without buffering more than the limit. */
    size_t room = p->max - p->n;
    size_t len = n - skip < room ? n - skip : room;
    if (len > INT_MAX) {
        len = INT_MAX;
    }
    struct json_object *obj =
        json_tokener_parse_ex(p->tok, data + skip, (int)len);
    enum json_tokener_error err = json_tokener_get_error(p->tok);

    if (err == json_tokener_continue) {
        p->n += len;
        *used = skip + len;
        if (p->n >= p->max) {
            p->failed = true;
            *errorp = "message too long";
            return EMSGSIZE;
        }
        return 0;
    } else if (err != json_tokener_success) {
        p->failed = true;
        *errorp = json_tokener_error_desc(err);
        return EPROTO;
    }

    size_t end = json_tokener_get_parse_end(p->tok);
    json_tokener_reset(p->tok);
    p->n = 0;
    if (!obj || !json_object_is_type(obj, json_type_object)) {
        /* A top-level null, number, string, boolean or array. */
        json_object_put(obj);
        p->failed = true;
        *errorp = "JSON value is not an object";
        return EPROTO;
    }
    *used = skip + end;
    *valuep = obj;
    return 0;
}

/* Connections. */

enum rpc_state { RPC_CONNECTING, RPC_CONNECTED, RPC_DEAD };

struct rpc_pending {
    long long id;
    jsonrpc_reply_cb *cb;
    void *aux;
};

struct jsonrpc {
    char *name; /* The remote, for logs. */
    int fd;
    enum rpc_state state;
    struct vg_io *io;
    struct vg_timer *timer; /* Probes, and deferred errors. */
    struct jsonrpc_parser *parser;
    struct ofp_buf out; /* Bytes waiting to be written. */

    const struct jsonrpc_class *class;
    void *aux;

    struct rpc_pending *pending; /* Requests waiting for a reply. */
    size_t n_pending, allocated_pending;
    long long next_id;

    double probe_interval; /* Seconds; 0: no probes. */
    bool probing;          /* An echo is out, timer is its deadline. */

    int deferred_error; /* Error to report from the timer. */
    char *deferred_reason;

    unsigned int busy; /* Entry points running on the stack. */
    bool closing;      /* jsonrpc_close() called while busy. */
};

static void rpc_io_cb__(struct vg_io *, int revents, void *aux);
static void rpc_timer_cb__(struct vg_timer *, void *aux);
static void rpc_update_events__(struct jsonrpc *);

static void
rpc_free__(struct jsonrpc *rpc)
{
    vg_io_destroy(rpc->io);
    vg_timer_destroy(rpc->timer);
    if (rpc->fd >= 0) {
        close(rpc->fd);
    }
    jsonrpc_parser_destroy(rpc->parser);
    ofp_buf_uninit(&rpc->out);
    free(rpc->pending);
    free(rpc->deferred_reason);
    free(rpc->name);
    free(rpc);
}

/* Stops all I/O on 'rpc' and releases its socket. */
static void
rpc_shutdown__(struct jsonrpc *rpc)
{
    rpc->state = RPC_DEAD;
    vg_io_destroy(rpc->io);
    rpc->io = NULL;
    vg_timer_stop(rpc->timer);
    if (rpc->fd >= 0) {
        close(rpc->fd);
        rpc->fd = -1;
    }
    rpc->n_pending = 0;
    ofp_buf_clear(&rpc->out);
}

/* Kills 'rpc' and tells the owner, once.  Called only from event-loop entry
 * points (with 'busy' held). */
static void
rpc_fail__(struct jsonrpc *rpc, int error, const char *reason)
{
    if (rpc->state == RPC_DEAD || rpc->closing) {
        return;
    }
    rpc_shutdown__(rpc);
    if (rpc->class->closed) {
        rpc->class->closed(rpc, error, reason, rpc->aux);
    }
}

/* Leaves an event-loop entry point: frees 'rpc' if it was closed meanwhile.
 * Returns false if it was. */
static bool
rpc_unref__(struct jsonrpc *rpc)
{
    if (!--rpc->busy && rpc->closing) {
        rpc_free__(rpc);
        return false;
    }
    return true;
}

int
jsonrpc_open(const char *remote, const struct jsonrpc_class *class, void *aux,
             double probe_interval, struct jsonrpc **rpcp, char **errorp)
{
    struct sockaddr_storage ss;
    socklen_t len;
    int error;

    *rpcp = NULL;
    error = jsonrpc_parse_remote(remote, &ss, &len, errorp);
    if (error) {
        return error;
    }

    int fd =
        socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error = errno;
        *errorp = ofp_xasprintf("socket: %s", strerror(error));
        return error;
    }
    if (ss.ss_family != AF_UNIX) {
        int on = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    }
    if (connect(fd, (struct sockaddr *)&ss, len) < 0 && errno != EINPROGRESS) {
        /* EAGAIN on a unix socket means a full backlog: not in progress. */
        error = errno;
        close(fd);
        *errorp = ofp_xasprintf("connect: %s", strerror(error));
        return error;
    }

    struct jsonrpc *rpc = ofp_xcalloc(1, sizeof *rpc);
    rpc->name = ofp_xstrdup(remote);
    rpc->fd = fd;
    rpc->state = RPC_CONNECTING;
    rpc->class = class;
    rpc->aux = aux;
    rpc->parser = jsonrpc_parser_create(JSONRPC_MAX_MSG);
    ofp_buf_init(&rpc->out);
    rpc->next_id = 1;
    rpc->probe_interval = probe_interval > 0 ? probe_interval : 0;
    rpc->timer = vg_timer_create(rpc_timer_cb__, rpc);
    rpc->io = vg_io_create(fd, VG_WRITE, rpc_io_cb__, rpc);
    *rpcp = rpc;
    return 0;
}

void
jsonrpc_close(struct jsonrpc *rpc)
{
    if (!rpc) {
        return;
    }
    if (rpc->busy) {
        rpc_shutdown__(rpc);
        rpc->closing = true;
    } else {
        rpc_free__(rpc);
    }
}

bool
jsonrpc_is_connected(const struct jsonrpc *rpc)
{
    return rpc->state == RPC_CONNECTED;
}

const char *
jsonrpc_name(const struct jsonrpc *rpc)
{
    return rpc->name;
}

size_t
jsonrpc_backlog(const struct jsonrpc *rpc)
{
    return rpc->out.size;
}

/* Arms the keepalive timer for 'rpc': 'probe_interval' from now. */
static void
rpc_arm_probe__(struct jsonrpc *rpc)
{
    if (rpc->probe_interval > 0 && !rpc->deferred_error) {
        vg_timer_start(rpc->timer, rpc->probe_interval, 0);
    }
}

/* Reports 'error' from the timer callback: used where calling the owner
 * back directly would surprise it (inside jsonrpc_send_request()). */
static void
rpc_defer_error__(struct jsonrpc *rpc, int error, const char *reason)
{
    if (!rpc->deferred_error) {
        rpc->deferred_error = error;
        rpc->deferred_reason = ofp_xstrdup(reason);
        vg_timer_start(rpc->timer, 0, 0);
    }
}

/* Writes as much of the output buffer as the socket takes.  Returns 0 or a
 * positive errno value. */
static int
rpc_flush__(struct jsonrpc *rpc)
{
    while (rpc->out.size) {
        ssize_t n = send(rpc->fd, rpc->out.data, rpc->out.size,
                         MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                break;
            }
            return errno;
        }
        ofp_buf_try_pull(&rpc->out, (size_t)n);
    }
    if (!rpc->out.size) {
        ofp_buf_clear(&rpc->out);
    } else if (rpc->out.data - rpc->out.base > (ptrdiff_t)rpc->out.size) {
        /* Keep the buffer from creeping forward forever. */
        memmove(rpc->out.base, rpc->out.data, rpc->out.size);
        rpc->out.data = rpc->out.base;
    }
    return 0;
}

static void
rpc_update_events__(struct jsonrpc *rpc)
{
    if (rpc->state == RPC_CONNECTED) {
        vg_io_set_events(rpc->io, VG_READ | (rpc->out.size ? VG_WRITE : 0));
    }
}

/* Queues 'msg' (reference stolen) and tries to write it. */
static void
rpc_send__(struct jsonrpc *rpc, struct json_object *msg)
{
    const char *s = json_object_to_json_string_ext(
        msg, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);

    if (vg_log_enabled(SUBSYS, VG_LOG_DBG)) {
        vg_log(SUBSYS, VG_LOG_DBG, "%s: send %.1000s", rpc->name, s);
    }
    ofp_buf_put(&rpc->out, s, strlen(s));
    json_object_put(msg);
    if (rpc->state == RPC_CONNECTED) {
        int error = rpc_flush__(rpc);
        if (error) {
            rpc_defer_error__(rpc, error, strerror(error));
            return;
        }
        rpc_update_events__(rpc);
    }
}

long long
jsonrpc_send_request(struct jsonrpc *rpc, const char *method,
                     struct json_object *params, jsonrpc_reply_cb *cb,
                     void *aux)
{
    if (rpc->state == RPC_DEAD || rpc->deferred_error) {
        json_object_put(params);
        return -1;
    }

    long long id = rpc->next_id++;
    struct json_object *msg = json_object_new_object();
    json_object_object_add(msg, "method", json_object_new_string(method));
    json_object_object_add(msg, "params",
                           params ? params : json_object_new_array());
    json_object_object_add(msg, "id", json_object_new_int64(id));

    if (rpc->n_pending == rpc->allocated_pending) {
        rpc->allocated_pending =
            rpc->allocated_pending ? 2 * rpc->allocated_pending : 8;
        rpc->pending = ofp_xrealloc(rpc->pending, rpc->allocated_pending *
                                                      sizeof *rpc->pending);
    }
    rpc->pending[rpc->n_pending++] = (struct rpc_pending){ id, cb, aux };
    rpc_send__(rpc, msg);
    return id;
}

/* Sends a reply to request 'id' (borrowed) with 'result' or 'error' (both
 * stolen; one of them NULL). */
static void
rpc_send_reply__(struct jsonrpc *rpc, struct json_object *id,
                 struct json_object *result, struct json_object *error)
{
    struct json_object *msg = json_object_new_object();
    json_object_object_add(msg, "result", result);
    json_object_object_add(msg, "error", error);
    json_object_object_add(msg, "id", json_object_get(id));
    rpc_send__(rpc, msg);
}

/* Handles a reply to one of our requests. */
static void
rpc_handle_reply__(struct jsonrpc *rpc, struct json_object *msg)
{
    struct json_object *id, *result = NULL, *error = NULL;

    if (!json_object_object_get_ex(msg, "id", &id) || !id) {
        rpc_fail__(rpc, EPROTO, "protocol error: reply without an id");
        return;
    }
    json_object_object_get_ex(msg, "result", &result);
    json_object_object_get_ex(msg, "error", &error);

    if (json_object_is_type(id, json_type_int)) {
        long long n = json_object_get_int64(id);
        for (size_t i = 0; i < rpc->n_pending; i++) {
            if (rpc->pending[i].id == n) {
                struct rpc_pending p = rpc->pending[i];
                rpc->pending[i] = rpc->pending[--rpc->n_pending];
                if (p.cb) {
                    p.cb(rpc, error ? NULL : result, error, p.aux);
                }
                return;
            }
        }
    }
    vg_log_rl(&rl, SUBSYS, VG_LOG_WARN, "%s: reply to unknown request id %s",
              rpc->name, json_object_to_json_string(id));
}

/* Handles one message received on 'rpc'. */
static void
rpc_handle_msg__(struct jsonrpc *rpc, struct json_object *msg)
{
    struct json_object *method, *params, *id = NULL;

    if (vg_log_enabled(SUBSYS, VG_LOG_DBG)) {
        vg_log(SUBSYS, VG_LOG_DBG, "%s: received %.1000s", rpc->name,
               json_object_to_json_string_ext(msg, JSON_C_TO_STRING_PLAIN));
    }
    if (!json_object_object_get_ex(msg, "method", &method)) {
        if (json_object_object_get_ex(msg, "result", NULL) ||
            json_object_object_get_ex(msg, "error", NULL)) {
            rpc_handle_reply__(rpc, msg);
        } else {
            rpc_fail__(rpc, EPROTO,
                       "protocol error: message is neither a "
                       "request nor a reply");
        }
        return;
    }

    if (!json_object_is_type(method, json_type_string)) {
        rpc_fail__(rpc, EPROTO, "protocol error: method is not a string");
        return;
    }
    if (!json_object_object_get_ex(msg, "params", &params) ||
        !json_object_is_type(params, json_type_array)) {
        rpc_fail__(rpc, EPROTO, "protocol error: params is not an array");
        return;
    }
    json_object_object_get_ex(msg, "id", &id);

    const char *name = json_object_get_string(method);
    if (!id) {
        if (rpc->class->notify) {
            rpc->class->notify(rpc, name, params, rpc->aux);
        }
    } else if (!strcmp(name, "echo")) {
        rpc_send_reply__(rpc, id, json_object_get(params), NULL);
    } else {
        vg_log_rl(&rl, SUBSYS, VG_LOG_WARN, "%s: unexpected request \"%s\"",
                  rpc->name, name);
        rpc_send_reply__(rpc, id, NULL,
                         json_object_new_string("unknown method"));
    }
}

/* Reads what the socket has and dispatches every complete message. */
static void
rpc_read__(struct jsonrpc *rpc)
{
    char buf[READ_CHUNK];

    for (int i = 0; i < READS_PER_WAKEUP && rpc->state == RPC_CONNECTED; i++) {
        ssize_t n = recv(rpc->fd, buf, sizeof buf, MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno != EAGAIN && errno != EWOULDBLOCK) {
                rpc_fail__(rpc, errno, strerror(errno));
            }
            return;
        } else if (!n) {
            if (jsonrpc_parser_busy(rpc->parser)) {
                rpc_fail__(rpc, EPROTO,
                           "connection closed in the middle of "
                           "a message");
            } else {
                rpc_fail__(rpc, 0, "connection closed by peer");
            }
            return;
        }

        /* Any traffic proves the peer alive. */
        rpc->probing = false;
        rpc_arm_probe__(rpc);

        size_t ofs = 0;
        while (ofs < (size_t)n && rpc->state == RPC_CONNECTED) {
            struct json_object *msg;
            const char *what;
            size_t used;
            int error = jsonrpc_parser_feed(
                rpc->parser, buf + ofs, (size_t)n - ofs, &used, &msg, &what);
            if (error) {
                char reason[128];
                snprintf(reason, sizeof reason, "protocol error: %s", what);
                rpc_fail__(rpc, error, reason);
                return;
            }
            ofs += used;
            if (msg) {
                rpc_handle_msg__(rpc, msg);
                json_object_put(msg);
            }
        }
    }
}

static void
rpc_io_cb__(struct vg_io *io, int revents, void *aux)
{
    struct jsonrpc *rpc = aux;

    rpc->busy++;
    if (rpc->state == RPC_CONNECTING) {
        int error = 0;
        socklen_t len = sizeof error;
        if (getsockopt(rpc->fd, SOL_SOCKET, SO_ERROR, &error, &len) < 0) {
            error = errno;
        }
        if (error) {
            char reason[128];
            snprintf(reason, sizeof reason, "connection failed: %s",
                     strerror(error));
            rpc_fail__(rpc, error, reason);
            goto out;
        }
        rpc->state = RPC_CONNECTED;
        rpc_arm_probe__(rpc);
        if (rpc->class->connected) {
            rpc->class->connected(rpc, rpc->aux);
        }
        revents |= VG_WRITE;
    }
    if (rpc->state == RPC_CONNECTED && (revents & VG_WRITE)) {
        int error = rpc_flush__(rpc);
        if (error) {
            rpc_fail__(rpc, error, strerror(error));
            goto out;
        }
    }
    if (rpc->state == RPC_CONNECTED && (revents & VG_READ)) {
        rpc_read__(rpc);
    }
    if (rpc->state == RPC_CONNECTED) {
        rpc_update_events__(rpc);
    }
out:
    rpc_unref__(rpc);
}

/* Keepalive: after 'probe_interval' of silence, send an echo; after as much
 * again without any answer, give up.  Also reports deferred errors. */
static void
rpc_timer_cb__(struct vg_timer *timer, void *aux)
{
    struct jsonrpc *rpc = aux;

    rpc->busy++;
    if (rpc->deferred_error) {
        rpc_fail__(rpc, rpc->deferred_error, rpc->deferred_reason);
    } else if (rpc->state != RPC_CONNECTED) {
        /* Nothing to do. */
    } else if (!rpc->probing) {
        VG_DBG(SUBSYS, "%s: idle for %g s, sending echo", rpc->name,
               rpc->probe_interval);
        jsonrpc_send_request(rpc, "echo", NULL, NULL, NULL);
        rpc->probing = true;
        rpc_arm_probe__(rpc);
    } else {
        char reason[128];
        snprintf(reason, sizeof reason, "no reply to echo within %g s",
                 rpc->probe_interval);
        rpc_fail__(rpc, ETIMEDOUT, reason);
    }
    rpc_unref__(rpc);
}
