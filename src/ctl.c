/* The control socket server of vifguardd.  See ctl.h for the protocol.
 *
 * Each client has an input buffer (at most one request line plus one read)
 * and an output buffer (at most one response).  A client is read from only
 * while its output buffer is empty, so a client that sends requests without
 * reading the responses stalls itself, never the daemon, and never makes it
 * buffer more than one response.  Requests are answered by ctl_execute()
 * (ctl-json.c), except "wait": the client is parked (not read from, only
 * watched for leaving; its idle timer runs the wait's timeout instead) and
 * a loop hook, active while any client waits, asks ctl_wait_response() at
 * the end of every loop iteration whether it can be answered. */
#include <config.h>
#include "src/ctl.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ofp/buf.h"
#include "src/log.h"
#include "src/loop.h"

#define SUBSYS "ctl"

/* Bytes read from a client at a time. */
#define CTL_READ_SIZE 4096

struct ctl_client {
    struct ctl_server *server; /* Owner. */
    int fd;                    /* Connected socket. */
    unsigned int id;           /* For log messages. */
    struct vg_io *io;          /* Watches 'fd'. */
    struct vg_timer *idle;     /* Fires after CTL_IDLE_TIMEOUT idle. */
    struct ofp_buf in;         /* Received, not yet answered. */
    struct ofp_buf out;        /* The response being sent. */
    struct ctl_request *wait;  /* A "wait" not answered yet, or NULL. */
    bool eof;                  /* The client closed its side. */
    bool closing;              /* Close as soon as 'out' is sent. */
};

struct ctl_server {
    char *path;                   /* Socket path, removed on destroy... */
    dev_t dev;                    /* ...if it is still the socket file */
    ino_t ino;                    /* we created. */
    int fd;                       /* Listening socket. */
    struct vg_io *io;             /* Watches 'fd'. */
    struct ctl_provider provider; /* Where the answers come from. */
    struct vg_prepare *prepare;   /* Checks the waits; active if any. */
    size_t n_waiting;             /* Clients with a 'wait'. */
    struct ctl_client *clients[CTL_MAX_CLIENTS]; /* Connected clients. */
    size_t n_clients;                            /* Number of them. */
    unsigned int next_id;                        /* For log messages. */
};

static struct vg_ratelimit rl = VG_RATELIMIT_INIT(5, 10);

static void client_run__(struct ctl_client *);

/* Ends the wait of 'c', if any. */
static void
client_unwait__(struct ctl_client *c)
{
    if (c->wait) {
        ctl_request_destroy(c->wait);
        free(c->wait);
        c->wait = NULL;
        if (!--c->server->n_waiting) {
            vg_prepare_stop(c->server->prepare);
        }
    }
}

static void
client_destroy__(struct ctl_client *c)
{
    struct ctl_server *s = c->server;

    for (size_t i = 0; i < s->n_clients; i++) {
        if (s->clients[i] == c) {
            s->clients[i] = s->clients[--s->n_clients];
            break;
        }
    }
    VG_DBG(SUBSYS, "client %u: disconnected", c->id);
    client_unwait__(c);
    vg_io_destroy(c->io);
    vg_timer_destroy(c->idle);
    close(c->fd);
    ofp_buf_uninit(&c->in);
    ofp_buf_uninit(&c->out);
    free(c);
}

/* Answers the wait of 'c' if it can be answered now, or if 'timed_out'.
 * Returns true if it did ('c' may be gone then). */
static bool
client_check_wait__(struct ctl_client *c, bool timed_out)
{
    const struct ctl_provider *p = &c->server->provider;
    char *resp = ctl_wait_response(c->wait, p->port_state, p->aux, timed_out);

    if (!resp) {
        return false;
    }
    VG_DBG(SUBSYS, "client %u: wait answered: %.200s", c->id, resp);
    client_unwait__(c);
    ofp_buf_put_cstr(&c->out, resp);
    ofp_buf_put_char(&c->out, '\n');
    free(resp);
    vg_timer_start(c->idle, CTL_IDLE_TIMEOUT, 0);
    client_run__(c);
    return true;
}

