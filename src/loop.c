/* The event loop on top of libev.  See loop.h. */
#include <config.h>
#include "src/loop.h"

#include <errno.h>
#include <ev.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#include "ofp/buf.h"

struct vg_io {
    ev_io w;
    vg_io_cb *cb;
    void *aux;
    ev_timer pause; /* vg_accept(): watching again after a pause. */
};

struct vg_timer {
    ev_timer w;
    vg_timer_cb *cb;
    void *aux;
};

struct vg_signal {
    ev_signal w;
    vg_signal_cb *cb;
    void *aux;
};

struct vg_child {
    ev_child w;
    vg_child_cb *cb;
    void *aux;
};

/* The calling thread's own loop (vg_loop_thread_begin()), or NULL. */
static __thread struct ev_loop *thread_loop__;

static struct ev_loop *
loop__(void)
{
    return thread_loop__ ? thread_loop__ : EV_DEFAULT;
}

static void
io_cb__(struct ev_loop *loop, ev_io *w, int revents)
{
    struct vg_io *io = (struct vg_io *)w;
    int ev = (revents & EV_READ ? VG_READ : 0) |
             (revents & EV_WRITE ? VG_WRITE : 0);
    (void)loop;
    io->cb(io, ev, io->aux);
}

static int
ev_events__(int events)
{
    return (events & VG_READ ? EV_READ : 0) |
           (events & VG_WRITE ? EV_WRITE : 0);
}

struct vg_io *
vg_io_create(int fd, int events, vg_io_cb *cb, void *aux)
{
    struct vg_io *io = ofp_xcalloc(1, sizeof *io);
    io->cb = cb;
    io->aux = aux;
    ev_io_init(&io->w, io_cb__, fd, ev_events__(events));
    if (events) {
        ev_io_start(loop__(), &io->w);
    }
    return io;
}

void
vg_io_set_low_priority(struct vg_io *io)
{
    bool active = ev_is_active(&io->w);
    if (active) {
        ev_io_stop(loop__(), &io->w); /* libev: only while inactive. */
    }
    ev_set_priority(&io->w, EV_MINPRI);
    if (active) {
        ev_io_start(loop__(), &io->w);
    }
}

void
vg_io_set_events(struct vg_io *io, int events)
{
    int want = ev_events__(events);
    if (ev_is_active(&io->w) && io->w.events == (want | EV__IOFDSET)) {
        return;
    }
    ev_io_stop(loop__(), &io->w);
    ev_io_set(&io->w, io->w.fd, want);
    if (want) {
        ev_io_start(loop__(), &io->w);
    }
}

int
vg_io_fd(const struct vg_io *io)
{
    return io->w.fd;
}

void
vg_io_destroy(struct vg_io *io)
{
    if (io) {
        ev_io_stop(loop__(), &io->w);
        ev_timer_stop(loop__(), &io->pause);
        free(io);
    }
}

static void
io_resume_cb__(struct ev_loop *loop, ev_timer *w, int revents)
{
    struct vg_io *io =
        (struct vg_io *)((char *)w - offsetof(struct vg_io, pause));
    (void)revents;
    ev_io_start(loop, &io->w);
}

int
vg_accept(struct vg_io *io, bool *paused)
{
    *paused = false;
    for (;;) {
        int fd = accept4(io->w.fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0 || errno != EINTR) {
            if (fd < 0 && (errno == EMFILE || errno == ENFILE ||
                           errno == ENOBUFS || errno == ENOMEM)) {
                int error = errno;
                ev_io_stop(loop__(), &io->w);
                ev_timer_stop(loop__(), &io->pause);
                ev_timer_init(&io->pause, io_resume_cb__, VG_ACCEPT_PAUSE, 0);
                ev_timer_start(loop__(), &io->pause);
                *paused = true;
                errno = error;
            }
            return fd;
        }
    }
}

static void
timer_cb__(struct ev_loop *loop, ev_timer *w, int revents)
{
    struct vg_timer *t = (struct vg_timer *)w;
    (void)loop;
    (void)revents;
    t->cb(t, t->aux);
}

struct vg_timer *
vg_timer_create(vg_timer_cb *cb, void *aux)
{
    struct vg_timer *t = ofp_xcalloc(1, sizeof *t);
    t->cb = cb;
    t->aux = aux;
    ev_timer_init(&t->w, timer_cb__, 0., 0.);
    return t;
}

void
vg_timer_start(struct vg_timer *t, double after, double repeat)
{
    ev_timer_stop(loop__(), &t->w);
    ev_timer_set(&t->w, after, repeat);
    ev_timer_start(loop__(), &t->w);
}

void
vg_timer_stop(struct vg_timer *t)
{
    ev_timer_stop(loop__(), &t->w);
}

bool
vg_timer_active(const struct vg_timer *t)
{
    return ev_is_active(&t->w);
}