static void
client_idle_cb__(struct vg_timer *t, void *c_)
{
    struct ctl_client *c = c_;
    (void)t;
    if (c->wait) {
        client_check_wait__(c, true);
        return;
    }
    VG_DBG(SUBSYS, "client %u: idle for %.0f s, disconnecting", c->id,
           CTL_IDLE_TIMEOUT);
    client_destroy__(c);
}

/* The loop hook: answers the waits that can be answered. */
static void
server_prepare_cb__(struct vg_prepare *prep, void *s_)
{
    struct ctl_server *s = s_;
    (void)prep;

    /* Backwards: answering may destroy a client, which moves the last one
     * into its slot.  Again while any was answered: the client may have
     * parked its next request, a "wait" that this iteration must look at
     * too (libev does not run a hook twice before it blocks); a bounded
     * number of times, so that no client keeps the loop here. */
    bool again = true;
    for (int pass = 0; again && pass < 16; pass++) {
        again = false;
        for (size_t i = s->n_clients; i-- > 0;) {
            if (i < s->n_clients && s->clients[i]->wait &&
                client_check_wait__(s->clients[i], false)) {
                again = true;
            }
        }
    }
}

/* 'c' is parked on a "wait" and its socket became readable: if the client
 * went away, drops it (no slot is held until the wait's timeout).  A
 * half-closed client (it sent its request and shut down writing) still
 * gets its answer; so does one that sent more requests.  Either way the
 * socket is not watched again until the answer. */
static void
client_parked_readable__(struct ctl_client *c)
{
    char byte;
    ssize_t n = recv(c->fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
        return;
    }
    if (n <= 0) {
        struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
        if (n < 0 || (poll(&pfd, 1, 0) == 1 && pfd.revents & POLLHUP)) {
            VG_DBG(SUBSYS, "client %u: gone while waiting", c->id);
            client_destroy__(c);
            return;
        }
        c->eof = true;
    }
    vg_io_set_events(c->io, 0);
}

static void
client_io_cb__(struct vg_io *io, int revents, void *c_)
{
    struct ctl_client *c = c_;
    (void)io;
    (void)revents;
    if (c->wait) {
        client_parked_readable__(c);
    } else {
        client_run__(c);
    }
}

/* Queues the response to the request 'req' ('len' bytes), or parks 'c'
 * on its "wait". */
static void
client_answer__(struct ctl_client *c, const char *req, size_t len)
{
    struct ctl_server *s = c->server;
    char *resp =
        ctl_execute(req, len, s->provider.status, s->provider.aux, &c->wait);
    VG_DBG(SUBSYS, "client %u: request %.*s", c->id,
           (int)(len > 200 ? 200 : len), req);
    if (!resp) {
        if (!s->n_waiting++) {
            vg_prepare_start(s->prepare);
        }
        vg_timer_start(c->idle, c->wait->timeout, 0);
        return;
    }
    ofp_buf_put_cstr(&c->out, resp);
    ofp_buf_put_char(&c->out, '\n');
    free(resp);
}

/* Answers the next complete request in 'c->in', if any and if no response
 * is pending.  Returns true if it queued a response. */
static bool
client_process__(struct ctl_client *c)
{
    while (!c->out.size && !c->wait && c->in.size) {
        const uint8_t *nl = memchr(c->in.data, '\n', c->in.size);
        size_t len;

        if (nl) {
            len = (size_t)(nl - c->in.data);
        } else if (c->in.size > CTL_MAX_REQUEST || c->eof) {
            len = c->in.size; /* Too long, or the last line, unterminated. */
        } else {
            return false;
        }
        if (len > CTL_MAX_REQUEST) {
            /* ctl_execute() answers with an error; the rest of the line
             * cannot be resynchronized, so the client is dropped. */
            client_answer__(c, (const char *)c->in.data, len);
            c->closing = true;
            ofp_buf_clear(&c->in);
            return true;
        }

        const char *req = ofp_buf_try_pull(&c->in, len);
        if (nl) {
            ofp_buf_try_pull(&c->in, 1);
        }
        if (!c->in.size) {
            ofp_buf_clear(&c->in);
        }
        if (len && !(len == 1 && req[0] == '\r')) {
            client_answer__(c, req, len);
            return !c->wait;
        }
    }
    return false;
}

/* Reads what the client sent.  Returns false if the client is gone. */
static bool
client_read__(struct ctl_client *c)
{
    if (c->in.base && c->in.data != c->in.base) {
        memmove(c->in.base, c->in.data, c->in.size);
        c->in.data = c->in.base;
    }
    ofp_buf_reserve(&c->in, CTL_READ_SIZE);
    ssize_t n = read(c->fd, c->in.data + c->in.size, CTL_READ_SIZE);
    if (n > 0) {
        c->in.size += (size_t)n;
        vg_timer_start(c->idle, CTL_IDLE_TIMEOUT, 0);
    } else if (n == 0) {
        c->eof = true;
    } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        VG_DBG(SUBSYS, "client %u: read: %s", c->id, strerror(errno));
        return false;
    }
    return true;
}

/* Sends what it can of the pending response.  Returns false if the client
 * is gone. */
static bool
client_write__(struct ctl_client *c)
{
    while (c->out.size) {
        ssize_t n =
            send(c->fd, c->out.data, c->out.size, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            ofp_buf_try_pull(&c->out, (size_t)n);
            vg_timer_start(c->idle, CTL_IDLE_TIMEOUT, 0);
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return true;
        } else {
            VG_DBG(SUBSYS, "client %u: send: %s", c->id,
                   n < 0 ? strerror(errno) : "no progress");
            return false;
        }
    }
    ofp_buf_clear(&c->out);
    return true;
}

/* Does what can be done for 'c' now, up to a budget: reads, answers,
 * writes, and then waits for the events that allow progress, or closes
 * it. */
static void
client_run__(struct ctl_client *c)
{
    for (int budget = 0;; budget++) {
        if (budget >= 16) {
            /* Let other clients and modules run; VG_WRITE brings us back
             * at once (the socket is writable) to go on. */
            vg_io_set_events(c->io, VG_READ | VG_WRITE);
            return;
        }
        bool answered = client_process__(c);
        /* A response queued before the call (an answered "wait") counts:
         * requests behind it may be buffered. */
        answered |= c->out.size > 0;
        if (c->out.size && !client_write__(c)) {
            client_destroy__(c);
            return;
        }
        if (c->out.size) {
            vg_io_set_events(c->io, VG_WRITE);
            return;
        }
        if (c->wait) {
            /* Parked: the loop hook or the timeout goes on; the socket is
             * watched only to see the client leave. */
            vg_io_set_events(c->io, c->eof ? 0 : VG_READ);
            return;
        }
        if (c->closing) {
            client_destroy__(c);
            return;
        }
        if (answered) {
            continue; /* More requests may be buffered. */
        }
        if (c->eof) {
            if (!c->in.size) {
                client_destroy__(c);
                return;
            }
            continue; /* Answer the unterminated last request. */
        }
        size_t before = c->in.size;
        if (!client_read__(c)) {
            client_destroy__(c);
            return;
        }
        if (c->in.size == before && !c->eof) {
            vg_io_set_events(c->io, VG_READ);
            return;
        }
    }
}

static void
server_accept_cb__(struct vg_io *io, int revents, void *s_)
{
    struct ctl_server *s = s_;
    (void)revents;

    for (int i = 0; i < 16; i++) {
        bool paused;
        int fd = vg_accept(io, &paused);
        if (fd < 0) {
            if (paused || (errno != EAGAIN && errno != EWOULDBLOCK)) {
                vg_log_rl(&rl, SUBSYS, VG_LOG_WARN, "%s: accept: %s%s",
                          s->path, strerror(errno),
                          paused ? ": not accepting for a second" : "");
            }
            return;
        }
        if (s->n_clients >= CTL_MAX_CLIENTS) {
            static const char msg[] = "{\"ok\":false,\"error\":\"too many "
                                      "clients\"}\n";
            vg_log_rl(&rl, SUBSYS, VG_LOG_WARN,
                      "%s: more than %d clients, refusing one", s->path,
                      CTL_MAX_CLIENTS);
            if (send(fd, msg, sizeof msg - 1, MSG_NOSIGNAL | MSG_DONTWAIT)) {
                /* Best effort. */
            }
            close(fd);
            continue;
        }

        struct ctl_client *c = ofp_xcalloc(1, sizeof *c);
        c->server = s;
        c->fd = fd;
        c->id = ++s->next_id;
        ofp_buf_init(&c->in);
        ofp_buf_init(&c->out);
        c->io = vg_io_create(fd, VG_READ, client_io_cb__, c);
        c->idle = vg_timer_create(client_idle_cb__, c);
        vg_timer_start(c->idle, CTL_IDLE_TIMEOUT, 0);
        s->clients[s->n_clients++] = c;
        VG_DBG(SUBSYS, "client %u: connected", c->id);
    }
}