void
vg_timer_destroy(struct vg_timer *t)
{
    if (t) {
        ev_timer_stop(loop__(), &t->w);
        free(t);
    }
}

static void
signal_cb__(struct ev_loop *loop, ev_signal *w, int revents)
{
    struct vg_signal *s = (struct vg_signal *)w;
    (void)loop;
    (void)revents;
    s->cb(s, w->signum, s->aux);
}

struct vg_signal *
vg_signal_create(int signum, vg_signal_cb *cb, void *aux)
{
    struct vg_signal *s = ofp_xcalloc(1, sizeof *s);
    s->cb = cb;
    s->aux = aux;
    ev_signal_init(&s->w, signal_cb__, signum);
    ev_signal_start(loop__(), &s->w);
    return s;
}

void
vg_signal_destroy(struct vg_signal *s)
{
    if (s) {
        ev_signal_stop(loop__(), &s->w);
        free(s);
    }
}

static void
child_cb__(struct ev_loop *loop, ev_child *w, int revents)
{
    struct vg_child *c = (struct vg_child *)w;
    (void)revents;
    /* One exit per child: stop first, so that 'cb' may destroy 'c'. */
    ev_child_stop(loop, w);
    c->cb(c, w->rstatus, c->aux);
}

struct vg_child *
vg_child_create(pid_t pid, vg_child_cb *cb, void *aux)
{
    struct vg_child *c = ofp_xcalloc(1, sizeof *c);
    c->cb = cb;
    c->aux = aux;
    ev_child_init(&c->w, child_cb__, pid, 0);
    ev_child_start(loop__(), &c->w);
    return c;
}

void
vg_child_destroy(struct vg_child *c)
{
    if (c) {
        ev_child_stop(loop__(), &c->w);
        free(c);
    }
}

struct vg_prepare {
    ev_prepare w;
    vg_prepare_cb *cb;
    void *aux;
};

static void
prepare_cb__(struct ev_loop *loop, ev_prepare *w, int revents)
{
    struct vg_prepare *p = (struct vg_prepare *)w;
    (void)loop;
    (void)revents;
    p->cb(p, p->aux);
}

struct vg_prepare *
vg_prepare_create(vg_prepare_cb *cb, void *aux)
{
    struct vg_prepare *p = ofp_xcalloc(1, sizeof *p);
    p->cb = cb;
    p->aux = aux;
    ev_prepare_init(&p->w, prepare_cb__);
    return p;
}

void
vg_prepare_start(struct vg_prepare *p)
{
    ev_prepare_start(loop__(), &p->w);
}

void
vg_prepare_stop(struct vg_prepare *p)
{
    ev_prepare_stop(loop__(), &p->w);
}

void
vg_prepare_destroy(struct vg_prepare *p)
{
    if (p) {
        ev_prepare_stop(loop__(), &p->w);
        free(p);
    }
}

struct vg_async {
    ev_async w;
    struct ev_loop *loop; /* Its creator's, for senders in other threads. */
    vg_async_cb *cb;
    void *aux;
};

static void
async_cb__(struct ev_loop *loop, ev_async *w, int revents)
{
    struct vg_async *a = (struct vg_async *)w;
    (void)loop;
    (void)revents;
    a->cb(a, a->aux);
}

struct vg_async *
vg_async_create(vg_async_cb *cb, void *aux)
{
    struct vg_async *a = ofp_xcalloc(1, sizeof *a);
    a->cb = cb;
    a->aux = aux;
    a->loop = loop__();
    ev_async_init(&a->w, async_cb__);
    ev_async_start(a->loop, &a->w);
    return a;
}

void
vg_async_send(struct vg_async *a)
{
    ev_async_send(a->loop, &a->w);
}

void
vg_async_destroy(struct vg_async *a)
{
    if (a) {
        ev_async_stop(a->loop, &a->w);
        free(a);
    }
}

void
vg_loop_thread_begin(void)
{
    thread_loop__ = ev_loop_new(EVFLAG_AUTO | EVFLAG_NOSIGMASK);
    if (!thread_loop__) {
        fputs("vifguard: cannot create an event loop\n", stderr);
        abort();
    }
}

void
vg_loop_thread_end(void)
{
    ev_loop_destroy(thread_loop__);
    thread_loop__ = NULL;
}

double
vg_monotonic(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

double
vg_now(void)
{
    return ev_now(loop__());
}

double
vg_now_exact(void)
{
    ev_now_update(loop__());
    return ev_now(loop__());
}

unsigned long
vg_loop_iterations(void)
{
    return ev_iteration(loop__());
}

void
vg_loop_run(void)
{
    ev_run(loop__(), 0);
}

void
vg_loop_break(void)
{
    ev_break(loop__(), EVBREAK_ALL);
}