/* Removes a socket left at 'path' by a previous run.  Returns 0 or an errno
 * value with a message in '*errp' if something else is there, or a live
 * server answers on it. */
static int
remove_stale__(const char *path, const struct sockaddr_un *sun, char **errp)
{
    struct stat st;

    if (lstat(path, &st)) {
        return 0;
    }
    if (!S_ISSOCK(st.st_mode)) {
        *errp = ofp_xasprintf("%s: exists and is not a socket", path);
        return EEXIST;
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd >= 0) {
        /* EAGAIN: a live server with a full backlog. */
        bool live = !connect(fd, (const struct sockaddr *)sun, sizeof *sun) ||
                    errno == EAGAIN;
        close(fd);
        if (live) {
            *errp = ofp_xasprintf("%s: another process is listening on this "
                                  "socket (is another vifguardd running?)",
                                  path);
            return EADDRINUSE;
        }
    }
    if (unlink(path) && errno != ENOENT) {
        int error = errno;
        *errp = ofp_xasprintf("%s: cannot remove stale socket: %s", path,
                              strerror(error));
        return error;
    }
    return 0;
}

int
ctl_server_create(const char *path, const struct ctl_provider *provider,
                  struct ctl_server **sp, char **errp)
{
    struct sockaddr_un sun;
    int fd, error;

    *sp = NULL;
    *errp = NULL;
    if (!*path || strlen(path) >= sizeof sun.sun_path) {
        *errp = ofp_xasprintf("%s: bad socket path (empty or longer than "
                              "%zu bytes)",
                              path, sizeof sun.sun_path - 1);
        return EINVAL;
    }
    memset(&sun, 0, sizeof sun);
    sun.sun_family = AF_UNIX;
    strcpy(sun.sun_path, path);
    if ((error = remove_stale__(path, &sun, errp))) {
        return error;
    }

    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error = errno;
        *errp = ofp_xasprintf("%s: socket: %s", path, strerror(error));
        return error;
    }
    mode_t old_umask = umask(0117);
    int r = bind(fd, (struct sockaddr *)&sun, sizeof sun);
    error = errno;
    umask(old_umask);
    if (r) {
        *errp = ofp_xasprintf("%s: bind: %s", path, strerror(error));
        close(fd);
        return error;
    }
    struct stat st;
    if (chmod(path, 0660) || stat(path, &st) || listen(fd, 64)) {
        error = errno;
        *errp = ofp_xasprintf("%s: %s", path, strerror(error));
        unlink(path);
        close(fd);
        return error;
    }

    struct ctl_server *s = ofp_xcalloc(1, sizeof *s);
    s->path = ofp_xstrdup(path);
    s->dev = st.st_dev;
    s->ino = st.st_ino;
    s->fd = fd;
    s->provider = *provider;
    s->prepare = vg_prepare_create(server_prepare_cb__, s);
    s->io = vg_io_create(fd, VG_READ, server_accept_cb__, s);
    /* Clients that leave in the same iteration free their slots first. */
    vg_io_set_low_priority(s->io);
    VG_INFO(SUBSYS, "listening on %s", path);
    *sp = s;
    return 0;
}

void
ctl_server_destroy(struct ctl_server *s)
{
    if (!s) {
        return;
    }
    while (s->n_clients) {
        client_destroy__(s->clients[0]);
    }
    vg_prepare_destroy(s->prepare);
    vg_io_destroy(s->io);
    close(s->fd);

    struct stat st;
    if (!lstat(s->path, &st) && st.st_dev == s->dev && st.st_ino == s->ino) {
        unlink(s->path);
    }
    free(s->path);
    free(s);
}

size_t
ctl_server_n_clients(const struct ctl_server *s)
{
    return s->n_clients;
}
